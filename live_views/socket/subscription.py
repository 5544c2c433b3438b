"""The page's subscription to its topics on the channel layer, kept through a failing layer.

channels' consumer assigns ``channel_receive`` and then awaits it forever; a layer that fails
(Redis down) would end the consumer and with it the page's own events. This wraps it: wait and
retry, then rejoin the groups a restarted Redis forgot and catch up once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

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
                    await self.join_groups()
                    self.layer_down = False
                    logger.info("live_views: the channel layer is back; catching up")
                    self.schedule_refresh()
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
                if not self.layer_down:
                    logger.warning("live_views: channel layer unavailable (%s); retrying", exc)
                self.layer_down = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def join_groups(self) -> None:
        if self.page is not None and self.channel_layer is not None:
            for group in self.page.groups:
                await self.channel_layer.group_add(group, self.channel_name)

    async def join_new_groups(self) -> None:
        """The page follows more topics (a live component it mounted): join their groups."""
        try:
            await asyncio.wait_for(self.join_groups(), JOIN_GROUPS_TIMEOUT)
        except Exception as exc:
            logger.warning("live_views: could not subscribe a page (%s); will retry", exc)
            self.layer_down = True

    async def leave_groups(self, groups: list[str]) -> None:
        if not groups or self.channel_layer is None:
            return
        try:
            for group in groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            logger.debug("live_views: could not unsubscribe a closed page", exc_info=True)
