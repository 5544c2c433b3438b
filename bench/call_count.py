"""Deterministic cost: Python and C function calls per event and per refreshed page, counted in
every thread. Unlike timings, the count does not move with the machine's load, so it compares two
commits fairly on a busy machine (the import-free checkout is put first on sys.path):

    .venv/bin/python bench/call_count.py .              # this checkout
    .venv/bin/python bench/call_count.py ../other-tree  # another checkout, same venv
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django
from django.conf import settings

settings.DATABASES["default"] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": str(Path(tempfile.mkdtemp()) / "calls.sqlite3"),
}
UNLIMITED = 10**6
settings.LIVE_VIEWS = {
    **settings.LIVE_VIEWS,
    "EVENT_RATE": UNLIMITED,
    "EVENT_BURST": UNLIMITED,
    "MAX_CONNECTIONS_PER_SESSION": UNLIMITED,
}
ROOT = Path(sys.path[0])
if (ROOT / "tests" / "shared_urls.py").exists():
    settings.ROOT_URLCONF = "tests.shared_urls"  # tests.urls plus the live_shared_render views
django.setup()

from django.core.management import call_command  # noqa: E402

from live_views.testing import AsyncLiveClient  # noqa: E402
from tests.todoapp.models import Board, Task  # noqa: E402

calls = 0
worker_calls = 0  # in the worker threads only: the sync work, none of the test client's
MAIN = threading.get_ident()
# The test client applies each frame to its copy of the page as a browser would: parses of
# the page per frame, about 2,100 calls per event (860 before 2026-12-04) that no server makes.
# Left out, so the count stays the server's cost plus the client's socket work, as before.
try:
    from live_views.testing.dom import apply_swaps
except ImportError:  # an older checkout
    APPLY = None
else:
    APPLY = apply_swaps.__code__
applying: Any = None  # the client's apply_swaps() frame while it runs (it never awaits)


def count(frame: Any, event: str, arg: Any) -> None:
    global calls, worker_calls, applying
    main = threading.get_ident() == MAIN
    if applying is not None and main:
        if event == "return" and frame is applying:
            applying = None
        return
    if event == "call" and main and frame.f_code is APPLY:
        applying = frame
        return
    if event in ("call", "c_call"):
        calls += 1
        if not main:
            worker_calls += 1


async def per_event(client: AsyncLiveClient, path: str, event: str, **args: int) -> float:
    runs = 200
    page = await client.live(path)
    for _ in range(50):  # warm up: caches, pruned templates, worker threads
        await page.send(event, **args)
    start = calls
    for _ in range(runs):
        await page.send(event, **args)
    await page.close()
    return (calls - start) / runs


async def per_refreshed_page(
    client: AsyncLiveClient, path: str = "/todo/tasks/", pages: int = 50, saves: int = 3
) -> tuple[float, float]:
    board = await Board.objects.acreate(name="calls")
    open_pages = [await client.live(path) for _ in range(pages)]
    await Task.objects.acreate(title="warm", board=board)
    for page in open_pages:
        await page.wait_for_update(timeout=30)
    start, worker_start = calls, worker_calls
    for n in range(saves):
        await Task.objects.acreate(title=f"task {n}", board=board)
        for page in open_pages:
            await page.wait_for_update(timeout=30)
    return (calls - start) / (pages * saves), (worker_calls - worker_start) / (pages * saves)


async def main() -> None:
    client = AsyncLiveClient()
    print(f"calls per sync event      {await per_event(client, '/counter/', 'increment'):.1f}")
    print(
        f"calls per async event     {await per_event(client, '/async/', 'add_async', amount=1):.1f}"
    )
    every, worker = await per_refreshed_page(client)
    print(f"calls per refreshed page  {every:.1f} (worker thread {worker:.1f})")
    if settings.ROOT_URLCONF == "tests.shared_urls":
        every, worker = await per_refreshed_page(client, "/shared/board/", pages=200)
        print(f"  shared view, 200 pages  {every:.1f} (worker thread {worker:.1f})")


call_command("migrate", verbosity=0)
# Set before the worker threads start, so their calls count too.
threading.setprofile(count)
sys.setprofile(count)
asyncio.run(main())
