"""A live handler's login() or a first session write sends the browser through the session
route with a ticket (live_views/socket/session_hop.py); the test client redeems it as the browser
does (a first session's in the background, as the page's fetch): its HTTP client gets the
session cookie, and ``page.redirect_url`` is where the route sends the browser on.
``page.session_ticket_url`` keeps the ticket's URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from live_views.connect import session_ticket
from live_views.testing import AsyncLiveClient, LiveClient, close_socket_db_connections

pytestmark = pytest.mark.urls("tests.testapp.login_views")

TICKET = "/live/session/?ticket="


@pytest.fixture
def ann(live_db, django_user_model):
    return django_user_model.objects.create_user("ann", password="a long pass phrase")


@pytest.fixture
def live_client(live_db) -> Iterator[LiveClient]:
    live_client = LiveClient()
    yield live_client
    live_client.close()


def test_a_login_leaves_the_test_client_logged_in(live_client, ann):
    page = live_client.live("/sign-in/")
    reply = page.send("sign_in", username="ann")
    assert reply["redirect"].startswith(TICKET)  # the frame is what the server sent
    assert page.session_ticket_url == reply["redirect"]
    assert page.redirect_url == "/who/"  # where the browser's address bar ends up
    assert live_client.get("/who/").content == b"ann -"


def test_a_login_that_stays_on_the_page_sends_the_browser_back_to_it(live_client, ann):
    page = live_client.live("/sign-in/", {"page": "3"})
    page.send("sign_in_then_page", username="ann", page=4)
    # The browser loads the page anew, at the query the handler patched: logged in there.
    assert page.redirect_url == "/sign-in/?page=4"
    assert '<p id="who">ann</p>' in live_client.live(page.redirect_url).html


def test_a_visitors_first_session_is_kept(live_client):
    page = live_client.live("/sign-in/")
    reply = page.send("remember", value="Europe/Paris")
    assert page.session_ticket_url == reply["session"]  # fetched in the background
    assert settings.SESSION_COOKIE_NAME in live_client.http.cookies
    assert page.redirect_url is None  # the page stays
    assert live_client.get("/who/").content == b"anonymous Europe/Paris"


def test_a_first_session_ticket_left_to_the_test(live_db):
    client = LiveClient(redeem_tickets=False)
    try:
        page = client.live("/sign-in/")
        page.send("remember", value="x")
        assert client.get("/who/").content == b"anonymous -"
        headers = {"X-Live-Session": "1", "Sec-Fetch-Site": "same-origin"}
        assert client.http.get(page.session_ticket_url, headers=headers).status_code == 204
        assert client.get("/who/").content == b"anonymous x"
    finally:
        client.close()


def test_a_redirect_without_a_ticket_has_no_ticket_url(live_client, ann):
    live_client.force_login(ann)
    page = live_client.live("/sign-in/")
    page.send("keep_key")
    assert (page.redirect_url, page.session_ticket_url) == (None, None)


def test_a_reply_read_with_receive_redeems_it_too(live_client, ann):
    page = live_client.live("/sign-in/")
    page.send_frame({"event": "sign_in", "args": {"username": "ann"}, "form": {}, "ref": 99})
    assert page.receive()["redirect"].startswith(TICKET)
    assert page.redirect_url == "/who/"
    assert live_client.get("/who/").content == b"ann -"


def test_a_ticket_the_route_refuses_fails_the_test_with_its_reason(live_client, ann, monkeypatch):
    monkeypatch.setattr(session_ticket, "MAX_AGE", -1)
    page = live_client.live("/sign-in/")
    with pytest.raises(AssertionError, match=r"session route.* answered 400: .*expired"):
        page.send("sign_in", username="ann")


def test_redeem_tickets_false_leaves_the_ticket_to_the_test(live_db, ann):
    client = LiveClient(redeem_tickets=False)
    try:
        page = client.live("/sign-in/")
        page.send("sign_in", username="ann")
        assert page.redirect_url == page.session_ticket_url
        assert page.redirect_url.startswith(TICKET)
        assert client.get("/who/").content == b"anonymous -"
        assert client.get(page.redirect_url)["Location"] == "/who/"
        assert client.get("/who/").content == b"ann -"
    finally:
        client.close()


@pytest.fixture
async def async_client(live_db) -> Any:
    yield AsyncLiveClient()
    close_socket_db_connections()


async def test_the_async_client_redeems_it_too(async_client, ann):
    page = await async_client.live("/sign-in/")
    try:
        reply = await page.send("sign_in_later", username="ann")
        assert page.session_ticket_url == reply["redirect"]
        assert page.redirect_url == "/who/"
        assert (await async_client.get("/who/")).content == b"ann -"
    finally:
        await page.close()


async def test_the_async_client_takes_a_first_session_in_the_background(async_client):
    page = await async_client.live("/sign-in/")
    try:
        reply = await page.send("remember_later", value="x")
        assert page.session_ticket_url == reply["session"]
        assert page.redirect_url is None
        assert (await async_client.get("/who/")).content == b"anonymous x"
    finally:
        await page.close()


async def test_the_async_client_can_leave_it_to_the_test(live_db, ann):
    client = AsyncLiveClient(redeem_tickets=False)
    page = await client.live("/sign-in/")
    try:
        await page.send("sign_in", username="ann")
        assert page.redirect_url == page.session_ticket_url
        assert (await client.get("/who/")).content == b"anonymous -"
    finally:
        await page.close()
        close_socket_db_connections()
