"""Budgets count what frames cost: the server time their work used is charged to the socket and
to its owner (user, session or address), whose sockets share one budget."""

from __future__ import annotations

import pytest

from live_views.socket import budgets, limits
from tests.limit_fixtures import from_address
from tests.live_helpers import assert_count_continues, count, send_raw
from tests.test_limits import assert_rate_limited


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
    # The third's work left the budget in debt: the next frame waits for it rather than being
    # refused (a click after a password check is slow, not lost)...
    assert "error" not in heavy.send("increment")
    assert clock.waits == [pytest.approx(3.0)]  # two tokens of debt and its own, at one a second
    assert count(heavy) == 4
    # ...but only that one: its own work, into debt again, earns the next no wait.
    assert_rate_limited(heavy.send("increment"))
    clock.advance(4)  # four tokens back: the debt is paid, but no token is left
    assert_rate_limited(heavy.send("increment"))
    clock.advance(1)
    assert "error" not in heavy.send("increment")
    assert count(heavy) == 5
    assert len(clock.waits) == 1


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
    third = visitor.live("/counter/", join=False)  # its mount puts the owner in debt (-2)
    # Its join waits for the owner's budget to pay for the mount, then runs (into debt again)...
    assert send_raw(third, {"join": {"version": "0.1.0", "blocks": {}}})["joined"]
    assert clock.waits == [pytest.approx(1.5)]  # three tokens at the owner's two a second
    # ...and the owner's next frame, from any of its sockets, is refused until it is paid.
    assert_rate_limited(first.send("increment"))  # its own budget has tokens left; the owner not
    neighbour = clients(application=from_address("198.51.100.2")).live("/counter/")
    assert "error" not in neighbour.send("increment")
    clock.advance(2.5)  # five tokens back: out of debt (-4), one token
    assert "error" not in first.send("increment")
    assert count(first) == 1


def test_a_broadcast_refresh_is_charged_but_never_into_debt():
    bucket = limits.EventBucket()
    bucket.spend(1.0)
    bucket.charge(10.0, into_debt=False)  # a thousand tokens' worth of refreshing
    assert bucket.tokens == 0
    bucket.charge(0.05)  # an event of the page's own: into debt
    assert bucket.tokens == pytest.approx(-4.0)


def test_only_work_that_put_the_budget_in_debt_makes_the_next_frame_wait(clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 10, "EVENT_BURST": 5}
    refreshed = limits.EventBucket()
    refreshed.take(waited=False)
    refreshed.charge(1.0, into_debt=False)  # other users' saves: no debt, so no wait either
    assert refreshed.wait() is None

    heavy = limits.EventBucket()
    heavy.take(waited=False)
    heavy.charge(0.3)  # 29 tokens more than the 4 left: 25 in debt
    assert heavy.wait() == pytest.approx(2.6)  # 26 tokens at ten a second
    heavy.take(waited=True)
    heavy.charge(0.3)
    assert heavy.wait() is None  # a frame that waited earns the next none

    costlier = limits.EventBucket()
    costlier.take(waited=False)
    costlier.charge(0.6)  # 55 in debt: more than LONGEST_WAIT (5 s) to pay back
    assert limits.LONGEST_WAIT == 5.0
    assert costlier.wait() is None
    clock.advance(1)
    assert costlier.wait() == pytest.approx(4.6)


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
