"""Per-event cost of the library itself, in one process: a round trip and the server CPU of a
sync and an async counter event, a row event, and a broadcast refresh of many pages.

    .venv/bin/python bench/event_cost.py [--root PATH] [--pages 200] [--events 1000]

In-process (live_views.testing drives the real ASGI app, in-memory channel layer, SQLite in a
temp file), so it measures our code, not a network. ``--root`` runs it against another checkout
(an A/B of two commits under the same machine load: run them alternately).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
parser.add_argument("--pages", type=int, default=200)
parser.add_argument("--events", type=int, default=1000)
parser.add_argument("--fan-out-path", default="/todo/tasks/", help="/shared/board/: a shared view")
options = parser.parse_args()

sys.path.insert(0, options.root)
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
if Path(options.root, "tests", "shared_urls.py").exists():
    settings.ROOT_URLCONF = "tests.shared_urls"
settings.DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DB)}
settings.LIVE_VIEWS = {
    **settings.LIVE_VIEWS,
    "EVENT_RATE": 1_000_000,
    "EVENT_BURST": 1_000_000,
    "MAX_CONNECTIONS_PER_SESSION": 1_000_000,
}
django.setup()

from django.core.management import call_command  # noqa: E402

from live_views.testing import AsyncLiveClient  # noqa: E402
from tests.todoapp.models import Board, Task  # noqa: E402

WARMUP = 100


async def event_cost(client: AsyncLiveClient, path: str, event: str, **args: object) -> str:
    page = await client.live(path)
    times = []
    cpu_start = time.process_time()
    for i in range(WARMUP + options.events):
        start = time.perf_counter()
        await page.send(event, **args)  # type: ignore[arg-type]
        if i >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
        if i == WARMUP - 1:
            cpu_start = time.process_time()
    cpu = (time.process_time() - cpu_start) * 1000 / options.events
    await page.close()
    return f"p50 {statistics.median(times):.3f} ms, CPU {cpu:.3f} ms/event"


async def fan_out(client: AsyncLiveClient) -> str:
    board = await Board.objects.acreate(name="bench")
    pages = [await client.live(options.fan_out_path) for _ in range(options.pages)]
    runs = []
    for n in range(5):
        start, cpu_start = time.perf_counter(), time.process_time()
        # The save is published after commit (BROADCAST_MODELS): every page shows the new task.
        await Task.objects.acreate(title=f"task {n}", board=board)
        for page in pages:
            await page.wait_for_update(timeout=30)
        runs.append((time.perf_counter() - start, time.process_time() - cpu_start))
    for page in pages:
        await page.close()
    wall = statistics.median(r[0] for r in runs) * 1000
    cpu = statistics.median(r[1] for r in runs) * 1000 / options.pages
    return f"last page {wall:.1f} ms, CPU {cpu:.3f} ms/page"


async def main() -> None:
    client = AsyncLiveClient()
    print(f"sync counter event   {await event_cost(client, '/counter/', 'increment')}")
    print(f"async counter event  {await event_cost(client, '/async/', 'add_async', amount=1)}")
    print(f"fan-out to {options.fan_out_path}, {options.pages} pages  {await fan_out(client)}")


call_command("migrate", verbosity=0)
asyncio.run(main())
