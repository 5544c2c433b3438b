"""live_views/render/blocks.py: the ``{% liveblock %}`` node, rendered on its own: what it writes,
what it records, how a nested block hands its parent a placeholder, and its errors."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Engine, TemplateSyntaxError

from live_views.render.blocks import LiveBlockNode
from live_views.render.collector import COLLECTOR_KEY, BlockCollector, get_collector, version_of

ENGINE = Engine(libraries={"live_views": "live_views.templatetags.live_views"})


def compile_template(source: str):
    return ENGINE.from_string("{% load live_views %}" + source)


def render(
    source: str, collector: BlockCollector | None = None, **values: object
) -> tuple[str, BlockCollector]:
    context = Context(values)
    if collector is not None:
        context.render_context.dicts[0][COLLECTOR_KEY] = collector
    page = compile_template(source).render(context)
    return page, get_collector(context)


def test_a_block_writes_its_wrapper_with_id_and_version_of_its_content():
    page, collector = render("{% liveblock counter %}<p>{{ n }}</p>{% endliveblock %}", n=3)
    assert page == f'<div id="lv-counter" data-lv-v="{version_of("<p>3</p>")}"><p>3</p></div>'
    recorded = collector.blocks["lv-counter"]
    assert (recorded.skeleton, recorded.parent) == ("<p>3</p>", None)
    assert recorded.open_tag + recorded.skeleton + recorded.close_tag == page


def test_the_content_is_autoescaped_like_the_rest_of_the_template():
    page, _ = render("{% liveblock b %}{{ text }}{% endliveblock %}", text="<script>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_a_nested_block_leaves_a_placeholder_in_its_parents_skeleton():
    page, collector = render(
        "{% liveblock outer %}[{% liveblock inner %}{{ n }}{% endliveblock %}]{% endliveblock %}",
        n=1,
    )
    outer, inner = collector.blocks["lv-outer"], collector.blocks["lv-inner"]
    assert inner.parent == "lv-outer"
    assert outer.skeleton == f"[{collector.placeholder('lv-inner')}]"
    # The page gets the expanded markup, no placeholder.
    assert "\x00" not in page
    assert page == f"{outer.open_tag}[{inner.open_tag}1{inner.close_tag}]{outer.close_tag}"


def test_a_changed_child_leaves_its_parents_version_alone():
    source = (
        "{% liveblock outer %}<ul>{% liveblock inner %}{{ n }}{% endliveblock %}</ul>"
        "{% endliveblock %}"
    )
    _, one = render(source, n=1)
    _, two = render(source, n=2)
    assert one.blocks["lv-outer"].version == two.blocks["lv-outer"].version
    assert one.blocks["lv-inner"].version != two.blocks["lv-inner"].version


def test_keyed_blocks_in_a_loop_get_one_id_per_key_and_record_their_loop_path():
    page, collector = render(
        "{% for row in rows %}{% liveblock row key=row tag='li' %}{{ row }}{% endliveblock %}"
        "{% endfor %}",
        rows=["a", "b"],
    )
    assert re.findall(r'<li id="(lv-row-[ab])"', page) == ["lv-row-a", "lv-row-b"]
    assert collector.paths == {"lv-row-a": (0,), "lv-row-b": (1,)}


def test_a_class_from_the_context_is_escaped():
    page, _ = render("{% liveblock b class=css %}x{% endliveblock %}", css='a" onclick="x')
    assert 'class="a&quot; onclick=&quot;x"' in page


def test_remove_gives_the_wrapper_its_removal_transition_escaped():
    page, _ = render(
        '{% liveblock row tag="tr" remove="fade-out 300ms" %}x{% endliveblock %}'
        "{% liveblock b remove=how %}x{% endliveblock %}",
        how='a" onclick="x',
    )
    assert '<tr id="lv-row" data-lv-v="' in page
    assert ' data-live-remove="fade-out 300ms">x</tr>' in page
    assert 'data-live-remove="a&quot; onclick=&quot;x"' in page


# -- duplicate ids ------------------------------------------------------------------------------


def test_a_block_rendered_twice_without_a_key_fails_with_the_key_hint():
    with pytest.raises(TemplateSyntaxError) as caught:
        render(
            "{% for i in items %}{% liveblock row %}{{ i }}{% endliveblock %}{% endfor %}",
            items=[1, 2],
        )
    message = str(caught.value)
    assert "liveblock 'row' rendered twice with the same id 'lv-row'" in message
    assert "{% liveblock row key=item.pk %}" in message


def test_two_blocks_of_one_name_outside_a_loop_fail_asking_for_another_name():
    with pytest.raises(TemplateSyntaxError) as caught:
        render("{% liveblock total %}1{% endliveblock %}{% liveblock total %}2{% endliveblock %}")
    message = str(caught.value)
    assert "'lv-total'" in message
    assert "Give each {% liveblock %} of the page a name of its own" in message
    assert "key=" not in message  # no loop: a key is not the fix


def test_a_duplicate_key_names_the_id_without_the_key_hint():
    with pytest.raises(TemplateSyntaxError) as caught:
        render(
            "{% for i in items %}{% liveblock row key=i.group %}{% endliveblock %}{% endfor %}",
            items=[{"group": "g"}, {"group": "g"}],
        )
    message = str(caught.value)
    assert "'lv-row-g'" in message
    assert "give it a key" not in message
    assert "needs a key of its own: 'g' came twice" in message


def test_two_keyed_blocks_whose_keys_hash_alike_are_a_duplicate_not_a_silent_overwrite():
    with pytest.raises(TemplateSyntaxError, match="rendered twice"):
        render(
            "{% for i in items %}{% liveblock row key=i %}{% endliveblock %}{% endfor %}",
            items=["a b", "a b"],
        )


# -- a targeted render --------------------------------------------------------------------------


SOURCE = (
    "{% liveblock header %}H{% endliveblock %}"
    "{% liveblock list %}{% for i in items %}"
    "{% liveblock item key=i %}{{ i }}{% endliveblock %}{% endfor %}{% endliveblock %}"
)


def test_a_targeted_render_skips_every_top_level_block_but_the_targets():
    collector = BlockCollector(targets=frozenset({"lv-header"}))
    page, collector = render(SOURCE, collector, items=[1, 2])
    assert list(collector.blocks) == ["lv-header"]
    assert 'id="lv-list"' not in page


def test_a_block_on_the_way_is_rendered_to_reach_its_target_but_not_recorded():
    collector = BlockCollector(targets=frozenset({"lv-item-2"}), on_the_way=frozenset({"lv-list"}))
    page, collector = render(SOURCE, collector, items=[1, 2])
    # Only the target is recorded, as a top-level block: it is sent on its own.
    assert list(collector.blocks) == ["lv-item-2"]
    assert collector.blocks["lv-item-2"].parent is None
    assert 'id="lv-header"' not in page


def test_a_targeted_render_records_no_loop_paths():
    collector = BlockCollector(targets=frozenset({"lv-header"}), paths={"lv-item-1": (0,)})
    _, collector = render(SOURCE, collector, items=[1, 2])
    assert collector.paths == {"lv-item-1": (0,)}


def test_the_node_names_itself():
    node = compile_template("{% liveblock counter %}{% endliveblock %}").nodelist[-1]
    assert isinstance(node, LiveBlockNode)
    assert repr(node) == "<LiveBlockNode 'counter'>"
