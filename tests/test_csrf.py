"""``{% csrf_token %}`` in a liveblock on the socket (live_views/socket/csrf.py): the token is
valid for the browser's CSRF cookie, and the block does not change on every render."""

from __future__ import annotations

import re

import pytest
from django.http import HttpRequest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from live_views.socket.csrf import PageCsrfToken
from live_views.testing import LiveClient

pytestmark = pytest.mark.urls("tests.testapp.request_views")

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def live_client(live_db):
    client = LiveClient(Client(enforce_csrf_checks=True))
    yield client
    client.close()


def token(page) -> str:
    match = TOKEN_RE.search(page.block("form"))
    assert match is not None, page.block("form")
    return match.group(1)


def test_a_token_rendered_on_the_socket_is_accepted_by_a_post_over_http(live_client):
    page = live_client.live("/world/")
    page.send("increment")
    page.reconnect()  # a fresh socket: a freshly masked token, the same secret
    socket_token = token(page)
    # The form in the block posts over HTTP with the browser's cookie, as a browser would.
    response = live_client.http.post("/world/", {"csrfmiddlewaretoken": socket_token})
    assert response.status_code == 200, response.content
    assert response.content == b"posted"
    page.close()


def test_a_tampered_token_is_still_refused(live_client):
    page = live_client.live("/world/")
    forged = token(page)[:-4] + "AAAA"
    response = live_client.http.post("/world/", {"csrfmiddlewaretoken": forged})
    assert response.status_code == 403
    page.close()


def test_the_block_with_the_token_is_not_sent_again_on_every_render(live_client):
    page = live_client.live("/world/")
    first = token(page)
    for _ in range(3):
        reply = page.send("increment")
        assert 'id="count"' in reply["content"]  # the counter's block changed...
        assert "csrfmiddlewaretoken" not in reply["content"]  # ...the form's did not
    assert token(page) == first
    page.close()


def test_the_token_follows_a_new_secret(live_client, django_user_model):
    # A login rotates the CSRF secret: the next page's socket renders a token for the new one.
    page = live_client.live("/world/")
    before = token(page)
    user = django_user_model.objects.create_user("ann", password="pw")
    live_client.force_login(user)
    page.close()
    page = live_client.live("/world/")
    page.send("increment")
    assert token(page) != before
    response = live_client.http.post("/world/", {"csrfmiddlewaretoken": token(page)})
    assert response.status_code == 200
    page.close()


def test_one_page_renders_one_masked_token_until_its_secret_changes():
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = "a" * 32
    tokens = PageCsrfToken()
    first = tokens.value(request)
    assert tokens.value(request) == first
    assert _unmask_cipher_token(first) == "a" * 32
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META  # a socket sets no cookie
    request.META["CSRF_COOKIE"] = "b" * 32  # rotated (a login)
    assert _unmask_cipher_token(tokens.value(request)) == "b" * 32
    assert str(tokens.context_value(request)) == tokens.value(request)
