"""live_views/socket/refresh.py: broadcast refreshes of one page coalesce. However many broadcasts
arrive while a refresh waits for the page's turn or runs, one more refresh follows, and it reads
the latest data. Driven on a mounted LivePage with the mixin alone, no socket."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from live_views import __version__
from live_views.socket.budgets import SocketBudget
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.jobs import JobRunner
from live_views.socket.page import LivePage
from live_views.socket.protocol import Join
from live_views.socket.refresh import CoalescedRefreshMixin
from live_views.socket.turn import Turn
from tests.live_helpers import mint_token
from tests.testapp.views import CounterView

pytestmark = pytest.mark.urls("tests.test_refresh")
WAIT = 5.0


class RefreshedView(CounterView):
    """Counts its get()s; ``hold`` makes the next one wait (a slow query); ``fail`` raises."""

    gets = 0
    hold: threading.Event | None = None
    entered = threading.Event()
    fail: BaseException | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        type(self).gets += 1
        self.entered.set()
        if self.hold is not None:
            self.hold.wait(WAIT)
        if self.fail is not None:
            raise self.fail
        self.count = SOURCE["count"]  # the data a broadcast says changed
        return super().get_context_data(**kwargs)


SOURCE = {"count": 0}
urlpatterns = [path("refreshed/", RefreshedView.as_view()), path("", include("tests.urls"))]


class Host(CoalescedRefreshMixin):
    """What the consumer gives the mixin: a page, a turn, a way to send and to close."""

    def __init__(self, page: LivePage) -> None:
        self.page = page
        self.turn = Turn()
        self.budget = SocketBudget()  # refreshes are charged to the socket (socket/budgets.py)
        self.changed_rows = ChangedRows()  # rows the broadcasts named, for the page's streams
        self.jobs = JobRunner(self)  # the page's live_async() work
        self.joined = True
        self.sent: list[dict[str, Any]] = []
        self.ended: list[tuple[int, str]] = []

    async def _end(self, code: int, reason: str) -> None:
        self.ended.append((code, reason))
        self.closing = True

    async def _send(self, frame: dict[str, Any]) -> None:
        if frame:
            self.sent.append(frame)

    async def settled(self) -> None:
        async def idle() -> None:
            # A refresh runs in a task of its own, or queued (an idle page) with none.
            while self.refreshing is not None or self.refresh_queued:
                if self.refreshing is not None:
                    await self.refreshing
                else:
                    await asyncio.sleep(0.01)

        await asyncio.wait_for(idle(), WAIT)


@pytest.fixture
async def host() -> AsyncIterator[Host]:
    SOURCE["count"] = 0
    RefreshedView.gets, RefreshedView.hold, RefreshedView.fail = 0, None, None
    RefreshedView.entered.clear()
    scope = {
        "type": "websocket",
        "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver")],
    }

    def open_page() -> LivePage:
        page = LivePage.open(scope, mint_token("/refreshed/"))
        page.join(Join(version=__version__, blocks={}))
        return page

    page = await sync_to_async(open_page)()
    RefreshedView.gets = 0
    yield Host(page)
    assert page.slot is not None
    page.slot.release()
    if RefreshedView.hold is not None:
        RefreshedView.hold.set()


def shown(frame: dict[str, Any]) -> str:
    return frame["content"].split('<p id="count">')[1].split("<")[0]


async def test_one_broadcast_is_one_refresh_with_the_new_data(host):
    SOURCE["count"] = 5
    host.schedule_refresh()
    await host.settled()
    assert RefreshedView.gets == 1
    assert [shown(frame) for frame in host.sent] == ["5"]
    assert host.refreshing is None
    assert host.stale is False


async def test_an_idle_page_queues_the_same_refresh_each_time_and_keeps_no_frame(host):
    # A fan-out to many idle pages makes no object per page: each socket's queued refresh is
    # queued again on the next broadcast, holding nothing of the last one.
    queued = []
    for count in (1, 2):
        SOURCE["count"] = count
        host.schedule_refresh()
        queued.append(host.queued)
        await host.settled()
    assert [shown(frame) for frame in host.sent] == ["1", "2"]
    first, second = queued
    assert first is not None
    assert second is first
    assert (first.page, first.rows, first.result, first.error) == (None, None, None, None)


async def test_a_burst_while_the_page_is_busy_is_one_refresh(host):
    async with host.turn:  # an event of the page's own has the turn
        for count in range(1, 21):
            SOURCE["count"] = count
            host.schedule_refresh()
        await asyncio.sleep(0.05)
        assert RefreshedView.gets == 0  # waits for the page's turn
    await host.settled()
    assert RefreshedView.gets == 1
    assert [shown(frame) for frame in host.sent] == ["20"]


async def test_a_burst_during_a_refresh_is_one_more_refresh_that_reads_the_latest_data(host):
    RefreshedView.hold = threading.Event()
    SOURCE["count"] = 1
    host.schedule_refresh()
    await sync_to_async(RefreshedView.entered.wait)(WAIT)  # the first refresh is running
    for count in range(2, 12):
        SOURCE["count"] = count
        host.schedule_refresh()
    RefreshedView.hold.set()
    await host.settled()
    assert RefreshedView.gets == 2
    assert [shown(frame) for frame in host.sent][-1] == "11"


async def test_a_page_that_has_not_joined_is_not_refreshed_yet(host):
    host.joined = False
    host.schedule_refresh()
    assert host.refreshing is None
    assert host.stale is True  # the consumer refreshes once the join is answered
    host.joined = True
    host.schedule_refresh()
    await host.settled()
    assert RefreshedView.gets == 1


async def test_a_closing_page_is_not_refreshed(host):
    host.closing = True
    host.schedule_refresh()
    await host.settled()
    assert RefreshedView.gets == 0
    assert host.sent == []


async def test_a_refresh_the_view_now_refuses_ends_the_page_with_the_code(host):
    RefreshedView.fail = PermissionDenied()
    host.schedule_refresh()
    await host.settled()
    assert host.ended == [(4403, "permission denied")]
    assert host.sent == []


async def test_a_refresh_that_fails_is_logged_and_the_next_broadcast_still_refreshes(host, caplog):
    RefreshedView.fail = RuntimeError("database is down")
    with caplog.at_level("ERROR", logger="live_views"):
        host.schedule_refresh()
        await host.settled()
    assert "refreshing RefreshedView failed" in caplog.text
    assert "database is down" in caplog.text
    assert host.ended == []
    # The browser hears its page is behind, without the server's internals.
    assert host.sent == [
        {"error": {"code": "server_error", "message": "The server could not update the page."}}
    ]

    RefreshedView.fail = None
    SOURCE["count"] = 3
    host.schedule_refresh()
    await host.settled()
    assert [shown(frame) for frame in host.sent[1:]] == ["3"]
