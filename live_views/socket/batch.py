"""Broadcast refreshes of many pages share one worker-thread hop.

One save can make every page of a process refresh at once. Each refresh is sync code (the
view's get() and a render), so each used to take its own hop through database_sync_to_async,
with its own database connection check, and with CONN_MAX_AGE=0 its own new connection. Pages
now queue their refresh here; one runner takes every queued page into a single hop and runs
them one after the other, as the single sync thread did anyway. While a batch runs, the next
one gathers, so a fan-out to a thousand pages costs a handful of hops, and an idle process
still refreshes a lone page at once.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async

from live_views.socket.shared import sharing

Work = Callable[[], dict[str, Any]]


class Batcher:
    def __init__(self) -> None:
        self.queue: list[tuple[Work, asyncio.Future[dict[str, Any]]]] = []
        self.runner: asyncio.Task[None] | None = None

    async def run(self, work: Work) -> dict[str, Any]:
        """Run ``work`` (sync) in a worker thread, together with whatever else is queued."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.queue.append((work, future))
        if self.runner is None or self.runner.done():
            self.runner = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.queue:
            batch, self.queue = self.queue, []
            # Frames are handed back when the whole batch is rendered: waking each page as it is
            # done measured slower (one wake-up and GIL hand-off per page) for the last page.
            outcomes = await database_sync_to_async(_run_all)([work for work, _ in batch])
            for (_, future), (result, error) in zip(batch, outcomes, strict=True):
                if future.cancelled():
                    continue  # the page closed while it waited
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result)


def _run_all(works: list[Work]) -> list[tuple[Any, BaseException | None]]:
    outcomes: list[tuple[Any, BaseException | None]] = []
    # Views with live_shared_render render once per batch for all their pages (shared.py).
    with sharing():
        for work in works:
            try:
                outcomes.append((work(), None))
            except Exception as exc:  # one page's failure is that page's alone
                outcomes.append((None, exc))
    return outcomes


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Batcher] = (
    weakref.WeakKeyDictionary()
)


async def run_refresh(work: Work) -> dict[str, Any]:
    """Queue one page's refresh with the others of this event loop (each loop has its own)."""
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = Batcher()
    return await batcher.run(work)
