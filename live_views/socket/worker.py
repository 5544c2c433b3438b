"""The process's one worker thread for the pages' sync work.

Every sync unit of a page (its mount, join, events, broadcast refreshes) used to take its own
``database_sync_to_async`` hop: a new ``SyncToAsync`` per call, asgiref's executor, a shielded
future, the caller's context copied into the thread and back. That bookkeeping cost about as
much as a counter's whole event. Here one long-lived thread takes callables from a queue.

What the hop kept is kept (``socket/fairness.py`` runs each job, and decides which goes next):
a job runs in a copy of the caller's context; Django's database connections are checked before
and after it (``close_old_connections``, as ``database_sync_to_async`` and a request do), so
``CONN_MAX_AGE`` and a broken connection behave as on a request; and ``async_to_sync`` inside it
(``broadcast()`` in a handler, an async-only middleware) runs its coroutine on the caller's event
loop, as from asgiref's thread, and sync code that coroutine calls with ``thread_sensitive=True``
comes back to this thread.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable

from asgiref.sync import SyncToAsync


class Worker:
    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue[Callable[[], object] | None] = queue.SimpleQueue()
        self.pid = os.getpid()
        self.thread = threading.Thread(
            target=_serve, args=(self.inbox,), name="live_views-worker", daemon=True
        )
        self.thread.start()

    def submit(self, work: Callable[[], object]) -> None:
        """Run ``work`` in the thread, after what is already queued. ``work`` must not raise."""
        self.inbox.put(work)

    def stop(self) -> None:
        self.inbox.put(None)


def _serve(inbox: queue.SimpleQueue[Callable[[], object] | None]) -> None:
    # async_to_sync() in the work schedules its coroutine on this process's event loop (as from
    # asgiref's thread); the loop is set per job by fairness (the process may have several).
    SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
    while True:
        work = inbox.get()
        if work is None:
            return
        work()
        del work  # hold nothing (a queue, a page) while idle


_lock = threading.Lock()
_worker: Worker | None = None


def worker() -> Worker:
    """This process's worker (a new one after a fork: threads do not survive it)."""
    global _worker
    current = _worker
    if current is not None and current.pid == os.getpid():
        return current
    with _lock:
        if _worker is None or _worker.pid != os.getpid():
            _worker = Worker()
        return _worker


def run_blocking(work: Callable[[], object]) -> object:
    """Run ``work`` in the worker thread and wait for it (tests close its connections)."""
    done = threading.Event()
    outcome: list[object] = []

    def job() -> None:
        try:
            outcome.append(work())
        except Exception as exc:  # handed to the waiting thread
            outcome.append(exc)
        finally:
            done.set()

    worker().submit(job)
    done.wait()
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]
