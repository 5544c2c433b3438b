"""The event loop that reads each in-memory channel, so a send from another thread runs there.

channels' in-memory layer keeps a channel's messages in an ``asyncio.Queue``, and a put wakes
the queue's reader with a callback on the reader's loop. A put from another thread (a sync
test's save while its ``LiveClient`` pages listen on the client's own loop) schedules that
callback from the wrong thread: asyncio's debug mode (``PYTHONDEVMODE``, which tox sets)
raises, the message is queued but its reader never wakes, and the page misses the broadcast.
Without debug mode the reader wakes only when something else wakes its loop.

Each hub records the loop it reads its channel on; ``publish`` hands a send to that loop. A
loop may hold such sends instead (``hold_sends``): a sync test client runs them when the test
next talks to its pages, at a point of the test the test chose, never while the test's own
request still runs (its pages would read the test's in-memory SQLite database while the
request writes it, which SQLite's shared cache answers with "database table is locked").
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable

Send = Callable[[], Awaitable[None]]

_lock = threading.Lock()
# Weak: a test's loop, closed and dropped, takes its channels' entries with it.
_loops: weakref.WeakValueDictionary[str, asyncio.AbstractEventLoop] = weakref.WeakValueDictionary()
_holders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Callable[[Send], None]] = (
    weakref.WeakKeyDictionary()
)


def reading(channel: str) -> None:
    """Record that the running loop reads ``channel``."""
    loop = asyncio.get_running_loop()
    with _lock:
        _loops[channel] = loop


def reader_of(channel: str) -> asyncio.AbstractEventLoop | None:
    """The running loop that reads ``channel``, or None when none of ours does."""
    with _lock:
        loop = _loops.get(channel)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def hold_sends(loop: asyncio.AbstractEventLoop, hold: Callable[[Send], None]) -> None:
    """Sends from other threads to the channels ``loop`` reads go to ``hold``, which runs them
    on ``loop`` when it chooses."""
    with _lock:
        _holders[loop] = hold


def holder_of(loop: asyncio.AbstractEventLoop) -> Callable[[Send], None] | None:
    with _lock:
        return _holders.get(loop)
