"""Cross-site websocket hijacking defence: a page's socket must come from the page's own origin,
or from one the project trusts: ``LIVE_VIEWS["ALLOWED_ORIGINS"]`` or Django's own
``CSRF_TRUSTED_ORIGINS``, read exactly as ``CsrfViewMiddleware`` reads it (docs/security.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

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


# A refusal's log names CSRF_TRUSTED_ORIGINS, not ALLOWED_ORIGINS: the HTTP transport's events
# are CSRF-checked by Django, so an origin listed only in ours would open sockets and no more.
_LIST_IT = (
    "; if that origin is a site of yours, list it in CSRF_TRUSTED_ORIGINS (live pages trust "
    "it as Django's forms do)"
)


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
        # "null": a sandboxed iframe, a file: page, a redirect across sites. No setting lets
        # one in: any such page may send it.
        return "it is not an http(s) origin, and no setting lets one in"
    if trusted_by(origin) is not None:
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
        reason = f"the page is {parts.scheme} but the socket reached the server as {scheme}"
        if _site(scheme, parts.netloc)[0] != _site(scheme, host)[0]:
            # Another host too: a TLS tunnel to a development server (a codespace's port).
            return f"{reason}, and the server received the Host {shown!r}{_LIST_IT}"
        return reason + _scheme_hint(scope)
    if _site(scheme, parts.netloc) != _site(scheme, host):
        return (
            f"the server received the Host {shown!r}, not the origin's; a proxy or port forward "
            "of yours should pass the browser's Host on (or X-Forwarded-Host, with "
            f"USE_X_FORWARDED_HOST = True){_LIST_IT}"
        )
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return f"its host {domain[:200] or shown!r} is not in ALLOWED_HOSTS"
    return None


def trusted_by(origin: str) -> str | None:
    """The setting that trusts ``origin`` as a site of the project's own, or None.

    ``CSRF_TRUSTED_ORIGINS`` is read as ``CsrfViewMiddleware`` reads it, so a page of an origin
    it trusts posts forms, sends events over HTTP (that route is CSRF-checked) and opens
    sockets alike: the origin as it came, or a ``scheme://*.domain[:port]`` entry that takes the
    domain and every subdomain of it, on that scheme and port only. ``ALLOWED_ORIGINS`` is read
    the same way, its exact entries compared as origins are (any case, a trailing slash)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return None
    if any(_matches(origin, parts.scheme, parts.netloc, o) for o in conf.ALLOWED_ORIGINS):
        return "LIVE_VIEWS['ALLOWED_ORIGINS']"
    if _csrf_trusts(origin, parts.scheme, parts.netloc):
        return "CSRF_TRUSTED_ORIGINS"
    return None


def csrf_covers(allowed: str) -> bool:
    """Whether every origin an ``ALLOWED_ORIGINS`` entry lets in is in ``CSRF_TRUSTED_ORIGINS``
    too, so that Django's CSRF check takes its pages' events over HTTP."""
    try:
        parts = urlsplit(allowed.rstrip("/").lower())
    except ValueError:
        return False
    domain = parts.netloc.lstrip("*")
    if "*" not in parts.netloc or not domain.startswith("."):
        return _csrf_trusts(f"{parts.scheme}://{domain}", parts.scheme, domain)
    # A wildcard is covered by one of the same domain or a parent's: it takes all theirs.
    return any(_wildcard_matches(parts.scheme, domain[1:], o) for o in _csrf_trusted() if "*" in o)


def _csrf_trusted() -> list[str]:
    return list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))


def _csrf_trusts(origin: str, scheme: str, netloc: str) -> bool:
    # CsrfViewMiddleware._origin_verified(), past the request's own host: an exact entry is the
    # Origin header as it came, string for string.
    trusted = _csrf_trusted()
    return origin in (o for o in trusted if "*" not in o) or any(
        _wildcard_matches(scheme, netloc, o) for o in trusted if "*" in o
    )


def _matches(origin: str, scheme: str, netloc: str, allowed: str) -> bool:
    if "*" in allowed:
        return _wildcard_matches(scheme.lower(), netloc.lower(), allowed.lower())
    return origin.lower() == allowed.rstrip("/").lower()


def _wildcard_matches(scheme: str, netloc: str, pattern: str) -> bool:
    # CsrfViewMiddleware.allowed_origin_subdomains: "https://*.example.com" is the pattern
    # ".example.com" for https, which is_same_domain() matches against the origin's host and
    # port as they came.
    try:
        allowed = urlsplit(pattern)
    except ValueError:
        return False
    return allowed.scheme == scheme and is_same_domain(netloc, allowed.netloc.lstrip("*"))


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
