"""A stream's operations (live_views/streams.py), and how they edit its content before that
content is first rendered: in turn, as if on the whole content, but reading no more of it than
the render shows. A stream of 100,000 rows with ``limit=50`` reads its first 50 rows, plus one
per delete queued (each may pull the next row into view), never the rest; with ``limit=-50``,
its last 50 rows and one per delete.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

KeyOf = Callable[[Any], object]
# Keys looked up in one query: SQLite refuses more than 999 parameters before 3.32.
_LOOKUP_BATCH = 500


@dataclass(frozen=True)
class Insert:
    item: Any
    at: int  # 0: at the start, -1: at the end
    after: object | None = None  # the key of the item to follow, instead of ``at``
    only_update: bool = False  # a changed row: morph it where the browser shows it, else nothing


@dataclass(frozen=True)
class Delete:
    key: object


Operation = Insert | Delete


def queue_folded(ops: list[Operation], op: Operation, key_of: KeyOf) -> None:
    """Append ``op`` to ``ops``, folded into the last operation on its key when both insert (the
    content ends the same): a stream not rendered yet (in a hidden tab, say) holds one operation
    for a row that broadcasts keep updating, not one per save."""
    if isinstance(op, Insert):
        key = key_of(op.item)
        for index in range(len(ops) - 1, -1, -1):
            earlier = ops[index]
            if _key(earlier, key_of) != key:
                continue
            if isinstance(earlier, Insert):
                if not earlier.only_update:
                    # Inserted where the first insert put it, as the last one has it.
                    ops[index] = replace(earlier, item=op.item)
                    return
                # It updated an item the later insert finds too (or it found none): moot.
                del ops[index]
            break
    ops.append(op)


def edited(
    fill: Iterable[Any], ops: list[Operation], limit: int | None, key_of: KeyOf, key: object
) -> list[Any]:
    """``fill`` with ``ops`` applied in turn, as far as a render within ``limit`` shows it (``key``:
    the stream's key, a field name that looks rows up in the queryset ``fill``)."""
    if not limit:
        return _applied(list(fill), ops, key_of, [])  # rendered whole
    # Each delete pulls at most one item into the first ``limit``; an item after these stays
    # after the first ``limit`` whatever the operations do (and, for the last ``-limit``, an
    # item before the last ones stays before them).
    count = abs(limit) + sum(isinstance(op, Delete) for op in ops)
    if limit < 0:
        return _edited_tail(fill, ops, count, key_of, key)
    if isinstance(fill, models.QuerySet):
        head = list(fill[:count])  # cut in SQL
        rest: Iterable[Any] = fill[count:]
    else:
        rest = iter(fill)
        head = list(itertools.islice(rest, count))
    if len(head) < count:
        return _applied(head, ops, key_of, [])  # the whole content
    named = _named_after(head, ops, key_of)
    beyond = _looked_up(fill, key, named) if named else []
    if beyond is None:  # the keys of all the rest, then, as if the content were read whole
        if isinstance(rest, models.QuerySet):
            rest = rest.iterator(chunk_size=2000)  # not kept: only the keys are
        beyond = [key_of(item) for item in rest]
    return _applied(head, ops, key_of, beyond)


def _edited_tail(
    fill: Iterable[Any], ops: list[Operation], count: int, key_of: KeyOf, key: object
) -> list[Any]:
    """``edited`` for a render that shows the last items: of a queryset it reads the last
    ``count`` rows, as render/stream.py's ``within_limit`` does, not its whole; of anything
    else, the whole, to its end."""
    if not isinstance(fill, models.QuerySet):
        return _applied(list(fill), ops, key_of, [])
    tail, offset = _last_rows_at(fill, count)
    if len(tail) < count:
        return _applied(tail, ops, key_of, [])  # the whole content
    named = _named_after(tail, ops, key_of)
    before = _looked_up(fill, key, named) if named else []
    if before is None:  # the keys of all the rest, then, as if the content were read whole
        before = [key_of(item) for item in _rows_before(fill, count, offset)]
    # An insert at the start goes before the last ones, out of view: no need to tell it apart.
    return _applied(tail, ops, key_of, before)


def last_rows(rows: models.QuerySet[Any], count: int) -> list[Any]:
    """The last ``count`` of ``rows``, in their order, cut in SQL: an ordered queryset is read in
    reverse; another one (unordered: the database's order, or sliced) is counted first, then
    read from its offset, so its rows before the last ones never reach Python."""
    return _last_rows_at(rows, count)[0]


def _last_rows_at(rows: models.QuerySet[Any], count: int) -> tuple[list[Any], int | None]:
    """``last_rows``, with the offset it read them from when it counted the rows (else None)."""
    if _reversible(rows):
        return list(rows.reverse()[:count])[::-1], None
    offset = max(0, rows.count() - count)
    # A row deleted between the two queries shows one row fewer; one added, no more.
    return list(rows[offset:])[-count:], offset


def _rows_before(rows: models.QuerySet[Any], count: int, offset: int | None) -> Iterator[Any]:
    """The rows of ``rows`` before its last ``count`` (``offset``: their number, as counted
    for them), read in chunks (only their keys are kept)."""
    if offset is None:
        return rows.reverse()[count:].iterator(chunk_size=2000)
    return rows[:offset].iterator(chunk_size=2000)


def _reversible(rows: models.QuerySet[Any]) -> bool:
    """Whether SQL reads ``rows`` backwards: ordered, and not sliced (a slice's end is not the
    queryset's, and ``reverse()`` refuses it)."""
    return rows.ordered and not rows.query.is_sliced


def _applied(
    items: list[Any], ops: list[Operation], key_of: KeyOf, beyond: list[object]
) -> list[Any]:
    """``items`` edited by ``ops``; ``beyond``: the keys of items after them (or before them,
    when they are the last ones) that an operation names, where an insert updates an item, or
    follows it, out of view."""
    keys = [key_of(item) for item in items]
    for op in ops:
        key = _key(op, key_of)
        if key in keys:
            index = keys.index(key)
            if isinstance(op, Delete):
                del items[index], keys[index]
            else:
                items[index] = op.item
        elif key in beyond:
            if isinstance(op, Delete):
                beyond.remove(key)
        elif isinstance(op, Insert) and not op.only_update:
            if op.after is not None and op.after in keys:
                index = keys.index(op.after) + 1
            elif op.after is not None and op.after in beyond:
                beyond.append(key)
                continue
            else:
                index = 0 if op.at == 0 else len(items)
            items.insert(index, op.item)
            keys.insert(index, key)
    return items


def _named_after(head: list[Any], ops: list[Operation], key_of: KeyOf) -> list[object]:
    """The keys that inserts name (their own, and the ones they follow) not in ``head``: each
    may be an item after it, which an insert updates, or follows, out of view."""
    known = [key_of(item) for item in head]
    named: list[object] = []
    for op in ops:
        if isinstance(op, Insert) and not op.only_update:
            for key in (key_of(op.item), op.after):
                if key is not None and key not in known and key not in named:
                    named.append(key)
    return named


def _looked_up(fill: Iterable[Any], key: object, keys: list[object]) -> list[object] | None:
    """Which of ``keys`` the queryset ``fill`` holds, or None when it cannot say in a query (not
    a queryset, a key that is no field, a sliced or combined queryset, a key the field cannot
    hold)."""
    if not isinstance(fill, models.QuerySet) or not isinstance(key, str):
        return None
    if fill.query.is_sliced or fill.query.combinator:
        return None
    if key != "pk":
        try:
            field = fill.model._meta.get_field(key)
        except FieldDoesNotExist:
            return None
        if not field.concrete or getattr(field, "attname", None) != key:
            return None  # a relation's item key is a row, its column a primary key
    found: list[object] = []
    try:
        for start in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[start : start + _LOOKUP_BATCH]
            found += fill.filter(**{f"{key}__in": batch}).values_list(key, flat=True)
    except (ValueError, TypeError, ValidationError):
        return None
    return found


def _key(op: Operation, key_of: KeyOf) -> object:
    return op.key if isinstance(op, Delete) else key_of(op.item)
