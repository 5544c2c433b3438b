"""Warnings for the frames a socket had refused, rate-limited: a client sending thousands of bad
frames must not write thousands of log lines. Each socket logs ``BURST`` at once, then one every
``EVERY`` seconds; the line that is logged says how many were left out."""

from __future__ import annotations

import logging

from live_views.socket import limits

logger = logging.getLogger("live_views")

BURST = 5
EVERY = 10.0


class RefusalLog:
    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("allowance", "at", "left_out")

    def __init__(self) -> None:
        self.allowance = float(BURST)
        self.at = limits.clock()
        self.left_out = 0

    def warning(self, message: str, *args: object) -> None:
        now = limits.clock()
        self.allowance = min(float(BURST), self.allowance + max(0.0, now - self.at) / EVERY)
        self.at = now
        if self.allowance < 1:
            self.left_out += 1
            return
        self.allowance -= 1
        if self.left_out:
            message += " (%d more refused frames of this socket were not logged)"
            args = (*args, self.left_out)
            self.left_out = 0
        logger.warning(message, *args)
