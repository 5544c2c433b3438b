"""What one live component's event costs on a page of 1 and of 100 components: server CPU,
function calls, round trip and reply size (the Stepper page of tests/testapp: each component a
small template with a liveblock; stepper "a" sits beside the page's blocks, the others in a
``{% for %}`` inside the page's "list" liveblock). Three kinds of component event:

* ``inc_own``: the handler leaves the page alone: only the component renders;
* ``inc_targeted``: it changes the page's total through ``self.parent`` and names that block
  with ``self.parent.live_target("total")``: that block and the component render;
* ``inc``: it changes the page's total through ``self.parent``, unnamed: every page liveblock
  renders, the other components hand over their last render.

For contrast, a page event, which re-renders every component.

    .venv/bin/python bench/components.py

In-process (live_views.testing drives the real ASGI app, no network). Calls are counted
(Python and C calls in the worker thread that runs the event) in a separate pass, so that the
CPU time is not the profiler's: unlike time, the count does not move with the machine's load.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.LIVE_VIEWS = {"EVENT_RATE": 1_000_000, "EVENT_BURST": 1_000_000}
django.setup()

from live_views.socket.pipeline import EventRun  # noqa: E402
from live_views.testing import LiveClient  # noqa: E402

WARMUP, RUNS = 30, 200
cpu: list[float] = []  # worker-thread CPU ms of each event: handler, page get(), render, diff
calls = [0]
counting = False
_run_sync = EventRun.run_sync


def count(frame: object, event: str, arg: object) -> None:
    if event in ("call", "c_call"):
        calls[0] += 1


def timed_run_sync(self):
    if counting:
        sys.setprofile(count)
        try:
            return _run_sync(self)
        finally:
            sys.setprofile(None)
    start = time.thread_time()
    try:
        return _run_sync(self)
    finally:
        cpu.append((time.thread_time() - start) * 1000)


EventRun.run_sync = timed_run_sync


def measure(send) -> tuple[float, float, float, float]:
    """p50 server CPU ms, calls per event, p50 round trip ms, p50 reply bytes."""
    global counting
    times: list[float] = []
    sizes: list[int] = []
    cpu.clear()
    for _ in range(WARMUP + RUNS):
        start = time.perf_counter()
        reply = send()
        times.append((time.perf_counter() - start) * 1000)
        assert "error" not in reply, reply
        sizes.append(len(json.dumps(reply, separators=(",", ":"))))
    counting, calls[0] = True, 0
    try:
        for _ in range(RUNS):
            send()
    finally:
        counting = False
    return (
        statistics.median(cpu[WARMUP:]),
        calls[0] / RUNS,
        statistics.median(times[WARMUP:]),
        statistics.median(sizes[WARMUP:]),
    )


EVENTS = ("inc_own", "inc_targeted", "inc")


def main() -> None:
    client = LiveClient()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min)")
    print(
        "| event | steppers on the page | server CPU ms | calls per event | round trip ms "
        "| reply B |"
    )
    print("|---|---|---|---|---|---|")
    for name in (*EVENTS, "page event bump"):
        for count in (1, 100):
            page = client.live("/steppers/")
            # The page holds stepper "a", the ids' steppers and one form component.
            page.send("set_ids", ids=[f"s{i}" for i in range(count - 1)])
            a = page.component("a")
            if name in EVENTS:
                send = lambda a=a, name=name: a.send(name)  # noqa: E731
            else:
                send = lambda page=page: page.send("bump")  # noqa: E731
            cpu_ms, per_event, trip, size = measure(send)
            print(
                f"| {name} | {count} | {cpu_ms:.2f} | {per_event:.0f} | {trip:.2f} | {size:.0f} |"
            )
            page.close()
    client.close()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
