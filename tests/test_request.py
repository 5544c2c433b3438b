"""live_views/socket/request.py: the request a live view sees on its socket is a GET of the
page's own URL, with the socket's headers, cookies, session and user."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import AsyncRequestFactory, Client, RequestFactory, override_settings

from live_views.connect.tokens import ConnectTarget, make_connect_token, read_connect_token
from live_views.socket.messages import SocketMessageStorage
from live_views.socket.request import build_request, session_and_user
from live_views.testing import AsyncLiveClient
from live_views.uploads.page_form import _page_get
from tests.live_helpers import TrackingLiveClient

TARGET = ConnectTarget(path="/counter/", query_string="page=2&tag=a&tag=b", page_id="p1")


def websocket_scope(headers: list[tuple[bytes, bytes]] | None = None, **extra: Any) -> dict:
    scope: dict[str, Any] = {
        "type": "websocket",
        "scheme": "ws",
        "path": "/live/ws/",
        "query_string": b"t=token",
        "headers": headers
        if headers is not None
        else [
            (b"host", b"testserver"),
            (b"origin", b"http://testserver"),
            (b"accept-language", b"de"),
            (b"cookie", b"theme=dark; sessionid=abc"),
        ],
        "client": ("10.0.0.7", 51234),
        "server": ("testserver", 80),
    }
    scope.update(extra)
    return scope


def request_for(scope: dict, target: ConnectTarget = TARGET, user: Any = None) -> Any:
    return build_request(scope, target, SessionStore(), user or AnonymousUser())


# -- build_request ------------------------------------------------------------------------------


def test_it_is_a_get_of_the_pages_own_path_and_query():
    request = request_for(websocket_scope())
    assert request.method == "GET"
    assert request.path == request.path_info == "/counter/"
    assert request.GET.getlist("tag") == ["a", "b"]
    assert request.GET["page"] == "2"
    assert request.META["QUERY_STRING"] == "page=2&tag=a&tag=b"
    assert request.get_full_path() == "/counter/?page=2&tag=a&tag=b"
    assert request.body == b""


def test_not_the_sockets_own_path_or_query():
    request = request_for(websocket_scope())
    assert "t" not in request.GET
    assert "live/ws" not in request.build_absolute_uri()


def test_the_sockets_headers_cookies_and_client_reach_the_request():
    request = request_for(websocket_scope())
    assert request.META["HTTP_ACCEPT_LANGUAGE"] == "de"
    assert request.headers["Origin"] == "http://testserver"
    assert request.COOKIES == {"theme": "dark", "sessionid": "abc"}
    assert request.META["REMOTE_ADDR"] == "10.0.0.7"
    assert request.get_host() == "testserver"
    assert request.build_absolute_uri() == "http://testserver/counter/?page=2&tag=a&tag=b"


@pytest.mark.parametrize(("scheme", "secure"), [("wss", True), ("ws", False)])
def test_a_secure_socket_makes_a_secure_request(scheme, secure):
    request = request_for(websocket_scope(scheme=scheme))
    assert request.is_secure() is secure
    assert request.scheme == ("https" if secure else "http")


def test_a_socket_under_a_root_path_keeps_the_script_prefix():
    request = request_for(websocket_scope(root_path="/app"))
    assert request.path == "/app/counter/"
    assert request.path_info == "/counter/"
    assert request.META["SCRIPT_NAME"] == "/app"


@override_settings(FORCE_SCRIPT_NAME="/forced")
def test_force_script_name_wins_over_the_root_path():
    request = request_for(websocket_scope(root_path="/app"))
    assert request.path == "/forced/counter/"
    assert request.path_info == "/counter/"


def test_the_session_and_user_given_are_the_requests():
    session = SessionStore()
    user = get_user_model()(username="ann")
    request = build_request(websocket_scope(), TARGET, session, user)
    assert request.session is session
    assert request.user is user


def test_no_user_leaves_request_user_unset():
    request = build_request(websocket_scope(), TARGET, SessionStore(), None)
    assert not hasattr(request, "user")


def test_messages_are_kept_in_the_session_whatever_message_storage_says():
    request = request_for(websocket_scope())
    assert isinstance(request._messages, SocketMessageStorage)


@override_settings(
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
def test_without_the_message_middleware_there_is_no_message_storage():
    request = request_for(websocket_scope())
    assert not hasattr(request, "_messages")


# -- session_and_user ---------------------------------------------------------------------------


def test_session_and_user_from_channels_auth_middleware_are_used_as_they_are():
    session, user = object(), object()
    assert session_and_user(websocket_scope(session=session, user=user)) == (session, user)


def test_without_a_session_cookie_the_visitor_is_anonymous_with_a_new_session():
    session, user = session_and_user(websocket_scope(headers=[(b"host", b"testserver")]))
    assert isinstance(session, SessionStore)
    assert session.session_key is None
    assert isinstance(user, AnonymousUser)


@pytest.mark.django_db
def test_the_session_cookie_loads_the_session_and_its_user():
    user = get_user_model().objects.create_user("ann", password="pw")
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    headers = [(b"host", b"testserver"), (b"cookie", f"a=1; sessionid={key}; b=2".encode())]

    session, socket_user = session_and_user(websocket_scope(headers=headers))

    assert session.session_key == key
    assert socket_user.pk == user.pk
    assert socket_user.is_authenticated


@pytest.mark.django_db
def test_the_session_cookie_is_found_in_any_cookie_header():
    user = get_user_model().objects.create_user("ann", password="pw")
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    headers = [(b"cookie", b"theme=dark"), (b"cookie", f"sessionid={key}".encode())]
    assert session_and_user(websocket_scope(headers=headers))[1].pk == user.pk


@pytest.mark.django_db
def test_a_session_key_that_does_not_exist_is_anonymous():
    headers = [(b"cookie", b"sessionid=nosuchsessionkeyatallxxxxxxxxxxxx")]
    session, user = session_and_user(websocket_scope(headers=headers))
    assert isinstance(user, AnonymousUser)
    assert dict(session.items()) == {}


@pytest.mark.django_db
@override_settings(SESSION_COOKIE_NAME="custom")
def test_the_session_cookie_name_comes_from_the_settings():
    user = get_user_model().objects.create_user("ann", password="pw")
    client = Client()
    client.force_login(user)
    key = client.cookies["custom"].value
    headers = [(b"cookie", f"sessionid=wrong; custom={key}".encode())]
    assert session_and_user(websocket_scope(headers=headers))[1].pk == user.pk


# -- a query with raw non-ASCII text ------------------------------------------------------------


@pytest.mark.parametrize("text", ["ü", "€"])
def test_raw_non_ascii_text_in_an_asgi_page_loads_query_reaches_the_view(text):
    # What an ASGI request's META["QUERY_STRING"] (and so the token) holds for ?text=<text>.
    target = ConnectTarget(path="/echo/", query_string=f"text={text}", page_id="p1")
    assert request_for(websocket_scope(), target).GET["text"] == text


async def test_a_page_loaded_over_asgi_with_raw_non_ascii_in_its_query_goes_live():
    page = await AsyncLiveClient().live("/echo/?text=ü")  # was LiveRefused(1011)
    try:
        assert page.block("echo").startswith('<p id="echo-text">ü</p>')
    finally:
        await page.close()


def test_a_percent_encoded_query_reaches_the_view_decoded():
    target = ConnectTarget(path="/echo/", query_string="text=%C3%BC%E2%82%AC", page_id="p1")
    assert request_for(websocket_scope(), target).GET["text"] == "ü€"


# -- the page's GET, rebuilt from its token under either handler ---------------------------------

QUERIES = {
    "raw": ("text=ü€", {"text": ["ü€"]}),
    "percent-encoded": ("text=%C3%BC%E2%82%AC", {"text": ["ü€"]}),
    "mixed": ("text=ü%E2%82%AC&tag=€&tag=%C3%BC", {"text": ["ü€"], "tag": ["€", "ü"]}),
    "plus and space": ("text=a+b%20c&empty=", {"text": ["a b c"], "empty": [""]}),
    "none": ("", {}),
}


def loaded_over(handler: str, query: str) -> HttpRequest:
    """The page's request as Django's WSGI or ASGI handler makes it for ``/echo/?<query>``."""
    factory = RequestFactory() if handler == "wsgi" else AsyncRequestFactory()
    request: HttpRequest = factory.get(f"/echo/?{query}" if query else "/echo/")
    return request


def rebuilt(page: HttpRequest) -> HttpRequest:
    """The socket's request for ``page``, through the token its HTML would carry."""
    target = read_connect_token(make_connect_token(page), session_key=None, user_pk=None)
    return request_for(websocket_scope(), target)


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
@pytest.mark.parametrize(("query", "values"), QUERIES.values(), ids=QUERIES.keys())
def test_the_socket_gets_the_get_values_the_page_load_got(handler, query, values):
    page = loaded_over(handler, query)
    assert dict(page.GET.lists()) == values
    assert dict(rebuilt(page).GET.lists()) == values


def test_a_wsgi_page_loads_raw_latin_1_byte_reaches_the_view_as_wsgi_decodes_it():
    # A client that sends "ü" as the lone byte 0xFC: no UTF-8, so WSGIRequest.GET falls back to
    # latin-1 (under ASGI Django answers 400 and there is no page).
    page = RequestFactory().get("/echo/", QUERY_STRING="text=\xfc&euro=%E2%82%AC")
    assert dict(page.GET.lists()) == {"text": ["ü"], "euro": ["€"]}
    assert dict(rebuilt(page).GET.lists()) == {"text": ["ü"], "euro": ["€"]}


@override_settings(DEFAULT_CHARSET="iso-8859-1")
def test_a_wsgi_page_under_another_charset_reaches_the_view_as_it_decoded_it():
    page = RequestFactory().get("/echo/", QUERY_STRING="text=\xfc&pct=%FC")
    assert dict(page.GET.lists()) == {"text": ["ü"], "pct": ["ü"]}
    assert dict(rebuilt(page).GET.lists()) == {"text": ["ü"], "pct": ["ü"]}


def test_an_upload_builds_the_pages_get_from_its_token_as_the_page_got_it():
    page = RequestFactory().get("/echo/?text=ü&euro=%E2%82%AC")
    target = read_connect_token(make_connect_token(page), session_key=None, user_pk=None)
    upload = RequestFactory().post("/live/upload/")
    assert dict(_page_get(upload, target).GET.lists()) == {"text": ["ü"], "euro": ["€"]}


def test_a_page_loaded_over_wsgi_with_raw_non_ascii_in_its_query_goes_live():
    client = TrackingLiveClient()
    try:
        page = client.live("/echo/?text=ü€")
        assert page.block("echo").startswith('<p id="echo-text">ü€</p>')
    finally:
        client.close()


@pytest.mark.parametrize("query", ["text=ü%E2%82%AC", "text=%C3%BC%E2%82%AC"])
async def test_a_page_loaded_over_asgi_with_a_mixed_or_encoded_query_goes_live(query):
    page = await AsyncLiveClient().live(f"/echo/?{query}")
    try:
        assert page.block("echo").startswith('<p id="echo-text">ü€</p>')
    finally:
        await page.close()
