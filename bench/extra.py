#!/usr/bin/env python3
"""Phases the shared harness lacks, run by bench/run.py after it (client venv, in the work dir).

For every target whose targets.json entry lists them in "extras":
  list1000      one-row updates on /list/ (100 rows), /list1000/ (1,000 rows) and
                /list1000-untargeted/ (1,000 rows, the handler names no block), back to back on
                one fresh server: latency, server CPU per update, payload and TCP bytes
  memory10k     idle memory per joined page at 10,000 sockets (fresh server each), with and
                without permessage-deflate (client.measure_memory, unchanged)
  redis_fanout  broadcast fan-out on two server processes sharing a private redis-server through
                channels-redis, half the pages on each; N = 100 and 1,000
  memory_floor  the floor under that memory: a bare ASGI app (apps/floor/, no Django, no channels)
                holding as many sockets on the same uvicorn with the same options, beside ours,
                at 1,000 and 10,000 pages, with and without permessage-deflate: ours = floor + X
  fanout_per_user  the shared harness's fan-out (client.measure_fanout, unchanged) on
                /shared-per-user/: the same page without live_shared_render, rendered per page
  under_load    10,000 pages of /shared/ on one process: single fan-outs to all of them, then
                100 saves/s for 15 s while 50 more pages send events (bench/under_load.py)
  browser       Chromium (Playwright, bench/browser.py in the tools venv): time from a frame's
                arrival to the morphed page, on the 1,000- and 100-row lists
  bundle        size of the shipped JS, raw and gzip -9

Servers are started with the shared run_bench.Server (pinned to CPU 0, stopped by their PID);
this process pins itself to CPU 1 like run_bench.py. Writes OUT/<target>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import under_load
from ports import free_port

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BASE_PORT = 8300
BUNDLE = REPO / "live_views" / "static" / "live_views" / "live_views.min.js"

FULL = {
    "list1000": {"warmup": 30, "n": 300, "k": 50},
    "memory10k": {"n": 10000},
    "redis_fanout": {"clients": [100, 1000], "reps": 20, "warmup": 3},
    "browser": {"warmup": 20, "n": 100},
    "memory_floor": {"n": [1000, 10000]},
    "fanout_per_user": {"clients": [1000], "reps": 20, "warmup": 3},
    "event_floor": {
        "latency": {"warmup": 200, "n": 2000},
        "throughput": {"clients": 50, "duration": 10.0},
    },
    "under_load": {
        "pages": 10000,
        "fanouts": 10,
        "warmup_fanouts": 2,
        "rate": 100,
        "seconds": 15,
        "warmup": 3,
        "active": 50,
        "event_every": 0.5,
    },
}
QUICK = {
    "list1000": {"warmup": 5, "n": 30, "k": 10},
    "memory10k": {"n": 500},
    "redis_fanout": {"clients": [20, 100], "reps": 5, "warmup": 1},
    "browser": {"warmup": 2, "n": 5},
    "memory_floor": {"n": [100, 500]},
    "fanout_per_user": {"clients": [100], "reps": 5, "warmup": 1},
    "under_load": {
        "pages": 300,
        "fanouts": 3,
        "warmup_fanouts": 1,
        "rate": 100,
        "seconds": 4,
        "warmup": 1,
        "active": 10,
        "event_every": 0.5,
    },
    "event_floor": {
        "latency": {"warmup": 20, "n": 200},
        "throughput": {"clients": 10, "duration": 2.0},
    },
}


def setup_harness(work: Path):
    sys.path.insert(0, str(work))
    import client
    import run_bench

    return client, run_bench


# --------------------------------------------------------------------------------------------
# list1000: does the cost of a one-row update grow with the list?
# --------------------------------------------------------------------------------------------


async def measure_rows(client, cls, base, opts, probe, path, rows, warmup, n, k):
    class Rows(cls):
        list_path = path
        list_rows = rows

    out = {"rows": rows, "path": path}
    s = await client.open_session(Rows, base, "list", opts)
    try:
        out["page_html_bytes"] = s.page_bytes
        out["join_request_bytes"] = len(
            client.json_dumps({"join": {"version": s.version, "blocks": s.blocks}}).encode()
        )
        for i in range(warmup):
            await s.bump_row((i * 7) % rows)
        lat = []
        cpu0 = probe.cpu()
        for i in range(n):
            a = time.perf_counter()
            await s.bump_row((i * 137) % rows)
            lat.append(time.perf_counter() - a)
        cpu1 = probe.cpu()
        out["latency"] = client.summarize_ms(lat)
        out["server_cpu_ms_per_update"] = round((cpu1 - cpu0) * 1000 / n, 4)
        sent0, recv0 = client.tcp_counters(s.live_socket())
        req, resp = [], []
        for i in range(k):
            await s.bump_row((i * 311 + 3) % rows)
            req.append(s.last_req_bytes)
            resp.append(s.last_resp_bytes)
        sent1, recv1 = client.tcp_counters(s.live_socket())
        out["bytes"] = {
            "events": k,
            "req_payload_bytes": round(sum(req) / k, 1),
            "resp_payload_bytes": round(sum(resp) / k, 1),
            "resp_payload_min": min(resp),
            "resp_payload_max": max(resp),
            "req_wire_bytes": round((sent1 - sent0) / k, 1),
            "resp_wire_bytes": round((recv1 - recv0) / k, 1),
            "ws_extensions": s.ws_extensions,
        }
    finally:
        await s.close()
    return out


LIST_PAGES = [("/list/", 100), ("/list1000/", 1000), ("/list1000-untargeted/", 1000)]


def phase_list1000(ctx, target, sizes):
    client = ctx.client
    cls = client.load_adapter(target["adapter"])
    with ctx.server(target) as (base, pid):
        probe = client.ServerProbe(pid)
        opts = client.Options()

        async def each():
            return [
                await measure_rows(client, cls, base, opts, probe, path, rows, **sizes)
                for path, rows in LIST_PAGES
            ]

        res = asyncio.run(each())
    # "1000-untargeted": the same list, but its handler does not name the row it changed.
    return {"by_rows": {r["path"].strip("/").replace("list", "") or "100": r for r in res}}


# --------------------------------------------------------------------------------------------
# memory10k
# --------------------------------------------------------------------------------------------


def phase_memory10k(ctx, target, sizes):
    client = ctx.client
    cls = client.load_adapter(target["adapter"])
    out = {}
    for label, compression in (("nodeflate", None), ("deflate", "deflate")):
        with ctx.server(target) as (base, pid):
            res = asyncio.run(
                client.measure_memory(
                    cls,
                    base,
                    client.Options(ws_compression=compression),
                    client.ServerProbe(pid),
                    n=sizes["n"],
                )
            )
            res["client_offers_deflate"] = compression is not None
            out[label] = res
    return out


# --------------------------------------------------------------------------------------------
# memory_floor: what a held websocket costs with no framework at all, and what we add to it
# --------------------------------------------------------------------------------------------


def phase_memory_floor(ctx, target, sizes):
    """client.measure_memory on apps/floor (same venv, server and options as ``target``) and on
    ``target``, one fresh server each, back to back per size and compression."""
    client = ctx.client
    cls = client.load_adapter(target["adapter"])
    floor = {**target, "name": "floor-uvicorn", "app": "apps/floor"}
    out = {}
    for n in sizes["n"]:
        for label, compression in (("nodeflate", None), ("deflate", "deflate")):
            row = {}
            for who, tgt in (("floor", floor), ("ours", target)):
                with ctx.server(tgt) as (base, pid):
                    row[who] = asyncio.run(
                        client.measure_memory(
                            cls,
                            base,
                            client.Options(ws_compression=compression),
                            client.ServerProbe(pid),
                            n=n,
                        )
                    )
            row["x_kb_per_page"] = round(
                row["ours"]["kb_per_conn"] - row["floor"]["kb_per_conn"], 1
            )
            out[f"{label}_{n}"] = row
    return out


# --------------------------------------------------------------------------------------------
# redis_fanout: two processes, one private redis-server
# --------------------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a free port (no persistence), stopped by its PID."""

    def __init__(self, pin: bool):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        cmd = [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.dir),
            "--loglevel",
            "warning",
        ]
        self.cmd = (["taskset", "-c", "0"] if pin else []) + cmd
        self.proc = None

    def __enter__(self):
        if shutil.which("redis-server") is None:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("private redis-server did not start")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def redis_calls(port: int, command: str) -> int:
    """How often the private redis-server ran ``command`` (Lua scripts' calls included)."""
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "INFO", "commandstats"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in info.splitlines():
        if line.startswith(f"cmdstat_{command}:"):
            return int(line.split("calls=")[1].split(",")[0])
    return 0


async def measure_fanout_multi(
    client,
    cls,
    bases,
    opts,
    probes,
    redis_probe,
    clients,
    reps,
    warmup,
    gap=0.2,
    settle=0.1,
    redis_port=None,
):
    """client.measure_fanout, with the pages spread over several servers (page i on server
    i mod len(bases)) and the trigger sent to the first one; CPU is summed over the servers."""
    https = [client.new_http_client(b, opts, max_connections=20, max_keepalive=20) for b in bases]
    sessions = [
        cls(bases[i % len(bases)], "shared", opts, http=https[i % len(bases)])
        for i in range(clients)
    ]
    t_conn = time.perf_counter()
    try:
        await client.gather_limited([x.load() for x in sessions], 20)
        for h in https:
            await h.aclose()
        for x in sessions:
            x.http = None
        await client.gather_limited([x.connect() for x in sessions], 50)
        connect_s = time.perf_counter() - t_conn
        trig = await cls.open_trigger(bases[0], opts)

        def cpu():
            return sum(p.cpu() for p in probes)

        try:
            last, first, median, srv, per_server, red, trig_ms = [], [], [], [], [], [], []
            # Redis ZADDs per broadcast. channels-redis makes two per layer message: one when
            # group_send queues it (one per process, however many of its channels are in the
            # group: a process's channels share one key) and one when the receiving process moves
            # it to its in-flight backup (channels_redis/core.py, _brpop_with_clean).
            messages = []
            for rep in range(warmup + reps):
                await asyncio.sleep(gap)
                v0 = sessions[0].value
                for x in sessions:
                    x.expect(x.value == v0, f"sessions disagree before trigger: {x.value} != {v0}")
                waiters = [asyncio.ensure_future(x.wait_shared(v0 + 1)) for x in sessions]
                await asyncio.sleep(0)
                c0 = [p.cpu() for p in probes]
                r0 = redis_probe.cpu()
                m0 = redis_calls(redis_port, "zadd") if redis_port else 0
                t0 = time.perf_counter()
                await trig.fire()
                t_trig = time.perf_counter()
                arrivals = await asyncio.gather(*waiters)
                await asyncio.sleep(settle)
                c1 = [p.cpu() for p in probes]
                r1 = redis_probe.cpu()
                m1 = redis_calls(redis_port, "zadd") if redis_port else 0
                if rep < warmup:
                    continue
                arr = sorted(a - t0 for a in arrivals)
                last.append(arr[-1])
                first.append(arr[0])
                median.append(arr[len(arr) // 2])
                srv.append(sum(c1) - sum(c0))
                per_server.append([b - a for a, b in zip(c0, c1, strict=True)])
                red.append(r1 - r0)
                messages.append(m1 - m0)
                trig_ms.append(t_trig - t0)
        finally:
            await trig.close()
        out = {
            "applicable": True,
            "clients": clients,
            "reps": reps,
            "warmup": warmup,
            "servers": len(bases),
            "mechanism": cls.fanout,
        }
        out["last_ms"] = client.summarize_ms(last)
        out["first_ms"] = client.summarize_ms(first)
        out["median_client_ms"] = client.summarize_ms(median)
        out["trigger_call_ms"] = client.summarize_ms(trig_ms)
        out.update(
            server_cpu_ms_per_fanout=round(sum(srv) * 1000 / reps, 3),
            server_cpu_us_per_client=round(sum(srv) * 1e6 / reps / clients, 1),
            server_cpu_ms_per_fanout_each=[
                round(sum(c[i] for c in per_server) * 1000 / reps, 3) for i in range(len(bases))
            ],
            redis_cpu_ms_per_fanout=round(sum(red) * 1000 / reps, 3),
            redis_zadds_per_fanout=round(sum(messages) / reps, 1) if redis_port else None,
            layer_messages_per_fanout=round(sum(messages) / reps / 2, 1) if redis_port else None,
            connect_all_s=round(connect_s, 2),
            final_value=sessions[0].value,
        )
        return out
    finally:
        await client.gather_limited([x.close() for x in sessions], 100)


def phase_redis_fanout(ctx, target, sizes):
    client = ctx.client
    cls = client.load_adapter(target["adapter"])
    out = {}
    with RedisServer(ctx.run_bench.pinning_ok()) as redis:
        url = f"redis://127.0.0.1:{redis.port}/0"
        with (
            ctx.server(target, env={"BENCH_REDIS_URL": url}) as (base_a, pid_a),
            ctx.server(target, env={"BENCH_REDIS_URL": url}) as (base_b, pid_b),
        ):
            probes = [client.ServerProbe(pid_a), client.ServerProbe(pid_b)]
            for n in sizes["clients"]:
                out[str(n)] = asyncio.run(
                    measure_fanout_multi(
                        client,
                        cls,
                        [base_a, base_b],
                        client.Options(),
                        probes,
                        client.ServerProbe(redis.proc.pid),
                        clients=n,
                        reps=sizes["reps"],
                        warmup=sizes["warmup"],
                        redis_port=redis.port,
                    )
                )
        out["layer"] = (
            "channels_redis.core.RedisChannelLayer, private redis-server "
            + subprocess.run(
                ["redis-server", "--version"], capture_output=True, text=True
            ).stdout.split()[2]
        )
    return out


# --------------------------------------------------------------------------------------------
# fanout_per_user: the fan-out of a view that renders per page and per user
# --------------------------------------------------------------------------------------------


def phase_event_floor(ctx, target, sizes):
    """The counter's round trip and 50-client throughput on apps/floor, the bare ASGI app (no
    Django, no channels) on the same venv, server and options as ``target``: what the server,
    the websocket library and this client cost per event before any library's work."""
    floor = {**target, "name": "floor-uvicorn", "app": "apps/floor"}
    with ctx.server(floor) as (base, pid):
        return asyncio.run(
            ctx.client.run_phases(
                target["adapter"], base, pid, ["latency", "throughput"], ctx.client.Options(), sizes
            )
        )


def phase_fanout_per_user(ctx, target, sizes):
    client = ctx.client

    class PerUser(client.load_adapter(target["adapter"])):
        shared_path = "/shared-per-user/"

    out = {}
    with ctx.server(target) as (base, pid):
        for n in sizes["clients"]:
            out[str(n)] = asyncio.run(
                client.measure_fanout(
                    PerUser,
                    base,
                    client.Options(),
                    client.ServerProbe(pid),
                    clients=n,
                    reps=sizes["reps"],
                    warmup=sizes["warmup"],
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# browser and bundle
# --------------------------------------------------------------------------------------------


def phase_browser(ctx, target, sizes):
    """browser.py twice on one server: with the machine's cores, as a browser runs, for the
    verdict; then pinned to the client's core like every other client here, for comparison
    with runs before 2026-12-02 evening. Chromium is several processes (browser, renderer,
    network), and on one core they queue behind each other. The server is idle while the
    browser lays out (its reply is already sent), so the unpinned run takes no time from it."""
    tools = ctx.work / "venvs" / "tools" / "bin" / "python"
    every_core = set(range(os.cpu_count() or 1))
    with ctx.server(target) as (base, _pid):
        cmd = [
            str(tools),
            str(BENCH / "browser.py"),
            "--url",
            base,
            "--bundle",
            str(BUNDLE),
            "--warmup",
            str(sizes["warmup"]),
            "--n",
            str(sizes["n"]),
        ]
        runs = []
        for cores in (every_core, None):
            r = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=600,
                preexec_fn=(lambda c=cores: os.sched_setaffinity(0, c)) if cores else None,
            )
            if r.returncode != 0:
                raise RuntimeError(f"browser.py failed:\n{r.stderr[-2000:]}")
            runs.append(json.loads(r.stdout))
    out, pinned = runs
    out["cores"] = len(every_core)
    out["pinned_pages"] = pinned["pages"] if ctx.run_bench.pinning_ok() else None
    return out


def phase_bundle(ctx, target, sizes):
    data = BUNDLE.read_bytes()
    return {
        "file": str(BUNDLE.relative_to(REPO)),
        "bytes": len(data),
        "gzip9_bytes": len(gzip.compress(data, 9, mtime=0)),
    }


PHASES = {
    "list1000": phase_list1000,
    "memory10k": phase_memory10k,
    "redis_fanout": phase_redis_fanout,
    "memory_floor": phase_memory_floor,
    "browser": phase_browser,
    "bundle": phase_bundle,
    "fanout_per_user": phase_fanout_per_user,
    "event_floor": phase_event_floor,
    "under_load": under_load.phase_under_load,
}


class Context:
    def __init__(self, work: Path):
        self.work = work
        self.client, self.run_bench = setup_harness(work)
        self.port = BASE_PORT
        self.server_cpu: dict[int, float] = {}

    def measured_target(self, name: str) -> dict:
        """The targets.json entry ``name``, for a script that measures that one target, with
        this process pinned to the client's CPU, as the harness pins its client."""
        if self.run_bench.pinning_ok():
            os.sched_setaffinity(0, {self.run_bench.CLIENT_CPU})
        targets = json.loads((self.work / "targets.json").read_text())["targets"]
        return next(t for t in targets if t["name"] == name)

    def server(self, target, env=None):
        ctx = self

        class _Server:
            def __enter__(self):
                # A free port, not BASE_PORT + n: another run on this machine may hold those,
                # and its server would answer the readiness check for ours.
                ctx.port = free_port()
                log = ctx.work / "logs" / f"{target['name']}-extra.log"
                log.parent.mkdir(exist_ok=True)
                saved = {k: os.environ.get(k) for k in env or {}}
                os.environ.update(env or {})
                try:
                    self.srv = ctx.run_bench.Server(target, ctx.port, log).start()
                finally:
                    for k, v in saved.items():
                        if v is None:
                            os.environ.pop(k, None)
                        else:
                            os.environ[k] = v
                pid = self.pid = self.srv.probe_pid()
                return f"http://127.0.0.1:{ctx.port}", pid

            def __exit__(self, *exc):
                with contextlib.suppress(Exception):  # a server that died has no CPU to read
                    ctx.server_cpu[self.pid] = ctx.client.ServerProbe(self.pid).cpu()
                self.srv.stop()

        return _Server()

    def other_load(self, fn):
        """Run fn(); return its result and the CPU the rest of the machine used meanwhile
        (busy time minus our servers and this client), like run_bench.py's table."""
        self.server_cpu = {}
        b0, st0 = self.run_bench.machine_busy()
        c0 = self.client.client_cpu()
        w0 = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - w0
        b1, st1 = self.run_bench.machine_busy()
        other = (b1 - b0) - sum(self.server_cpu.values()) - (self.client.client_cpu() - c0)
        if wall < 1:
            return result, None  # too short for a CPU share to mean anything
        return result, {
            "wall_s": round(wall, 2),
            "other_cpu_cores": round(other / wall, 3),
            "steal_s": round(st1 - st0, 2),
        }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated extra phases")
    args = ap.parse_args()
    ctx = Context(args.work.resolve())
    if ctx.run_bench.pinning_ok():
        os.sched_setaffinity(0, {ctx.run_bench.CLIENT_CPU})
    sizes = QUICK if args.quick else FULL
    only = set(args.only.split(",")) if args.only else None
    args.out.mkdir(parents=True, exist_ok=True)
    targets = json.loads((ctx.work / "targets.json").read_text())["targets"]
    for target in targets:
        wanted = [p for p in target.get("extras", []) if only is None or p in only]
        if not wanted:
            continue
        res = {
            "target": target,
            "sizes": {p: sizes.get(p) for p in wanted},
            "results": {},
            "errors": {},
            "other_cpu": {},
        }
        for ph in wanted:
            print(f"  [{target['name']}] extra {ph} ...", flush=True)
            t = time.perf_counter()
            try:
                out, load = ctx.other_load(
                    lambda ph=ph, target=target: PHASES[ph](ctx, target, sizes.get(ph))
                )
                res["results"][ph] = out
                if load is not None:
                    res["other_cpu"][ph] = load
            except Exception as exc:
                res["errors"][ph] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            print(
                f"  [{target['name']}] extra {ph} done in {time.perf_counter() - t:.1f}s",
                flush=True,
            )
        (args.out / f"{target['name']}.json").write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
