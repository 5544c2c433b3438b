"""The signed connect token that ties a page's socket to its path, query and session."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.middleware.csrf import CSRF_SESSION_KEY, get_token
from django.utils.crypto import constant_time_compare, salted_hmac

from live_views.conf import conf
from live_views.connect import wire
from live_views.connect.csp import nonce_digest
from live_views.connect.static_version import current_static_version

# 2: the token carries the page id (``i``) that keys the page's saved state.
# 3: its query (``q``) is the text the page's ``request.GET`` was parsed from, the same under WSGI
# and ASGI (``page_query``). Version 2 held ``META["QUERY_STRING"]``, which under WSGI is the
# query's bytes one character each. A version 2 token is read, its query as the text it most
# likely stood for, rather than refused: the pages open when this version is
# deployed do not all reload.
TOKEN_VERSION = 3
_LEGACY_VERSION = 2
_SALT = "live_views.connect"


class TokenError(Exception):
    """The token cannot mount a page; ``close_code`` says how the browser should react."""

    close_code = wire.CLOSE_BAD_REQUEST


class TokenExpired(TokenError):
    close_code = wire.CLOSE_TOKEN_EXPIRED  # the page reloads and gets a fresh token


class TokenForeign(TokenError):
    close_code = wire.CLOSE_FORBIDDEN


class SessionEnded(TokenForeign):
    """The page was rendered for a logged-in user; the socket has none (logged out, expired)."""

    close_code = (
        wire.CLOSE_LOGIN_REQUIRED
    )  # the page reloads, and the view sends the visitor to log in


@dataclass(frozen=True)
class ConnectTarget:
    path: str
    # As text: what Django's ASGI handler puts in META["QUERY_STRING"] (``page_query``).
    query_string: str
    page_id: str  # random per page load: a reconnect of the same page finds its saved state
    # A keyed digest of the page's CSP nonce (live_views.connect.csp); the nonce itself is not here.
    nonce_digest: str | None = None
    # The address of the live component this socket serves, on a page that is not live.
    component: str | None = None
    # The static files' version the page was rendered with (connect/static_version.py); None
    # for a token made before tokens carried it, or by a server whose storage keeps no manifest.
    static_version: str | None = None


def session_binding(session_key: str | None, user_pk: Any) -> str:
    value = f"{session_key or ''}|{'' if user_pk is None else user_pk}"
    return salted_hmac("live_views.session", value, algorithm="sha256").hexdigest()[:20]


def _ensure_session_key(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None and settings.CSRF_USE_SESSIONS:
        # CsrfViewMiddleware keeps the page's CSRF secret (the HTTP transport's, a form's) in
        # the session as the response leaves, after this token: the session it creates then
        # has a key the token is not bound to, and the socket refused the page. Kept now.
        get_token(request)  # the page's secret, made now if it has none yet
        if session.get(CSRF_SESSION_KEY) != request.META["CSRF_COOKIE"]:
            session[CSRF_SESSION_KEY] = request.META["CSRF_COOKIE"]
    if session.session_key is None and session.modified:
        # A session created by this very response has no key until the middleware saves it;
        # save it now so the token can be bound to the key the browser will send back.
        session.save()
    key: str | None = session.session_key
    return key


def page_query(request: HttpRequest) -> str:
    """The page's query string as the text its ``request.GET`` was parsed from: what
    ``META["QUERY_STRING"]`` holds under ASGI, and the same query under WSGI."""
    query: str = request.META.get("QUERY_STRING", "")
    if not isinstance(request, WSGIRequest):
        # ASGIRequest decodes the query's bytes as UTF-8 (strictly: a query that is no UTF-8
        # gets a 400 and renders no page), then parses that text.
        return query
    # Under WSGI it holds a "WSGI string", the bytes one character each; WSGIRequest.GET parses
    # them decoded as the request's encoding. Passed on as it is, a raw "ü" would reach a request
    # that parses text (the socket's ASGIRequest, an upload's GET of the page) as "Ã¼".
    return _as_text(query, request.encoding or settings.DEFAULT_CHARSET)


def _as_text(query: str, encoding: str) -> str:
    """A WSGI string's query (its bytes one character each) as ``QueryDict`` decodes those
    bytes: as ``encoding``, or when they are not (a misbehaving client's raw latin-1) as
    latin-1. A query that is no WSGI string is text already and stays as it is."""
    try:
        raw = query.encode("iso-8859-1")
    except UnicodeEncodeError:
        return query
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1")


def make_connect_token(
    request: HttpRequest, *, nonce: str | None = None, component: str | None = None
) -> str:
    user = getattr(request, "user", None)
    payload = {
        "v": TOKEN_VERSION,
        "p": request.path_info,
        "q": page_query(request),
        "b": session_binding(_ensure_session_key(request), getattr(user, "pk", None)),
        "a": bool(getattr(user, "is_authenticated", False)),
        "i": secrets.token_urlsafe(16),
    }
    if nonce:
        payload["n"] = nonce_digest(nonce)
    if component:
        payload["c"] = component
    static_version = current_static_version()
    if static_version:
        # Optional, as ``n`` and ``c`` are: a token without it (from an older server) still
        # mounts, and an older server reading this one ignores it.
        payload["s"] = static_version
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_connect_token(token: str, *, session_key: str | None, user_pk: Any) -> ConnectTarget:
    try:
        payload = signing.loads(token, salt=_SALT, max_age=conf.TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise TokenExpired("connect token expired") from None
    except (signing.BadSignature, ValueError):
        raise TokenError("connect token is not valid") from None
    if not isinstance(payload, dict) or payload.get("v") not in (TOKEN_VERSION, _LEGACY_VERSION):
        raise TokenExpired("connect token from another version")
    path, query, binding = payload.get("p"), payload.get("q"), payload.get("b")
    page_id = payload.get("i")
    if not (
        isinstance(path, str)
        and isinstance(query, str)
        and isinstance(binding, str)
        and isinstance(page_id, str)
        and page_id
    ):
        raise TokenError("connect token is not valid")
    if not constant_time_compare(binding, session_binding(session_key, user_pk)):
        if payload.get("a") is True and user_pk is None:
            raise SessionEnded("the page's user is no longer logged in")
        raise TokenForeign("connect token belongs to another session")
    digest = payload.get("n")
    component = payload.get("c")
    static_version = payload.get("s")
    if payload["v"] == _LEGACY_VERSION:
        # Its query is META's: a WSGI page's (a WSGI string) decodes exactly; an ASGI page's
        # was text already. ASCII, as browsers send a query, is the same either way, and a raw
        # non-ASCII character (which that version failed to mount, or mounted as "?") is either
        # beyond latin-1 or, as a lone byte, no UTF-8, and so kept.
        query = _as_text(query, settings.DEFAULT_CHARSET)
    return ConnectTarget(
        path=path,
        query_string=query,
        page_id=page_id,
        nonce_digest=digest if isinstance(digest, str) else None,
        component=component if isinstance(component, str) else None,
        static_version=static_version if isinstance(static_version, str) else None,
    )
