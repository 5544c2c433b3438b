"""Flood control: a socket that sends events too fast is throttled, then closed (4429); a session
that opens too many sockets has the extra ones closed (4429) before they mount. Other pages and
other users never notice."""

from __future__ import annotations

import logging
import time
from typing import Any
from unittest import mock

import pytest

from live_views.checks import check_settings
from live_views.socket import limits, mount, refusal_log
from live_views.testing import LiveRefused
from tests.limit_fixtures import from_address
from tests.live_helpers import (
    SOCKET,
    assert_count_continues,
    count,
    mint_token,
    refusal_code,
    send_raw,
    until,
)
from tests.testapp import work_views


def assert_rate_limited(reply: dict[str, Any] | None, ref: int | None = None) -> None:
    assert reply is not None, "the server closed the socket instead of answering"
    assert reply["error"]["code"] == "rate_limited", reply
    assert "content" not in reply
    if ref is not None:
        assert reply["ref"] == ref


def increment(page, ref: int) -> dict[str, Any] | None:
    return send_raw(page, {"event": "increment", "args": {"amount": 1}, "ref": ref})


# -- the event rate -------------------------------------------------------------------------------


def test_an_event_over_the_burst_is_refused_and_changes_nothing(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 4}  # the join takes one
    page = clients().live("/counter/")
    for _ in range(3):
        page.send("increment")
    assert count(page) == 3
    html = page.html

    reply = page.send("increment", amount=5)

    assert_rate_limited(reply, ref=4)
    assert "Too many events" in reply["error"]["message"]
    assert page.html == html
    assert count(page) == 3


def test_other_pages_keep_their_own_budget(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 4}  # the join takes one
    client = clients()
    flooded, calm = client.live("/counter/"), client.live("/counter/")
    stranger = clients().live("/counter/")
    for _ in range(3):
        flooded.send("increment")
    assert_rate_limited(flooded.send("increment"))

    # Another tab of the same visitor, and another visitor, spend their own budgets.
    for page in (calm, stranger):
        for expected in (1, 2, 3):
            assert "error" not in page.send("increment")
            assert count(page) == expected


def test_the_budget_refills_at_the_rate(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 2, "EVENT_BURST": 4}  # the join takes one
    page = clients().live("/counter/")
    for _ in range(3):
        page.send("increment")
    assert_rate_limited(page.send("increment"))

    clock.advance(0.5)  # one event's worth at 2 a second
    assert_count_continues(page, 3)
    assert_rate_limited(page.send("increment"))

    clock.advance(60)  # refills up to the burst, no further
    for expected in (5, 6, 7, 8):
        assert "error" not in page.send("increment")
        assert count(page) == expected
    assert_rate_limited(page.send("increment"))


def test_the_default_limit_allows_a_burst_of_forty(clients, clock):
    page = clients().live("/counter/")  # its join is the first of the forty frames
    for ref in range(1, 40):
        assert "error" not in increment(page, ref)
    assert count(page) == 39
    assert_rate_limited(increment(page, 40), ref=40)
    clock.advance(0.06)  # a little over one event at 20 a second
    assert_count_continues(page, 39)


def test_a_second_join_is_refused_and_pays_like_any_frame(clients, clock, settings):
    # Each join renders the whole page: 2,000 joins on one socket used to get 2,000 renders.
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}
    page = clients().live("/counter/")  # joined once: one token
    join = {"join": {"version": "0.1.0", "blocks": {}}}
    reply = send_raw(page, join)
    assert reply["error"]["code"] == "bad_frame"
    assert "joined already" in reply["error"]["message"]
    assert "content" not in reply
    page.send("increment")
    assert count(page) == 1
    assert_rate_limited(send_raw(page, join))
    assert_rate_limited(page.send("increment"))
    assert count(page) == 1


@pytest.mark.parametrize(
    "frame",
    [
        {"join": {"version": "0.1.0", "blocks": {}}},
        "not json",
        {"event": "y" * 100, "ref": 1},  # a name too long to be any event
        {"event": "not_an_event", "ref": 1},
        {"params": "a=1", "ref": 1},
        {"event": "increment", "args": {"amount": "x"}, "ref": 1},
    ],
    ids=["join", "malformed", "long-name", "unknown-event", "params", "bad-arguments"],
)
def test_every_kind_of_frame_pays_and_a_flood_of_it_is_closed_4429(
    clients, clock, settings, frame, caplog
):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}
    page = clients().live("/counter/")  # the join takes one token
    with caplog.at_level(logging.WARNING, logger="live_views"):
        replies = [send_raw(page, frame) for _ in range(2)]
        assert all(reply is not None and "rate_limited" not in str(reply) for reply in replies)
        for _ in range(3):  # refused, and told so
            assert_rate_limited(send_raw(page, frame))
        assert send_raw(page, frame) is None  # one refusal too many: closed
    assert page.close_code == 4429
    assert count(page) == 0


def test_refused_frames_write_a_bounded_number_of_log_lines(clients, clock, settings, caplog):
    settings.LIVE_VIEWS = {"EVENT_RATE": None}
    page = clients().live("/counter/")
    with caplog.at_level(logging.WARNING, logger="live_views"):
        for ref in range(200):
            reply = send_raw(page, {"event": "y" * 100, "ref": ref})
            assert reply["error"]["code"] == "unknown_event"
        lines = [r for r in caplog.records if "refused" in r.getMessage()]
        assert len(lines) == refusal_log.BURST
        clock.advance(refusal_log.EVERY)
        send_raw(page, "not json")
    last = [r for r in caplog.records if "refused" in r.getMessage()][-1].getMessage()
    assert f"({200 - refusal_log.BURST} more refused frames of this socket were not logged)" in last
    assert_count_continues(page, 0)


def test_a_client_that_keeps_flooding_is_closed_4429(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}
    client = clients()
    page, other_tab = client.live("/counter/"), client.live("/counter/")
    for ref in (1, 2):  # the join took the third token
        increment(page, ref)
    for ref in (3, 4, 5):  # refused, and told so
        assert_rate_limited(increment(page, ref), ref=ref)
    html = page.html

    assert increment(page, 6) is None  # one refusal too many: closed

    assert page.close_code == 4429
    assert page.html == html
    assert count(page) == 2
    assert_count_continues(other_tab, 0)


def test_a_client_a_little_over_the_rate_is_throttled_not_closed(clients, clock, settings):
    # Twice the rate: every other event runs; the refusals drain as fast as they come.
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}  # the join takes one
    page = clients().live("/counter/")
    page.send("increment")
    page.send("increment")
    for second in range(20):
        clock.advance(1)
        assert "error" not in page.send("increment")
        assert_rate_limited(page.send("increment"))
        assert count(page) == 3 + second
    assert page.close_code is None


def test_malformed_frames_count_against_the_rate(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 3}  # the join takes one
    page = clients().live("/counter/")
    for _ in range(2):
        assert send_raw(page, "not json")["error"]["code"] == "bad_frame"
    assert_rate_limited(send_raw(page, "not json"))
    assert_rate_limited(page.send("increment"))
    assert_rate_limited(send_raw(page, "not json"))
    assert send_raw(page, "not json") is None  # past the burst of refusals: closed
    assert page.close_code == 4429


def test_an_event_rate_of_none_turns_the_limit_off(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": None}
    page = clients().live("/counter/")
    for ref in range(1, 201):
        assert "error" not in increment(page, ref)
    assert count(page) == 200


def test_async_handlers_are_limited_too(clients, clock, settings):
    settings.LIVE_VIEWS = {"EVENT_RATE": 1, "EVENT_BURST": 2}  # the join takes one
    page = clients().live("/async/")
    page.send("add_async", amount=2)
    assert_rate_limited(page.send("add_async", amount=2))
    assert count(page) == 2


# -- connections per session ----------------------------------------------------------------------


def test_sockets_over_the_cap_are_closed_4429_before_mounting(clients, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 2}
    client = clients(application=from_address("203.0.113.7"))
    first, second = client.live("/counter/"), client.live("/counter/")

    with (
        mock.patch.object(mount, "dispatch_mount", wraps=mount.dispatch_mount) as dispatch,
        pytest.raises(LiveRefused) as refused,
    ):
        client.live("/counter/")
    assert refused.value.code == 4429
    assert dispatch.call_count == 0  # the view never ran

    # The open pages, and a visitor from another address, carry on.
    assert_count_continues(first, 0)
    assert_count_continues(second, 0)
    neighbour = clients(application=from_address("198.51.100.2"))
    assert_count_continues(neighbour.live("/counter/"), 0)


def test_closing_a_page_frees_its_place(clients, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1}
    client = clients(application=from_address("203.0.113.7"))
    page = client.live("/counter/")
    page.close()
    assert limits.open_connections("address:203.0.113.7") == 0
    assert_count_continues(client.live("/counter/"), 0)
    assert limits.open_connections("address:203.0.113.7") == 1


def test_refused_and_failed_mounts_take_no_place(clients, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1}
    client = clients(application=from_address("203.0.113.7"))
    for _ in range(3):
        assert refusal_code(client, f"{SOCKET}?t={mint_token('/guarded/', 'key=shut')}") == 4403
    with mock.patch.object(mount, "dispatch_mount", side_effect=RuntimeError("boom")):
        for _ in range(3):
            with pytest.raises(RuntimeError, match="boom"):
                client.live("/counter/")
    assert limits.open_connections("address:203.0.113.7") == 0
    assert_count_continues(client.live("/counter/"), 0)


def test_a_socket_the_server_closed_frees_its_place(clients, clock, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1, "EVENT_RATE": 1, "EVENT_BURST": 2}
    client = clients(application=from_address("203.0.113.7"))
    page = client.live("/counter/")
    for ref in range(1, 10):
        if increment(page, ref) is None:
            break
    assert page.close_code == 4429
    page._loop.run(
        page._page._communicator.send_input({"type": "websocket.disconnect", "code": 4429})
    )
    page._loop.run(page._page._communicator.wait(5))
    assert limits.open_connections("address:203.0.113.7") == 0
    assert_count_continues(client.live("/counter/"), 0)


def test_the_cap_counts_a_users_sockets_across_sessions(clients, live_db, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 2}
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    alice, bob = users.create_user("alice", password="pw"), users.create_user("bob", password="pw")
    laptop, phone, bobs = clients(), clients(), clients()
    laptop.force_login(alice)
    phone.force_login(alice)
    bobs.force_login(bob)
    pages = [laptop.live("/private/"), phone.live("/private/")]

    with pytest.raises(LiveRefused) as refused:
        laptop.live("/private/")
    assert refused.value.code == 4429
    with pytest.raises(LiveRefused):
        phone.live("/counter/")

    bobs_pages = [bobs.live("/private/"), bobs.live("/private/")]
    for page in pages + bobs_pages:
        assert_count_continues(page, 0)


def test_anonymous_visitors_are_capped_per_session(clients, live_db, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1}
    # Two visitors behind one address, each with a session: each has a place of their own.
    first = clients(application=from_address("203.0.113.7"))
    second = clients(application=from_address("203.0.113.7"))
    for client in (first, second):
        session = client.http.session
        session["seen"] = True
        session.save()
    pages = [first.live("/counter/"), second.live("/counter/")]
    with pytest.raises(LiveRefused) as refused:
        first.live("/counter/")
    assert refused.value.code == 4429
    for page in pages:
        assert_count_continues(page, 0)


def test_sockets_without_a_known_address_are_not_capped(clients, settings):
    # The server gave no client address (a unix socket): there is no one to count against.
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1}
    client = clients()
    pages = [client.live("/counter/") for _ in range(3)]
    for page in pages:
        assert_count_continues(page, 0)


def test_a_cap_of_none_turns_it_off(clients, settings):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": None}
    client = clients(application=from_address("203.0.113.7"))
    pages = [client.live("/counter/") for _ in range(25)]
    assert_count_continues(pages[-1], 0)
    assert limits.open_connections("address:203.0.113.7") == 0


def test_the_default_cap_is_twenty(clients):
    client = clients(application=from_address("203.0.113.7"))
    pages = [client.live("/counter/") for _ in range(20)]
    with pytest.raises(LiveRefused) as refused:
        client.live("/counter/")
    assert refused.value.code == 4429
    pages[0].close()
    assert_count_continues(client.live("/counter/"), 0)


# -- sockets that never join -----------------------------------------------------------------------


def test_a_socket_that_never_joins_is_closed_and_frees_its_place(clients, settings):
    # Pages join as soon as their socket opens; one that does not within JOIN_TIMEOUT is closed
    # (it used to stay open for ever, holding its place under the connection cap).
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": 1, "JOIN_TIMEOUT": 0.3}
    client = clients(application=from_address("203.0.113.7"))
    idle = client.live("/counter/", join=False)

    # Until then it counts against the cap like any socket.
    with pytest.raises(LiveRefused) as refused:
        client.live("/counter/")
    assert refused.value.code == 4429

    assert idle.receive(timeout=5) is None
    assert idle.close_code == 4400
    assert limits.open_connections("address:203.0.113.7") == 0
    assert_count_continues(client.live("/counter/"), 0)


def test_a_join_that_came_in_time_is_answered_however_long_it_waits(clients, settings):
    # The join arrives within JOIN_TIMEOUT but waits for a busy worker thread past it.
    settings.LIVE_VIEWS = {"JOIN_TIMEOUT": 0.5, "EVENT_RATE": None}
    work_views.ran.clear()
    work_views.released.clear()
    client = clients()
    late = client.live("/work/", join=False)
    busy = client.live("/work/")
    try:
        busy.send_frame({"event": "hold", "ref": 1})
        until(lambda: "hold" in work_views.ran, "the held event runs")
        late.send_frame({"join": {"version": "0.1.0", "blocks": {}}})
        time.sleep(1.0)  # past the timeout, the thread still held
    finally:
        work_views.released.set()
    reply = late.receive(timeout=5)
    assert reply is not None
    assert reply["joined"] is True
    assert late.close_code is None
    busy.receive(timeout=5)


def test_a_joined_socket_outlives_the_join_timeout(clients, settings):
    settings.LIVE_VIEWS = {"JOIN_TIMEOUT": 0.2}
    page = clients().live("/counter/")
    time.sleep(0.4)
    assert_count_continues(page, 0)
    assert page.close_code is None


def test_a_join_timeout_of_none_turns_it_off(clients, settings):
    settings.LIVE_VIEWS = {"JOIN_TIMEOUT": None}
    page = clients().live("/counter/", join=False)
    with pytest.raises(TimeoutError):
        page.receive(timeout=0.4)  # neither a frame nor a close
    assert page.close_code is None
    reply = send_raw(page, {"join": {"version": "0.1.0", "blocks": {}}})
    assert reply["joined"] is True


def test_the_default_join_timeout_is_ten_seconds(settings):
    settings.LIVE_VIEWS = {}
    from live_views.conf import conf

    assert conf.JOIN_TIMEOUT == 10


# -- settings checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["EVENT_RATE", "EVENT_BURST"])
@pytest.mark.parametrize("value", [0, -1, "20", 2.5, True, [20]], ids=repr)
def test_e016_fires_on_a_bad_event_limit(settings, key, value):
    settings.LIVE_VIEWS = {key: value}
    (error,) = check_settings()
    assert error.id == "live_views.E016"
    assert repr(value) in error.msg
    assert "None" in error.hint


@pytest.mark.parametrize("value", [0, -5, "20", 1.5, False], ids=repr)
def test_e017_fires_on_a_bad_connection_cap(settings, value):
    settings.LIVE_VIEWS = {"MAX_CONNECTIONS_PER_SESSION": value}
    (error,) = check_settings()
    assert error.id == "live_views.E017"
    assert repr(value) in error.msg
    assert "None" in error.hint


@pytest.mark.parametrize("value", [0, -1, "10", True, float("nan"), float("inf"), [10]], ids=repr)
def test_e018_fires_on_a_bad_join_timeout(settings, value):
    settings.LIVE_VIEWS = {"JOIN_TIMEOUT": value}
    (error,) = check_settings()
    assert error.id == "live_views.E018"
    assert repr(value) in error.msg
    assert "None" in error.hint


@pytest.mark.parametrize("value", [0.5, 10, 60, None])
def test_a_join_timeout_in_seconds_or_none_is_accepted(settings, value):
    settings.LIVE_VIEWS = {"JOIN_TIMEOUT": value}
    assert check_settings() == []


@pytest.mark.parametrize("value", [1, 500, None])
def test_positive_limits_and_none_are_accepted(settings, value):
    settings.LIVE_VIEWS = {
        "EVENT_RATE": value,
        "EVENT_BURST": value,
        "MAX_CONNECTIONS_PER_SESSION": value,
    }
    assert check_settings() == []
