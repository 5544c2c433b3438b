"""One subscription per process: the hub joins each topic's group once on the channel layer and
hands every message to the pages of this process that follow that topic.

Before it, every page was a member of its topics' groups, so one broadcast to a topic that a
thousand pages show cost a thousand channel-layer messages (a thousand Redis writes and reads).
Now it costs one per process, as Phoenix.PubSub does per node; the hub fans out in memory.

A message names its group (``publish.send`` adds it), and only messages of a group this process
follows, of a type a page answers, reach the pages. The hub also keeps the process subscribed
through a failing layer: it retries, then joins its groups again (a restarted Redis forgot them)
and asks every page to catch up once. Groups expire on the layer (``group_expiry``, a day by
default), so the hub joins them again every ``REJOIN_EVERY`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable
from typing import Any, Protocol

from channels.layers import get_channel_layer

from live_views.connect import wire
from live_views.pubsub import readers
from live_views.socket.batch import broadcast_arrived
from live_views.socket.pacing import Pacer

logger = logging.getLogger("live_views")

# The layer messages a page answers, and the consumer method that answers each.
HANDLERS = {
    wire.BROADCAST: "live_broadcast",
    wire.SESSION_ENDED: "live_session_ended",
    wire.SESSION_CHECK: "live_session_check",
}
REJOIN_EVERY = 3600.0
RETRY_FIRST = 0.5
RETRY_MAX = 10.0


class Backoff:
    """The wait before trying a failing layer again: half a second, doubled on each try up to
    ``RETRY_MAX``, so a layer down for long is not hammered, and one back soon is soon used."""

    def __init__(self) -> None:
        self.delay = RETRY_FIRST

    async def pause(self) -> None:
        await asyncio.sleep(self.delay)
        self.delay = min(self.delay * 2, RETRY_MAX)

    def reset(self) -> None:
        self.delay = RETRY_FIRST


class Subscriber(Protocol):
    async def live_broadcast(self, message: dict[str, Any]) -> None: ...
    async def live_session_ended(self, message: dict[str, Any]) -> None: ...
    async def live_session_check(self, message: dict[str, Any]) -> None: ...
    def schedule_refresh(self) -> None: ...


class TopicHub:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, set[Subscriber]] = {}
        self.channel: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.joined_at = 0.0
        self.pending: dict[str, list[dict[str, Any]]] = {}  # broadcasts waiting for delivery
        self.delivering: set[str] = set()  # groups whose pages are being told now
        # Followed, and not joined on the layer yet: a join that failed or ran out of time
        # (the page's join is bounded, socket/subscription.py) is tried again until it holds.
        self.unjoined: set[str] = set()
        self.retrying: asyncio.Task[None] | None = None

    async def subscribe(self, subscriber: Subscriber, groups: Iterable[str]) -> None:
        """Follow ``groups`` for ``subscriber``; the first follower of a group joins it."""
        late = set(self.unjoined)  # left by an earlier page's join
        for group in groups:
            followers = self.members.setdefault(group, set())
            if not followers:
                self.unjoined.add(group)
            followers.add(subscriber)
        try:
            joined = await self._join_unjoined()
            self._catch_up_late([group for group in joined if group in late], subscriber)
        finally:
            # Failed, or cancelled by the page's time limit: its later pages would not join
            # again (the group has followers), so the hub does, and they catch up then.
            if self.unjoined and (self.retrying is None or self.retrying.done()):
                self.retrying = asyncio.create_task(self._retry(), name="live_views hub join")

    async def _join_unjoined(self) -> list[str]:
        if self.channel is None:
            # The default prefix: channels-redis reads all of a process's channels through one
            # receive loop on that prefix; a channel of another prefix would never be read.
            self.channel = await self.layer.new_channel()
            readers.reading(self.channel)
            self.joined_at = asyncio.get_running_loop().time()
        if self.reader is None or self.reader.done():
            self.reader = asyncio.create_task(self._read(), name="live_views hub")
        joined = []
        for group in list(self.unjoined):
            if group in self.members:
                await self.layer.group_add(group, self.channel)
                joined.append(group)
            self.unjoined.discard(group)
        return joined

    async def _retry(self) -> None:
        backoff = Backoff()
        while self.unjoined and self.members:
            await backoff.pause()
            try:
                joined = await self._join_unjoined()
            except Exception as exc:
                logger.debug("live_views: joining %s failed again (%r)", self.unjoined, exc)
                continue
            backoff.reset()
            self._catch_up_late(joined)

    def _catch_up_late(self, groups: list[str], rendered: Subscriber | None = None) -> None:
        """``groups`` were joined late: their pages (but ``rendered``, which just rendered)
        missed what was broadcast meanwhile, and each refreshes once."""
        if not groups:
            return
        logger.info("live_views: joined %s late; its pages catch up", ", ".join(groups))
        pages = {page for group in groups for page in self.members.get(group, ())}
        pages.discard(rendered)
        broadcast_arrived()
        for page in pages:
            page.schedule_refresh()

    async def unsubscribe(self, subscriber: Subscriber, groups: Iterable[str]) -> None:
        """Stop following; the last follower of a group leaves it."""
        for group in groups:
            followers = self.members.get(group)
            if followers is None:
                continue
            followers.discard(subscriber)
            if not followers:
                del self.members[group]
                try:
                    await self.layer.group_discard(group, self.channel)
                except Exception:
                    logger.debug("live_views: could not leave %s", group, exc_info=True)
        if not self.members and self.reader is not None:
            # Nobody left to hear: stop reading (a page that subscribes again starts it anew).
            self.reader.cancel()
            self.reader = None

    def followers(self, group: str) -> int:
        return len(self.members.get(group, ()))

    async def _read(self) -> None:
        backoff = Backoff()
        down = False
        while self.members:
            try:
                if down or self._due_for_rejoin():
                    await self._rejoin()
                    if down:
                        logger.info("live_views: the channel layer is back; catching up")
                        self._catch_up()
                    down = False
                    backoff.reset()
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not down:
                    logger.warning(
                        "live_views: channel layer unavailable (%s); retrying%s", exc, _hint(exc)
                    )
                down = True
                await backoff.pause()
                continue
            await self._deliver(message)

    async def _deliver(self, message: Any) -> None:
        if not isinstance(message, dict):
            return
        handler = HANDLERS.get(message.get("type"))  # type: ignore[arg-type]
        group = message.get("group")
        followers = self.members.get(group)  # type: ignore[arg-type]
        if handler is None or not followers or not isinstance(group, str):
            return
        if handler == "live_broadcast":
            broadcast_arrived()  # renders made before it are not shared with later pages
            # Broadcasts that arrive while their group's pages are being told wait, together,
            # for one more pass once this one ends. Telling 10,000 pages takes milliseconds;
            # at 100 saves a second a pass per save cost more than the refreshes it asked for
            # (each page refreshes once for all of them anyway).
            self.pending.setdefault(group, []).append(message)
            if group not in self.delivering:
                self.delivering.add(group)
                _start(self._fan_out(group))
            return
        for subscriber in list(followers):
            # Session messages take the page's turn: never hold up the other pages.
            _start(getattr(subscriber, handler)(message))

    async def _fan_out(self, group: str) -> None:
        try:
            while messages := self.pending.pop(group, None):
                await self._tell(group, messages)
        finally:
            # A cancelled pass leaves its messages pending: the next broadcast starts anew.
            self.delivering.discard(group)

    async def _tell(self, group: str, messages: list[dict[str, Any]]) -> None:
        batch = [*_refreshes(messages), *(m for m in messages if m.get("row") is not None)]
        pacer = Pacer()
        for subscriber in list(self.members.get(group, ())):
            if pacer.due():
                await pacer.turn()
            try:
                for message in batch:
                    # Only schedules a refresh: cheap enough to call for every page in turn.
                    await subscriber.live_broadcast(message)
            except Exception:
                logger.exception("live_views: delivering %s failed", wire.BROADCAST)

    def _due_for_rejoin(self) -> bool:
        return asyncio.get_running_loop().time() - self.joined_at >= REJOIN_EVERY

    async def _rejoin(self) -> None:
        for group in list(self.members):
            await self.layer.group_add(group, self.channel)
        self.unjoined.clear()
        self.joined_at = asyncio.get_running_loop().time()

    def _catch_up(self) -> None:
        pages = {subscriber for followers in self.members.values() for subscriber in followers}
        broadcast_arrived()  # saves were missed while the layer was down
        for subscriber in pages:
            subscriber.schedule_refresh()  # once per page, however many of its topics


def _refreshes(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of the messages that name no row, and so say only "refresh", the one every page needs.
    A page lets pass the broadcasts its own event sent (socket/own_broadcasts.py): when those
    of several events, or anyone's, came together, the one told names none, so that page
    refreshes for the others' too."""
    plain = [m for m in messages if m.get("row") is None]
    if not plain:
        return []
    by = plain[0].get(wire.BROADCAST_BY)
    if by is None or all(m.get(wire.BROADCAST_BY) == by for m in plain):
        return plain[:1]
    return [{k: v for k, v in plain[0].items() if k != wire.BROADCAST_BY}]


_running: set[asyncio.Task[None]] = set()


def _start(work: Any) -> None:
    task = asyncio.create_task(work)
    _running.add(task)
    task.add_done_callback(_running.discard)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TopicHub] = weakref.WeakKeyDictionary()


def hub() -> TopicHub | None:
    """This event loop's hub (each process serves its pages from one loop), or None without a
    channel layer."""
    layer = get_channel_layer()
    if layer is None:
        return None
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.layer is not layer:  # a new layer (settings changed in tests)
        found = _hubs[loop] = TopicHub(layer)
    return found


def _hint(exc: Exception) -> str:
    # redis-py 8 times reads out after 5 s, as long as channels-redis's blocking read waits: a
    # healthy, idle Redis looks down every 5 s (live_views/redis_timeouts.py).
    if type(exc).__name__ == "TimeoutError" and type(exc).__module__.startswith("redis"):
        return (
            ". If Redis is up, the layer's read timeout is too short for channels-redis's "
            "5 s wait: see check live_views.E008 (manage.py check)"
        )
    return ""
