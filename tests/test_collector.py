"""live_views/render/collector.py: block ids, versions, loop paths, and the placeholders a nested
block leaves in its parent's markup until the parent is expanded."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Engine

from live_views.render.collector import (
    COLLECTOR_KEY,
    BlockCollector,
    RenderedBlock,
    block_id,
    get_collector,
    loop_path,
    version_of,
)

ENGINE = Engine(libraries={"live_views": "live_views.templatetags.live_views"})


def render(source: str, **values: object) -> tuple[str, BlockCollector]:
    context = Context(values)
    page = ENGINE.from_string("{% load live_views %}" + source).render(context)
    return page, get_collector(context)


def block(ident: str, skeleton: str, parent: str | None = None) -> RenderedBlock:
    return RenderedBlock(
        id=ident,
        open_tag=f'<div id="{ident}">',
        skeleton=skeleton,
        close_tag="</div>",
        version=version_of(skeleton),
        parent=parent,
    )


# -- block_id -----------------------------------------------------------------------------------


def test_a_block_without_a_key_is_named_by_its_name():
    assert block_id("counter", None) == "lv-counter"


@pytest.mark.parametrize(
    ("key", "suffix"), [(0, "0"), (7, "7"), ("a-b_c.d", "a-b_c.d"), ("x" * 64, "x" * 64)]
)
def test_safe_keys_show_in_the_id(key, suffix):
    # 0 is a key like any other, not "no key".
    assert block_id("row", key) == f"lv-row-{suffix}"


@pytest.mark.parametrize(
    "key", ["", "a b", '"><script>', "x" * 65, "é", "a/b", "a\x00b", "lv-row-1 lv-row-2", "a:1"]
)
def test_unsafe_keys_are_hashed_into_a_safe_stable_id(key):
    ident = block_id("row", key)
    assert re.fullmatch(r"lv-row-[0-9a-f]{12}", ident), ident
    assert block_id("row", key) == ident  # the same on every render and in every process


def test_hashed_keys_of_different_values_differ_and_the_name_still_shows():
    assert block_id("row", "a b") != block_id("row", "a  b")
    assert block_id("row", "a b").removeprefix("lv-row-") == block_id("col", "a b").removeprefix(
        "lv-col-"
    )


def test_a_key_is_its_text():
    assert block_id("row", 42) == block_id("row", "42")


# -- version_of ---------------------------------------------------------------------------------


def test_a_version_is_8_hex_characters_that_follow_the_markup():
    version = version_of("<p>1</p>")
    assert re.fullmatch(r"[0-9a-f]{8}", version)
    assert version_of("<p>1</p>") == version
    assert version_of("<p>2</p>") != version


# -- loop_path ----------------------------------------------------------------------------------


def test_loop_path_outside_any_loop_is_empty():
    assert loop_path(Context({})) == ()


def test_loop_path_lists_the_iteration_of_every_enclosing_loop_outermost_first():
    source = (
        "{% for a in outer %}{% for b in inner %}"
        "{% liveblock cell key=a|add:b %}{% endliveblock %}{% endfor %}{% endfor %}"
    )
    _, collector = render(source, outer=[10, 20], inner=[1, 2, 3])
    assert collector.paths["lv-cell-11"] == (0, 0)
    assert collector.paths["lv-cell-13"] == (0, 2)
    assert collector.paths["lv-cell-22"] == (1, 1)


# -- placeholders and expand --------------------------------------------------------------------


def test_a_placeholder_is_delimited_by_nul_and_carries_this_renders_nonce():
    one, two = BlockCollector(), BlockCollector()
    assert one.placeholder("lv-a") == f"\x00{one.nonce}lv-a\x00"
    assert one.nonce != two.nonce


def test_expand_replaces_placeholders_by_their_blocks_recursively():
    collector = BlockCollector()
    collector.blocks["lv-c"] = block("lv-c", "c", parent="lv-b")
    collector.blocks["lv-b"] = block("lv-b", f"b[{collector.placeholder('lv-c')}]", "lv-a")
    collector.blocks["lv-a"] = block("lv-a", f"a[{collector.placeholder('lv-b')}]")
    assert collector.expand("lv-a") == (
        '<div id="lv-a">a[<div id="lv-b">b[<div id="lv-c">c</div>]</div>]</div>'
    )


def test_expand_marks_only_the_outer_block_for_an_out_of_band_swap():
    collector = BlockCollector()
    collector.blocks["lv-b"] = block("lv-b", "b", parent="lv-a")
    collector.blocks["lv-a"] = block("lv-a", f"a{collector.placeholder('lv-b')}")
    expanded = collector.expand("lv-a", swap_oob="outerMorph")
    assert expanded == '<div id="lv-a" hx-swap-oob="outerMorph">a<div id="lv-b">b</div></div>'


def test_text_that_looks_like_another_renders_placeholder_is_left_alone():
    other = BlockCollector()
    collector = BlockCollector()
    collector.blocks["lv-b"] = block("lv-b", "secret", parent="lv-a")
    forged = other.placeholder("lv-b")
    collector.blocks["lv-a"] = block("lv-a", f"user text {forged}")
    assert "secret" not in collector.expand("lv-a")
    assert forged in collector.expand("lv-a")


# -- one collector per render -------------------------------------------------------------------


def test_one_render_shares_one_collector_and_the_next_render_gets_a_new_one():
    context = Context({})
    first = get_collector(context)
    assert get_collector(context) is first
    assert context.render_context.dicts[0][COLLECTOR_KEY] is first
    assert get_collector(Context({})) is not first


def test_blocks_are_collected_in_document_order_with_their_parents():
    _, collector = render(
        "{% liveblock a %}{% liveblock b %}{% endliveblock %}{% endliveblock %}"
        "{% liveblock c %}{% endliveblock %}"
    )
    assert list(collector.blocks) == ["lv-b", "lv-a", "lv-c"]  # a block is done after its children
    assert [collector.blocks[i].parent for i in ("lv-a", "lv-b", "lv-c")] == [None, "lv-a", None]


def test_versions_are_stable_across_renders_though_each_render_has_its_own_nonce():
    source = (
        "{% liveblock list %}<ul>{% for i in items %}"
        "{% liveblock item key=i %}{{ i }}{% endliveblock %}{% endfor %}</ul>{% endliveblock %}"
    )
    page_one, one = render(source, items=[1, 2])
    page_two, two = render(source, items=[1, 2])
    assert one.nonce != two.nonce
    assert page_one == page_two
    assert {i: b.version for i, b in one.blocks.items()} == {
        i: b.version for i, b in two.blocks.items()
    }
    assert "\x00" not in page_one
