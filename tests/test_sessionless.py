"""A session the HTTP transport gave a browser that held none accepts the tokens of the pages
that browser opened before (live_views/connect/sessionless.py); no other session does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore

from live_views.connect.sessionless import mark, read_page_token
from live_views.connect.tokens import SessionEnded, TokenForeign, make_connect_token
from tests.test_tokens import page_request, saved_session_key

pytestmark = pytest.mark.django_db


def first_session(*, marked: bool = True) -> SessionStore:
    session = SessionStore()
    session["cart"] = [1]
    if marked:
        mark(session)
    session.save()
    return SessionStore(session.session_key)  # as the browser's next request reads it


def test_the_session_given_to_a_browser_without_one_accepts_its_pages_tokens():
    token = make_connect_token(page_request())  # bound to no session
    target = read_page_token(token, session=first_session(), user_pk=None)
    assert target.path == "/counter/"


def test_any_other_session_refuses_a_token_made_for_no_session():
    token = make_connect_token(page_request())
    with pytest.raises(TokenForeign, match="another session"):
        read_page_token(token, session=first_session(marked=False), user_pk=None)


def test_the_given_session_refuses_another_sessions_token():
    token = make_connect_token(page_request(session_key=saved_session_key()))
    with pytest.raises(TokenForeign, match="another session"):
        read_page_token(token, session=first_session(), user_pk=None)


def test_the_given_session_refuses_a_token_made_for_no_session_for_another_user():
    token = make_connect_token(page_request())  # an anonymous visitor's
    user = User.objects.create_user("ann")
    with pytest.raises(TokenForeign):
        read_page_token(token, session=first_session(), user_pk=user.pk)


def test_a_logged_in_users_page_still_asks_to_log_in_again_in_a_given_session():
    user = User.objects.create_user("ann")
    token = make_connect_token(page_request(user=user))  # bound to no session, for ann
    with pytest.raises(SessionEnded):
        read_page_token(token, session=first_session(), user_pk=None)
