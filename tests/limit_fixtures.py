"""Fixtures for the flood-control tests (test_limits.py, test_budgets.py): clocks moved by hand,
so no test sleeps and none depends on the machine's speed, and clients from a given address."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from channels.routing import get_default_application

from live_views.socket import fairness, limits
from tests.live_helpers import TrackingLiveClient


class Clock:
    """The clock the event buckets read, moved by hand: no test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.advance(seconds)

    async def async_wait(self, seconds: float) -> None:
        self.wait(seconds)


class ThreadClock:
    """The CPU time the worker thread reads: it moves only when a test says work cost some."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cpu(monkeypatch) -> ThreadClock:
    fake = ThreadClock()
    monkeypatch.setattr(fairness, "thread_clock", fake)
    return fake


class CostlyWork:
    """The fake thread clock moves ``seconds`` on each hop: every join and event costs that."""

    def __init__(self, thread_clock: ThreadClock, seconds: float) -> None:
        self.cpu = thread_clock
        self.seconds = seconds
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        # Two reads per hop (before, after): the second is ``seconds`` later.
        self.cpu.now += self.seconds if self.reads % 2 == 0 else 0.0
        return self.cpu.now


@pytest.fixture
def costly(monkeypatch, cpu) -> Any:
    def make(seconds: float) -> CostlyWork:
        work = CostlyWork(cpu, seconds)
        monkeypatch.setattr("live_views.socket.fairness.thread_clock", work)
        return work

    return make


@pytest.fixture
def clock(monkeypatch, cpu) -> Clock:
    # Budgets count frames and the server time their work used: with the thread's clock held
    # still, every frame costs exactly one token and no test depends on the machine's speed.
    fake = Clock()
    monkeypatch.setattr(limits, "clock", fake)
    monkeypatch.setattr(fairness, "clock", fake)
    # A frame that waits for its budget (limits.LONGEST_WAIT) moves this clock, and records
    # how long it waited, instead of sleeping.
    monkeypatch.setattr(limits, "sleep", fake.wait)
    monkeypatch.setattr(limits, "async_sleep", fake.async_wait)
    return fake


@pytest.fixture
def clients() -> Iterator[Any]:
    made: list[TrackingLiveClient] = []

    def make(**kwargs: Any) -> TrackingLiveClient:
        client = TrackingLiveClient(**kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def from_address(address: str) -> Any:
    """The project's ASGI application, with every socket coming from ``address``."""
    application = get_default_application()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        return await application({**scope, "client": (address, 50123)}, receive, send)

    return app
