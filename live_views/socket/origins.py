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
    """True when the Origin header names this site: same host as the request, and allowed.

    Browsers always send Origin on websockets; a missing one is a non-browser client that we
    refuse, as a cross-site page could not forge it either way.
    """
    origin = _header(scope, b"origin")
    if not origin:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    normalized = f"{parts.scheme}://{parts.netloc}".lower()
    if normalized in (o.rstrip("/").lower() for o in conf.ALLOWED_ORIGINS):
        return True
    host = _request_host(scope)
    if host is None or parts.netloc.lower() != host.lower():
        return False
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, _allowed_hosts())


def _request_host(scope: Mapping[str, Any]) -> str | None:
    if settings.USE_X_FORWARDED_HOST:
        forwarded = _header(scope, b"x-forwarded-host")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return _header(scope, b"host")
