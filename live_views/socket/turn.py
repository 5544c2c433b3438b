"""A page's turn: its events, broadcast refreshes and job outcomes run one at a time, in arrival
order (an ``asyncio.Lock`` that hands itself to the next waiter).

Unlike ``asyncio.Lock`` it can also be taken without awaiting, when it is free and nobody waits
(``try_take``): a broadcast refresh of an idle page then queues its work at once, with no task of
its own (``socket/refresh.py``), and gives the turn back when its frame is sent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType


class Turn:
    # One per open socket: slots, and no deque until a second comer waits (a deque is ~600
    # bytes, more than the rest of an idle page's turn; docs/benchmarks.md, memory).
    __slots__ = ("held", "waiters")

    def __init__(self) -> None:
        self.held = False
        self.waiters: deque[asyncio.Future[None]] | None = None

    def locked(self) -> bool:
        return self.held

    def try_take(self) -> bool:
        """Take the turn if it is free and nobody waits for it; never waits."""
        if self.held or self.waiters:
            return False
        self.held = True
        return True

    async def acquire(self) -> None:
        if self.try_take():
            return
        waiter = asyncio.get_running_loop().create_future()
        if self.waiters is None:
            self.waiters = deque()
        waiters = self.waiters
        waiters.append(waiter)
        try:
            await waiter  # release() hands the turn over: ``held`` stays True
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the turn, then cancelled: pass it on
            elif waiter in waiters:
                waiters.remove(waiter)
            raise

    def release(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.waiters = None  # nobody waits: the page goes back to holding no deque
        self.held = False

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
