"""live_views/socket/subscription.py: a page follows its topics through its process's hub, which
outlives a failing layer (it waits and retries, rejoins the groups and has every page catch up;
tested here through the mixin and once through the real consumer)."""

from __future__ import annotations

import asyncio
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
from tests.channel_layers import FlakyLayer, RecordingLayer, SlowJoinLayer, layer_settings
from tests.todoapp import views as todo_views

GROUPS = [group_name("news"), group_name("todoapp.task")]


class FakePage:
    groups = GROUPS
    left_groups: tuple[str, ...] = ()


class Host(LayerSubscriptionMixin):
    """What the consumer gives the mixin: a page to refresh."""

    def __init__(self, layer: Any) -> None:
        self.page: Any = FakePage()
        self.refreshes = 0

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


async def test_join_and_leave_groups_through_the_hub(layer):
    first, second = Host(layer), Host(layer)
    await first.join_groups()
    await second.join_groups()
    # The process follows each group once, with the hub's channel, however many pages.
    assert all(len(layer.groups[group]) == 1 for group in GROUPS)
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


async def wait_until_joined(layer: Any) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while hub_members(layer) != set(GROUPS) and loop.time() < deadline:
        await asyncio.sleep(0.05)


async def test_a_join_that_ran_out_of_time_is_tried_again_and_its_page_catches_up(caplog):
    # A walk-through, just after a gunicorn reload: the first page's join took over its second,
    # its groups counted as followed but were never joined, and no later page joined them: the
    # worker heard nothing of those topics for up to an hour. The log said "will retry ()".
    SlowJoinLayer.slow_joins, SlowJoinLayer.delay = 1, 1.5
    with override_settings(CHANNEL_LAYERS=layer_settings(SlowJoinLayer)):
        layer: Any = get_channel_layer()
        page = Host(layer)
        with caplog.at_level("INFO", logger="live_views"):
            await page.join_groups_in_time()  # gives up after a second
            assert "could not subscribe a page within 1 s (TimeoutError())" in caplog.text
            await wait_until_joined(layer)  # the hub, on its own
        assert hub_members(layer) == set(GROUPS)
        assert "late; its pages catch up" in caplog.text
        assert page.refreshes == 1  # what was broadcast meanwhile
        await page.leave_groups(GROUPS)


async def test_the_next_page_joins_what_an_earlier_one_could_not(caplog):
    SlowJoinLayer.slow_joins = 1
    SlowJoinLayer.delay = 5.0  # the hub's own try comes later than the second page
    with override_settings(CHANNEL_LAYERS=layer_settings(SlowJoinLayer)):
        layer: Any = get_channel_layer()
        first, second = Host(layer), Host(layer)
        await first.join_groups_in_time()
        await second.join_groups_in_time()  # its groups were counted as followed already
        await wait_until_joined(layer)
        assert hub_members(layer) == set(GROUPS)
        assert (first.refreshes, second.refreshes) == (1, 0)  # the second just rendered
        await first.leave_groups(GROUPS)
        await second.leave_groups(GROUPS)


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
