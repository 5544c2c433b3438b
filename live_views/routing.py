"""The one websocket route every live page connects to. Mount it in the project's ``asgi.py``."""

from __future__ import annotations

from django.urls import path

from live_views.consumer import LiveConsumer

SOCKET_PATH = "live/ws/"

websocket_urlpatterns = [
    path(SOCKET_PATH, LiveConsumer.as_asgi(), name="live_views_socket"),
]
