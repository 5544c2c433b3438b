"""Datetime event arguments in the page's time zone (live_views/datetimes.py), as Django's
``forms.DateTimeField`` takes them: an ``<input type="datetime-local">`` sends a wall-clock time
("2026-12-04T10:30"), meant in the time zone the page's middleware activated.

The page (tests/testapp/request_views.py) shows its meeting in UTC and the meeting's zone; its
TimezoneMiddleware activates the zone of a ``tz`` cookie, TIME_ZONE (Chicago) without one.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.test import override_settings
from django.urls import include, path
from django.utils import timezone

from live_views.arguments import ArgumentError
from live_views.datetimes import in_time_zone, place_datetimes
from live_views.testing import LiveClient
from tests.processing_fixtures import shown, text
from tests.test_http_endpoint import Page, frame_of
from tests.test_http_endpoint import shown as html_of
from tests.testapp import request_views

# The request pages, and the HTTP transport's route.
urlpatterns = [*request_views.urlpatterns, path("", include("live_views.urls"))]
pytestmark = [
    pytest.mark.urls("tests.test_datetimes"),
    pytest.mark.usefixtures("project_middleware"),
]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DST_GAP = "2026-03-08T02:30"  # New York's clocks go from 02:00 to 03:00 that night
DST_REPEAT = "2026-11-01T01:30"  # and from 02:00 back to 01:00 that one


@pytest.fixture
def live_client(live_db):
    client = LiveClient()
    yield client
    client.close()


@pytest.fixture
def new_yorker(live_client):
    live_client.http.cookies["tz"] = "America/New_York"
    return live_client


# -- on the socket: the page's events and its components' --------------------------------------


@pytest.mark.parametrize("event", ["schedule", "schedule_later"])
def test_a_local_time_is_in_the_time_zone_the_pages_middleware_activated(new_yorker, event):
    page = new_yorker.live("/world/")
    page.send(event, when="2026-12-04T10:30")
    assert shown(page, "meeting") == "2026-12-04 15:30 UTC (America/New_York)"
    page.close()


def test_without_a_zone_of_its_own_a_local_time_is_in_time_zone(live_client):
    page = live_client.live("/world/")
    page.send("schedule", when="2026-12-04T10:30")
    assert shown(page, "meeting") == "2026-12-04 16:30 UTC (America/Chicago)"
    page.close()


@pytest.mark.parametrize(
    ("sent", "meeting"),
    [
        ("2026-12-04T10:30Z", "2026-12-04 10:30 UTC (UTC)"),
        ("2026-12-04T10:30:00+01:00", "2026-12-04 09:30 UTC (UTC+01:00)"),
    ],
)
def test_a_time_with_an_offset_stays_as_sent(new_yorker, sent, meeting):
    page = new_yorker.live("/world/")
    page.send("schedule", when=sent)
    assert shown(page, "meeting") == meeting
    page.close()


@pytest.mark.parametrize("event", ["schedule", "schedule_later"])
@pytest.mark.parametrize(
    ("sent", "problem"),
    [
        (DST_GAP, "2026-03-08 02:30 does not exist in time zone America/New_York"),
        (DST_REPEAT, "2026-11-01 01:30 happens twice in time zone America/New_York"),
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused_and_changes_nothing(
    new_yorker, event, sent, problem
):
    page = new_yorker.live("/world/")
    page.send(event, when="2026-12-04T10:30")
    reply = page.send(event, when=sent)
    assert reply["error"]["code"] == "bad_arguments"
    message = reply["error"]["message"]
    assert message.startswith(f"Event {event!r}: argument 'when': {problem} (the clocks ")
    assert message.endswith("send it with its UTC offset or pick another time.")
    assert shown(page, "meeting") == "2026-12-04 15:30 UTC (America/New_York)"
    page.send(event, when=f"{sent}-05:00")  # the same time with its offset is taken
    assert shown(page, "meeting") != "2026-12-04 15:30 UTC (America/New_York)"
    page.close()


@pytest.mark.parametrize("event", ["set_alarm", "set_alarm_later"])
def test_a_components_event_takes_the_pages_time_zone(new_yorker, event):
    page = new_yorker.live("/clock/")
    clock = page.component("clock")
    clock.send(event, at="2026-12-04T10:30")
    assert text(clock.block("alarm")) == "2026-12-04 15:30 UTC (America/New_York)"
    reply = clock.send(event, at=DST_GAP)
    assert reply["error"]["code"] == "bad_arguments"
    assert "argument 'at': 2026-03-08 02:30 does not exist" in reply["error"]["message"]
    assert text(clock.block("alarm")) == "2026-12-04 15:30 UTC (America/New_York)"
    page.close()


def test_a_components_mount_argument_from_text_takes_the_pages_time_zone(new_yorker):
    html = new_yorker.get("/alarm/").content.decode()
    alarm = re.search(r'<p id="alarm">(.*?)</p>', html)[1]
    assert alarm == "2026-12-04 15:30 UTC (America/New_York)"
    page = new_yorker.live("/alarm/")
    assert text(page.component("clock").block("alarm")) == alarm
    page.close()


def test_the_test_client_sends_a_datetime_as_the_page_would(new_yorker):
    page = new_yorker.live("/world/")
    page.send("schedule", when=datetime.datetime(2026, 12, 4, 10, 30))
    assert shown(page, "meeting") == "2026-12-04 15:30 UTC (America/New_York)"
    page.send("schedule", when=datetime.datetime(2026, 12, 4, 10, 30, tzinfo=datetime.UTC))
    assert shown(page, "meeting") == "2026-12-04 10:30 UTC (UTC)"
    page.close()


@pytest.mark.parametrize("event", ["schedule", "schedule_later"])
@pytest.mark.parametrize(
    "sent",
    [
        "9999-12-31T23:59",  # New York's wall clock: after 9999 in UTC
        "9999-12-31T23:59:59-05:00",  # with its offset: the same instant
        "0001-01-01T00:00+05:00",  # before year 1 in UTC
        "9999-12-31T20:00Z",  # in UTC, but after 9999 on the page's clock (Kiritimati)
    ],
)
def test_a_time_beyond_what_a_datetime_holds_in_utc_or_the_pages_zone_is_refused(
    live_client, event, sent
):
    # Django converts an aware datetime to UTC to save it and to the current zone to show it:
    # an instant either cannot hold failed there, after the handler, as a server error.
    live_client.http.cookies["tz"] = (
        "America/New_York" if not sent.endswith("Z") else "Pacific/Kiritimati"
    )
    page = live_client.live("/world/")
    page.send(event, when="2026-12-04T10:30Z")
    reply = page.send(event, when=sent)
    assert reply["error"]["code"] == "bad_arguments", reply
    assert reply["error"]["message"].startswith(f"Event {event!r}: argument 'when': ")
    assert "out of range" in reply["error"]["message"]
    assert shown(page, "meeting") == "2026-12-04 10:30 UTC (UTC)"
    page.close()


# -- over the HTTP transport --------------------------------------------------------------------


@pytest.mark.usefixtures("no_http_pages")
@pytest.mark.parametrize("event", ["schedule", "schedule_later"])
def test_over_http_a_local_time_is_in_the_pages_time_zone_too(http_browser, event):
    http_browser.cookies["tz"] = "America/New_York"
    page = Page(http_browser, "/world/")
    page.join()
    reply = page.event(event, when="2026-12-04T10:30")
    assert '<p id="meeting">2026-12-04 15:30 UTC (America/New_York)</p>' in html_of(reply)
    refused = page.event(event, when=DST_GAP)
    assert refused.status_code == 400
    assert frame_of(refused)["error"]["code"] == "bad_arguments"
    assert "does not exist in time zone America/New_York" in frame_of(refused)["error"]["message"]
    beyond = page.event(event, when="9999-12-31T23:59")
    assert beyond.status_code == 400
    assert frame_of(beyond)["error"]["code"] == "bad_arguments"
    assert "out of range" in frame_of(beyond)["error"]["message"]


# -- without USE_TZ ------------------------------------------------------------------------------


@override_settings(USE_TZ=False)
def test_without_use_tz_a_time_with_an_offset_becomes_naive_in_time_zone(new_yorker):
    page = new_yorker.live("/world/")
    page.send("schedule", when="2026-12-04T10:30Z")
    assert shown(page, "meeting") == "2026-12-04 04:30 (None)"  # Chicago's, not the cookie's
    page.send("schedule", when="2026-12-04T10:30")
    assert shown(page, "meeting") == "2026-12-04 10:30 (None)"
    page.send("schedule", when=DST_GAP)  # naive times have no clock change to trip on
    assert shown(page, "meeting") == "2026-03-08 02:30 (None)"
    page.close()


# -- the rule itself ----------------------------------------------------------------------------


def test_lists_and_optional_values_are_placed_item_by_item():
    with timezone.override(NEW_YORK):
        placed = place_datetimes(
            {
                "times": [datetime.datetime(2026, 12, 4, 10, 30), None],
                "day": datetime.date(2026, 12, 4),
                "none": None,
            }
        )
    assert placed == {
        "times": [datetime.datetime(2026, 12, 4, 10, 30, tzinfo=NEW_YORK), None],
        "day": datetime.date(2026, 12, 4),  # a date has no time zone
        "none": None,
    }
    assert placed["times"][0].tzinfo is NEW_YORK


def test_a_refused_item_of_a_list_names_the_argument():
    with timezone.override(NEW_YORK), pytest.raises(ArgumentError) as raised:
        place_datetimes({"times": [datetime.datetime(2026, 3, 8, 2, 30)]})
    assert str(raised.value).startswith("argument 'times': 2026-03-08 02:30 does not exist")


@override_settings(USE_TZ=False, TIME_ZONE="America/Chicago")
def test_without_use_tz_an_offset_near_the_end_of_time_is_out_of_range_not_a_crash():
    far = datetime.datetime(
        9999, 12, 31, 23, 0, tzinfo=datetime.timezone(-datetime.timedelta(hours=12))
    )
    with pytest.raises(ArgumentError, match="out of range"):
        in_time_zone(far)
