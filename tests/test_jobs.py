"""Background work (live_views/background.py, socket/jobs.py) through live_views.testing."""

from __future__ import annotations

import logging

import pytest

from live_views import AsyncResult, LiveTemplateView
from live_views.testing import LiveClient, LivePage
from tests.todoapp import async_views

pytestmark = pytest.mark.urls("tests.todoapp.async_views")


@pytest.fixture
def live_client():
    async_views.RELEASE.clear()
    async_views.CANCELLED.clear()
    client = LiveClient(timeout=5)
    yield client
    async_views.RELEASE.set()
    client.close()


def until(page: LivePage, text: str) -> None:
    while text not in page.block("report"):
        page.wait_for_update()


def test_the_work_shows_loading_then_its_result_and_other_events_go_on(live_client):
    with live_client.live("/report/") as page:
        page.send("start", count=10)
        assert "Loading" in page.block("report")
        # The work waits for RELEASE: the page still answers its other events meanwhile.
        page.send("ping")
        assert "pings: 1" in page.block("pings")
        assert "Loading" in page.block("report")
        async_views.RELEASE.set()
        until(page, "Total: 55")


def test_progress_reports_are_rendered(live_client):
    with live_client.live("/report/") as page:
        page.send("start", count=3)
        until(page, 'value="0.33"')
        async_views.RELEASE.set()
        until(page, "Total: 6")
        shown = "".join(frame.get("content", "") for frame in page.frames)
        assert "<progress" in shown


def test_an_error_is_shown_without_internals_and_logged(live_client, caplog):
    with caplog.at_level(logging.ERROR, logger="live_views"), live_client.live("/report/") as page:
        page.send("start_failing")
        until(page, "could not finish")
        assert "service is down" not in page.html
    assert "background work 'report'" in caplog.text
    assert "the report service is down" in caplog.text


def test_a_result_that_fails_to_render_is_logged_and_the_page_goes_on(live_client, caplog):
    with caplog.at_level(logging.ERROR, logger="live_views"), live_client.live("/report/") as page:
        page.send("start_unprintable")
        until(page, "The server could not show &#x27;report&#x27;.")
        assert "after background work failed" in caplog.text
        page.send("ping")
        assert "pings: 1" in page.block("pings")


def test_async_work_runs_on_the_loop(live_client):
    with live_client.live("/report/") as page:
        page.send("start_async", count=4)
        until(page, "Total: 8")


def test_a_sync_callable_that_returns_a_coroutine_shows_the_coroutine_s_value(live_client):
    with live_client.live("/report/") as page:
        page.send("start_deferred", count=5)
        until(page, "Total: 10")
        assert "coroutine" not in page.html


def test_work_started_on_mount_runs_once_the_page_connects(live_client):
    html = live_client.get("/report/?on_mount=1").content.decode()
    assert "No report yet." in html  # over HTTP nothing runs
    with live_client.live("/report/?on_mount=1") as page:
        until(page, "Total: 42")


def test_the_work_is_cancelled_when_the_page_goes_away(live_client):
    page = live_client.live("/report/")
    page.send("start", count=3)
    page.close()
    async_views.RELEASE.set()  # the work's next progress report finds its page gone
    assert async_views.CANCELLED.wait(5)


def test_starting_it_again_replaces_the_running_work(live_client):
    with live_client.live("/report/") as page:
        page.send("start", count=3)
        page.send("start_async", count=5)
        until(page, "Total: 10")
        async_views.RELEASE.set()
        assert async_views.CANCELLED.wait(5)
        assert "Total: 10" in page.block("report")


def test_a_failed_handler_starts_no_work(live_client):
    with live_client.live("/report/") as page:
        with pytest.raises(RuntimeError, match="failed after starting work"):
            page.send("start_then_fail")
        assert "No report yet." in page.block("report")
        with pytest.raises(TimeoutError):
            page.receive(timeout=0.5)  # nothing ran, so nothing comes
        assert "No report yet." in page.block("report")


def test_over_http_the_result_is_only_loading():
    class View(LiveTemplateView):
        pass

    view = View()
    view.live_async("report", sum, [1, 2])
    assert view.report == AsyncResult(loading=True)
    assert view.live_runtime.jobs.pending == []


@pytest.mark.parametrize("name", ["_private", "not a name", "get"])
def test_a_bad_name_is_refused(name):
    with pytest.raises(ValueError, match="live_async"):
        LiveTemplateView().live_async(name, sum, [])


def test_with_debug_on_the_error_names_the_exception(live_client, settings):
    settings.DEBUG = True
    with live_client.live("/report/") as page:
        page.send("start_failing")
        until(page, "ValueError: the report service is down")
