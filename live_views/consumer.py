"""The one websocket consumer every live page connects to. It owns the socket; the page's logic
lives in ``LiveConnection``, run in a worker thread one hop per message."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from live_views import protocol
from live_views.conf import conf
from live_views.connection import LiveConnection, Refused
from live_views.origins import origin_allowed
from live_views.protocol import Event, FrameError, Join

logger = logging.getLogger("live_views")


class LiveConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    page: LiveConnection | None = None
    joined = False

    async def connect(self) -> None:
        # Accept, then close with a 4xxx code when refusing: a refused handshake reaches the
        # browser as 1006, which htmx would retry forever.
        await self.accept()
        if not origin_allowed(self.scope):
            logger.warning("live_views: refused a socket from origin %r", _origin(self.scope))
            await self.close(code=protocol.CLOSE_FORBIDDEN)
            return
        token = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("t", [""])[0]
        if not token:
            await self.close(code=protocol.CLOSE_BAD_REQUEST)
            return
        try:
            self.page = await database_sync_to_async(LiveConnection.mount)(self.scope, token)
        except Refused as exc:
            logger.info("live_views: refused a socket (%s): %s", exc.code, exc)
            await self.close(code=exc.code)
        except Exception:
            logger.exception("live_views: mounting a live view failed")
            await self.close(code=protocol.CLOSE_SERVER_ERROR)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        page = self.page
        if page is None:
            return  # refused and closing
        if text_data is None:
            await self._send(protocol.error_frame("bad_frame", "Binary frames are not accepted."))
            return
        if len(text_data) > conf.MAX_FRAME_BYTES or len(text_data.encode()) > conf.MAX_FRAME_BYTES:
            logger.warning("live_views: closed a socket that sent a %d-character frame", len(text_data))
            await self.close(code=protocol.CLOSE_TOO_BIG)
            return
        try:
            frame = protocol.parse_frame(text_data)
            if isinstance(frame, Join):
                reply = await database_sync_to_async(page.join)(frame)
                self.joined = True
            else:
                reply = await self._event(page, frame)
        except FrameError as exc:
            reply = protocol.error_frame(exc.code, exc.message, _ref_of(text_data))
        except Exception:
            logger.exception("live_views: rendering %s failed", type(page.view).__qualname__)
            reply = protocol.error_frame(
                "server_error", "The server could not update the page.", _ref_of(text_data)
            )
        if reply:
            await self._send(reply)

    async def _event(self, page: LiveConnection, event: Event) -> dict[str, Any]:
        spec, kwargs = page.lookup(event)
        if not spec.is_async:
            return await database_sync_to_async(page.run_event)(spec, kwargs, event.ref)
        snapshot = dict(page.view.__dict__)
        try:
            result = await getattr(page.view, spec.attribute)(**kwargs)
        except Exception as exc:
            page._restore(snapshot)
            return page.handler_failed(spec, exc, event.ref)
        return await database_sync_to_async(page.after_event)(result, event.ref)

    async def _send(self, frame: dict[str, Any]) -> None:
        if not frame:
            return
        await self.send(text_data=protocol.encode(frame))


def _origin(scope: dict[str, Any]) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"origin":
            return str(value.decode("latin-1"))[:200]
    return None


def _ref_of(text: str) -> int | None:
    # Echo the ref of a frame we refused, when it has a clean one, so the page can match it.
    try:
        event = protocol.parse_frame(text)
    except (FrameError, RecursionError):
        return None
    return event.ref if isinstance(event, Event) else None
