"""login() in a live handler: the page sends the browser through the session route of
live_views.urls with a ticket, and that route's response sets the new session cookie
(live_views/socket/session_hop.py, live_views/http/session_hop.py,
live_views/connect/session_ticket.py). A ticket that is altered, too old, for another browser,
used already or going to another site is refused and changes nothing."""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from live_views.checks import check_sessions
from live_views.connect import session_ticket
from live_views.every import Every
from live_views.http.pages import close_all
from live_views.socket import session_hop as socket_session_hop
from live_views.testing import close_thread_db_connections
from live_views.testing.screen import FETCHED
from tests import counted_sessions, gated_sessions
from tests.live_helpers import TrackingLiveClient, until
from tests.test_http_endpoint import Page
from tests.testapp.login_views import SignInView

pytestmark = pytest.mark.urls("tests.testapp.login_views")

SESSION = settings.SESSION_COOKIE_NAME


@pytest.fixture
def clients(live_db) -> Iterator[Any]:
    made: list[TrackingLiveClient] = []

    def make(http: Client | None = None) -> TrackingLiveClient:
        # The route itself is under test here: each test takes the ticket where it likes
        # (tests/test_testing_session_route.py: the client's own redeeming).
        client = TrackingLiveClient(http, redeem_tickets=False)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def ann(live_db, django_user_model):
    return django_user_model.objects.create_user("ann", password="a long pass phrase")


def ticket_url(reply: dict[str, Any]) -> str:
    url = reply["redirect"]
    assert url.startswith("/live/session/?ticket="), reply
    return url


def cookie(client: TrackingLiveClient) -> str | None:
    morsel = client.http.cookies.get(SESSION)
    return morsel.value if morsel is not None and morsel.value else None


def who(client: TrackingLiveClient) -> str:
    return client.get("/who/").content.decode()


# -- logging in --------------------------------------------------------------------------------


def test_the_browser_takes_the_new_key_and_goes_on_to_the_handlers_redirect(clients, ann):
    client = clients()
    client.get("/who/")
    client.http.session.save()  # a visitor with a session cookie
    old = cookie(client)
    page = client.live("/sign-in/")

    reply = page.send("sign_in", username="ann")

    assert cookie(client) == old  # the socket set nothing
    response = client.get(ticket_url(reply))
    assert response.status_code == 302
    assert response["Location"] == "/who/"
    assert response["Cache-Control"] == "no-store"
    new = cookie(client)
    assert new not in (None, old)
    assert Session.objects.filter(session_key=new).exists()
    assert not Session.objects.filter(session_key=old).exists()  # cycle_key() deleted it
    assert who(client) == "ann -"


def test_the_ticket_does_not_show_the_new_key(clients, ann):
    client = clients()
    page = client.live("/sign-in/")
    url = ticket_url(page.send("sign_in", username="ann"))
    client.get(url)
    new = cookie(client)
    assert new is not None

    ticket = parse_qs(urlsplit(url).query)["ticket"][0]
    payload = signing.TimestampSigner(salt=session_ticket.SALT).unsign_object(ticket)
    readable = url + repr(payload) + base64.urlsafe_b64decode(payload["k"]).decode("latin-1")
    assert new not in readable


def test_without_a_redirect_the_browser_comes_back_to_the_page_and_its_query(clients, ann):
    client = clients()
    page = client.live("/sign-in/", {"page": "3"})
    response = client.get(ticket_url(page.send("sign_in_here", username="ann")))
    assert response["Location"] == "/sign-in/?page=3"
    assert '<p id="who">ann</p>' in client.get(response["Location"]).content.decode()


def test_what_the_handler_asked_of_the_page_it_leaves_is_not_sent_later(clients, ann):
    client = clients()
    page = client.live("/sign-in/")
    reply = page.send("sign_in_and_greet", username="ann")
    assert "push" not in reply  # the browser goes to take the new key and loads the page anew
    assert "push" not in page.send("remember", value="x")  # nor the next frame of the old one


def test_a_query_the_handler_patched_is_the_one_come_back_to(clients, ann):
    client = clients()
    page = client.live("/sign-in/", {"page": "3"})
    reply = page.send("sign_in_then_page", username="ann", page=4)
    assert client.get(ticket_url(reply))["Location"] == "/sign-in/?page=4"


def test_an_async_handler_that_logs_in(clients, ann):
    client = clients()
    page = client.live("/sign-in/")
    client.get(ticket_url(page.send("sign_in_later", username="ann")))
    assert who(client) == "ann -"


def test_what_the_session_held_before_the_login_is_kept(clients, ann):
    # Written over HTTP (the browser holds that session's cookie) and on the socket.
    for over_http in (True, False):
        client = clients()
        page = client.live("/sign-in/")
        if over_http:
            session = client.http.session
            session["remembered"] = "kept"
            session.save()
            page = client.live("/sign-in/")
        else:
            page.send("remember", value="kept")
        client.get(ticket_url(page.send("sign_in", username="ann")))
        assert who(client) == "ann kept"


def test_the_cookie_is_set_as_session_middleware_sets_it(clients, ann, settings):
    settings.SESSION_COOKIE_AGE = 1234
    settings.SESSION_COOKIE_DOMAIN = "testserver"
    settings.SESSION_COOKIE_PATH = "/"
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_SAMESITE = "Strict"
    client = clients()
    page = client.live("/sign-in/")
    response = client.get(ticket_url(page.send("sign_in", username="ann")))
    morsel = response.cookies[SESSION]
    assert morsel["max-age"] == 1234
    assert morsel["domain"] == "testserver"
    assert morsel["path"] == "/"
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"


def test_the_sessions_own_expiry_and_expiry_at_browser_close_are_kept(clients, ann, settings):
    client = clients()
    session = client.http.session
    session.set_expiry(300)
    session.save()
    page = client.live("/sign-in/")
    response = client.get(ticket_url(page.send("sign_in", username="ann")))
    assert response.cookies[SESSION]["max-age"] == 300

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    client = clients()
    page = client.live("/sign-in/")
    response = client.get(ticket_url(page.send("sign_in", username="ann")))
    assert response.cookies[SESSION]["max-age"] == ""
    assert response.cookies[SESSION]["expires"] == ""


def test_the_csrf_token_is_rotated_and_the_next_live_form_passes_csrf(live_db, clients, ann):
    client = clients(Client(enforce_csrf_checks=True))
    client.get("/sign-in/")
    before = client.http.cookies[settings.CSRF_COOKIE_NAME].value
    page = client.live("/sign-in/")
    response = client.get(ticket_url(page.send("sign_in", username="ann")))
    after = response.cookies[settings.CSRF_COOKIE_NAME].value
    assert after != before
    close_all()
    try:
        # The next page's frames go over HTTP, through CsrfViewMiddleware.
        http_page = Page(client.http, "/sign-in/")
        assert '<p id="who">ann</p>' in http_page.html
        assert http_page.join().status_code == 200
        assert http_page.event("remember", value="x").status_code == 200
    finally:
        close_all()


def test_a_sign_up_form_that_creates_the_user_then_logs_in(clients, django_user_model):
    client = clients()
    page = client.live("/sign-up/")
    password = "a long pass phrase"
    reply = page.submit("submit", username="bo", password1=password, password2=password)
    assert client.get(ticket_url(reply))["Location"] == "/who/"
    assert who(client) == "bo -"
    assert django_user_model.objects.filter(username="bo").exists()


def test_djangos_own_login_view_made_live(clients, ann):
    client = clients()
    page = client.live("/log-in/")
    reply = page.submit("submit", username="ann", password="wrong")
    assert "redirect" not in reply
    assert "Please enter a correct username and password" in page.html
    assert who(client) == "anonymous -"

    reply = page.submit("submit", username="ann", password="a long pass phrase")
    assert client.get(ticket_url(reply))["Location"] == "/who/"
    assert who(client) == "ann -"


def test_over_the_http_transport(live_db, ann):
    close_all()
    try:
        # Mounted by the join: the event's request carries another copy of the session.
        browser = Client()
        page = Page(browser, "/sign-in/")
        page.join()
        # A redirect over HTTP is htmx's HX-Redirect: a full navigation, as on the socket.
        url = page.event("sign_in", username="ann")["HX-Redirect"]
        response = browser.get(ticket_url({"redirect": url}))
        assert response["Location"] == "/who/"
        assert SESSION in response.cookies
        assert browser.get("/who/").content == b"ann -"

        # Mounted by the event's own request: its answer set the cookie already.
        browser = Client()
        page = Page(browser, "/sign-in/")
        url = page.event("sign_in", username="ann")["HX-Redirect"]
        holds = browser.cookies[SESSION].value
        response = browser.get(ticket_url({"redirect": url}))
        assert response["Location"] == "/who/"
        assert SESSION not in response.cookies or response.cookies[SESSION].value == holds
        assert browser.get("/who/").content == b"ann -"
    finally:
        close_all()


# -- a visitor's first session ---------------------------------------------------------------


def first_session_url(reply: dict[str, Any]) -> str:
    assert "redirect" not in reply, reply  # the page stays
    url = reply["session"]
    assert url.startswith("/live/session/?ticket="), reply
    return url


@pytest.mark.parametrize("event", ["remember", "remember_later"])
def test_a_visitor_without_a_session_keeps_what_a_handler_wrote_in_it(clients, event):
    # A time-zone or language choice, a cart: the first write of a visitor who holds no session
    # cookie. Saved by the socket alone, it went into a session the browser never learned of,
    # and the next page load had lost it.
    client = clients()
    page = client.live("/sign-in/", {"page": "3"})
    response = client.http.get(
        first_session_url(page.send(event, value="Europe/Paris")), headers=FETCHED
    )
    assert response.status_code == 204  # the page's fetch: nowhere to go, the page stays
    assert response["Cache-Control"] == "no-store"
    assert cookie(client) is not None
    assert who(client) == "anonymous Europe/Paris"


def test_the_page_renders_what_the_handler_changed_and_goes_on_in_the_session(live_db):
    # As in the browser: the page's client fetches the ticket itself, and the page stays live.
    client = TrackingLiveClient()
    try:
        client.get("/sign-in/")
        csrf = client.http.cookies[settings.CSRF_COOKIE_NAME].value
        page = client.live("/sign-in/")
        reply = page.send("remember_and_show", value="Europe/Paris")
        assert "session" in reply
        assert page.redirect_url is None
        assert "Europe/Paris" in page.block("recalled")
        key = cookie(client)
        assert key is not None
        # No login, no rotation: the page's forms and uploads keep their CSRF token.
        assert client.http.cookies[settings.CSRF_COOKIE_NAME].value == csrf
        assert "session" not in page.send("remember_and_show", value="Asia/Tokyo")
        assert cookie(client) == key
        assert who(client) == "anonymous Asia/Tokyo"
    finally:
        client.close()


def test_with_a_redirect_the_browser_goes_through_the_route(clients):
    # It loads another page anyway: the route sets the cookie on the way, as for a login.
    client = clients()
    page = client.live("/sign-in/")
    response = client.get(ticket_url(page.send("remember_and_go", value="x")))
    assert response["Location"] == "/who/"
    assert who(client) == "anonymous x"


@override_settings(CSRF_USE_SESSIONS=True)
def test_with_the_csrf_secret_kept_in_the_session_a_first_visit_goes_live(clients):
    # CsrfViewMiddleware keeps the secret in the session as the page's response leaves, after
    # the page's token was bound to no session: the browser came back with a session cookie its
    # token was not made for, and the socket refused the page (4403 "another session").
    client = clients()
    page = client.live("/sign-in/")
    assert "redirect" not in page.send("remember", value="x")  # the browser holds its session
    assert who(client) == "anonymous x"
    close_all()
    try:
        # Over HTTP, the frames' CSRF token is checked against the secret kept in that session.
        http = Client(enforce_csrf_checks=True)
        http_page = Page(http, "/sign-in/")
        assert http_page.join().status_code == 200
        assert http_page.event("remember", value="y").status_code == 200
    finally:
        close_all()


def test_a_first_session_then_a_redirect_to_another_site_goes_there(clients, caplog, monkeypatch):
    # The handler's own redirect (a payment provider's page after an anonymous checkout kept
    # its order in the session): it hopped through the session route, which goes on to this
    # site only, and the visitor got a 400 "not on this site" instead of the payment page.
    monkeypatch.setattr(socket_session_hop, "_lost_warnings", Every(600.0))
    client = clients()
    page = client.live("/sign-in/")
    with caplog.at_level(logging.WARNING, logger="live_views"):
        reply = page.send("remember_then_pay", value="order 7")
    assert reply["redirect"] == "https://pay.example.com/checkout"  # as before the hop existed
    assert cookie(client) is None  # what it wrote is lost, and the log says why
    assert "then redirected to another site" in caplog.text


def test_the_visitors_other_pages_go_on_in_their_first_session(clients):
    client = clients()
    page, other = client.live("/sign-in/"), client.live("/sign-in/")
    client.http.get(first_session_url(page.send("remember", value="x")), headers=FETCHED)
    other.reconnect()  # its token was made for no session: the browser now sends one
    assert "session" not in other.send("remember", value="y")  # the cookie's own session
    assert who(client) == "anonymous y"


@pytest.fixture
def first_ticket(clients) -> tuple[TrackingLiveClient, str]:
    """A browser with no session cookie whose handler wrote its first session, and the URL of
    the ticket its page fetches."""
    client = clients()
    page = client.live("/sign-in/")
    return client, first_session_url(page.send("remember", value="mine"))


ASKED_OTHERWISE = {
    "a link of this site": {
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Dest": "document",
    },
    "an image of this site": {
        "Sec-Fetch-Site": "same-origin",
        "Sec-Fetch-Mode": "no-cors",
        "Sec-Fetch-Dest": "image",
    },
    "a browser that says nothing": {},
    "a navigation with the header": {
        **FETCHED,
        "Sec-Fetch-Mode": "navigate",
        "Sec-Fetch-Dest": "document",
    },
    "a prefetch": {**FETCHED, "Sec-Fetch-Mode": "no-cors"},
    "another site's fetch": {**FETCHED, "Sec-Fetch-Site": "cross-site"},
    "a sibling site's fetch": {**FETCHED, "Sec-Fetch-Site": "same-site"},
}


@pytest.mark.parametrize("asked", ASKED_OTHERWISE)
def test_another_browser_is_not_made_to_share_a_first_session(first_ticket, clients, asked):
    # Session fixation: the ticket fits any browser without a session cookie. Whoever made it
    # (reading their own page's frames) and got another browser to open it, by a link or an
    # image on this site or from another, would share that browser's session: see its cart,
    # its address typed at checkout. Only the page's own script's fetch takes it.
    maker, url = first_ticket
    victim = clients()
    response = victim.http.get(url, headers=ASKED_OTHERWISE[asked])
    assert response.status_code == 403
    assert not response.cookies
    assert cookie(victim) is None
    assert who(victim) == "anonymous -"
    # Its maker's page still takes it.
    assert maker.http.get(url, headers=FETCHED).status_code == 204
    assert who(maker) == "anonymous mine"


def test_a_first_session_ticket_is_taken_once(first_ticket, clients):
    client, url = first_ticket
    assert client.http.get(url, headers=FETCHED).status_code == 204
    other = clients()  # another browser without a cookie, with the URL, too late
    response = other.http.get(url, headers=FETCHED)
    assert response.status_code == 403
    assert "used already" in response.content.decode()
    assert cookie(other) is None


def test_a_login_ticket_is_not_taken_in_the_background(ticket):
    # The page would stay showing the user who was, its CSRF token not rotated.
    client, url = ticket
    held = cookie(client)
    response = client.http.get(url, headers=FETCHED)
    assert response.status_code == 403
    assert not response.cookies
    assert cookie(client) == held
    assert client.get(url).status_code == 302  # the browser's own navigation takes it
    assert who(client) == "ann -"


def test_a_ticket_of_an_unknown_kind_is_refused(first_ticket):
    client, url = first_ticket
    ticket = parse_qs(urlsplit(url).query)["ticket"][0]
    signer = signing.TimestampSigner(salt=session_ticket.SALT)
    payload = signer.unsign_object(ticket)
    for kind in ("login", "", None, ["first"]):
        other = signer.sign_object({**payload, "t": kind})
        response = client.http.get(f"/live/session/?ticket={other}", headers=FETCHED)
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert cookie(client) is None
    # Without a kind, a ticket is one made for the browser to go through (as before kinds were).
    hop = signer.sign_object({key: value for key, value in payload.items() if key != "t"})
    response = client.http.get(f"/live/session/?ticket={hop}", headers=FETCHED)
    assert response.status_code == 403
    assert client.get(f"/live/session/?ticket={hop}").status_code == 302


def test_a_second_tab_that_writes_after_the_first_got_a_session_goes_on_in_it(clients):
    # Two tabs opened without a session cookie; the first one's write gave the browser its
    # session. The second, still on its socket opened without one, wrote after: its ticket is
    # for a browser without a cookie, and the route refused it. The browser keeps the session
    # it holds (the second write is not merged into it).
    client = clients()
    page, other = client.live("/sign-in/"), client.live("/sign-in/")
    first = first_session_url(page.send("remember", value="x"))
    assert client.http.get(first, headers=FETCHED).status_code == 204
    response = client.http.get(
        first_session_url(other.send("remember", value="y")), headers=FETCHED
    )
    assert response.status_code == 204, response.content
    assert who(client) == "anonymous x"


def test_a_first_session_leaves_the_csrf_token_of_the_visitors_other_tabs_valid(clients):
    # Only a login rotates the CSRF token. A first session written before a redirect, which
    # the browser goes through the route for, rotated it, and a form another tab had rendered
    # before was then refused (403) on submit.
    client = clients(Client(enforce_csrf_checks=True))
    form = client.get("/log-in/").content.decode()  # another tab's form, with its token
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    page = client.live("/sign-in/")
    assert (
        client.get(ticket_url(page.send("remember_and_go", value="Europe/Paris"))).status_code
        == 302
    )
    response = client.http.post("/log-in/", {"csrfmiddlewaretoken": token, "username": "x"})
    assert response.status_code == 200  # the form, with its errors: not refused
    assert who(client) == "anonymous Europe/Paris"


urlpatterns = [path("sign-in/", SignInView.as_view())]  # no live_views.urls: no session route


@pytest.mark.urls(__name__)
def test_without_the_route_the_log_says_a_first_session_write_is_lost_now_and_then(
    clients, caplog, monkeypatch
):
    monkeypatch.setattr(
        socket_session_hop, "_lost_warnings", Every(600.0)
    )  # a process just started
    # Each visitor's page says it once: a busy site missing the route filled its log with it.
    client = clients()
    with caplog.at_level(logging.WARNING, logger="live_views"):
        for _ in range(2):
            reply = client.live("/sign-in/").send("remember", value="x")
            assert "redirect" not in reply  # the page goes on; what it wrote is lost
    assert caplog.text.count("will not find what it wrote") == 1


# -- what changes nothing ----------------------------------------------------------------------


def test_a_handler_that_keeps_the_key_sends_nobody_anywhere(clients):
    client = clients()
    client.http.session.save()
    page = client.live("/sign-in/")
    reply = page.send("keep_key")
    assert "redirect" not in reply
    page.send("remember", value="x")
    assert "redirect" not in page.send("remember", value="y")


# This test's reads of the session and the worker's flush() deleting it meet on one table.
@pytest.mark.usefixtures("sqlite_waits_for_locks")
def test_logging_out_in_a_handler_leaves_the_browser_anonymous(clients, ann):
    client = clients()
    client.force_login(ann)
    key = cookie(client)
    page = client.live("/sign-in/")
    assert '<p id="who">ann</p>' in page.html
    page.send_frame({"event": "sign_out", "args": {}, "ref": 1})
    while (frame := page.receive(timeout=5)) is not None:
        # flush() leaves no key for the browser to take: no trip through the session route.
        assert frame.get("redirect", "/who/") == "/who/"
    assert page.close_code == 4401  # the session's pages close, this one too, and reload
    # The close is sent as logout() announces it, before its flush() ends in the worker thread.
    until(lambda: not Session.objects.filter(session_key=key).exists(), "the session deleted")
    assert who(client) == "anonymous -"


def refused(client: TrackingLiveClient, url: str, status: int, message: str) -> None:
    held = cookie(client)
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not response.cookies  # no session cookie, no CSRF cookie
    assert cookie(client) == held


@pytest.fixture
def ticket(clients, ann) -> tuple[TrackingLiveClient, str]:
    """A browser with a session cookie whose handler logged in, and its ticket's URL."""
    client = clients()
    client.http.session.save()
    page = client.live("/sign-in/")
    return client, ticket_url(page.send("sign_in", username="ann"))


def test_an_altered_ticket_is_refused(ticket):
    client, url = ticket
    refused(client, url[:-3] + ("abc" if not url.endswith("abc") else "xyz"), 400, "not valid")
    refused(client, "/live/session/", 400, "No session ticket")
    forged = signing.TimestampSigner(salt="another").sign_object({"k": "", "n": "", "o": []})
    refused(client, f"/live/session/?ticket={forged}", 400, "not valid")
    client.get(url)  # the real one still works
    assert who(client) == "ann -"


def test_an_expired_ticket_is_refused(ticket, monkeypatch):
    client, url = ticket
    monkeypatch.setattr(session_ticket, "MAX_AGE", -1)
    refused(client, url, 400, "expired")
    assert who(client) == "anonymous -"


def test_another_browser_cannot_redeem_the_ticket(ticket, clients):
    client, url = ticket
    for cookies in ({}, {SESSION: "0123456789abcdefghijklmnopqrstuv"}):
        other = clients()
        for name, value in cookies.items():
            other.http.cookies[name] = value
        refused(other, url, 403, "for another browser")
        assert who(other) == "anonymous -"
    client.get(url)
    assert who(client) == "ann -"


def test_a_ticket_is_redeemed_once(ticket, clients):
    client, url = ticket
    old = cookie(client)
    assert client.get(url).status_code == 302
    new = cookie(client)
    # Again from that browser: it holds the new key already, nothing changes.
    response = client.get(url)
    assert response.status_code == 302
    assert SESSION not in response.cookies
    assert cookie(client) == new
    # Someone who held the old cookie too (a fixed session) and read the URL, too late.
    other = clients()
    other.http.cookies[SESSION] = old
    refused(other, url, 403, "used already")
    assert who(other) == "anonymous -"


def test_two_requests_at_once_with_one_ticket_redeem_it_once(ticket, clients, settings):
    # Someone who held the browser's cookie too (a fixed session) and read the URL redeems it
    # at the very moment the browser does: both requests read the session's nonce before
    # either saved the session without it.
    client, url = ticket
    other = clients()
    other.http.cookies[SESSION] = cookie(client)
    settings.SESSION_ENGINE = "tests.gated_sessions"
    new_key = session_ticket.read(parse_qs(urlsplit(url).query)["ticket"][0]).session_key
    gated_sessions.SessionStore.gate = (new_key, threading.Barrier(2))
    responses: dict[str, Any] = {}

    def redeem(name: str, browser: TrackingLiveClient) -> None:
        try:
            responses[name] = browser.get(url)
        finally:
            close_thread_db_connections()  # SQLite's in-memory one too (Python 3.13 warns)

    threads = [
        threading.Thread(target=redeem, args=(name, browser))
        for name, browser in (("client", client), ("other", other))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        gated_sessions.SessionStore.gate = None

    assert sorted(response.status_code for response in responses.values()) == [302, 403]
    [loser] = [response for response in responses.values() if response.status_code == 403]
    assert "used already" in loser.content.decode()
    assert not loser.cookies
    assert sorted([who(client), who(other)]) == ["ann -", "anonymous -"]


def test_a_cache_that_cannot_answer_leaves_the_session_to_judge(ticket, clients, settings, caplog):
    client, url = ticket
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    settings.LIVE_VIEWS = {**getattr(settings, "LIVE_VIEWS", {}), "STATE_CACHE": "down"}
    old = cookie(client)
    with caplog.at_level(logging.ERROR, logger="live_views"):
        assert client.get(url).status_code == 302
    assert "could not claim a session ticket" in caplog.text
    assert who(client) == "ann -"
    # Its nonce is gone from the session: the ticket is used up all the same.
    other = clients()
    other.http.cookies[SESSION] = old
    refused(other, url, 403, "used already")


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", "none"])
def test_a_ticket_reached_from_another_site_is_refused(clients, ann, fetch_site):
    # Login CSRF: a browser with no session cookie logs in to its own account, keeps the ticket
    # and sends a visitor with no session cookie to it (a link on another site, within the
    # minute): the visitor's browser matched "no cookie", and was logged in as the attacker,
    # to type into the attacker's account what it meant for its own.
    attacker = clients()
    url = ticket_url(attacker.live("/sign-in/").send("sign_in", username="ann"))
    victim = clients()

    held = cookie(victim)
    response = victim.http.get(url, headers={"Sec-Fetch-Site": fetch_site})
    assert response.status_code == 403
    assert "not from a page of this site" in response.content.decode()
    assert not response.cookies
    assert cookie(victim) == held
    assert who(victim) == "anonymous -"
    # The page's own navigation to it comes from its own origin: the ticket still works.
    assert attacker.http.get(url, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 302
    assert who(attacker) == "ann -"


def test_a_ticket_going_to_another_site_is_refused(clients, ann):
    client = clients()
    page = client.live("/sign-in/")
    reply = page.send("sign_in_elsewhere", username="ann")
    refused(client, ticket_url(reply), 400, "not on this site")
    assert who(client) == "anonymous -"


def test_a_ticket_whose_session_ended_is_refused(ticket):
    client, url = ticket
    Session.objects.all().delete()
    refused(client, url, 403, "its session has ended")


def test_the_route_answers_get_only(ticket):
    client, url = ticket
    assert client.http.post(url).status_code == 405
    assert who(client) == "anonymous -"


# -- signed-cookie sessions --------------------------------------------------------------------


def test_signed_cookie_sessions_fail_the_event_and_say_why(clients, ann, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = clients()
    page = client.live("/sign-in/")
    with pytest.raises(ImproperlyConfigured, match=r"keeps the session in the browser's\s+cookie"):
        page.send("sign_in", username="ann")
    assert page.errors[-1]["code"] == "server_error"
    assert who(client) == "anonymous -"


def test_w031_warns_about_signed_cookie_sessions(settings):
    assert check_sessions() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    assert check_sessions() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    [warning] = check_sessions()
    assert warning.id == "live_views.W031"
    assert "login()" in warning.msg
    assert "cached_db" in warning.hint


def test_an_event_keeps_what_another_request_saved_in_the_session_since_the_page_opened(clients):
    client = clients()
    client.http.session.save()  # a visitor with a session cookie
    page = client.live("/sign-in/")
    other_tab = client.http.session  # the browser's other tab saves a key of its own
    other_tab["cart"] = [1]
    other_tab.save()
    page.send("remember", value="x")  # the page's event saves another key
    page.send("remember", value="y")  # and again: what it saved is its own from then on
    stored = client.http.session
    assert (stored.get("cart"), stored.get("remembered")) == ([1], "y")


def test_an_async_handler_sees_what_another_request_saved_in_the_session(clients):
    client = clients()
    client.http.session.save()
    page = client.live("/sign-in/")
    other_tab = client.http.session
    other_tab["remembered"] = "from the other tab"
    other_tab.save()
    page.send("recall")
    assert page.block("recalled") == '<p id="recalled">from the other tab</p>'
    page.send("forget")  # a sync event that reads nothing of the session
    other_tab = client.http.session
    other_tab["remembered"] = "from the other tab again"
    other_tab.save()
    page.send("recall")
    assert page.block("recalled") == '<p id="recalled">from the other tab again</p>'


def test_an_async_handler_reads_the_session_through_the_stores_own_load(clients, settings):
    # A project's store that overrides only load() (one that decrypts, say): Django's async
    # session methods of the database store read the row without it.
    settings.SESSION_ENGINE = "tests.counted_sessions"
    client = clients()
    client.http.session.save()
    page = client.live("/sign-in/")
    other_tab = client.http.session
    other_tab["remembered"] = "from the other tab"
    other_tab.save()
    counted_sessions.SessionStore.loads = 0
    page.send("recall")
    assert page.block("recalled") == '<p id="recalled">from the other tab</p>'
    assert counted_sessions.SessionStore.loads == 1


def test_an_async_handlers_write_keeps_what_another_request_saved_in_the_session(clients):
    client = clients()
    client.http.session.save()
    page = client.live("/sign-in/")
    other_tab = client.http.session
    other_tab["cart"] = [1]
    other_tab.save()
    page.send("remember_later", value="x")
    assert client.http.get("/who/").content == b"anonymous x"
    other_tab = client.http.session
    other_tab["cart"] = [1, 2]
    other_tab.save()
    page.send("remember_later", value="y")  # what it saved before is its own from then on
    stored = client.http.session
    assert (stored.get("cart"), stored.get("remembered")) == ([1, 2], "y")


@pytest.mark.parametrize(
    ("url", "secure", "here"),
    [
        ("/cart/", False, True),
        ("http://testserver/cart/?step=2", False, True),
        ("https://testserver/cart/", True, True),
        ("http://testserver/cart/", True, False),  # from HTTPS down to HTTP
        ("https://pay.example.com/checkout", False, False),
        ("//pay.example.com/checkout", False, False),
        ("/\\pay.example.com/", False, False),
        ("javascript:alert(1)", False, False),
        ("", False, False),
    ],
)
def test_a_ticket_goes_on_to_pages_of_this_site_only(url, secure, here):
    # One verdict for the route (which refuses the ticket) and the socket (which makes none).
    request = RequestFactory().get("/sign-in/", secure=secure)
    assert session_ticket.goes_on_here(request, url) is here


def test_a_ticket_does_not_go_on_from_a_host_not_allowed():
    request = RequestFactory().get("/sign-in/", HTTP_HOST="evil.example")
    assert not session_ticket.goes_on_here(request, "/cart/")
