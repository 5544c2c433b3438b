"""``live_async()`` work of a page on the HTTP transport (live_views/http/jobs.py): the event's
reply shows it loading, and its progress and outcome come on the page's push route, as a
broadcast refresh does (a long-poll here: the test client is a WSGI request)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from django.test import override_settings

from live_views.http import endpoint
from live_views.http.pages import close_all
from tests.live_helpers import until
from tests.processing_fixtures import BASE
from tests.test_http_endpoint import Page, shown
from tests.todoapp import async_views

PUSH = "/live/http/push/"


@pytest.fixture(autouse=True)
def no_pages(monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(endpoint, "LONG_POLL", 5.0)
    async_views.RELEASE.clear()
    async_views.CANCELLED.clear()
    close_all()
    yield
    async_views.RELEASE.set()
    close_all()


def pushes_until(page: Page, text: str, within: float = 5.0) -> str:
    """What the push route delivered until a frame showed ``text``."""
    seen: list[str] = []

    def pushed() -> str:
        response = page.http.get(PUSH, {"token": page.token})
        assert response.status_code == 200, response.content
        seen.extend(frame.get("content", "") for frame in response.json()["frames"])
        return "".join(seen) if text in "".join(seen) else ""

    return until(pushed, lambda: f"a push showing {text!r}; pushed: {''.join(seen)!r}", within)


def test_the_outcome_of_work_an_event_started_comes_on_the_push_route(http_browser):
    page = Page(http_browser, "/jobs/report/")
    page.join()
    reply = page.event("start_async", count=4)
    assert reply.status_code == 200
    assert "Loading" in shown(reply)
    started = time.monotonic()
    pushes_until(page, "Total: 8")
    assert time.monotonic() - started < 2.0


def test_a_sync_callable_that_returns_a_coroutine_pushes_the_coroutine_s_value(http_browser):
    page = Page(http_browser, "/jobs/report/")
    page.join()
    page.event("start_deferred", count=5)
    assert "coroutine" not in pushes_until(page, "Total: 10")


def test_progress_then_the_result_and_the_page_answers_events_meanwhile(http_browser):
    page = Page(http_browser, "/jobs/report/")
    page.join()
    page.event("start", count=3)
    assert 'value="0.33"' in pushes_until(page, 'value="0.33"')
    # The work waits for RELEASE; the page's other events are answered meanwhile.
    assert "pings: 1" in shown(page.event("ping"))
    async_views.RELEASE.set()
    pushes_until(page, "Total: 6")


def test_work_started_on_mount_runs_once_the_page_joins_over_http(http_browser):
    page = Page(http_browser, "/jobs/report/?on_mount=1")
    assert "No report yet." in page.html  # the page's own GET starts nothing
    page.join()
    pushes_until(page, "Total: 42")


def test_an_error_is_pushed_without_internals_and_logged(http_browser, caplog):
    page = Page(http_browser, "/jobs/report/")
    page.join()
    with caplog.at_level(logging.ERROR, logger="live_views"):
        page.event("start_failing")
        pushed = pushes_until(page, "could not finish")
    assert "service is down" not in pushed
    assert "the report service is down" in caplog.text


def test_the_work_is_cancelled_when_the_page_is_dropped(http_browser):
    page = Page(http_browser, "/jobs/report/")
    page.join()
    page.event("start", count=3)
    pushes_until(page, 'value="0.33"')
    close_all()  # the page idled out, or went back to its socket
    async_views.RELEASE.set()  # the work's next progress report finds its page gone
    assert async_views.CANCELLED.wait(5)


@pytest.mark.urls("tests.testapp.request_views")
def test_work_runs_in_the_pages_language_and_time_zone_over_http(http_browser):
    # The page's URL (i18n_patterns) and a time-zone middleware chose them for the page's GET;
    # the work (a report's dates and words) runs in them too, as its events and renders do, not
    # in what the transport's own requests to /live/http/ activated.
    with override_settings(MIDDLEWARE=[*BASE, "django_htmx.middleware.HtmxMiddleware"]):
        http_browser.cookies["tz"] = "Asia/Tokyo"
        page = Page(http_browser, "/fr/intl/world/")
        page.join()
        page.event("start_work")
        assert '<p id="work-saw">fr Asia/Tokyo</p>' in pushes_until(page, 'id="work-saw">fr')
