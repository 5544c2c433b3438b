"""Broadcast refreshes of many pages share one worker-thread hop.

One save can make every page of a process refresh at once. Each refresh is sync code (the
view's get() and a render), so each used to take its own hop through database_sync_to_async,
with its own database connection check, and with CONN_MAX_AGE=0 its own new connection. Pages
now queue their refresh here; one runner takes every queued page into a single hop and runs
them one after the other, as the single sync thread did anyway. While a batch runs, the next
one gathers, so a fan-out to a thousand pages costs a handful of hops, and an idle process
still refreshes a lone page at once.

A batch waits for its turn at the worker thread like any event (``socket/fairness.py``), and
holds it for about one event's time (``SLICE``): the pages that used the least server time
lately go first, the rest wait for the next turn, so a burst of heavy refreshes never keeps an
event of another page waiting for longer than one of them. Each page's refresh time is charged
to that page's budget. The slices of one burst share the worker thread's database connections
(``fairness.keep_connections``): with Django's default ``CONN_MAX_AGE = 0`` each slice used to
open its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import close_old_connections

from live_views.socket import fairness
from live_views.socket.fairness import Usage, run_fairly
from live_views.socket.pacing import Pacer
from live_views.socket.per_loop import per_loop
from live_views.socket.shared import SharedRenders, sharing

logger = logging.getLogger("live_views")

Work = Callable[[], dict[str, Any]]
Charge = Callable[[float], None]

# Thread time one turn at the worker thread may spend on refreshes before it lets others in.
SLICE = 0.020


class Job:
    """One page's refresh in the queue: ``run()`` is its sync work, ``charge()`` is told the
    thread time it used, and ``finish()`` is awaited with its frame (or its error) once its
    slice is rendered. ``usage`` is the page's recent server time (least goes first)."""

    # A fan-out queues one per page: slots, and no other object per page (socket/refresh.py
    # keeps one per socket and queues it again on every broadcast).
    __slots__ = ("error", "result", "seconds", "usage")

    def __init__(self, usage: Usage | None) -> None:
        self.usage = usage
        self.result: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0

    def run(self) -> dict[str, Any]:
        raise NotImplementedError

    def charge(self, seconds: float) -> None:
        pass

    async def finish(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        raise NotImplementedError


class _AwaitedJob(Job):
    """A refresh whose caller awaits its frame (``Batcher.run``)."""

    __slots__ = ("charge_to", "future", "work")

    def __init__(self, work: Work, usage: Usage | None, charge: Charge | None) -> None:
        super().__init__(usage)
        self.work = work
        self.charge_to = charge
        self.future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    def run(self) -> dict[str, Any]:
        return self.work()

    def charge(self, seconds: float) -> None:
        if self.charge_to is not None:
            self.charge_to(seconds)

    async def finish(self, result: dict[str, Any] | None, error: BaseException | None) -> None:
        if self.future.cancelled():
            return  # the page closed while it waited
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)  # type: ignore[arg-type]


# Counts the broadcasts this process received. The renders of a shared view (shared.py) made in
# one slice serve the next slices of the same burst only while no broadcast arrived since: a page
# told of a save after a slice rendered must get a render that reads the saved data. Counted as
# each message arrives (socket/hub.py), not as each page asks: the hub tells a topic's pages over
# several turns of the loop, slices run between them, and one save re-rendered once per slice.
_asked = 0


def broadcast_arrived() -> None:
    global _asked
    _asked += 1


class Batcher:
    def __init__(self) -> None:
        self.queue: list[Job] = []
        self.runner: asyncio.Task[None] | None = None
        self.renders: tuple[int, SharedRenders] | None = None
        # Sorted once per burst: a waiting page is charged nothing, and time decays every
        # page's usage alike, so the order holds until a page joins the queue.
        self.unsorted = False
        # The last slice stopped with pages left and kept its connections for the next one.
        self.holding = False

    async def run(
        self, work: Work, usage: Usage | None = None, charge: Charge | None = None
    ) -> dict[str, Any]:
        """Run ``work`` (sync) in a worker thread, together with whatever else is queued.
        ``usage`` is the page's recent server time (least goes first); ``charge`` is told the
        thread time its refresh used (and counts it)."""
        job = _AwaitedJob(work, usage, charge)
        self.queue_job(job)
        return await job.future

    def queue_job(self, job: Job) -> None:
        self.queue.append(job)
        self.unsorted = True
        if self.runner is None or self.runner.done():
            self.runner = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            await self._run_queue()
        finally:
            self.renders = None  # a burst's renders end with it
            if self.holding:  # cancelled mid-burst (the loop is closing): let them go
                self.holding = False
                with contextlib.suppress(RuntimeError):  # the executor is shut down already
                    SyncToAsync.single_thread_executor.submit(close_old_connections)

    async def _run_queue(self) -> None:
        while self.queue:
            now = fairness.clock()
            if self.unsorted:
                self.queue.sort(key=lambda job: job.usage.at_time(now) if job.usage else 0.0)
                self.unsorted = False
            batch = self.queue[:]  # pages may join self.queue while the thread runs the slice
            # The batch waits for the worker thread with its least-used page's place.
            place = Usage()
            place.seconds = batch[0].usage.at_time(now) if batch[0].usage else 0.0
            if self.renders is None or self.renders[0] != _asked:
                self.renders = (_asked, SharedRenders())
            # A slice that stopped early kept its connections for the next (_run_slice); until
            # this one says, it may have (a cancelled one cannot say).
            resume, self.holding = self.holding, True
            ran = await run_fairly(
                functools.partial(_run_slice, batch, self.renders[1]), [place], resume=resume
            )
            self.holding = ran < len(batch)
            done, joined = batch[:ran], self.queue[len(batch) :]
            self.queue = batch[ran:] + joined
            self.unsorted = bool(joined)
            # Frames are handed back when the whole slice is rendered: waking each page as it is
            # done measured slower (one wake-up and GIL hand-off per page) for the last page.
            pacer = Pacer()
            for job in done:
                if pacer.due():
                    await pacer.turn()
                job.charge(job.seconds)
                result, error = job.result, job.error
                job.result = job.error = None  # a socket's job is kept: not its last frame
                try:
                    await job.finish(result, error)
                except Exception:  # one page's failure is that page's alone
                    logger.exception("live_views: sending a refresh failed")


def _run_slice(jobs: list[Job], renders: SharedRenders) -> int:
    """Run ``jobs`` in order until ``SLICE`` of thread time is spent (always at least one);
    how many ran."""
    # One read of the thread's clock per page (a system call, about 0.6 µs here): a page's end
    # is the next page's start.
    started = before = fairness.thread_clock()
    # Views with live_shared_render render once per burst for all their pages (shared.py).
    with sharing(renders):
        for index, job in enumerate(jobs):
            if index and before - started >= SLICE:
                fairness.keep_connections()  # the next slice goes on with them
                return index
            try:
                job.result = job.run()
            except Exception as exc:  # one page's failure is that page's alone
                job.error = exc
            after = fairness.thread_clock()
            job.seconds, before = after - before, after
    return len(jobs)


_batcher = per_loop(Batcher)


async def run_refresh(
    work: Work, usage: Usage | None = None, charge: Charge | None = None
) -> dict[str, Any]:
    """Queue one page's refresh with the others of this event loop (each loop has its own)."""
    return await _batcher().run(work, usage, charge)


def queue_refresh(job: Job) -> None:
    """Queue one page's refresh; the runner awaits its ``finish()`` with its frame or its error
    (a broadcast to many idle pages: no task and no future per page)."""
    _batcher().queue_job(job)
