"""socket/own_broadcasts.py on the HTTP transport, when the frame's request runs in a transaction
(``ATOMIC_REQUESTS``, or a project middleware's): a handler's save commits once the view
returned, after the event's render, which ran inside that transaction and so showed the save.
Its broadcast passes the page by, as it does when the save commits at once; every other page
hears it, and the page still hears what its render did not show.

The pages count their renders in a ``renders`` block, so a refresh always reaches the page's
push route as a frame: a page whose long-poll answers empty was not refreshed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test import Client, override_settings
from django.urls import include, path

from live_views.connect.wire import BROADCAST, BROADCAST_BY
from live_views.http import endpoint
from live_views.pubsub import origin
from live_views.socket.own_broadcasts import EventPublishes, OwnBroadcasts
from tests.test_http_endpoint import Page, shown
from tests.test_http_pushes import poll
from tests.todoapp import broadcast_views
from tests.todoapp.models import Board

urlpatterns = [*broadcast_views.urlpatterns, path("", include("live_views.urls"))]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("no_http_pages")]

ATOMIC_UNITS = "tests.todoapp.broadcast_views.AtomicUnits"
RENDERS_RE = re.compile(r'id="lv-renders"[^>]*>(\d+)<')
LI_RE = re.compile(r"<li[^>]*>([^<]*)</li>")


@pytest.fixture(autouse=True)
def short_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    # Long enough for a refresh to be rendered and pushed, short enough for a quiet page.
    monkeypatch.setattr(endpoint, "LONG_POLL", 1.0)


@pytest.fixture(params=["ATOMIC_REQUESTS", "middleware"])
def in_transaction(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Each request (a frame's included) runs in one transaction, which commits once its view
    returned: Django's ``ATOMIC_REQUESTS``, or a project middleware's ``atomic()``."""
    if request.param == "ATOMIC_REQUESTS":
        monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
        yield
    else:
        with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, ATOMIC_UNITS]):
            yield


def renders(html: str) -> int:
    found = RENDERS_RE.findall(html)
    assert found, html
    return int(found[-1])


def pages(http_browser: Client, writer_path: str) -> tuple[Page, Page]:
    """The writer's page, and another visitor's task list; both joined."""
    writer = Page(http_browser, writer_path)
    other = Page(Client(enforce_csrf_checks=True), "/todo/tasks/")
    assert writer.join().status_code == other.join().status_code == 200
    return writer, other


def refreshed_tasks(frames: list[dict[str, Any]]) -> list[str]:
    return [item for frame in frames for item in LI_RE.findall(frame.get("content", ""))]


@pytest.mark.parametrize("event", ["add", "add_async"])
def test_a_page_that_saves_in_its_requests_transaction_renders_once_and_the_others_hear_it(
    http_browser, in_transaction, event
):
    board = Board.objects.create(name="home")
    writer, other = pages(http_browser, "/todo/own-saves/")
    assert renders(writer.html) == 1

    reply = writer.event(event, board=board.pk, title="buy milk")

    assert reply.status_code == 200
    assert "buy milk" in shown(reply)
    assert renders(shown(reply)) == 2  # mounted, then the event
    assert "buy milk" in refreshed_tasks(poll(other))
    assert poll(writer) == []  # its own save was not rendered a second time


@pytest.mark.parametrize("event", ["add_then_fail", "add_and_target"])
def test_a_save_in_the_requests_transaction_its_render_did_not_show_is_heard(
    http_browser, in_transaction, event
):
    # A handler that failed after its save (the request's transaction commits it anyway), or
    # whose render named one block: the page refreshes for its save, as before.
    board = Board.objects.create(name="home")
    http_browser.raise_request_exception = False  # add_then_fail's answer is the browser's
    writer, _ = pages(http_browser, "/todo/own-saves/")

    reply = writer.event(event, board=board.pk, title="listed later")

    assert "listed later" not in shown(reply)
    assert refreshed_tasks(poll(writer)) == ["listed later"]


# -- which transactions are the request's ---------------------------------------------------------


class Follower:
    def __init__(self) -> None:
        self.own_broadcasts: OwnBroadcasts | None = None
        self.topics = ["news"]


def claimed(message: dict[str, Any]) -> bool:
    return BROADCAST_BY in message


def test_a_save_in_the_requests_transaction_is_claimed_as_it_is_made(live_db):
    message = {"type": BROADCAST}
    publishes = EventPublishes(Follower())
    # The request's transaction, open before its view.
    with transaction.atomic(), origin.request_transactions():
        with publishes:
            assert claimed(origin.tagged_on_commit(message, ["news"], DEFAULT_DB_ALIAS))
        # A task the handler started saves once it returned: the render may not show it.
        assert not claimed(publishes.tag(message, ["news"]))
    assert not claimed(origin.tagged_on_commit(message, ["news"], DEFAULT_DB_ALIAS))


def test_a_transaction_the_handler_opens_or_a_request_without_one_claims_nothing_early(live_db):
    # Those commit while the handler runs (publish() tags them then) or at once.
    message = {"type": BROADCAST}
    with origin.request_transactions(), EventPublishes(Follower()):
        with transaction.atomic():
            assert not claimed(origin.tagged_on_commit(message, ["news"], DEFAULT_DB_ALIAS))
        assert not claimed(origin.tagged_on_commit(message, ["news"], DEFAULT_DB_ALIAS))
