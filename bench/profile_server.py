#!/usr/bin/env python3
"""Where our server spends its time: py-spy samples of the bench app under five loads.

    bench/.work/venvs/bench/bin/python bench/profile_server.py          # after one `make bench`

  counter   one page sending increments back to back
  list1000  one page sending one-row updates on the 1,000-row list (handler calls live_target)
  list1000-untargeted  the same without live_target: every row rendered on every event
  fanout    1,000 pages on /shared/, one trigger every 0.3 s
  fanout-per-user  the same on /shared-per-user/ (no live_shared_render: a render per page)

Each load runs against a fresh server (pinned to CPU 0, like the benchmark) while
`py-spy record` samples it; idle samples are left out. Writes, per load, the raw collapsed
stacks (for speedscope or flamegraph.pl) to bench/.work/profiles/, and a summary of the hottest
functions (share of the busy samples: inclusive, i.e. the function or anything it called, and
self) to bench/results/profile.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
OUT = WORK / "profiles"
sys.path.insert(0, str(WORK))

import client  # noqa: E402
import run_bench  # noqa: E402

TARGET = next(
    t
    for t in json.loads((WORK / "targets.json").read_text())["targets"]
    if t["name"] == "live_views-uvicorn"
)
PY_SPY = WORK / "venvs" / "tools" / "bin" / "py-spy"
# Frames nearly every sample has: left out of the inclusive table.
COMMON = (
    "(threading.py)",
    "(click/core.py)",
    "(uvicorn/main.py)",
    "(uvicorn/_compat.py)",
    "(uvicorn/server.py)",
    "(uvicorn)",
    "(concurrent/futures/thread.py)",
)
FRAME_RE = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::\d+)?\)$")


async def load_counter(base, seconds):
    s = await client.open_session(
        client.load_adapter("live_views"), base, "counter", client.Options()
    )
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        await s.increment()
        n += 1
    await s.close()
    return n


async def load_list1000(base, seconds, path="/list1000/"):
    cls = client.load_adapter("live_views")

    class Rows(cls):
        list_path, list_rows = path, 1000

    s = await client.open_session(Rows, base, "list", client.Options())
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        await s.bump_row((n * 137) % 1000)
        n += 1
    await s.close()
    return n


async def load_list1000_untargeted(base, seconds):
    return await load_list1000(base, seconds, "/list1000-untargeted/")


async def load_fanout(base, seconds, ready=None, path="/shared/"):
    class cls(client.load_adapter("live_views")):
        shared_path = path

    opts = client.Options()
    http = client.new_http_client(base, opts, max_connections=20, max_keepalive=20)
    pages = [cls(base, "shared", opts, http=http) for _ in range(1000)]
    await client.gather_limited([p.load() for p in pages], 20)
    await http.aclose()
    for p in pages:
        p.http = None
    await client.gather_limited([p.connect() for p in pages], 50)
    trig = await cls.open_trigger(base, opts)
    if ready is not None:
        ready()
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        v = pages[0].value
        waiters = [asyncio.ensure_future(p.wait_shared(v + 1)) for p in pages]
        await asyncio.sleep(0)
        await trig.fire()
        await asyncio.gather(*waiters)
        await asyncio.sleep(0.3)
        n += 1
    await trig.close()
    await client.gather_limited([p.close() for p in pages], 100)
    return n


async def load_fanout_per_user(base, seconds, ready=None):
    return await load_fanout(base, seconds, ready, path="/shared-per-user/")


def record(pid, seconds, name, gil=False):
    OUT.mkdir(parents=True, exist_ok=True)
    raw = OUT / f"{name}{'-gil' if gil else ''}.txt"
    cmd = [
        str(PY_SPY),
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(raw),
        "--nonblocking",
        *(["--gil"] if gil else []),
    ]
    return raw, subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def profile(name, loader, seconds, gil):
    log = WORK / "logs" / f"profile-{name}.log"
    log.parent.mkdir(exist_ok=True)
    srv = run_bench.Server(TARGET, 8390, log).start()
    try:
        pid = srv.probe_pid()
        if name.startswith("fanout"):
            # Sample only the fan-outs, not the 1,000 page loads and joins before them.
            state = {}

            def ready():
                state["spy"] = record(pid, seconds, name, gil)

            events = asyncio.run(loader(f"http://127.0.0.1:{srv.port}", seconds + 1, ready))
            raw, spy = state["spy"]
        else:
            raw, spy = record(pid, seconds, name, gil)
            time.sleep(0.5)  # py-spy attached
            events = asyncio.run(loader(f"http://127.0.0.1:{srv.port}", seconds + 1))
        _, err = spy.communicate(timeout=60)
        if spy.returncode != 0:
            raise SystemExit(f"py-spy failed: {err.decode()[-1000:]}")
    finally:
        srv.stop()
    return raw, events


def short(path: str) -> str:
    for marker in ("site-packages/", "lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    if "/live_views/" in path:  # this checkout, or another one on PYTHONPATH (a before/after)
        return "live_views/" + path.rsplit("/live_views/", 1)[1]
    return path


def summarize(raw: Path, top: int = 30):
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = []
        for f in stack.split(";"):
            m = FRAME_RE.match(f)
            frames.append(f"{m['func']} ({short(m['file'])})" if m else f)
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        total += n
        for f in set(frames):
            if not f.endswith(COMMON):
                inclusive[f] += n
        own[frames[-1]] += n
    return total, inclusive.most_common(top), own.most_common(15)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--only", default="counter,list1000,list1000-untargeted,fanout,fanout-per-user")
    ap.add_argument(
        "--gil",
        action="store_true",
        help="sample only the thread holding the GIL (Python CPU; misses C code that releases "
        "it, such as SQLite) -> results/profile-gil.md",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the summary's file (default results/profile.md, or profile-gil.md with --gil)",
    )
    args = ap.parse_args()
    if run_bench.pinning_ok():
        os.sched_setaffinity(0, {run_bench.CLIENT_CPU})
    loads = {
        "counter": load_counter,
        "list1000": load_list1000,
        "list1000-untargeted": load_list1000_untargeted,
        "fanout": load_fanout,
        "fanout-per-user": load_fanout_per_user,
    }
    lines = [
        "# Profile of the bench app (py-spy)",
        "",
        f"Generated by `bench/profile_server.py` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} "
        f"UTC; load average before: {'/'.join(f'{x:.2f}' for x in os.getloadavg())}. "
        f"`py-spy record --rate 250 --nonblocking{' --gil' if args.gil else ''}` of one fresh "
        f"uvicorn server pinned to CPU 0 for {args.seconds} s per load; the shares are of the "
        + (
            "samples of the thread that held the GIL (Python CPU; C code that releases the "
            "GIL, such as SQLite's, is not seen)."
            if args.gil
            else "samples in which a thread was busy (idle waits excluded)."
        )
        + " Frames every sample shares (threading, click, uvicorn's main) are left out. "
        "*Inclusive* counts a function once per "
        "sample when it or anything it called was running; *self* counts the innermost "
        "frame only. Raw collapsed stacks (for speedscope or flamegraph.pl): "
        "`bench/.work/profiles/*.txt`.",
        "",
    ]
    for name in args.only.split(","):
        raw, events = profile(name, loads[name], args.seconds, args.gil)
        total, inc, own = summarize(raw)
        unit = "fan-outs to 1,000 pages" if name.startswith("fanout") else "events"
        lines += [
            f"## {name}: {events:,} {unit}, {total:,} samples",
            "",
            "| inclusive | self | function (file) |",
            "|---|---|---|",
        ]
        own_d = dict(own)
        for func, n in inc:
            lines.append(
                f"| {100 * n / total:.1f}% | {100 * own_d.get(func, 0) / total:.1f}% | `{func}` |"
            )
        lines += ["", "Top self time:", "", "| self | function (file) |", "|---|---|"]
        for func, n in own:
            lines.append(f"| {100 * n / total:.1f}% | `{func}` |")
        lines.append("")
        print(f"profiled {name}: {events} {unit}, {total} samples", flush=True)
    out = args.out or BENCH / "results" / ("profile-gil.md" if args.gil else "profile.md")
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
