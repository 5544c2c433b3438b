"""live_views/socket/subscription.py: a page's subscription to its topics on the channel layer
outlives a failing layer: its receive loop waits and retries, then rejoins its groups and catches
up with one refresh. Driven directly on the mixin with channels' in-memory layer, then once
through the real consumer."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from django.test import override_settings

from live_views import abroadcast
from live_views.pubsub.topics import group_name
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
    yield FlakyLayer()
    FlakyLayer.reset()


async def test_channel_receive_is_the_retrying_wrapper_around_the_layers(layer):
    host = Host(layer)
    assert host.channel_receive == host._receive_from_layer
    await layer.send(CHANNEL, {"type": "live.broadcast"})
    assert await host.channel_receive() == {"type": "live.broadcast"}
    assert host.refreshes == 0


async def test_a_failing_layer_is_retried_then_groups_are_rejoined_and_the_page_catches_up(
    layer, caplog
):
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
    assert host.refreshes == 1  # one catch-up refresh for what the outage may have hidden
    assert {group for group in GROUPS if CHANNEL in layer.groups.get(group, {})} == set(GROUPS)
    assert "channel layer unavailable (the layer is down); retrying" in caplog.text
    assert "the channel layer is back; catching up" in caplog.text


async def test_a_long_outage_is_logged_once(layer, caplog, monkeypatch):
    host = Host(layer)
    FlakyLayer.failures = 3  # the read, then two tries to rejoin the groups
    await layer.send(CHANNEL, {"type": "live.broadcast"})
    real_sleep = asyncio.sleep
    monkeypatch.setattr(asyncio, "sleep", lambda delay: real_sleep(0))  # skip the backoff
    with caplog.at_level("WARNING", logger="live_views"):
        await asyncio.wait_for(host.channel_receive(), 5)
    assert FlakyLayer.failed == ["receive", "group_add", "group_add"]
    assert caplog.text.count("channel layer unavailable") == 1
    assert host.refreshes == 1


async def test_a_page_whose_socket_is_gone_stops_instead_of_retrying(layer):
    host = Host(layer)
    host.gone = True
    FlakyLayer.failures = 1
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(host.channel_receive(), 5)
    assert host.layer_down is False


async def test_join_and_leave_groups(layer):
    host = Host(layer)
    await host.join_groups()
    assert all(CHANNEL in layer.groups[group] for group in GROUPS)
    await host.leave_groups(GROUPS)
    assert not any(CHANNEL in layer.groups.get(group, {}) for group in GROUPS)


async def test_a_page_not_mounted_joins_nothing(layer):
    host = Host(layer)
    host.page = None
    await host.join_groups()
    assert layer.groups == {}


async def test_leaving_groups_on_a_broken_layer_is_not_an_error(layer, caplog):
    host = Host(layer)

    async def broken(group: str, channel: str) -> None:
        raise ConnectionError("gone")

    layer.group_discard = broken  # type: ignore[method-assign]
    with caplog.at_level("DEBUG", logger="live_views"):
        await host.leave_groups(GROUPS)
    assert "could not unsubscribe a closed page" in caplog.text


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
    FlakyLayer.failures = 2  # the consumer's next read from the layer, and a rejoin, fail
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
