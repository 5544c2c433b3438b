"""``broadcast()``: re-render every page subscribed to some models, rows or topics."""

from __future__ import annotations

import asyncio
import logging

from django.db import DEFAULT_DB_ALIAS

from live_views.pubsub.origin import tagged
from live_views.pubsub.publish import MESSAGE, publish_after_commit, send
from live_views.pubsub.topics import Subscription, topics_of

logger = logging.getLogger("live_views")


def broadcast(*items: Subscription, using: str = DEFAULT_DB_ALIAS) -> None:
    """Re-render every page subscribed to these models, instances or topic strings.

    Inside a transaction the message leaves when it commits (and never if it rolls back).
    """
    topics = topics_of(items)
    if not topics:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        publish_after_commit(topics, using)
        return
    # Called from async code (an async handler): no transaction to wait for; send from the loop.
    task = loop.create_task(send(topics, tagged(MESSAGE, topics)))
    _pending.add(task)
    task.add_done_callback(_sent)


async def abroadcast(*items: Subscription) -> None:
    """``broadcast`` for async code; sends at once (async code has no open transaction)."""
    topics = topics_of(items)
    await send(topics, tagged(MESSAGE, topics))


_pending: set[asyncio.Task[None]] = set()  # keeps fire-and-forget sends alive until done


def _sent(task: asyncio.Task[None]) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("live_views: could not broadcast", exc_info=task.exception())
