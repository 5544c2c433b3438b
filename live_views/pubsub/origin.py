"""Which page's event a broadcast comes from.

While a live page's event handler runs, the page sets its ``Publisher`` here
(socket/own_broadcasts.py). A broadcast published from that context (a save's, when it commits;
``broadcast()``; ``abroadcast()``) carries the event's id, so that page can tell the broadcasts
its own event caused from everyone else's. Any other code (another page, a plain view, a
management command, a task) publishes no id, and every page hears its broadcasts as before.
"""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar
from typing import Any, Protocol


class Publisher(Protocol):
    def tag(self, message: dict[str, Any], topics: Collection[str]) -> dict[str, Any]:
        """``message`` (to ``topics``), with the event's id when the event may still claim
        it."""
        ...


_publisher: ContextVar[Publisher | None] = ContextVar("live_views_publisher", default=None)


def tagged(message: dict[str, Any], topics: Collection[str]) -> dict[str, Any]:
    """``message``, published to ``topics``, as the page event publishing it now (if any)
    tags it."""
    publisher = _publisher.get()
    return message if publisher is None else publisher.tag(message, topics)


def publishing_for(publisher: Publisher) -> Any:
    """Set ``publisher`` for the current context; returns the token to ``stop_publishing``."""
    return _publisher.set(publisher)


def stop_publishing(token: Any) -> None:
    _publisher.reset(token)
