"""The event loop that reads each in-memory channel, so a send from another thread runs there.

channels' in-memory layer keeps a channel's messages in an ``asyncio.Queue``, and a put wakes
the queue's reader with a callback on the reader's loop. A put from another thread (a sync
test's save while its ``LiveClient`` pages listen on the client's own loop) schedules that
callback from the wrong thread: asyncio's debug mode (``PYTHONDEVMODE``, which tox sets)
raises, the message is queued but its reader never wakes, and the page misses the broadcast.
Without debug mode the reader wakes only when something else wakes its loop.

Each hub records the loop it reads its channel on; ``publish`` hands a send to that loop.
"""

from __future__ import annotations

import asyncio
import threading

_lock = threading.Lock()
_loops: dict[str, asyncio.AbstractEventLoop] = {}


def reading(channel: str) -> None:
    """Record that the running loop reads ``channel``."""
    loop = asyncio.get_running_loop()
    with _lock:
        # Tests start and close many loops: forget the channels of those that closed.
        for name, other in list(_loops.items()):
            if other.is_closed():
                del _loops[name]
        _loops[channel] = loop


def reader_of(channel: str) -> asyncio.AbstractEventLoop | None:
    """The running loop that reads ``channel``, or None when none of ours does."""
    with _lock:
        loop = _loops.get(channel)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop
