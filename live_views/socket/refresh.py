"""Broadcast refreshes of one page: however many messages arrive while a refresh waits or runs,
one more refresh follows, and it reads the latest data. Each runs in the page's turn."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from live_views.socket.batch import refresh_asked, run_refresh
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.jobs import JobRunner
from live_views.socket.mount import Refused

if TYPE_CHECKING:
    from live_views.socket.budgets import SocketBudget
    from live_views.socket.page import LivePage

logger = logging.getLogger("live_views")


class CoalescedRefreshMixin:
    page: LivePage | None
    turn: asyncio.Lock
    joined = False
    closing = False
    stale = False  # a broadcast arrived that no refresh has read yet
    refreshing: asyncio.Task[None] | None = None
    budget: SocketBudget
    changed_rows: ChangedRows  # named by the broadcasts since the last refresh (streams)
    jobs: JobRunner

    if TYPE_CHECKING:

        async def _end(self, code: int, reason: str) -> None: ...

        async def _send(self, frame: dict[str, Any]) -> None: ...

    def schedule_refresh(self) -> None:
        self.stale = True
        refresh_asked()
        if self.page is not None and self.joined and self.refreshing is None:
            self.refreshing = asyncio.create_task(self._refresh())

    async def _refresh(self) -> None:
        try:
            while self.stale and self.page is not None and not self.closing:
                async with self.turn:
                    self.stale = False
                    page = self.page
                    rows, self.changed_rows = self.changed_rows, ChangedRows()
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
                    except Exception:
                        logger.exception(
                            "live_views: refreshing %s failed", type(page.view).__qualname__
                        )
                        continue
                    await self._send(frame)
                    self.jobs.start_pending(page)
        finally:
            self.refreshing = None

    def _charge_refresh(self, seconds: float) -> None:
        self.budget.charge(seconds, into_debt=False)
