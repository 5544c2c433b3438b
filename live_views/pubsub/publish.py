"""Publishing on the channel layer: after commit, bounded, never failing or delaying the save."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import DEFAULT_DB_ALIAS, models, transaction

from live_views.connect import wire
from live_views.pubsub import origin, readers
from live_views.pubsub.inheritance import Rows, key_groups, rows_written
from live_views.pubsub.sender import sender, server_loop
from live_views.pubsub.topics import (
    concrete,
    group_name,
    instance_topic,
    key_as_loaded,
    model_topic,
)

logger = logging.getLogger("live_views")

MESSAGE: dict[str, Any] = {"type": wire.BROADCAST}
# What a failed publish says it was, for the log a developer reads.
_KINDS = {
    wire.BROADCAST: "a change",
    wire.SESSION_ENDED: "the end of a session",
    wire.SESSION_CHECK: "a session check",
}


# Seconds a message may wait for a slow or hung network layer (the save never waits).
PUBLISH_TIMEOUT = 1.0
# Seconds a test or script waits for another thread's loop to put a message on its queues.
IN_MEMORY_WAIT = 10.0


def publish_after_commit(
    topics: list[str], using: str = DEFAULT_DB_ALIAS, message: dict[str, Any] = MESSAGE
) -> None:
    """Publish when the transaction on ``using`` commits (at once outside one)."""
    if message["type"] == wire.BROADCAST:
        # A page's event saving inside the transaction of the request that answers it claims
        # it now: it commits after the event's render (pubsub/origin.py).
        message = origin.tagged_on_commit(message, topics, using)
    transaction.on_commit(lambda: publish(topics, message), using=using)


def publish(topics: Iterable[str], message: dict[str, Any] = MESSAGE) -> None:
    """Hand the message to a background sender and return at once (pubsub/sender.py). A layer
    that is down or too slow is logged, never raised, never waited for: the save stands."""
    topics = list(topics)
    if message["type"] == wire.BROADCAST:
        # Called when the save commits: a page's event claims it only if that is while its
        # handler runs (socket/own_broadcasts.py), or if it did as the save was made
        # (publish_after_commit).
        message = origin.tagged(message, topics)
    kind = _KINDS.get(message["type"], message["type"])
    what = f"{kind} to the pages that follow {', '.join(topics)} (they will not hear of it)"
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        here = server_loop()
        # The loop the background sender would send from: the server's, or the background
        # one while HTTP pages follow their topics there (a WSGI server's, a test's).
        sending = here or (sender.loop if sender.hosts_pages else None)
        # Outside the server's worker thread (a test, a script) the in-memory layer is sent
        # to from here, each channel on the loop that reads it (pubsub/readers.py). It never
        # hangs, so waiting for it costs nothing. So it is too when a loop other than the
        # sender's reads a channel (a sync test client's page): in a worker thread, where a
        # page's handler broadcasts, or while HTTP pages are hosted, a put from the sender's
        # loop would not wake that one. A worker thread does not wait for it, as a save on the
        # server's own loop does not.
        by_loop = _by_reader(layer, topics)
        if sending is None or any(loop not in (None, sending) for loop in by_loop):
            try:
                _send_in_memory(layer, by_loop, topics, message, what, wait=here is None)
            except Exception:
                logger.warning("live_views: could not broadcast %s", what, exc_info=True)
            return
    sender.submit(lambda: _send_bounded(topics, message), what)


ByReader = dict[asyncio.AbstractEventLoop | None, list[tuple[str, str]]]


def _by_reader(layer: InMemoryChannelLayer, topics: list[str]) -> ByReader:
    """The (channel, group) pairs of the topics' groups, by the loop that reads each channel
    (None: no loop of ours)."""
    by_loop: ByReader = {}
    for topic in topics:
        group = group_name(topic)
        for channel in list(layer.groups.get(group, ())):
            by_loop.setdefault(readers.reader_of(channel), []).append((channel, group))
    return by_loop


def _send_in_memory(
    layer: InMemoryChannelLayer,
    by_loop: ByReader,
    topics: list[str],
    message: dict[str, Any],
    what: str,
    *,
    wait: bool,
) -> None:
    """``send``, run on the loop that reads the groups' channels (pubsub/readers.py); ``wait``
    for it, or only start it."""
    loops = [loop for loop in by_loop if loop is not None]
    if len(loops) <= 1:  # the usual case: one loop, or none, reads all of them
        _run_on(loops[0] if loops else None, lambda: _send_bounded(topics, message), what, wait)
        return
    # Pages of several loops (two sync test clients open at once): each channel on its own.
    for loop, sends in by_loop.items():
        _run_on(loop, functools.partial(_put, layer, sends, message), what, wait)


def _run_on(
    loop: asyncio.AbstractEventLoop | None, work: readers.Send, what: str, wait: bool
) -> None:
    hold = readers.holder_of(loop) if loop is not None else None
    if hold is not None:  # a sync test client's: sent when the test next talks to its pages
        hold(functools.partial(_logged, work, what))
    elif loop is None:
        if wait:  # a channel nobody of ours reads: the put wakes no loop
            async_to_sync(_awaited)(work)
        else:
            sender.submit(work, what)
    # A loop of this very thread would wait for itself: async_to_sync refuses that with an
    # error, as it always has.
    elif _runs_here(loop):
        async_to_sync(_awaited)(work)
    elif wait:
        # Bounded: a loop that stops before it runs the send would hold the caller for good.
        asyncio.run_coroutine_threadsafe(_awaited(work), loop).result(IN_MEMORY_WAIT)
    else:
        sender.submit(work, what, loop)


async def _awaited(work: readers.Send) -> None:
    await work()


async def _logged(work: readers.Send, what: str) -> None:
    try:
        await work()
    except Exception:
        logger.warning("live_views: could not broadcast %s", what, exc_info=True)


def _runs_here(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


async def _put(
    layer: InMemoryChannelLayer, sends: list[tuple[str, str]], message: dict[str, Any]
) -> None:
    """``message`` to each (channel, group) of ``sends``, as ``send`` addresses it."""
    for channel, group in sends:
        with contextlib.suppress(ChannelFull):  # as group_send: a full channel misses it
            await layer.send(channel, addressed(message, group))


async def _send_bounded(topics: list[str], message: dict[str, Any]) -> None:
    await asyncio.wait_for(send(topics, message), _bound(get_channel_layer()))


def _bound(layer: Any) -> float | None:
    """Seconds a send may take, or None for no bound. channels' own in-memory layer only puts
    the message on this process's queues: it cannot hang, it can only wait for a busy event
    loop. Bounding it timed out under load (100 saves a second to 10,000 pages) and logged
    "could not broadcast" for messages that were delivered anyway. A subclass may do more, so
    it keeps the bound."""
    return None if type(layer) is InMemoryChannelLayer else PUBLISH_TIMEOUT


async def send(topics: list[str], message: dict[str, Any] = MESSAGE) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for topic in topics:
        group = group_name(topic)
        to_group = addressed(message, group)
        try:
            await layer.group_send(group, to_group)
        except Exception:  # redis' ConnectionError is not the builtin one
            # A pooled connection to a Redis that restarted fails once; a fresh one works.
            # Sending twice is harmless: refreshes coalesce, session messages are idempotent.
            await layer.group_send(group, to_group)


def addressed(message: dict[str, Any], group: str) -> dict[str, Any]:
    """The group travels with the message: each process's hub follows a topic once and hands
    the message to its own pages of that group (socket/hub.py)."""
    return {**message, "group": group}


def instance_rows(instance: models.Model, using: str, action: str = "u") -> list[Rows]:
    """The rows a save (``action`` "c" or "u") or a delete ("d") of ``instance`` writes: its
    own, its parents' and their children's by multi-table inheritance
    (pubsub/inheritance.py)."""
    return rows_written(type(instance), lambda attname: [getattr(instance, attname)], using, action)


def row_messages(written: list[Rows], action: str) -> list[dict[str, Any]]:
    """Broadcasts that name their row, so pages that stream the model send just that row:
    ``action`` is "c" (created), "u" (updated) or "d" (deleted). One per key the save wrote:
    a row is named by a model of its key (a stream of another model of that key reads it too,
    socket/changed_rows.py), and a second parent's row has a key of its own."""
    messages = []
    for rows in written:
        model = rows.models[0]
        for key in rows.keys:
            # Spelled as the pages' streams spell the keys of the rows they loaded.
            pk = key_as_loaded(model._meta.pk, key)
            messages.append({**MESSAGE, "row": [model._meta.label_lower, str(pk), action]})
    return messages


def model_change_topics(instance: models.Model, written: list[Rows] | None = None) -> list[str]:
    """The model, the row, every row it points to by foreign key (a parent hears its
    children change), and the rows ``written`` with it by multi-table inheritance (by default
    those an update writes), with their models: the parents' pages list the row too, and the
    pages of a model that inherits a saved parent row show its columns (a place's save renames
    the restaurant with its key, if there is one: told without a query to find out; a book's
    save the review that has it as a second parent, found by its link column)."""
    using = instance._state.db or DEFAULT_DB_ALIAS
    if written is None:
        written = instance_rows(instance, using)
    topics = written_topics(written)
    for field in parent_fields(type(instance)):
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        if not field.target_field.primary_key and field.is_cached(instance):
            parent = field.get_cached_value(instance)
            topics += [] if parent is None else [instance_topic(field.related_model, parent.pk)]
        else:
            topics += parent_topics(field, [value], using)
    return list(dict.fromkeys(topics))


def written_topics(written: Iterable[Rows]) -> list[str]:
    return [
        topic
        for rows in written
        for model in rows.models
        for topic in [model_topic(model), *(instance_topic(model, key) for key in rows.keys)]
    ]


@functools.cache
def parent_fields(model: type[models.Model]) -> tuple[Any, ...]:
    """The foreign keys (and one-to-one keys) of ``model``: the rows a row points to. Read on
    every save of every broadcast model, and fixed once the model's relations are resolved
    (before any save): kept per model class."""
    return tuple(
        field
        for field in concrete(model)._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and field.related_model is not None
    )


def parent_topics(field: Any, values: Iterable[Any], using: str) -> list[str]:
    """The topics of the parent rows that ``field`` holds ``values`` of. A key made with
    ``to_field=`` holds another column than the parent's pk, which its page follows: looked up."""
    related = concrete(field.related_model)
    values = [value for value in values if value is not None]
    if not field.target_field.primary_key and values:
        lookup = {f"{field.target_field.attname}__in": values}
        values = list(
            related._base_manager.using(using).filter(**lookup).values_list("pk", flat=True)
        )
    return [instance_topic(related, value) for value in values]


def rows_topics(model: type[models.Model], pks: Iterable[Any], using: str) -> list[str]:
    """The rows ``pks`` of ``model`` with the rows they point to and those written with them
    (one query, when the model has foreign keys or a second parent): what one of them changing
    tells, as ``model_change_topics`` does for one."""
    pks = list(pks)
    if not pks:
        return []
    model = concrete(model)
    fields = parent_fields(model)
    # The keys of its second parents' rows (often links among its foreign keys: read once).
    seconds = [group.attname for group in key_groups(model)[1:]]
    read = list(dict.fromkeys([*seconds, *(field.attname for field in fields)]))
    columns: dict[str, list[Any]] = {}
    if read:
        found = list(model._base_manager.using(using).filter(pk__in=pks).values_list(*read))
        columns = {name: [row[i] for row in found] for i, name in enumerate(read)}
    columns[model._meta.pk.attname] = pks
    topics = written_topics(rows_written(model, lambda name: columns.get(name, []), using))
    for field in fields:
        topics += parent_topics(field, set(columns.get(field.attname, [])), using)
    return list(dict.fromkeys(topics))
