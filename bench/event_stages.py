"""Where a counter event's server time goes, stage by stage, in real time: the bench app's
``/counter/`` in one process (live_views.testing over the real ASGI app, no network), with a
timer around each stage, events one at a time.

    bench/.work/venvs/live_views/bin/python bench/event_stages.py [--source DIR] [--events 2000]

cProfile charges its own overhead to every call (about 1 µs here), so our many small functions
look 2-3 times their cost beside Django's fewer, larger ones; a timer around a stage costs one
clock read on each side. Each line is the median of the stage's times, times its calls per
event; stages nest (the worker's job holds the middleware, which holds the event's render). The
timers add a few µs to the stages that hold them. Needs ``bench/.work`` (``make bench``, or
``run.assemble()`` and ``run.migrate()``), for the bench app; ``--source`` times another
checkout (e.g. ``git archive main``). An A/B runs the two alternately, as counter_ab.py does.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
APP = BENCH / ".work" / "apps" / "live_views"

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
parser.add_argument("--source", type=Path, default=BENCH.parent, help="the checkout to time")
parser.add_argument("--events", type=int, default=2000)
options = parser.parse_args()

sys.path[:0] = [str(options.source.resolve()), str(APP)]
os.chdir(APP)
os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"
os.environ["BENCH_DB"] = str(Path(tempfile.mkdtemp()) / "stages.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host

import django.http.response  # noqa: E402
import django.middleware.common  # noqa: E402
import django.middleware.csrf  # noqa: E402
import django.template.base  # noqa: E402
from django.utils import translation  # noqa: E402

import live_views  # noqa: E402
from live_views import views  # noqa: E402
from live_views.render import diff, pruning  # noqa: E402
from live_views.socket import budgets, fairness, pipeline, processing, protocol  # noqa: E402
from live_views.testing import AsyncLiveClient  # noqa: E402

# The venv's editable install is this checkout: the one asked for must come first.
assert Path(live_views.__file__).is_relative_to(options.source.resolve()), live_views.__file__

times: dict[str, list[int]] = collections.defaultdict(list)


def timed(owner: Any, name: str, label: str) -> None:
    function = getattr(owner, name)
    clock = time.perf_counter_ns
    record = times[label].append

    def timer(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            record(clock() - start)

    setattr(owner, name, timer)


# (where the name is looked up, the name, what the line says); ours unless it says Django.
STAGES = [
    (protocol, "parse_frame", "loop: parse the frame"),
    (budgets.SocketBudget, "admit", "loop: the socket's budget (admit)"),
    (pipeline.EventRun, "__init__", "loop: find the handler, coerce its arguments"),
    (protocol, "encode", "loop: encode the reply"),
    (fairness, "_run", "worker: the job (fairness._run)"),
    (fairness, "_check_connections", "worker: Django: connection checks, before and after"),
    (processing.RequestProcessing, "run", "worker: the page's request processing"),
    (processing, "set_script_prefix", "worker: Django: set_script_prefix"),
    (
        django.middleware.common.CommonMiddleware,
        "process_request",
        "worker: Django: CommonMiddleware.process_request",
    ),
    (processing.SocketHandler, "_get_response", "worker: below the middleware"),
    (processing.RequestProcessing, "resolve", "worker: resolve the page's URL (cached)"),
    (translation, "get_language", "worker: Django: get_language (for the URL cache)"),
    (django.http.response.HttpResponse, "__init__", "worker: Django: HttpResponse()"),
    (pipeline.EventRun, "finish", "worker: render and build the frame (finish)"),
    (views.LiveViewMixin, "refresh_live_context", "worker: Django: the view's get() again"),
    (views.LiveViewMixin, "get_live_template", "worker: Django: select the template"),
    (diff, "render_liveblocks", "worker: render the liveblocks"),
    (pruning, "make_context", "worker: Django: make_context (context processors)"),
    (django.template.base, "localize", "worker: Django: localize a number"),
    (diff.BlockDiff, "take_changes", "worker: the diff (take_changes)"),
]


async def main() -> None:
    for owner, name, label in STAGES:
        timed(owner, name, label)
    client = AsyncLiveClient()
    page = await client.live("/counter/")
    for _ in range(200):  # warm up: caches, pruned templates, the worker thread
        await page.send("increment")
    for spans in times.values():
        spans.clear()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(options.events):
        await page.send("increment")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await page.close()
    print(
        f"{options.source}: {options.events} counter events, load {os.getloadavg()[0]:.2f}; "
        f"per event {wall / options.events * 1e6:.0f} µs wall, "
        f"{cpu / options.events * 1e6:.0f} µs CPU (the in-process client's included)"
    )
    print("  µs/event  calls/event  stage")
    for _, _, label in STAGES:
        spans = times.get(label)
        if spans:
            per_event = len(spans) / options.events
            micros = statistics.median(spans) / 1000 * per_event
            print(f"  {micros:8.1f}  {per_event:11.1f}  {label}")


call_command("migrate", verbosity=0)
asyncio.run(main())
