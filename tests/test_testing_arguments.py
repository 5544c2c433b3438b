"""live_views.testing sends what a browser can: a row passed as an event's argument is refused
saying to pass its key, as {% live_on %} does, instead of json's "not JSON serializable"."""

from __future__ import annotations

import datetime

import pytest

from live_views.testing import LiveClient
from tests.todoapp.models import Board

pytestmark = pytest.mark.usefixtures("live_db")


def test_a_row_as_an_argument_is_refused_saying_to_pass_its_key():
    board = Board.objects.create(name="Drop")
    client = LiveClient()
    with client.live("/forms/boards/") as page:
        with pytest.raises(TypeError) as caught:
            page.send("delete", board=board)
        assert str(caught.value) == (
            "event 'delete': the argument 'board' is a Board, which no browser can send. Pass "
            "its key (board=board.pk): a handler argument typed Board is looked up from it."
        )
        assert Board.objects.exists()  # nothing was sent
        page.send("delete", board=board.pk)  # as the message says
        assert not Board.objects.exists()
    client.close()


def test_another_value_no_browser_sends_is_refused_too_and_dates_still_go():
    client = LiveClient()
    with client.live("/forms/boards/") as page:
        with pytest.raises(TypeError, match=r"'board' is a set, which no browser can send"):
            page.submit("delete", board={1, 2})
        page.send("no_such_event", when=datetime.date(2026, 12, 6))  # an ISO string, sent
        assert page.errors[-1]["code"] == "unknown_event"
    client.close()
