"""Warnings for the frames a page had refused, rate-limited: a client sending thousands of bad
frames must not write thousands of log lines. Each socket (or page on the HTTP transport) logs
``BURST`` at once, then one every ``EVERY`` seconds; the line that is logged says how many were
left out."""

from __future__ import annotations

import logging

from live_views.socket import limits

logger = logging.getLogger("live_views")

BURST = 5
EVERY = 10.0


class RefusalLog:
    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("allowance", "at", "left_out", "of")

    def __init__(self, of: str = "socket") -> None:
        self.allowance = float(BURST)
        self.at = limits.clock()
        self.left_out = 0
        self.of = of  # what refused them, as the left-out count names it

    def warning(self, message: str, *args: object) -> None:
        now = limits.clock()
        self.allowance = min(float(BURST), self.allowance + max(0.0, now - self.at) / EVERY)
        self.at = now
        if self.allowance < 1:
            self.left_out += 1
            return
        self.allowance -= 1
        if self.left_out:
            message += " (%d more refused frames of this %s were not logged)"
            args = (*args, self.left_out, self.of)
            self.left_out = 0
        logger.warning(message, *args)
