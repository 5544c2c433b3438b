"""Results from the worker thread back to an event loop.

``loop.call_soon_threadsafe`` wakes the loop with the GIL held: on a busy (or one-CPU) server the
woken loop thread runs at once, finds the GIL taken, and sleeps again until the worker gives it
up, two context switches for one wake-up. Here the worker thread queues the outcome and writes
an eventfd the loop watches; ``os.eventfd_write`` lets go of the GIL for the system call, so the
loop thread it wakes can run straight on. Where there is no eventfd (not Linux) or the loop
cannot watch a descriptor (Windows' proactor loop), ``call_soon_threadsafe`` it is.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import weakref
from collections.abc import Callable
from typing import Any

Deliver = Callable[[asyncio.Future[Any], Any], None]


class Handoff:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.fd: int | None = None
        self.done: collections.deque[tuple[asyncio.Future[Any], Any]] = collections.deque()
        if hasattr(os, "eventfd"):
            fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            try:
                loop.add_reader(fd, self._drain)
            except NotImplementedError:
                os.close(fd)
            else:
                self.fd = fd
                weakref.finalize(self, _close, loop, fd)

    def put(self, future: asyncio.Future[Any], value: Any) -> None:
        """From the worker thread: resolve ``future`` with ``value`` on the loop."""
        fd = self.fd
        if fd is None:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                self.loop.call_soon_threadsafe(_resolve, future, value)
            return
        self.done.append((future, value))
        with contextlib.suppress(OSError):
            os.eventfd_write(fd, 1)

    def _drain(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.eventfd_read(self.fd)  # type: ignore[arg-type]
        done = self.done
        while done:
            _resolve(*done.popleft())


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():  # not cancelled meanwhile
        future.set_result(value)


def _close(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    # The garbage collector may run this in any thread: only the loop's own thread may stop
    # watching the descriptor; a loop that is closed watches nothing any more.
    if loop.is_closed():
        os.close(fd)
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.remove_reader(fd)
        os.close(fd)
        return
    with contextlib.suppress(RuntimeError):  # closed meanwhile: the descriptor goes at exit
        loop.call_soon_threadsafe(_close, loop, fd)
