"""Cross-site websocket hijacking defence: a page's socket must come from the page's own origin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from live_views.conf import conf


def _header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _allowed_hosts() -> list[str]:
    hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]  # Django's own DEBUG default
    return hosts


def origin_allowed(scope: Mapping[str, Any]) -> bool:
    """True when the Origin header names this site: same scheme, host and port as the request,
    and an allowed host.

    Browsers always send Origin on websockets; a missing one is a non-browser client that we
    refuse, as a cross-site page could not forge it either way.
    """
    origin = _header(scope, b"origin")
    if not origin:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        # "http://[::1" and the like: no browser sends one, and no site's Origin is one.
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    normalized = f"{parts.scheme}://{parts.netloc}".lower()
    if normalized in (o.rstrip("/").lower() for o in conf.ALLOWED_ORIGINS):
        return True
    host = _request_host(scope)
    if host is None:
        return False
    scheme = request_scheme(scope)
    # An https page's origin is not an http page's: a script on http://host:port (no TLS, so
    # anyone on the path can inject one) must not drive the https site's sockets, nor the other
    # way round.
    if parts.scheme != scheme or _site(scheme, parts.netloc) != _site(scheme, host):
        return False
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, _allowed_hosts())


def request_scheme(scope: Mapping[str, Any]) -> str:
    """The scheme the browser used for the page: the socket's own, or what a TLS proxy named in
    ``SECURE_PROXY_SSL_HEADER`` says (as Django's ``request.scheme`` reads it)."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        meta_name, secure_value = proxy_header
        if meta_name.startswith("HTTP_"):
            name = meta_name[5:].lower().replace("_", "-").encode("latin-1")
            value = _header(scope, name)
            if value is not None:
                return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def _site(scheme: str, netloc: str) -> tuple[str, str]:
    """(host, port) with the scheme's default port made explicit: Origin omits it, Host may not."""
    domain, port = split_domain_port(netloc.lower())
    if not domain and netloc:
        domain = netloc.lower()  # not a valid host name: compared as it came, never allowed
    return domain, port or ("443" if scheme == "https" else "80")


def _request_host(scope: Mapping[str, Any]) -> str | None:
    if settings.USE_X_FORWARDED_HOST:
        forwarded = _header(scope, b"x-forwarded-host")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return _header(scope, b"host")
