"""The one websocket consumer every live page connects to. It owns the socket and the page's turn;
the page's logic lives in ``LivePage`` and the event pipeline, run in a worker thread one hop per
message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from live_views.conf import conf
from live_views.connect import wire
from live_views.socket import protocol
from live_views.socket.limits import EventBucket
from live_views.socket.mount import Refused
from live_views.socket.origins import origin_allowed
from live_views.socket.page import LivePage
from live_views.socket.pipeline import run_event
from live_views.socket.protocol import Event, FrameError, Join, Params
from live_views.socket.refresh import CoalescedRefreshMixin
from live_views.socket.subscription import JOIN_GROUPS_TIMEOUT, LayerSubscriptionMixin

logger = logging.getLogger("live_views")


class LiveConsumer(
    LayerSubscriptionMixin,
    CoalescedRefreshMixin,
    AsyncWebsocketConsumer,  # type: ignore[misc]
):
    page: LivePage | None = None
    joined = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One page is one actor: events and broadcast refreshes take turns, in arrival order.
        self.turn = asyncio.Lock()
        self.stale = False  # a broadcast arrived that no refresh has read yet
        self.refreshing: asyncio.Task[None] | None = None
        self.layer_down = False
        self.gone = False  # the socket disconnected
        self.events = EventBucket()
        self.closing = False  # closed by the server; frames that still arrive are ignored

    async def connect(self) -> None:
        # Accept, then close with a 4xxx code when refusing: a refused handshake reaches the
        # browser as 1006, which htmx would retry forever.
        await self.accept()
        if not origin_allowed(self.scope):
            logger.warning("live_views: refused a socket from origin %r", _origin(self.scope))
            await self.close(code=wire.CLOSE_FORBIDDEN)
            return
        token = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("t", [""])[0]
        if not token:
            await self.close(code=wire.CLOSE_BAD_REQUEST)
            return
        try:
            page = await database_sync_to_async(LivePage.open)(self.scope, token)
        except Refused as exc:
            logger.info("live_views: refused a socket (%s): %s", exc.code, exc)
            await self.close(code=exc.code)
            return
        except Exception:
            logger.exception("live_views: mounting a live view failed")
            await self.close(code=wire.CLOSE_SERVER_ERROR)
            return
        self.page = page
        try:
            # Bounded: a hung layer must not delay the page's join; the receive loop retries.
            await asyncio.wait_for(self.join_groups(), JOIN_GROUPS_TIMEOUT)
        except Exception as exc:
            # The page still works for its own events; broadcasts resume with the layer.
            logger.warning("live_views: could not subscribe a page (%s); will retry", exc)
            self.layer_down = True

    async def disconnect(self, code: int) -> None:
        self.gone = True
        page, self.page = self.page, None
        if self.refreshing is not None:
            self.refreshing.cancel()
        if page is not None and page.slot is not None:
            page.slot.release()
        if page is not None:
            await self.leave_groups(page.groups)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' dispatch hops to a worker thread before every message to close stale
        # database connections. Our every database trip already goes through
        # database_sync_to_async, which does that; the extra hop would double each event's cost
        # and make a burst of broadcasts queue one refresh each behind the busy thread.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']!r}")
        await handler(message)

    async def live_broadcast(self, message: dict[str, Any]) -> None:
        """A subscribed topic changed. Bursts coalesce: however many messages arrive while a
        refresh waits or runs, one more refresh follows, and it reads the latest data."""
        self.schedule_refresh()

    async def live_session_ended(self, message: dict[str, Any]) -> None:
        """The page's session was logged out."""
        await self._end(wire.CLOSE_LOGIN_REQUIRED, "the session was logged out")

    async def live_session_check(self, message: dict[str, Any]) -> None:
        """The page's user changed password or was deactivated: does the session still hold?"""
        page = self.page
        if page is not None and not self.closing:
            async with self.turn:
                await self._confirm_session(page)

    async def _confirm_session(self, page: LivePage) -> bool:
        try:
            await database_sync_to_async(page.confirm_session)()
        except Refused as exc:
            await self._end(exc.code, str(exc))
            return False
        except Exception:
            logger.exception("live_views: could not read the session of %s", _name(page))
        return True

    async def _end(self, code: int, reason: str) -> None:
        if not self.closing:
            self.closing = True
            logger.info("live_views: closed a socket (%s): %s", code, reason)
            await self.close(code=code)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        page = self.page
        if page is None or self.closing:
            return  # refused and closing
        if text_data is None:
            await self._send(protocol.error_frame("bad_frame", "Binary frames are not accepted."))
            return
        if len(text_data) > conf.MAX_FRAME_BYTES or len(text_data.encode()) > conf.MAX_FRAME_BYTES:
            logger.warning(
                "live_views: closed a socket that sent a %d-character frame", len(text_data)
            )
            await self.close(code=wire.CLOSE_TOO_BIG)
            return
        async with self.turn:
            ref = None  # echoed even in a server error, so the page's loading state ends
            try:
                frame = protocol.parse_frame(text_data)
                if isinstance(frame, Join):
                    reply = await database_sync_to_async(page.join)(frame)
                    self.joined = True
                else:
                    ref = frame.ref
                    reply = await self._over_rate(frame.ref)
                    if reply is None and (
                        not page.session_watch.due() or await self._confirm_session(page)
                    ):
                        reply = await self._event(page, frame)
            except FrameError as exc:
                # Malformed frames count against the event rate too (each one is logged).
                limited = await self._over_rate(exc.ref) if exc.code == "bad_frame" else None
                if limited is not None:
                    reply = limited
                else:
                    what = "unknown event" if exc.code == "unknown_event" else "a frame"
                    logger.warning("live_views: refused %s for %s: %s", what, _name(page), exc)
                    reply = protocol.error_frame(exc.code, exc.message, exc.ref)
            except Refused as exc:
                # Following the browser to another query found the session ended.
                await self._end(exc.code, str(exc))
                reply = {}
            except Exception:
                logger.exception("live_views: rendering %s failed", _name(page))
                reply = protocol.error_frame(
                    "server_error", "The server could not update the page.", ref
                )
            if page.topics_grew:  # before the reply: once the page shows it, it follows it
                page.topics_grew = False
                await self.join_new_groups()
            if reply:
                await self._send(reply)
        if self.stale:
            self.schedule_refresh()  # broadcasts that arrived while this frame had the turn

    async def _over_rate(self, ref: int | None) -> dict[str, Any] | None:
        """None when the frame may be handled; otherwise the refusal. A client that keeps
        sending after being refused is disconnected."""
        if self.events.allow():
            return None
        if self.events.flooding:
            await self._end(wire.CLOSE_TOO_MANY, "kept sending events over the rate limit")
            return {}
        return protocol.error_frame("rate_limited", "Too many events: this one was not run.", ref)

    async def _event(self, page: LivePage, event: Event | Params) -> dict[str, Any]:
        if isinstance(event, Params):
            navigated: dict[str, Any] = await database_sync_to_async(page.navigate)(
                event.query, event.ref
            )
            return navigated
        return await run_event(page, event, _hop)

    async def _send(self, frame: dict[str, Any]) -> None:
        if not frame or self.closing:
            return  # nothing to say, or the server already closed the socket
        await self.send(text_data=protocol.encode(frame))


async def _hop(work: Any) -> Any:
    return await database_sync_to_async(work)()


def _name(page: LivePage) -> str:
    return type(page.view).__qualname__


def _origin(scope: dict[str, Any]) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"origin":
            return str(value.decode("latin-1"))[:200]
    return None
