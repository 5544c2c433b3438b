"""Page state (``live_state``): kept server-side across a page's sockets, never taken from the
client. Through the real ASGI application and consumer; tests/test_browser_connection.py does the
same with a real server restart under Chromium."""

from __future__ import annotations

import json
import logging
import time
from unittest import mock

import pytest
from django.core.cache import caches
from django.test import override_settings

from live_views.socket.state import PageState, PageStateError
from live_views.testing import close_socket_db_connections
from tests.live_helpers import (
    SOCKET,
    TrackingLiveClient,
    count,
    refusal_code,
    send_raw,
    token_of,
)
from tests.testapp.state_views import StatefulCounterView
from tests.testapp.views import CounterView

pytestmark = pytest.mark.urls("tests.state_urls")

PAGE = "/state/counter/"


def notes(page) -> str:
    return page.block("notes")


def server_count(page) -> int:
    """What the server's instance holds: one more event shows it, whatever the page shows."""
    reply = page.send("increment", amount=1)
    assert "error" not in reply, reply
    return count(page) - 1


# -- survives a reconnect ----------------------------------------------------------------------


def test_declared_state_survives_a_reconnect(live_client):
    page = live_client.live(PAGE)
    page.send("increment", amount=2)
    page.send("increment", amount=2)
    page.send("note", text="first")
    assert count(page) == 4

    page.reconnect()

    # The new instance already had the state when the join was answered: nothing differed.
    assert page.frames[-1] == {"joined": True}
    assert count(page) == 4
    assert notes(page) == "<li>first</li>"
    assert server_count(page) == 4
    page.send("note", text="second")
    assert notes(page) == "<li>first</li><li>second</li>"


def test_the_join_after_a_reconnect_repairs_a_page_that_shows_something_else(live_client):
    # The browser may show stale blocks (a reply lost with the old socket): the join answers
    # with the server's current state, restored before the first render.
    page = live_client.live(PAGE)
    stale_html = page.html
    page.send("increment", amount=2)
    page._page.html = stale_html  # the page missed the reply
    assert count(page) == 0

    page.reconnect()

    assert "lv-counter" in page.frames[-1]["content"]
    assert count(page) == 2


def test_without_live_state_a_reconnect_starts_over(live_client):
    page = live_client.live("/counter/")
    page.send("increment", amount=2)
    page.reconnect()
    assert count(page) == 0  # the join re-synced the page to a fresh instance


def test_state_survives_many_reconnects_and_each_event_counts_once(live_client):
    page = live_client.live(PAGE)
    for expected in range(1, 6):
        page.send("increment", amount=1)
        page.reconnect()
        assert count(page) == expected
    assert server_count(page) == 5


def test_a_new_page_load_starts_with_fresh_state(live_client):
    page = live_client.live(PAGE)
    page.send("increment", amount=2)
    again = live_client.live(PAGE)  # a reload: a new page, a new page id
    assert count(again) == 0
    page.reconnect()
    assert count(page) == 2  # the first page's state is still its own


def test_two_pages_of_one_session_keep_separate_state(live_client):
    first, second = live_client.live(PAGE), live_client.live(PAGE)
    first.send("increment", amount=2)
    second.send("note", text="only here")
    first.reconnect()
    second.reconnect()
    assert (count(first), notes(first)) == (2, "")
    assert (count(second), notes(second)) == (0, "<li>only here</li>")


# -- never from the client ---------------------------------------------------------------------


@pytest.fixture
def users(transactional_db, django_user_model):
    yield (
        django_user_model.objects.create_user("alice", password="pw"),
        django_user_model.objects.create_user("bob", password="pw"),
    )
    close_socket_db_connections()


def test_another_sessions_token_cannot_load_the_state(users):
    alice, bob = users
    alice_client, bob_client = TrackingLiveClient(), TrackingLiveClient()
    try:
        alice_client.force_login(alice)
        bob_client.force_login(bob)
        alice_page = alice_client.live(PAGE)
        alice_page.send("increment", amount=2)
        alice_page.send("note", text="alice's secret")

        # Bob's browser (his cookies) presents Alice's token: refused before any view runs.
        stolen = bob_client.open_socket(f"{SOCKET}?t={token_of(alice_page.html)}")
        assert stolen.receive(timeout=5) is None
        assert stolen.close_code == 4403
        assert stolen.frames == []
        # His own page has his own, empty state.
        bob_page = bob_client.live(PAGE)
        assert (count(bob_page), notes(bob_page)) == (0, "")

        alice_page.reconnect()
        assert (count(alice_page), notes(alice_page)) == (2, "<li>alice&#x27;s secret</li>")
    finally:
        alice_client.close()
        bob_client.close()


def test_a_token_edited_to_name_another_page_is_refused(live_client):
    page = live_client.live(PAGE)
    page.send("increment", amount=2)
    token = token_of(live_client.get(PAGE).content.decode())
    payload_b64, _, signature = token.partition(":")
    # Whatever is changed, the signature no longer matches.
    assert refusal_code(live_client, f"{SOCKET}?t={payload_b64}x:{signature}") == 4400


def test_frames_cannot_set_state(live_client):
    page = live_client.live(PAGE)
    page.send("increment", amount=2)
    page.reconnect(join=False)  # a socket joins once: the hostile join is this socket's own
    reply = send_raw(
        page, {"join": {"version": "0.1.0", "blocks": {}}, "state": {"count": 100}, "count": 100}
    )
    assert reply is not None
    assert "error" not in reply
    # An argument named like a state attribute is refused; a form field is only a value.
    assert page.send("note", text="x", count=100)["error"]["code"] == "bad_arguments"
    page.submit("note", text="y", count="100")
    page.reconnect()
    assert (count(page), notes(page)) == (2, "<li>y</li>")
    assert server_count(page) == 2


# -- what can be saved -------------------------------------------------------------------------


def test_state_that_json_cannot_hold_fails_the_event_and_says_how_to_fix_it(live_client):
    page = live_client.live("/state/unsavable/")
    page.send("increment", amount=2)
    with pytest.raises(PageStateError) as raised:
        page.send("stamp")

    reply = page.frames[-1]
    assert reply["error"]["code"] == "server_error"
    assert "content" not in reply
    assert str(raised.value) == (
        "UnsavableStateView.live_state names 'when', but self.when is a datetime: page state is "
        "saved as JSON. Keep it to str, int, float, bool, None, and lists and str-keyed dicts of "
        "them (store a row's pk rather than the row, a date's isoformat() rather than the "
        "date), or take 'when' out of live_state."
    )
    # The event is undone, like any failed event, and the saved state is the one before it.
    assert count(page) == 2
    page.reconnect()
    assert server_count(page) == 2


def test_a_dict_with_int_keys_is_refused_rather_than_restored_with_str_keys(live_client):
    page = live_client.live("/state/unsavable/")
    int_key = r"self\.by_row has the int key 3 \(JSON keys are str\)"
    with pytest.raises(PageStateError, match=int_key):
        page.send("tally", row=3)
    assert page.errors[-1]["code"] == "server_error"


@override_settings(DEBUG=True)
def test_with_debug_the_page_hears_what_was_wrong(live_client):
    page = live_client.live("/state/unsavable/")
    with pytest.raises(PageStateError):
        page.send("stamp")
    assert "self.when is a datetime" in page.errors[-1]["message"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ((1, 2), "self.count is a tuple"),
        ({1, 2}, "self.count is a set"),
        ([1, [2, object()]], "self.count[1][1] is a object"),
        ({"a": {"b": b"x"}}, "self.count['a']['b'] is a bytes"),
        (True, None),
        ({"a": [1, 2.5, "x", None, False, {"b": []}]}, None),
    ],
)
def test_only_values_that_come_back_from_json_unchanged_are_state(value, problem):
    view = StatefulCounterView()
    view.count = value
    view.notes = []
    if problem is None:
        assert json.loads(PageState("p").encode(view))["state"]["count"] == value
    else:
        with pytest.raises(PageStateError, match=problem.replace("[", r"\[")):
            PageState("p").encode(view)


def test_very_deep_state_is_refused_with_a_message_not_a_recursion_error():
    view = StatefulCounterView()
    nested: list = []
    view.count, view.notes = nested, []
    for _ in range(100):
        nested.append([])
        nested = nested[0]
    with pytest.raises(PageStateError, match="nested more than 64 levels deep"):
        PageState("p").encode(view)


# -- where it is kept --------------------------------------------------------------------------


def saved(view_class=StatefulCounterView, **state) -> PageState:
    view = view_class()
    view.__dict__.update({"count": 0, "notes": [], **state})
    page_state = PageState("the-page")
    page_state.save(page_state.encode(view))
    return page_state


def restored(view_class=StatefulCounterView) -> object:
    view = view_class()
    PageState("the-page").restore(view)
    return view


@override_settings(LIVE_VIEWS={"TOKEN_MAX_AGE": 60})
def test_state_lives_as_long_as_the_pages_token():
    saved(count=7)
    now = time.time()
    with mock.patch("time.time", return_value=now + 59):
        assert restored().count == 7
    with mock.patch("time.time", return_value=now + 61):
        assert restored().count == 0  # expired with the token: a reload starts over anyway


def test_state_goes_to_the_configured_cache():
    other = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "state"}
    default = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(
        CACHES={"default": default, "state": other}, LIVE_VIEWS={"STATE_CACHE": "state"}
    ):
        page_state = saved(count=3)
        assert caches["state"].get(page_state.key) is not None
        assert caches["default"].get(page_state.key) is None
        assert restored().count == 3


def test_only_declared_names_are_restored_and_only_onto_the_same_view():
    saved(count=3, notes=["a"])
    assert restored().count == 3
    # Another view under the same page (the URL routed elsewhere after a deploy): nothing.
    other = restored(CounterView)
    assert "count" not in other.__dict__
    caches["default"].set(
        "live_views.socket.state:the-page",
        json.dumps(
            {
                "view": "tests.testapp.state_views.StatefulCounterView",
                "state": {"count": 5, "request": "not state", "__class__": "nope"},
            }
        ),
    )
    view = restored()
    assert view.count == 5
    assert "request" not in view.__dict__
    assert type(view) is StatefulCounterView


def test_a_broken_cache_does_not_stop_the_page(live_client, caplog):
    broken = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
    with override_settings(CACHES={"default": broken}), caplog.at_level(logging.ERROR):
        page = live_client.live(PAGE)
        page.send("increment", amount=2)
        assert count(page) == 2
    assert "could not read the page state" in caplog.text
    assert "could not save the page state" in caplog.text
