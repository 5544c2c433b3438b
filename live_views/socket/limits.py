"""Flood control: a token bucket on each socket's events, and a cap on the sockets one session
(or user, or address) may hold open in this process."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from live_views.conf import conf
from live_views.connect.owners import connection_owner

# The clock the buckets read; a module attribute so tests can move time without sleeping.
clock = time.monotonic

# A frame that finds the budget spent by the server time of the frame before it (a password
# check, a heavy report) waits for the rate to pay that back, up to this long, rather than being
# refused: the user's next click is slow, not lost. Only that one frame waits; the frames after
# it are refused as before, so a client that keeps sending heavy frames still floods.
LONGEST_WAIT = 5.0
# How that frame waits: in the request's thread (HTTP transport) or its socket's task. Module
# attributes, as ``clock`` is: tests move their clock instead.
sleep = time.sleep
async_sleep = asyncio.sleep

# One token of the event budget pays for this much server time (CPU time of the worker thread);
# a frame whose work used more pays the rest after it ran. At the default EVENT_RATE of 20, a
# socket may keep a fifth of a core busy.
SERVER_TIME_PER_EVENT = 0.010


# EVENT_RATE and EVENT_BURST, as ``configured_rate()`` reads them.
Rate = tuple[int | None, int | None]


def configured_rate() -> Rate:
    """Read once per frame for all of its buckets (the socket's and its owner's): each read of
    a setting is several calls, and each frame of every socket reads them."""
    return conf.EVENT_RATE, conf.EVENT_BURST


class EventBucket:
    """``EVENT_BURST`` events at once, refilled at ``EVENT_RATE`` a second (times ``scale``).

    Every frame takes one token; server time beyond ``SERVER_TIME_PER_EVENT`` that its work
    used is charged afterwards (``charge``), so the budget counts what frames cost, not only
    how many came. When a frame let in at once put the bucket into debt that way, the next
    frame waits for the debt to be paid (``wait``) instead of being refused. Refused frames
    fill a second bucket that drains at the same rate: a client that keeps sending faster than
    twice the rate overflows it by ``EVENT_BURST`` and is ``flooding``.
    """

    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("at", "owed", "refused", "scale", "tokens", "waited")

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self.tokens: float | None = None  # full until first used
        self.refused = 0.0
        self.at = clock()
        # The last frame let in waited (its work earns the next frame no wait), and the work of
        # one let in at once left the bucket in debt (the next frame may wait for it).
        self.waited = False
        self.owed = False

    def ready(self, configured: Rate | None = None) -> bool:
        """Refill for the time that passed; True when a frame may be handled now.
        ``configured``: the settings as ``configured_rate()`` read them (by default, now)."""
        per_second, at_once = configured or configured_rate()
        if per_second is None or at_once is None:
            return True
        rate, burst = per_second * self.scale, at_once * self.scale
        now = clock()
        elapsed, self.at = max(0.0, now - self.at), now
        tokens = burst if self.tokens is None else self.tokens
        self.tokens = min(float(burst), tokens + elapsed * rate)
        self.refused = max(0.0, self.refused - elapsed * rate)
        return self.tokens >= 1

    def wait(self, configured: Rate | None = None) -> float | None:
        """Refill; 0 when a frame may be handled now, the seconds it must wait first when the
        work of the frame before it left the bucket in debt (at most ``LONGEST_WAIT``), None
        when it is refused."""
        configured = configured or configured_rate()
        if self.ready(configured):
            return 0.0
        per_second = configured[0]
        if not self.owed or per_second is None or self.tokens is None:
            return None
        seconds = (1.0 - self.tokens) / (per_second * self.scale)
        return seconds if seconds <= LONGEST_WAIT else None

    def take(self, *, waited: bool) -> None:
        """A frame let in (after ``wait()``): it pays its token now, and a wait, if any, is
        used up."""
        self.spend(1.0)
        self.waited, self.owed = waited, False

    def spend(self, tokens: float, *, floor: float | None = None) -> None:
        """Take ``tokens``; the bucket may go into debt (below ``floor``, when given, it does
        not), and frames wait until the rate has paid it back."""
        if self.tokens is None:
            burst = conf.EVENT_BURST
            if burst is None:
                return
            self.tokens = burst * self.scale
        left = self.tokens - tokens
        self.tokens = left if floor is None else max(min(floor, self.tokens), left)

    def refuse(self) -> None:
        self.refused += 1

    def charge(self, seconds: float, *, into_debt: bool = True) -> None:
        """Charge the server time a frame's work used, beyond the token it already paid."""
        extra = seconds / SERVER_TIME_PER_EVENT - 1
        if extra > 0:
            self.spend(extra, floor=None if into_debt else 0.0)
            if into_debt and not self.waited and self.tokens is not None and self.tokens < 1:
                self.owed = True

    @property
    def flooding(self) -> bool:
        burst = conf.EVENT_BURST
        return burst is not None and self.refused > burst * self.scale


class ConnectionSlot:
    """One open socket counted against its owner; ``release()`` is safe to call twice."""

    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("__weakref__", "key")

    def __init__(self, key: str | None) -> None:
        self.key = key

    def release(self) -> None:
        if self.key is None:
            # Released already (nearly always so by __del__): no lock, which the garbage
            # collector may call this under, in a thread that holds it.
            return
        with _lock:
            if self.key is not None:
                _open[self.key] -= 1
                if _open[self.key] <= 0:
                    del _open[self.key]
                self.key = None

    def __del__(self) -> None:
        # The consumer releases its page's slot on disconnect; this, a page dropped unseen (its
        # socket went while it mounted). Rather than a weakref.finalize: nothing more per page.
        self.release()


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


def open_connections(owner: str) -> int:
    with _lock:
        return _open[owner]
