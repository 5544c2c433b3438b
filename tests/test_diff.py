"""render/diff.py: what the browser shows of a page's liveblocks and what to send it next.
No socket here: a template, a context, and the morphs that turn the old page into the new one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import engines

from live_views.render.collector import BlockCollector
from live_views.render.diff import BlockDiff, changed_blocks_html
from live_views.render.pruning import render_liveblocks
from live_views.testing.dom import apply_swaps, inner_html

ROWS = [{"pk": 1, "name": "one"}, {"pk": 2, "name": "two"}, {"pk": 3, "name": "three"}]


def from_string(source: str) -> Any:
    return engines["django"].from_string(source)


def render_both(tpl: Any, context: dict[str, Any]) -> tuple[str, BlockCollector]:
    page = tpl.render(dict(context))
    return page, render_liveblocks(tpl.template, dict(context), None)


TABLE = from_string(
    '{% load live_views %}<table>{% liveblock table tag="tbody" %}{% for row in rows %}'
    '{% liveblock row key=row.pk tag="tr" %}<td>{{ row.name }}</td>{% endliveblock %}'
    "{% endfor %}{% endliveblock %}</table>{% liveblock total %}{{ total }}{% endliveblock %}"
)


def table_state(rows: list[dict[str, Any]], total: int = 0) -> tuple[str, BlockCollector]:
    return render_both(TABLE, {"rows": rows, "total": total})


def versions(collector: BlockCollector) -> dict[str, str]:
    return {ident: block.version for ident, block in collector.blocks.items()}


def swapped_ids(content: str) -> list[str]:
    return re.findall(r'id="(lv-[^"]+)" data-lv-v="[0-9a-f]{8}" hx-swap-oob="outerMorph"', content)


def test_nothing_changed_sends_nothing():
    _, before = table_state(ROWS)
    _, after = table_state(ROWS)
    assert changed_blocks_html(after, versions(before)) == ""


def test_one_changed_row_sends_only_that_row():
    _, before = table_state(ROWS)
    _, after = table_state([ROWS[0], {"pk": 2, "name": "TWO"}, ROWS[2]])
    content = changed_blocks_html(after, versions(before))
    assert content == after.expand("lv-row-2", swap_oob="outerMorph")
    assert swapped_ids(content) == ["lv-row-2"]
    assert "<td>TWO</td>" in content


def test_the_swap_attribute_is_an_out_of_band_morph_on_the_open_tag():
    _, before = table_state(ROWS)
    _, after = table_state(ROWS, total=1)
    content = changed_blocks_html(after, versions(before))
    version = after.blocks["lv-total"].version
    assert content == f'<div id="lv-total" data-lv-v="{version}" hx-swap-oob="outerMorph">1</div>'


def test_two_unrelated_changes_send_two_blocks():
    _, before = table_state(ROWS)
    _, after = table_state([{"pk": 1, "name": "ONE"}, *ROWS[1:]], total=5)
    assert sorted(swapped_ids(changed_blocks_html(after, versions(before)))) == [
        "lv-row-1",
        "lv-total",
    ]


def test_an_added_row_sends_the_parent_whole_with_its_children_expanded():
    _, before = table_state(ROWS[:2])
    _, after = table_state(ROWS)
    content = changed_blocks_html(after, versions(before))
    assert swapped_ids(content) == ["lv-table"]
    assert content.count("hx-swap-oob") == 1
    assert "\x00" not in content
    for row in ROWS:
        assert f"<td>{row['name']}</td>" in content


def test_a_changed_parent_and_child_send_only_the_parent():
    _, before = table_state(ROWS[:2])
    _, after = table_state([{"pk": 1, "name": "ONE"}, *ROWS[1:]])
    content = changed_blocks_html(after, versions(before))
    assert swapped_ids(content) == ["lv-table"]
    assert "<td>ONE</td>" in content


def test_a_first_join_without_versions_sends_every_top_level_block():
    _, after = table_state(ROWS)
    content = changed_blocks_html(after, {})
    assert sorted(swapped_ids(content)) == ["lv-table", "lv-total"]
    assert "\x00" not in content


def test_versions_of_blocks_no_longer_rendered_are_ignored():
    _, before = table_state(ROWS)
    _, after = table_state(ROWS)
    assert changed_blocks_html(after, {**versions(before), "lv-gone": "12345678"}) == ""


@pytest.mark.parametrize(
    ("old_rows", "new_rows", "total"),
    [
        (ROWS, [ROWS[0], {"pk": 2, "name": "TWO"}, ROWS[2]], 0),
        (ROWS[:2], ROWS, 3),
        (ROWS, ROWS[1:], 0),
        (ROWS, list(reversed(ROWS)), 0),
    ],
)
def test_applying_the_changed_blocks_turns_the_old_page_into_the_new_one(old_rows, new_rows, total):
    old_page, before = table_state(old_rows)
    new_page, after = table_state(new_rows, total)
    assert apply_swaps(old_page, changed_blocks_html(after, versions(before))) == new_page


# -- BlockDiff ---------------------------------------------------------------------------------


def joined_diff(rows: list[dict[str, Any]], total: int = 0) -> tuple[BlockDiff, str]:
    """A diff whose browser shows the page as it was rendered over HTTP."""
    page, collector = table_state(rows, total)
    diff = BlockDiff()
    diff.browser_shows(versions(collector))
    diff.render(TABLE.template, {"rows": rows, "total": total}, None)  # learns where blocks are
    return diff, page


def test_a_browser_that_shows_the_page_is_sent_nothing():
    diff, _ = joined_diff(ROWS)
    collector = diff.render(TABLE.template, {"rows": ROWS, "total": 0}, None)
    assert diff.take_changes(collector) == ""


def test_changes_are_sent_once_then_the_browser_has_them():
    diff, page = joined_diff(ROWS)
    context = {"rows": [ROWS[0], {"pk": 2, "name": "TWO"}, ROWS[2]], "total": 0}
    content = diff.take_changes(diff.render(TABLE.template, context, None))
    assert swapped_ids(content) == ["lv-row-2"]
    assert diff.take_changes(diff.render(TABLE.template, context, None)) == ""
    assert apply_swaps(page, content) == TABLE.render(dict(context))


def test_a_targeted_render_renders_only_the_named_block():
    diff, page = joined_diff(ROWS)
    context = {"rows": [ROWS[0], ROWS[1], {"pk": 3, "name": "THREE"}], "total": 9}
    collector = diff.render(TABLE.template, context, None, targets=frozenset({"lv-row-3"}))
    assert set(collector.blocks) == {"lv-row-3"}  # the total changed too, but was not named
    content = diff.take_changes(collector)
    assert swapped_ids(content) == ["lv-row-3"]
    assert "<td>THREE</td>" in inner_html(apply_swaps(page, content), "lv-table")


def test_a_target_the_last_render_did_not_see_falls_back_to_a_full_render():
    diff, _ = joined_diff(ROWS[:2])
    context = {"rows": ROWS, "total": 0}
    collector = diff.render(TABLE.template, context, None, targets=frozenset({"lv-row-3"}))
    assert collector.targets is None
    assert {"lv-table", "lv-row-1", "lv-row-2", "lv-row-3", "lv-total"} == set(collector.blocks)
    assert swapped_ids(diff.take_changes(collector)) == ["lv-table"]


def test_a_targeted_render_keeps_the_versions_of_blocks_it_did_not_render():
    diff, _ = joined_diff(ROWS)
    context = {"rows": [{"pk": 1, "name": "ONE"}, *ROWS[1:]], "total": 0}
    diff.take_changes(diff.render(TABLE.template, context, None, targets=frozenset({"lv-row-1"})))
    # The next full render finds the rest as the browser has it: only what changed since.
    context["total"] = 2
    assert swapped_ids(diff.take_changes(diff.render(TABLE.template, context, None))) == [
        "lv-total"
    ]


def test_a_targeted_render_leaves_a_shared_record_of_versions_alone():
    # A shared render's pages share one dict of what their browsers show (socket/shared.py).
    diff, _ = joined_diff(ROWS)
    other, _ = joined_diff(ROWS)
    shared = other.share_shown(diff.share_shown())
    before = dict(shared)
    context = {"rows": [{"pk": 1, "name": "ONE"}, *ROWS[1:]], "total": 0}
    diff.take_changes(diff.render(TABLE.template, context, None, targets=frozenset({"lv-row-1"})))
    assert diff.shown["lv-row-1"] != before["lv-row-1"]
    assert other.shown is shared
    assert shared == before  # the other browser still shows that


def test_a_rejoin_with_old_versions_is_sent_what_it_misses():
    diff, _ = joined_diff(ROWS)
    old = diff.shown
    diff.take_changes(diff.render(TABLE.template, {"rows": ROWS, "total": 4}, None))
    diff.browser_shows(old)  # the browser reconnects showing the page before that update
    content = diff.take_changes(diff.render(TABLE.template, {"rows": ROWS, "total": 4}, None))
    assert swapped_ids(content) == ["lv-total"]


ROW_AFTER_BLOCK = from_string(
    "{% load live_views %}{% liveblock total %}{{ total }}{% endliveblock %}"
    '<table><tbody>{% liveblock row tag="tr" %}<td>{{ total }}</td>{% endliveblock %}'
    '{% liveblock cell tag="td" %}{{ total }}{% endliveblock %}</tbody></table>'
)


def test_a_row_sent_after_another_block_travels_in_a_template():
    # A parser would drop a <tr> that follows a <div> in one piece of HTML: the row comes in
    # a <template> that htmx swaps into its place, stripped. Alone, a row is sent as it is.
    page, before = render_both(ROW_AFTER_BLOCK, {"total": 1})
    _, after = render_both(ROW_AFTER_BLOCK, {"total": 2})
    content = changed_blocks_html(after, versions(before))

    row, cell = after.expand("lv-row"), after.expand("lv-cell")
    assert content == (
        after.expand("lv-total", swap_oob="outerMorph")
        + f'<template id="lv-row" hx-swap-oob="outerMorph strip:true">{row}</template>'
        + f'<template id="lv-cell" hx-swap-oob="outerMorph strip:true">{cell}</template>'
    )
    assert inner_html(apply_swaps(page, content), "lv-row") == "<td>2</td>"

    only_row = {**versions(after), "lv-row": "old"}
    assert changed_blocks_html(after, only_row) == after.expand("lv-row", swap_oob="outerMorph")
