#!/usr/bin/env python3
"""A shorter ``under_load`` phase (bench/under_load.py): 10,000 pages of /shared/, 10 single
fan-outs, then 8 s of 100 saves/s while 50 pages send events; prints its main figures.

    PYTHONPATH=bench/gc_hook:. bench/.work/venvs/bench/bin/python bench/gc_under_load.py

With ``bench/gc_hook`` on the path the server also writes its garbage-collector time
(see that folder). Another checkout: put it in place of ``.``. Needs the venvs of one
``make bench``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import extra  # noqa: E402
import under_load  # noqa: E402

SECONDS = 8  # of sustained load


def main() -> None:
    ctx = extra.Context(BENCH / ".work")
    target = ctx.measured_target("live_views-uvicorn")
    sizes = dict(extra.FULL["under_load"], seconds=SECONDS, warmup=2)
    out = under_load.phase_under_load(ctx, target, sizes)
    single, sustained = out["single_fanout"], out["sustained"]
    print(
        json.dumps(
            {
                "single fan-out, last page p50 ms": single["last_page"]["p50_ms"],
                "server CPU ms per page": single["server_cpu_ms_per_page"],
                "saves answered per s": sustained["saves_per_s"],
                "save request p50 ms": sustained["save_request"]["p50_ms"],
                "save to last page p50 ms": sustained["update_to_last_page"]["p50_ms"],
                "active events p99 ms": sustained["event_round_trip"]["p99_ms"],
            }
        )
    )


if __name__ == "__main__":
    main()
