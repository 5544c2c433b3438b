"""One CSRF token per page's components, matching the browser's cookie on the socket."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, _unmask_cipher_token
from django.test import RequestFactory

from live_views.components.csrf import page_csrf_token

SECRET = "a" * 16 + "B" * 16  # a well-formed CSRF secret (32 letters and digits)


def test_on_the_socket_the_token_is_made_from_the_browsers_cookie():
    request = RequestFactory().get("/", HTTP_COOKIE=f"csrftoken={SECRET}")
    token = page_csrf_token(request)
    assert _unmask_cipher_token(token) == SECRET


def test_a_malformed_cookie_is_not_trusted():
    request = RequestFactory().get("/", HTTP_COOKIE="csrftoken=<script>")
    token = page_csrf_token(request)
    assert _unmask_cipher_token(token) != "<script>"
    assert "<" not in token


def test_a_components_form_keeps_one_token_across_renders():
    from tests.live_helpers import TrackingLiveClient

    live = TrackingLiveClient()
    try:
        page = live.live("/steppers/")
        note = page.component("note")
        before = note.html
        page.component("a").send("inc")  # re-renders a only
        reply = page.send("bump")  # re-renders every component, the form's included
        assert "lv-c" + note.address not in reply.get("content", "")
        assert note.html == before
    finally:
        live.close()


# -- after the secret changes (login() rotates it) ---------------------------------------------

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def token_in(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match is not None, html
    return match.group(1)


def passes_csrf_check(token: str, secret: str) -> bool:
    """Whether Django's CsrfViewMiddleware lets a form post ``token`` from a browser whose CSRF
    cookie holds ``secret``."""
    request = RequestFactory().post(
        "/csrf-renew/", {"csrfmiddlewaretoken": token}, HTTP_COOKIE=f"csrftoken={secret}"
    )
    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    middleware.process_request(request)
    return middleware.process_view(request, lambda request: HttpResponse(), (), {}) is None


@pytest.fixture
def renewing(live_db):
    from tests.live_helpers import TrackingLiveClient

    live = TrackingLiveClient()
    page = live.live("/csrf-renew/")
    yield page
    live.close()


def assert_components_hold_the_pages_token(page) -> None:
    page_token = token_in(page.block("form"))
    secret = _unmask_cipher_token(page_token)
    for ident in ("one", "two"):
        token = token_in(page.component(ident).html)
        assert passes_csrf_check(token, secret), ident
        assert token == page_token  # one token per page: no block differs on every render


@pytest.mark.parametrize("event", ["renew_csrf", "renew_csrf_counted"])
def test_after_a_page_event_renews_the_secret_components_write_the_new_token(renewing, event):
    before = _unmask_cipher_token(token_in(renewing.block("form")))
    assert_components_hold_the_pages_token(renewing)
    reply = renewing.send(event)
    assert _unmask_cipher_token(token_in(renewing.block("form"))) != before
    for ident in ("one", "two"):
        assert "lv-c" + renewing.component(ident).address in reply["content"]
    assert_components_hold_the_pages_token(renewing)


def test_after_a_component_event_renews_the_secret_every_block_with_the_token_is_sent(renewing):
    before = token_in(renewing.block("form"))
    renewing.component("one").send("renew_csrf")
    assert token_in(renewing.block("form")) != before  # a page block the event did not render
    assert_components_hold_the_pages_token(renewing)  # "two" too, which it did not either


def test_the_old_token_fails_once_the_secret_changed(renewing):
    old = token_in(renewing.component("two").html)
    renewing.send("renew_csrf")
    secret = _unmask_cipher_token(token_in(renewing.block("form")))
    assert not passes_csrf_check(old, secret)  # the check above can fail
