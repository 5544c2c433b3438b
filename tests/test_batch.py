"""Refreshes queued together share one worker-thread hop; each page still gets its own outcome."""

from __future__ import annotations

import asyncio
import threading

from live_views.socket.batch import Batcher


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
