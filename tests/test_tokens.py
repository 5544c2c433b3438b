from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from live_views.connect.tokens import (
    TOKEN_VERSION,
    ConnectTarget,
    SessionEnded,
    TokenError,
    TokenExpired,
    TokenForeign,
    make_connect_token,
    read_connect_token,
    session_binding,
)

pytestmark = pytest.mark.django_db

SALT = "live_views.connect"


def page_request(path="/counter/?page=2", *, user=None, session_key=None):
    request = RequestFactory().get(path)
    SessionMiddleware(lambda request: HttpResponse()).process_request(request)
    if session_key is not None:
        request.session = SessionStore(session_key)
    request.user = user if user is not None else AnonymousUser()
    return request


def saved_session_key() -> str:
    session = SessionStore()
    session["seen"] = True
    session.save()
    assert session.session_key is not None
    return session.session_key


def read(token, request):
    return read_connect_token(
        token, session_key=request.session.session_key, user_pk=request.user.pk
    )


def signed(payload, *, at=None):
    if at is None:
        return signing.dumps(payload, salt=SALT, compress=True)
    with mock.patch("django.core.signing.time.time", return_value=at):
        return signing.dumps(payload, salt=SALT, compress=True)


# -- round trip --------------------------------------------------------------------------------


def test_a_token_reads_back_as_the_page_path_and_query():
    request = page_request(session_key=saved_session_key())
    target = read(make_connect_token(request), request)
    assert target == ConnectTarget(path="/counter/", query_string="page=2", page_id=target.page_id)


def test_each_page_load_gets_its_own_unguessable_page_id():
    request = page_request(session_key=saved_session_key())
    ids = {read(make_connect_token(request), request).page_id for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", page_id) for page_id in ids)  # 128 random bits


def test_the_same_token_always_reads_back_as_the_same_page():
    # A reconnect sends the page's one token again: it must find the same page id.
    request = page_request(session_key=saved_session_key())
    token = make_connect_token(request)
    assert read(token, request).page_id == read(token, request).page_id


def test_a_token_of_a_page_without_query_has_an_empty_query():
    request = page_request("/counter/", session_key=saved_session_key())
    assert read(make_connect_token(request), request).query_string == ""


def test_a_wsgi_pages_raw_non_ascii_query_reads_back_as_the_text_its_get_was_parsed_from():
    request = page_request("/echo/?text=ü€")
    # Under WSGI, META holds the query's bytes one character each; GET decodes them as UTF-8.
    assert request.META["QUERY_STRING"] == "text=Ã¼â\x82¬"
    assert request.GET["text"] == "ü€"
    assert read(make_connect_token(request), request).query_string == "text=ü€"


def test_a_query_whose_text_looks_like_latin_1_bytes_reads_back_as_it_is():
    request = page_request("/echo/?text=Ã¼")  # sent as the UTF-8 of "Ã¼", not of "ü"
    assert read(make_connect_token(request), request).query_string == "text=Ã¼"


def test_a_token_is_safe_in_a_url_query_and_an_attribute():
    token = make_connect_token(page_request(session_key=saved_session_key()))
    assert re.fullmatch(r"[A-Za-z0-9_.:-]+", token)


def test_a_token_of_a_logged_in_user_reads_back_for_that_user():
    request = page_request(user=User(pk=7, username="ada"), session_key=saved_session_key())
    assert read(make_connect_token(request), request).path == "/counter/"


def test_a_request_without_a_session_gets_a_token_bound_to_no_session():
    request = RequestFactory().get("/counter/")
    token = make_connect_token(request)
    assert read_connect_token(token, session_key=None, user_pk=None).path == "/counter/"


# -- tokens of version 2, whose query was META["QUERY_STRING"] ---------------------------------


def version_2_token(query: str) -> str:
    payload = {"v": 2, "p": "/echo/", "q": query, "b": session_binding(None, None), "i": "page"}
    return signed(payload)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("page=2&tag=a", "page=2&tag=a"),  # ASCII, as browsers send a query: the same either way
        ("text=%C3%BC", "text=%C3%BC"),
        ("text=Ã¼â\x82¬", "text=ü€"),  # a WSGI page's raw "ü€"
        ("text=ü", "text=ü"),  # an ASGI page's raw "ü" (version 2 failed to mount it)
        ("text=€", "text=€"),  # an ASGI page's raw "€" (version 2 mounted it as "?")
    ],
)
def test_a_version_2_token_still_opens_its_page_with_its_query_as_text(query, text):
    target = read_connect_token(version_2_token(query), session_key=None, user_pk=None)
    assert target == ConnectTarget(path="/echo/", query_string=text, page_id="page")


def test_a_version_2_token_is_still_bound_to_its_session():
    with pytest.raises(TokenForeign):
        read_connect_token(version_2_token(""), session_key=saved_session_key(), user_pk=None)


def test_a_tampered_version_2_token_is_refused_as_invalid():
    token = version_2_token("text=%C3%BC")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(TokenError) as excinfo:
        read_connect_token(tampered, session_key=None, user_pk=None)
    assert type(excinfo.value) is TokenError


# -- refusals ----------------------------------------------------------------------------------


def test_a_tampered_token_is_refused_as_invalid():
    request = page_request(session_key=saved_session_key())
    token = make_connect_token(request)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(TokenError) as excinfo:
        read(tampered, request)
    assert type(excinfo.value) is TokenError
    assert excinfo.value.close_code == 4400


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", "." * 10])
def test_a_malformed_token_is_refused_as_invalid(token):
    with pytest.raises(TokenError) as excinfo:
        read_connect_token(token, session_key=None, user_pk=None)
    assert type(excinfo.value) is TokenError


def test_a_token_signed_for_another_purpose_is_refused():
    token = signing.dumps({"v": TOKEN_VERSION, "p": "/", "q": "", "b": session_binding(None, None)})
    with pytest.raises(TokenError) as excinfo:
        read_connect_token(token, session_key=None, user_pk=None)
    assert type(excinfo.value) is TokenError


def test_a_token_older_than_the_max_age_is_expired():
    request = page_request(session_key=saved_session_key())
    day_and_a_minute_ago = time.time() - 24 * 60 * 60 - 60
    with mock.patch("django.core.signing.time.time", return_value=day_and_a_minute_ago):
        token = make_connect_token(request)
    with pytest.raises(TokenExpired) as excinfo:
        read(token, request)
    assert excinfo.value.close_code == 4410


@override_settings(LIVE_VIEWS={"TOKEN_MAX_AGE": 60})
def test_the_max_age_comes_from_the_setting():
    request = page_request(session_key=saved_session_key())
    binding = session_binding(request.session.session_key, None)
    payload = {"v": TOKEN_VERSION, "p": "/counter/", "q": "", "b": binding, "i": "page"}
    assert read(signed(payload, at=time.time() - 50), request).path == "/counter/"
    with pytest.raises(TokenExpired):
        read(signed(payload, at=time.time() - 70), request)


def test_a_token_from_another_session_is_foreign():
    request = page_request(session_key=saved_session_key())
    token = make_connect_token(request)
    with pytest.raises(TokenForeign) as excinfo:
        read_connect_token(token, session_key=saved_session_key(), user_pk=None)
    assert excinfo.value.close_code == 4403


def test_an_anonymous_token_of_a_session_is_foreign_without_that_session():
    request = page_request(session_key=saved_session_key())
    with pytest.raises(TokenForeign) as excinfo:
        read_connect_token(make_connect_token(request), session_key=None, user_pk=None)
    assert type(excinfo.value) is TokenForeign


def test_a_token_from_another_user_is_foreign():
    key = saved_session_key()
    request = page_request(user=User(pk=7, username="ada"), session_key=key)
    token = make_connect_token(request)
    with pytest.raises(TokenForeign) as excinfo:
        read_connect_token(token, session_key=key, user_pk=8)
    assert type(excinfo.value) is TokenForeign


def test_a_token_of_a_user_means_the_session_ended_once_logged_out():
    key = saved_session_key()
    request = page_request(user=User(pk=7, username="ada"), session_key=key)
    with pytest.raises(SessionEnded) as excinfo:
        read_connect_token(make_connect_token(request), session_key=key, user_pk=None)
    assert excinfo.value.close_code == 4401


def test_a_token_of_a_user_means_the_session_ended_when_the_session_is_gone():
    request = page_request(user=User(pk=7, username="ada"), session_key=saved_session_key())
    with pytest.raises(SessionEnded):
        read_connect_token(make_connect_token(request), session_key=None, user_pk=None)


def test_an_anonymous_token_is_foreign_to_a_logged_in_user():
    key = saved_session_key()
    token = make_connect_token(page_request(session_key=key))
    with pytest.raises(TokenForeign):
        read_connect_token(token, session_key=key, user_pk=7)


@pytest.mark.parametrize("version", [TOKEN_VERSION + 1, 1, 0, "2", None])
def test_a_token_of_another_version_is_expired(version):
    payload = {"v": version, "p": "/", "q": "", "b": session_binding(None, None)}
    with pytest.raises(TokenExpired) as excinfo:
        read_connect_token(signed(payload), session_key=None, user_pk=None)
    assert excinfo.value.close_code == 4410


def test_a_token_without_a_version_is_expired():
    payload = {"p": "/", "q": "", "b": session_binding(None, None)}
    with pytest.raises(TokenExpired):
        read_connect_token(signed(payload), session_key=None, user_pk=None)


@pytest.mark.parametrize(
    "payload",
    [
        {"v": TOKEN_VERSION, "q": "", "b": "x", "i": "page"},
        {"v": TOKEN_VERSION, "p": 1, "q": "", "b": "x", "i": "page"},
        {"v": TOKEN_VERSION, "p": "/", "q": None, "b": "x", "i": "page"},
        {"v": TOKEN_VERSION, "p": "/", "q": "", "i": "page"},
        {"v": TOKEN_VERSION, "p": "/", "q": "", "b": "x"},
        {"v": TOKEN_VERSION, "p": "/", "q": "", "b": "x", "i": ""},
        {"v": TOKEN_VERSION, "p": "/", "q": "", "b": "x", "i": 7},
    ],
)
def test_a_signed_token_with_missing_fields_is_invalid(payload):
    with pytest.raises(TokenError) as excinfo:
        read_connect_token(signed(payload), session_key=None, user_pk=None)
    assert type(excinfo.value) is TokenError


def test_the_error_classes_carry_their_close_codes():
    assert (TokenError.close_code, TokenExpired.close_code, TokenForeign.close_code) == (
        4400,
        4410,
        4403,
    )
    assert issubclass(TokenExpired, TokenError)
    assert issubclass(TokenForeign, TokenError)
    assert SessionEnded.close_code == 4401
    assert issubclass(SessionEnded, TokenForeign)


# -- sessions created by the page's own request ------------------------------------------------


def test_a_new_session_modified_during_the_request_is_saved_so_the_token_binds_its_key():
    request = page_request()
    request.session["cart"] = [1]
    assert request.session.session_key is None
    token = make_connect_token(request)
    key = request.session.session_key
    assert key is not None
    assert SessionStore(key).get("cart") == [1]
    assert read_connect_token(token, session_key=key, user_pk=None).path == "/counter/"


def test_a_new_untouched_session_is_not_saved_and_binds_to_no_session():
    request = page_request()
    token = make_connect_token(request)
    assert request.session.session_key is None
    assert read_connect_token(token, session_key=None, user_pk=None).path == "/counter/"


def test_session_binding_differs_per_session_and_per_user():
    bindings = {
        session_binding(None, None),
        session_binding("abc", None),
        session_binding("abd", None),
        session_binding("abc", 1),
        session_binding("abc", 2),
    }
    assert len(bindings) == 5
