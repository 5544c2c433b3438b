"""The HTTP transport's two routes (``live_views/urls.py``).

``POST live/http/`` takes the page's signed token and one frame exactly as the socket carries
it (join, back/forward, event), as an htmx request through the project's own middleware, CSRF
included, and answers with the frame the socket would send (``http/reply.py``).

``POST live/http/leave/`` says the page went back to its socket: its HTTP page is released now
rather than when it idles out (the socket's join does the same in its own process).

``GET live/http/push/`` is the page's push stream: server-sent events under ASGI (an async
streaming response, no thread held), one long-poll under WSGI (a thread waits up to
``LONG_POLL`` seconds; the browser asks again at once). With ``wait=0`` it answers at once,
under either: a page whose server stopped answering asks so until it is back.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from live_views.conf import conf
from live_views.connect import wire
from live_views.connect.tokens import TokenError
from live_views.http.frame_request import with_token
from live_views.http.pages import (
    MAX_TOKEN,
    HttpPage,
    PageLeft,
    check_token,
    joins_of,
    page_for,
    release,
)
from live_views.http.reply import frame_response, no_store, refusal_response
from live_views.http.scope import scope_of
from live_views.socket import failures, limits, protocol
from live_views.socket.mount import Refused
from live_views.socket.origins import origin_refusal
from live_views.socket.protocol import FrameError, Join

logger = logging.getLogger("live_views")

LONG_POLL = 20.0  # seconds a WSGI long-poll waits for a push
# A page has one push stream: a newer one ends the one before (Outbox.open_reader), whose
# browser let go of it, so a page's token holds at most one of a WSGI server's threads.
KEEPALIVE = 15.0  # seconds between server-sent events comments (proxies drop silent streams)
# A push stream ends after this long and the browser opens the next. An endless one held a
# stopping server: uvicorn waits for every open request before it exits, and by default for
# ever, while the page went on saying "connected" to a server that was going away.
STREAM_LIFETIME = 30.0
# htmx posts the frame form-encoded: a byte of its UTF-8 that is not a letter, digit or one of
# "-._~" (JSON's quotes and braces, any non-ASCII text) is three characters ("%D0") of the body.
FORM_ENCODED_GROWTH = 3
# A request the page sent before its leave, answered after it: not 410, which reloads a page
# (http_protocol.js), nor a refusal that stops it. Nothing of the page is live to read it.
LEFT = 409


def htmx_of(request: HttpRequest) -> HtmxDetails:
    # HtmxMiddleware sets it; without the middleware, read the same headers the same way.
    details = getattr(request, "htmx", None)
    return details if isinstance(details, HtmxDetails) else HtmxDetails(request)


@require_POST
def receive_frame(request: HttpRequest) -> HttpResponse:
    if not htmx_of(request):
        return refusal_response(wire.CLOSE_BAD_REQUEST, "not an htmx request of a live page")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > FORM_ENCODED_GROWTH * (
        conf.MAX_FRAME_BYTES + MAX_TOKEN
    ):
        # Refused before the body is read. The frame's exact size is checked once decoded.
        return refusal_response(wire.CLOSE_TOO_BIG, "the frame is over MAX_FRAME_BYTES")
    token = request.POST.get("token", "")
    text = request.POST.get("frame", "")
    if len(text.encode()) > conf.MAX_FRAME_BYTES:
        return refusal_response(wire.CLOSE_TOO_BIG, "the frame is over MAX_FRAME_BYTES")
    try:
        # Parsed before the page is looked up: a malformed frame mounts no view.
        frame = protocol.parse_frame(text)
    except FrameError as exc:
        return frame_response(protocol.error_frame(exc.code, exc.message, exc.ref), 400)
    ref = None if isinstance(frame, Join) else frame.ref
    try:
        page = page_for(request, token)
    except TokenError as exc:
        return _refused(exc)
    except Refused as exc:
        logger.info("live_views: refused an HTTP page (%s): %s", exc.code, exc)
        return _refused(exc)
    except PageLeft as exc:
        return frame_response(protocol.error_frame("page_left", str(exc), ref), LEFT)
    wait = page.budget.admit()
    if wait is None:
        # As on the socket: every frame pays; this one waits until the rate has refilled.
        message = "Too many events: this one was not handled."
        return frame_response(protocol.error_frame("rate_limited", message, ref), 429)
    if wait > 0:
        limits.sleep(wait)  # the frame before used up the budget in server time (limits.py)
    # The address bar's query (location.search), for a page this process mounts again: it
    # renders that, as a socket's join after a reconnect does, not the query of its token.
    search = request.POST.get("search")
    search = None if search is None else protocol.query_of(search)
    return with_token(_answer(page, frame, ref, request, search), request)


@require_POST
def leave_http(request: HttpRequest) -> HttpResponse:
    if not htmx_of(request):
        return refusal_response(wire.CLOSE_BAD_REQUEST, "not an htmx request of a live page")
    try:
        target = check_token(request, request.POST.get("token", ""))
    except (TokenError, Refused) as exc:
        return _refused(exc)
    release(target.page_id, joins_of(request))
    return no_store(HttpResponse(status=204))


def _foreign(request: HttpRequest) -> HttpResponse | None:
    """The refusal of a push stream another site's page asked for, as the socket refuses one
    (socket/origins.py): an origin that is not the page's own nor trusted. A cross-site request
    that names no origin (a link, an image) is no page's stream."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        why = origin_refusal(scope_of(request))
        if why is None:
            return None  # an origin of CSRF_TRUSTED_ORIGINS is cross-site, and trusted
        logger.warning("live_views: refused a push stream from origin %r: %s.", origin[:200], why)
    elif request.META.get("HTTP_SEC_FETCH_SITE") != "cross-site":
        return None
    return refusal_response(wire.CLOSE_FORBIDDEN, "the push stream is for the page's origin")


def _refused(exc: TokenError | Refused) -> HttpResponse:
    """What a socket with this token (or page) would close with, as an HTTP answer."""
    code = exc.close_code if isinstance(exc, TokenError) else exc.code
    return refusal_response(code, str(exc))


def _answer(
    page: HttpPage, frame: Any, ref: int | None, request: HttpRequest, search: str | None
) -> HttpResponse:
    try:
        return frame_response(page.answer(frame, request, search))
    except FrameError as exc:
        page.refusals.warning("live_views: refused a frame over HTTP: %s", exc)
        return frame_response(protocol.error_frame(exc.code, exc.message, exc.ref), 400)
    except Refused as exc:
        page.close()
        return refusal_response(exc.code, str(exc), ref)
    except Exception as exc:
        logger.exception("live_views: rendering %s failed", type(page.page.view).__qualname__)
        message = "The server could not update the page."
        return frame_response(failures.server_error(message, exc, ref), 500)


@require_GET
def push_stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    refusal = _foreign(request)
    if refusal is not None:
        return refusal
    try:
        page = page_for(request, request.GET.get("token", ""))
    except (TokenError, Refused) as exc:
        return _refused(exc)
    except PageLeft:
        # Its browser stopped reading it as it left; the page is no one's to stream.
        return no_store(HttpResponse(status=LEFT))
    if request.GET.get("wait") == "0":
        # The browser asks whether the server is back (it had stopped answering): at once, with
        # what waits, before the page joins again. It holds nothing, so it is no stream.
        return no_store(JsonResponse({"frames": page.outbox.take()}))
    if isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(_events(page), content_type="text/event-stream")
        response["X-Accel-Buffering"] = "no"  # nginx would hold the stream back otherwise
        return no_store(response)  # type: ignore[arg-type]
    say_if_single_threaded(request)
    with page.streaming():
        frames = page.outbox.wait(LONG_POLL, page.outbox.open_reader())
    return no_store(JsonResponse({"frames": frames}))


_said_single_threaded = False


def say_if_single_threaded(request: HttpRequest) -> None:
    """Once per process: a WSGI server that says it serves one request at a time (gunicorn's
    default sync worker) is held by each page's long-poll, for up to 20 s a time. A
    walk-through's clicks took 20 to 38 s there, and a second tab did not load, silently."""
    global _said_single_threaded
    threaded = request.META.get("wsgi.multithread")
    # Django's test client says False too: it is no server.
    if (
        threaded is not False
        or _said_single_threaded
        or request.META.get("SERVER_NAME") == "testserver"
    ):
        return
    _said_single_threaded = True
    logger.warning(
        "live_views: this WSGI server serves one request at a time (wsgi.multithread is "
        "False: gunicorn's default sync worker?), and each page on the HTTP transport holds "
        "it for up to %g s waiting for pushes: clicks wait that long, other pages do not load. "
        "Run gunicorn with threads (--worker-class gthread --threads 8), or an ASGI server.",
        LONG_POLL,
    )


async def _events(page: HttpPage) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    ends = loop.time() + STREAM_LIFETIME
    with page.streaming():
        reader = page.outbox.open_reader()
        yield ": live\n\n"  # the browser knows the stream is open
        while not page.closed and not page.outbox.superseded(reader):
            left = ends - loop.time()
            if left <= 0:
                return  # the browser opens the next one at once (http.js)
            frames = await page.outbox.next_frames(min(KEEPALIVE, left), reader)
            if not frames and loop.time() < ends:
                yield ": keepalive\n\n"
            for frame in frames:
                yield f"data: {json.dumps(frame, separators=(',', ':'))}\n\n"
