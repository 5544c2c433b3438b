"""Budgets count what frames cost: the server time their work used is charged to the socket and
to its owner (user, session or address), whose sockets share one budget."""

from __future__ import annotations

from typing import Any

import pytest

from live_views.socket import budgets, limits
from tests.limit_fixtures import ThreadClock, from_address
from tests.live_helpers import assert_count_continues, count, send_raw
from tests.test_limits import assert_rate_limited


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


def test_an_event_pays_for_the_server_time_it_used(clients, clock, costly, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 22}
    cheap = clients().live("/counter/")
    for _ in range(21):  # the join and 21 events: one token each
        assert "error" not in cheap.send("increment")
    assert_rate_limited(cheap.send("increment"))

    # 50 ms of server time is five tokens' worth (SERVER_TIME_PER_EVENT = 10 ms).
    assert pytest.approx(0.010) == limits.SERVER_TIME_PER_EVENT
    costly(0.050)
    heavy = clients().live("/counter/")  # mounting and joining: 4 + 5 tokens
    for expected in (1, 2, 3):  # 19 spent after two; the third runs on the last 3, into debt
        assert "error" not in heavy.send("increment")
        assert count(heavy) == expected
    assert_rate_limited(heavy.send("increment"))

    clock.advance(2)  # two tokens back: the debt is paid, but no token is left
    assert_rate_limited(heavy.send("increment"))
    clock.advance(1)
    assert "error" not in heavy.send("increment")
    assert count(heavy) == 4


def test_an_owners_sockets_share_one_budget(clients, clock, settings):
    # A visitor's sockets together get twice one socket's budget: more sockets buy no more.
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}
    assert budgets.OWNER_SCALE == 2
    visitor = clients(application=from_address("203.0.113.7"))
    first, second = visitor.live("/counter/"), visitor.live("/counter/")  # two tokens
    for _ in range(2):
        first.send("increment")
    second.send("increment")
    second.send("increment")  # six: the owner's whole budget, though each socket has one left
    assert_rate_limited(second.send("increment"))
    third = visitor.live("/counter/", join=False)
    assert_rate_limited(send_raw(third, {"join": {"version": "0.1.0", "blocks": {}}}))
    assert count(first) == 2
    assert count(second) == 2

    # Another visitor has a budget of their own; this one's refills with time.
    assert_count_continues(clients(application=from_address("198.51.100.2")).live("/counter/"), 0)
    clock.advance(1)
    assert_count_continues(first, 2)


def test_server_time_is_charged_to_the_owner_too(clients, clock, costly, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 10}  # the owner's: 20
    visitor = clients(application=from_address("203.0.113.7"))
    costly(0.050)  # every mount and join: five tokens
    first = visitor.live("/counter/")
    visitor.live("/counter/")  # two mounts and two joins: the owner's 20
    third = visitor.live("/counter/", join=False)  # its mount puts the owner in debt
    assert_rate_limited(send_raw(third, {"join": {"version": "0.1.0", "blocks": {}}}))
    assert_rate_limited(first.send("increment"))  # its own budget has tokens left; the owner not
    neighbour = clients(application=from_address("198.51.100.2")).live("/counter/")
    assert "error" not in neighbour.send("increment")
    clock.advance(2)  # the owner refills at twice the rate: out of debt, two tokens
    assert "error" not in first.send("increment")
    assert count(first) == 1


def test_a_broadcast_refresh_is_charged_but_never_into_debt():
    bucket = limits.EventBucket()
    bucket.spend(1.0)
    bucket.charge(10.0, into_debt=False)  # a thousand tokens' worth of refreshing
    assert bucket.tokens == 0
    bucket.charge(0.05)  # an event of the page's own: into debt
    assert bucket.tokens == pytest.approx(-4.0)


def test_owners_are_kept_per_process_and_found_again():
    one = budgets.owner_budget("address:203.0.113.7")
    assert budgets.owner_budget("address:203.0.113.7") is one
    assert budgets.owner_budget("address:198.51.100.2") is not one
    assert budgets.owner_budget(None) is None


def test_five_sockets_pipelining_heavy_events_are_refused_then_closed(clients, clock, costly):
    # Issue 14's flood, with the default limits: five sockets without a session pipeline heavy
    # events (50 ms of server time each). It used to run them all and send no rate_limited.
    costly(0.050)
    flooder = clients(application=from_address("203.0.113.7"))
    sockets = [flooder.live("/counter/") for _ in range(5)]
    for page in sockets:
        for ref in range(1, 151):
            page.send_frame({"event": "increment", "args": {}, "ref": ref})
    codes: dict[str, int] = {}
    for page in sockets:
        while (reply := page.receive(timeout=10)) is not None:
            code = reply.get("error", {}).get("code", "ok")
            codes[code] = codes.get(code, 0) + 1
        assert page.close_code == 4429
    # The address's budget (80 tokens at the defaults) paid for the mounts, the joins and a
    # handful of events; everything else was refused, and each socket closed.
    assert codes["ok"] < 20, codes
    assert codes["rate_limited"] == 5 * 40, codes

    honest = clients(application=from_address("198.51.100.2")).live("/counter/")
    assert_count_continues(honest, 0)
