"""A kanban board that uses the features together (tests/kanbanapp): a liveblock per column, a
live form component per card, an activity stream, broadcasts between viewers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.template import TemplateSyntaxError

from tests.kanbanapp.views import CARD
from tests.live_helpers import TrackingLiveClient
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.urls("tests.kanbanapp.views")


@pytest.fixture
def board(live_db: None) -> Board:
    board = Board.objects.create(name="Sprint")
    for title in ("one", "two", "three"):
        Task.objects.create(board=board, title=title)
    return board


@pytest.fixture
def live_client(live_db: None, media: Path) -> Iterator[TrackingLiveClient]:
    live = TrackingLiveClient()
    yield live
    live.close()


def test_a_component_in_a_stream_item_is_a_clear_error(live_client, board):
    # Its page would never render it again: its events showed nothing, then it was dropped.
    with pytest.raises(TemplateSyntaxError) as caught:
        live_client.get(f"/kanban/{board.pk}/streamed/")
    assert str(caught.value).startswith(
        f"{{% live_component '{CARD}' id='{board.tasks.first().pk}' %}} is in an item of "
        "{% live_stream cards %}: a stream's items are rendered once and forgotten"
    )


def test_a_card_keeps_its_state_through_the_pages_renders_and_broadcasts(live_client, board):
    one, two = board.tasks.all()[:2]
    mine, theirs = (
        live_client.live(f"/kanban/{board.pk}/"),
        live_client.live(f"/kanban/{board.pk}/"),
    )
    mine.component(str(one.pk)).send("star")
    mine.send("add", title="four")  # the page renders again, and a broadcast arrives
    theirs.component(str(two.pk)).send("move", done=True)
    mine.wait_for_update()
    assert "two" in mine.block("done")
    assert "★" in mine.component(str(one.pk)).block("shown")
    assert "★" not in theirs.component(str(one.pk)).block("shown")
    assert "added four" in mine.html
    assert mine.errors == theirs.errors == []


def test_a_broadcast_keeps_what_a_viewer_half_typed_in_a_card(live_client, board):
    one = board.tasks.first()
    mine, theirs = (
        live_client.live(f"/kanban/{board.pk}/"),
        live_client.live(f"/kanban/{board.pk}/"),
    )
    mine.component(str(one.pk)).validate("title", title="half typ")
    theirs.component(str(one.pk)).submit("submit", title="renamed")
    mine.wait_for_update()
    card = mine.component(str(one.pk))
    assert "<b>renamed</b>" in card.block("shown")
    assert 'value="half typ"' in card.block("title")


def test_a_shared_render_keeps_each_viewers_cards_as_they_left_them(live_client, board):
    one, two = board.tasks.all()[:2]
    public = f"/kanban/{board.pk}/public/"
    mine, theirs = live_client.live(public), live_client.live(public)
    mine.component(str(one.pk)).send("star")
    mine.component(str(two.pk)).validate("title", title="half typ")
    theirs.component(str(two.pk)).submit("submit", title="renamed")
    mine.wait_for_update()
    assert "<b>renamed</b>" in mine.component(str(two.pk)).block("shown")
    assert 'value="half typ"' in mine.component(str(two.pk)).block("title")
    assert "★" in mine.component(str(one.pk)).block("shown")


def test_after_a_shared_render_a_cards_own_event_shows_the_fresh_row(live_client, board):
    two = board.tasks.all()[1]
    public = f"/kanban/{board.pk}/public/"
    mine, theirs = live_client.live(public), live_client.live(public)
    theirs.component(str(two.pk)).submit("submit", title="renamed")
    mine.wait_for_update()
    mine.component(str(two.pk)).send("star")
    assert mine.component(str(two.pk)).block("shown") == "<b>renamed</b> ★"


def test_each_card_s_form_has_ids_of_its_own(live_client, board):
    # Two cards both wrote id="id_title": a label named the first card's input, and a broadcast
    # that re-rendered the column morphed one card's input into another's, losing what the user
    # was typing (tests/test_browser_kanban.py).
    page = live_client.live(f"/kanban/{board.pk}/")
    ids = re.findall(r'<input type="text" name="title"[^>]* id="([^"]+)"', page.html)
    assert len(ids) == 3
    assert len(set(ids)) == 3
