"""The frames a page's server side pushes (broadcast refreshes, session end) waiting for the
browser's push stream (server-sent events) or its next long-poll."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

# More frames than this waiting means nobody reads them: keep the newest (each carries only
# what changed since the one before, so a page that lost some reloads; see ``overflowed``).
MAX_WAITING = 100


class Outbox:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.ready = threading.Condition()
        self.async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.closed = False  # the page was dropped: its readers stop waiting
        # The newest reader (push stream or long-poll) of the page; the ones before give way.
        # A browser that let go of one (a fetch aborted as it tries its socket again) left it
        # waiting: under WSGI nothing tells the server, and frames it took were lost.
        self.reader = 0

    def open_reader(self) -> int:
        """A new push stream or long-poll: it reads from now on, and the older ones end."""
        with self.ready:
            self.reader += 1
            reader = self.reader
        self.wake()
        return reader

    def superseded(self, reader: int) -> bool:
        return reader != self.reader

    def put(self, frame: dict[str, Any]) -> None:
        if not frame:
            return
        with self.ready:
            self.frames.append(frame)
            if len(self.frames) > MAX_WAITING:
                # The browser missed updates it cannot rebuild: a fresh page shows the truth.
                self.frames = [{"reload": True}]
        self.wake()

    def close(self) -> None:
        self.closed = True
        self.wake()

    def wake(self) -> None:
        with self.ready:
            self.ready.notify_all()
            waiters = list(self.async_waiters)
        for loop, event in waiters:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that loop closed: its stream is gone
                self.async_waiters.discard((loop, event))

    def take(self) -> list[dict[str, Any]]:
        with self.ready:
            frames, self.frames = self.frames, []
            return frames

    def wait(self, timeout: float, reader: int) -> list[dict[str, Any]]:
        """Block (a WSGI thread, long-polling) until frames wait or ``timeout`` passes; []
        at once when a newer reader came (the frames wait for it)."""
        with self.ready:
            self.ready.wait_for(
                lambda: bool(self.frames) or self.closed or self.superseded(reader), timeout
            )
            if self.superseded(reader):
                return []
            frames, self.frames = self.frames, []
            return frames

    async def next_frames(self, timeout: float, reader: int) -> list[dict[str, Any]]:
        """Await (a server-sent events stream) frames, or [] after ``timeout`` or once a newer
        reader came."""
        event = asyncio.Event()
        waiter = (asyncio.get_running_loop(), event)
        self.async_waiters.add(waiter)
        try:
            if not self.frames and not self.closed and not self.superseded(reader):
                try:
                    await asyncio.wait_for(event.wait(), timeout)
                except TimeoutError:
                    return []
            return [] if self.superseded(reader) else self.take()
        finally:
            self.async_waiters.discard(waiter)
