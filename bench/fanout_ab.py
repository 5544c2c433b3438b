#!/usr/bin/env python3
"""Fan-out server CPU per page of this checkout against another, alternately, in one run: the
shared harness's fan-out (client.measure_fanout, unchanged) on /shared/, one fresh server per
source and round, the order of the two swapped each round. On a busy machine one run of each
does not compare; the medians of a few alternating rounds do.

    bench/.work/venvs/bench/bin/python bench/fanout_ab.py --source DIR [--rounds 3]
        [--pages 1000] [--reps 15]

``--source`` is another checkout (e.g. ``git worktree add /tmp/base main``), put first on its
server's ``PYTHONPATH``; the other server runs this checkout. Each line splits the server's CPU
per page into user time (Python) and system time (the socket writes, mostly). Needs the venvs
and apps of one ``make bench`` (bench/README.md). Server CPU 0, this client CPU 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import extra  # noqa: E402

TARGET = "live_views-uvicorn"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--source", type=Path, required=True, help="the other checkout")
    ap.add_argument("--work", type=Path, default=BENCH / ".work")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args()
    ctx = extra.Context(args.work.resolve())
    target = ctx.measured_target(TARGET)
    client = ctx.client
    adapter = client.load_adapter(target["adapter"])
    sources = {"this": BENCH.parent.resolve(), "other": args.source.resolve()}
    per_page: dict[str, list[float]] = {name: [] for name in sources}
    for rnd in range(args.rounds):
        order = list(sources.items())
        for name, source in order if rnd % 2 == 0 else order[::-1]:
            with ctx.server(target, env={"PYTHONPATH": str(source)}) as (base, pid):
                probe = SplitProbe(client, pid)
                out = asyncio.run(
                    client.measure_fanout(
                        adapter, base, client.Options(), probe, args.pages, args.reps, warmup=3
                    )
                )
            user, system = probe.split(warmup=3, pages=args.pages)
            cpu = out["server_cpu_ms_per_fanout"] / args.pages
            per_page[name].append(cpu)
            print(
                f"round {rnd} {name}: {cpu:.4f} ms per page (user {user:.4f}, system"
                f" {system:.4f}); last page p50 {out['last_ms']['p50_ms']} ms; load average"
                f" {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    for name, values in per_page.items():
        print(
            f"{name} ({sources[name]}): median {statistics.median(values):.4f} ms per page,"
            f" rounds {', '.join(f'{v:.4f}' for v in values)}"
        )


class SplitProbe:
    """client.ServerProbe that keeps each reading's user and system time apart."""

    def __init__(self, client, pid: int) -> None:
        self.probe = client.ServerProbe(pid)
        self.readings: list[tuple[float, float]] = []

    def cpu(self) -> float:
        times = self.probe.proc.cpu_times()
        self.readings.append((times.user, times.system))
        return times.user + times.system

    def rss(self) -> int:
        return self.probe.rss()

    def split(self, warmup: int, pages: int) -> tuple[float, float]:
        """Mean user and system ms per page of the measured fan-outs (a reading before each
        trigger and one after its last page)."""
        pairs = list(zip(self.readings[::2], self.readings[1::2], strict=True))[warmup:]
        user = sum(b[0] - a[0] for a, b in pairs) * 1000 / len(pairs) / pages
        system = sum(b[1] - a[1] for a, b in pairs) * 1000 / len(pairs) / pages
        return user, system


if __name__ == "__main__":
    main()
