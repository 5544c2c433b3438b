"""Django's database session store, except that reading one chosen session waits until a
given number of requests have read it: they then go on together, as the requests of two
browsers that arrive at the same moment can (tests/test_session_hop.py)."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore


class SessionStore(DatabaseStore):
    # (session key, barrier): set by a test, for that session only.
    gate: ClassVar[tuple[str, threading.Barrier] | None] = None

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        gate = type(self).gate
        if gate is not None and self.session_key == gate[0]:
            gate[1].wait(timeout=10)
        return data
