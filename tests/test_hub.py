"""socket/hub.py: a process follows each topic once on the channel layer and fans a broadcast out
to its own pages in memory (one layer message per process, not per page)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from channels.layers import get_channel_layer

from live_views import abroadcast
from live_views.pubsub.topics import group_name, topic_of
from live_views.socket import pacing
from live_views.socket.hub import TopicHub
from live_views.testing import AsyncLiveClient, AsyncLivePage
from tests.todoapp.models import Board, Task


async def open_task_lists(pages: list[AsyncLivePage], count: int) -> None:
    client = AsyncLiveClient(timeout=10)
    for _ in range(count):
        pages.append(await client.live("/todo/tasks/"))


@contextlib.asynccontextmanager
async def following(subscribers: list[Any], topic: str) -> AsyncIterator[TopicHub]:
    """A hub of its own whose ``subscribers`` follow ``topic`` until the block ends."""
    hub = TopicHub(get_channel_layer())
    for page in subscribers:
        await hub.subscribe(page, [group_name(topic)])
    try:
        yield hub
    finally:
        for page in subscribers:
            await hub.unsubscribe(page, [group_name(topic)])


def members(topic: str) -> set[str]:
    layer: Any = get_channel_layer()
    return set(layer.groups.get(group_name(topic), {}))


class CountingSends:
    """Every message the layer delivers to a channel, by channel."""

    def __init__(self) -> None:
        self.layer: Any = get_channel_layer()
        self.original = self.layer.send
        self.delivered: list[str] = []

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.delivered.append(channel)
        await self.original(channel, message)

    def __enter__(self) -> CountingSends:
        self.layer.send = self.send
        return self

    def __exit__(self, *exc: object) -> None:
        self.layer.send = self.original


async def test_many_pages_of_one_topic_are_one_member_of_its_group(pages):
    await open_task_lists(pages, 20)
    assert len(members(topic_of(Task))) == 1  # the hub's channel, not twenty pages'


async def test_one_broadcast_is_one_layer_message_and_reaches_every_page(pages):
    await open_task_lists(pages, 20)
    board = await Board.objects.acreate(name="home")
    await Task.objects.acreate(board=board, title="first")
    for page in pages:
        await page.wait_for_update()

    with CountingSends() as sends:
        await abroadcast(Task)  # nothing changed but the page's render count
        await Task.objects.acreate(board=board, title="second")
        for page in pages:
            # One refresh or two: the first may run before or after the save commits.
            while "second" not in page.block("tasks"):
                await page.wait_for_update()

    # abroadcast: one topic; the save: the model, the row and its board (three topics, of
    # which only the model's has followers here). One delivery each, however many pages.
    hub_channel = next(iter(members(topic_of(Task))))
    assert sends.delivered.count(hub_channel) == 2
    assert len(sends.delivered) == 2
    for page in pages:
        assert "second" in page.block("tasks")


async def test_the_last_page_to_leave_leaves_the_group(pages):
    await open_task_lists(pages, 3)
    for page in pages[:2]:
        await page.close()
    assert len(members(topic_of(Task))) == 1
    await pages[2].close()
    await asyncio.sleep(0)
    assert members(topic_of(Task)) == set()


async def test_a_page_that_left_hears_nothing_and_the_others_still_do(pages):
    await open_task_lists(pages, 2)
    gone, staying = pages
    await gone.close()
    board = await Board.objects.acreate(name="home")
    await Task.objects.acreate(board=board, title="after")
    await staying.wait_for_update()
    assert "after" in staying.block("tasks")
    assert "after" not in gone.block("tasks")


@pytest.mark.parametrize(
    "message",
    [
        {"type": "live.broadcast"},  # names no group
        {"type": "live.broadcast", "group": "live_views.other"},  # a group no page follows
        {"type": "live.unknown", "group": None},  # a type no page answers
        {"type": "websocket.disconnect", "code": 1000, "group": None},
    ],
)
async def test_messages_that_are_not_for_a_followed_group_reach_no_page(pages, message):
    await open_task_lists(pages, 2)
    hub_channel = next(iter(members(topic_of(Task))))
    if message.get("group", "") is None:
        message["group"] = group_name(topic_of(Task))
    layer: Any = get_channel_layer()
    await layer.send(hub_channel, message)
    for page in pages:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(page.receive(), 0.3)
        assert page.close_code is None


async def test_other_work_on_the_loop_runs_while_a_broadcast_reaches_many_pages(monkeypatch):
    # A turn after every page (EVERY = 0), so the test does not depend on the machine's speed.
    monkeypatch.setattr(pacing, "EVERY", 0.0)
    loop = asyncio.get_running_loop()
    order: list[str] = []
    told = asyncio.Event()

    class Page:
        def __init__(self, n: int) -> None:
            self.n = n

        async def live_broadcast(self, message: dict[str, Any]) -> None:
            order.append("page")
            if len(order) == 1:  # a socket's frame arrives while the pages are told
                loop.call_soon(order.append, "another socket's frame")
            if order.count("page") == 20:
                told.set()

    async with following([Page(n) for n in range(20)], "paced"):
        await abroadcast("paced")
        await asyncio.wait_for(told.wait(), 5)

    assert order.index("another socket's frame") < len(order) - 1
    assert order.count("page") == 20


async def test_broadcasts_that_arrive_while_pages_are_told_are_one_more_pass(monkeypatch):
    # A turn after every page, so the broadcasts below reach the hub while the pass is under way.
    monkeypatch.setattr(pacing, "EVERY", 0.0)
    told: dict[int, int] = {}
    sent = 0

    class Page:
        def __init__(self, n: int) -> None:
            self.n = n

        async def live_broadcast(self, message: dict[str, Any]) -> None:
            nonlocal sent
            told[self.n] = told.get(self.n, 0) + 1
            if 1 <= self.n <= 10 and told[self.n] == 1:  # ten saves during the first pass
                await abroadcast("busy")
                sent += 1

    async with following([Page(n) for n in range(50)], "busy"):
        await abroadcast("busy")
        quiet, last = 0, -1
        while quiet < 10:  # until nothing more is told for 0.1 s
            await asyncio.sleep(0.01)
            total = sum(told.values())
            quiet, last = (quiet + 1 if total == last else 0), total

    assert sent == 10
    # Every page is told of the first save, then once of the ten that came while it was told:
    # not once per save.
    assert sorted(set(told.values())) == [2]
