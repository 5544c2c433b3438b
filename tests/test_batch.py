"""Refreshes queued together share one worker-thread hop; each page still gets its own outcome;
the slices of one burst share a database connection."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created

from live_views.socket import batch, fairness, pacing
from live_views.socket.batch import Batcher, Job


async def run_burst(batcher: Batcher, jobs: list[Job]) -> None:
    """Queue ``jobs`` together and wait until the runner has run and finished them all."""
    for job in jobs:
        batcher.queue_job(job)
    assert batcher.runner is not None
    await batcher.runner


async def test_refreshes_queued_together_run_in_one_hop_in_order():
    batcher = Batcher()
    threads: list[int] = []
    order: list[int] = []

    def work(n: int):
        def run() -> dict[str, int]:
            threads.append(threading.get_ident())
            order.append(n)
            return {"page": n}

        return run

    results = await asyncio.gather(*(batcher.run(work(n)) for n in range(50)))

    assert results == [{"page": n} for n in range(50)]
    assert order == list(range(50))
    assert len(set(threads)) == 1  # one worker thread: sync code never runs concurrently
    assert threading.get_ident() not in threads  # and never on the event loop


async def test_one_failing_refresh_fails_only_its_own_page():
    batcher = Batcher()

    def broken() -> dict[str, int]:
        raise RuntimeError("this page's view failed")

    ok, failed, also_ok = await asyncio.gather(
        batcher.run(lambda: {"page": 1}),
        batcher.run(broken),
        batcher.run(lambda: {"page": 3}),
        return_exceptions=True,
    )

    assert ok == {"page": 1}
    assert also_ok == {"page": 3}
    assert isinstance(failed, RuntimeError)


async def test_a_refresh_queued_while_a_batch_runs_runs_in_the_next_batch():
    batcher = Batcher()
    started = asyncio.Event()
    release = threading.Event()
    loop = asyncio.get_running_loop()

    def slow() -> dict[str, str]:
        loop.call_soon_threadsafe(started.set)
        release.wait(5)
        return {"page": "slow"}

    first = asyncio.create_task(batcher.run(slow))
    await started.wait()
    second = asyncio.create_task(batcher.run(lambda: {"page": "next"}))
    await asyncio.sleep(0.05)
    assert not second.done()  # waits for the running batch, then runs

    release.set()
    assert await first == {"page": "slow"}
    assert await asyncio.wait_for(second, 5) == {"page": "next"}


async def test_other_work_on_the_loop_runs_while_a_slices_frames_are_sent(monkeypatch):
    # A turn after every page here (EVERY = 0), so the test does not depend on the machine's
    # speed; in a server the loop gets a turn every few milliseconds of sending.
    monkeypatch.setattr(pacing, "EVERY", 0.0)
    batcher = Batcher()
    loop = asyncio.get_running_loop()
    order: list[str] = []

    class Page(Job):
        __slots__ = ("n",)

        def __init__(self, n: int) -> None:
            super().__init__(None)
            self.n = n

        def run(self) -> dict[str, int]:
            return {"page": self.n}

        async def finish(self, result: Any, error: BaseException | None) -> None:
            order.append(f"page {self.n}")
            if self.n == 0:  # a socket's frame arrives while the slice is being sent
                loop.call_soon(order.append, "another socket's frame")

    await run_burst(batcher, [Page(n) for n in range(20)])

    assert order.index("another socket's frame") < order.index("page 19")
    assert [step for step in order if step.startswith("page")] == [f"page {n}" for n in range(20)]


ON_MEMORY_SQLITE = (
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and settings.DATABASES["default"]["NAME"] == ":memory:"
)
needs_closing_db = pytest.mark.skipif(
    ON_MEMORY_SQLITE,
    reason="Django never closes an in-memory SQLite connection; the PostgreSQL run checks this",
)


class Query(Job):
    """A page's refresh that reads the database (``fail``: its query fails)."""

    __slots__ = ("fail", "n")

    def __init__(self, n: int, fail: bool = False) -> None:
        super().__init__(None)
        self.n, self.fail = n, fail

    def run(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            if self.fail:
                with contextlib.suppress(DatabaseError):
                    cursor.execute("SELECT * FROM no_such_table")
            cursor.execute("SELECT %s", [self.n])
            return {"page": cursor.fetchone()[0]}

    async def finish(self, result: Any, error: BaseException | None) -> None:
        assert error is None, error


@contextlib.contextmanager
def counted_connections() -> Iterator[list[int]]:
    opened: list[int] = []

    def created(sender: Any, connection: Any, **kwargs: Any) -> None:
        opened.append(threading.get_ident())

    connection_created.connect(created)
    try:
        yield opened
    finally:
        connection_created.disconnect(created)


@needs_closing_db
async def test_a_burst_over_many_slices_opens_one_database_connection(live_db, monkeypatch):
    monkeypatch.setattr(batch, "SLICE", 1e-9)  # one page per turn at the worker thread
    batcher = Batcher()
    with counted_connections() as opened:
        await run_burst(batcher, [Query(n) for n in range(6)])
        assert len(opened) == 1  # was one per slice: six
        # With CONN_MAX_AGE = 0 the burst's end lets it go: the next burst opens its own.
        await run_burst(batcher, [Query(n) for n in range(2)])
        assert len(opened) == 2


@needs_closing_db
async def test_a_connection_whose_query_failed_is_not_kept_for_the_next_slice(live_db, monkeypatch):
    monkeypatch.setattr(batch, "SLICE", 1e-9)
    with counted_connections() as opened:
        await run_burst(Batcher(), [Query(0, fail=True), Query(1), Query(2)])
    assert len(opened) == 2  # a fresh one after the failed query, then kept


async def test_an_event_between_two_slices_checks_the_connections_as_usual(monkeypatch):
    checks: list[str] = []
    monkeypatch.setattr(fairness, "close_old_connections", lambda: checks.append("full"))
    monkeypatch.setattr(fairness, "close_unhealthy_connections", lambda: checks.append("light"))

    await fairness.run_fairly(fairness.keep_connections, [])  # a slice that stops early
    await fairness.run_fairly(lambda: None, [])  # an event: not a slice of that burst
    await fairness.run_fairly(lambda: None, [], resume=True)  # the burst goes on

    assert checks == ["full", "light", "full", "full", "light", "full"]
