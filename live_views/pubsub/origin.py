"""Which page's event a broadcast comes from.

While a live page's event handler runs, the page sets its ``Publisher`` here
(socket/own_broadcasts.py). A broadcast published from that context (a save's, when it commits;
``broadcast()``; ``abroadcast()``) carries the event's id, so that page can tell the broadcasts
its own event caused from everyone else's. Any other code (another page, a plain view, a
management command, a task) publishes no id, and every page hears its broadcasts as before.

A save's broadcast waits for its transaction to commit (pubsub/publish.py), so it is tagged when
it is published, which is while the handler runs only if the save committed by then. The
handler may run in a transaction that commits only after the event's render: a project
middleware's ``atomic()`` around the page's unit of work on its socket (socket/processing.py),
or on the HTTP transport the frame's request's (``ATOMIC_REQUESTS``, a middleware's). The render
ran inside it, after the handler, and so showed what the handler saved: a save registered while
the handler runs, to publish when that transaction commits, is tagged as it is registered
(``request_transactions``, where the view would run, says which transactions are the
request's). An async handler on a socket runs between two units of work, outside the
middleware's transaction: its saves commit at once, and are tagged when published.
"""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar
from typing import Any, Protocol

from django.db import connections


class Publisher(Protocol):
    def tag(self, message: dict[str, Any], topics: Collection[str]) -> dict[str, Any]:
        """``message`` (to ``topics``), with the event's id when the event may still claim
        it."""
        ...


_publisher: ContextVar[Publisher | None] = ContextVar("live_views_publisher", default=None)
# The connections (each thread has its own) on which the request answering a page's event (an
# HTTP frame's, or the socket's unit of work in the page's middleware) had a transaction open
# before its view ran.
_request_transactions: ContextVar[tuple[Any, ...]] = ContextVar(
    "live_views_request_transactions", default=()
)


def tagged(message: dict[str, Any], topics: Collection[str]) -> dict[str, Any]:
    """``message``, published to ``topics``, as the page event publishing it now (if any)
    tags it."""
    publisher = _publisher.get()
    return message if publisher is None else publisher.tag(message, topics)


def tagged_on_commit(
    message: dict[str, Any], topics: Collection[str], using: str
) -> dict[str, Any]:
    """``message``, to be published to ``topics`` when the transaction on ``using`` commits:
    tagged now, by the page event publishing now (if any), when that transaction is the
    request's that answers the event, which commits after the event's render. Otherwise as it
    is: ``tagged`` tags it when it is published, if that is while the handler still runs."""
    publisher = _publisher.get()
    if publisher is None:
        return message
    connection = connections[using]
    if connection.in_atomic_block and any(
        connection is open_before for open_before in _request_transactions.get()
    ):
        return publisher.tag(message, topics)
    return message


class request_transactions:
    """Around a page's event handler, where the view of the request answering the event runs:
    inside the page's middleware on a socket (socket/pipeline.py), at the start of the frame
    request's view over HTTP (http/pages.py, around an async handler too, whose saves run in
    that request's thread). The transactions open now are that request's. Nothing the view
    does can end them (an ``atomic()`` block ends inside the one around it), so they commit, or
    roll back, once the view returned, after the render."""

    # A class (named as the function it was, as contextlib.suppress is), not a generator: every
    # sync event enters one, and a generator's context manager cost 10 calls more than this.
    __slots__ = ("token",)

    def __enter__(self) -> None:
        open_now: tuple[Any, ...] = ()
        for connection in connections.all(initialized_only=True):
            if connection.in_atomic_block:
                open_now = (*open_now, connection)
        self.token = _request_transactions.set(open_now)

    def __exit__(self, *exc_info: object) -> None:
        _request_transactions.reset(self.token)


def publishing_for(publisher: Publisher) -> Any:
    """Set ``publisher`` for the current context; returns the token to ``stop_publishing``."""
    return _publisher.set(publisher)


def stop_publishing(token: Any) -> None:
    _publisher.reset(token)
