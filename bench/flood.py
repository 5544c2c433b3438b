"""Flood benchmark (issue 14): can five heavy sockets starve an honest page?

A benchmark, not a test: it prints figures and stops by itself (about 30-60 s). It starts the
sample site under uvicorn on 127.0.0.1 (DEBUG off, a private SQLite file with a 1,000-row todo
list, default LIVE_VIEWS limits), then:

- five attacker sockets without a session, from 127.0.0.2, each send EVENTS valid ``toggle``
  events on the todo list back to back (pipelined, without waiting for replies). Each toggle is
  a save that re-renders the 1,000-row list of every open todo page;
- one honest page (the counter, from 127.0.0.1) sends one event at a time and measures each
  round trip, first on the idle server, then for as long as the flood lasts;
- meanwhile an honest visitor loads the home page (``GET /``, not live) every 50 ms, timed the
  same way: its middleware and view take turns at the worker thread with the sockets' work.

    .venv/bin/python bench/flood.py                      # this checkout
    .venv/bin/python bench/flood.py --source /tmp/base   # another checkout (e.g. `git archive`)

The goal (issue 14, item 4): the honest page's p50 under 50 ms and p95 under 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.client
import json
import os
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

from sample_server import SampleServer
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

HERE = Path(__file__).resolve().parent
CONNECT_URL = re.compile(r'hx-ws:connect="([^"]+)"')
PROTOCOL_VERSION = re.compile(r'data-live-version="([^"]+)"')
BLOCK_VERSION = re.compile(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"')
HONEST_ADDRESS, ATTACKER_ADDRESS = "127.0.0.1", "127.0.0.2"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def get(port: int, path: str, address: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(address, 0))
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        cookies = "; ".join(
            value.split(";", 1)[0] for key, value in response.getheaders() if key == "Set-Cookie"
        )
        return response.status, body, cookies
    finally:
        conn.close()


class Page:
    def __init__(self, port: int, path: str, address: str) -> None:
        self.port, self.path, self.address = port, path, address
        self.ws: Any = None
        self.doc = ""

    async def open(self) -> None:
        _, self.doc, cookie = await asyncio.to_thread(get, self.port, self.path, self.address)
        url = CONNECT_URL.search(self.doc)
        version = PROTOCOL_VERSION.search(self.doc)
        if url is None or version is None:
            raise SystemExit(f"{self.path} is not a live page")
        headers = {"Origin": f"http://127.0.0.1:{self.port}"}
        if cookie:
            headers["Cookie"] = cookie
        self.ws = await connect(
            f"ws://127.0.0.1:{self.port}{html.unescape(url.group(1))}",
            additional_headers=headers,
            proxy=None,
            local_addr=(self.address, 0),
            max_size=2**24,
            max_queue=None,
            close_timeout=1,
            ping_interval=None,  # a starved client must not close its own socket (1011)
        )
        blocks = dict(BLOCK_VERSION.findall(self.doc))
        await self.ws.send(json.dumps({"join": {"version": version.group(1), "blocks": blocks}}))
        while "joined" not in json.loads(await self.ws.recv()):
            pass

    def pks(self) -> list[int]:
        return [int(pk) for pk in re.findall(r'"pk":\s*(\d+)', html.unescape(self.doc))]


async def attack(page: Page, events: int, outcome: dict[str, int]) -> None:
    pks = page.pks()
    assert pks, "no rows on the todo page"
    refs = set(range(1, events + 1))

    def count(what: str) -> None:
        outcome[what] = outcome.get(what, 0) + 1

    async def read() -> None:
        while refs:
            frame = json.loads(await page.ws.recv())
            ref = frame.get("ref")
            if ref in refs:
                refs.discard(ref)
                count(frame.get("error", {}).get("code", "ok"))

    # Read while sending: a client that stops reading stops answering the server's pings.
    reader = asyncio.create_task(read())
    try:
        for ref in range(1, events + 1):
            frame = {"event": "toggle", "args": {"pk": random.choice(pks)}, "ref": ref}
            await page.ws.send(json.dumps(frame))
        await asyncio.wait_for(reader, 120)
    except ConnectionClosed:
        count(f"closed {page.ws.close_code}")
    except TimeoutError:
        count("no reply in 120 s")
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
            await reader
    if page.ws.close_code is not None and f"closed {page.ws.close_code}" not in outcome:
        count(f"closed {page.ws.close_code}")


async def round_trips(page: Page, until: asyncio.Future[Any] | None, count: int) -> list[float]:
    took: list[float] = []
    ref = 10_000 * (1 + random.randrange(100))
    while (until is None and len(took) < count) or (until is not None and not until.done()):
        ref += 1
        started = time.perf_counter()
        await page.ws.send(json.dumps({"event": "increment", "args": {}, "ref": ref}))
        while json.loads(await page.ws.recv()).get("ref") != ref:
            pass
        took.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.02)
    return took


async def page_loads(port: int, until: asyncio.Future[Any] | None, count: int) -> list[float]:
    """Times of GET / (the home page, not live: Django's middleware and a TemplateView, whose
    sync steps take turns at the worker thread with the pages' work)."""
    took: list[float] = []
    while (until is None and len(took) < count) or (until is not None and not until.done()):
        started = time.perf_counter()
        status, _, _ = await asyncio.to_thread(get, port, "/", HONEST_ADDRESS)
        if status != 200:
            raise SystemExit(f"GET / answered {status}")
        took.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.05)
    return took


async def measure(port: int, sockets: int, events: int) -> dict[str, Any]:
    honest = Page(port, "/counter/", HONEST_ADDRESS)
    await honest.open()
    idle = await round_trips(honest, None, 50)
    idle_loads = await page_loads(port, None, 30)
    attackers = [Page(port, "/todos/", ATTACKER_ADDRESS) for _ in range(sockets)]
    await asyncio.gather(*(page.open() for page in attackers))
    outcome: dict[str, int] = {}
    started = time.monotonic()
    flood = asyncio.gather(*(attack(page, events, outcome) for page in attackers))
    under, under_loads = await asyncio.gather(
        round_trips(honest, flood, 0), page_loads(port, flood, 0)
    )
    await flood
    return {
        "idle": idle,
        "under": under,
        "idle_loads": idle_loads,
        "under_loads": under_loads,
        "outcome": outcome,
        "seconds": time.monotonic() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=HERE.parent, help="checkout to serve")
    parser.add_argument("--sockets", type=int, default=5)
    parser.add_argument("--events", type=int, default=150, help="events each attacker sends")
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    fill = (
        "from demo.models import Todo\n"
        f"Todo.objects.bulk_create(Todo(title=f'todo {{n}}') for n in range({args.rows}))"
    )
    site = SampleServer(args.source.resolve(), setup=fill, uvicorn=("--ws-max-size", "65536"))
    with site as server:
        assert server.process is not None
        before = cpu_seconds(server.process.pid)
        figures = asyncio.run(measure(server.port, args.sockets, args.events))
        cpu = cpu_seconds(server.process.pid) - before
    idle, under = figures["idle"], figures["under"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"source: {args.source.resolve()}  (load average after the run: {load})")
    print(
        f"flood: {args.sockets} sockets x {args.events} pipelined toggles on {args.rows} rows, "
        f"lasted {figures['seconds']:.1f} s, server CPU {cpu:.1f} s"
    )
    print(f"attackers' replies: {dict(sorted(figures['outcome'].items()))}")
    print(
        f"honest page idle:        p50 {statistics.median(idle):7.1f} ms  "
        f"p95 {percentile(idle, 0.95):7.1f} ms  (n={len(idle)})"
    )
    if under:
        print(
            f"honest page under flood: p50 {statistics.median(under):7.1f} ms  "
            f"p95 {percentile(under, 0.95):7.1f} ms  max {max(under):7.1f} ms  (n={len(under)})"
        )
    loads, under_loads = figures["idle_loads"], figures["under_loads"]
    print(
        f"GET / (not live) idle:   p50 {statistics.median(loads):7.1f} ms  "
        f"p95 {percentile(loads, 0.95):7.1f} ms  (n={len(loads)})"
    )
    if under_loads:
        print(
            f"GET / under flood:       p50 {statistics.median(under_loads):7.1f} ms  "
            f"p95 {percentile(under_loads, 0.95):7.1f} ms  max {max(under_loads):7.1f} ms  "
            f"(n={len(under_loads)})"
        )
    goal = bool(under) and statistics.median(under) < 50 and percentile(under, 0.95) < 200
    print(f"goal (p50 < 50 ms, p95 < 200 ms): {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
