"""The test client raises what the page's code raised, as Django's test client raises a view's
exception: a handler, a broadcast's refresh or the socket's mount that fails is the test's
failure, with its traceback, not an error frame the test has to think of checking. Error
reporters hear the same failures through Django's got_request_exception."""

from __future__ import annotations

import asyncio
import gc
import traceback
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import path

from live_views import broadcast, live_event
from live_views.testing import AsyncLiveClient, LiveClient
from tests.live_helpers import count, until
from tests.testapp.views import CounterView
from tests.todoapp.async_views import ReportView

FAILING: dict[str, bool] = {"render": False, "socket": False}


class FlakyCounterView(CounterView):
    live_subscriptions = ["flaky"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if FAILING["render"]:
            raise LookupError("the render's data is gone")
        if FAILING["socket"] and getattr(self.request, "live_socket", False):
            raise ConnectionError("the socket's mount failed")
        return super().get_context_data(**kwargs)

    @live_event
    def refuse(self) -> None:
        raise PermissionDenied("not yours")


class SteadyCounterView(CounterView):
    live_subscriptions = ["flaky"]  # follows the same topic, and never fails


urlpatterns = [
    path("flaky/", FlakyCounterView.as_view()),
    path("steady/", SteadyCounterView.as_view()),
    path("report/", ReportView.as_view()),
]

pytestmark = [pytest.mark.usefixtures("live_db"), pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _working() -> None:
    FAILING.update(render=False, socket=False)


def test_a_handlers_exception_is_raised_in_the_test_with_its_traceback(live_client):
    with live_client.live("/flaky/") as page:
        page.send("increment", amount=2)
        with pytest.raises(RuntimeError, match="secret internal detail") as caught:
            page.send("explode")
        # Where the handler raised, as the server logged it.
        frames = traceback.extract_tb(caught.value.__traceback__)
        assert frames[-1].name == "explode"
        # The page is as the browser has it: told, and rolled back.
        assert page.errors == [
            {"code": "server_error", "message": "The server could not handle 'explode'."}
        ]
        assert count(page) == 2
        page.send("increment", amount=1)
        assert count(page) == 3


def test_a_client_told_not_to_raise_gets_the_error_frame(live_db):
    client = LiveClient(Client(raise_request_exception=False))
    with client.live("/flaky/") as page:
        reply = page.send("explode")
        assert reply["error"]["code"] == "server_error"
    client.close()


def test_a_refused_event_is_not_raised(live_client):
    # PermissionDenied is the view refusing, as Django answers 403 without raising in a test.
    with live_client.live("/flaky/") as page:
        assert page.send("refuse")["error"]["code"] == "forbidden"


def test_a_refresh_that_fails_is_raised_by_the_wait_for_its_update(live_client):
    with live_client.live("/flaky/") as page:
        FAILING["render"] = True
        broadcast("flaky")
        # At once: without it the test waited ten seconds for an update that cannot come.
        with pytest.raises(LookupError, match="the render's data is gone"):
            page.wait_for_update(timeout=5)
        assert page.errors[-1]["code"] == "server_error"
        FAILING["render"] = False
        page.send("increment", amount=1)  # the page goes on
        assert count(page) == 1


def test_a_mount_that_fails_is_raised_by_live(live_client):
    FAILING["socket"] = True
    with pytest.raises(ConnectionError, match="the socket's mount failed"):
        live_client.live("/flaky/")


def test_one_pages_failure_is_raised_by_that_page_only(live_client):
    # A review: a broadcast's refresh runs in the context of the page that followed the topic
    # first, and the failure of another page's was noted for that first page.
    with live_client.live("/steady/") as steady, live_client.live("/flaky/") as flaky:
        FAILING["render"] = True
        broadcast("flaky")
        with pytest.raises(LookupError):
            flaky.wait_for_update(timeout=5)
        FAILING["render"] = False
        assert steady._page._communicator.raised == []
        steady.send("increment", amount=1)
        assert count(steady) == 1


def test_a_failure_the_page_shows_is_not_raised_then_or_later(live_client):
    # Background work whose result cannot render shows an error in its place: the page
    # handled it. It was kept, and raised when the server later closed the socket.
    with live_client.live("/report/") as page:
        page.send("start_unprintable")
        while "could not show" not in page.block("report"):
            page.wait_for_update()
        page.send_frame("x" * (2 * 1024 * 1024))  # too big: the server closes the socket
        assert page.receive() is None
        assert page.close_code == 4413


def test_a_pages_failure_never_reaches_djangos_got_request_exception(live_client, caplog):
    # Django's test client raises what that signal carries from whichever request it runs
    # then: a page's failure surfaced in an unrelated client.http.get(). Reporters read the log.
    heard: list[object] = []

    def receiver(**kwargs: Any) -> None:
        heard.append(kwargs)

    got_request_exception.connect(receiver)
    try:
        with live_client.live("/flaky/") as page, pytest.raises(RuntimeError):
            page.send("explode")
    finally:
        got_request_exception.disconnect(receiver)
    assert heard == []


def test_a_failure_raised_in_the_test_is_not_logged_too(live_client, caplog):
    # The test shows it, with its traceback: logged as well, each failure a passing test
    # expected printed a traceback in the run (manage.py test has no log capture).
    with caplog.at_level("WARNING", logger="live_views"), live_client.live("/flaky/") as page:
        with pytest.raises(RuntimeError):
            page.send("explode")
        FAILING["render"] = True
        broadcast("flaky")
        with pytest.raises(LookupError):
            page.wait_for_update(timeout=5)
    assert caplog.text == ""


def test_a_client_told_not_to_raise_logs_the_failure_with_its_traceback(live_db, caplog):
    client = LiveClient(Client(raise_request_exception=False))
    with caplog.at_level("ERROR", logger="live_views"), client.live("/flaky/") as page:
        page.send("explode")
        # The line the server logs, and the traceback for error reporters.
        assert "FlakyCounterView.explode raised while handling event 'explode'" in caplog.text
        assert "secret internal detail" in caplog.text
    client.close()


def test_a_failure_the_test_never_heard_of_is_logged_when_its_page_closes(live_client, caplog):
    with caplog.at_level("ERROR", logger="live_views"):
        page = live_client.live("/flaky/")
        page.send_frame({"event": "explode", "args": {}, "form": {}, "ref": 1})
        page.close()  # before the frame that tells of it was read
    assert "FlakyCounterView.explode raised while handling event 'explode'" in caplog.text
    assert "secret internal detail" in caplog.text


def _until_reported(page: Any) -> None:
    # The test reads no frame (that would raise it): it waits for the server to hand it over.
    until(lambda: page._communicator.raised, "the server's exception handed over")


# The client stops its loop with the page's socket still open, whose task Python then reports.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failure_of_a_page_left_open_is_logged_when_its_client_closes(live_db, caplog):
    # page = client.live(...) with no with block, as many tests do; the client's fixture
    # closes the client. Neither the server nor the test client logged what it never raised.
    client = LiveClient()
    with caplog.at_level("ERROR", logger="live_views"):
        page = client.live("/flaky/")
        page.send_frame({"event": "explode", "args": {}, "form": {}, "ref": 1})
        _until_reported(page._page)
        client.close()
    assert "FlakyCounterView.explode raised while handling event 'explode'" in caplog.text
    assert "secret internal detail" in caplog.text


async def test_a_failure_of_an_async_page_never_closed_is_logged_when_it_goes(live_db, caplog):
    with caplog.at_level("ERROR", logger="live_views"):
        page = await AsyncLiveClient().live("/flaky/")
        await page.send_frame({"event": "explode", "args": {}, "form": {}, "ref": 1})
        while not page._communicator.raised:
            await asyncio.sleep(0.01)
        del page
        gc.collect()
    assert "FlakyCounterView.explode raised while handling event 'explode'" in caplog.text
