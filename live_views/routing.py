"""The one websocket route every live page connects to. Mount it in the project's ``asgi.py``."""

from __future__ import annotations

import functools
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.urls import URLPattern
from django.urls.resolvers import RoutePattern

from live_views.connect.wire import SOCKET_PATH
from live_views.socket.consumer import LiveConsumer


class _SocketPattern(RoutePattern):
    """``live/ws/``, also under ``FORCE_SCRIPT_NAME``.

    Pages connect to ``<script prefix>live/ws/``. channels strips the ASGI ``root_path`` (an
    ASGI server run with ``--root-path``) before routing, but not ``FORCE_SCRIPT_NAME``, so a
    server that is not told the prefix would see it here.
    """

    def match(self, path: str) -> Any:
        prefix = (getattr(settings, "FORCE_SCRIPT_NAME", None) or "").strip("/")
        if prefix and path.startswith(f"{prefix}/"):
            path = path[len(prefix) + 1 :]
        return super().match(path)


def socket_app() -> Any:
    """``LiveConsumer.as_asgi()``, less a copy of the scope per open socket: channels'
    ``URLRouter`` hands each socket a scope of its own, which channels' app would keep for as
    long as the socket is open. Ours leaves it to the consumer, which keeps it until the socket
    has connected (docs/benchmarks.md, memory)."""
    channels_app = LiveConsumer.as_asgi()

    # Not ``async def``: it hands back the consumer's own coroutine instead of awaiting it in
    # one more, which would stay suspended beside it (with its frame) for as long as the socket
    # is open. Marked as a coroutine function, as ASGI servers and channels' test communicator
    # ask of an application.
    def app(scope: Any, receive: Any, send: Any) -> Coroutine[Any, Any, None]:
        call: Coroutine[Any, Any, None] = LiveConsumer()(scope, receive, send)
        return call

    functools.update_wrapper(app, channels_app)  # its consumer_class, name and doc
    return markcoroutinefunction(app)


websocket_urlpatterns = [
    URLPattern(
        _SocketPattern(SOCKET_PATH, name="live_views_socket", is_endpoint=True),
        socket_app(),
        name="live_views_socket",
    ),
]
