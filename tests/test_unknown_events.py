"""An event the view does not publish: the refusal says what the developer most likely meant."""

from __future__ import annotations

import pytest
from django.test import override_settings

from live_views.socket.unknown_events import unknown_event_message
from live_views.testing import LiveClient
from tests.testapp.views import CounterView


def test_a_misspelled_event_suggests_the_closest_live_event():
    message = unknown_event_message(CounterView, "incremnet")
    assert message == "No live event named 'incremnet' on CounterView. Did you mean 'increment'?"


def test_a_name_near_nothing_suggests_nothing():
    assert unknown_event_message(CounterView, "zzz") == "No live event named 'zzz' on CounterView."


@override_settings(DEBUG=True)
def test_with_debug_a_method_without_the_decorator_says_to_add_it():
    message = unknown_event_message(CounterView, "not_an_event")
    assert "CounterView.not_an_event() exists: decorate it with @live_event." in message


@pytest.mark.parametrize("name", ["not_an_event", "dispatch", "_private", "__init__"])
def test_without_debug_no_method_of_the_view_is_named(name):
    message = unknown_event_message(CounterView, name)
    assert "exists" not in message
    assert "@live_event" not in message


class _Recorded:
    """A class-level descriptor: getattr() on the class would run its __get__."""

    calls: list[str] = []

    def __get__(self, instance: object, owner: type) -> object:
        self.calls.append(owner.__name__)
        return lambda: None


class DescribedView(CounterView):
    report = _Recorded()

    @staticmethod
    def tally() -> None: ...

    @classmethod
    def total(cls) -> None: ...


@override_settings(DEBUG=True)
def test_the_debug_hint_runs_nothing_the_client_names():
    # A security review: the hint looked the client's event name up with getattr() on the view.
    _Recorded.calls.clear()
    message = unknown_event_message(DescribedView, "report")
    assert _Recorded.calls == []
    assert message == "No live event named 'report' on DescribedView."


@override_settings(DEBUG=True)
@pytest.mark.parametrize("name", ["tally", "total"])
def test_with_debug_a_static_or_class_method_is_named_too(name):
    assert f"DescribedView.{name}() exists" in unknown_event_message(DescribedView, name)


@override_settings(DEBUG=True)
@pytest.mark.parametrize("name", ["dispatch", "setup", "get", "head", "render_to_response"])
def test_django_and_library_methods_and_http_handlers_are_never_methods_to_decorate(name):
    # A probe, not a missing decorator; and a live event named get is a TypeError.
    assert "exists" not in unknown_event_message(CounterView, name)


@override_settings(DEBUG=True)
def test_a_private_name_is_never_called_a_method_to_decorate():
    assert "exists" not in unknown_event_message(CounterView, "_private_helper")


@pytest.mark.django_db
def test_the_page_receives_the_suggestion_and_nothing_runs():
    client = LiveClient()
    with client.live("/counter/") as page:
        page.send("incremnet")
        page.send("not_an_event")
        [misspelled, undecorated] = page.errors
        assert misspelled["code"] == "unknown_event"
        assert "Did you mean 'increment'?" in misspelled["message"]
        assert "No live event named 'not_an_event'" in undecorated["message"]
        assert '<p id="count">0</p>' in page.block("counter")
    client.close()


@pytest.mark.django_db
def test_without_debug_the_servers_log_still_says_to_decorate_the_method(caplog):
    # A test run has DEBUG off: the page's error names no method, the log (which pytest shows
    # with a failing test) does.
    client = LiveClient()
    with client.live("/counter/") as page:
        page.send("not_an_event")
        [error] = page.errors
    client.close()
    assert error["message"] == "No live event named 'not_an_event' on CounterView."
    assert "CounterView.not_an_event() exists: decorate it with @live_event." in caplog.text
