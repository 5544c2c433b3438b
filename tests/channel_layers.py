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
    """group_send and receive fail while ``failures`` says so (a Redis that restarts)."""

    send_failures: ClassVar[int] = 0
    receive_failures: ClassVar[int] = 0
    receives_failed: ClassVar[int] = 0

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if type(self).send_failures > 0:
            type(self).send_failures -= 1
            raise ConnectionError("the layer is down")
        await super().group_send(group, message)

    async def receive(self, channel: str) -> dict[str, Any]:
        if type(self).receive_failures > 0:
            type(self).receive_failures -= 1
            type(self).receives_failed += 1
            await asyncio.sleep(0)
            raise ConnectionError("the layer is down")
        message: dict[str, Any] = await super().receive(channel)
        return message


class HungLayer(InMemoryChannelLayer):
    """A layer that never answers a group_send."""

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await asyncio.Event().wait()


def layer_settings(layer: type[InMemoryChannelLayer]) -> dict[str, Any]:
    return {"default": {"BACKEND": f"{layer.__module__}.{layer.__qualname__}"}}
