"""Streams (live_views/streams.py, render/stream.py) through live_views.testing: the page's HTML
as a browser would show it after each frame, and the frames' bytes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init

from live_views.testing import AsyncLiveClient, AsyncLivePage, LiveClient, LivePage
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.urls("tests.todoapp.stream_views")

ITEM_RE = re.compile(r'<li id="lv-s-messages-(\d+)"><span>([^<]*)</span></li>')


def shown(page: LivePage) -> list[tuple[int, str]]:
    """The messages the page shows, in order."""
    return [(int(key), text) for key, text in ITEM_RE.findall(page.html)]


def open_messages(client: LiveClient, query: str = "") -> LivePage:
    return client.live(f"/messages/{query}")


def test_the_page_load_renders_the_items_keyed_in_their_container(live_client):
    html = live_client.get("/messages/").content.decode()
    assert '<ul id="lv-s-messages" data-lv-v="' in html
    assert 'data-live-stream><li id="lv-s-messages-1"><span>message 1</span></li>' in html


def test_joining_sends_nothing_when_the_browser_shows_the_stream(live_client):
    with open_messages(live_client) as page:
        assert [f for f in page.frames if "content" in f] == []
        assert shown(page) == [(1, "message 1"), (2, "message 2"), (3, "message 3")]


def test_an_insert_sends_only_that_item_at_the_end(live_client):
    with open_messages(live_client) as page:
        reply = page.send("add", id=9, text="hello")
        assert reply["content"] == (
            '<template hx-swap-oob="beforeend:#lv-s-messages">'
            '<li id="lv-s-messages-9"><span>hello</span></li></template>'
        )
        assert shown(page)[-1] == (9, "hello")
        assert len(shown(page)) == 4


def test_an_insert_at_the_start_and_after_an_item(live_client):
    with open_messages(live_client) as page:
        page.send("add", id=0, text="first", at=0)
        page.send("add_after", id=5, text="after two", after=2)
        assert [key for key, _ in shown(page)] == [0, 1, 2, 5, 3]


def test_the_bytes_of_an_insert_do_not_grow_with_the_stream(live_client):
    sizes = []
    for count in (10, 1000):
        with open_messages(live_client, f"?n={count}") as page:
            sizes.append(len(page.send("add", id=count + 1, text="x" * 10)["content"]))
            assert len(shown(page)) == count + 1
    # The same item, keyed 11 and 1001: two digits apart.
    assert sizes[1] - sizes[0] == 2


def test_a_delete_removes_only_that_item(live_client):
    with open_messages(live_client) as page:
        reply = page.send("remove", id=2)
        assert reply["content"] == '<template hx-swap-oob="delete:#lv-s-messages-2"></template>'
        assert [key for key, _ in shown(page)] == [1, 3]


def test_inserting_a_shown_key_updates_it_in_place(live_client):
    with open_messages(live_client) as page:
        page.send("add", id=2, text="edited", at=0)
        assert shown(page) == [(1, "message 1"), (2, "edited"), (3, "message 3")]


def test_an_item_inserted_twice_in_one_event_is_sent_once_as_it_ended(live_client):
    # The frame's swaps are applied in one go: two inserts of a key the page does not show yet
    # would both be inserted by the browser (and the test client), two items with one id.
    with open_messages(live_client) as page:
        reply = page.send("send_and_confirm", id=9, text="hello")
        assert shown(page)[2:] == [(3, "message 3"), (9, "hello (sent)")]
        assert reply["content"] == (
            '<template hx-swap-oob="beforeend:#lv-s-messages">'
            '<li id="lv-s-messages-9"><span>hello (sent)</span></li></template>'
        )


def test_an_item_inserted_then_deleted_in_one_event_is_not_shown(live_client):
    # htmx looks a delete's target up before the frame's insert has added it: sent both ways,
    # the new item would stay. An item the page showed is still deleted.
    with open_messages(live_client) as page:
        reply = page.send("send_and_cancel", id=9)
        assert [key for key, _ in shown(page)] == [1, 2, 3]
        assert reply["content"] == '<template hx-swap-oob="delete:#lv-s-messages-9"></template>'
        page.send("send_and_cancel", id=2)
        assert [key for key, _ in shown(page)] == [1, 3]


def test_an_item_deleted_and_inserted_at_the_start_in_one_event_moves_there(live_client):
    # The browser finds every swap's target before the frame's first swap runs: the insert of
    # a shown key would morph the item the delete removes, unless the glue sees the delete.
    with open_messages(live_client) as page:
        page.send("move_to_top", id=3, text="moved")
        assert shown(page) == [(3, "moved"), (1, "message 1"), (2, "message 2")]


def test_an_item_without_a_key_is_a_clear_error_and_changes_nothing(live_client):
    # Keyed None (an unsaved row), it would take the container's own id: later inserts would
    # go into it as well, and deleting it would delete the whole stream.
    with open_messages(live_client) as page:
        with pytest.raises(ValueError, match="has no key"):
            page.send("add_unkeyed")
        assert "content" not in page.frames[-1]
        assert len(shown(page)) == 3
        page.send("add", id=4, text="four")
        assert [key for key, _ in shown(page)] == [1, 2, 3, 4]


def test_items_without_the_default_key_say_how_to_name_theirs(live_client):
    # Dicts keyed by "id", declared without key=: the default "pk" is in none of them.
    with pytest.raises(ValueError, match=r"'messages': \{'id': 1, 'text': 'one'\} has no 'pk' key"):
        live_client.get("/rows/")
    with pytest.raises(ValueError, match=r"live_stream\('messages', items, key=\.\.\.\)"):
        live_client.get("/rows/")


def test_an_insert_without_the_streams_key_is_a_clear_error_and_changes_nothing(live_client):
    with open_messages(live_client) as page:
        with pytest.raises(ValueError, match=r"\{'text': 'hi'\} has no 'id' key"):
            page.send("add_dict", text="hi")
        assert "content" not in page.frames[-1]
        assert len(shown(page)) == 3


def test_a_reset_replaces_the_whole_stream(live_client):
    with open_messages(live_client) as page:
        page.send("start_over", count=2)
        assert shown(page) == [(0, "new 0"), (1, "new 1")]
        page.send("add", id=7, text="then more")
        assert [key for key, _ in shown(page)] == [0, 1, 7]


def test_a_negative_limit_keeps_the_last_items_in_the_browser(live_client):
    with open_messages(live_client, "?n=3&limit=-3") as page:
        assert 'data-live-limit="-3"' in page.html
        page.send("add", id=4, text="four")
        page.send("add", id=5, text="five")
        assert [key for key, _ in shown(page)] == [3, 4, 5]


def test_a_positive_limit_keeps_the_first_items(live_client):
    with open_messages(live_client, "?n=3&limit=3") as page:
        page.send("add", id=0, text="zero", at=0)
        assert [key for key, _ in shown(page)] == [0, 1, 2]


def test_a_limit_holds_from_the_page_load_not_only_once_items_arrive(live_client):
    # The howto's chat: a whole room's history with limit=-200 shows the last 200 from the start.
    loaded = live_client.get("/messages/?n=5&limit=-3").content.decode()
    assert [int(key) for key, _ in ITEM_RE.findall(loaded)] == [3, 4, 5]
    with open_messages(live_client, "?n=5&limit=3") as page:
        assert [key for key, _ in shown(page)] == [1, 2, 3]
        page.reconnect()  # the remount renders what the page load did: nothing is resent
        assert [f for f in page.frames if "content" in f] == []
        page.send("rename", title="Renamed")  # a frame that touches no item
        assert [key for key, _ in shown(page)] == [1, 2, 3]


def test_keys_with_dots_and_colons_are_deleted_and_followed_as_a_browser_reads_selectors(
    live_client,
):
    # "#lv-s-messages-db1.example.com" is, to a browser, an id and two classes: it matches
    # nothing; and htmx splits "delete:#…-cache:6379" at its last colon, escaped or not.
    item = re.compile(r'<li id="lv-s-messages-[^"]+"><span>([^<]*)</span></li>')
    with live_client.live("/hosts/") as page:
        page.send("add_after", host="db3.example.com", after="db2.example.com")
        page.send("remove", host="db1.example.com")
        page.send("remove", host="cache:6379")
        assert item.findall(page.html) == ["db2.example.com", "db3.example.com"]


def test_a_re_rendered_block_around_the_stream_keeps_its_items(live_client):
    with open_messages(live_client) as page:
        page.send("add", id=4, text="four")
        reply = page.send("rename", title="Renamed")
        assert "<h1>Renamed</h1>" in page.html
        # The block is morphed with an empty container: the browser keeps its items.
        assert "lv-s-messages-1" not in reply["content"]
        assert [key for key, _ in shown(page)] == [1, 2, 3, 4]


def test_a_failed_handler_sends_none_of_its_inserts(live_client):
    with open_messages(live_client) as page:
        with pytest.raises(RuntimeError, match="failed after its insert"):
            page.send("add_then_fail", id=8)
        assert page.send("add", id=9, text="next")["content"].count("<li") == 1
        assert [key for key, _ in shown(page)] == [1, 2, 3, 9]


def test_a_failed_handler_sends_none_of_its_reset(live_client):
    with open_messages(live_client) as page:
        with pytest.raises(RuntimeError, match="failed after its reset"):
            page.send("start_over_then_fail", count=2)
        reply = page.send("add", id=9, text="next")
        assert reply["content"].count("<li") == 1
        assert [key for key, _ in shown(page)] == [1, 2, 3, 9]
        page.send("start_over", count=2)  # a reset that succeeds still goes
        assert [key for key, _ in shown(page)] == [0, 1]


def test_a_reconnect_sends_nothing_while_the_stream_is_as_loaded(live_client):
    with open_messages(live_client) as page:
        page.reconnect()
        assert [f for f in page.frames if "content" in f] == []


def test_a_reconnect_after_changes_sends_the_stream_whole(live_client):
    with open_messages(live_client) as page:
        page.send("add", id=4, text="four")
        page.reconnect()
        # The remounted view's stream is what get() gives: three messages, sent whole.
        assert 'hx-swap-oob="outerHTML"' in page.frames[-1]["content"]
        assert [key for key, _ in shown(page)] == [1, 2, 3]


def test_a_reconnect_after_changes_and_a_re_rendered_block_sends_the_stream_whole(live_client):
    with open_messages(live_client) as page:
        page.send("add", id=4, text="four")
        page.send("rename", title="Renamed")  # the morph around the stream keeps its version
        page.reconnect()
        assert [key for key, _ in shown(page)] == [1, 2, 3]


def test_a_stream_hidden_and_shown_again_shows_its_items(live_client):
    # The browser dropped the container with its items when another tab showed: shown again,
    # the stream is rendered whole from what get() declares, as after a reconnect.
    with live_client.live("/tabs/") as page:
        page.send("add", id=4, text="four")
        page.send("show", tab="settings")
        assert "lv-s-messages" not in page.html
        page.send("add", id=5, text="while hidden")  # nothing to insert it into
        page.send("show", tab="messages")
        assert shown(page) == [(1, "message 1"), (2, "message 2"), (3, "message 3")]
        page.send("add", id=6, text="six")
        assert [key for key, _ in shown(page)] == [1, 2, 3, 6]
        page.send("rename", title="Renamed")  # the block around it: its items stay
        assert [key for key, _ in shown(page)] == [1, 2, 3, 6]


def test_an_undeclared_stream_is_a_clear_error():
    from django.template import Context, Template, TemplateSyntaxError

    template = Template("{% load live_views %}{% live_stream nope as x %}{% endlive_stream %}")
    with pytest.raises(TemplateSyntaxError, match=r"declare it with self.live_stream\('nope'"):
        template.render(Context({}))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% live_stream %}{% endlive_stream %}", "needs a name and a variable"),
        ("{% live_stream s x %}{% endlive_stream %}", "needs a name and a variable"),
        ("{% live_stream s as x y=1 %}{% endlive_stream %}", "unknown option 'y'"),
        ('{% live_stream s as x tag="br" %}{% endlive_stream %}', "tag must be the literal"),
        ("{% live_stream s as x tag=name %}{% endlive_stream %}", "tag must be the literal"),
        (
            "{% live_stream s as x %}{% liveblock b %}{% endliveblock %}{% endlive_stream %}",
            "cannot hold a {% liveblock %}",
        ),
    ],
)
def test_bad_tag_arguments_are_template_errors(source, message):
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match=re.escape(message)):
        Template("{% load live_views %}" + source)


# -- broadcasts: a saved row inserts, updates or deletes just that row on every page ------------

TASK_RE = re.compile(r'<li id="lv-s-tasks-(\d+)">([^<]*)</li>')


def tasks_shown(page: AsyncLivePage) -> list[tuple[int, str]]:
    return [(int(key), text) for key, text in TASK_RE.findall(page.html)]


async def open_tasks(user: str | None, path: str = "/tasks/") -> AsyncLivePage:
    client = AsyncLiveClient(timeout=5)
    if user is not None:
        account = await sync_to_async(get_user_model().objects.create_user)(user, password="pw")
        await client.http.aforce_login(account)
    return await client.live(path)


async def next_content(page: AsyncLivePage) -> str:
    frame = await asyncio.wait_for(page.wait_for_update(), 5)
    return str(frame["content"])


@pytest.fixture
async def board(live_db: None) -> Board:
    board = await Board.objects.acreate(name="b")
    for number in (1, 2):
        await Task.objects.acreate(board=board, title=f"task {number}")
    return board


async def test_a_saved_row_is_inserted_on_every_page_with_its_own_user(board):
    ann, bob = await open_tasks("ann"), await open_tasks("bob")
    try:
        await ann.send("add", board=board.pk, title="new")
        for page, name in ((ann, "ann"), (bob, "bob")):
            content = await next_content(page)
            assert content.count("<li") == 1, content
            assert tasks_shown(page)[-1][1] == f"new (seen by {name})"
            assert len(tasks_shown(page)) == 3
    finally:
        await ann.close()
        await bob.close()


async def test_an_updated_row_is_morphed_and_a_row_that_leaves_the_queryset_removed(board):
    writer, reader = await open_tasks(None), await open_tasks("reader")
    try:
        first = (await Task.objects.order_by("pk").afirst()).pk  # type: ignore[union-attr]
        await writer.send("rename", task=first, title="renamed")
        content = await next_content(reader)
        assert content.startswith(f'<li id="lv-s-tasks-{first}" hx-swap-oob="outerMorph">')
        assert tasks_shown(reader)[0] == (first, "renamed (seen by reader)")
        await writer.send("finish", task=first)  # done: no longer in the page's queryset
        assert await next_content(reader) == (
            f'<template hx-swap-oob="delete:#lv-s-tasks-{first}"></template>'
        )
        assert [key for key, _ in tasks_shown(reader)] == [first + 1]
    finally:
        await writer.close()
        await reader.close()


async def test_an_updated_table_row_travels_in_a_template_after_another_block(board):
    # A browser parses a frame as one piece, and drops a bare <tr> that follows a <p>: the
    # row's update would be lost whenever another block changed with it.
    writer, reader = await open_tasks(None), await open_tasks(None, "/tasks/table/")
    try:
        first = (await Task.objects.order_by("pk").afirst()).pk  # type: ignore[union-attr]
        await writer.send("rename", task=first, title="renamed")
        content = await next_content(reader)
        assert content.startswith('<div id="lv-first"')
        assert content.endswith(
            f'</div><template id="lv-s-tasks-{first}" hx-swap-oob="outerMorph strip:true">'
            f'<tr id="lv-s-tasks-{first}"><td>renamed</td></tr></template>'
        )
        assert f'<tr id="lv-s-tasks-{first}"><td>renamed</td></tr>' in reader.html
    finally:
        await writer.close()
        await reader.close()


async def test_a_deleted_row_is_removed_and_a_row_of_another_filter_never_shown(board):
    other = await Board.objects.acreate(name="other")
    reader = await open_tasks(None, f"/tasks/?board={board.pk}")
    writer = await open_tasks(None)
    try:
        await writer.send("add", board=other.pk, title="elsewhere")
        await writer.send("remove", task=(await Task.objects.order_by("pk").afirst()).pk)
        await asyncio.wait_for(reader.wait_for_update(), 5)
        await settle(reader)
        assert [title for _, title in tasks_shown(reader)] == ["task 2 (seen by anonymous)"]
        assert "elsewhere" not in "".join(f.get("content", "") for f in reader.frames)
    finally:
        await writer.close()
        await reader.close()


async def settle(page: AsyncLivePage) -> None:
    while True:
        try:
            await asyncio.wait_for(page.receive(), 0.3)
        except TimeoutError:
            return


# -- content not rendered yet: a limit reads no more of a queryset than the page shows ----------


@pytest.fixture
def long_board(live_db: None) -> tuple[int, list[int], list[int]]:
    """A board of 200 tasks (t0 to t199), and two tasks of another board."""
    board, other = Board.objects.create(name="long"), Board.objects.create(name="other")
    tasks = Task.objects.bulk_create(Task(board=board, title=f"t{n}") for n in range(200))
    elsewhere = Task.objects.bulk_create(Task(board=other, title=f"elsewhere {n}") for n in (0, 1))
    return board.pk, [t.pk for t in tasks], [t.pk for t in elsewhere]


@pytest.fixture
def rows_read() -> Iterator[list[object]]:
    """The keys of the task rows the server reads, in any thread (a live page's handlers and
    renders run in asgiref's worker thread)."""
    read: list[object] = []

    def count(sender: type[Task], instance: Task, **kwargs: object) -> None:
        read.append(instance.pk)

    post_init.connect(count, sender=Task, weak=False)
    yield read
    post_init.disconnect(count, sender=Task)


def task_titles(page: LivePage) -> list[str]:
    return [title for _, title in TASK_RE.findall(page.html)]


def test_edits_before_the_first_render_read_only_the_rows_the_limit_shows(
    live_client, long_board, rows_read
):
    board, tasks, elsewhere = long_board

    def edit(page: LivePage) -> None:
        # The stream's tab is hidden: these edit the content its first render writes.
        page.send("remove", task=tasks[0])
        page.send("remove", task=tasks[1])
        page.send("add", task=elsewhere[0])
        page.send("pin", task=elsewhere[1])
        page.send("show", tab="tasks")

    with live_client.live(f"/tasks/limited/hidden/?board={board}&limit=4") as page:
        assert "lv-s-tasks" not in page.html
        rows_read.clear()
        edit(page)
        # Two deletes pull t4 and t5 into view; the pin pushes t5 out again; added at the end,
        # beyond the first four, "elsewhere 0" is not shown.
        assert task_titles(page) == ["elsewhere 1", "t2", "t3", "t4"]
        # The two rows the handlers read, then the first 4 and one per delete; not 200.
        assert len(rows_read) == 2 + 4 + 2, rows_read
    with live_client.live(f"/tasks/limited/hidden/?board={board}") as unlimited:
        edit(unlimited)  # the same edits, shown whole
        assert task_titles(unlimited)[:4] == ["elsewhere 1", "t2", "t3", "t4"]
        assert task_titles(unlimited)[-1] == "elsewhere 0"


def test_edits_after_a_reset_read_only_the_rows_the_limit_shows(live_client, long_board, rows_read):
    board, tasks, elsewhere = long_board
    with live_client.live(f"/tasks/limited/?board={board}&limit=4") as page:
        assert task_titles(page) == ["t0", "t1", "t2", "t3"]
        rows_read.clear()
        page.send("newest_first", remove=tasks[199], pin=elsewhere[1], add=elsewhere[0])
        assert task_titles(page) == ["elsewhere 1", "t198", "t197", "t196"]
        assert len(rows_read) == 2 + 4 + 1, rows_read
        # Rendered now: a delete removes the item, as the browser keeps no row to pull in.
        page.send("remove", task=tasks[198])
        assert task_titles(page) == ["elsewhere 1", "t197", "t196"]


def test_a_negative_limit_reads_only_the_last_rows_of_an_ordered_queryset(
    live_client, long_board, rows_read
):
    board, _, _ = long_board
    with live_client.live(f"/tasks/limited/?board={board}&limit=-3") as page:
        assert task_titles(page) == ["t197", "t198", "t199"]
        assert len(rows_read) == 3 * 2, rows_read  # the page load's render, then the join's


def test_a_failed_handler_drops_its_insert_into_content_not_rendered_yet(live_client, long_board):
    board, _, elsewhere = long_board
    with live_client.live(f"/tasks/limited/hidden/?board={board}&limit=2") as page:
        page.send("pin", task=elsewhere[0])
        with pytest.raises(RuntimeError, match="failed after its insert"):
            page.send("pin_then_fail", task=elsewhere[1])
        page.send("show", tab="tasks")
        assert task_titles(page) == ["elsewhere 0", "t0"]


# -- the pieces on their own ----------------------------------------------------------------------


def test_a_sliced_queryset_is_kept_unsliced_for_broadcast_lookups(db):
    from live_views.streams import PageStreams

    streams = PageStreams()
    stream = streams.declare("tasks", Task.objects.order_by("pk")[:50], "pk", -1, None)
    assert stream.source is not None
    assert not stream.source.query.is_sliced
    assert stream.fill is not None


def test_declaring_again_keeps_what_the_browser_shows():
    from live_views.streams import PageStreams

    streams = PageStreams()
    stream = streams.declare("s", [1, 2], lambda item: item, -1, None)
    assert stream.take()[0] == [1, 2]
    streams.declare("s", [3, 4], lambda item: item, 0, -10)
    assert stream.take() == (None, [], False)
    assert (stream.at, stream.limit) == (0, -10)
    assert not streams.pending


def test_changed_rows_merge_and_overflow():
    from live_views.socket.changed_rows import ChangedRows
    from live_views.streams import PageStreams

    rows = ChangedRows()
    rows.add({"type": "live.broadcast"})  # an explicit broadcast() names no row
    rows.add({"row": ["todoapp.task", "1", "x"]})  # malformed: ignored
    assert not rows
    rows.add({"row": ["todoapp.task", "1", "c"]})
    rows.add({"row": ["todoapp.task", "1", "u"]})
    rows.add({"row": ["todoapp.task", "2", "u"]})
    rows.add({"row": ["todoapp.task", "2", "d"]})
    assert rows.rows == [("todoapp.task", "1", "c"), ("todoapp.task", "2", "d")]
    for pk in range(PageStreams.MAX_ROWS + 1):
        rows.add({"row": ["todoapp.task", str(pk), "u"]})
    assert rows.overflow
    assert rows.rows == []


def test_the_view_keeps_no_items_once_the_page_is_rendered(rf):
    from tests.todoapp.stream_views import MessagesView

    request = rf.get("/messages/", {"n": "1000"})
    view = MessagesView.as_view()
    response = view(request)
    response.render()
    assert response.content.count(b'<li id="lv-s-messages-') == 1000
    instance = response.context_data["view"]
    stream = instance.live_runtime.streams.get("messages")
    assert (stream.fill, stream.ops) == (None, [])


def test_a_burst_of_too_many_rows_resets_the_stream_to_its_declared_slice(db):
    from live_views.streams import PageStreams

    streams = PageStreams()
    stream = streams.declare("tasks", Task.objects.order_by("pk")[:50], "pk", -1, None)
    stream.take()
    streams.rows_changed([], overflow=True)
    fill, ops, reset = stream.take()
    assert reset
    assert ops == []
    assert fill.query.is_sliced  # the first 50 again, not the whole table


def test_a_limit_cuts_a_querysets_first_render_in_sql(db):
    from live_views.render.stream import within_limit

    board = Board.objects.create(name="b")
    Task.objects.bulk_create(Task(board=board, title=f"t{n}") for n in range(5))
    tasks = Task.objects.order_by("pk")

    first = within_limit(tasks, 2)
    assert first.query.is_sliced  # type: ignore[attr-defined]
    assert [t.title for t in first] == ["t0", "t1"]
    assert [t.title for t in within_limit(tasks, -2)] == ["t3", "t4"]
    assert [t.title for t in within_limit(tasks[:3], 10)] == ["t0", "t1", "t2"]
    assert list(within_limit(iter(range(5)), 2)) == [0, 1]
