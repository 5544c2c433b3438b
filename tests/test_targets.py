"""Targeted re-render: an event that names its blocks renders only those, whatever the list's
length; anything unexpected falls back to a full render."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from live_views.testing import LiveClient
from tests.target_views import Cell

pytestmark = [pytest.mark.urls("tests.target_views")]

BLOCK_ID_RE = re.compile(r'\sid="(lv-[^"]+)"')


@pytest.fixture
def page() -> Iterator:
    client = LiveClient()
    with client.live("/grid/") as live_page:
        yield live_page
    client.close()


def sent_ids(reply: dict) -> list[str]:
    return BLOCK_ID_RE.findall(reply.get("content", ""))


def test_a_targeted_event_renders_and_sends_only_its_row(page):
    Cell.renders = 0

    reply = page.send("bump", row=700)

    assert sent_ids(reply) == ["lv-row-700"]
    assert "<td>701</td><td>1</td>" in page.block("row", 700)
    # One cell rendered, not a thousand: the loop ran only the iteration that leads to row 700.
    assert Cell.renders == 1


def test_an_untargeted_event_renders_the_whole_page(page):
    Cell.renders = 0

    reply = page.send("bump_everywhere", row=3)

    assert sent_ids(reply) == ["lv-row-3", "lv-total"]
    assert Cell.renders >= 1000
    assert "Total 1" in page.block("total")


def test_blocks_an_event_did_not_name_catch_up_at_the_next_full_render(page):
    page.send("bump", row=1)
    assert "Total 0" in page.block("total")  # not named: left as it was

    page.send("bump_everywhere", row=2)

    assert "Total 2" in page.block("total")
    assert "<td>1</td>" in page.block("row", 1)


def test_a_targeted_render_keeps_the_forloop_values_of_the_real_iteration(page):
    page.send("bump", row=0)
    page.send("bump", row=999)

    assert page.block("row", 0).startswith("<td>1</td><td>1</td>")
    assert page.block("row", 999).startswith("<td>1000</td><td>1</td>")


def test_nested_and_reversed_loops_find_their_block(page):
    Cell.renders = 0

    reply = page.send("bump_cell", group=2, cell=0)

    assert sent_ids(reply) == ["lv-cell-2-0"]
    # Reversed: cell 0 of group 2 is the loop's last iteration.
    assert page.block("cell", "2-0") == "2/2: 1"
    assert Cell.renders == 1


def test_a_block_that_moved_falls_back_to_a_full_render(page):
    reply = page.send("drop_and_bump_cell", group=2, drop=2, cell=0)

    # The full render sends the changed list: cell 2-0 moved up and shows its new value.
    assert "lv-cell-2-0" in reply["content"]
    assert page.block("cell", "2-0") == "2/1: 1"
    assert 'id="lv-cell-2-2"' not in page.html


def test_naming_a_block_the_page_never_rendered_renders_the_page_whole(page):
    reply = page.send("target_nothing_known")

    assert sent_ids(reply) == ["lv-row-0", "lv-total"]
    assert "Total 1" in page.block("total")
