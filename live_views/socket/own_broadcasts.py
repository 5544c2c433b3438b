"""The broadcasts a page's own event published, which that event's render already shows.

Every event re-renders its page (socket/pipeline.py). A handler that saves a model the page
follows also publishes a broadcast, which reached the page too, through its process's hub
(socket/hub.py): a second ``get()`` and render after every such click, showing nothing new.

While a handler runs, what is published from its context carries the event's id
(``wire.BROADCAST_BY``: one random number per event that publishes; pubsub/origin.py). When the
event's render then reads the page's data afresh and renders the whole page, the page lets the
broadcasts of that id pass: its render, made after they were committed, shows them. One that
comes while the event is still under way waits for it to end, then passes or is heard. Every
other page, in this process or another, hears them as before, and the page still refreshes for
every other broadcast, whenever it comes.

The refresh a broadcast makes is also where a page runs its view's access checks again, with
the user as stored now (socket/page.py). So an event whose render is to show a broadcast that
reaches its page (one on a topic the page follows) runs them itself, before that render, which
reads the context they rebuilt: no second ``get()`` (socket/pipeline.py). A handler that takes
its own user's access away (a membership deleted, a permission cleared) so closes its page, or
reloads it, as that refresh would have. An event that publishes nothing the page follows checks
nothing, as before.

Only what the render is sure to show passes. The page refreshes as before for a broadcast
published once its handler returned (a task or thread it started saved), after an event that
failed, redirected or rendered less than the whole page (a component's event, ``live_target()``,
a handler that rendered itself), and for a saved row that one of its streams inserts. A save in
the transaction of the request answering the event (a project middleware's ``atomic()`` around
the socket's unit of work; ``ATOMIC_REQUESTS`` or a middleware's on the HTTP transport) commits
after the render, but the render ran inside that transaction, after the handler, and showed it:
its broadcast is tagged as the save is made, and passes (pubsub/origin.py).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Collection
from contextvars import Token
from types import TracebackType
from typing import Any, Protocol

from live_views.connect.wire import BROADCAST_BY
from live_views.pubsub import origin
from live_views.pubsub.inheritance import row_labels

# A page's event loop, its worker thread and threads of a handler's own all tag and check.
_lock = threading.Lock()
KEEP = 8  # the page's last events whose broadcasts may still be on their way


class OwnBroadcasts:
    """One page's record, made when its first event publishes."""

    __slots__ = ("held", "pending", "pending_shown", "shown")

    def __init__(self) -> None:
        self.pending: int | None = None  # the id of the event under way, once it published
        self.pending_shown = False  # its render showed what it published
        self.held: list[dict[str, Any]] = []  # its broadcasts that came before it ended
        self.shown: tuple[int, ...] = ()  # the last events whose render showed theirs


class Owner(Protocol):
    """What of a page (socket/page.py's LivePage) keeps the record."""

    own_broadcasts: OwnBroadcasts | None


class Follower(Owner, Protocol):
    """A page whose event publishes: what it follows (socket/page_topics.py)."""

    topics: list[str]


class EventPublishes:
    """What one event of ``page`` publishes while its handler runs (``with`` around the call)."""

    __slots__ = ("by", "labels", "open", "page", "reaches", "token")

    def __init__(self, page: Follower) -> None:
        self.page = page
        self.open = False
        self.by: int | None = None
        self.labels: set[str] | None = None  # the models of the rows it published
        self.reaches = False  # it published on a topic the page follows: the page hears it
        self.token: Token[Any] | None = None

    def __enter__(self) -> None:
        self.open = True
        self.token = origin.publishing_for(self)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # A task or thread the handler started keeps this context: what it publishes from
        # now on commits after the render may have read the data, so it goes untagged.
        with _lock:
            self.open = False
        if self.token is not None:
            origin.stop_publishing(self.token)
            self.token = None

    def tag(self, message: dict[str, Any], topics: Collection[str]) -> dict[str, Any]:
        with _lock:
            if not self.open:
                return message
            if not self.reaches:
                followed = self.page.topics
                self.reaches = any(topic in followed for topic in topics)
            if self.by is None:
                # Random: ids of other processes' pages must not meet this page's.
                self.by = secrets.randbits(63)
                own = self.page.own_broadcasts
                if own is None:
                    own = self.page.own_broadcasts = OwnBroadcasts()
                own.pending, own.pending_shown = self.by, False
            row = message.get("row")
            if row:
                if self.labels is None:
                    self.labels = set()
                # A stream of another model of the row's key shows it too (a stream of
                # restaurants a place's save): the whole render does not update its item.
                self.labels.update((str(row[0]), *row_labels(str(row[0]))))
        return {**message, BROADCAST_BY: self.by}

    def shown_by_whole_render(self, stream_models: Collection[str]) -> bool:
        """Whether a render that reads the data afresh (after the handler) and renders the whole
        page shows what the handler published: it does, unless that names a row of a model in
        ``stream_models``, which the page's streams insert only when a broadcast tells them.
        Read once the handler returned (nothing tags it then)."""
        return self.by is not None and not (
            self.labels and not self.labels.isdisjoint(stream_models)
        )

    def rendered_whole(self, stream_models: Collection[str]) -> None:
        """The event's render read the data afresh and rendered the whole page: what it shows
        of what the handler published (``shown_by_whole_render``) passes."""
        with _lock:
            if not self.shown_by_whole_render(stream_models):
                return
            own = self.page.own_broadcasts
            if own is not None and own.pending == self.by:
                own.pending_shown = True


def shows_already(page: Owner, message: dict[str, Any]) -> bool:
    """Whether ``message`` is one the page's own event published and its render shows. One
    of the event under way is held until it ends (``event_ended`` says whether it passes)."""
    own = page.own_broadcasts
    by = message.get(BROADCAST_BY)
    if own is None or by is None:
        return False
    with _lock:
        if by == own.pending:
            own.held.append(message)
            return True
        return by in own.shown


def event_ended(page: Owner) -> list[dict[str, Any]]:
    """The page's event is over (whatever its outcome): the broadcasts it published that came
    meanwhile and that the page must still refresh for (none when its render showed them)."""
    own = page.own_broadcasts
    if own is None:
        return []
    with _lock:
        by, own.pending = own.pending, None
        held, own.held = own.held, []
        if by is None or not own.pending_shown:
            return held
        own.shown = (*own.shown[1 - KEEP :], by)
        return [message for message in held if message.get(BROADCAST_BY) != by]
