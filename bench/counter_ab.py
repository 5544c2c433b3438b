#!/usr/bin/env python3
"""The counter's round trip, server CPU per event and events/s with 50 clients, for one checkout
or one peer: a short A/B on a busy machine (alternate the runs; the medians of a few rounds
compare, one run does not).

    bench/.work/venvs/bench/bin/python bench/counter_ab.py                 # this checkout
    bench/.work/venvs/bench/bin/python bench/counter_ab.py --source DIR    # another checkout
    bench/.work/venvs/bench/bin/python bench/counter_ab.py --peer liveview-uvicorn

Runs the shared client's ``latency`` and ``throughput`` phases against one fresh server (pinned to
CPU 0, this client to CPU 1, as in ``make bench``). ``--source`` puts another checkout (e.g.
``git archive main``) first on the server's ``PYTHONPATH``. Needs the venvs of one ``make bench``.
Its second line splits the throughput phase's server CPU per event into user time (Python) and
system time (system calls), with the server's context switches per event (psutil): whether a
cost is the library's Python or the kernel's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

WORK = Path(__file__).resolve().parent / ".work"
sys.path.insert(0, str(WORK))

import client  # noqa: E402
import psutil  # noqa: E402
import run_bench  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
ap.add_argument("--source", type=Path, help="serve this checkout's live_views instead")
ap.add_argument("--peer", default="live_views-uvicorn", help="a target of bench/.work/targets.json")
ap.add_argument(
    "--floor",
    action="store_true",
    help="the bare ASGI app of apps/floor/ (no Django), on our venv and server: the floor",
)
ap.add_argument("--events", type=int, default=3000, help="sequential events (latency phase)")
ap.add_argument("--seconds", type=float, default=5.0, help="throughput phase, 50 clients")
args = ap.parse_args()

target = next(
    t for t in json.loads((WORK / "targets.json").read_text())["targets"] if t["name"] == args.peer
)
if args.floor:
    target = {**target, "name": "floor-uvicorn", "app": "apps/floor"}
if args.source is not None:
    os.environ["PYTHONPATH"] = str(args.source.resolve())
if run_bench.pinning_ok():
    os.sched_setaffinity(0, {run_bench.CLIENT_CPU})
(WORK / "logs").mkdir(exist_ok=True)
server = run_bench.Server(target, 8391, WORK / "logs" / "counter_ab.log").start()


def run(phase: str, params: dict) -> dict:
    url = f"http://127.0.0.1:{server.port}"
    options = client.Options()
    return asyncio.run(client.run_phases(target["adapter"], url, pid, [phase], options, params))[
        phase
    ]


try:
    pid = server.probe_pid()
    process = psutil.Process(pid)
    latency = run("latency", {"latency": {"warmup": 100, "n": args.events}})
    cpu, switches = process.cpu_times(), process.num_ctx_switches()
    throughput = run("throughput", {"throughput": {"clients": 50, "duration": args.seconds}})
    cpu_after, switches_after = process.cpu_times(), process.num_ctx_switches()
finally:
    server.stop()
label = str(args.source) if args.source else target["name"]
print(
    f"{label}: round trip p50 {latency['p50_ms']:.3f} ms, server CPU "
    f"{latency['server_cpu_ms_per_event']:.3f} ms/event | 50 clients: "
    f"{throughput['events_per_s']:.0f} events/s, server CPU "
    f"{throughput['server_cpu_ms_per_event']:.3f} ms/event | load {os.getloadavg()[0]:.2f}"
)
events = throughput["events_per_s"] * args.seconds
print(
    f"  50 clients, per event: user {(cpu_after.user - cpu.user) / events * 1e3:.3f} ms, "
    f"system {(cpu_after.system - cpu.system) / events * 1e3:.3f} ms, "
    f"{(switches_after.voluntary - switches.voluntary) / events:.2f} voluntary and "
    f"{(switches_after.involuntary - switches.involuntary) / events:.2f} involuntary context "
    "switches"
)
