#!/usr/bin/env python3
"""py-spy of the server during ``under_load``'s sustained phase only: bench/gc_under_load.py's
short run (10,000 pages of /shared/, then 8 s of 100 saves/s while 50 pages send events).

    bench/.work/venvs/bench/bin/python bench/profile_under_load.py

Sampling starts with the first save of the sustained phase (the untimed set-up saves retry, the
timed ones do not), so the page loads and joins before it are left out. py-spy's raw collapsed
stacks go to bench/.work/profiles/under_load.txt (``profile_server.summarize`` reads them); the
run's main figures are printed. Needs the venvs of one ``make bench``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import gc_under_load  # noqa: E402
import profile_server  # noqa: E402
import under_load  # noqa: E402


def main() -> None:
    post = under_load._post_value
    spy: list[tuple[Path, subprocess.Popen[bytes]]] = []

    async def post_value(http: Any, path: str, tries: int = 1) -> int:
        if tries == 1 and not spy:  # the first timed save
            pid = subprocess.run(
                ["pgrep", "-n", "-f", "uvicorn"], capture_output=True, text=True, check=True
            ).stdout.split()[0]
            spy.append(profile_server.record(pid, gc_under_load.SECONDS, "under_load"))
        return await post(http, path, tries)

    under_load._post_value = post_value
    gc_under_load.main()
    if not spy:
        raise SystemExit("the sustained phase never started: nothing was sampled")
    raw, process = spy[0]
    _, err = process.communicate(timeout=60)
    if process.returncode != 0:
        raise SystemExit(f"py-spy failed: {err.decode()[-1000:]}")
    print(f"profile: {raw}")


if __name__ == "__main__":
    main()
