"""Fair turns at the worker thread.

Every page of a process shares one worker thread for its sync work (``database_sync_to_async``
is thread-sensitive), and that thread serves whoever asked first. Five sockets that each keep
one heavy event queued there made every other page's event wait behind all five. Here the
sync work of the socket consumers waits in front of the thread instead, one job at a time, and
when several wait, the job whose socket (and owner: user, session or address) used the least
server time lately goes next. A page that asks little waits at most for the job already
running.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from channels.db import database_sync_to_async

T = TypeVar("T")

# How long past server time weighs on a socket's place in the queue: it halves every second.
HALF_LIFE = 1.0

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


class _Waiter:
    __slots__ = ("future", "order", "usages")

    def __init__(self, place: Sequence[Usage], order: int, future: asyncio.Future[None]) -> None:
        self.usages = place
        self.order = order
        self.future = future

    def key(self, now: float) -> tuple[float, int]:
        return sum(usage.at_time(now) for usage in self.usages), self.order


class FairQueue:
    """One sync job at a time from this event loop into the worker thread, least used first."""

    def __init__(self) -> None:
        self.busy = False
        self.waiting: list[_Waiter] = []
        self.order = itertools.count()

    async def run(
        self,
        work: Callable[[], T],
        place: Sequence[Usage],
        charge: Callable[[float], None] | None = None,
    ) -> T:
        """``work``'s result, run in the worker thread when its turn comes: when several wait,
        the one whose ``place`` (the sum of those usages) is least goes first. ``charge`` is
        told the CPU time the work used in the thread, even when it raised."""
        await self._take_turn(place)
        try:
            ok, value, seconds = await database_sync_to_async(_timed)(work)
        finally:
            self._pass_turn()
        if charge is not None:
            charge(seconds)
        if not ok:
            raise value
        result: T = value
        return result

    async def _take_turn(self, place: Sequence[Usage]) -> None:
        if not self.busy:
            self.busy = True
            return
        waiter = _Waiter(place, next(self.order), asyncio.get_running_loop().create_future())
        self.waiting.append(waiter)
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter in self.waiting:
                self.waiting.remove(waiter)
            elif waiter.future.done() and not waiter.future.cancelled():
                self._pass_turn()  # handed the turn just as it was cancelled: pass it on
            raise

    def _pass_turn(self) -> None:
        # A waiter cancelled a moment ago is still listed, with its future cancelled: skip it.
        self.waiting = [waiter for waiter in self.waiting if not waiter.future.done()]
        if not self.waiting:
            self.busy = False
            return
        now = clock()
        chosen = min(self.waiting, key=lambda waiter: waiter.key(now))
        self.waiting.remove(chosen)
        chosen.future.set_result(None)  # busy stays True: the turn goes to the chosen job


def _timed(work: Callable[[], Any]) -> tuple[bool, Any, float]:
    started = thread_clock()
    try:
        value = work()
    except Exception as exc:
        return False, exc, thread_clock() - started
    return True, value, thread_clock() - started


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FairQueue] = (
    weakref.WeakKeyDictionary()
)


def fair_queue() -> FairQueue:
    """This event loop's queue (each loop has its own worker-thread hop)."""
    loop = asyncio.get_running_loop()
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = FairQueue()
    return queue


async def run_fairly(
    work: Callable[[], T],
    place: Sequence[Usage],
    charge: Callable[[float], None] | None = None,
) -> T:
    return await fair_queue().run(work, place, charge)
