"""What one socket, and one owner's sockets together, may cost the server.

A socket has its own ``EventBucket``; its owner (user, session, or address: whom the connection
cap counts against) has a second one, twice as large, shared by all the owner's sockets in this
process, so opening more sockets does not buy more server time. Each also keeps the server time
used lately (``Usage``), which orders the queue at the worker thread (``socket/fairness.py``).
"""

from __future__ import annotations

import threading

from live_views.socket import fairness, limits
from live_views.socket.fairness import Usage
from live_views.socket.limits import EventBucket

# An owner's sockets together may spend this many times one socket's budget.
OWNER_SCALE = 2.0
# Owners forgotten after this long without a frame (their buckets have long refilled by then).
OWNER_IDLE = 300.0
_MAX_OWNERS_BEFORE_SWEEP = 10_000


class Budget:
    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("bucket", "usage")

    def __init__(self, scale: float = 1.0) -> None:
        self.bucket = EventBucket(scale)
        self.usage = Usage()


class SocketBudget:
    """One socket's budget and, once its owner is known, the owner's."""

    # One per open socket: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = ("own", "owner")

    def __init__(self) -> None:
        self.own = Budget()
        self.owner: Budget | None = None

    def budgets(self) -> tuple[Budget, ...]:
        return (self.own,) if self.owner is None else (self.own, self.owner)

    @property
    def usages(self) -> tuple[Usage, ...]:
        return tuple(budget.usage for budget in self.budgets())

    def admit(self) -> float | None:
        """One frame: 0 when every budget has a token for it now, the seconds the frame waits
        before it is handled when the server time of the frame before it left a budget in debt
        (``EventBucket.wait``), None when it is refused. A frame let in takes its tokens."""
        budgets = self.budgets()
        rate = limits.configured_rate()
        seconds, refused = 0.0, False
        for budget in budgets:  # each refills, even when one refuses
            wait = budget.bucket.wait(rate)
            if wait is None:
                refused = True
            elif wait > seconds:
                seconds = wait
        if refused:
            self.own.bucket.refuse()
            return None
        for budget in budgets:
            budget.bucket.take(waited=seconds > 0)
        return seconds

    @property
    def flooding(self) -> bool:
        return self.own.bucket.flooding

    def charge(self, seconds: float, *, into_debt: bool = True) -> None:
        """The server time a frame's work (or a broadcast refresh: not ``into_debt``) used."""
        now = fairness.clock()
        # Work within one token's time charges the buckets nothing: most broadcast refreshes
        # (socket/batch.py), where reading each page's bucket cost more than the charge.
        over = seconds > limits.SERVER_TIME_PER_EVENT
        for budget in self.budgets():
            budget.usage.add(seconds, now)
            if over:
                budget.bucket.charge(seconds, into_debt=into_debt)


_lock = threading.Lock()
_owners: dict[str, Budget] = {}


def owner_budget(owner: str | None) -> Budget | None:
    """The budget shared by every socket of ``owner`` in this process (None: no owner)."""
    if owner is None:
        return None
    with _lock:
        budget = _owners.get(owner)
        if budget is None:
            if len(_owners) >= _MAX_OWNERS_BEFORE_SWEEP:
                _forget_idle_owners()
            budget = _owners[owner] = Budget(OWNER_SCALE)
        return budget


def _forget_idle_owners() -> None:
    now = limits.clock()
    for key in [key for key, budget in _owners.items() if now - budget.bucket.at > OWNER_IDLE]:
        del _owners[key]


def forget_owners() -> None:
    """Drop every owner's budget (tests start each from a full one)."""
    with _lock:
        _owners.clear()
