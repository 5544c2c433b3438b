"""The socket is the page's own Django request: the project's MIDDLEWARE runs around its mount,
every event and every broadcast refresh (live_views/socket/processing.py).

Driven through live_views.testing (the real ASGI app and consumer). The page (tests/testapp/
request_views.py) shows the active language, time zone, ``request.tenant`` and what its
handlers saw; its URLconf has it at /world/ and under i18n_patterns at /en/… and /fr/….
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import Client, override_settings
from django.utils import timezone, translation

from live_views import __version__, broadcast
from live_views.connect import wire
from live_views.connect.tokens import ConnectTarget
from live_views.socket.processing import RequestProcessing
from live_views.socket.refusal import Refused
from live_views.socket.request import build_request
from live_views.testing import LiveClient, LiveRefused
from tests.processing_fixtures import BASE, DJANGO_MIDDLEWARE, shown, text
from tests.testapp.middleware import (
    ExceptionLogMiddleware,
    GateMiddleware,
    SessionSeenMiddleware,
    TenantMiddleware,
)
from tests.testapp.request_views import NEWS

pytestmark = [
    pytest.mark.urls("tests.testapp.request_views"),
    pytest.mark.usefixtures("project_middleware"),
]

# Middleware that only makes sense for HTTP responses: Django's are left out of the socket's
# chain (NOT_ON_THE_SOCKET), the project's own runs; the socket works either way.
HTTP_ONLY = [
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tests.testapp.middleware.ResponseHeaderMiddleware",
]


@pytest.fixture
def live_client(live_db):
    client = LiveClient()
    yield client
    client.close()


# -- 1. language: cookie, Accept-Language, i18n_patterns ----------------------------------------


def test_a_page_chosen_in_french_by_cookie_stays_french_after_join_events_and_broadcasts(
    live_client,
):
    live_client.http.cookies["django_language"] = "fr"
    page = live_client.live("/world/")
    assert shown(page, "language") == "fr Oui mars"  # over HTTP, then the join re-rendered
    page.send("increment")
    assert shown(page, "count") == "1"
    assert shown(page, "language") == "fr Oui mars"
    assert shown(page, "handler").startswith("fr ")
    NEWS["count"] += 1
    broadcast("world")
    page.wait_for_update()  # the broadcast refresh renders in French too
    assert shown(page, "language") == "fr Oui mars"
    page.close()


def test_an_async_handler_runs_under_the_language_the_middleware_activated(live_client):
    live_client.http.cookies["django_language"] = "fr"
    live_client.http.cookies["tz"] = "Asia/Tokyo"
    page = live_client.live("/world/")
    page.send("increment_later")
    assert shown(page, "handler") == "fr Asia/Tokyo"
    assert shown(page, "count") == "1"
    page.close()


@pytest.mark.parametrize("event", ["look", "look_later"])
def test_a_components_handlers_run_under_the_language_the_middleware_activated(live_client, event):
    # The page has no async handler of its own: only its component does.
    live_client.http.cookies["django_language"] = "fr"
    live_client.http.cookies["tz"] = "Asia/Tokyo"
    page = live_client.live("/clock/")
    clock = page.component("clock")
    clock.send(event)
    assert text(clock.block("saw")) == "fr Asia/Tokyo"
    page.close()


@pytest.mark.parametrize("event", ["start_work", "start_async_work"])
def test_background_work_runs_and_renders_in_the_pages_language_and_time_zone(live_client, event):
    live_client.http.cookies["django_language"] = "fr"
    live_client.http.cookies["tz"] = "Asia/Tokyo"
    page = live_client.live("/world/")
    page.send(event)
    while shown(page, "work") != "done":
        page.wait_for_update()  # the work's outcome, rendered as the page's own unit of work
    assert shown(page, "work-saw") == "fr Asia/Tokyo"  # the work itself (a report's dates)
    assert shown(page, "language") == "fr Oui mars"
    assert shown(page, "time") == "Asia/Tokyo 21:00"
    page.close()


def test_lazy_translations_pushed_to_the_pages_js_are_sent_in_its_language(live_client):
    live_client.http.cookies["django_language"] = "fr"
    page = live_client.live("/world/")
    frame = page.send("say_yes")  # gettext_lazy("Yes") in a push event, the title and a reply
    assert frame[wire.PUSH] == [["toast", {"text": "Oui"}]]
    assert frame[wire.TITLE] == "Oui"
    assert frame[wire.REPLY] == {"text": "Oui"}
    page.close()


def open_page(client, path, *extra_headers):
    """Load ``path`` and open its socket with the browser's headers plus ``extra_headers``;
    the socket is not joined yet."""
    html = client.get(path).content.decode()
    url = html_lib.unescape(re.search(r'hx-ws:connect="([^"]+)"', html).group(1))
    cookies = "; ".join(f"{name}={m.value}" for name, m in client.http.cookies.items())
    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver")]
    headers += [(b"cookie", cookies.encode()), *extra_headers]
    return client.open_socket(url, html, headers=headers)


def join(page):
    page.send_frame({"join": {"version": __version__, "blocks": {}}})
    return page.receive()


def test_accept_language_chooses_the_language_on_the_socket_too(live_client):
    page = open_page(live_client, "/world/", (b"accept-language", b"fr-FR,fr;q=0.9"))
    join(page)
    assert shown(page, "language") == "fr Oui mars"
    page.send("increment")
    assert shown(page, "language") == "fr Oui mars"
    page.close()


def test_the_test_clients_default_headers_go_on_its_sockets_too(live_db):
    client = LiveClient(Client(headers={"accept-language": "fr"}))
    try:
        page = client.live("/world/")
        page.send("increment")
        assert shown(page, "language") == "fr Oui mars"
        page.close()
    finally:
        client.close()


@override_settings(MIDDLEWARE=[*BASE, "tests.testapp.middleware.SessionLanguageMiddleware"])
def test_a_language_kept_in_the_session_stays_after_events_and_broadcasts(live_client):
    session = live_client.http.session
    session["language"] = "fr"
    session.save()
    page = live_client.live("/world/")
    assert shown(page, "language") == "fr Oui mars"
    page.send("increment")
    assert shown(page, "language") == "fr Oui mars"
    NEWS["count"] += 1
    broadcast("world")
    page.wait_for_update()
    assert shown(page, "language") == "fr Oui mars"
    page.close()


@override_settings(MIDDLEWARE=[*BASE, "tests.testapp.middleware.SessionLanguageMiddleware"])
def test_an_async_handler_after_a_choice_stored_in_the_session_runs_under_it(live_client):
    # A language or time zone a sync handler stores where the middleware reads it: the async
    # handler after it ran under what the middleware had activated before the choice.
    live_client.http.session.save()  # a visitor with a session cookie
    page = live_client.live("/world/")
    page.send("choose_language", language="fr")
    page.send("increment_later")
    assert shown(page, "handler").startswith("fr ")
    page.close()


def test_an_i18n_patterns_url_connects_and_renders_in_its_language(live_client):
    page = live_client.live("/fr/intl/world/")  # refused with 4404 before the middleware ran
    page.send("increment")
    assert shown(page, "language") == "fr Oui mars"
    assert shown(page, "url-name") == "intl-world"
    english = live_client.live("/en/intl/world/")
    english.send("increment")
    assert shown(english, "language") == "en Yes March"
    english.close()
    page.close()


def test_live_patch_keeps_the_language_prefix(live_client):
    page = live_client.live("/fr/intl/world/")
    reply = page.send("show_page", page=2)
    assert reply[wire.PATCH]["search"] == "?page=2"  # only the query changes
    assert page.url == "/fr/intl/world/?page=2"
    assert shown(page, "page") == "2"
    assert shown(page, "language") == "fr Oui mars"
    page.back()
    assert shown(page, "page") == ""
    page.reconnect()  # a reconnect after the patch renders what the address bar shows
    assert shown(page, "language") == "fr Oui mars"
    page.close()


# -- 2. time zone and custom middleware ---------------------------------------------------------


def test_a_time_zone_middleware_and_a_tenant_middleware_apply_on_the_socket(live_client):
    live_client.http.cookies["tz"] = "Asia/Tokyo"
    live_client.http.cookies["tenant"] = "acme"
    page = live_client.live("/world/")
    calls = TenantMiddleware.socket_calls
    page.send("increment")
    assert TenantMiddleware.socket_calls == calls + 1  # it can tell the socket apart
    assert shown(page, "time") == "Asia/Tokyo 21:00"
    assert shown(page, "tenant") == "acme"
    assert shown(page, "handler") == "en Asia/Tokyo"
    page.close()


def test_an_async_only_middleware_applies_on_the_socket(live_client):
    with override_settings(
        MIDDLEWARE=[*DJANGO_MIDDLEWARE, "tests.testapp.middleware.AsyncTenantMiddleware"]
    ):
        live_client.http.cookies["tz"] = "Asia/Tokyo"
        live_client.http.cookies["tenant"] = "acme"
        page = live_client.live("/world/")
        assert shown(page, "tenant") == "acme"
        page.send("increment")
        assert shown(page, "count") == "1"
        assert shown(page, "time") == "Asia/Tokyo 21:00"
        assert shown(page, "handler") == "en Asia/Tokyo"
        NEWS["count"] += 1
        broadcast("world")
        page.wait_for_update()
        assert shown(page, "tenant") == "acme"
        assert shown(page, "time") == "Asia/Tokyo 21:00"
        page.close()


def test_what_one_page_activates_never_reaches_another_pages_render(live_client):
    live_client.http.cookies["tz"] = "Asia/Tokyo"
    live_client.http.cookies["django_language"] = "fr"
    other = LiveClient()
    try:
        plain = other.live("/world/")  # no cookies: the project's defaults
        tokyo_page = live_client.live("/world/")
        NEWS["count"] += 1
        broadcast("world")  # both refresh, in one worker-thread hop
        tokyo_page.wait_for_update()
        plain.wait_for_update()
        assert shown(tokyo_page, "time") == "Asia/Tokyo 21:00"
        assert shown(plain, "time") == "America/Chicago 06:00"
        assert shown(plain, "language") == "en Yes March"
        plain.close()
        tokyo_page.close()
    finally:
        other.close()


def test_after_a_unit_of_work_nothing_it_activated_stays_active(rf_request):
    processing = RequestProcessing(rf_request, "/world/")

    def work():
        return translation.get_language(), timezone.get_current_timezone_name()

    assert processing.run(work) == ("fr", "Asia/Tokyo")
    assert translation.get_language() == "en"
    assert timezone.get_current_timezone_name() == "America/Chicago"


def test_a_unit_of_work_leaves_what_its_caller_activated_as_it_was(rf_request):
    # The unit's own activation ends with it; its caller's (an override around it) is kept,
    # where Django's deactivate() after the unit used to end both.
    processing = RequestProcessing(rf_request, "/world/")
    with translation.override("de"), timezone.override("Europe/Berlin"):
        assert processing.run(translation.get_language) == "fr"
        assert translation.get_language() == "de"
        assert timezone.get_current_timezone_name() == "Europe/Berlin"


@pytest.fixture
def rf_request(db):
    scope = {
        "type": "websocket",
        "path": "/live/ws/",
        "headers": [(b"host", b"testserver"), (b"cookie", b"django_language=fr; tz=Asia/Tokyo")],
        "query_string": b"",
    }
    return build_request(scope, ConnectTarget("/world/", "", "page"), SessionStore(), None)


def test_the_view_sees_the_sockets_session_whatever_the_middleware_installs(rf_request):
    session = rf_request.session
    seen = RequestProcessing(rf_request, "/world/").run(lambda: rf_request.session)
    assert seen is session
    assert rf_request.session is session
    assert rf_request.live_socket is True


@override_settings(MIDDLEWARE=HTTP_ONLY + BASE)
def test_middleware_made_for_http_responses_does_not_break_the_socket(live_client):
    live_client.http.cookies["django_language"] = "fr"
    page = live_client.live("/world/")
    page.send("increment")
    page.send("increment")
    assert shown(page, "count") == "2"
    assert shown(page, "language") == "fr Oui mars"
    page.close()


# -- 3. middleware that answers instead of the view ---------------------------------------------


@pytest.fixture
def gate():
    GateMiddleware.closed = None
    with override_settings(MIDDLEWARE=[*BASE, "tests.testapp.middleware.GateMiddleware"]):
        yield GateMiddleware
    GateMiddleware.closed = None


@pytest.mark.parametrize(("answer", "code"), [("403", 4403), ("login", 4401)])
def test_a_middleware_that_refuses_an_event_closes_the_socket(live_client, gate, answer, code):
    page = live_client.live("/world/")
    gate.closed = answer
    with pytest.raises(LiveRefused) as refused:
        page.send("increment")
    assert refused.value.code == code
    page.close()


def test_a_middleware_that_refuses_the_mount_refuses_the_socket(live_client, gate):
    html = live_client.get("/world/").content.decode()
    gate.closed = "403"
    url = html_lib.unescape(re.search(r'hx-ws:connect="([^"]+)"', html).group(1))
    page = live_client.open_socket(url, html)
    assert join(page) is None
    assert page.close_code == wire.CLOSE_FORBIDDEN
    page.close()


def test_a_refusal_from_middleware_inside_a_unit_is_raised_as_refused(rf_request, gate):
    gate.closed = "403"
    with pytest.raises(Refused) as refused:
        RequestProcessing(rf_request, "/world/").run(lambda: "never")
    assert refused.value.code == wire.CLOSE_FORBIDDEN


# -- 4. exceptions -----------------------------------------------------------------------------


@override_settings(MIDDLEWARE=[*BASE, "tests.testapp.middleware.ExceptionLogMiddleware"])
def test_process_exception_sees_what_escapes_a_unit_and_the_library_still_handles_it(rf_request):
    ExceptionLogMiddleware.seen.clear()
    boom = RuntimeError("a render failed")

    def work():
        raise boom

    with pytest.raises(RuntimeError) as raised:
        RequestProcessing(rf_request, "/world/").run(work)
    assert raised.value is boom  # its response ("handled") is not used
    assert ExceptionLogMiddleware.seen == [boom]


@override_settings(MIDDLEWARE=[*BASE, "django.contrib.auth.middleware.LoginRequiredMiddleware"])
def test_process_view_hooks_run_with_the_pages_callable_and_user(live_client, django_user_model):
    # Django's LoginRequiredMiddleware decides in process_view, from the view callable and
    # request.user: a logged-in page works, and the user it reads is the page's.
    live_client.force_login(django_user_model.objects.create_user("ann", password="pw"))
    page = live_client.live("/world/")
    page.send("increment")
    assert shown(page, "count") == "1"
    page.close()
    anonymous = LiveClient()
    try:
        assert anonymous.get("/world/").status_code == 302  # over HTTP: to the login page
    finally:
        anonymous.close()


@override_settings(MIDDLEWARE=[*BASE, "tests.testapp.middleware.SessionSeenMiddleware"])
def test_djangos_session_middleware_is_left_out_and_middleware_sees_the_pages_session(
    rf_request,
):
    # SessionMiddleware would only install a fresh copy of the session the page holds.
    SessionSeenMiddleware.seen.clear()
    RequestProcessing(rf_request, "/world/").run(lambda: None)
    assert SessionSeenMiddleware.seen == [rf_request.session]
    assert SessionSeenMiddleware.seen[0] is rf_request.session
