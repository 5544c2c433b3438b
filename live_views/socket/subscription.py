"""The page's subscription to its topics, through its process's hub (socket/hub.py), and the
consumer's own channel kept through a failing layer.

channels' consumer assigns ``channel_receive`` and then awaits it forever; a layer that fails
(Redis down) would end the consumer and with it the page's own events. This wraps it: wait and
retry. Rejoining the topics and catching up after an outage is the hub's work.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from live_views.socket.hub import hub

logger = logging.getLogger("live_views")

JOIN_GROUPS_TIMEOUT = 1.0

if TYPE_CHECKING:
    from live_views.socket.page import LivePage


class LayerSubscriptionMixin:
    page: LivePage | None
    channel_layer: Any
    channel_name: str
    layer_down = False
    gone = False  # the socket disconnected

    if TYPE_CHECKING:

        def schedule_refresh(self) -> None: ...

    @property
    def channel_receive(self) -> Any:
        return self._receive_from_layer

    @channel_receive.setter
    def channel_receive(self, receive: Any) -> None:
        self._layer_receive = receive

    async def _receive_from_layer(self) -> dict[str, Any]:
        delay = 0.5
        while True:
            try:
                if self.layer_down:
                    # The hub rejoins and catches up; the page's own events never stopped.
                    self.layer_down = False
                message: dict[str, Any] = await self._layer_receive()
                return message
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                task = asyncio.current_task()
                if self.gone or (task is not None and task.cancelling()):
                    # The socket is gone (some layers turn our cancellation into their own
                    # error): stop, or the consumer would outlive its page and stall shutdown.
                    raise asyncio.CancelledError from exc
                self.layer_down = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

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
