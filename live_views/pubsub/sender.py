"""Layer messages sent off the saving thread: a save never waits for the channel layer.

A save in a live event or an ASGI view runs in the process's one shared worker thread. Waiting
there for a slow or hung layer (Redis stopped with SIGSTOP answered nothing for 10 s) held every
page's sync work behind each save for the whole publishing bound. The message is handed to an
event loop instead, and the save returns at once: the server's own loop when the save runs in
its worker thread (where the in-memory layer's queues live), else one background loop of this
module. Each send is bounded by ``PUBLISH_TIMEOUT``; what cannot be sent in time, or does not fit
in the ``MAX_PENDING`` sends already waiting, is logged and dropped. Pages catch up once the
layer is back (socket/subscription.py) as before.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import SyncToAsync

logger = logging.getLogger("live_views")

MAX_PENDING = 1000
FLUSH_TIMEOUT = 2.0  # seconds a process that exits waits for its last broadcasts

Send = Callable[[], Awaitable[None]]


class BackgroundSender:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        # The loops that were handed a send whose task is not created yet.
        self.starting: list[asyncio.AbstractEventLoop] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.tasks: set[asyncio.Task[None]] = set()  # a running task needs a reference
        # HTTP-transport pages of a WSGI server follow their topics on this module's loop
        # (live_views/http/pushes.py): the in-memory layer must then be sent to from it too.
        self.hosts_pages = False

    @property
    def pending(self) -> int:
        """Sends under way. A task whose loop stopped will never finish (a test client's loop,
        a server shutting down): it no longer counts, or the bound would fill up for good."""
        with self.lock:
            self.tasks = {task for task in self.tasks if _alive(task)}
            self.starting = [loop for loop in self.starting if _running(loop)]
            return len(self.starting) + len(self.tasks)

    def submit(self, send: Send, what: str, loop: asyncio.AbstractEventLoop | None = None) -> bool:
        """Start ``send`` on an event loop (``loop``, else the server's, else this module's)
        and return at once; False when it was dropped."""
        if self.pending >= MAX_PENDING:
            logger.warning(
                "live_views: dropped %s: %d broadcasts already wait for the channel layer",
                what,
                MAX_PENDING,
            )
            return False
        loop = loop or server_loop() or self.background_loop()
        with self.lock:
            self.starting.append(loop)
        try:
            loop.call_soon_threadsafe(self._start, send, what)
        except RuntimeError:  # the server's loop closed under us
            with self.lock:
                self.starting.remove(loop)
            logger.warning("live_views: could not broadcast %s: no event loop", what)
            return False
        return True

    def _start(self, send: Send, what: str) -> None:
        loop = asyncio.get_running_loop()
        task = loop.create_task(self._send(send, what))
        with self.lock:
            if loop in self.starting:
                self.starting.remove(loop)
            self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        with self.lock:
            self.tasks.discard(task)

    async def _send(self, send: Send, what: str) -> None:
        try:
            await send()
        except Exception:
            logger.warning("live_views: could not broadcast %s", what, exc_info=True)

    def background_loop(self) -> asyncio.AbstractEventLoop:
        """This module's own event loop, running in a daemon thread (started on first use)."""
        with self.lock:
            if self.loop is None or self.loop.is_closed():
                self.loop = asyncio.new_event_loop()
                threading.Thread(
                    target=self.loop.run_forever, name="live_views-publish", daemon=True
                ).start()
                # A script or management command that saves and exits: its broadcasts leave
                # first (each within its bound), as they did when the save waited for them.
                atexit.register(self.flush, FLUSH_TIMEOUT)
            return self.loop

    def idle(self) -> bool:
        return self.pending == 0

    def flush(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the sends under way; True when none is left."""
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True


def _alive(task: asyncio.Task[None]) -> bool:
    return not task.done() and _running(task.get_loop())


def _running(loop: asyncio.AbstractEventLoop) -> bool:
    return loop.is_running() and not loop.is_closed()


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop whose worker thread this is (asgiref's SyncToAsync records it; its own
    AsyncToSync reads it the same way), or None outside one."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None  # none recorded, or recorded before this process forked
    loop: Any = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running():
        return loop
    return None


sender = BackgroundSender()
