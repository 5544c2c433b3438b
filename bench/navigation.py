"""What navigation from the server costs: an event, a live_patch() event and a Back/Forward
(params frame) on the catalog page of tests/testapp, round trip p50/p90.

    .venv/bin/python bench/navigation.py

In-process (live_views.testing drives the real ASGI app, no network).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django
from django.conf import settings

settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "EVENT_RATE": None, "EVENT_BURST": None}
django.setup()

from live_views.testing import LiveClient  # noqa: E402

WARMUP, RUNS = 20, 300


def measure(label: str, step: Callable[[int], object]) -> None:
    for i in range(WARMUP):
        step(i)
    samples = []
    for i in range(RUNS):
        start = time.perf_counter()
        step(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        f"{label}: p50 {statistics.median(samples):.2f} ms, p90 {samples[int(RUNS * 0.9)]:.2f} ms"
    )


def main() -> None:
    client = LiveClient()
    page = client.live("/catalog/")

    def back_or_forward(i: int) -> None:
        page.send_frame({"params": f"?page={i % 2 + 2}", "ref": 10**6 + i})
        page.receive()

    measure("event that re-renders the list", lambda i: page.send("save", text=f"m{i}"))
    measure("live_patch() event (next page)", lambda i: page.send("goto", page=i % 2 + 2))
    measure("Back/Forward (params frame)", back_or_forward)
    page.close()
    client.close()


if __name__ == "__main__":
    main()
