"""The session and the CSRF cookie of a page on the HTTP transport: each frame is a request of
its own, through the project's SessionMiddleware and CsrfViewMiddleware. A frame's handler sees
the session as that request read it, not the copy the page read when it was mounted, and what
it changes (a session key, a new CSRF secret) is saved and sent back by that frame's answer."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from live_views.connect.sessionless import MARK
from live_views.http import endpoint
from live_views.testing import LiveClient
from tests.test_component_csrf import passes_csrf_check, token_in
from tests.test_http_endpoint import Page, frame_of, shown
from tests.test_http_jobs import pushes_until
from tests.testapp import login_views

pytestmark = pytest.mark.usefixtures("no_http_pages")

CSRF = settings.CSRF_COOKIE_NAME
SESSION = settings.SESSION_COOKIE_NAME
MESSAGE_RE = re.compile(r'<p class="message[^"]*">([^<]*)</p>')


def joined(browser: Client, path: str) -> Page:
    """A page loaded by ``browser`` and mounted by its join, as the browser's JS mounts it."""
    page = Page(browser, path)
    assert page.join().status_code == 200
    return page


def messages_in(browser: Client, path: str = "/catalog/") -> list[str]:
    return MESSAGE_RE.findall(browser.get(path).content.decode())


# -- the session ----------------------------------------------------------------------------


@pytest.mark.urls("tests.testapp.login_views")
def test_an_event_keeps_what_another_request_saved_in_the_session_since_the_join(live_db):
    browser = Client()
    browser.session.save()  # a visitor with a session cookie
    page = joined(browser, "/sign-in/")
    other_tab = browser.session  # the browser's other tab saves a key of its own
    other_tab["cart"] = [1]
    other_tab.save()
    assert page.event("remember", value="x").status_code == 200
    other_tab = browser.session
    other_tab["cart"] = [1, 2]
    other_tab.save()
    assert page.event("remember", value="y").status_code == 200
    stored = browser.session
    assert (stored.get("cart"), stored.get("remembered")) == ([1, 2], "y")


@pytest.mark.urls("tests.testapp.login_views")
def test_an_event_sees_what_another_request_saved_in_the_session(live_db):
    browser = Client()
    browser.session.save()
    page = joined(browser, "/sign-in/")
    assert page.event("remember", value="x").status_code == 200
    assert browser.get("/who/").content == b"anonymous x"
    other_tab = browser.session
    other_tab["remembered"] = "from the other tab"
    other_tab.save()
    page.event("keep_key")  # saves the session as the handler finds it
    assert browser.get("/who/").content == b"anonymous from the other tab"


def session_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        query["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in query["sql"]
        for query in queries.captured_queries
    )


@pytest.mark.urls("tests.testapp.login_views")
@pytest.mark.parametrize("event", ["remember", "remember_later"])
def test_an_event_that_changes_the_session_writes_it_once(live_db, event):
    browser = Client()
    browser.session.save()
    page = joined(browser, "/sign-in/")
    with CaptureQueriesContext(connection) as queries:
        reply = page.event(event, value="x")
    assert reply.status_code == 200
    assert SESSION in reply.cookies  # the frame's SessionMiddleware saved it, and said so
    assert session_writes(queries) == 1
    assert browser.get("/who/").content == b"anonymous x"


def test_two_pages_of_one_session_keep_both_their_unshown_messages(live_db):
    browser = Client()
    browser.force_login(User.objects.create_user("ada"))
    first, second = joined(browser, "/quiet/"), joined(browser, "/quiet/")
    assert first.event("save").status_code == 200
    assert second.event("save").status_code == 200
    assert messages_in(browser) == ["Saved quietly", "Saved quietly"]


def test_a_message_shown_by_a_page_load_is_not_kept_again_by_a_page_over_http(live_db):
    browser = Client()
    browser.force_login(User.objects.create_user("ada"))
    page = joined(browser, "/quiet/")
    page.event("save")
    assert messages_in(browser) == ["Saved quietly"]
    page.event("save")
    assert messages_in(browser) == ["Saved quietly"]


# -- a visitor with no session cookie -----------------------------------------------------------

RECALLED_RE = re.compile(r'<p id="recalled">([^<]*)</p>')


@pytest.mark.urls("tests.testapp.login_views")
@pytest.mark.parametrize("joins_first", [True, False], ids=["joined", "mounted-by-its-event"])
def test_a_visitor_without_a_session_keeps_the_session_an_event_over_http_gave_it(
    http_browser, joins_first
):
    page = Page(http_browser, "/sign-in/")
    assert SESSION not in http_browser.cookies
    if joins_first:
        assert page.join().status_code == 200
    # Without the join, the event's own request mounts the page (another worker, a restart).
    reply = page.event("remember", value="x")
    assert reply.status_code == 200
    assert reply.cookies[SESSION].value  # the browser's first session, set by this answer

    recalled = page.event("recall")  # its token was made for no session; the cookie is sent
    assert recalled.status_code == 200, shown(recalled)
    assert RECALLED_RE.findall(shown(recalled)) == ["x"]
    assert http_browser.get("/who/").content == b"anonymous x"
    assert page.event("remember", value="y").status_code == 200
    assert http_browser.get("/who/").content == b"anonymous y"


@pytest.mark.urls("tests.testapp.login_views")
def test_a_page_whose_browser_does_not_keep_the_cookie_keeps_its_own_session(http_browser):
    page = Page(http_browser, "/sign-in/")
    page.join()
    assert page.event("remember", value="x").cookies[SESSION].value
    del http_browser.cookies[SESSION]  # refused by the browser (a Secure cookie over http)
    assert RECALLED_RE.findall(shown(page.event("recall"))) == ["x"]
    assert page.event("remember", value="y").status_code == 200
    assert RECALLED_RE.findall(shown(page.event("recall"))) == ["y"]
    assert SESSION not in http_browser.cookies


@pytest.mark.urls("tests.testapp.login_views")
def test_the_browsers_other_pages_and_their_push_routes_go_on_in_the_session_it_took(
    http_browser,
):
    first, second = Page(http_browser, "/sign-in/"), Page(http_browser, "/sign-in/")
    assert first.join().status_code == second.join().status_code == 200
    assert first.event("remember", value="x").status_code == 200
    assert SESSION in http_browser.cookies
    assert RECALLED_RE.findall(shown(second.event("recall"))) == ["x"]
    pushed = http_browser.get("/live/http/push/", {"token": second.token, "wait": "0"})
    assert pushed.status_code == 200


@pytest.mark.urls("tests.testapp.login_views")
def test_the_pages_socket_opens_in_the_session_its_http_event_gave_the_browser(live_db):
    live = LiveClient(Client(enforce_csrf_checks=True), timeout=5)
    try:
        page = Page(live.http, "/sign-in/")
        page.join()
        assert page.event("remember", value="x").status_code == 200
        socket_url = html_lib.unescape(re.search(r'hx-ws:connect="([^"]+)"', page.html)[1])
        socket = live.open_socket(socket_url, page.html)  # with the browser's new cookie
        socket.send_frame({"join": {"version": "", "blocks": {}}})
        assert socket.receive()["joined"] is True
        socket.send("recall")
        assert socket.block("recalled") == '<p id="recalled">x</p>'
        socket.close()
    finally:
        live.close()


@pytest.mark.urls("tests.testapp.login_views")
def test_a_token_made_for_no_session_is_still_refused_with_another_session(http_browser):
    page = Page(http_browser, "/sign-in/")
    page.join()
    page.event("remember", value="x")
    stranger = Client(enforce_csrf_checks=True)
    stranger.get("/who/")
    stranger_page = Page(stranger, "/sign-in/")  # for its CSRF cookie and token
    stranger.session.save()  # a session of its own, not one an HTTP answer gave it
    refused = stranger_page.send({"join": {"version": "", "blocks": {}}}, token=page.token)
    assert refused.status_code == 403
    assert "another session" in frame_of(refused)["error"]["message"]


@pytest.mark.urls("tests.testapp.login_views")
def test_only_the_first_session_an_event_gives_a_browser_is_marked_as_such(live_db):
    had_one = Client()
    had_one.session.save()
    assert joined(had_one, "/sign-in/").event("remember", value="x").status_code == 200
    assert MARK not in had_one.session
    has_none = Client()
    page = joined(has_none, "/sign-in/")
    assert page.event("forget").status_code == 200  # leaves the session alone: none is made
    assert SESSION not in has_none.cookies
    assert page.event("remember", value="x").status_code == 200
    assert has_none.session[MARK] is True


# -- background work shown between frames -------------------------------------------------------


@pytest.fixture
def work(monkeypatch, sqlite_waits_for_locks):
    # The work saves the session in a thread of its own while the test's push request reads
    # it: on SQLite's shared cache that read was refused ("database table is locked", seen
    # once on two xdist workers) where a database file or PostgreSQL waits.
    monkeypatch.setattr(endpoint, "LONG_POLL", 5.0)
    login_views.WORK_RELEASE.clear()
    yield
    login_views.WORK_RELEASE.set()


@pytest.mark.urls("tests.testapp.login_views")
def test_work_shown_after_an_event_that_changed_the_session_keeps_what_another_request_saved(
    live_db, work
):
    browser = Client()
    browser.session.save()
    page = joined(browser, "/session-work/")
    assert page.event("remember_then_work", value="x").status_code == 200
    assert browser.get("/who/").content == b"anonymous x"
    other_tab = browser.session
    other_tab["remembered"] = "from the other tab"
    other_tab.save()

    login_views.WORK_RELEASE.set()
    pushes_until(page, '<p id="work">done</p>')

    assert browser.get("/who/").content == b"anonymous from the other tab"


@pytest.mark.urls("tests.testapp.login_views")
def test_what_work_shown_after_such_an_event_changes_in_the_session_is_saved(live_db, work):
    browser = Client()
    browser.session.save()
    page = joined(browser, "/session-work/")
    assert page.event("remember_then_tally", value="x").status_code == 200
    login_views.WORK_RELEASE.set()
    pushes_until(page, '<p id="tally">tallied</p>')
    stored = browser.session
    assert (stored.get("remembered"), stored.get("tallied")) == ("x", "tallied")


# -- the CSRF cookie --------------------------------------------------------------------------


def test_a_handlers_new_csrf_secret_is_set_by_its_frames_answer(http_browser):
    page = joined(http_browser, "/csrf-renew/")
    before = http_browser.cookies[CSRF].value

    reply = page.event("renew_csrf")

    assert reply.status_code == 200
    secret = http_browser.cookies[CSRF].value
    assert secret != before
    assert reply.cookies[CSRF].value == secret
    # The token the page now shows (its form's, its components') passes Django's check.
    shown = token_in(reply.content.decode())
    assert _unmask_cipher_token(shown) == secret
    assert passes_csrf_check(shown, secret)
    assert not passes_csrf_check(shown, before)
    # So does the one the page's next frames send (the glue takes it from the answer's header).
    assert _unmask_cipher_token(page.csrf) == secret
    assert page.event("renew_csrf_counted").status_code == 200


def test_the_events_after_a_new_csrf_secret_keep_it(http_browser):
    page = joined(http_browser, "/csrf-renew/")
    first = http_browser.cookies[CSRF].value
    assert page.event("renew_csrf").status_code == 200
    renewed, token = http_browser.cookies[CSRF].value, page.csrf
    assert renewed != first
    for _ in range(2):
        reply = page.event("bump")
        assert reply.status_code == 200
        # The page's own CsrfViewMiddleware read the cookie the page was mounted with: the
        # next event's answer set the first secret back, undoing the handler's rotate_token().
        assert CSRF not in reply.cookies
        assert "X-Live-Csrf" not in reply.headers
    assert http_browser.cookies[CSRF].value == renewed
    assert page.csrf == token


def test_a_frame_that_keeps_the_secret_sets_no_csrf_cookie(http_browser):
    page = joined(http_browser, "/csrf-renew/")
    token = page.csrf
    reply = page.event("bump")
    assert reply.status_code == 200
    assert CSRF not in reply.cookies
    assert "X-Live-Csrf" not in reply.headers
    assert page.csrf == token


@pytest.mark.urls("tests.testapp.login_views")
def test_a_login_over_http_sets_the_new_session_and_csrf_cookies_with_the_events_answer(live_db):
    User.objects.create_user("ann")
    browser = Client(enforce_csrf_checks=True)
    browser.session.save()
    old = browser.cookies[SESSION].value
    page = joined(browser, "/sign-in/")
    csrf = browser.cookies[CSRF].value

    reply = page.event("sign_in", username="ann")

    assert reply.cookies[SESSION].value not in ("", old)
    assert reply.cookies[CSRF].value != csrf
    response = browser.get(reply["HX-Redirect"])  # through the session route, as on the socket
    assert response["Location"] == "/who/"
    assert browser.get("/who/").content == b"ann -"


@pytest.mark.urls("tests.testapp.login_views")
def test_an_async_handler_over_http_logs_in_with_the_frames_session(live_db):
    User.objects.create_user("ann")
    browser = Client()
    browser.session.save()
    page = joined(browser, "/sign-in/")
    reply = page.event("sign_in_later", username="ann")
    assert SESSION in reply.cookies
    assert browser.get(reply["HX-Redirect"])["Location"] == "/who/"
    assert browser.get("/who/").content == b"ann -"
