"""``live_async()`` work of an HTTP-transport page (live_views/background.py).

The socket's runner (socket/jobs.py) sends the outcome on the page's socket; an HTTP page has
none, so its outcome goes into the page's outbox and reaches the browser the way a broadcast
refresh does: server-sent events under ASGI, the next long-poll under WSGI.

The work runs on the loop the page follows its topics on (``http/pushes.py``'s hosting loop: the
ASGI server's, or the background loop of a WSGI process): an async function on that loop, a sync
one in a thread of its own. What it produces is applied to the view in the page's turn, in a
worker thread, like a broadcast refresh (``HttpPage.show_work`` / ``show_progress``). Progress
reports are coalesced: however many arrive while one is shown, one more follows.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from typing import Any, Protocol

from channels.db import database_sync_to_async

from live_views.background import Job, LiveAsyncCancelled, PageJobs, current_job
from live_views.socket.jobs import work_outcome

logger = logging.getLogger("live_views")


class WorkingPage(Protocol):
    """What the runner asks of its page (``http/pages.py``'s ``HttpPage``)."""

    closed: bool

    @property
    def pending_work(self) -> PageJobs: ...
    def show_work(self, job: Job, value: Any, error: str | None) -> None: ...
    def show_progress(self, jobs: list[Job]) -> None: ...


class HttpJobs:
    def __init__(self, page: WorkingPage, loop: asyncio.AbstractEventLoop) -> None:
        self.page = page
        self.loop = loop
        self.lock = threading.Lock()  # ``running`` is read by request threads and the loop
        self.running: dict[str, tuple[Job, concurrent.futures.Future[None]]] = {}
        # Jobs with a progress report not yet shown (on the loop only). The jobs themselves, not
        # their names: the work may report before start_pending() has recorded it as running.
        self.progressed: dict[str, Job] = {}
        self.showing: asyncio.Task[None] | None = None

    def start_pending(self) -> None:
        """Start the work the page's last handler, render or mount asked for (in its turn)."""
        for job in self.page.pending_work.take():
            self.cancel(job.name)
            job.on_progress = self.wake
            try:
                future = asyncio.run_coroutine_threadsafe(self.run(job), self.loop)
            except RuntimeError:  # the loop closed (a server shutting down): nothing runs
                logger.warning("live_views: could not start %r: no event loop", job.name)
                continue
            with self.lock:
                self.running[job.name] = (job, future)

    def cancel(self, name: str) -> None:
        with self.lock:
            running = self.running.pop(name, None)
        if running is not None:
            job, future = running
            job.cancelled.set()
            future.cancel()  # cancels the task on its loop

    def cancel_all(self) -> None:
        with self.lock:
            names = list(self.running)
        for name in names:
            self.cancel(name)

    async def run(self, job: Job) -> None:
        token = current_job.set(job)  # copied into the work's thread by sync_to_async
        try:
            value, error = await work_outcome(job, "an HTTP page")
        except LiveAsyncCancelled:
            return
        else:
            await self.show(job, value, error)
        finally:
            current_job.reset(token)
            with self.lock:
                if self.running.get(job.name, (None,))[0] is job:
                    del self.running[job.name]

    async def show(self, job: Job, value: Any, error: str | None) -> None:
        try:
            await database_sync_to_async(self.page.show_work)(job, value, error)
        except Exception:
            logger.exception("live_views: showing background work %r failed", job.name)

    def wake(self, job: Job) -> None:
        # From the work's thread (or the loop, for async work).
        self.loop.call_soon_threadsafe(self.progress_reported, job)

    def progress_reported(self, job: Job) -> None:
        self.progressed[job.name] = job
        if self.showing is None:
            self.showing = asyncio.create_task(self.show_reports())

    async def show_reports(self) -> None:
        try:
            while self.progressed and not self.page.closed:
                jobs, self.progressed = list(self.progressed.values()), {}
                await database_sync_to_async(self.page.show_progress)(jobs)
        except Exception:
            logger.exception("live_views: showing background progress failed")
        finally:
            self.showing = None
