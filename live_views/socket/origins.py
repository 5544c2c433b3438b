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
    return origin_refusal(scope) is None


def origin_refusal(scope: Mapping[str, Any]) -> str | None:
    """Why the socket's origin is refused (for the server's log), or None when it is allowed.
    A refused origin is as often a proxy or a port forward of the project's own as an attack:
    the reason says which setting would let a site of the project's own in."""
    origin = _header(scope, b"origin")
    if not origin:
        return "it sent no Origin header (a browser always does)"
    try:
        parts = urlsplit(origin)
    except ValueError:
        # "http://[::1" and the like: no browser sends one, and no site's Origin is one.
        return "it is no URL"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "it is not an http(s) origin"
    normalized = f"{parts.scheme}://{parts.netloc}".lower()
    if normalized in (o.rstrip("/").lower() for o in conf.ALLOWED_ORIGINS):
        return None
    host = _request_host(scope)
    if host is None:
        return "the request has no Host header"
    shown = host[:200]  # in the log: a client's header, whatever its size
    scheme = request_scheme(scope)
    # An https page's origin is not an http page's: a script on http://host:port (no TLS, so
    # anyone on the path can inject one) must not drive the https site's sockets, nor the other
    # way round.
    if parts.scheme != scheme:
        return f"the page is {parts.scheme} but the socket reached the server as {scheme}" + (
            _scheme_hint(scope)
        )
    if _site(scheme, parts.netloc) != _site(scheme, host):
        return (
            f"the server received the Host {shown!r}, not the origin's; a proxy or port forward "
            "of yours should pass the browser's Host on (or X-Forwarded-Host, with "
            "USE_X_FORWARDED_HOST = True), or, if that origin is a site of yours, list it in "
            "LIVE_VIEWS['ALLOWED_ORIGINS']"
        )
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return f"its host {domain[:200] or shown!r} is not in ALLOWED_HOSTS"
    return None


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


def _scheme_hint(scope: Mapping[str, Any]) -> str:
    """What would make the socket's scheme the page's: the setting, or, when the project has it,
    the proxy's header it reads (a proxy block that forwards none is the usual cause)."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy_header or not proxy_header[0].startswith("HTTP_"):
        return "; behind a proxy that ends TLS, set SECURE_PROXY_SSL_HEADER to the header it sets"
    name = "-".join(part.capitalize() for part in proxy_header[0][5:].split("_"))
    value = _header(scope, name.lower().encode("latin-1"))
    if value is None:
        return (
            f": SECURE_PROXY_SSL_HEADER reads {name}, which the request did not carry; make the "
            f"proxy set it (nginx: proxy_set_header {name} $scheme;)"
        )
    return f": SECURE_PROXY_SSL_HEADER reads {name}, which said {value[:50]!r}"


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
