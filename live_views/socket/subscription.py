"""The page's subscription to its topics, through its process's hub (socket/hub.py), and the
consumer's receive loop, which takes no channel of its own.

Every message a page hears reaches it through the hub: the hub is the process's one member of
each topic's group, and nothing is ever sent to one page's channel. So a page opens none.
channels' consumer would: a channel name, the layer's queue for it and a task reading it for as
long as the socket is open, and a fresh task for each frame read from the socket beside it
(``await_many_dispatch``), several KB per idle page (docs/benchmarks.md, idle memory). Here the
consumer reads its socket in its own task, one frame at a time, as channels does without a
layer. Keeping the process subscribed through a failing layer is the hub's work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from channels.exceptions import StopConsumer

from live_views.socket.hub import hub

logger = logging.getLogger("live_views")

JOIN_GROUPS_TIMEOUT = 1.0

if TYPE_CHECKING:
    from live_views.socket.page import LivePage

Message = dict[str, Any]


class LayerSubscriptionMixin:
    page: LivePage | None
    layer_down = False
    gone = False  # the socket disconnected

    if TYPE_CHECKING:
        scope: dict[str, Any]
        base_send: Callable[[Message], Awaitable[None]]
        channel_layer: Any

        def schedule_refresh(self) -> None: ...
        async def dispatch(self, message: Message) -> None: ...

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        """channels' ``AsyncConsumer.__call__`` without a channel layer: read a frame, handle it,
        read the next, until the consumer stops (the socket closed)."""
        self.scope = scope
        self.channel_layer = None  # the page's messages come through the hub
        self.base_send = send
        with contextlib.suppress(StopConsumer):
            while True:
                await self.dispatch(await receive())

    async def join_groups(self) -> None:
        topics = hub()
        if self.page is not None and topics is not None:
            await topics.subscribe(self, self.page.groups)  # type: ignore[arg-type]

    async def join_new_groups(self) -> None:
        """The page follows more topics (a live component it mounted): join their groups."""
        try:
            await asyncio.wait_for(self.join_groups(), JOIN_GROUPS_TIMEOUT)
        except Exception as exc:
            logger.warning("live_views: could not subscribe a page (%s); will retry", exc)
            self.layer_down = True

    async def leave_groups(self, groups: list[str]) -> None:
        topics = hub()
        if groups and topics is not None:
            await topics.unsubscribe(self, groups)  # type: ignore[arg-type]
