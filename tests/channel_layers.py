"""In-memory channel layers that remember or fail, for the tests of publishing and of a page's
subscription (tests/test_publish.py, test_signals.py, test_subscription.py). Each is channels'
own InMemoryChannelLayer underneath: messages still reach the groups' channels."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from channels.layers import InMemoryChannelLayer


class RecordingLayer(InMemoryChannelLayer):
    """Every group_send, in order: (group, message)."""

    sent: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        type(self).sent.append((group, dict(message)))
        await super().group_send(group, message)


class FlakyLayer(RecordingLayer):
    """A layer that is down (a Redis restarting): while ``send_failures`` lasts, each group_send
    fails; while ``failures`` lasts, each receive and group_add fails. Each failure uses one."""

    send_failures: ClassVar[int] = 0
    failures: ClassVar[int] = 0
    failed: ClassVar[list[str]] = []  # the operations that failed, in order

    @classmethod
    def reset(cls) -> None:
        cls.send_failures = cls.failures = 0
        cls.failed = []

    @classmethod
    def _fail(cls, operation: str) -> None:
        cls.failures -= 1
        cls.failed.append(operation)
        raise ConnectionError("the layer is down")

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if type(self).send_failures > 0:
            type(self).send_failures -= 1
            raise ConnectionError("the layer is down")
        await super().group_send(group, message)

    async def group_add(self, group: str, channel: str) -> None:
        if type(self).failures > 0:
            self._fail("group_add")
        await super().group_add(group, channel)

    async def receive(self, channel: str) -> dict[str, Any]:
        if type(self).failures > 0:
            await asyncio.sleep(0)
            self._fail("receive")
        message: dict[str, Any] = await super().receive(channel)
        return message


class SlowJoinLayer(RecordingLayer):
    """A layer whose next ``slow_joins`` group_adds take ``delay`` seconds (a Redis busy as a
    worker starts): longer than a page waits to join (socket/subscription.py)."""

    slow_joins: ClassVar[int] = 0
    delay: ClassVar[float] = 1.5

    async def group_add(self, group: str, channel: str) -> None:
        if type(self).slow_joins > 0:
            type(self).slow_joins -= 1
            await asyncio.sleep(type(self).delay)
        await super().group_add(group, channel)


class HungLayer(InMemoryChannelLayer):
    """A layer that never answers a group_send."""

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await asyncio.Event().wait()


def layer_settings(layer: type[InMemoryChannelLayer]) -> dict[str, Any]:
    return {"default": {"BACKEND": f"{layer.__module__}.{layer.__qualname__}"}}


def send_inline(monkeypatch: Any) -> None:
    """Publishing hands each send to a background loop (pubsub/sender.py, tested in
    test_sender.py); for the tests of what is published, run each send in place instead."""
    import logging

    from asgiref.sync import async_to_sync

    from live_views.pubsub import publish as publish_module

    async def run(send: Any) -> None:
        await send()

    def submit(send: Any, what: str) -> bool:
        try:
            async_to_sync(run)(send)
        except Exception:
            logging.getLogger("live_views").warning("live_views: could not broadcast %s", what)
        return True

    monkeypatch.setattr(publish_module.sender, "submit", submit)
