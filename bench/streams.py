"""What one stream insert costs against the stream's length, and what a page with a long stream
costs in server memory (issue 17).

    .venv/bin/python bench/streams.py [--quick]

In-process: live_views.testing drives the real ASGI app (no network), on the test suite's
``/messages/?n=N`` page (tests/todoapp/stream_views.py: a stream of N messages, keyed by id).
For N = 100, 10,000 and 100,000 it loads the page and joins (three pages open at once), then
times inserts of one message into each, round-robin:
  payload   the frame's `content` bytes, and the whole JSON frame
  server    CPU of the event's one worker-thread hop (EventRun.run_sync: handler + render), per
            insert, from time.thread_time() in that thread
  round     process CPU per insert for the whole in-process round trip (client included)
Memory: traced Python memory (tracemalloc) per open, joined page, for pages whose stream was
sent 10,000 items versus pages with an empty stream; the client keeps no copy of the pages.
"""

from __future__ import annotations

import gc
import html
import json
import os
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django
from django.conf import settings
from django.test.utils import override_settings

settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "EVENT_RATE": None, "EVENT_BURST": None}
django.setup()

from live_views.socket import pipeline  # noqa: E402
from live_views.testing import LiveClient, LivePage  # noqa: E402

QUICK = "--quick" in sys.argv
WARMUP, RUNS = (5, 30) if QUICK else (20, 200)
PAGES = 3 if QUICK else 10
SOCKET_RE = re.compile(r'hx-ws:connect="([^"]+)"')
VERSION_RE = re.compile(r'id="(lv-[^"]+)" data-lv-v="([^"]*)"')

server_cpu: list[float] = []
_run_sync = pipeline.EventRun.run_sync


def timed_run_sync(self: pipeline.EventRun) -> dict:
    start = time.thread_time()
    try:
        return _run_sync(self)
    finally:
        server_cpu.append(time.thread_time() - start)


pipeline.EventRun.run_sync = timed_run_sync  # type: ignore[method-assign]


def open_page(client: LiveClient, count: int) -> LivePage:
    """A joined page on /messages/?n=count, the client holding only its blocks' versions."""
    body = client.get(f"/messages/?n={count}").content.decode()
    url = html.unescape(SOCKET_RE.search(body).group(1))
    versions = "".join(f'<i id="{i}" data-lv-v="{v}"></i>' for i, v in VERSION_RE.findall(body))
    del body
    page = client.open_socket(url, versions)
    client._run(page._page.join())
    return page


def insert_costs(sizes: tuple[int, ...]) -> list[str]:
    """One page per size, open together; inserts go round-robin over them so that the load of
    a shared machine falls on every size alike."""
    client = LiveClient()
    pages = {count: open_page(client, count) for count in sizes}
    gc.collect()  # the page loads' garbage (N rendered items each) is not the inserts' cost
    samples: dict[int, dict[str, list[float]]] = {
        count: {"content": [], "frame": [], "server": [], "round": []} for count in sizes
    }
    for i in range(WARMUP + RUNS):
        for count, page in pages.items():
            server_cpu.clear()
            start = time.process_time()
            reply = page.send("add", id=count + i + 1, text="x" * 40)
            spent = time.process_time() - start
            page._page.html = ""
            page._page.frames.clear()
            if i < WARMUP:
                continue
            sample = samples[count]
            sample["content"].append(len(reply["content"].encode()))
            sample["frame"].append(len(json.dumps(reply).encode()))
            sample["server"].append(server_cpu[0])
            sample["round"].append(spent)
    for page in pages.values():
        page.close()
    client.close()
    rows = []
    for count, sample in samples.items():
        content, frame = (statistics.median(sample[key]) for key in ("content", "frame"))
        server, spent = (statistics.median(sample[key]) * 1e6 for key in ("server", "round"))
        rows.append(f"| {count:,} | {content:.0f} | {frame:.0f} | {server:.0f} | {spent:.0f} |")
    return rows


def memory_per_page(count: int) -> float:
    client = LiveClient()
    pages = []
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(PAGES):
        page = open_page(client, count)
        page._page.frames.clear()
        page._page.html = ""
        pages.append(page)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for page in pages:
        page.close()
    client.close()
    return (after - before) / PAGES


def main() -> None:
    with override_settings(DEBUG=False, ROOT_URLCONF="tests.todoapp.stream_views"):
        print(f"runs: {WARMUP} warm-up + {RUNS} measured inserts per size (median shown)\n")
        print("| items | content bytes | frame bytes | server CPU µs | round trip CPU µs |")
        print("|---:|---:|---:|---:|---:|")
        print("\n".join(insert_costs((100, 10_000, 100_000))), flush=True)
        empty = memory_per_page(0)
        full = memory_per_page(10_000)
        print(f"\nserver memory per page ({PAGES} pages each, tracemalloc):")
        print(f"  empty stream:        {empty / 1024:.1f} KiB")
        difference = (full - empty) / 1024
        print(f"  10,000-item stream:  {full / 1024:.1f} KiB  (difference {difference:+.1f} KiB)")


if __name__ == "__main__":
    main()
