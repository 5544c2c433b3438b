"""The test client raises what the page's code raised, as Django's test client raises a view's
exception: a handler, a broadcast's refresh or the socket's mount that fails is the test's
failure, with its traceback, not an error frame the test has to think of checking. Error
reporters hear the same failures through Django's got_request_exception."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import path

from live_views import broadcast, live_event
from live_views.testing import LiveClient
from tests.live_helpers import count
from tests.testapp.views import CounterView

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


urlpatterns = [path("flaky/", FlakyCounterView.as_view())]

pytestmark = [pytest.mark.usefixtures("live_db"), pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def _working() -> None:
    FAILING.update(render=False, socket=False)


@pytest.fixture
def client():
    live = LiveClient()
    yield live
    live.close()


def test_a_handlers_exception_is_raised_in_the_test_with_its_traceback(client):
    with client.live("/flaky/") as page:
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


def test_a_refused_event_is_not_raised(client):
    # PermissionDenied is the view refusing, as Django answers 403 without raising in a test.
    with client.live("/flaky/") as page:
        assert page.send("refuse")["error"]["code"] == "forbidden"


def test_a_refresh_that_fails_is_raised_by_the_wait_for_its_update(client):
    with client.live("/flaky/") as page:
        FAILING["render"] = True
        broadcast("flaky")
        # At once: without it the test waited ten seconds for an update that cannot come.
        with pytest.raises(LookupError, match="the render's data is gone"):
            page.wait_for_update(timeout=5)
        assert page.errors[-1]["code"] == "server_error"
        FAILING["render"] = False
        page.send("increment", amount=1)  # the page goes on
        assert count(page) == 1


def test_a_mount_that_fails_is_raised_by_live(client):
    FAILING["socket"] = True
    with pytest.raises(ConnectionError, match="the socket's mount failed"):
        client.live("/flaky/")


def test_error_reporters_hear_of_a_failed_event_with_the_pages_request(client):
    heard: list[tuple[Any, BaseException | None]] = []

    def receiver(request: Any = None, **kwargs: Any) -> None:
        import sys

        heard.append((request, sys.exc_info()[1]))

    got_request_exception.connect(receiver)
    try:
        with client.live("/flaky/?from=test") as page:
            with pytest.raises(RuntimeError):
                page.send("explode")
            page.send("refuse")  # a refusal is no failure
    finally:
        got_request_exception.disconnect(receiver)
    [(request, exc)] = heard
    assert request.path == "/flaky/"
    assert request.GET["from"] == "test"
    assert isinstance(exc, RuntimeError)
