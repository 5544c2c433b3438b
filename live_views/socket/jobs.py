"""Runs a page's ``live_async()`` work (live_views/background.py) for its consumer.

The work runs outside the page's turn, so the page keeps answering events meanwhile: a sync
function in a thread of the loop's default executor (not the one sync thread every page's
events share), an async one on the event loop (as is an awaitable a sync function returns).
What it produces reaches the view only in the page's turn: progress and the outcome are applied
under ``consumer.turn``, then the page renders and sends, like an event.
Progress reports are coalesced: however many arrive while one is applied, one more follows.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from live_views.background import Job, LiveAsyncCancelled, current_job
from live_views.socket import sessions
from live_views.socket.fairness import run_fairly

if TYPE_CHECKING:
    from live_views.socket.page import LivePage

logger = logging.getLogger("live_views")


class JobRunner:
    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("consumer", "progressed", "showing", "tasks")

    def __init__(self, consumer: Any) -> None:
        # The LiveConsumer: its page, turn, closing flag and _send().
        self.consumer = consumer
        # Made when the first work starts, or reports progress: most pages never start any.
        self.tasks: dict[str, tuple[Job, asyncio.Task[None]]] | None = None
        self.progressed: set[str] | None = None  # jobs with a progress report not yet shown
        self.showing: asyncio.Task[None] | None = None

    def start_pending(self, page: LivePage) -> None:
        """Start the work the page's last handler (or mount) asked for."""
        jobs = page.view.live_runtime.jobs
        if not jobs.pending:
            return
        loop = asyncio.get_running_loop()
        if self.tasks is None:
            self.tasks = {}
        for job in jobs.take():
            self.cancel(job.name)
            job.on_progress = partial(self.wake, loop)
            task = asyncio.create_task(self.run(page, job))
            self.tasks[job.name] = (job, task)

    def cancel(self, name: str) -> None:
        if self.tasks is None:
            return
        running = self.tasks.pop(name, None)
        if running is not None:
            job, task = running
            job.cancelled.set()
            task.cancel()

    def cancel_all(self) -> None:
        for name in list(self.tasks or ()):
            self.cancel(name)
        if self.showing is not None:
            self.showing.cancel()

    async def run(self, page: LivePage, job: Job) -> None:
        token = current_job.set(job)  # copied into the work's thread by sync_to_async
        try:
            value, error = await work_outcome(job, type(page.view).__qualname__)
        except LiveAsyncCancelled:
            return
        else:
            await self.show(page, job, value=value, error=error)
        finally:
            current_job.reset(token)
            tasks = self.tasks
            if tasks is not None and tasks.get(job.name, (None,))[0] is job:
                del tasks[job.name]

    async def show(
        self, page: LivePage, job: Job, *, value: Any = None, error: str | None = None
    ) -> None:
        """The outcome, in the page's turn; then render and send."""
        consumer = self.consumer
        async with consumer.turn:
            if consumer.page is not page or consumer.closing or job.cancelled.is_set():
                return
            if getattr(page.view, job.name, None) is not job.shown:
                return  # the view dropped this work's result
            job.shown.loading, job.shown.result, job.shown.error = False, value, error
            if not await self.send_render(page):
                # A result the page cannot render would fail every later render too: show an
                # error in its place instead.
                job.shown.result, job.shown.error = None, job.not_shown()
                await self.send_render(page)
        self.start_pending(page)  # a render's get() may start more

    async def send_render(self, page: LivePage) -> bool:
        """Render what the work changed and send it; False (logged) when the render failed."""
        try:
            # In the page's fair turn at the worker thread; charged like a broadcast refresh
            # (never into debt): the server started this render, not the browser.
            consumer = self.consumer
            frame = await run_fairly(
                partial(rerender, page), consumer.budget.usages, consumer._charge_refresh
            )
        except Exception:
            # Not reported as a failure: the page shows an error in the result's place.
            logger.exception(
                "live_views: rendering %s after background work failed",
                type(page.view).__qualname__,
            )
            return False
        await self.consumer._send(frame)
        return True

    def wake(self, loop: asyncio.AbstractEventLoop, job: Job) -> None:
        # Called from the work's thread (or the loop, for async work).
        loop.call_soon_threadsafe(self.progress_reported, job)

    def progress_reported(self, job: Job) -> None:
        if self.progressed is None:
            self.progressed = set()
        self.progressed.add(job.name)
        if self.showing is None:
            self.showing = asyncio.create_task(self.show_progress())

    async def show_progress(self) -> None:
        consumer = self.consumer
        try:
            while self.progressed and consumer.page is not None and not consumer.closing:
                async with consumer.turn:
                    page = consumer.page
                    names, self.progressed = self.progressed or set(), None
                    changed = False
                    for name in names:
                        job = (self.tasks or {}).get(name, (None,))[0]
                        if job is not None and job.shown.loading and page is not None:
                            job.shown.progress = job.progress
                            changed = True
                    if changed and page is not None:
                        await self.send_render(page)
        finally:
            self.showing = None


async def work_outcome(job: Job, owner: str) -> tuple[Any, str | None]:
    """The work's value and no error, or no value and the error its page shows (logged, with
    ``owner`` naming the page); cancellation and ``LiveAsyncCancelled`` go on to the caller.
    Both transports' runners (and ``http/jobs.py``) share it."""
    try:
        # In the page's language and time zone (sync_to_async takes them into the thread).
        with job.activated():
            if inspect.iscoroutinefunction(job.func):
                return await job.func(*job.args, **job.kwargs), None
            value = await sync_to_async(call_in_thread, thread_sensitive=False)(job)
            if inspect.isawaitable(value):
                # A sync callable that returns a coroutine (a lambda or a wrapper around an
                # async function): its outcome is what the coroutine returns, awaited on the loop.
                value = await value
        return value, None
    except (asyncio.CancelledError, LiveAsyncCancelled):
        raise
    except Exception as exc:
        logger.error("live_views: background work %r of %s raised", job.name, owner, exc_info=exc)
        message = job.not_finished()
        if settings.DEBUG:
            message += f" {type(exc).__name__}: {exc}"  # templates escape it
        return None, message


def call_in_thread(job: Job) -> Any:
    # A thread of the executor's pool: its database connection is checked like a request's.
    close_old_connections()
    try:
        return job.func(*job.args, **job.kwargs)
    finally:
        close_old_connections()


def rerender(page: LivePage) -> dict[str, Any]:
    # The session as stored now, should the render use it: the page's copy may be from long
    # before the work ended, and the save below wrote it back over what the user's other pages
    # had saved since.
    sessions.reread_before_render(page.request, page.frame_session)
    # Inside the page's middleware, as its events and refreshes are: the language, time zone
    # (or tenant) it activates for the page apply to the work's outcome too.
    frame = page.processing.run(lambda: page.render_frame(refresh=True))
    page.save_session()
    return frame
