"""live_views/socket/subscription.py: a page follows its topics through its process's hub, and its
own channel's receive loop outlives a failing layer (it waits and retries; rejoining the groups
and catching up is the hub's, tested here through the mixin and once through the real consumer)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.test import override_settings

from live_views import abroadcast
from live_views.pubsub.topics import group_name
from live_views.socket.hub import hub
from live_views.socket.subscription import LayerSubscriptionMixin
from live_views.testing import AsyncLiveClient
from tests.channel_layers import FlakyLayer, RecordingLayer, layer_settings
from tests.todoapp import views as todo_views

CHANNEL = "page.channel!1"
GROUPS = [group_name("news"), group_name("todoapp.task")]


class FakePage:
    groups = GROUPS


class Host(LayerSubscriptionMixin):
    """What the consumer gives the mixin: a layer, a channel name, a page to refresh."""

    def __init__(self, layer: Any) -> None:
        self.page: Any = FakePage()
        self.channel_layer = layer
        self.channel_name = CHANNEL
        self.refreshes = 0
        # As channels' consumer does at start-up: the layer's receive for this channel.
        self.channel_receive = functools.partial(layer.receive, CHANNEL)

    def schedule_refresh(self) -> None:
        self.refreshes += 1


@pytest.fixture
def layer() -> Iterator[FlakyLayer]:
    FlakyLayer.reset()
    RecordingLayer.sent = []
    # The project's layer: the hub (socket/hub.py) uses the configured one.
    with override_settings(CHANNEL_LAYERS=layer_settings(FlakyLayer)):
        configured: Any = get_channel_layer()
        yield configured
    FlakyLayer.reset()


async def test_channel_receive_is_the_retrying_wrapper_around_the_layers(layer):
    host = Host(layer)
    assert host.channel_receive == host._receive_from_layer
    await layer.send(CHANNEL, {"type": "live.broadcast"})
    assert await host.channel_receive() == {"type": "live.broadcast"}
    assert host.refreshes == 0


async def test_a_failing_receive_is_retried_quietly(layer, caplog):
    host = Host(layer)
    FlakyLayer.failures = 1
    await layer.send(CHANNEL, {"type": "live.broadcast"})

    started = time.monotonic()
    with caplog.at_level("INFO", logger="live_views"):
        message = await asyncio.wait_for(host.channel_receive(), 5)

    assert message == {"type": "live.broadcast"}
    assert FlakyLayer.failed == ["receive"]
    assert time.monotonic() - started >= 0.5  # waited before trying again
    assert host.layer_down is False
    # The page's topics are the hub's to rejoin and catch up: every page would log it otherwise.
    assert host.refreshes == 0
    assert caplog.text == ""


def hub_members(layer: FlakyLayer) -> set[str]:
    return {group for group in GROUPS if layer.groups.get(group)}


async def test_the_hub_retries_rejoins_and_every_page_catches_up_once(layer, caplog):
    first, second = Host(layer), Host(layer)
    await first.join_groups()
    await second.join_groups()
    topics = hub()
    assert topics is not None
    assert topics.layer is layer
    topics.reader.cancel()  # restart its reader on a failing layer: the read, then a rejoin fail
    FlakyLayer.failures = 2
    with caplog.at_level("INFO", logger="live_views"):
        topics.reader = asyncio.create_task(topics._read())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while "the channel layer is back" not in caplog.text and loop.time() < deadline:
            await asyncio.sleep(0.05)

    assert FlakyLayer.failed == ["receive", "group_add"]
    assert hub_members(layer) == set(GROUPS)
    assert (first.refreshes, second.refreshes) == (1, 1)
    assert caplog.text.count("channel layer unavailable") == 1  # a long outage is logged once
    await first.leave_groups(GROUPS)
    await second.leave_groups(GROUPS)


async def test_a_page_whose_socket_is_gone_stops_instead_of_retrying(layer):
    host = Host(layer)
    host.gone = True
    FlakyLayer.failures = 1
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(host.channel_receive(), 5)
    assert host.layer_down is False


async def test_join_and_leave_groups_through_the_hub(layer):
    first, second = Host(layer), Host(layer)
    await first.join_groups()
    await second.join_groups()
    # The process follows each group once, with the hub's channel, however many pages.
    assert all(len(layer.groups[group]) == 1 for group in GROUPS)
    assert CHANNEL not in layer.groups[GROUPS[0]]
    await first.leave_groups(GROUPS)
    assert all(len(layer.groups[group]) == 1 for group in GROUPS)  # the second still follows
    await second.leave_groups(GROUPS)
    assert hub_members(layer) == set()


async def test_a_page_not_mounted_joins_nothing(layer):
    host = Host(layer)
    host.page = None
    await host.join_groups()
    assert layer.groups == {}


async def test_leaving_groups_on_a_broken_layer_is_not_an_error(layer, caplog):
    host = Host(layer)
    await host.join_groups()

    async def broken(group: str, channel: str) -> None:
        raise ConnectionError("gone")

    layer.group_discard = broken  # type: ignore[method-assign]
    with caplog.at_level("DEBUG", logger="live_views"):
        await host.leave_groups(GROUPS)
    assert "could not leave" in caplog.text


# -- through the consumer -----------------------------------------------------------------------


@pytest.fixture
async def news_page(layer: FlakyLayer) -> AsyncIterator[Any]:
    saved = dict(todo_views.NEWS)
    with override_settings(CHANNEL_LAYERS=layer_settings(FlakyLayer)):
        page = await AsyncLiveClient(timeout=5).live("/todo/news/")
        yield page
        await page.close()
    todo_views.NEWS.clear()
    todo_views.NEWS.update(saved)


async def test_a_page_keeps_hearing_broadcasts_after_the_layer_failed(news_page, caplog):
    FlakyLayer.failures = 2  # the next reads from the layer, and a rejoin, fail
    todo_views.NEWS["headline"] = "first"
    with caplog.at_level("INFO", logger="live_views"):
        await abroadcast("news")
        await asyncio.wait_for(news_page.wait_for_update(), 5)
        assert "first" in news_page.block("news")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while "the channel layer is back" not in caplog.text and loop.time() < deadline:
            await asyncio.sleep(0.05)

        todo_views.NEWS["headline"] = "after the outage"
        await abroadcast("news")
        await asyncio.wait_for(news_page.wait_for_update(), 5)

    assert FlakyLayer.failed == ["receive", "group_add"]
    assert "after the outage" in news_page.block("news")
    assert "channel layer unavailable" in caplog.text
