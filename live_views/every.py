"""``Every(seconds).due()``: yes at most once per interval, for chores a request runs now and then
(sweeping old uploads, dropping idle HTTP pages) rather than a timer thread of their own."""

from __future__ import annotations

import threading
import time


class Every:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last = float("-inf")  # a process just started is due at once
        self._lock = threading.Lock()  # requests run on several threads; one of them does the chore

    def due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self.seconds:
                return False
            self._last = now
            return True
