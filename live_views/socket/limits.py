"""Flood control: a token bucket on each socket's events, and a cap on the sockets one session
(or user, or address) may hold open in this process."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from live_views.conf import conf

# The clock the buckets read; a module attribute so tests can move time without sleeping.
clock = time.monotonic


class EventBucket:
    """``EVENT_BURST`` events at once, refilled at ``EVENT_RATE`` a second.

    Refused events fill a second bucket that drains at the same rate: a client that keeps
    sending faster than twice the rate overflows it by ``EVENT_BURST`` and is ``flooding``.
    """

    def __init__(self) -> None:
        self.tokens: float | None = None  # full until first used
        self.refused = 0.0
        self.at = clock()

    def allow(self) -> bool:
        rate, burst = conf.EVENT_RATE, conf.EVENT_BURST
        if rate is None or burst is None:
            return True
        now = clock()
        elapsed, self.at = max(0.0, now - self.at), now
        tokens = burst if self.tokens is None else self.tokens
        self.tokens = min(float(burst), tokens + elapsed * rate)
        self.refused = max(0.0, self.refused - elapsed * rate)
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False

    @property
    def flooding(self) -> bool:
        burst = conf.EVENT_BURST
        return burst is not None and self.refused > burst


class ConnectionSlot:
    """One open socket counted against its owner; ``release()`` is safe to call twice."""

    def __init__(self, key: str | None) -> None:
        self.key = key

    def release(self) -> None:
        with _lock:
            if self.key is not None:
                _open[self.key] -= 1
                if _open[self.key] <= 0:
                    del _open[self.key]
                self.key = None


# Per process: a user with sockets on several workers has up to the cap on each.
_lock = threading.Lock()
_open: Counter[str] = Counter()


def take_connection_slot(
    scope: Mapping[str, Any], session: Any, user: Any
) -> ConnectionSlot | None:
    """A slot for one more socket of this user, session or address; None when over the cap."""
    limit = conf.MAX_CONNECTIONS_PER_SESSION
    key = connection_owner(scope, session, user)
    if limit is None or key is None:
        return ConnectionSlot(None)
    with _lock:
        if _open[key] >= limit:
            return None
        _open[key] += 1
    return ConnectionSlot(key)


def connection_owner(scope: Mapping[str, Any], session: Any, user: Any) -> str | None:
    """Whom a socket counts against: its user, else its session, else its client address
    (None when the server gives none, e.g. over a unix socket: such sockets are not capped)."""
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    session_key = getattr(session, "session_key", None)
    if session_key:
        return f"session:{session_key}"
    client = scope.get("client")
    if client and client[0]:
        return f"address:{client[0]}"
    return None


def open_connections(owner: str) -> int:
    with _lock:
        return _open[owner]
