#!/usr/bin/env python3
"""py-spy of the server during ``under_load``'s sustained phase only (bench/gc_under_load.py's
short run: 10,000 pages of /shared/, then 8 s of 100 saves/s while 50 pages send events).

    bench/.work/venvs/bench/bin/python bench/profile_under_load.py OUT.txt

Sampling starts with the first save of the sustained phase (the untimed set-up saves retry, the
timed ones do not), so the page loads and joins before it are left out. OUT.txt holds py-spy's
raw collapsed stacks; ``profile_server.summarize`` reads them. Prints the phase's main figures.
Needs the venvs of one ``make bench``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import extra  # noqa: E402
import under_load  # noqa: E402

PY_SPY = BENCH / ".work" / "venvs" / "tools" / "bin" / "py-spy"
SECONDS = 8


def sample_from_first_timed_save(out: Path) -> None:
    post = under_load._post_value
    started = False

    async def post_value(http: Any, path: str, tries: int = 1) -> int:
        nonlocal started
        if tries == 1 and not started:
            started = True
            pid = subprocess.run(
                ["pgrep", "-n", "-f", "uvicorn"], capture_output=True, text=True, check=True
            ).stdout.split()[0]
            subprocess.Popen(
                [str(PY_SPY), "record", "--rate", "200", "--nonblocking", "--duration",
                 str(SECONDS), "--format", "raw", "-o", str(out), "--pid", pid],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        return await post(http, path, tries)

    under_load._post_value = post_value


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    sample_from_first_timed_save(out)
    ctx = extra.Context(BENCH / ".work")
    if ctx.run_bench.pinning_ok():
        os.sched_setaffinity(0, {ctx.run_bench.CLIENT_CPU})
    targets = json.loads((ctx.work / "targets.json").read_text())["targets"]
    target = next(t for t in targets if t["name"] == "live_views-uvicorn")
    sizes = dict(extra.FULL["under_load"], seconds=SECONDS, warmup=2)
    sustained = under_load.phase_under_load(ctx, target, sizes)["sustained"]
    print(
        json.dumps(
            {
                "saves answered per s": sustained["saves_per_s"],
                "save request p50 ms": sustained["save_request"]["p50_ms"],
                "save to last page p50 ms": sustained["update_to_last_page"]["p50_ms"],
                "active events p99 ms": sustained["event_round_trip"]["p99_ms"],
                "profile": str(out),
            }
        )
    )


if __name__ == "__main__":
    main()
