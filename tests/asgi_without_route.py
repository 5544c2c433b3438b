"""An ASGI application that serves websockets, but not the live views route (live_views.E005)."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import WebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path


async def http_app(scope: Any, receive: Any, send: Any) -> None:
    raise NotImplementedError


class OtherConsumer(WebsocketConsumer):
    pass


application = ProtocolTypeRouter(
    {"http": http_app, "websocket": URLRouter([path("chat/", OtherConsumer.as_asgi())])}
)
