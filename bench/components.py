"""What one live component's event costs on a page of 1 and of 100 components: round trip and
reply size (the Stepper page of tests/testapp: each component a small template with a liveblock;
the event also changes a page liveblock through self.parent). For contrast, a page event, which
re-renders every component.

    .venv/bin/python bench/components.py

In-process (live_views.testing drives the real ASGI app, no network).
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
_run_sync = EventRun.run_sync


def timed_run_sync(self):
    start = time.thread_time()
    try:
        return _run_sync(self)
    finally:
        cpu.append((time.thread_time() - start) * 1000)


EventRun.run_sync = timed_run_sync


def measure(send) -> tuple[float, float, float]:
    """p50 server CPU ms, p50 round trip ms, p50 reply bytes."""
    times: list[float] = []
    sizes: list[int] = []
    cpu.clear()
    for _ in range(WARMUP + RUNS):
        start = time.perf_counter()
        reply = send()
        times.append((time.perf_counter() - start) * 1000)
        assert "error" not in reply, reply
        sizes.append(len(json.dumps(reply, separators=(",", ":"))))
    return (
        statistics.median(cpu[WARMUP:]),
        statistics.median(times[WARMUP:]),
        statistics.median(sizes[WARMUP:]),
    )


def main() -> None:
    client = LiveClient()
    rows = []
    for count in (1, 100):
        page = client.live("/steppers/")
        # The page holds stepper "a", the ids' steppers and one form component.
        page.send("set_ids", ids=[f"s{i}" for i in range(count - 1)])
        a = page.component("a")
        p50, p90, size = measure(lambda a=a: a.send("inc"))
        page_p50, page_p90, page_size = measure(lambda page=page: page.send("bump"))
        rows.append((count, p50, p90, size, page_p50, page_p90, page_size))
        page.close()
    client.close()
    print(
        "| steppers on the page | component event: server CPU ms, round trip ms, reply B "
        "| page event: server CPU ms, round trip ms, reply B |"
    )
    print("|---|---|---|")
    for count, cpu_ms, trip, size, page_cpu, page_trip, page_size in rows:
        print(
            f"| {count} | {cpu_ms:.2f}, {trip:.2f}, {size:.0f} "
            f"| {page_cpu:.2f}, {page_trip:.2f}, {page_size:.0f} |"
        )


if __name__ == "__main__":
    main()
