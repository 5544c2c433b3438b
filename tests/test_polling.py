"""live_every (live_views/polling.py): what the join reply asks the browser to send, and the
system checks live_views.E180, E181 and E182."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import path

from live_views import LiveTemplateView, live_event
from live_views.checks import check_live_every
from live_views.connect import wire
from live_views.polling import every_frame, problems


class Ticking(LiveTemplateView):
    live_every = {"tick": 5, "slow": 60.5}

    @live_event
    def tick(self) -> None:
        pass

    @live_event
    def slow(self) -> None:
        pass


class Wrong(LiveTemplateView):
    live_every = {"tock": 5, "tick": 0, "also": True}

    @live_event
    def tick(self) -> None:
        pass


class NeedsArguments(LiveTemplateView):
    live_every = {"step": 5, "nudge": 5, "refresh": 5}

    @live_event
    def step(self, by: int, note: str = "") -> None:
        pass

    @live_event(name="nudge")
    async def nudge_handler(self, amount: int, *, reason: str) -> None:
        pass

    @live_event
    def refresh(self, form: QueryDict, page: int = 1) -> None:
        pass  # a whole form and a default: a tick sends neither, and needs neither


urlpatterns = [
    path("ticking/", Ticking.as_view()),
    path("wrong/", Wrong.as_view()),
    path("needs-arguments/", NeedsArguments.as_view()),
]


def test_a_valid_declaration_is_sent_in_seconds():
    assert problems(Ticking) == []
    assert every_frame(Ticking()) == {wire.EVERY: {"tick": 5.0, "slow": 60.5}}


def test_no_declaration_sends_nothing():
    assert every_frame(LiveTemplateView()) == {}


def test_problems_name_the_view_and_the_entry():
    assert problems(Wrong) == [
        ("E180", "Wrong.live_every names 'tock', which is not a live event."),
        ("E181", "Wrong.live_every['tick'] must be a number of seconds of at least 0.1, not 0."),
        ("E180", "Wrong.live_every names 'also', which is not a live event."),
        ("E181", "Wrong.live_every['also'] must be a number of seconds of at least 0.1, not True."),
    ]
    assert every_frame(Wrong()) == {}  # a wrong declaration polls nothing; the check says why


@pytest.mark.parametrize("seconds", [float("nan"), float("inf")])
def test_an_interval_that_is_no_number_of_seconds_is_refused(seconds):
    # NaN passed the check and reached the join reply, as JSON no browser parses.
    class Endless(LiveTemplateView):
        live_every = {"tick": seconds}

        @live_event
        def tick(self) -> None: ...

    assert [check for check, _ in problems(Endless)] == ["E181"]
    assert every_frame(Endless()) == {}


def test_not_a_dict_is_refused():
    class Listed(LiveTemplateView):
        live_every = ["tick"]  # type: ignore[assignment]

    assert problems(Listed) == [
        ("E180", f"{Listed.__qualname__}.live_every must be a dict, not list.")
    ]


def test_a_handler_with_a_required_argument_cannot_be_polled():
    # A tick sends no arguments, so such a handler would answer every tick with bad_arguments.
    assert problems(NeedsArguments) == [
        (
            "E182",
            "NeedsArguments.live_every['step'] sends no arguments, but NeedsArguments.step() "
            "requires 'by'.",
        ),
        (
            "E182",
            "NeedsArguments.live_every['nudge'] sends no arguments, but "
            "NeedsArguments.nudge_handler() requires 'amount', 'reason'.",
        ),
    ]
    assert every_frame(NeedsArguments()) == {}


@pytest.mark.urls("tests.test_polling")
def test_the_system_check_reports_routed_views():
    found = check_live_every()
    assert [(m.id, m.obj) for m in found] == [
        ("live_views.E180", Wrong),
        ("live_views.E181", Wrong),
        ("live_views.E180", Wrong),
        ("live_views.E181", Wrong),
        ("live_views.E182", NeedsArguments),
        ("live_views.E182", NeedsArguments),
    ]
    assert 'live_every = {"tick": 5}' in found[0].hint
    assert "give each of its arguments a default" in found[4].hint
