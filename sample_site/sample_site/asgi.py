from __future__ import annotations

import os
from typing import Any

from channels.routing import ProtocolTypeRouter, URLRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sample_site.settings")
django_asgi_app = get_asgi_application()  # before importing anything that touches models
# The demo serves its own static files under uvicorn (what runserver does), asynchronously. A demo
# shortcut: a real project uses ServeStatic/WhiteNoise or its proxy (README: static files).
if os.environ.get("DEMO_RENAMED_STATIC") != "1":  # hashed names: urls.py serves them
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)

from live_views.routing import websocket_urlpatterns  # noqa: E402


async def refuse_websockets(scope: dict, receive: Any, send: Any) -> None:
    # A server whose sockets never open, as behind a proxy that blocks them (pages fall back
    # to the HTTP transport): the handshake is refused (403), with no traceback in the log.
    await receive()
    await send({"type": "websocket.close"})


routes = {"http": django_asgi_app, "websocket": URLRouter(websocket_urlpatterns)}
if os.environ.get("DEMO_NO_WEBSOCKET") == "1":
    routes["websocket"] = refuse_websockets
application = ProtocolTypeRouter(routes)

if os.environ.get("DEMO_STREAM_LIFETIME"):
    # The tests' short-lived push streams (tests/test_browser_http.py): seconds, not 30.
    from live_views.http import endpoint

    endpoint.STREAM_LIFETIME = float(os.environ["DEMO_STREAM_LIFETIME"])
