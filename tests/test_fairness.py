"""Turns at the worker thread: a page that asks little never waits behind the queue of a page
that asks a lot, for longer than the one job already running."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
import time
from collections.abc import Iterator
from functools import partial
from unittest import mock

import pytest
from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async

from live_views.socket.fairness import FairQueue, Usage
from live_views.testing import AsyncLiveClient
from tests.live_helpers import TrackingLiveClient, count, until
from tests.testapp import work_views


def used(seconds: float) -> Usage:
    usage = Usage()
    usage.add(seconds, usage.at)
    return usage


async def hold_the_thread(
    queue: FairQueue, place: list[Usage]
) -> tuple[asyncio.Task[None], threading.Event]:
    """A job of ``queue`` holding the worker thread (running) until the event is set."""
    release = threading.Event()
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    def hold() -> None:
        loop.call_soon_threadsafe(started.set)
        release.wait(5)

    running = asyncio.create_task(queue.run(hold, place))
    await started.wait()
    return running, release


async def test_the_least_used_waiter_goes_first_and_equals_keep_their_order():
    queue = FairQueue()
    order: list[str] = []

    def job(name: str):
        return lambda: order.append(name)

    running, release = await hold_the_thread(queue, [used(0)])
    heavy = [asyncio.create_task(queue.run(job(f"heavy{n}"), [used(0.5)])) for n in range(3)]
    await asyncio.sleep(0.01)
    light = [asyncio.create_task(queue.run(job(f"light{n}"), [used(0.001)])) for n in range(2)]
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(running, *heavy, *light)

    assert order == ["light0", "light1", "heavy0", "heavy1", "heavy2"]


async def test_the_time_a_job_used_is_charged_even_when_it_raised():
    queue = FairQueue()
    charged: list[float] = []

    def fail() -> None:
        until = time.thread_time() + 0.02
        while time.thread_time() < until:
            pass
        raise RuntimeError("the handler failed")

    with pytest.raises(RuntimeError):
        await queue.run(fail, [], charged.append)
    assert charged
    assert charged[0] >= 0.02
    assert await queue.run(lambda: 42, []) == 42  # the turn was passed on


async def test_a_cancelled_waiter_does_not_stall_the_queue():
    queue = FairQueue()
    release = threading.Event()
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    def hold() -> None:
        loop.call_soon_threadsafe(started.set)
        release.wait(5)

    running = asyncio.create_task(queue.run(hold, []))
    await started.wait()
    gone = asyncio.create_task(queue.run(lambda: "gone", []))
    after = asyncio.create_task(queue.run(lambda: "after", []))
    await asyncio.sleep(0.01)
    gone.cancel()
    release.set()
    assert await asyncio.wait_for(after, 5) == "after"
    await running
    assert not queue.busy


# -- through the real consumer ----------------------------------------------------------------


@pytest.fixture
def live_client(settings) -> Iterator[TrackingLiveClient]:
    settings.LIVE_VIEWS = {"EVENT_RATE": None}  # the order of turns, not the budget
    work_views.ran.clear()
    work_views.released.clear()
    live_client = TrackingLiveClient()
    yield live_client
    work_views.released.set()
    live_client.close()


def test_a_light_pages_event_goes_before_the_queued_events_of_heavy_pages(live_client):
    # Three pages that have used a lot of server time lately, each with an event queued; then an
    # event of a page that has not. The worker thread is shared by every page of the process:
    # first come, first served, the light event would wait for all three heavy ones.
    heavy = [live_client.live("/work/") for _ in range(3)]
    light, holder = live_client.live("/work/"), live_client.live("/work/")
    for n, page in enumerate(heavy):
        page.send("burn", ms=40, label=f"warm{n}")
    holder.send_frame({"event": "hold", "ref": 1})
    until(lambda: "hold" in work_views.ran, "the held event runs")
    for n, page in enumerate(heavy):
        page.send_frame({"event": "burn", "args": {"ms": 5, "label": f"heavy{n}"}, "ref": 2})
    time.sleep(0.2)  # the heavy events wait for the held thread
    light.send_frame({"event": "tick", "args": {"label": "light"}, "ref": 2})
    time.sleep(0.1)

    work_views.released.set()
    for page in [holder, *heavy, light]:
        assert "error" not in page.receive(timeout=5)
    after_hold = work_views.ran[work_views.ran.index("hold") + 1 :]
    assert after_hold[0] == "light", after_hold
    assert sorted(after_hold[1:]) == ["heavy0", "heavy1", "heavy2"]
    assert count(light) == 1


BUSY = 40


async def test_a_plain_page_is_answered_while_many_pages_events_wait_for_the_thread(settings):
    # Forty pages each with a 10 ms event queued behind a held worker thread, then a request
    # for a page that is not live. Its middleware and view hop to the same thread one step at a
    # time; each step waits for a page event or two (as the event loop comes round to ask for
    # the next step), not for all forty to be done.
    settings.LIVE_VIEWS = {"EVENT_RATE": None}
    work_views.ran.clear()
    work_views.released.clear()
    client = AsyncLiveClient()
    holder = await client.live("/work/")
    busy = [await client.live("/work/") for _ in range(BUSY)]
    try:
        await holder.send_frame({"event": "hold", "ref": 1})
        while "hold" not in work_views.ran:
            await asyncio.sleep(0.005)
        for n, page in enumerate(busy):
            await page.send_frame(
                {"event": "burn", "args": {"ms": 10, "label": f"busy{n}"}, "ref": 1}
            )
        await asyncio.sleep(0.2)  # all forty wait for the held thread
        request = asyncio.create_task(client.get("/work/plain/"))
        await asyncio.sleep(0.1)
        work_views.released.set()
        response = await asyncio.wait_for(request, 10)
        for page in [holder, *busy]:
            assert "error" not in await page.receive(timeout=5)
    finally:
        work_views.released.set()
        for page in [holder, *busy]:
            await page.close()

    assert response.content == b"plain"
    busy_labels = [f"busy{n}" for n in range(BUSY)]
    # A page event or two per step of the request went first (it took 10 to 19 of them, over
    # runs, with twenty waiting); the rest after it. Before, the request's first step waited
    # until all of them were done.
    after = work_views.ran[work_views.ran.index("plain request") + 1 :]
    assert len(after) >= BUSY // 4, work_views.ran
    assert sorted(work_views.ran) == sorted(["hold", "plain request", *busy_labels])


# -- the worker thread at the boundaries of a job ----------------------------------------------


async def test_async_to_sync_in_a_job_runs_on_the_callers_event_loop():
    # A sync handler's broadcast() sends through async_to_sync: on the page's own loop, where
    # the channel layer lives, and sync code that coroutine calls comes back to the same thread.
    loop = asyncio.get_running_loop()

    async def where() -> tuple[bool, int]:
        inner = await sync_to_async(threading.get_ident, thread_sensitive=True)()
        return asyncio.get_running_loop() is loop, inner

    def job() -> tuple[bool, int, int]:
        on_loop, inner = async_to_sync(where)()
        return on_loop, inner, threading.get_ident()

    on_loop, inner, outer = await FairQueue().run(job, [])
    assert on_loop
    assert inner == outer


async def test_a_job_sees_its_callers_context_and_its_changes_stay_its_own():
    seen: contextvars.ContextVar[str] = contextvars.ContextVar("seen", default="none")
    queue = FairQueue()
    seen.set("page one")

    def change() -> str:
        before = seen.get()
        seen.set("changed in the thread")
        return before

    assert await queue.run(change, []) == "page one"
    assert seen.get() == "page one"
    assert await queue.run(seen.get, []) == "page one"


async def test_the_orms_async_calls_wait_for_the_pages_work_and_run_in_its_thread():
    # Model.objects.acreate() in an async handler (or a test) goes through sync_to_async: it
    # must never run beside a page's handler or render (SQLite's shared test database refuses
    # that), so both use the one thread-sensitive thread, one at a time.
    queue = FairQueue()
    release = threading.Event()
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    def hold() -> int:
        loop.call_soon_threadsafe(started.set)
        release.wait(5)
        return threading.get_ident()

    running = asyncio.create_task(queue.run(hold, []))
    await started.wait()
    orm_call = asyncio.create_task(sync_to_async(threading.get_ident)())
    await asyncio.sleep(0.05)
    assert not orm_call.done()
    release.set()
    assert await orm_call == await running


async def test_work_waiting_for_the_thread_outside_the_queue_goes_before_the_next_page_job():
    # A request's middleware and view and the ORM's async calls wait for the same thread in
    # asgiref's own queue. Once the thread has run page jobs for STREAK (the held one here), the
    # next page job goes behind them: they do not wait until no page has work queued.
    queue = FairQueue()
    order: list[str] = []
    running, release = await hold_the_thread(queue, [])
    pages = [
        asyncio.create_task(queue.run(partial(order.append, f"page{n}"), [])) for n in range(3)
    ]
    await asyncio.sleep(0.01)
    orm_call = asyncio.create_task(sync_to_async(order.append)("orm"))
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(running, *pages, orm_call)

    assert order == ["orm", "page0", "page1", "page2"]


async def test_results_come_back_without_an_eventfd_too(monkeypatch):
    # Not Linux (or a loop that cannot watch a descriptor): call_soon_threadsafe hands them back.
    monkeypatch.delattr("os.eventfd", raising=False)
    queue = FairQueue()
    assert await queue.run(lambda: 42, []) == 42
    assert queue.handoff is not None
    assert queue.handoff.fd is None

    def fail() -> None:
        raise RuntimeError("the handler failed")

    with pytest.raises(RuntimeError):
        await queue.run(fail, [])


def test_a_job_in_a_fresh_worker_thread_still_sends_on_the_callers_loop():
    # The first job of a process may be the thread's first work at all: no hop of asgiref's own
    # has recorded the loop there yet.
    def job() -> bool:
        return async_to_sync(where_am_i)() is loop

    async def where_am_i() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    async def main() -> bool:
        return await FairQueue().run(job, [])

    loop = asyncio.new_event_loop()
    fresh = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        with mock.patch.object(SyncToAsync, "single_thread_executor", fresh):
            assert loop.run_until_complete(main())
    finally:
        loop.close()
        fresh.shutdown()


async def test_a_failing_connection_check_fails_the_job_and_passes_the_turn(monkeypatch):
    checks = iter([RuntimeError("the database went away")])

    def check() -> None:
        error = next(checks, None)
        if error is not None:
            raise error

    monkeypatch.setattr("live_views.socket.fairness.close_old_connections", check)
    queue = FairQueue()
    with pytest.raises(RuntimeError, match="went away"):
        await queue.run(lambda: "never", [])
    assert await queue.run(lambda: "next", []) == "next"
    assert not queue.busy
