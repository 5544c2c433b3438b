"""Streams of live components (README "Streams", "In a component"): each component's streams are
its own, under ids scoped by the component, and its handlers' operations go with its render."""

from __future__ import annotations

import asyncio
import re

import pytest
from django.template import TemplateSyntaxError

from live_views.components.host import component_address
from live_views.testing import AsyncLiveClient, LivePage
from tests.todoapp.component_stream_views import CHAT
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.urls("tests.todoapp.component_stream_views")

ITEM_RE = re.compile(r'<li id="lv-(c[0-9a-f]{16}-)?s-messages-(\d+)"><span>([^<]*)</span></li>')


def scope(ident: str) -> str:
    return f"c{component_address(CHAT, ident)}-"


def shown(page: LivePage, ident: str | None) -> list[tuple[int, str]]:
    """The messages of the component ``ident`` (None: of the page), in order."""
    want = "" if ident is None else scope(ident)
    return [(int(key), text) for at, key, text in ITEM_RE.findall(page.html) if at == want]


def test_each_component_and_the_page_render_a_stream_of_one_name_under_ids_of_their_own(
    live_client,
):
    html = live_client.get("/chats/").content.decode()
    a, b = scope("a"), scope("b")
    assert '<ul id="lv-s-messages" data-lv-v="' in html
    assert f'<ul id="lv-{a}s-messages" data-lv-v="' in html
    assert f'<li id="lv-{b}s-messages-3"><span>b 3</span></li>' in html
    with live_client.live("/chats/") as page:
        assert [f for f in page.frames if "content" in f] == []  # shown as loaded
        assert shown(page, None) == [(1, "page 1")]
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2")]
        assert shown(page, "b") == [(1, "b 1"), (2, "b 2"), (3, "b 3")]


def test_a_component_insert_sends_only_that_item_into_its_own_stream(live_client):
    with live_client.live("/chats/") as page:
        reply = page.component("a").send("add", id=9, text="hello")
        a = scope("a")
        assert reply["content"] == (
            f'<template hx-swap-oob="beforeend:#lv-{a}s-messages">'
            f'<li id="lv-{a}s-messages-9"><span>hello</span></li></template>'
        )
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2"), (9, "hello")]
        assert shown(page, "b") == [(1, "b 1"), (2, "b 2"), (3, "b 3")]
        assert shown(page, None) == [(1, "page 1")]


def test_a_component_delete_update_and_reset_touch_its_own_items_only(live_client):
    with live_client.live("/chats/") as page:
        b = page.component("b")
        b.send("remove", id=1)  # "a" and the page show an item keyed 1 too
        b.send("add", id=3, text="edited", at=0)  # shown: updated in place
        assert shown(page, "b") == [(2, "b 2"), (3, "edited")]
        page.component("a").send("start_over", count=2)
        assert shown(page, "a") == [(0, "new 0"), (1, "new 1")]
        assert shown(page, "b") == [(2, "b 2"), (3, "edited")]
        assert shown(page, None) == [(1, "page 1")]
        assert page.errors == []


def test_the_page_stream_and_the_component_streams_work_side_by_side(live_client):
    with live_client.live("/chats/") as page:
        page.send("add", id=7, text="page 7")
        page.component("a").send("add", id=7, text="a 7")
        assert shown(page, None) == [(1, "page 1"), (7, "page 7")]
        assert shown(page, "a")[-1] == (7, "a 7")
        assert len(shown(page, "b")) == 3


def test_a_re_render_of_the_component_around_its_stream_keeps_its_items(live_client):
    with live_client.live("/chats/") as page:
        a = page.component("a")
        a.send("add", id=9, text="hello")
        a.send("rename", title="Renamed")
        assert "<h2>Renamed</h2>" in a.html
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2"), (9, "hello")]


def test_an_insert_is_sent_when_the_handler_named_another_block_with_live_target(live_client):
    with live_client.live("/chats/") as page:
        a = page.component("a")
        a.send("add_targeted", id=9, text="hello")
        assert "<h2>Targeted</h2>" in a.html
        assert shown(page, "a")[-1] == (9, "hello")


def test_a_targeted_render_of_the_block_around_the_stream_keeps_its_items(live_client):
    with live_client.live("/chats/") as page:
        a = page.component("a")
        a.send("add", id=9, text="hello")
        a.send("annotate", note="noted")
        assert "<p>noted</p>" in a.html
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2"), (9, "hello")]


def test_a_failed_component_handler_sends_none_of_its_inserts(live_client):
    with live_client.live("/chats/") as page:
        a = page.component("a")
        with pytest.raises(RuntimeError, match="failed after its insert"):
            a.send("add_then_fail", id=9)
        assert page.errors
        a.send("add", id=10, text="ten")
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2"), (10, "ten")]


def test_a_reconnect_resends_only_the_component_streams_that_changed(live_client):
    with live_client.live("/chats/") as page:
        page.reconnect()
        assert [f for f in page.frames if "content" in f] == []
        page.component("a").send("add", id=9, text="hello")
        page.reconnect()
        # The remounted component's stream is what it declares: sent whole; b's is as loaded.
        content = page.frames[-1]["content"]
        assert f'<ul id="lv-{scope("a")}s-messages"' in content
        assert scope("b") not in content
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2")]
        assert len(shown(page, "b")) == 3


def test_a_component_stream_hidden_and_shown_again_shows_its_items(live_client):
    with live_client.live("/chats/") as page:
        a = page.component("a")
        a.send("toggle")
        assert shown(page, "a") == []
        a.send("add", id=9, text="while hidden")  # nothing to insert into: dropped
        a.send("toggle")
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2")]
        a.send("add", id=9, text="shown")
        assert shown(page, "a")[-1] == (9, "shown")


def test_a_component_on_a_page_that_is_not_live_streams_on_its_own_socket(live_client):
    with live_client.live("/plain/", component="b") as page:
        assert [f for f in page.frames if "content" in f] == []
        b = page.component("b")
        b.send("add", id=9, text="hello")
        b.send("remove", id=1)
        assert shown(page, "b") == [(2, "b 2"), (3, "b 3"), (9, "hello")]
        assert shown(page, "a") == [(1, "a 1"), (2, "a 2")]


def test_a_component_showing_a_stream_only_its_page_declared_is_a_clear_error(live_client):
    with pytest.raises(TemplateSyntaxError) as caught:
        live_client.get("/borrowing/")
    assert str(caught.value) == (
        "{% live_stream messages %} in the template of {% live_component "
        "'tests.todoapp.component_stream_views.PageStreamInComponent' id='x' %}: the component "
        "has no stream 'messages'; declare it with self.live_stream('messages', items) in the "
        "component's mount() or get_context_data() (a component shows its own streams, not "
        "its page's)."
    )


TASK_RE = re.compile(r'<li id="lv-c[0-9a-f]{16}-s-tasks-(\d+)">([^<]*)</li>')


async def test_broadcast_rows_reach_a_components_stream_on_every_page(live_db):
    board = await Board.objects.acreate(name="b")
    first = await Task.objects.acreate(board=board, title="task 1")
    client = AsyncLiveClient(timeout=5)
    writer, reader = await client.live("/task-feed/"), await client.live("/task-feed/")
    try:
        await writer.send("add", board=board.pk, title="new")
        frame = await asyncio.wait_for(reader.wait_for_update(), 5)
        assert frame["content"].count("<li") == 1, frame
        assert [title for _, title in TASK_RE.findall(reader.html)] == ["task 1", "new"]
        # The writer's own event rendered its page whole, which does not insert the row into a
        # stream: its own broadcast does.
        await asyncio.wait_for(writer.wait_for_update(), 5)
        assert [title for _, title in TASK_RE.findall(writer.html)] == ["task 1", "new"]
        await writer.send("finish", task=first.pk)
        await asyncio.wait_for(reader.wait_for_update(), 5)
        assert [title for _, title in TASK_RE.findall(reader.html)] == ["new"]
    finally:
        await writer.close()
        await reader.close()
