"""A free local TCP port for a benchmark's server (the bench scripts run from bench/, so they
import this module by its bare name, as extra.py imports under_load)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
