"""An origin of CSRF_TRUSTED_ORIGINS (live_views/socket/origins.py): trusted alike by the socket,
the HTTP transport's push stream, and its event route, which Django's CsrfViewMiddleware
checks. Each origin below goes through all three, against the real consumer and views."""

from __future__ import annotations

import logging

import pytest

from live_views.testing import LiveRefused
from tests.live_helpers import TrackingLiveClient, assert_count_continues
from tests.test_http_endpoint import Page

PUSH = "/live/http/push/"
TRUSTED = ["https://admin.example.com", "https://*.example.org", "http://localhost:3000"]

pytestmark = pytest.mark.usefixtures("no_http_pages")


@pytest.fixture(autouse=True)
def trusted(settings) -> None:
    settings.CSRF_TRUSTED_ORIGINS = TRUSTED


def socket_joins(origin: str) -> bool:
    client = TrackingLiveClient(origin=origin)
    code = 0
    try:
        assert_count_continues(client.live("/counter/"), 0)
    except LiveRefused as refused:
        code = refused.code
    finally:
        client.close()
    assert code in (0, 4403)
    return code == 0


def http_event_taken(page: Page, origin: str) -> bool:
    """Whether Django's CSRF check (and then the route) takes the page's join from ``origin``."""
    status = page.join_from(origin).status_code
    assert status in (200, 403)
    return status == 200


def push_stream_opens(page: Page, origin: str) -> bool:
    response = page.http.get(PUSH, {"token": page.token, "wait": "0"}, headers={"Origin": origin})
    assert response.status_code in (200, 403), response.content
    return response.status_code == 200


class OriginPage(Page):
    def join_from(self, origin: str):  # type: ignore[no-untyped-def]
        return self.send({"join": {"version": "", "blocks": {}}}, headers={"Origin": origin})


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://testserver", True),  # the page's own
        ("https://admin.example.com", True),  # exact
        ("http://localhost:3000", True),  # a dev server's proxy, on its own port
        ("https://shop.example.org", True),  # a wildcard's subdomain
        ("https://a.b.example.org", True),
        ("https://example.org", True),  # the wildcard's own domain, as Django reads it
        ("http://admin.example.com", False),  # the scheme is part of the origin
        ("http://shop.example.org", False),
        ("https://admin.example.com:8443", False),  # and the port
        ("https://shop.example.org:8443", False),
        ("http://localhost:3001", False),
        ("https://evil-example.org", False),  # lookalikes
        ("https://example.org.evil.com", False),
        ("https://admin.example.com.evil.org", False),
        ("https://evil.com/https://admin.example.com", False),
        ("null", False),  # a sandboxed iframe, a file: page
    ],
)
def test_both_transports_trust_what_csrf_trusted_origins_trusts(http_browser, origin, allowed):
    assert socket_joins(origin) is allowed
    page = OriginPage(http_browser, "/counter/")
    assert http_event_taken(page, origin) is allowed  # Django's own CsrfViewMiddleware
    assert push_stream_opens(OriginPage(http_browser, "/counter/"), origin) is allowed


def test_a_refused_socket_and_push_stream_name_the_setting_that_would_let_them_in(
    http_browser, caplog
):
    caplog.set_level(logging.WARNING, "live_views")
    assert not socket_joins("https://admin.example.com:8443")
    page = OriginPage(http_browser, "/counter/")
    assert not push_stream_opens(page, "https://admin.example.com:8443")
    refusals = [r.getMessage() for r in caplog.records if "refused a" in r.getMessage()]
    assert len(refusals) == 2
    assert refusals[0].startswith("live_views: refused a socket from origin")
    assert refusals[1].startswith("live_views: refused a push stream from origin")
    for message in refusals:
        assert "'https://admin.example.com:8443'" in message
        assert "list it in CSRF_TRUSTED_ORIGINS" in message


def test_an_origin_only_in_allowed_origins_opens_sockets_but_django_refuses_its_events(
    http_browser, settings
):
    # Why the docs and the log name CSRF_TRUSTED_ORIGINS: the HTTP transport's events are
    # CSRF-checked by Django, which reads no setting of ours.
    settings.LIVE_VIEWS = {"ALLOWED_ORIGINS": ["https://*.example.net"]}
    assert socket_joins("https://app.example.net")
    assert push_stream_opens(OriginPage(http_browser, "/counter/"), "https://app.example.net")
    assert not http_event_taken(OriginPage(http_browser, "/counter/"), "https://app.example.net")
