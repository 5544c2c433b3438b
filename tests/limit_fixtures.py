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

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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


@pytest.fixture
def clock(monkeypatch, cpu) -> Clock:
    # Budgets count frames and the server time their work used: with the thread's clock held
    # still, every frame costs exactly one token and no test depends on the machine's speed.
    fake = Clock()
    monkeypatch.setattr(limits, "clock", fake)
    monkeypatch.setattr(fairness, "clock", fake)
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
