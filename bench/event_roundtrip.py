"""Cost per event of the socket's request processing: the round trip of a counter's increment
(one small block re-rendered) and of a live form's validate, in-process.

    .venv/bin/python bench/event_roundtrip.py          # as shipped
    .venv/bin/python bench/event_roundtrip.py --ab     # also rounds without the middleware

In-process (live_views.testing drives the real ASGI app, no network), SQLite in a temp file,
the tests' settings (six middleware: security, sessions, common, CSRF, auth, messages). Runs the
two workloads in alternation, in blocks, and prints for each the median block's wall-clock p50
and CPU time per event (the process's, all threads): on a machine shared with other work the CPU
time is the steadier figure.

``--ab`` alternates each round with one where the socket skips the project's middleware
(``RequestProcessing.run`` calls the work directly, as before issue 13), in the same process, so
both see the same machine load; it prints the cost the middleware adds per event.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.mkdtemp()) / "roundtrip.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DB)}
settings.LIVE_VIEWS = {"EVENT_RATE": 1_000_000, "EVENT_BURST": 1_000_000}
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

try:
    from live_views.socket.processing import RequestProcessing
except ImportError:  # a checkout from before issue 13: no middleware on the socket to time

    class RequestProcessing:  # type: ignore[no-redef]
        def run(self, work: Any) -> Any:
            return work()


from live_views.testing import LiveClient  # noqa: E402

WARMUP, BLOCK, BLOCKS = 50, 60, 16  # events per measured block, blocks per mode


UNIT_CPU = [0.0]  # worker-thread CPU seconds spent in RequestProcessing.run (the sync hop)


def timed(run: Any) -> Any:
    def measured_run(self: RequestProcessing, work: Any) -> Any:
        start = time.thread_time()
        try:
            return run(self, work)
        finally:
            UNIT_CPU[0] += time.thread_time() - start

    return measured_run


def measure(events: int, send: object) -> tuple[float, float, float]:
    """Wall-clock p50, CPU time per event (process) and worker-thread CPU per event, in ms."""
    times = []
    cpu, UNIT_CPU[0] = time.process_time(), 0.0
    for i in range(events):
        start = time.perf_counter()
        send(i)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    process = (time.process_time() - cpu) * 1000 / events
    return statistics.median(times), process, UNIT_CPU[0] * 1000 / events


def main() -> None:
    call_command("migrate", verbosity=0)
    User.objects.create_user("alice", password="pw")
    client = LiveClient()
    client.force_login(User.objects.get(username="alice"))
    counter = client.live("/counter/")
    signup = client.live("/forms/signup/")
    form = {"email": "a@example.com", "password": "correct horse", "password2": "correct horse"}
    workloads = {
        "counter increment": lambda i: counter.send("increment"),
        "form validate": lambda i: signup.validate("username", username=f"bob{i % 2}", **form),
    }
    shipped = RequestProcessing.run
    modes = {"with middleware": timed(shipped)}
    if "--ab" in sys.argv:
        modes["without"] = timed(lambda self, work: work())
    for send in workloads.values():
        for i in range(WARMUP):
            send(i)
    # Blocks of events alternate between the modes, so both see the same load on the machine.
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(BLOCKS):
        for name, send in workloads.items():
            for mode, run in modes.items():
                RequestProcessing.run = run  # type: ignore[method-assign]
                results.setdefault((name, mode), []).append(measure(BLOCK, send))
    RequestProcessing.run = shipped  # type: ignore[method-assign]
    counter.close()
    signup.close()
    client.close()
    for (name, mode), blocks in results.items():
        print(
            f"{name:17} {mode:15}: wall p50 {statistics.median(b[0] for b in blocks):.3f} ms, "
            f"CPU {statistics.median(b[1] for b in blocks):.3f} ms per event, of which the "
            f"worker thread's hop {statistics.median(b[2] for b in blocks):.3f} ms "
            f"(medians of {BLOCKS} blocks of {BLOCK} events)"
        )
    if len(modes) == 2:
        for name in workloads:
            pairs = list(
                zip(results[name, "with middleware"], results[name, "without"], strict=True)
            )
            base = statistics.median(b[1] for b in results[name, "without"])
            for index, what in ((1, "process CPU"), (2, "worker-thread CPU")):
                added = statistics.median(with_[index] - without[index] for with_, without in pairs)
                print(
                    f"{name}: the middleware adds {added * 1000:.0f} us of {what} per event "
                    f"({added / base:+.1%} of the event's process CPU; median of paired blocks)"
                )


if __name__ == "__main__":
    main()
