"""bench/extra.py's ``under_load`` phase (issue 21, item 5): 10,000 pages on one server process.

1. ``pages`` pages of /shared/ are loaded over HTTP (the shared adapter's ``load()``) and joined
   over lean sockets (``LeanPage`` below), so that one client CPU can hold them all.
2. Single fan-outs: one save (POST /shared/bump/), time until the last page shows it, and the
   server's CPU per page.
3. Sustained load for ``seconds``: ``rate`` saves a second (POST /shared/bump-counted/, which
   answers the value it set, sent on a fixed schedule over up to 32 connections, each timed
   from when it was due), while ``active`` more
   pages on /counter/ (the shared adapter's websocket session) each send an increment every
   ``event_every`` seconds. Per save: the time until the last page shows it (or a later value:
   a page that is behind gets one refresh with the newest data, not one per save); for a sample
   of pages, the time each save took to reach that page; the round trip of the active pages'
   events. The first ``warmup`` seconds of the load are left out of the figures.

``LeanPage`` is a websocket client on a bare asyncio.Protocol: it does the handshake, the join,
answers pings, and reads the shared value out of a frame's bytes with one regular expression;
about 10 µs of client CPU per frame, where a ``websockets`` connection and ``json.loads`` cost
several times that. It offers permessage-deflate as a browser does, with no context takeover
(so it keeps no zlib state per socket: each frame inflates on its own); the server then
compresses every frame for every page, as it does for browsers.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import re
import resource
import time
import zlib
from typing import Any

VALUE_RE = re.compile(rb'lv-shared\\"[^>]*><span class=\\"value\\">(-?\d+)<')
DEFLATE_OFFER = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
TAIL = b"\x00\x00\xff\xff"


class Tracker:
    """The value every passive page shows, and when the slowest page reached each value."""

    def __init__(self, n: int, start: int, sample_every: int) -> None:
        self.values = [start] * n
        self.count: dict[int, int] = {start: n}
        self.low = start  # the value the slowest page shows
        self.reached: dict[int, float] = {}  # value -> when the last page showed it (or later)
        self.sample_every = sample_every
        self.samples: list[tuple[int, int, float]] = []  # sampled pages: (old, new, time)
        self.frames = 0
        self.waiter: tuple[int, asyncio.Future[float]] | None = None

    def seen(self, i: int, value: int, t: float) -> None:
        self.frames += 1
        old = self.values[i]
        if value <= old:
            return
        self.values[i] = value
        count = self.count
        count[old] -= 1
        count[value] = count.get(value, 0) + 1
        if i % self.sample_every == 0:
            self.samples.append((old, value, t))
        if old == self.low and count[old] == 0:
            low = old
            while count.get(low, 0) == 0:
                count.pop(low, None)
                low += 1
            for v in range(self.low + 1, low + 1):
                self.reached[v] = t
            self.low = low
            if self.waiter is not None and low >= self.waiter[0]:
                if not self.waiter[1].done():
                    self.waiter[1].set_result(t)
                self.waiter = None

    def reset(self, start: int) -> None:
        """Every page shows ``start`` (after a quiet moment)."""
        n = len(self.values)
        self.values = [start] * n
        self.count = {start: n}
        self.low = start
        self.samples.clear()

    async def until_all_show(self, value: int, timeout: float) -> float:
        if self.low >= value:
            return self.reached.get(value, time.perf_counter())
        fut = asyncio.get_running_loop().create_future()
        self.waiter = (value, fut)
        return await asyncio.wait_for(fut, timeout)


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    if not n:
        return payload
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")


class LeanPage(asyncio.Protocol):
    def __init__(self, i: int, tracker: Tracker, host: str, page: Any, deflate: bool) -> None:
        self.i = i
        self.tracker = tracker
        self.host = host
        self.page = page  # the adapter's session after load(): socket_path, version, blocks
        self.deflate = deflate
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.upgraded = False
        self.extensions = ""
        self.joined: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.lost = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        cookies = "; ".join(f"{k}={v}" for k, v in self.page.cookies.items())
        lines = [
            f"GET {self.page.socket_path} HTTP/1.1",
            f"Host: {self.host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: http://{self.host}",
        ]
        if cookies:
            lines.append(f"Cookie: {cookies}")
        if self.deflate:
            lines.append(f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}")
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def send_frame(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        n = len(payload)
        if n < 126:
            head = bytes([0x80 | opcode, 0x80 | n])
        elif n < 65536:
            head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
        key = os.urandom(4)
        self.transport.write(head + key + _mask(payload, key))

    def data_received(self, data: bytes) -> None:
        if self.buf:
            data = self.buf + data
            self.buf = b""
        if not self.upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buf = data
                return
            head = data[:end].decode("latin-1")
            if " 101 " not in head.split("\r\n", 1)[0]:
                self._fail(f"handshake refused: {head.splitlines()[0]}")
                return
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "sec-websocket-extensions":
                    self.extensions = value.strip()
            self.upgraded = True
            join = {"join": {"version": self.page.version, "blocks": self.page.blocks}}
            self.send_frame(1, json.dumps(join, separators=(",", ":")).encode())
            data = data[end + 4 :]
        pos, n = 0, len(data)
        while n - pos >= 2:
            b0, b1 = data[pos], data[pos + 1]
            length, head = b1 & 0x7F, 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
            if n - pos < head + length:
                break
            payload = data[pos + head : pos + head + length]
            pos += head + length
            opcode = b0 & 0x0F
            if opcode == 1:  # the server sends whole text frames
                if b0 & 0x40:
                    payload = zlib.decompressobj(-15).decompress(payload + TAIL)
                self._text(payload)
            elif opcode == 9:
                self.send_frame(0xA, payload)  # pong
            elif opcode == 8:
                self._fail("closed by the server")
        if pos < n:
            self.buf = data[pos:]

    def _text(self, payload: bytes) -> None:
        if not self.joined.done():
            if b'"joined"' not in payload:
                self._fail(f"join refused: {payload[:200]!r}")
                return
            self.joined.set_result(None)
        match = VALUE_RE.search(payload)
        if match is not None:
            self.tracker.seen(self.i, int(match.group(1)), time.perf_counter())

    def _fail(self, why: str) -> None:
        self.lost = True
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(why))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(f"connection lost: {exc}"))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.send_frame(8, (1000).to_bytes(2, "big"))
            self.transport.close()


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary_ms(seconds: list[float]) -> dict[str, Any]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": _r(pct(ms, 50)),
        "p90_ms": _r(pct(ms, 90)),
        "p99_ms": _r(pct(ms, 99)),
        "max_ms": _r(max(ms) if ms else None),
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


async def _post_value(http: Any, path: str, tries: int = 1) -> int:
    for attempt in range(tries):
        try:
            r = await http.post(path)
            r.raise_for_status()
            return int(r.json().get("value", 0))
        except Exception:
            if attempt == tries - 1:
                raise
            await asyncio.sleep(1.0)  # an untimed save (setup): a dropped connection is retried
    raise AssertionError("unreachable")


async def measure_under_load(client: Any, cls: Any, base: str, probe: Any, sizes: dict) -> dict:
    n = sizes["pages"]
    host = base.split("://", 1)[1]
    port = int(host.rsplit(":", 1)[1])
    opts = client.Options()
    loop = asyncio.get_running_loop()
    out: dict[str, Any] = {"pages": n, "deflate_offered": sizes.get("deflate", True)}

    # 1. Load and join the passive pages.
    t0 = time.perf_counter()
    http = client.new_http_client(base, opts, max_connections=20, max_keepalive=20)
    loads = [cls(base, "shared", opts, http=http) for _ in range(n)]
    await client.gather_limited([x.load() for x in loads], 20)
    await http.aclose()
    for x in loads:
        x.http = None
    out["load_all_s"] = round(time.perf_counter() - t0, 1)
    start = loads[0].value
    tracker = Tracker(n, start, max(1, n // sizes.get("sampled", 200)))
    for i, x in enumerate(loads):
        tracker.values[i] = x.value
    tracker.count = {}
    for v in tracker.values:
        tracker.count[v] = tracker.count.get(v, 0) + 1
    tracker.low = min(tracker.values)
    pages = [LeanPage(i, tracker, host, x, sizes.get("deflate", True)) for i, x in enumerate(loads)]

    async def join(page: LeanPage) -> None:
        await loop.create_connection(lambda: page, "127.0.0.1", port)
        await asyncio.wait_for(page.joined, 60)

    t0 = time.perf_counter()
    await client.gather_limited([join(p) for p in pages], 100)
    out["join_all_s"] = round(time.perf_counter() - t0, 1)
    out["ws_extensions"] = pages[0].extensions
    flight = sizes.get("in_flight", 32)
    http = client.new_http_client(base, opts, max_connections=flight, max_keepalive=flight)
    active: list[Any] = []
    try:
        # 2. Single fan-outs to every page.
        await asyncio.sleep(1.0)
        value = await _post_value(http, "/shared/bump-counted/", tries=5)  # pages catch up
        await tracker.until_all_show(value, 60)
        last, cpu_page, client_cpu = [], [], []
        for rep in range(sizes["warmup_fanouts"] + sizes["fanouts"]):
            await asyncio.sleep(sizes.get("gap", 0.5))
            c0, cc0 = probe.cpu(), client.client_cpu()
            a = time.perf_counter()
            value = await _post_value(http, "/shared/bump-counted/", tries=3)
            reached = await tracker.until_all_show(value, 60)
            await asyncio.sleep(0.1)
            c1, cc1 = probe.cpu(), client.client_cpu()
            if rep >= sizes["warmup_fanouts"]:
                last.append(reached - a)
                cpu_page.append((c1 - c0) / n)
                client_cpu.append(cc1 - cc0)
        out["single_fanout"] = {
            "reps": sizes["fanouts"],
            "last_page": summary_ms(last),
            "server_cpu_ms_per_page": round(sorted(cpu_page)[len(cpu_page) // 2] * 1000, 4),
            "client_cpu_ms_per_fanout": round(sorted(client_cpu)[len(client_cpu) // 2] * 1000, 1),
        }

        # 3. Sustained load: saves at a fixed rate, and events from the active pages.
        opened = await client.gather_limited(
            [client.open_session(cls, base, "counter", opts) for _ in range(sizes["active"])], 10
        )
        active = list(opened)
        await asyncio.sleep(0.5)
        rate, seconds, warmup = sizes["rate"], sizes["seconds"], sizes["warmup"]
        began = time.perf_counter()
        measure_from = began + warmup
        stop_at = began + warmup + seconds
        sent: dict[int, float] = {}  # value -> when the request that set it was sent
        post_ms: list[float] = []
        in_flight: set[asyncio.Task[None]] = set()
        errors: list[str] = []
        limit = asyncio.Semaphore(flight)

        async def save(a: float) -> None:
            # Timed from when the save was due: waiting for a free connection is part of it.
            async with limit:
                try:
                    v = await _post_value(http, "/shared/bump-counted/")
                except Exception as exc:  # counted and reported, the load goes on
                    errors.append(f"save: {type(exc).__name__}: {exc}")
                    return
                sent[v] = a
                post_ms.append(time.perf_counter() - a)

        async def saves() -> int:
            k = 0
            while True:
                at = began + k / rate
                if at >= stop_at:
                    return k
                delay = at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(save(at))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
                k += 1

        round_trips: list[float] = []

        async def clicks(s: Any) -> None:
            every = sizes["event_every"]
            await asyncio.sleep(random.uniform(0, every))
            k = 0
            first = time.perf_counter()
            while True:
                at = first + k * every
                if at >= stop_at:
                    return
                delay = at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                a = time.perf_counter()
                try:
                    await s.increment()
                except Exception as exc:
                    errors.append(f"event: {type(exc).__name__}: {exc}")
                    return
                if a >= measure_from:
                    round_trips.append(time.perf_counter() - a)
                k += 1

        clicking = [asyncio.create_task(clicks(s)) for s in active]
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        c0, cc0, f0, w0 = probe.cpu(), client.client_cpu(), tracker.frames, time.perf_counter()
        total = await saves()
        c1, cc1, f1, w1 = probe.cpu(), client.client_cpu(), tracker.frames, time.perf_counter()
        await asyncio.gather(*clicking)
        if in_flight:
            await asyncio.wait(set(in_flight), timeout=60)
        final = max(sent) if sent else tracker.low
        try:
            await tracker.until_all_show(final, 60)
            caught_up = True
        except TimeoutError:
            caught_up = False
        window = [v for v, a in sent.items() if measure_from <= a < stop_at]
        last_page = [tracker.reached[v] - sent[v] for v in window if v in tracker.reached]
        # For the sampled pages: each save's time to each of them.
        sampled: list[float] = []
        for old, new, t in tracker.samples:
            for v in range(old + 1, new + 1):
                a = sent.get(v)
                if a is not None and measure_from <= a < stop_at:
                    sampled.append(t - a)
        wall = w1 - w0
        out["sustained"] = {
            "rate_per_s": rate,
            "seconds": seconds,
            "warmup_s": warmup,
            "saves_sent": total,
            "saves_in_window": len(window),
            "saves_per_s": round(len(window) / wall, 1) if wall else None,
            "save_request": summary_ms(post_ms),
            "update_to_last_page": summary_ms(last_page),
            "update_to_a_page": summary_ms(sampled),
            "sampled_pages": len(range(0, n, tracker.sample_every)),
            "frames_per_page_per_s": round((f1 - f0) / n / wall, 2) if wall else None,
            "all_pages_caught_up": caught_up,
            "active_pages": len(active),
            "event_every_s": sizes["event_every"],
            "event_round_trip": summary_ms(round_trips),
            "events_per_s": round(len(round_trips) / wall, 1) if wall else None,
            "server_cpu_share": round((c1 - c0) / wall, 3) if wall else None,
            "client_cpu_share": round((cc1 - cc0) / wall, 3) if wall else None,
            "errors": errors[:10],
            "error_count": len(errors),
        }
        out["lost_pages"] = sum(1 for p in pages if p.lost)
        out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        return out
    finally:
        await http.aclose()
        await client.gather_limited([s.close() for s in active], 50)
        for p in pages:
            p.close()
        await asyncio.sleep(0.5)


def phase_under_load(ctx: Any, target: dict, sizes: dict) -> dict:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    client = ctx.client
    cls = client.load_adapter(target["adapter"])
    load0 = [round(x, 2) for x in os.getloadavg()]
    with ctx.server(target) as (base, pid):
        out = asyncio.run(measure_under_load(client, cls, base, client.ServerProbe(pid), sizes))
    out["loadavg_before"] = load0
    return out
