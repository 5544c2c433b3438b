"""The background sender: a save hands its layer message off and returns at once."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from live_views.pubsub import sender as sender_module
from live_views.pubsub.sender import BackgroundSender
from tests.live_helpers import until


def test_submit_returns_at_once_while_the_send_waits(caplog):
    sender = BackgroundSender()
    started, finish = threading.Event(), threading.Event()

    async def hung() -> None:
        started.set()
        while not finish.is_set():
            await asyncio.sleep(0.01)

    before = time.monotonic()
    assert sender.submit(hung, "a test message") is True
    assert time.monotonic() - before < 0.1
    assert started.wait(5)
    assert not sender.idle()
    finish.set()
    until(sender.idle, "the sender idle")


def test_a_failed_send_is_logged(caplog):
    sender = BackgroundSender()
    done = threading.Event()

    async def failing() -> None:
        done.set()
        raise ConnectionError("redis is down")

    with caplog.at_level(logging.WARNING, logger="live_views"):
        sender.submit(failing, "live.broadcast to ['news']")
        assert done.wait(5)
        until(sender.idle, "the sender idle")
    assert "could not broadcast live.broadcast to ['news']" in caplog.text


def test_sends_over_the_bound_are_dropped_and_logged(monkeypatch, caplog):
    monkeypatch.setattr(sender_module, "MAX_PENDING", 2)
    sender = BackgroundSender()
    finish = threading.Event()

    async def hung() -> None:
        while not finish.is_set():
            await asyncio.sleep(0.01)

    with caplog.at_level(logging.WARNING, logger="live_views"):
        assert sender.submit(hung, "first")
        assert sender.submit(hung, "second")
        assert not sender.submit(hung, "third")
    assert "dropped third: 2 broadcasts already wait" in caplog.text
    finish.set()


async def test_in_a_worker_thread_the_send_runs_on_the_servers_loop():
    # Where the in-memory layer's queues live: the loop whose worker thread saved.
    from asgiref.sync import sync_to_async

    sender = BackgroundSender()
    ran_on: list[asyncio.AbstractEventLoop] = []
    sent = asyncio.Event()

    async def record() -> None:
        ran_on.append(asyncio.get_running_loop())
        sent.set()

    await sync_to_async(lambda: sender.submit(record, "x"), thread_sensitive=True)()
    await asyncio.wait_for(sent.wait(), 5)
    assert ran_on == [asyncio.get_running_loop()]
    assert sender.loop is None  # no background loop was needed


def test_a_script_that_saves_and_exits_sends_its_broadcasts_first(tmp_path):
    # A management command or script has no server loop: the message leaves from the sender's
    # own loop, and the process waits for it at exit (within the bound).
    import subprocess
    import sys

    marker = tmp_path / "sent"
    script = f"""
import asyncio
from live_views.pubsub.sender import sender

async def slow_send():
    await asyncio.sleep(0.3)
    open({str(marker)!r}, "w").write("sent")

sender.submit(slow_send, "a test message")
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=30)
    assert marker.read_text() == "sent"


def test_sends_left_on_a_stopped_loop_stop_counting_against_the_bound(monkeypatch):
    # A loop that stops with sends under way (a test client's, a server shutting down) never
    # finishes them: they must not fill the bound for good, or every later save's broadcast
    # would be dropped.
    monkeypatch.setattr(sender_module, "MAX_PENDING", 2)
    sender = BackgroundSender()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    monkeypatch.setattr(sender_module, "server_loop", lambda: loop)

    async def hung() -> None:
        await asyncio.sleep(60)

    assert sender.submit(hung, "first")
    assert sender.submit(hung, "second")
    assert not sender.submit(hung, "third")
    until(lambda: len(sender.tasks) >= 2, "both sends pending")
    left = set(sender.tasks)  # kept, so they are not garbage-collected while pending
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)

    monkeypatch.setattr(sender_module, "server_loop", lambda: None)
    sent = threading.Event()

    async def quick() -> None:
        sent.set()

    assert sender.submit(quick, "after the loop stopped")
    assert sent.wait(5)
    for task in left:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
    loop.close()
