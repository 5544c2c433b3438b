"""Streams: long or growing lists (a chat, a feed, a log, a table of 100,000 rows) that the page
does not keep.

A view declares a stream with ``live_stream(name, items)`` and ``{% live_stream %}`` renders it.
The items are rendered once, into the page, and then forgotten: the server keeps the stream's
name, its settings and a lazy queryset to re-read changed rows from, never the items. Later
``live_stream_insert()`` / ``live_stream_delete()`` calls queue one operation each, which the next
render sends as one out-of-band swap per item, whatever the stream's length; the browser applies
``limit``. On content not rendered yet (declared, or reset) they wait for its render, which applies
them reading no more of a queryset than ``limit`` shows (stream_ops.py). ``PageStreams`` lives on
``view.live_runtime.streams``; render/stream.py renders it. A live component has streams of its
own, on its own runtime, with the same methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from uuid import UUID

from django.db import models

from live_views.stream_ops import Delete, Insert, Operation, edited, queue_folded

KeySpec = str | Callable[[Any], object]
# A broadcast row: (model label, primary key as text, "c"reated / "u"pdated / "d"eleted).
Row = tuple[str, str, str]
ROW_ACTIONS = ("c", "u", "d")
_MISSING = object()  # an item without the stream's key attribute (None is a key not set yet)


class Unrendered(NamedTuple):
    """A stream's content not rendered yet, before a handler ran."""

    fill: Iterable[Any] | None
    reset: bool
    fill_ops: tuple[Operation, ...]


StreamsBefore = Mapping[str, Unrendered]


@dataclass
class Stream:
    name: str
    key: KeySpec = "pk"
    at: int = -1
    limit: int | None = None
    # A lazy queryset (never evaluated here) that a broadcast re-reads its changed rows from.
    source: models.QuerySet[Any] | None = None
    declared: models.QuerySet[Any] | None = None  # as given (sliced, say): what a reset shows
    fill: Iterable[Any] | None = None  # the stream's whole content, at its next render
    # The operations on that content, which its render applies (stream_ops.edited): applied
    # at once, the first insert would read the whole of a queryset whose limit shows 50 rows.
    fill_ops: list[Operation] = field(default_factory=list)
    reset: bool = False  # the fill replaces what the browser shows, whatever its version
    ops: list[Operation] = field(default_factory=list)
    version: str = ""  # of the last fill the browser was sent
    rendered: bool = False  # by the render under way (render/stream.py)
    # The last whole render wrote no container (an {% if %} around it was false): the browser
    # dropped the items with it, so the stream is filled again from its next declaration.
    hidden: bool = False

    def hide(self) -> None:
        """The browser holds none of the items it was sent (or none this page knows of): the
        stream is filled again from its next declaration."""
        self.hidden, self.ops = True, []

    def key_of(self, item: Any) -> object:
        if callable(self.key):
            key = self.key(item)
        elif isinstance(item, dict):
            key = item.get(self.key, _MISSING)
        else:
            key = getattr(item, self.key, _MISSING)
        if key is _MISSING:
            # A bare KeyError: 'pk' from a list of dicts keyed "id" says nothing of key=.
            what = "key" if isinstance(item, dict) else "attribute"
            default = " ('pk' unless live_stream() is given key=)" if self.key == "pk" else ""
            raise ValueError(
                f"stream {self.name!r}: {item!r} has no {self.key!r} {what}, which the stream "
                f"keys its items by{default}. Give every item one, or name the key they have: "
                f"live_stream({self.name!r}, items, key=...) (an attribute, a dict key, or a "
                "function of the item)."
            )
        if key is None:
            # Its element would take the container's id (render/stream.py): inserts would go
            # into it too, and deleting it would delete the stream.
            what = "key" if callable(self.key) else repr(self.key)
            raise ValueError(
                f"stream {self.name!r}: {item!r} has no key (its {what} is None: a row not "
                "saved yet?). Every item needs one."
            )
        return key

    def take(self) -> tuple[Iterable[Any] | None, list[Operation], bool]:
        """What the next render sends; the stream keeps none of it."""
        fill = self.fill
        if fill is not None and self.fill_ops:
            fill = edited(fill, self.fill_ops, self.limit, self.key_of, self.key)
        taken = (fill, self._merged(self.ops), self.reset)
        self.fill, self.fill_ops, self.ops, self.reset = None, [], [], False
        return taken

    def refill(self, items: Iterable[Any]) -> None:
        """Replace what the browser shows with ``items``: what was queued goes with it."""
        self.fill, self.reset, self.ops, self.fill_ops = _unevaluated(items), True, [], []

    def _merged(self, ops: list[Operation]) -> list[Operation]:
        """``ops`` with the operations on one key that the browser cannot apply in turn folded
        together: htmx finds each swap's target, and the glue which inserts update a shown
        item, before any swap runs. So two inserts of a new key in one frame would show it
        twice, and a delete of an item inserted in that frame would find nothing to delete."""
        if len(ops) < 2:
            return ops
        merged: list[Operation | None] = []
        last: dict[str, int] = {}  # an item's DOM identity (its key as text) -> its last op
        for op in ops:
            key = str(op.key if isinstance(op, Delete) else self.key_of(op.item))
            index = last.get(key)
            earlier = None if index is None else merged[index]
            if index is not None and isinstance(earlier, Insert):
                if isinstance(op, Insert) and not earlier.only_update:
                    # Inserted where the first insert said, as the last one has it.
                    merged[index] = replace(earlier, item=op.item)
                    continue
                # Deleted, or inserted wholly: what the earlier insert did is moot.
                merged[index] = None
            last[key] = len(merged)
            merged.append(op)
        return [op for op in merged if op is not None]

    def queue(self, op: Operation) -> None:
        if self.hidden:
            return  # shown again, it is rendered whole from what get() declares then
        if self.fill is None:
            self.ops.append(op)
        else:  # not rendered yet: the operation edits the content the first render writes
            queue_folded(self.fill_ops, op, self.key_of)


# The streams of every page that has none: one empty mapping for the process, not a dict per page.
_NO_STREAMS: Mapping[str, Stream] = MappingProxyType({})
_NO_STREAMS_BEFORE: StreamsBefore = MappingProxyType({})


class PageStreams:
    """A page's streams by name, and the operations not yet sent."""

    # Rows changed in one broadcast burst beyond which a stream is re-read whole.
    MAX_ROWS = 500
    __slots__ = ("streams",)  # one per open page (docs/benchmarks.md, memory)

    def __init__(self) -> None:
        # A dict of its own once the page declares a stream (most pages never do).
        self.streams: Mapping[str, Stream] = _NO_STREAMS

    def get(self, name: str) -> Stream | None:
        return self.streams.get(name)

    def named(self, name: str) -> Stream:
        stream = self.streams.get(name)
        if stream is None:
            raise KeyError(
                f"No stream named {name!r} on this page; declare it first with "
                f"self.live_stream({name!r}, items)."
            )
        return stream

    @property
    def pending(self) -> bool:
        # A hidden stream's fill waits for the block that shows it again, which renders anyway.
        return any((s.fill is not None or s.ops) and not s.hidden for s in self.streams.values())

    def declare(
        self, name: str, items: Iterable[Any], key: KeySpec, at: int, limit: int | None
    ) -> Stream:
        stream = self.streams.get(name)
        if stream is None:
            streams = self.streams if isinstance(self.streams, dict) else {}
            stream = streams[name] = Stream(name, fill=_unevaluated(items))
            self.streams = streams
        # Declared again (get() runs before every render): the browser keeps what it shows.
        stream.key, stream.at, stream.limit = key, at, limit
        if stream.hidden:  # ...unless it shows none: the latest content, should it show again
            stream.refill(items)
        if isinstance(items, models.QuerySet):
            # A broadcast row is looked up by the stream's filters, not its page: a slice
            # (the first 50 of an infinite scroll) would refuse the lookup.
            stream.source, stream.declared = items.all(), items.all()
            stream.source.query.clear_limits()
        return stream

    def rendered(self, *, whole: bool) -> None:
        """A render ended; ``whole``: it rendered every block, so a stream whose container it
        did not write is not on the page any more (one never rendered keeps its first fill,
        and the inserts into it, for when it shows)."""
        for stream in self.streams.values():
            if whole and not stream.rendered and stream.fill is None:
                stream.hide()
            stream.rendered = False

    def forget_shown(self) -> None:
        """The browser shows what another copy of the page sent it (socket/holder.py), which
        this one never saw: each stream rendered here is filled again from its next
        declaration, as one the page stopped showing is, and sent whole."""
        for stream in self.streams.values():
            if stream.fill is None:
                stream.hide()

    def before_event(self) -> StreamsBefore:
        """What each stream will render before a handler runs, for ``forget_pending()``."""
        if not self.streams:
            return _NO_STREAMS_BEFORE  # most pages: nothing made on each event
        return {
            name: Unrendered(stream.fill, stream.reset, tuple(stream.fill_ops))
            for name, stream in self.streams.items()
        }

    def forget_pending(self, before: StreamsBefore | None = None) -> None:
        """A handler failed: its operations are dropped with it, and so is a reset (or an
        insert into content not rendered yet) it made: each stream is as ``before`` it ran."""
        for name, stream in self.streams.items():
            stream.ops = []
            if before is not None and name in before:
                stream.fill, stream.reset, fill_ops = before[name]
                stream.fill_ops = list(fill_ops)

    def source_models(self) -> frozenset[str]:
        """The labels of the models whose broadcast rows these streams insert."""
        return frozenset(
            s.source.model._meta.label_lower for s in self.streams.values() if s.source is not None
        )

    def rows_changed(self, rows: Iterable[Row], *, overflow: bool = False) -> None:
        """Saved or deleted rows (from broadcasts): each stream whose queryset holds rows of
        that model inserts, updates or deletes just those rows, re-read through the page's own
        queryset (so with its own filters and user)."""
        by_label: dict[str, list[tuple[str, str]]] = {}
        for label, pk, action in rows:
            by_label.setdefault(label, []).append((pk, action))
        for stream in self.streams.values():
            source = stream.source
            if source is None:
                continue
            changed = by_label.get(source.model._meta.label_lower)
            if overflow and stream.declared is not None:
                stream.refill(stream.declared)
            elif changed:
                apply_rows(stream, source, changed)


def apply_rows(
    stream: Stream, source: models.QuerySet[Any], changed: list[tuple[str, str]]
) -> None:
    found = {str(row.pk): row for row in source.filter(pk__in=[pk for pk, _ in changed])}
    for pk, action in changed:
        row = found.get(pk)
        if row is not None:
            stream.queue(Insert(row, stream.at, only_update=action != "c"))
        elif action != "c" and stream.key in ("pk", "id"):
            # Deleted, or no longer in this page's queryset: gone from the page.
            stream.queue(Delete(_pk_value(source, pk)))


def _pk_value(source: models.QuerySet[Any], pk: str) -> object:
    try:
        return source.model._meta.pk.to_python(pk)
    except Exception:
        return pk


def _unevaluated(items: Iterable[Any]) -> Iterable[Any]:
    # A queryset the view also shows (or evaluated) would hold its rows: render from a clone.
    return items.all() if isinstance(items, models.QuerySet) else items


class _Runtime(Protocol):
    streams: PageStreams


class LiveStreamsMixin:
    """The stream methods of a live view (mixed into ``LiveViewMixin``)."""

    if TYPE_CHECKING:

        @property
        def live_runtime(self) -> _Runtime: ...

    def live_stream(
        self,
        name: str,
        items: Iterable[Any],
        *,
        key: KeySpec = "pk",
        at: int = -1,
        limit: int | None = None,
    ) -> None:
        """Declare the stream ``name``, rendered by ``{% live_stream name %}``. The first call
        on a page gives its content; later calls (``get()`` runs before every render) keep what
        the browser shows. ``key`` names each item's key attribute (or is a function of the
        item); ``at`` is where inserts go (0 start, -1 end); ``limit=N`` keeps the first N items
        in the browser, ``limit=-N`` the last N."""
        _check_position(at)
        self.live_runtime.streams.declare(name, items, key, at, limit)

    def live_stream_insert(
        self, name: str, item: Any, *, at: int | None = None, after: object | None = None
    ) -> None:
        """Insert ``item`` (or update it in place where the browser shows an item with its
        key), at the start (``at=0``), the end (``at=-1``) or after the item whose key is
        ``after``. Only this item is sent."""
        stream = self.live_runtime.streams.named(name)
        if at is not None:
            _check_position(at)
        stream.key_of(item)  # an item without a key fails the handler, here
        stream.queue(Insert(item, stream.at if at is None else at, after))

    def live_stream_delete(self, name: str, item: Any) -> None:
        """Remove ``item`` (an item, or its key) from the browser."""
        stream = self.live_runtime.streams.named(name)
        key = item if isinstance(item, str | int | UUID) else stream.key_of(item)
        stream.queue(Delete(key))

    def live_stream_reset(self, name: str, items: Iterable[Any]) -> None:
        """Replace the whole stream with ``items`` (a new search, say)."""
        stream = self.live_runtime.streams.named(name)
        stream.refill(items)


def _check_position(at: int) -> None:
    if at not in (0, -1):
        raise ValueError(f"at={at!r}: a stream inserts at the start (0) or the end (-1).")
