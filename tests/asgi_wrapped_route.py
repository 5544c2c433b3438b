"""The live views route inside channels' usual middleware and a nested router, still at
live/ws/ where pages connect."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from live_views.routing import websocket_urlpatterns
from tests.asgi_without_route import OtherConsumer, http_app

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                URLRouter(
                    [
                        path("chat/", OtherConsumer.as_asgi()),
                        path("", URLRouter(websocket_urlpatterns)),
                    ]
                )
            )
        ),
    }
)
