"""A page that goes back from the HTTP transport to its socket: its HTTP page (its connection
slot, its topics, a render on every broadcast) is released when the socket joins for the same
page id in the same process, or when the browser says so on ``live/http/leave/``."""

from __future__ import annotations

import html as html_lib
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import User
from django.test import Client

from live_views.http import endpoint
from live_views.http.pages import open_pages
from live_views.testing import LiveClient
from tests.live_helpers import until
from tests.test_http_endpoint import HTMX, Page, frame_of, in_thread, shown
from tests.test_http_pushes import long_polls_begun

LEAVE = "/live/http/leave/"


pytestmark = pytest.mark.usefixtures("no_http_pages")


@pytest.fixture
def live(live_db: None) -> Iterator[LiveClient]:
    client = LiveClient(Client(enforce_csrf_checks=True), timeout=5)
    yield client
    client.close()


def socket_of(page: Page) -> str:
    return html_lib.unescape(re.search(r'hx-ws:connect="([^"]+)"', page.html)[1])


def leave(page: Page, **headers):
    sent = {**HTMX, "X-CSRFToken": page.csrf, **headers}
    return page.http.post(LEAVE, {"token": page.token}, headers=sent)


def test_the_sockets_join_releases_the_pages_http_side(live, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_CONNECTIONS_PER_SESSION": 2}
    live.force_login(User.objects.create_user("ann"))  # both transports count against ann
    page = Page(live.http, "/counter/")
    page.join()
    assert '<p id="count">2</p>' in shown(page.event("increment", amount=2))
    assert open_pages() == 1
    socket = live.open_socket(socket_of(page), page.html)
    socket.send_frame({"join": {"version": "", "blocks": {}}})
    assert socket.receive()["joined"] is True
    assert open_pages() == 0
    # Its connection slot is free again: the session's second place is there for another page.
    assert Page(live.http, "/counter/").join().status_code == 200
    assert Page(live.http, "/counter/").join().status_code == 429
    socket.close()


def test_a_socket_of_another_page_releases_nothing(live):
    page = Page(live.http, "/counter/")
    page.join()
    other = live.live("/counter/")
    assert open_pages() == 1
    other.close()


def test_the_browser_saying_it_left_releases_the_http_side(live):
    page = Page(live.http, "/counter/")
    page.join()
    response = leave(page)
    assert response.status_code == 204
    assert open_pages() == 0
    # The page can still come back to HTTP: it is mounted again from its token.
    assert page.join().status_code == 200
    assert open_pages() == 1


def test_a_waiting_long_poll_answers_at_once_when_its_page_is_released(live, monkeypatch):
    monkeypatch.setattr(endpoint, "LONG_POLL", 10.0)
    page = Page(live.http, "/counter/")
    page.join()
    started = time.monotonic()
    polling = in_thread(
        ThreadPoolExecutor(1), page.http.get, "/live/http/push/", {"token": page.token}
    )
    until(lambda: long_polls_begun() == 1, "the long-poll waits")
    leave(page)
    assert polling.result(5).json() == {"frames": []}
    assert time.monotonic() - started < 2.0


def test_leaving_is_refused_without_csrf_or_for_another_token(live):
    page = Page(live.http, "/counter/")
    page.join()
    assert leave(page, **{"X-CSRFToken": "x"}).status_code == 403
    sent = {**HTMX, "X-CSRFToken": page.csrf}
    assert page.http.post(LEAVE, {"token": page.token + "x"}, headers=sent).status_code == 400
    assert page.http.post(LEAVE, {"token": page.token}).status_code == 403  # no CSRF token
    assert open_pages() == 1


def test_a_request_sent_before_the_page_left_does_not_mount_it_again(live, settings):
    # A push stream's renewal, or a closing tab's last frame, answered after the browser's leave
    # mounted the page again: its place under MAX_CONNECTIONS_PER_SESSION stayed held, and it
    # rendered every broadcast, until it idled out (90 s).
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_CONNECTIONS_PER_SESSION": 1}
    live.force_login(User.objects.create_user("ann"))
    page = Page(live.http, "/counter/")
    first = {"X-Live-Join": "1"}
    assert page.send({"join": {"version": "", "blocks": {}}}, headers=first).status_code == 200
    assert leave(page, **first).status_code == 204

    push = page.http.get("/live/http/push/", {"token": page.token, "wait": "0"}, headers=first)
    assert push.status_code == 409
    event = page.send({"event": "increment", "args": {"amount": 2}, "ref": 1}, headers=first)
    assert event.status_code == 409
    assert frame_of(event)["error"]["code"] == "page_left"
    assert open_pages() == 0
    assert Page(live.http, "/private/").join().status_code == 200  # ann's one place is free


def test_a_page_that_left_joins_again_on_its_next_join(live):
    # Hidden past the hold it left; shown again it joins, and its requests from then on are
    # its page's, pushes included, whichever comes first.
    page = Page(live.http, "/counter/")
    joined = page.send({"join": {"version": "", "blocks": {}}}, headers={"X-Live-Join": "1"})
    assert joined.status_code == 200
    assert leave(page, **{"X-Live-Join": "1"}).status_code == 204
    again = {"X-Live-Join": "2"}
    push = page.http.get("/live/http/push/", {"token": page.token, "wait": "0"}, headers=again)
    assert push.status_code == 200
    assert open_pages() == 1
    joined = page.send({"join": {"version": "", "blocks": {}}}, headers=again)
    assert joined.status_code == 200
    event = page.send({"event": "increment", "args": {"amount": 2}, "ref": 1}, headers=again)
    assert '<p id="count">2</p>' in shown(event)
    assert open_pages() == 1


def test_a_client_that_does_not_count_its_joins_is_mounted_as_before(live):
    page = Page(live.http, "/counter/")
    page.join()
    leave(page)
    assert page.http.get("/live/http/push/", {"token": page.token, "wait": "0"}).status_code == 200
    assert open_pages() == 1
