"""What reaches an HTTP-transport page without a socket: broadcast refreshes and the end of its
session, through the same per-process hub as the sockets (socket/hub.py).

The hub lives on an event loop. Under ASGI that is the server's own loop (the one the page's
requests came through). A WSGI server has none, so the pages of a WSGI process share one
background loop in a daemon thread (``pubsub/sender.py``'s, which is where this process's
broadcasts are sent from too, so the in-memory layer's queues wake the loop that reads them).
The refresh itself runs in a worker thread, inside the page's turn, like an event.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import logging
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, Protocol, TypeVar

from channels.db import database_sync_to_async

from live_views.pubsub.sender import sender, server_loop
from live_views.socket.changed_rows import ChangedRows
from live_views.socket.hub import hub
from live_views.socket.own_broadcasts import Owner, shows_already


class PushedPage(Protocol):
    """What the subscriber asks of its page (``http/pages.py``'s ``HttpPage``)."""

    closed: bool

    @property
    def page(self) -> Owner: ...  # its LivePage: what its own events published
    def refresh(self, rows: ChangedRows | None) -> None: ...
    def session_ended(self) -> None: ...
    def check_session(self) -> None: ...


logger = logging.getLogger("live_views")

T = TypeVar("T")
SUBSCRIBE_TIMEOUT = 2.0


def hosting_loop() -> asyncio.AbstractEventLoop:
    """The loop an HTTP page follows its topics on: the ASGI server's, else the background one."""
    loop = server_loop()
    if loop is None:
        sender.hosts_pages = True
        loop = sender.background_loop()
    return loop


def run_on(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on ``loop`` from a thread that is not the loop's, and wait for it."""
    return start_on(loop, coroutine).result(SUBSCRIBE_TIMEOUT)


def start_on(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T]
) -> concurrent.futures.Future[T]:
    """Start ``coroutine`` on ``loop`` in a context of its own, not the calling request's: the
    hub's reader and the pages' refreshes it starts outlive the request, and in its context
    they would keep what it set (Django's ASGI handler's thread-sensitive context, whose worker
    thread then served every HTTP page's refresh, and was never shut down)."""
    return contextvars.Context().run(asyncio.run_coroutine_threadsafe, coroutine, loop)


class PushSubscriber:
    """The hub's subscriber for one HTTP page (the socket consumer is the other kind)."""

    def __init__(self, page: PushedPage, loop: asyncio.AbstractEventLoop) -> None:
        self.page = page
        self.loop = loop
        self.stale = False
        self.refreshing: asyncio.Task[None] | None = None
        self.changed_rows = ChangedRows()
        self.groups: list[str] = []

    def follow(self, groups: list[str]) -> None:
        """Join ``groups`` through the loop's hub (called from a request's thread)."""
        new = [group for group in groups if group not in self.groups]
        if new:
            self.groups.extend(new)
            try:
                run_on(self.loop, self._subscribe(new))
            except Exception as exc:
                # Events still work; broadcasts resume when the layer answers (the hub retries).
                logger.warning("live_views: could not subscribe an HTTP page (%s)", exc)

    async def _subscribe(self, groups: list[str]) -> None:
        topics = hub()
        if topics is not None:
            await topics.subscribe(self, groups)

    def unfollow(self, groups: list[str]) -> None:
        """Stop following ``groups`` (called from a request's thread; does not wait)."""
        left = [group for group in groups if group in self.groups]
        if left:
            self.groups = [group for group in self.groups if group not in left]
            if not self.loop.is_closed():
                start_on(self.loop, self._unsubscribe(left))

    def leave(self) -> None:
        """Stop following every group (from any thread; does not wait)."""
        groups, self.groups = self.groups, []
        if self.refreshing is not None:
            self.loop.call_soon_threadsafe(self.refreshing.cancel)
        if groups and not self.loop.is_closed():
            start_on(self.loop, self._unsubscribe(groups))

    async def _unsubscribe(self, groups: list[str]) -> None:
        topics = hub()
        if topics is not None:
            await topics.unsubscribe(self, groups)

    # -- the hub's calls, on the loop --------------------------------------------------------------

    async def live_broadcast(self, message: dict[str, Any]) -> None:
        if not shows_already(self.page.page, message):  # its own event's render shows it
            self.changed_rows.add(message)
            self.schedule_refresh()

    def missed(self, messages: list[dict[str, Any]]) -> None:
        """Broadcasts held for the page's event, whose render did not show them (called from
        the request's thread): heard now."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._heard, messages, context=contextvars.Context())

    def _heard(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            self.changed_rows.add(message)
        self.schedule_refresh()

    def schedule_refresh(self) -> None:
        # However many broadcasts arrive while a refresh waits or runs, one more follows.
        self.stale = True
        if self.refreshing is None:
            self.refreshing = asyncio.create_task(self._refresh())

    async def _refresh(self) -> None:
        try:
            while self.stale and not self.page.closed:
                self.stale = False
                rows, self.changed_rows = self.changed_rows, ChangedRows()
                await self._in_thread(partial(self.page.refresh, rows or None))
        finally:
            self.refreshing = None

    async def live_session_ended(self, message: dict[str, Any]) -> None:
        await self._in_thread(self.page.session_ended)

    async def live_session_check(self, message: dict[str, Any]) -> None:
        await self._in_thread(self.page.check_session)

    async def _in_thread(self, work: Callable[[], None]) -> None:
        try:
            await database_sync_to_async(work)()
        except Exception:
            logger.exception("live_views: refreshing an HTTP page failed")
