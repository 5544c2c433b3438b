"""The page's subscription to its topics, through its process's hub (socket/hub.py). The page has
no channel of its own on the layer: the hub's reader is the process's only one, and it waits
through a failing layer, rejoins the topics and has the pages catch up.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from live_views.socket.hub import hub
from live_views.socket.page_topics import take_left_groups

logger = logging.getLogger("live_views")

JOIN_GROUPS_TIMEOUT = 1.0

if TYPE_CHECKING:
    from live_views.socket.page import LivePage


class LayerSubscriptionMixin:
    page: LivePage | None

    if TYPE_CHECKING:

        def schedule_refresh(self) -> None: ...

    async def join_groups(self) -> None:
        topics = hub()
        if self.page is not None and topics is not None:
            await topics.subscribe(self, self.page.groups)  # type: ignore[arg-type]

    async def join_groups_in_time(self) -> None:
        """Join the page's groups (on connect, and when a live component it mounted adds topics),
        and leave those its dropped components no longer need.

        Bounded: a hung layer must not delay the page. The page still works for its own events;
        broadcasts resume with the layer (the hub retries).
        """
        try:
            await asyncio.wait_for(self._join_and_leave(), JOIN_GROUPS_TIMEOUT)
        except Exception as exc:
            # A timeout's text is empty: name it. The hub joins again until it holds.
            logger.warning(
                "live_views: could not subscribe a page within %g s (%r); the hub keeps trying, "
                "and the page catches up once it has",
                JOIN_GROUPS_TIMEOUT,
                exc,
            )

    async def _join_and_leave(self) -> None:
        await self.join_groups()
        if self.page is not None:
            await self.leave_groups(take_left_groups(self.page))

    async def leave_groups(self, groups: list[str]) -> None:
        topics = hub()
        if groups and topics is not None:
            await topics.unsubscribe(self, groups)  # type: ignore[arg-type]
