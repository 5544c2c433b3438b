"""live_views/socket/origins.py: only the page's own origin (or an allowed one) opens a socket."""

from __future__ import annotations

import pytest
from django.test import override_settings

from live_views.socket.origins import origin_allowed, origin_refusal, trusted_by


def scope(origin: str | None = None, host: str | None = "testserver", **extra: str) -> dict:
    headers = []
    if host is not None:
        headers.append((b"host", host.encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(name.replace("_", "-").encode(), value.encode()) for name, value in extra.items()]
    return {"type": "websocket", "headers": headers}


@pytest.mark.parametrize("origin", ["http://testserver", "HTTP://TestServer"])
def test_the_pages_own_origin_is_allowed(origin):
    assert origin_allowed(scope(origin))


def test_the_scheme_is_part_of_the_origin():
    # A page served over http is not the same origin as https (issue 14, item 6).
    assert not origin_allowed(scope("https://testserver"))
    assert origin_allowed({**scope("https://testserver"), "scheme": "wss"})


def test_the_port_is_part_of_the_origin():
    assert origin_allowed(scope("http://testserver:8000", host="testserver:8000"))
    assert not origin_allowed(scope("http://testserver:8001", host="testserver:8000"))
    assert not origin_allowed(scope("http://testserver", host="testserver:8000"))


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "",
        "null",
        "http://evil.example",
        "http://testserver.evil.example",
        "file://testserver",
        "chrome-extension://testserver",
        "testserver",
        "http://",
    ],
)
def test_a_missing_foreign_or_odd_origin_is_refused(origin):
    assert not origin_allowed(scope(origin))


def test_a_host_outside_allowed_hosts_is_refused_even_when_origin_matches():
    assert not origin_allowed(scope("http://evil.example", host="evil.example"))


def test_no_host_header_means_no_match():
    assert not origin_allowed(scope("http://testserver", host=None))


@override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://app.example/", "HTTP://Other:81"]})
def test_allowed_origins_are_compared_normalized():
    assert origin_allowed(scope("https://app.example"))
    assert origin_allowed(scope("http://other:81"))
    assert not origin_allowed(scope("http://app.example"))
    assert not origin_allowed(scope("http://other:82"))


@override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://*.Example.com", "http://*.dev:8000"]})
def test_allowed_origins_take_wildcard_subdomains_as_csrf_trusted_origins_does():
    assert origin_allowed(scope("https://example.com"))
    assert origin_allowed(scope("https://admin.example.com"))
    assert origin_allowed(scope("https://a.b.example.com"))
    assert origin_allowed(scope("http://app.dev:8000"))
    assert not origin_allowed(scope("http://admin.example.com"))
    assert not origin_allowed(scope("https://admin.example.com:8443"))
    assert not origin_allowed(scope("https://evil-example.com"))
    assert not origin_allowed(scope("https://example.com.evil.org"))
    assert not origin_allowed(scope("http://app.dev"))


@override_settings(LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://app.example"]})
def test_allowed_origins_still_need_an_http_scheme():
    assert not origin_allowed(scope("ws://app.example"))


@override_settings(USE_X_FORWARDED_HOST=True)
def test_behind_a_proxy_the_forwarded_host_is_the_pages_host():
    forwarded = {"x_forwarded_host": "testserver, internal:8000"}
    assert origin_allowed(scope("http://testserver", host="internal:8000", **forwarded))
    assert not origin_allowed(scope("http://internal:8000", host="internal:8000", **forwarded))


def test_the_forwarded_host_is_ignored_unless_trusted():
    forwarded = {"x_forwarded_host": "testserver"}
    assert not origin_allowed(scope("http://testserver", host="internal:8000", **forwarded))


@override_settings(DEBUG=True, ALLOWED_HOSTS=[])
def test_with_debug_and_no_allowed_hosts_localhost_works_as_in_django():
    assert origin_allowed(scope("http://localhost:8000", host="localhost:8000"))
    assert origin_allowed(scope("http://127.0.0.1:8000", host="127.0.0.1:8000"))
    assert not origin_allowed(scope("http://example.com", host="example.com"))


@override_settings(DEBUG=False, ALLOWED_HOSTS=[])
def test_without_debug_no_allowed_hosts_allows_nothing():
    assert not origin_allowed(scope("http://localhost", host="localhost"))


# -- why: the server's log line of a refusal ---------------------------------------------------


def test_a_port_forward_that_rewrites_host_is_told_how_to_let_its_origin_in():
    # A dev proxy or port forward (a codespace, a Vite server) that sends the server its own Host.
    reason = origin_refusal(scope("https://app.example.dev", host="localhost:8000"))
    assert reason is not None
    assert reason.startswith("the page is https but the socket reached the server as http")
    # A codespace's https tunnel to an http server: the fix is the list, not a TLS proxy header.
    assert "the server received the Host 'localhost:8000'" in reason
    assert "list it in CSRF_TRUSTED_ORIGINS" in reason
    assert "SECURE_PROXY_SSL_HEADER" not in reason
    reason = origin_refusal(scope("http://app.example.dev", host="localhost:8000"))
    assert reason is not None
    assert "the server received the Host 'localhost:8000', not the origin's" in reason
    assert "USE_X_FORWARDED_HOST = True" in reason
    assert "list it in CSRF_TRUSTED_ORIGINS" in reason


def test_a_tls_proxy_without_secure_proxy_ssl_header_is_named():
    reason = origin_refusal(scope("https://testserver"))
    assert reason is not None
    assert "set SECURE_PROXY_SSL_HEADER" in reason


@pytest.mark.parametrize(
    ("origin", "host", "reason"),
    [
        (None, "testserver", "it sent no Origin header (a browser always does)"),
        (
            "file://testserver",
            "testserver",
            "it is not an http(s) origin, and no setting lets one in",
        ),
        ("null", "testserver", "it is not an http(s) origin, and no setting lets one in"),
        ("http://testserver", None, "the request has no Host header"),
        ("http://evil.example", "evil.example", "its host 'evil.example' is not in ALLOWED_HOSTS"),
    ],
)
def test_each_refusal_says_why(origin, host, reason):
    assert origin_refusal(scope(origin, host=host)) == reason


def test_an_allowed_origin_has_no_refusal():
    assert origin_refusal(scope("http://testserver")) is None


def test_a_huge_host_header_is_cut_in_the_reason():
    # The reason goes to the server's log once per refused socket: a client's 16 KB Host
    # header made a 16 KB warning line.
    reason = origin_refusal(scope("http://testserver", host="h" * 16_000))
    assert reason is not None
    assert len(reason) < 600


# -- CSRF_TRUSTED_ORIGINS: read as CsrfViewMiddleware reads it ---------------------------------


@override_settings(
    CSRF_TRUSTED_ORIGINS=["https://admin.example.com", "https://*.example.org"],
    LIVE_VIEWS={"ALLOWED_ORIGINS": ["https://app.example.net"]},
)
def test_trusted_by_names_the_setting_that_lists_the_origin():
    assert trusted_by("https://admin.example.com") == "CSRF_TRUSTED_ORIGINS"
    assert trusted_by("https://shop.example.org") == "CSRF_TRUSTED_ORIGINS"
    assert trusted_by("https://app.example.net") == "LIVE_VIEWS['ALLOWED_ORIGINS']"
    assert trusted_by("https://evil.example") is None
    assert trusted_by("http://[::1") is None  # no URL (urlsplit() raises): no error either


@override_settings(CSRF_TRUSTED_ORIGINS=["https://Admin.example.com", "https://example.com/"])
def test_an_exact_csrf_trusted_origin_is_compared_as_django_compares_it():
    # Django compares the Origin header with an exact entry as strings: an entry that names its
    # host in capitals, or ends in a slash, lets no browser's origin in, there or here.
    assert not origin_allowed(scope("https://admin.example.com"))
    assert not origin_allowed(scope("https://example.com"))
