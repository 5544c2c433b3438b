"""The one websocket route every live page connects to. Mount it in the project's ``asgi.py``."""

from __future__ import annotations

from typing import Any

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


websocket_urlpatterns = [
    URLPattern(
        _SocketPattern(SOCKET_PATH, name="live_views_socket", is_endpoint=True),
        LiveConsumer.as_asgi(),
        name="live_views_socket",
    ),
]
