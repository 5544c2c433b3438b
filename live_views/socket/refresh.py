"""Broadcast refreshes of one page: however many messages arrive while a refresh waits or runs,
one more refresh follows, and it reads the latest data. Each runs in the page's turn."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from live_views.socket import failures
from live_views.socket.batch import Job, queue_refresh, run_refresh
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.jobs import JobRunner
from live_views.socket.mount import Refused
from live_views.socket.own_broadcasts import event_ended
from live_views.socket.turn import Turn

if TYPE_CHECKING:
    from live_views.socket.budgets import SocketBudget
    from live_views.socket.page import LivePage


class CoalescedRefreshMixin:
    page: LivePage | None
    turn: Turn
    joined = False
    refresh_queued = False  # queued without a task (an idle page): see schedule_refresh
    closing = False
    stale = False  # a broadcast arrived that no refresh has read yet
    refreshing: asyncio.Task[None] | None = None
    budget: SocketBudget
    changed_rows: ChangedRows | None  # named by the broadcasts since the last refresh (streams)
    jobs: JobRunner
    queued: QueuedRefresh | None = None  # made on the first broadcast, queued on each
    # Who watches the socket for failures (socket/failures.py), taken from its own context: a
    # refresh runs in the broadcast's.
    raised: failures.Raised | None = None

    if TYPE_CHECKING:

        async def _end(self, code: int, reason: str) -> None: ...

        async def _send(self, frame: dict[str, Any]) -> None: ...

    def note_rows(self, message: dict[str, Any]) -> None:
        """The row a broadcast names, for the page's streams at its next refresh."""
        if "row" in message:
            if self.changed_rows is None:
                self.changed_rows = ChangedRows()
            self.changed_rows.add(message)

    def own_event_ended(self, page: LivePage) -> None:
        """The page's event is over: its own broadcasts that came meanwhile and that its render
        did not show are refreshed for once its turn ends (socket/own_broadcasts.py)."""
        for message in event_ended(page):
            self.note_rows(message)
            self.stale = True

    def schedule_refresh(self) -> None:
        self.stale = True
        page = self.page
        if page is None or not self.joined or self.refreshing is not None or self.refresh_queued:
            return
        if not self.closing and self.turn.try_take():
            # An idle page (the common case of a broadcast to many): its refresh is queued at
            # once and sent by the batch's runner, no task of its own.
            self.refresh_queued = True
            self.stale = False
            job = self.queued
            if job is None:
                job = self.queued = QueuedRefresh(self)
            job.page, job.usage = page, self.budget.own.usage
            rows, self.changed_rows = self.changed_rows, None
            job.rows = rows or None
            queue_refresh(job)
        else:
            self.refreshing = asyncio.create_task(self._refresh())

    async def _refreshed(
        self, page: LivePage, frame: dict[str, Any] | None, error: BaseException | None
    ) -> None:
        """A queued refresh is rendered (or failed): send it, in the turn it holds."""
        try:
            if self.page is not page or self.closing:
                return  # the page closed while its refresh waited
            if isinstance(error, Refused):
                await self._end(error.code, str(error))
            elif error is not None:
                await self._refresh_failed(page, error)
            elif frame is not None:
                await self._send(frame)
                if not self.closing:  # else the browser left while its refresh waited
                    self.jobs.start_pending(page)
        finally:
            self.refresh_queued = False
            self.turn.release()
            if self.stale:
                self.schedule_refresh()  # broadcasts that arrived meanwhile

    async def _refresh(self) -> None:
        try:
            while self.stale and self.page is not None and not self.closing:
                async with self.turn:
                    self.stale = False
                    page = self.page
                    rows, self.changed_rows = self.changed_rows, None
                    try:
                        # Charged to the page, never into debt: its own events pay for the
                        # time other pages' saves cost it only once its budget is spent.
                        frame = await run_refresh(
                            partial(page.refresh, rows or None),
                            self.budget.own.usage,
                            self._charge_refresh,
                        )
                    except Refused as exc:
                        await self._end(exc.code, str(exc))
                        return
                    except Exception as exc:
                        await self._refresh_failed(page, exc)
                        continue
                    await self._send(frame)
                    self.jobs.start_pending(page)
        finally:
            self.refreshing = None

    async def _refresh_failed(self, page: LivePage, exc: BaseException) -> None:
        # The page stays as it was, now behind what was saved: its browser says so (console,
        # live:error), where it would otherwise wait for an update that never comes.
        failures.report(
            exc,
            "live_views: refreshing %s failed",
            type(page.view).__qualname__,
            raised=self.raised,
        )
        await self._send(failures.server_error("The server could not update the page.", exc))

    def _charge_refresh(self, seconds: float) -> None:
        self.budget.charge(seconds, into_debt=False)


class QueuedRefresh(Job):
    """An idle page's refresh in the batch's queue. One per socket, queued again on each
    broadcast: a fan-out to many pages makes no object per page (each would outlive the
    batch's garbage collections and add to the next full one)."""

    __slots__ = ("owner", "page", "rows")

    def __init__(self, owner: CoalescedRefreshMixin) -> None:
        super().__init__(owner.budget.own.usage)
        self.owner = owner
        self.page: LivePage | None = None
        self.rows: ChangedRows | None = None

    def run(self) -> dict[str, Any]:
        assert self.page is not None
        return self.page.refresh(self.rows)

    def charge(self, seconds: float) -> None:
        self.owner.budget.charge(seconds, into_debt=False)

    async def finish(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        page, self.page, self.rows = self.page, None, None
        assert page is not None
        await self.owner._refreshed(page, result, error)
