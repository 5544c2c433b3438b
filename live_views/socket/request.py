"""Build the Django request a live view sees on its socket, from the websocket's scope."""

from __future__ import annotations

import io
from collections.abc import Mapping
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.http import HttpRequest

from live_views.connect.tokens import ConnectTarget
from live_views.socket.interning import Interned
from live_views.socket.messages import install_storage as install_message_storage


def session_and_user(scope: Mapping[str, Any]) -> tuple[Any, Any]:
    """The socket's session and user: from channels' AuthMiddlewareStack when the project's
    asgi.py uses it, otherwise loaded the way Django's middleware would."""
    session = scope.get("session")
    if session is None:
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(_cookie(scope, settings.SESSION_COOKIE_NAME))
    user = scope.get("user")
    if user is None and "django.contrib.auth" in settings.INSTALLED_APPS:
        from django.contrib.auth import get_user

        holder = HttpRequest()
        holder.session = session
        user = get_user(holder)
    return session, user


# The strings of a page's META that other pages repeat (header names, user agent, host, origin,
# languages, the cookie of a visitor's other tabs, the path and query), one copy each for the
# process instead of one per page: a page keeps its request for as long as its socket is open
# (docs/benchmarks.md, memory).
share: Interned[str] = Interned()
# Unique to each socket: never worth a place among the shared strings.
_UNIQUE = frozenset({"HTTP_SEC_WEBSOCKET_KEY"})


def _share_meta(request: HttpRequest) -> None:
    request.META = {
        share(key): share(value) if isinstance(value, str) and key not in _UNIQUE else value
        for key, value in request.META.items()
    }
    request.method = request.META["REQUEST_METHOD"]


class _NoBody(io.BytesIO):
    """The body of every page's socket request (a GET's: empty), one for the process instead of
    a ``BytesIO`` per page: nothing writes to it, and closing it, as ``request.close()`` does,
    leaves it readable for the other pages."""

    def writable(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        raise io.UnsupportedOperation("the body of a page's socket request is not writable")

    def close(self) -> None:
        pass  # shared by every page


_NO_BODY = _NoBody()


def _cookie(scope: Mapping[str, Any], name: str) -> str | None:
    for header, value in scope.get("headers", []):
        if header == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(name)
            if morsel is not None:
                return morsel.value
    return None


def build_request(
    scope: Mapping[str, Any], target: ConnectTarget, session: Any, user: Any
) -> HttpRequest:
    """A GET for the page's own path and query, with the socket's headers, session and user."""
    script_name = get_script_prefix(scope)
    http_scope = {
        "type": "http",
        "asgi": scope.get("asgi", {}),
        "http_version": scope.get("http_version", "1.1"),
        "method": "GET",
        "scheme": "https" if scope.get("scheme") == "wss" else "http",
        "path": share(script_name.rstrip("/") + target.path),
        # The text the page's GET was parsed from, as the UTF-8 ASGIRequest decodes it back to.
        "query_string": target.query_string.encode(),
        "headers": scope.get("headers", []),  # the socket's, read only: not a copy per page
        "client": scope.get("client"),
        "server": scope.get("server"),
    }
    root_path = scope.get("root_path", "")
    if root_path:
        # Optional in ASGI (default ""): without it, the scope's ten keys fit a dict half the
        # size, which the page keeps for as long as its socket is open.
        http_scope["root_path"] = root_path
    request = ASGIRequest(http_scope, _NO_BODY)
    _share_meta(request)
    # What a middleware checks to tell the socket apart from HTTP (README: "What runs on the
    # socket"): the response it sees is thrown away, no cookie or header reaches the browser.
    request.live_socket = True  # type: ignore[attr-defined]
    request.session = session
    if user is not None:
        request.user = user
    install_message_storage(request)
    return request
