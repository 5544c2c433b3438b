"""The live views route mounted under a prefix (ws/live/ws/), where no page connects
(live_views.E006)."""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from live_views.routing import websocket_urlpatterns
from tests.asgi_without_route import OtherConsumer, http_app

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": URLRouter(
            [
                path("chat/", OtherConsumer.as_asgi()),
                path("ws/", URLRouter(websocket_urlpatterns)),
            ]
        ),
    }
)
