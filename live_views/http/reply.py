"""A socket frame as the reply to an htmx request.

The changed liveblocks are the body, as the out-of-band swaps the socket sends (``HX-Reswap:
none``: nothing else of the page is replaced). A redirect and a reload are htmx's own
``HX-Redirect`` and ``HX-Refresh`` (django-htmx's response classes). The rest of the frame (its
ref, an error, a reply, push events, title, focus, scroll, live_patch's query) follows the
blocks as a ``<script type="application/json" id="live-frame">`` that htmx does not swap: the
bundled JS applies it with the code that applies a socket frame, so both transports behave
the same. (A response header would do for small frames, but a push event's payload can be far
larger than proxies allow headers to be.)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.html import json_script
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, reswap

from live_views.connect import wire
from live_views.socket.refusal import STATUS_OF_CLOSE

FRAME_ID = "live-frame"

# Cured by a fresh page, as on the socket (protocol.js closeKind): the browser reloads.
RELOADING = frozenset({wire.CLOSE_LOGIN_REQUIRED, wire.CLOSE_TOKEN_EXPIRED})


def frame_response(frame: dict[str, Any], status: int = 200) -> HttpResponse:
    if wire.REDIRECT in frame:
        return no_store(HttpResponseClientRedirect(frame[wire.REDIRECT]))
    if frame.get(wire.RELOAD) is True:
        return no_store(HttpResponseClientRefresh())
    rest = {key: value for key, value in frame.items() if key != wire.CONTENT}
    body = str(frame.get(wire.CONTENT, ""))
    if rest:
        body += json_script(rest, FRAME_ID)
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    reswap(response, "none")
    return no_store(response)


def refusal_response(code: int, reason: str, ref: int | None = None) -> HttpResponse:
    """The socket would close with ``code``: the matching status, and why, for the page."""
    if code in RELOADING:
        response = no_store(HttpResponseClientRefresh())
        response.status_code = STATUS_OF_CLOSE[code]
        return response
    frame: dict[str, Any] = {wire.ERROR: {"code": f"refused_{code}", "message": reason}}
    if ref is not None:
        frame[wire.REF] = ref
    return frame_response(frame, STATUS_OF_CLOSE.get(code, 500))


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
