"""Renders an HTTP page makes between its frames (a broadcast refresh, the render of background
work's outcome) read the page's session as stored now, as the socket's do
(tests/test_session_renders.py): a page that was open while another tab saved its cart or queued
a message shows them, and what such a render changes is saved without writing the page's last
frame's copy back over them. They read it once that frame's request is over, its
SessionMiddleware having saved what the frame changed (socket/frame_session.py)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db.backends.utils import CursorWrapper
from django.test import AsyncClient, Client, override_settings

from live_views import broadcast
from live_views.http import endpoint
from live_views.socket import frame_session
from live_views.testing import close_thread_db_connections
from tests.test_http_endpoint import Page, shown
from tests.test_http_pushes import poll
from tests.testapp import shop_views
from tests.testapp.middleware import StockChangesBeforeSessionSaved

pytestmark = [
    pytest.mark.urls("tests.testapp.shop_views"),
    # The pages' refreshes save the session in a thread of their own while the test reads it.
    pytest.mark.usefixtures("no_http_pages", "sqlite_waits_for_locks"),
]

BLOCK_RE = re.compile(r'<div id="lv-(\w+)"[^>]*>(.*?)</div>', re.S)
MESSAGE_RE = re.compile(r'<p class="message">([^<]*)</p>')
CART_RE = re.compile(r'<p id="cart">([^<]*)</p>')
WAIT = 5.0


class ShopPage(Page):
    """A shop page over HTTP, and the blocks its browser shows (its answers and pushes
    applied)."""

    def __init__(self, http: Client, path: str = "/shop/") -> None:
        super().__init__(http, path)
        self.blocks = dict(BLOCK_RE.findall(self.html))
        assert self.join().status_code == 200

    def event(self, name: str, **args: object):
        reply = super().event(name, **args)
        self.blocks.update(BLOCK_RE.findall(shown(reply)))
        return reply

    def until_stock(self, stock: int) -> None:
        deadline = time.monotonic() + WAIT
        while f'<p id="stock">{stock}</p>' not in self.blocks["stock"]:
            assert time.monotonic() < deadline, self.blocks
            for frame in poll(self):
                self.blocks.update(BLOCK_RE.findall(frame.get("content", "")))

    def shows(self) -> tuple[str, list[str]]:  # on /shop/
        cart = CART_RE.search(self.blocks["cart"])
        assert cart is not None, self.blocks
        return cart.group(1), MESSAGE_RE.findall(self.blocks["messages"])


@pytest.fixture
def shopper(http_browser: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """A visitor with a session, and the shop's stock as it starts."""
    monkeypatch.setattr(endpoint, "LONG_POLL", 2.0)
    shop_views.STOCK["count"] = 10
    shop_views.RELEASE.clear()
    http_browser.session.save()
    yield http_browser
    shop_views.RELEASE.set()


def other_tab_adds(browser: Client, item: str) -> None:
    assert browser.get(f"/shop/add/?item={item}").content == b"added"


def look(browser: Client) -> str:
    """What the visitor's next page load shows: the cart, and the messages waiting for it."""
    return browser.get("/shop/look/").content.decode()


# -- broadcast refreshes ----------------------------------------------------------------------


def test_a_broadcast_refresh_shows_what_another_tab_saved_in_the_session(shopper):
    page = ShopPage(shopper)
    assert page.shows() == ("empty", [])
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 9
    broadcast("stock")
    page.until_stock(9)
    assert page.shows() == ("apple", ["Added apple"])
    # The refresh showed the message, and saved that it did: the next page load does not.
    assert look(shopper) == "cart: apple; messages: "
    assert shopper.session["stock_seen"] == 9


def test_an_event_after_a_refresh_keeps_what_another_tab_saved(shopper):
    page = ShopPage(shopper)
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 9
    broadcast("stock")  # the refresh remembers the stock it showed in the session
    page.until_stock(9)
    other_tab_adds(shopper, "pear")
    page.event("ping")  # an event that changes nothing of the session itself
    assert page.shows() == ("apple, pear", ["Added pear"])
    assert look(shopper) == "cart: apple, pear; messages: "


def test_a_refresh_after_an_event_that_changed_the_session_shows_that_change(shopper, monkeypatch):
    # The refresh comes once the event's view returned, before its SessionMiddleware saved
    # what the handler changed: it reads the session after that save, not before it, as soon
    # as the request says it is over.
    monkeypatch.setattr(frame_session, "REQUEST_OVER_WAIT", 30.0)
    armed = [*settings.MIDDLEWARE, "tests.testapp.middleware.StockChangesBeforeSessionSaved"]
    with override_settings(MIDDLEWARE=armed):
        browser = Client(enforce_csrf_checks=True)  # loads the middleware as it starts
        browser.cookies = shopper.cookies
        page = ShopPage(browser)
        StockChangesBeforeSessionSaved.armed = True
        started = time.monotonic()
        try:
            page.event("add", item="apple")
        finally:
            StockChangesBeforeSessionSaved.armed = False
        page.until_stock(9)
    assert time.monotonic() - started < 3.0
    assert page.shows() == ("apple", [])
    stored = shopper.session
    assert (stored["cart"], stored["stock_seen"]) == (["apple"], 9)


# -- background work ------------------------------------------------------------------------


def test_the_render_of_background_work_keeps_what_another_tab_saved(shopper):
    page = ShopPage(shopper)
    page.event("check")  # the stock check waits in the background
    other_tab_adds(shopper, "apple")
    shop_views.STOCK["count"] = 7
    shop_views.RELEASE.set()
    page.until_stock(7)  # its render remembers the stock it showed in the session
    assert page.shows() == ("apple", ["Added apple"])
    assert look(shopper) == "cart: apple; messages: "
    assert shopper.session["stock_seen"] == 7


# -- what it costs --------------------------------------------------------------------------


@pytest.fixture
def refresh_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reads of sessions from now on by the page's own work (not by the test's requests,
    whose middleware reads the session as any request's does)."""
    seen: list[str] = []
    execute = CursorWrapper.execute
    requests = threading.get_ident()

    def counted(self: CursorWrapper, sql: str, params: Any = None) -> Any:
        theirs = threading.get_ident() != requests
        if theirs and "django_session" in sql and sql.lstrip().upper().startswith("SELECT"):
            seen.append(sql)
        return execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", counted)
    return seen


@pytest.mark.parametrize("path", ["/stock/", "/shop/"])
def test_a_refresh_reads_the_session_once(shopper, refresh_reads, path):
    # The read that tells whether the session has ended; a render that uses the session uses
    # the data it read (tests/test_session_renders.py).
    page = ShopPage(shopper, path)
    refresh_reads.clear()
    shop_views.STOCK["count"] = 9
    broadcast("stock")
    page.until_stock(9)
    assert len(refresh_reads) == 1, refresh_reads


class AsgiBrowser:
    """A browser whose requests go through Django's AsyncClient, whose handler closes each
    answer (and sends ``request_finished``) in another thread than the one that ran the view."""

    def __init__(self, browser: Client) -> None:
        client = AsyncClient(enforce_csrf_checks=True)
        client.cookies = browser.cookies
        self.get = async_to_sync(client.get)
        self.post = async_to_sync(client.post)


def seconds_until_the_refresh_shows(browser: Any) -> float:
    """Add to the cart through ``browser``, then broadcast a stock change: how long until the
    page shows it (its session, which the event changed, read without waiting)."""
    try:
        page = ShopPage(browser)
        page.event("add", item="apple")
        shop_views.STOCK["count"] = 9
        started = time.monotonic()
        broadcast("stock")
        while '<p id="stock">9</p>' not in page.blocks["stock"]:
            assert time.monotonic() - started < WAIT, page.blocks
            for frame in poll(page, wait="0"):  # at once: under ASGI the stream is SSE
                page.blocks.update(BLOCK_RE.findall(frame.get("content", "")))
            time.sleep(0.05)
        assert page.shows() == ("apple", [])
        return time.monotonic() - started
    finally:
        close_thread_db_connections()  # its requests', in this thread


async def test_a_refresh_after_an_event_answered_over_asgi_waits_for_nothing_more(
    shopper, monkeypatch
):
    # Once the event's answer is closed, whichever thread closes it, the refresh reads the
    # session its middleware saved, at once: it waited REQUEST_OVER_WAIT (2 s) for the end of
    # a request that the view's thread never heard of.
    monkeypatch.setattr(frame_session, "REQUEST_OVER_WAIT", 30.0)
    # In a thread of the test's loop, which the requests' views run on, and which stays up for
    # the page's pushes.
    shop = partial(seconds_until_the_refresh_shows, AsgiBrowser(shopper))
    assert await sync_to_async(shop, thread_sensitive=False)() < 3.0


class AsgiServerAnswer:
    """What a browser reads of an answer: its status, headers and body."""

    def __init__(self, start: dict[str, Any], body: bytes) -> None:
        self.status_code = start["status"]
        self.headers = {k.decode().title(): v.decode() for k, v in start["headers"]}
        self.content = body


class AsgiServerBrowser:
    """A browser whose frames reach Django's ASGIHandler as uvicorn, daphne or hypercorn send
    them: that handler runs the view in a task of its own, and closes the answer (sending
    ``request_finished``) from the task that started it, whose context never saw the view's
    changes.
    Its page loads and polls go through ``browser``, whose cookies it sends."""

    def __init__(self, browser: Client) -> None:
        self.browser = browser
        self.get = browser.get
        self.handler = ASGIHandler()

    def post(self, path: str, body: str, content_type: str, headers: dict[str, str]) -> Any:
        return async_to_sync(self._post)(path, body.encode(), content_type, headers)

    async def _post(
        self, path: str, body: bytes, content_type: str, headers: dict[str, str]
    ) -> AsgiServerAnswer:
        cookies = "; ".join(f"{c.key}={c.value}" for c in self.browser.cookies.values())
        sent = {**headers, "Host": "testserver", "Content-Type": content_type, "Cookie": cookies}
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "root_path": "",
            "query_string": b"",
            "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()]
            + [(b"content-length", str(len(body)).encode())],
            "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
        }
        sent_out: list[dict[str, Any]] = []
        request = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if request:
                return request.pop()
            await asyncio.Event().wait()  # no disconnect: the browser waits for the answer
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent_out.append(message)

        # Called here, not through asgiref's ApplicationCommunicator (which starts it in a
        # context of its own): its sync work then runs in this test's thread, whose database
        # connections the test closes, rather than in a thread per request.
        await asyncio.wait_for(self.handler(scope, receive, send), WAIT)
        start, *bodies = sent_out
        return AsgiServerAnswer(start, b"".join(m.get("body", b"") for m in bodies))


# Python 3.13 warns of an SQLite connection that a thread of asgiref's left to the garbage
# collector: the in-memory test database's, which Django's close() keeps open (a real database's
# closes at the request's end).
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <sqlite3.Connection:pytest.PytestUnraisableExceptionWarning"
)
async def test_a_refresh_after_an_event_answered_by_an_asgi_server_waits_for_nothing_more(
    shopper, monkeypatch
):
    # As under Django's AsyncClient (above), but through the handler real ASGI servers run: it
    # closes the answer in the context of its request's own task, not the view's task. The end
    # of the request went unheard there, and the refresh waited REQUEST_OVER_WAIT for it.
    monkeypatch.setattr(frame_session, "REQUEST_OVER_WAIT", 30.0)
    shop = partial(seconds_until_the_refresh_shows, AsgiServerBrowser(shopper))
    assert await sync_to_async(shop, thread_sensitive=False)() < 3.0
