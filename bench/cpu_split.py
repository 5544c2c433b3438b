#!/usr/bin/env python3
"""Where the server's CPU per event goes under the counter's 50-client load: user time (Python)
against system time (system calls), and context switches per event, for this checkout or the
bare ASGI app of apps/floor/.

    bench/.work/venvs/bench/bin/python bench/cpu_split.py [--floor] [--seconds 8]

One fresh server pinned to CPU 0, this client on CPU 1, as in ``make bench``: a warm-up, then
the shared client's ``throughput`` phase, with the server's ``cpu_times()`` and
``num_ctx_switches()`` (psutil) read around it. Needs the venvs of one ``make bench``.
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
ap.add_argument("--floor", action="store_true", help="the bare ASGI app of apps/floor/")
ap.add_argument("--seconds", type=float, default=8.0, help="the measured load, 50 clients")
args = ap.parse_args()

targets = json.loads((WORK / "targets.json").read_text())["targets"]
target = next(t for t in targets if t["name"] == "live_views-uvicorn")
if args.floor:
    target = {**target, "name": "floor-uvicorn", "app": "apps/floor"}
if run_bench.pinning_ok():
    os.sched_setaffinity(0, {run_bench.CLIENT_CPU})
(WORK / "logs").mkdir(exist_ok=True)
server = run_bench.Server(target, 8393, WORK / "logs" / "cpu_split.log").start()


def load(seconds: float) -> dict:
    params = {"throughput": {"clients": 50, "duration": seconds}}
    url = f"http://127.0.0.1:{server.port}"
    options = client.Options()
    return asyncio.run(
        client.run_phases(target["adapter"], url, pid, ["throughput"], options, params)
    )["throughput"]


try:
    pid = server.probe_pid()
    process = psutil.Process(pid)
    load(2.0)  # warm: imports, templates, the first connections
    cpu, switches = process.cpu_times(), process.num_ctx_switches()
    out = load(args.seconds)
    cpu_after, switches_after = process.cpu_times(), process.num_ctx_switches()
finally:
    server.stop()
events = out["events_per_s"] * args.seconds
print(
    f"{target['name']}: {out['events_per_s']:.0f} events/s; per event: "
    f"user {(cpu_after.user - cpu.user) / events * 1e3:.3f} ms, "
    f"system {(cpu_after.system - cpu.system) / events * 1e3:.3f} ms, "
    f"{(switches_after.voluntary - switches.voluntary) / events:.2f} voluntary and "
    f"{(switches_after.involuntary - switches.involuntary) / events:.2f} involuntary "
    f"context switches | load {os.getloadavg()[0]:.2f}"
)
