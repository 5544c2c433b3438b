"""Long loops on the event loop that await without suspending give the loop a turn now and then.

Sending a slice of refreshes or scheduling a broadcast for every page of a process awaits once
per page, but an await that does not block (a frame that fits the socket's buffer) never lets
the loop run anything else. For ten thousand pages that is tens of milliseconds in which no
other socket is read and no request is answered: every few milliseconds the loop gets a turn.
"""

from __future__ import annotations

import asyncio

# Long enough that the turns cost nothing next to the work (one loop iteration each), short
# enough that an event waiting behind a fan-out waits for a few milliseconds, not for all of it.
EVERY = 0.002


class Pacer:
    __slots__ = ("next", "time")

    def __init__(self) -> None:
        self.time = asyncio.get_running_loop().time
        self.next = self.time() + EVERY

    def due(self) -> bool:
        """Whether the last turn was ``EVERY`` seconds ago. Asked before ``turn()`` by a loop
        that would await it once per page: most pages are due none, and a coroutine made and
        awaited only to say so cost more than the question."""
        return self.time() >= self.next

    async def turn(self) -> None:
        """Let the loop run what is ready."""
        await asyncio.sleep(0)
        self.next = self.time() + EVERY
