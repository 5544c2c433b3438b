"""Fair turns at the worker thread.

Every page of a process shares one worker thread for its sync work: asgiref's thread-sensitive
thread, where the ORM's async methods (``acreate()``…) and ``sync_to_async()`` calls of the
same event loop also run, so none of them runs beside a page's handler or render. That thread
serves whoever asked first: five sockets that each keep one heavy event queued there made every
other page's event wait behind all five. Here the sync work of the socket consumers waits in
front of the thread instead, one job at a time, and when several wait, the job whose socket (and
owner: user, session or address) used the least server time lately goes next. A page that asks
little waits at most for the job already running.

A job goes to the thread directly, not through ``database_sync_to_async``: a new ``SyncToAsync``
per call, a shielded future and the caller's context copied into the thread and back cost about
as much as a counter's whole event. What that hop kept is kept: a job runs in a copy of the
caller's context; Django's database connections are checked before and after it
(``close_old_connections``, as on a request), so ``CONN_MAX_AGE`` and a broken connection behave
the same (but for the slices of one broadcast burst, which share a connection: see
``keep_connections``); and ``async_to_sync`` inside it (``broadcast()`` in a handler, an async-only
middleware) runs its coroutine on the caller's event loop, and sync code that coroutine calls
with ``thread_sensitive=True`` comes back to this thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

from live_views.socket.handoff import Handoff
from live_views.socket.per_loop import per_loop

T = TypeVar("T")

# How long past server time weighs on a socket's place in the queue: it halves every second.
HALF_LIFE = 1.0

# How long the worker thread runs the pages' jobs back to back before the other work that waits
# for it (a request's middleware and view, the ORM's async calls) gets a turn: before, each of
# those steps waited until no page had work queued. Not after every job: a requeue costs a few
# µs, and a busy process runs hundreds of light jobs a second.
STREAK = 0.005

clock = time.monotonic
# The CPU time of the calling thread; a module attribute so tests can say what work cost.
thread_clock = time.thread_time


class Usage:
    """Server time used lately, decaying by half every ``HALF_LIFE`` seconds."""

    __slots__ = ("at", "seconds")

    def __init__(self) -> None:
        self.seconds = 0.0
        self.at = clock()

    def at_time(self, now: float) -> float:
        decay: float = 0.5 ** (max(0.0, now - self.at) / HALF_LIFE)
        return self.seconds * decay

    def add(self, seconds: float, now: float) -> None:
        self.seconds = self.at_time(now) + seconds
        self.at = now


class _Job:
    __slots__ = ("context", "future", "handoff", "loop", "order", "resume", "usages", "work")

    def __init__(
        self,
        work: Callable[[], Any],
        place: Sequence[Usage],
        order: int,
        handoff: Handoff,
        resume: bool = False,
    ) -> None:
        self.work = work
        self.resume = resume
        self.usages = place
        self.order = order
        self.handoff = handoff
        self.loop = loop = handoff.loop
        self.future: asyncio.Future[tuple[bool, Any, float]] = loop.create_future()
        self.context = contextvars.copy_context()

    def key(self, now: float) -> tuple[float, int]:
        return sum(usage.at_time(now) for usage in self.usages), self.order


class FairQueue:
    """One sync job at a time from this event loop into the worker thread, least used first.

    The worker thread passes the turn itself: when a job ends it takes the least-used waiting
    job and runs it, so a busy process never waits for its event loop between two jobs; after
    ``STREAK`` it queues that job at the thread again instead, behind whatever else waits for
    the thread, which so waits for about ``STREAK`` or one page job, not for the pages' queue
    to empty. ``waiting`` and ``busy`` are shared by the two threads, under ``lock``.
    """

    def __init__(self) -> None:
        self.busy = False
        self.waiting: list[_Job] = []
        self.order = itertools.count()
        self.lock = threading.Lock()
        self.handoff: Handoff | None = None  # made on first use, on the loop that uses it

    async def run(
        self,
        work: Callable[[], T],
        place: Sequence[Usage],
        charge: Callable[[float], None] | None = None,
        *,
        resume: bool = False,
    ) -> T:
        """``work``'s result, run in the worker thread when its turn comes: when several wait,
        the one whose ``place`` (the sum of those usages) is least goes first. ``charge`` is
        told the CPU time the work used in the thread, even when it raised. ``resume``: the
        work goes on where a job that called ``keep_connections()`` stopped, on its
        connections."""
        handoff = self.handoff
        if handoff is None:
            handoff = self.handoff = Handoff(asyncio.get_running_loop())
        job = _Job(work, place, next(self.order), handoff, resume)
        with self.lock:
            start, self.busy = not self.busy, True
            if not start:
                self.waiting.append(job)
        if start:
            # asgiref's thread-sensitive thread: the ORM's async methods and sync_to_async()
            # work of the same event loop take turns with the pages' work there, as before.
            SyncToAsync.single_thread_executor.submit(self._serve, job)
        try:
            ok, value, seconds = await job.future
        except asyncio.CancelledError:
            with self.lock:
                if job in self.waiting:
                    self.waiting.remove(job)  # it will not run; one already running finishes
            raise
        if charge is not None:
            charge(seconds)
        if not ok:
            raise value
        result: T = value
        return result

    def _serve(self, job: _Job) -> None:
        """In the worker thread: run ``job``, then the waiting ones, least used first, until
        ``STREAK`` has passed; then the next one waits behind what else waits for the thread."""
        started = clock()
        while True:
            outcome = job.context.run(_run, job)
            with self.lock:
                chosen = self._next()
            # After the turn is passed: a caller that sees its result sees the queue settled.
            job.handoff.put(job.future, outcome)
            if chosen is None:
                return
            job = chosen
            if clock() - started < STREAK:
                continue
            try:
                SyncToAsync.single_thread_executor.submit(self._serve, job)
            except RuntimeError:  # the executor is shutting down: finish the queue here
                started = clock()
            else:
                return

    def _next(self) -> _Job | None:
        # A waiter cancelled a moment ago may still be listed, with its future cancelled.
        self.waiting = [job for job in self.waiting if not job.future.done()]
        if not self.waiting:
            self.busy = False
            return None
        now = clock()
        chosen = min(self.waiting, key=lambda job: job.key(now))
        self.waiting.remove(chosen)
        return chosen


def _run(job: _Job) -> tuple[bool, Any, float]:
    # What asgiref's own hop records in the thread: async_to_sync() in the work (broadcast() in a
    # sync handler) runs its coroutine on this loop, not on a new one in a new thread.
    local = SyncToAsync.threadlocal
    local.main_event_loop = job.loop
    local.main_event_loop_pid = os.getpid()
    started = thread_clock()
    try:
        # As database_sync_to_async (and a request) does, before and after.
        _check_connections(keep=job.resume)
        _kept.asked = False
        try:
            value = job.work()
        finally:
            asked, _kept.asked = _kept.asked, False
            _check_connections(keep=asked)
    except BaseException as exc:  # the caller's to raise: the thread must pass the turn on
        return False, exc, thread_clock() - started
    return True, value, thread_clock() - started


class _Kept(threading.local):
    asked = False


_kept = _Kept()


def keep_connections() -> None:
    """From a job's work, in the worker thread: leave its database connections open when it
    ends, whatever ``CONN_MAX_AGE`` says, for the job that goes on with the same work
    (``run_fairly(..., resume=True)``).

    A broadcast to many pages is cut into slices (socket/batch.py), each a job; with Django's
    default ``CONN_MAX_AGE = 0`` each slice used to open a connection of its own, which on
    PostgreSQL costs several milliseconds (a new server process) per slice. Any other job
    between two slices checks the connections as usual, so it never sees one left open for
    it, and a connection with errors, or left in a transaction, is closed all the same."""
    _kept.asked = True


def _check_connections(*, keep: bool) -> None:
    if keep:  # the same work goes on on them (keep_connections)
        close_unhealthy_connections()
    else:
        close_old_connections()


def close_unhealthy_connections() -> None:
    """What ``close_old_connections`` closes whatever a connection's age: one whose last query
    failed (unless it still answers) or that was left outside autocommit."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if conn.errors_occurred or conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]:
            conn.close_if_unusable_or_obsolete()


fair_queue = per_loop(FairQueue)  # this event loop's queue (each loop has its own thread hop)


async def run_fairly(
    work: Callable[[], T],
    place: Sequence[Usage],
    charge: Callable[[float], None] | None = None,
    *,
    resume: bool = False,
) -> T:
    return await fair_queue().run(work, place, charge, resume=resume)
