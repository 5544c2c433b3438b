"""``live/ws/`` reached as a plain HTTP request: the websocket upgrade was lost on the way.

A browser opens the socket with ``GET live/ws/`` and ``Upgrade: websocket``; an ASGI server
hands that to the websocket router, never to Django's views. So when this view runs, something
in front dropped the upgrade: a proxy that does not forward it (nginx without
``proxy_set_header Upgrade``/``Connection``), or a server that does not speak websockets. The
page still works over the HTTP transport, so nothing else would ever tell the operator: every
page would quietly pay for HTTP instead of its socket.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from live_views.every import Every

logger = logging.getLogger("live_views")

# Every page load of a misconfigured proxy comes here: say it now and then, not per page.
_warnings = Every(600.0)

NO_UPGRADE = (
    "live_views: {path} reached Django as a plain HTTP request, without its websocket upgrade: "
    "pages cannot open their sockets, and fall back to the HTTP transport where they can. "
    "Behind a proxy, forward the upgrade (nginx: proxy_http_version 1.1; proxy_set_header "
    'Upgrade $http_upgrade; proxy_set_header Connection "upgrade";); and serve the site with an '
    "ASGI server that speaks websockets (uvicorn from 'uvicorn[standard]', daphne), or, on a "
    "WSGI server, set LIVE_VIEWS['TRANSPORT'] = 'http' so that pages never try a socket."
)


def no_upgrade(request: HttpRequest) -> HttpResponse:
    if _warnings.due():
        logger.warning(NO_UPGRADE.format(path=request.path))
    response = HttpResponse(
        "This is a websocket URL: the request reached the server without its upgrade.\n",
        status=426,
        content_type="text/plain",
    )
    response["Upgrade"] = "websocket"
    return response
