"""What a shared fan-out costs per broadcast and what it costs per page: the shared harness's
fan-out (client.measure_fanout, unchanged) on /shared/ at several sizes on one fresh server,
and the trigger request alone (POST /shared/bump/ with no page open).

    python3 bench/fanout_sizes.py [--sizes 1,10,100,1000] [--reps 20]

Needs the work dir of a `make bench` run (bench/.work, its venvs and apps). The fan-out CPU
goal is read at 1,000 pages and includes what each broadcast costs once (the trigger's Django
request, the one render); the slope between sizes is the cost of one more page.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import extra  # noqa: E402

TARGET = "live_views-uvicorn"


def trigger_alone(base: str, probe, n: int = 50, gap: float = 0.2) -> float:
    """Server CPU ms of one trigger request, sent ``gap`` s apart as the fan-out sends them."""
    import httpx

    async def run() -> float:
        async with httpx.AsyncClient(base_url=base) as http:
            for _ in range(10):
                await http.post("/shared/bump/")
            spent = 0.0
            for _ in range(n):
                await asyncio.sleep(gap)
                c0 = probe.cpu()
                await http.post("/shared/bump/")
                await asyncio.sleep(0.01)  # what the server does right after answering
                spent += probe.cpu() - c0
            return spent * 1000 / n

    return asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", type=Path, default=BENCH / ".work")
    ap.add_argument("--sizes", default="1,10,100,1000")
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args()
    ctx = extra.Context(args.work.resolve())
    target = ctx.measured_target(TARGET)
    client = ctx.client
    adapter = client.load_adapter(target["adapter"])
    rows = []
    with ctx.server(target) as (base, pid):
        probe = client.ServerProbe(pid)
        print(f"trigger alone (no page open): {trigger_alone(base, probe):.2f} ms of server CPU")
        for n in [int(size) for size in args.sizes.split(",")]:
            started = time.perf_counter()
            out = asyncio.run(
                client.measure_fanout(
                    adapter, base, client.Options(), probe, clients=n, reps=args.reps, warmup=3
                )
            )
            per_fanout = out["server_cpu_ms_per_fanout"]
            rows.append((n, per_fanout))
            print(
                f"{n:>6} pages: last page p50 {out['last_ms']['p50_ms']} ms, server CPU"
                f" {per_fanout} ms per fan-out, {per_fanout / n:.4f} ms per page"
                f" ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    for (n0, c0), (n1, c1) in itertools.pairwise(rows):
        print(f"one more page, {n0} → {n1} pages: {(c1 - c0) / (n1 - n0):.4f} ms")


if __name__ == "__main__":
    main()
