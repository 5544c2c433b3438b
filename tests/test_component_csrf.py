"""One CSRF token per page's components, matching the browser's cookie on the socket."""

from __future__ import annotations

from django.middleware.csrf import _unmask_cipher_token
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
