"""Cost per event of the socket's request processing: the round trip of a counter's increment
(one small block re-rendered) and of a live form's validate, in-process.

    .venv/bin/python bench/event_roundtrip.py          # as shipped
    .venv/bin/python bench/event_roundtrip.py --ab     # also rounds without the middleware

In-process (live_views.testing drives the real ASGI app, no network), SQLite in a temp file,
the tests' settings (six middleware: security, sessions, common, CSRF, auth, messages). Runs the
two workloads in alternation, ROUNDS times, and prints for each the best round's wall-clock p50
and the best round's CPU time per event (the process's, all threads): on a machine shared with
other work the CPU time is the steadier figure.

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

from live_views.socket.processing import RequestProcessing  # noqa: E402
from live_views.testing import LiveClient  # noqa: E402

WARMUP, RUNS, ROUNDS = 50, 300, 5


def measure(run: int, send: object) -> tuple[float, float]:
    """Wall-clock p50 and CPU time per event, in ms."""
    times = []
    for i in range(WARMUP):
        send(i)  # type: ignore[operator]
    cpu = time.process_time()
    for i in range(run):
        start = time.perf_counter()
        send(i)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), (time.process_time() - cpu) * 1000 / run


def main() -> None:
    call_command("migrate", verbosity=0)
    User.objects.create_user("alice", password="pw")
    client = LiveClient()
    client.force_login(User.objects.get(username="alice"))
    counter = client.live("/counter/")
    signup = client.live("/forms/signup/")
    form = {"email": "a@example.com", "password": "correct horse", "password2": "correct horse"}
    modes = {"with middleware": RequestProcessing.run}
    if "--ab" in sys.argv:
        modes["without"] = lambda self, work: work()
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(ROUNDS):
        for mode, run in modes.items():
            RequestProcessing.run = run  # type: ignore[method-assign]
            results.setdefault(("counter increment", mode), []).append(
                measure(RUNS, lambda i: counter.send("increment"))
            )
            results.setdefault(("form validate", mode), []).append(
                measure(RUNS, lambda i: signup.validate("username", username=f"bob{i % 2}", **form))
            )
    RequestProcessing.run = modes["with middleware"]  # type: ignore[method-assign]
    counter.close()
    signup.close()
    client.close()
    for (name, mode), rounds in results.items():
        print(
            f"{name:17} {mode:15}: wall p50 {min(r[0] for r in rounds):.3f} ms, "
            f"CPU {min(r[1] for r in rounds):.3f} ms per event (best of {ROUNDS} rounds)"
        )
    if len(modes) == 2:
        for name in ("counter increment", "form validate"):
            cpu = {mode: min(r[1] for r in results[name, mode]) for mode in modes}
            added = cpu["with middleware"] - cpu["without"]
            print(
                f"{name}: the middleware adds {added * 1000:.0f} us CPU per event "
                f"({added / cpu['without']:+.1%})"
            )


if __name__ == "__main__":
    main()
