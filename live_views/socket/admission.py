"""What a socket's frames may cost before they are refused, and how long it may stay unjoined.

Every frame pays a token of the socket's budget (and of its owner's), whatever it is; the work
it causes runs in the socket's fair turn at the worker thread and pays for the server time it
used (socket/budgets.py, socket/fairness.py). A socket that has not joined within
``JOIN_TIMEOUT`` is closed, so an idle socket cannot hold a place under the connection cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from live_views.connect import wire
from live_views.socket import limits, protocol
from live_views.socket.budgets import SocketBudget
from live_views.socket.fairness import run_fairly

T = TypeVar("T")


class FrameAdmissionMixin:
    budget: SocketBudget
    joined = False
    join_deadline: asyncio.TimerHandle | None = None

    if TYPE_CHECKING:

        async def _end(self, code: int, reason: str) -> None: ...

    async def _over_rate(self, ref: int | None) -> dict[str, Any] | None:
        """None when the frame may be handled; otherwise the refusal. A client that keeps
        sending after being refused is disconnected, whatever kind of frame it sends."""
        wait = self.budget.admit()
        if wait is not None:
            if wait > 0:
                # The frame before used up the budget in server time: this one waits for it
                # rather than being refused. The socket's next frames wait behind it.
                await limits.async_sleep(wait)
            return None
        if self.budget.flooding:
            await self._end(wire.CLOSE_TOO_MANY, "kept sending frames over the rate limit")
            return {}
        return protocol.error_frame("rate_limited", "Too many events: this one was not run.", ref)

    async def _hop(self, work: Callable[[], T]) -> T:
        """Run sync ``work`` in the worker thread, in this socket's fair turn, and charge the
        server time it used to the socket's (and its owner's) budget."""
        return await run_fairly(work, self.budget.usages, self.budget.charge)

    def start_join_deadline(self, timeout: float | None) -> None:
        if timeout is not None:
            # A timer, not a task asleep until then: every page would keep the task (and, once
            # cancelled, its frames and exception) for as long as its socket is open.
            loop = asyncio.get_running_loop()
            self.join_deadline = loop.call_later(timeout, self._join_deadline_passed, timeout)

    def stop_join_deadline(self) -> None:
        if self.join_deadline is not None:
            self.join_deadline.cancel()
            self.join_deadline = None

    def _join_deadline_passed(self, timeout: float) -> None:
        self.join_deadline = None
        if not self.joined:
            reason = f"did not join within {timeout:g} s"
            task = asyncio.ensure_future(self._end(wire.CLOSE_BAD_REQUEST, reason))
            _closing.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(_closing.discard)


_closing: set[asyncio.Future[None]] = set()
