"""Diagnostic: how much of a server's time goes to Python's garbage collector, per generation.

Put this folder first on the server's ``PYTHONPATH`` (Python imports ``sitecustomize`` at start);
a uvicorn process then appends, every second, one line to ``/tmp/gcstats-<pid>.txt``:
``<unix time> [collections gen0, gen1, gen2] [seconds gen0, gen1, gen2] <process CPU s>``.

    PYTHONPATH=bench/gc_hook:. bench/.work/venvs/bench/bin/python bench/gc_under_load.py

Not part of ``make bench``: the callbacks cost a little on every collection.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from typing import Any

if "uvicorn" in " ".join(sys.argv):
    _count = [0, 0, 0]
    _seconds = [0.0, 0.0, 0.0]
    _started = [0.0]

    def _timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            _started[0] = time.perf_counter()
            return
        generation = info["generation"]
        _seconds[generation] += time.perf_counter() - _started[0]
        _count[generation] += 1

    def _dump() -> None:
        path = f"/tmp/gcstats-{os.getpid()}.txt"
        while True:
            time.sleep(1)
            seconds = [round(s, 3) for s in _seconds]
            with open(path, "a") as out:
                out.write(f"{time.time():.1f} {_count} {seconds} {time.process_time():.2f}\n")

    gc.callbacks.append(_timed)
    threading.Thread(target=_dump, name="gc-stats", daemon=True).start()
