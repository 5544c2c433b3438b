"""Renders the socket starts on its own (a broadcast refresh, the render of background work's
outcome, back/forward, the join) read the page's session as stored now, as an event does
(socket/sessions.py): a page that was open while another tab saved its cart or queued a message
shows them, and what such a render saves does not write the page's old copy back over them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db.backends.utils import CursorWrapper
from django.test import override_settings

from live_views import broadcast
from live_views.testing import LivePage
from tests.live_helpers import TrackingLiveClient
from tests.testapp import shop_views

pytestmark = pytest.mark.urls("tests.testapp.shop_views")

LAST_VISIT = "tests.testapp.middleware.LastVisitMiddleware"
_MESSAGE_RE = re.compile(r'<p class="message">([^<]*)</p>')


@pytest.fixture
def shopper(live_db) -> Iterator[TrackingLiveClient]:
    """A visitor with a session, and the shop's stock as it starts."""
    shop_views.STOCK["count"] = 10
    shop_views.RELEASE.clear()
    client = TrackingLiveClient(timeout=5)
    client.http.session.save()
    yield client
    shop_views.RELEASE.set()
    client.close()


@pytest.fixture
def session_queries(monkeypatch) -> list[str]:
    """The SQL sent about sessions from now on, from any thread (the pages' worker thread)."""
    seen: list[str] = []
    execute = CursorWrapper.execute

    def counted(self: CursorWrapper, sql: str, params: Any = None) -> Any:
        if "django_session" in sql:
            seen.append(sql)
        return execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", counted)
    return seen


def other_tab_adds(client: TrackingLiveClient, item: str) -> None:
    assert client.get(f"/shop/add/?item={item}").content == b"added"


def look(client: TrackingLiveClient) -> str:
    """What the visitor's next page load shows: the cart, and the messages waiting for it."""
    return client.get("/shop/look/").content.decode()


def shown(page: LivePage) -> tuple[str, list[str]]:
    cart = re.search(r'<p id="cart">([^<]*)</p>', page.block("cart"))
    assert cart is not None
    return cart.group(1), _MESSAGE_RE.findall(page.block("messages"))


def until_stock(page: LivePage, stock: int) -> None:
    while f'<p id="stock">{stock}</p>' not in page.block("stock"):
        page.wait_for_update()


# -- broadcast refreshes ----------------------------------------------------------------------


def test_a_broadcast_refresh_shows_what_another_tab_saved_in_the_session(shopper):
    page = shopper.live("/shop/")
    assert shown(page) == ("empty", [])
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 9
    broadcast("stock")
    until_stock(page, 9)
    assert shown(page) == ("apple", ["Added apple"])
    # The refresh showed the message: the next page load does not show it again.
    assert look(shopper) == "cart: apple; messages: "


def test_an_event_after_a_refresh_keeps_what_another_tab_saved(shopper):
    page = shopper.live("/shop/")
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 9
    broadcast("stock")  # the refresh remembers the stock it showed in the session
    until_stock(page, 9)
    other_tab_adds(shopper, "pear")
    page.send("ping")  # an event that changes nothing of the session itself
    assert shown(page) == ("apple, pear", ["Added pear"])
    assert look(shopper) == "cart: apple, pear; messages: "


# -- background work ------------------------------------------------------------------------


def test_the_render_of_background_work_keeps_what_another_tab_saved(shopper):
    page = shopper.live("/shop/")
    page.send("check")  # the stock check waits in the background
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 7
    shop_views.RELEASE.set()
    until_stock(page, 7)  # its render remembers the stock it showed in the session
    assert shown(page) == ("apple", ["Added apple"])
    assert look(shopper) == "cart: apple; messages: "


# -- back and forward, and the join ------------------------------------------------------------


def test_going_back_keeps_what_another_tab_saved(shopper):
    page = shopper.live("/shop/")
    page.send("sort", by="name")
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 8
    page.back()
    assert shown(page) == ("apple", ["Added apple"])
    assert look(shopper) == "cart: apple; messages: "


def test_what_the_join_shows_of_the_session_is_saved(shopper):
    page = shopper.live("/shop/")
    other_tab_adds(shopper, "apple")
    page.reconnect()  # a new socket for the same page load, as after a dropped connection
    assert shown(page) == ("apple", ["Added apple"])
    assert look(shopper) == "cart: apple; messages: "  # shown once
    other_tab_adds(shopper, "pear")
    page.send("ping")
    assert look(shopper) == "cart: apple, pear; messages: "


# -- the page's middleware -------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["event", "refresh"])
def test_a_middleware_that_writes_the_session_keeps_what_another_tab_saved(shopper, unit):
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, LAST_VISIT]):
        page = shopper.live("/shop/")
        other_tab_adds(shopper, "apple")
        if unit == "event":
            page.send("ping")
        else:
            shop_views.STOCK["count"] = 9
            broadcast("stock")
            until_stock(page, 9)
        assert shown(page) == ("apple", ["Added apple"])
        assert look(shopper) == "cart: apple; messages: "


# -- what it costs --------------------------------------------------------------------------


def test_a_page_that_never_reads_the_session_reads_it_no_more_for_a_refresh_or_work(
    shopper, session_queries
):
    page = shopper.live("/stock/")
    session_queries.clear()
    shop_views.STOCK["count"] = 9
    broadcast("stock")
    until_stock(page, 9)
    # The one read every refresh makes: whether the session has ended.
    assert len(session_queries) == 1, session_queries
    session_queries.clear()
    page.send("check")
    shop_views.STOCK["count"] = 8
    shop_views.RELEASE.set()
    until_stock(page, 8)
    assert session_queries == []


def test_a_refresh_that_uses_the_session_reads_it_once(shopper, session_queries):
    # The read that tells whether the session has ended gives the render the session's data.
    page = shopper.live("/shop/")
    other_tab_adds(shopper, "apple")
    session_queries.clear()
    shop_views.STOCK["count"] = 9
    broadcast("stock")
    until_stock(page, 9)
    assert shown(page) == ("apple", ["Added apple"])
    reads = [sql for sql in session_queries if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, session_queries


# -- a handler that fails ---------------------------------------------------------------------


def test_what_a_failing_handler_wrote_in_the_session_is_not_saved(shopper):
    page = shopper.live("/shop/")
    other_tab_adds(shopper, "apple")
    with pytest.raises(RuntimeError, match="payment service is down"):
        page.send("add_then_fail", item="pear")
    assert page.errors[-1]["code"] == "server_error"
    assert look(shopper) == "cart: apple; messages: Added apple"
    page.send("ping")  # the next event saves nothing of it
    assert shown(page)[0] == "apple"
    assert look(shopper) == "cart: apple; messages: "
