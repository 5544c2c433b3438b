"""The one websocket consumer every live page connects to. It owns the socket and the page's turn;
the page's logic lives in ``LivePage`` and the event pipeline, run in a worker thread one hop per
message."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from live_views.conf import conf
from live_views.connect import wire
from live_views.connect.owners import connection_owner
from live_views.socket import failures, protocol
from live_views.socket.admission import FrameAdmissionMixin
from live_views.socket.budgets import SocketBudget, owner_budget
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.fairness import run_fairly
from live_views.socket.jobs import JobRunner
from live_views.socket.mount import Refused
from live_views.socket.origins import origin_refusal
from live_views.socket.own_broadcasts import shows_already
from live_views.socket.page import LivePage
from live_views.socket.pipeline import run_event
from live_views.socket.protocol import Event, FrameError, Join, Params
from live_views.socket.refresh import CoalescedRefreshMixin
from live_views.socket.refusal_log import RefusalLog
from live_views.socket.subscription import LayerSubscriptionMixin
from live_views.socket.turn import Turn
from live_views.uploads.store import discard_page_uploads

logger = logging.getLogger("live_views")

# A connected consumer's scope (see LiveConsumer.__call__()); nothing writes to it.
_CONNECTED: dict[str, Any] = {"type": "websocket"}


class LiveConsumer(
    FrameAdmissionMixin,
    LayerSubscriptionMixin,
    CoalescedRefreshMixin,
    AsyncWebsocketConsumer,  # type: ignore[misc]
):
    page: LivePage | None = None
    joined = False
    groups = ()  # the page's topics go through the hub (socket/hub.py), not channels' groups
    refusals: RefusalLog | None = None  # made at the first refused frame
    # Rows the broadcasts since the last refresh named (streams), once one names a row.
    changed_rows: ChangedRows | None = None

    # A page keeps its consumer for as long as its socket is open: what an idle page does not
    # use is made when first needed, and what has a default here is not set per instance
    # (docs/benchmarks.md, memory).
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One page is one actor: events and broadcast refreshes take turns, in arrival order.
        self.turn = Turn()
        # Every frame pays, and so does the server time its work used (socket/budgets.py).
        self.budget = SocketBudget()
        self.jobs = JobRunner(self)  # the page's live_async() work
        self.raised = failures.RAISED.get()  # who watches for its failures (failures.py)

    async def connect(self) -> None:
        # Accept, then close with a 4xxx code when refusing: a refused handshake reaches the
        # browser as 1006, which htmx would retry forever.
        await self.accept()
        refusal = origin_refusal(self.scope)
        if refusal is not None:
            logger.warning(
                "live_views: refused a socket from origin %r: %s.", _origin(self.scope), refusal
            )
            # The browser's is shorter: how the server is set up is the log's to say.
            reason = "the socket is for the page's origin"
            await self.close(code=wire.CLOSE_FORBIDDEN, reason=reason)
            return
        token = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("t", [""])[0]
        if not token:
            await self.close(code=wire.CLOSE_BAD_REQUEST, reason="no connect token")
            return
        spent: list[float] = []
        try:
            page, owner = await run_fairly(
                lambda: _open(self.scope, token), self.budget.usages, spent.append
            )
        except Refused as exc:
            logger.info("live_views: refused a socket (%s): %s", exc.code, exc)
            await self.close(code=exc.code, reason=close_reason(str(exc)))
            return
        except Exception as exc:
            failures.report(exc, "live_views: mounting a live view failed", raised=self.raised)
            await self.close(code=wire.CLOSE_SERVER_ERROR)
            return
        self.page = page
        self.budget.owner = owner_budget(owner)
        self.budget.charge(sum(spent))  # the mount, to the socket and (now known) its owner
        # A socket that never joins would hold its place under the connection cap for ever.
        self.start_join_deadline(conf.JOIN_TIMEOUT)
        await self.join_groups_in_time()

    async def disconnect(self, code: int) -> None:
        page, self.page = self.page, None
        self.stop_join_deadline()
        if self.refreshing is not None:
            self.refreshing.cancel()
        self.jobs.cancel_all()
        if page is not None and page.slot is not None:
            page.slot.release()
        if page is not None:
            await self.leave_groups(page.groups)
            await discard_page_uploads(page.view.live_runtime.page_id)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope = scope
        del scope  # the consumer's alone (live_views.routing.socket_app())
        # channels' loop, less what a page does not use: a channel of its own on the layer (the
        # page hears its topics through the process's hub, socket/hub.py), and with it a second
        # receive to wait on beside the socket's, one new task and one asyncio.wait() per frame.
        self.base_send = send
        try:
            await self.dispatch(await receive())  # websocket.connect
            # All the page needs of the scope is read at connect: let the socket's copy go.
            self.scope = _CONNECTED
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            if self.page is not None:
                # Left without its disconnect (an error, or the server cancelled it): the page
                # would keep its place under the connection cap and its topics for good.
                await self.disconnect(1006)  # closed abnormally: no close frame

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels' dispatch hops to a worker thread before every message to close stale
        # database connections. Our every database trip already goes through the worker
        # thread, which does that (socket/fairness.py); the extra hop would double each event's
        # cost and make a burst of broadcasts queue one refresh each behind the busy thread.
        if message["type"] == "websocket.receive":  # nearly every message: straight to it
            await self.receive(message.get("text"), message.get("bytes"))
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']!r}")
        await handler(message)

    async def live_broadcast(self, message: dict[str, Any]) -> None:
        """A subscribed topic changed. Bursts coalesce: however many messages arrive while a
        refresh waits or runs, one more refresh follows, and it reads the latest data."""
        page = self.page
        if page is not None and page.own_broadcasts is not None and shows_already(page, message):
            return  # its own event's render shows it (socket/own_broadcasts.py)
        self.note_rows(message)
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
            await self._hop(page.confirm_session)
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
            if self.page is not None and self.page.slot is not None:
                # Free its place now: a client that never acknowledges the close would keep it.
                self.page.slot.release()
            await self.close(code=code, reason=close_reason(reason))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        page = self.page
        if page is None or self.closing:
            return  # refused and closing
        if text_data is None:
            # The protocol is JSON text: a binary frame is no browser of ours, and its bytes
            # are already in memory, so end it rather than answer.
            size = len(bytes_data or b"")
            code = wire.CLOSE_TOO_BIG if size > conf.MAX_FRAME_BYTES else wire.CLOSE_BAD_REQUEST
            await self._end(code, f"sent a binary frame of {size} bytes")
            return
        limit = conf.MAX_FRAME_BYTES
        # A character is at most 4 bytes of UTF-8: only a frame that could be over is encoded.
        if len(text_data) * 4 > limit and (
            len(text_data) > limit or len(text_data.encode()) > limit
        ):
            logger.warning(
                "live_views: closed a socket that sent a %d-character frame", len(text_data)
            )
            await self._end(wire.CLOSE_TOO_BIG, "sent a frame over MAX_FRAME_BYTES")
            return
        async with self.turn:
            frame: Join | Params | Event | FrameError
            try:
                frame = protocol.parse_frame(text_data)
            except FrameError as exc:
                frame = exc
            ref = None if isinstance(frame, Join) else frame.ref
            # Every frame pays, whatever it is: joins, malformed frames, unknown events.
            reply = await self._over_rate(ref)
            if reply is None:
                try:
                    reply = await self._answer(page, frame)
                finally:
                    if page.own_broadcasts is not None:
                        self.own_event_ended(page)
            if page.topics_changed:  # before the reply: once the page shows it, it follows it
                page.topics_changed = False
                await self.join_groups_in_time()
            if reply:
                await self._send(reply)
            self.jobs.start_pending(page)
        if self.stale:
            self.schedule_refresh()  # broadcasts that arrived while this frame had the turn

    async def _answer(
        self, page: LivePage, frame: Join | Params | Event | FrameError
    ) -> dict[str, Any] | None:
        ref = None if isinstance(frame, Join) else frame.ref  # echoed even in a server error
        try:
            if isinstance(frame, FrameError):
                raise frame
            if isinstance(frame, Join):
                return await self._join(page, frame)
            if page.session_watch.due() and not await self._confirm_session(page):
                return None
            return await self._event(page, frame)
        except FrameError as exc:
            what = "unknown event" if exc.code == "unknown_event" else "a frame"
            if self.refusals is None:
                self.refusals = RefusalLog()
            self.refusals.warning("live_views: refused %s for %s: %s", what, _name(page), exc)
            return protocol.error_frame(exc.code, exc.message, exc.ref)
        except Refused as exc:
            # Following the browser to another query found the session ended.
            await self._end(exc.code, str(exc))
            return None
        except Exception as exc:
            failures.report(exc, "live_views: rendering %s failed", _name(page), raised=self.raised)
            return failures.server_error("The server could not update the page.", exc, ref)

    async def _join(self, page: LivePage, join: Join) -> dict[str, Any]:
        if self.joined:
            # Each join renders the whole page: one per connection is all a page needs.
            raise FrameError("bad_frame", "this socket has joined already; send 'join' once")
        # The join came in time, however long it then waits for the worker thread.
        self.stop_join_deadline()
        reply: dict[str, Any] = await self._hop(lambda: page.join(join))
        self.joined = True
        return reply

    async def _event(self, page: LivePage, event: Event | Params) -> dict[str, Any]:
        if isinstance(event, Params):
            navigated: dict[str, Any] = await self._hop(
                lambda: page.navigate(event.query, event.ref, event.link)
            )
            return navigated
        return await run_event(page, event, self._hop)

    async def _send(self, frame: dict[str, Any]) -> None:
        if not frame or self.closing:
            return  # nothing to say, or the server already closed the socket
        try:
            await self.base_send({"type": "websocket.send", "text": protocol.encode(frame)})
        except OSError:
            # The browser left while this frame was made (uvicorn's ClientDisconnected). Its
            # disconnect is queued behind: raised from here it never came, and the page kept
            # its place under the connection cap and its topics for as long as the process ran.
            self.closing = True


def _open(scope: dict[str, Any], token: str) -> tuple[LivePage, str | None]:
    """The mounted page and whom it counts against (read in the thread: the user is lazy)."""
    page = LivePage.open(scope, token)
    request = page.request
    return page, connection_owner(
        scope, getattr(request, "session", None), getattr(request, "user", None)
    )


def _name(page: LivePage) -> str:
    return type(page.view).__qualname__


def _origin(scope: dict[str, Any]) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"origin":
            return str(value.decode("latin-1"))[:200]
    return None


def close_reason(reason: str) -> str:
    """``reason`` as a close frame can carry it (123 bytes of UTF-8): the sentence the HTTP
    transport answers with, for the browser's developer tools and the test client's
    ``LiveRefused``. It names what refused, never the page's data."""
    encoded = reason.encode("utf-8")
    if len(encoded) <= 123:
        return reason
    return encoded[:120].decode("utf-8", "ignore") + "..."
