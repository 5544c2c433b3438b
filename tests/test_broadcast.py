"""Model changes and broadcast() re-render every subscribed page, in one process.

Each socket test opens "page A" (a writer whose events change data in the socket's worker thread,
as a real view's handlers do) and one or more "pages B", and asserts what B's visitor sees. The
pages share the test's event loop, the one the in-memory channel layer is bound to. Most pages B
count their renders in a ``renders`` block, so any refresh at all reaches them as a frame: a
page that stays quiet was not refreshed, not merely refreshed to the same HTML.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import AsyncClient, RequestFactory, override_settings

from live_views import LiveListView, __version__, abroadcast, broadcast
from live_views.http import endpoint
from live_views.pubsub.topics import group_name, topic_of, topics_of
from live_views.testing import (
    AsyncLiveClient,
    AsyncLivePage,
    LiveClient,
    close_thread_db_connections,
)
from tests.test_http_endpoint import Page as HttpTransportPage
from tests.todoapp import views as todo_views
from tests.todoapp.broadcast_views import MixedSubscriptionsView
from tests.todoapp.models import Board, Note, Tag, Task

pytestmark = pytest.mark.urls("tests.todoapp.broadcast_views")

QUIET = 0.5  # how long a page must hear nothing to count as not refreshed
WAIT = 5.0  # upper bound on waiting for an update that must come
LI_RE = re.compile(r"<li\b[^>]*>(.*?)</li>", re.S)
TAG_RE = re.compile(r"<[^>]+>")


# -- fixtures and helpers -----------------------------------------------------------------------


class Tabs:
    """Live pages opened by several visitors (each with its own client and session)."""

    def __init__(self) -> None:
        self.pages: list[AsyncLivePage] = []

    async def open(self, path: str, user: Any = None) -> AsyncLivePage:
        client = AsyncLiveClient(timeout=WAIT)
        if user is not None:
            await client.http.aforce_login(user)
        page = await client.live(path)
        self.pages.append(page)
        return page

    async def close(self) -> None:
        for page in self.pages:
            await page.close()


@pytest.fixture
async def tabs(live_db: None) -> AsyncIterator[Tabs]:
    opened = Tabs()
    yield opened
    await opened.close()


@pytest.fixture
def news() -> Iterator[dict[str, str]]:
    saved = dict(todo_views.NEWS)
    yield todo_views.NEWS
    todo_views.NEWS.clear()
    todo_views.NEWS.update(saved)


async def make_user(username: str) -> Any:
    return await sync_to_async(get_user_model().objects.create_user)(username, password="pw")


def text(fragment: str) -> str:
    return " ".join(html.unescape(TAG_RE.sub(" ", fragment)).split())


def items(page: AsyncLivePage, block: str) -> list[str]:
    """The texts of the <li>s a block shows, in order."""
    return [text(item) for item in LI_RE.findall(page.block(block))]


def renders(page: AsyncLivePage) -> int:
    return int(text(page.block("renders")))


def updates(page: AsyncLivePage) -> list[dict[str, Any]]:
    """The frames with block updates a page received (and applied) so far."""
    return [frame for frame in page.frames if "content" in frame]


async def until(
    page: AsyncLivePage, shows: Callable[[], bool], what: str, timeout: float = WAIT
) -> None:
    """Apply the page's updates until ``shows()`` holds; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not shows():
        remaining = deadline - loop.time()
        if remaining <= 0:
            pytest.fail(f"the page never showed {what}; it shows: {text(page.html)}")
        try:
            # wait_for, not wait_for_update(timeout): a receive() timeout ends the page.
            await asyncio.wait_for(page.wait_for_update(), remaining)
        except TimeoutError:
            pytest.fail(f"the page never showed {what}; it shows: {text(page.html)}")


async def assert_quiet(page: AsyncLivePage, seconds: float = QUIET) -> None:
    """Nothing reaches the page for ``seconds``; the page stays open for more checks."""
    try:
        frame = await asyncio.wait_for(page.receive(), seconds)
    except TimeoutError:
        return
    pytest.fail(f"the page should have heard nothing, but received {frame!r}")


async def settle(page: AsyncLivePage, seconds: float = 0.3, max_updates: int = 1000) -> None:
    """Apply whatever is still on its way, until the page hears nothing for ``seconds`` (or
    has received ``max_updates`` updates: a page that keeps re-rendering never settles)."""
    while len(updates(page)) < max_updates:
        try:
            if await asyncio.wait_for(page.receive(), seconds) is None:
                return  # closed
        except TimeoutError:
            return


def group_members() -> dict[str, set[str]]:
    layer: Any = get_channel_layer()
    return {group: set(channels) for group, channels in layer.groups.items()}


# -- 1. saves, deletes and m2m changes reach every subscribed page ------------------------------


async def test_a_task_added_on_one_page_appears_on_every_other_page(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/writer/")
    first = await tabs.open("/todo/tasks/")
    second = await tabs.open("/todo/tasks/")

    reply = await writer.send("add", board=board.pk, title="buy milk")

    assert "error" not in reply, reply
    assert items(writer, "tasks") == ["buy milk"]
    for page in (first, second):
        await until(page, lambda page=page: items(page, "tasks") == ["buy milk"], "buy milk")


@pytest.mark.parametrize(
    "title",
    [
        "<script>alert(1)</script>",
        '" hx-on:click="alert(1)',
        "</template><img src=x onerror=alert(1)>",
        '<li hx-swap-oob="outerHTML:body">owned</li>',
    ],
)
async def test_a_broadcast_renders_other_users_values_escaped(tabs, title):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/writer/")
    reader = await tabs.open("/todo/tasks/")

    await writer.send("add", board=board.pk, title=title)

    frame = await reader.wait_for_update()
    assert title not in frame["content"]
    assert "<script>" not in frame["content"]
    assert items(reader, "tasks") == [title]  # shown as text, exactly what was typed


async def test_a_deleted_task_disappears_from_every_other_page(tabs):
    board = await Board.objects.acreate(name="home")
    await Task.objects.acreate(board=board, title="keep me")
    drop = await Task.objects.acreate(board=board, title="drop me")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tasks/")
    assert items(other, "tasks") == ["keep me", "drop me"]

    await writer.send("delete_task", task=drop.pk)

    await until(other, lambda: items(other, "tasks") == ["keep me"], "the task gone")


async def test_tags_added_and_removed_show_on_other_pages(tabs):
    board = await Board.objects.acreate(name="home")
    task = await Task.objects.acreate(board=board, title="file taxes")
    urgent = await Tag.objects.acreate(name="urgent")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tagged/")

    await writer.send("tag", task=task.pk, tag=urgent.pk)
    await until(other, lambda: items(other, "tasks") == ["file taxes #urgent"], "the tag")

    await writer.send("untag", task=task.pk, tag=urgent.pk)
    await until(other, lambda: items(other, "tasks") == ["file taxes"], "the tag gone")


async def test_a_board_page_hears_its_own_row_and_its_tasks_and_no_other_board(tabs):
    one = await Board.objects.acreate(name="one")
    two = await Board.objects.acreate(name="two")
    writer = await tabs.open("/todo/writer/")
    board_one = await tabs.open(f"/todo/boards/{one.pk}/")
    board_two = await tabs.open(f"/todo/boards/{two.pk}/")
    counted_two = await tabs.open(f"/todo/counted-boards/{two.pk}/")

    await writer.send("add", board=one.pk, title="child of one")
    await until(board_one, lambda: "child of one" in text(board_one.block("board")), "its task")

    await writer.send("rename_board", board=one.pk, name="one renamed")
    await until(board_one, lambda: "one renamed" in text(board_one.block("board")), "its name")

    # Board two's pages were not even refreshed (the counted one's render count would show).
    await asyncio.gather(assert_quiet(board_two), assert_quiet(counted_two))
    assert text(board_two.block("board")) == "two"


async def test_a_board_page_is_told_to_reload_when_its_board_is_deleted(tabs):
    board = await Board.objects.acreate(name="doomed")
    await Task.objects.acreate(board=board, title="task")
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open(f"/todo/boards/{board.pk}/")

    await writer.send("delete_board", board=board.pk)

    assert await page.receive() == {"reload": True}


async def test_a_task_moved_to_another_board_leaves_the_old_boards_page(tabs):
    old = await Board.objects.acreate(name="old")
    new = await Board.objects.acreate(name="new")
    task = await Task.objects.acreate(board=old, title="wanderer")
    writer = await tabs.open("/todo/writer/")
    old_page = await tabs.open(f"/todo/boards/{old.pk}/")
    new_page = await tabs.open(f"/todo/boards/{new.pk}/")

    await writer.send("move", task=task.pk, board=new.pk)

    await until(new_page, lambda: "wanderer" in text(new_page.block("board")), "the newcomer")
    await until(old_page, lambda: "wanderer" not in text(old_page.block("board")), "it gone", QUIET)


async def test_a_tag_added_to_a_task_reaches_its_boards_page(tabs):
    board = await Board.objects.acreate(name="home")
    task = await Task.objects.acreate(board=board, title="file taxes")
    urgent = await Tag.objects.acreate(name="urgent")
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open(f"/todo/tagged-boards/{board.pk}/")

    await writer.send("tag", task=task.pk, tag=urgent.pk)

    await until(page, lambda: "file taxes #urgent" in text(page.block("board")), "the tag", QUIET)


def test_sync_client_pages_hear_each_other(live_db):
    # The sync LiveClient runs all its pages on one loop of its own: that works too.
    board = Board.objects.create(name="home")  # before any page is open
    client = LiveClient(timeout=WAIT)
    try:
        writer = client.live("/todo/writer/")
        other = client.live("/todo/tasks/")
        writer.send("add", board=board.pk, title="from a sync test")
        other.wait_for_update()
        assert "from a sync test" in text(other.block("tasks"))
        writer.close()
        other.close()
    finally:
        client.close()


async def test_a_save_in_a_thread_of_the_projects_own_reaches_the_pages(tabs):
    # Not the server's worker thread (a thread the project starts itself): the in-memory
    # layer's put runs on the loop that reads the page's channel, never from that thread.
    # Debug mode refuses a wake-up from another thread, so a put from there would fail here.
    asyncio.get_running_loop().set_debug(True)
    board = await Board.objects.acreate(name="home")
    page = await tabs.open("/todo/tasks/")

    def save() -> None:
        try:
            Task.objects.create(board=board, title="from a thread")
        finally:
            close_thread_db_connections()

    thread = threading.Thread(target=save)
    thread.start()
    await until(page, lambda: items(page, "tasks") == ["from a thread"], "the thread's task")
    await asyncio.to_thread(thread.join, WAIT)


def assert_a_saved_task_reaches_a_live_client_page(board: Board) -> None:
    """A task the test saves, from its own thread, shows on a sync LiveClient's page."""
    client = LiveClient(timeout=WAIT)
    try:
        page = client.live("/todo/tasks/")
        Task.objects.create(board=board, title="saved by the test")
        page.wait_for_update()
        assert "saved by the test" in text(page.block("tasks"))
        page.close()
    finally:
        client.close()


def test_a_sync_tests_own_save_reaches_its_pages_in_asyncio_debug_mode(live_db, monkeypatch):
    # tox runs the suite with PYTHONDEVMODE, which puts every new loop in asyncio's debug mode.
    # The test's save used to put onto the page's in-memory queue from the test's thread:
    # debug mode refused that wake-up from a thread not the loop's, and the page never heard
    # of the save. asyncio reads this variable when a loop is made.
    monkeypatch.setenv("PYTHONASYNCIODEBUG", "1")
    board = Board.objects.create(name="home")
    assert_a_saved_task_reaches_a_live_client_page(board)


def test_a_sync_tests_save_reaches_its_pages_when_the_test_next_talks_to_them(live_db, caplog):
    # Pages that refreshed at once would read the tasks while the test's transaction below
    # holds them: the test database's shared cache refuses that ("database table is locked")
    # on SQLite, and the refresh fails.
    board = Board.objects.create(name="home")
    client = LiveClient(timeout=WAIT)
    try:
        page = client.live("/todo/tasks/")
        Task.objects.create(board=board, title="first")
        with transaction.atomic():
            Task.objects.create(board=board, title="second")
            threading.Event().wait(QUIET)
        page.wait_for_update()
        assert items(page, "tasks") == ["first", "second"]
        page.close()
    finally:
        client.close()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_a_sync_tests_save_reaches_the_pages_of_two_clients_in_asyncio_debug_mode(
    live_db, monkeypatch
):
    # Each sync LiveClient runs its pages on a loop of its own: each page's channel is put to
    # on the loop that reads it.
    monkeypatch.setenv("PYTHONASYNCIODEBUG", "1")
    board = Board.objects.create(name="home")
    clients = [LiveClient(timeout=WAIT), LiveClient(timeout=WAIT)]
    try:
        pages = [client.live("/todo/tasks/") for client in clients]
        Task.objects.create(board=board, title="seen by both")
        for page in pages:
            page.wait_for_update()
            assert "seen by both" in text(page.block("tasks"))
            page.close()
    finally:
        for client in clients:
            client.close()


def test_a_save_made_elsewhere_while_the_test_waits_reaches_its_pages(live_db):
    # Another client's page (its handler's save, sent from that client's loop) or a thread of
    # the project's: the send comes while the test waits for the update it brings. Held for
    # the test's next call, it came too late: the wait timed out (a flaky test in tox).
    board = Board.objects.create(name="home")
    client = LiveClient(timeout=WAIT)

    def save() -> None:
        try:
            Task.objects.create(board=board, title="saved meanwhile")
        finally:
            close_thread_db_connections()

    try:
        page = client.live("/todo/tasks/")
        later = threading.Timer(QUIET, save)
        later.start()
        page.wait_for_update()
        later.join(WAIT)
        assert "saved meanwhile" in text(page.block("tasks"))
        page.close()
    finally:
        client.close()


@pytest.mark.urls("tests.urls")  # with the HTTP transport's route
def test_a_sync_tests_save_reaches_its_pages_while_the_process_hosts_an_http_page(
    live_db, no_http_pages, http_browser, monkeypatch
):
    # An HTTP page follows its topics on the background loop. While one was open in the
    # process, every save from the test's thread was sent from that loop, to the test
    # client's pages too: debug mode refused the wake-up of their loop and they never heard
    # of it (without debug mode they heard of it late, or when the wait for it had ended).
    monkeypatch.setenv("PYTHONASYNCIODEBUG", "1")
    monkeypatch.setattr(endpoint, "LONG_POLL", WAIT)
    board = Board.objects.create(name="home")
    http_page = HttpTransportPage(http_browser, "/todo/tasks/")
    assert http_page.join().status_code == 200
    assert_a_saved_task_reaches_a_live_client_page(board)
    # The HTTP page heard of it as well, through its long poll.
    pushed = http_browser.get("/live/http/push/", {"token": http_page.token}).json()["frames"]
    assert any("saved by the test" in frame.get("content", "") for frame in pushed)


# -- 2. messages leave after commit, for broadcast models, or by hand ---------------------------


async def test_a_rolled_back_save_reaches_nobody(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tasks/")

    reply = await writer.send("add_then_roll_back", board=board.pk, title="never happened")
    assert "error" not in reply, reply
    await assert_quiet(other)
    assert renders(other) == 1

    # The page was listening all along: a committed save reaches it.
    await writer.send("add", board=board.pk, title="did happen")
    await until(other, lambda: items(other, "tasks") == ["did happen"], "the committed task")


async def test_only_the_committed_part_of_a_transaction_shows(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tasks/")

    await writer.send("add_in_transaction", board=board.pk, title="outer")

    await until(other, lambda: items(other, "tasks") == ["outer"], "the committed task")


async def test_a_model_not_in_broadcast_models_reaches_nobody(tabs):
    writer = await tabs.open("/todo/writer/")
    notes = await tabs.open("/todo/notes/")

    reply = await writer.send("add_note", text="psst")
    assert "error" not in reply, reply
    await assert_quiet(notes)
    assert items(notes, "notes") == []

    # Subscribed all along: broadcasting the model by hand reaches it.
    await abroadcast(Note)
    await until(notes, lambda: items(notes, "notes") == ["psst"], "the note")


async def test_queryset_update_reaches_pages_through_broadcast_by_hand(tabs):
    board = await Board.objects.acreate(name="home")
    await Task.objects.acreate(board=board, title="wash up")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tasks/")

    await writer.send("finish_all_quietly")  # update() sends no signals
    await assert_quiet(other)
    assert items(other, "tasks") == ["wash up"]

    await writer.send("finish_all")  # the same, then broadcast(Task)
    await until(other, lambda: items(other, "tasks") == ["wash up (done)"], "the task done")


async def test_broadcast_a_topic_string_by_hand(tabs, news):
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open("/todo/news/")
    assert text(page.block("news")) == "nothing yet"

    await writer.send("set_headline", headline="Rain tomorrow")
    await until(page, lambda: text(page.block("news")) == "Rain tomorrow", "the headline")

    await writer.send("set_headline_async", headline="Sun after all")
    await until(page, lambda: text(page.block("news")) == "Sun after all", "the new headline")

    news["headline"] = "Said from async code"
    await abroadcast("news")
    await until(page, lambda: text(page.block("news")) == "Said from async code", "it")


async def test_broadcast_from_an_async_event_reaches_pages(tabs, news):
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open("/todo/news/")

    reply = await writer.send("set_headline_async_with_sync_broadcast", headline="Said in async")

    assert "error" not in reply, reply
    await until(page, lambda: text(page.block("news")) == "Said in async", "the headline", QUIET)


# -- what is published, and when (no sockets: publish() is replaced) -----------------------------


@pytest.fixture
def published(transactional_db: None) -> Iterator[mock.Mock]:
    # Signals and broadcast() both publish through live_views.pubsub.publish.publish.
    with mock.patch("live_views.pubsub.publish.publish") as automatic:
        yield automatic


def sent(publish: mock.Mock) -> list[list[str]]:
    return [sorted(call.args[0]) for call in publish.call_args_list]


def test_a_save_names_the_model_the_row_and_the_rows_it_points_to(published):
    board = Board.objects.create(name="home")
    published.reset_mock()

    task = Task.objects.create(board=board, title="t")

    assert sent(published) == [
        sorted(["todoapp.task", f"todoapp.task:{task.pk}", f"todoapp.board:{board.pk}"])
    ]


def test_a_delete_names_the_deleted_row(published):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    pk = task.pk
    published.reset_mock()

    task.delete()

    assert sent(published) == [
        sorted(["todoapp.task", f"todoapp.task:{pk}", f"todoapp.board:{board.pk}"])
    ]


def test_an_m2m_change_names_both_sides_and_the_rows_parents(published):
    board = Board.objects.create(name="home")
    task = Task.objects.create(board=board, title="t")
    tag = Tag.objects.create(name="urgent")
    published.reset_mock()

    task.tags.add(tag)

    assert sent(published) == [
        sorted(
            [
                "todoapp.task",
                f"todoapp.task:{task.pk}",
                f"todoapp.board:{board.pk}",
                "todoapp.tag",
                f"todoapp.tag:{tag.pk}",
            ]
        )
    ]


def test_a_save_is_published_only_when_its_transaction_commits(published):
    board = Board.objects.create(name="home")
    published.reset_mock()

    with transaction.atomic():
        Task.objects.create(board=board, title="t")
        broadcast("news")
        assert published.call_count == 0

    assert published.call_count == 2


def test_a_rolled_back_transaction_publishes_nothing(published):
    board = Board.objects.create(name="home")
    published.reset_mock()

    def undone_savepoint() -> None:
        with transaction.atomic():
            Task.objects.create(board=board, title="undone")
            broadcast("news")
            raise ValueError("undo")

    with transaction.atomic():
        kept = Task.objects.create(board=board, title="kept")
        with pytest.raises(ValueError, match="undo"):
            undone_savepoint()
    with transaction.atomic():
        Task.objects.create(board=board, title="undone too")
        broadcast("news")
        transaction.set_rollback(True)

    assert sent(published) == [
        sorted(["todoapp.task", f"todoapp.task:{kept.pk}", f"todoapp.board:{board.pk}"])
    ]


def test_only_broadcast_models_are_published(published):
    Note.objects.create(text="not listed")
    Task.objects.filter(pk=0).update(done=True)
    Board(name="fixture").save_base(raw=True)  # loaddata
    assert published.call_count == 0

    with override_settings(LIVE_VIEWS={"BROADCAST_MODELS": "__all__"}):
        note = Note.objects.create(text="all models now")
        SessionStore().create()  # sessions are never broadcast

    assert ["todoapp.note", f"todoapp.note:{note.pk}"] in sent(published)
    assert not [topics for topics in sent(published) if "sessions.session" in topics]


# -- 3. every page renders with its own user ------------------------------------------------------


async def test_each_page_renders_with_its_own_user(tabs):
    alice, bob = await make_user("alice"), await make_user("bob")
    writer = await tabs.open("/todo/writer/", alice)
    alices = await tabs.open("/todo/boards/", alice)
    bobs = await tabs.open("/todo/boards/", bob)
    visitors = await tabs.open("/todo/boards/")

    await writer.send("add_board", name="alice plans", private=True)
    await writer.send("add_board", name="open day")

    for page in (alices, bobs, visitors):
        await until(page, lambda page=page: "open day" in items(page, "boards"), "open day")
    assert items(alices, "boards") == ["alice plans", "open day"]
    assert items(bobs, "boards") == ["open day"]
    assert items(visitors, "boards") == ["open day"]
    assert "Boards for bob" in text(bobs.block("boards"))
    assert "Boards for a visitor" in text(visitors.block("boards"))
    for page in (bobs, visitors):
        assert not [f for f in page.frames if "alice plans" in str(f)]


async def test_a_page_that_may_no_longer_see_its_board_is_told_to_reload(tabs):
    alice, bob = await make_user("alice"), await make_user("bob")
    board = await Board.objects.acreate(name="shared")
    writer = await tabs.open("/todo/writer/", alice)
    visitors = await tabs.open(f"/todo/boards/{board.pk}/")
    alices = await tabs.open(f"/todo/boards/{board.pk}/", alice)
    bobs = await tabs.open(f"/todo/boards/{board.pk}/", bob)

    await writer.send("give_board", board=board.pk, username="bob")

    assert await visitors.receive() == {"reload": True}
    assert await alices.receive() == {"reload": True}

    await writer.send("rename_board", board=board.pk, name="bob only")
    await until(bobs, lambda: "bob only" in text(bobs.block("board")), "the new name")
    assert {"reload": True} not in bobs.frames
    assert await visitors.receive() == {"reload": True}
    for page in (visitors, alices):
        assert not [f for f in page.frames if "bob only" in str(f)]
        assert "shared" in text(page.block("board"))


async def test_an_access_mixin_is_asked_again_on_every_refresh(tabs):
    alice = await make_user("alice")
    await make_user("bob")
    board = await Board.objects.acreate(name="shared")
    writer = await tabs.open("/todo/writer/", alice)
    visitors = await tabs.open(f"/todo/guarded/{board.pk}/")

    await writer.send("give_board", board=board.pk, username="bob")
    await writer.send("rename_board", board=board.pk, name="bob only")

    # Told to reload, or closed as forbidden: either way never shown what it may not see.
    frame = await visitors.receive()
    assert frame == {"reload": True} or visitors.close_code == 4403, frame
    await settle(visitors)
    assert not [f for f in visitors.frames if "bob only" in str(f)]


# -- 4. bursts are coalesced, and the last state always arrives ---------------------------------


async def test_a_thousand_saves_in_one_event_reach_other_pages_and_the_last_state_arrives(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/quiet-writer/")
    other = await tabs.open("/todo/task-count/")

    reply = await writer.send("add_many", board=board.pk, count=1000)

    assert "error" not in reply, reply
    final = "1000 tasks, the newest: burst 1000"
    await until(other, lambda: text(other.block("count")) == final, final)


async def test_a_thousand_saves_in_one_event_rerender_other_pages_a_few_times(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/quiet-writer/")
    other = await tabs.open("/todo/task-count/")

    await writer.send("add_many", board=board.pk, count=1000)
    final = "1000 tasks, the newest: burst 1000"
    await until(other, lambda: text(other.block("count")) == final, final)
    await settle(other, max_updates=10)

    # A few refreshes for 1000 saves (3000 messages), not one per save or per message.
    assert len(updates(other)) < 10, len(updates(other))
    assert renders(other) < 10  # the mount and the refreshes
    assert text(other.block("count")) == final


async def test_saves_from_a_plain_django_view_reach_pages_and_the_last_state_arrives(tabs):
    # A plain Django view (no live page) saves in its own request thread while pages refresh.
    board = await Board.objects.acreate(name="home")
    other = await tabs.open("/todo/tasks/")

    response = await AsyncClient().post("/todo/bulk-add/", {"board": board.pk, "count": 100})

    assert response.status_code == 204
    await until(other, lambda: len(items(other, "tasks")) == 100, "100 tasks")
    assert items(other, "tasks")[-1] == "bulk 100"


async def test_broadcasts_that_arrive_while_the_worker_thread_is_busy_coalesce(tabs):
    await Board.objects.acreate(name="home")
    other = await tabs.open("/todo/tasks/")
    started, release = threading.Event(), threading.Event()

    def slow_handler() -> None:  # another page's slow event: a process's pages share a thread
        started.set()
        release.wait(WAIT)

    busy = asyncio.ensure_future(sync_to_async(slow_handler)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    for _ in range(20):
        await abroadcast(Task)
    await asyncio.sleep(0.1)  # let the page read its messages, as it would during the burst
    release.set()
    await busy
    await settle(other)

    assert 1 <= len(updates(other)) <= 3, len(updates(other))


# -- 5. group names are built on the server only -------------------------------------------------


async def test_no_client_frame_can_subscribe_a_page(tabs, news):
    page = await tabs.open("/todo/tasks/")
    # A socket joins once: the hostile join is the first join of a socket of its own.
    unjoined = await AsyncLiveClient(timeout=WAIT).live("/todo/tasks/", join=False)
    tabs.pages.append(unjoined)
    await unjoined.send_frame({"event": "noop", "ref": 1})  # answered once it has subscribed
    assert (await unjoined.receive() or {}).get("error", {}).get("code") == "unknown_event"
    members = group_members()
    hostile: list[dict[str, Any]] = [
        {"event": "live.broadcast", "args": {"topic": "news"}, "ref": 1},
        {"event": "live_broadcast", "ref": 2},
        {"event": "subscribe", "args": {"topic": "news", "group": group_name("news")}, "ref": 3},
        {"type": "live.broadcast"},
        {"type": "live.broadcast", "group": group_name("news"), "topics": ["news"]},
        {"type": "websocket.receive", "text": "{}"},
    ]
    for frame in hostile:
        await page.send_frame(frame)
        reply = await page.receive()
        assert reply is not None
        assert reply["error"]["code"] in ("unknown_event", "bad_frame"), (frame, reply)

    join = {"version": __version__, "blocks": {}, "topics": ["news"], "groups": ["lv.x"]}
    await unjoined.send_frame({"join": join})
    assert (await unjoined.receive() or {}).get("joined") is True

    assert group_members() == members
    news["headline"] = "for news pages only"
    await abroadcast("news")
    await assert_quiet(page)
    await assert_quiet(unjoined)
    await abroadcast(Task)  # its own topic still works
    await page.wait_for_update()


def test_group_names_are_hashed_valid_and_distinct():
    layer: Any = get_channel_layer()
    topics = ["todoapp.task", "todoapp.board:1", "todoapp.board:11", "news", "x" * 500, "ü ö !"]
    names = [group_name(topic) for topic in topics]
    for name in names:
        assert layer.require_valid_group_name(name)
        assert name.startswith("lv.")
        assert len(name) < 100
    assert len(set(names)) == len(topics)
    assert [group_name(topic) for topic in topics] == names
    assert "news" not in group_name("news")


# -- 6. what a page subscribes to ---------------------------------------------------------------


def view_topics(view_class: type, path: str, user: Any = None, **kwargs: Any) -> list[str]:
    """Run a view as a page load would and return the topics its page follows."""
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    view = view_class()
    view.setup(request, **kwargs)
    view.get(request, **kwargs)
    return topics_of(view.get_live_subscriptions())


class OpenTasksView(LiveListView):
    queryset = Task.objects.filter(done=False)
    template_name = "todoapp/tasks.html"


@pytest.mark.django_db
def test_default_subscriptions_follow_the_views_data():
    board = Board.objects.create(name="home")
    assert view_topics(todo_views.TaskListView, "/todo/tasks/") == ["todoapp.task"]
    assert view_topics(OpenTasksView, "/open/") == ["todoapp.task"]
    assert view_topics(todo_views.BoardDetailView, "/b/", pk=board.pk) == [
        f"todoapp.board:{board.pk}"
    ]
    assert view_topics(todo_views.TopicView, "/todo/news/") == ["news"]


@pytest.mark.django_db
def test_live_subscriptions_mix_models_instances_and_strings():
    board = Board.objects.create(name="home")
    assert view_topics(MixedSubscriptionsView, "/m/", pk=board.pk) == sorted(
        ["news", "todoapp.tag", f"todoapp.board:{board.pk}"]
    )


def test_a_subscription_must_be_a_model_an_instance_or_a_string():
    assert topic_of(Task) == "todoapp.task"
    assert topic_of(Task(pk=7)) == "todoapp.task:7"
    assert topic_of("anything at all") == "anything at all"
    for wrong in (42, None, Task.objects.none(), [Task]):
        with pytest.raises(TypeError, match="Cannot subscribe"):
            topic_of(wrong)


async def test_a_list_page_follows_the_whole_model_only(tabs):
    one = await Board.objects.acreate(name="one")
    two = await Board.objects.acreate(name="two")
    writer = await tabs.open("/todo/writer/")
    other = await tabs.open("/todo/tasks/")

    await writer.send("add", board=one.pk, title="on one")
    await until(other, lambda: items(other, "tasks") == ["on one"], "the first task")
    await writer.send("add", board=two.pk, title="on two")
    await until(other, lambda: items(other, "tasks") == ["on one", "on two"], "both tasks")

    await writer.send("rename_board", board=one.pk, name="boards are another model")
    await assert_quiet(other)


async def test_a_detail_page_follows_its_own_row_only(tabs):
    one = await Board.objects.acreate(name="one")
    two = await Board.objects.acreate(name="two")
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open(f"/todo/counted-boards/{one.pk}/")

    await writer.send("rename_board", board=two.pk, name="two renamed")
    await writer.send("add_board", name="three")
    await writer.send("add", board=two.pk, title="on two")
    await assert_quiet(page)
    assert renders(page) == 1

    await writer.send("rename_board", board=one.pk, name="one renamed")
    await until(page, lambda: "one renamed" in text(page.block("board")), "its new name")


async def test_live_subscriptions_with_a_model_an_instance_and_a_string(tabs, news):
    one = await Board.objects.acreate(name="one")
    two = await Board.objects.acreate(name="two")
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open(f"/todo/mixed/{one.pk}/")

    await writer.send("set_headline", headline="extra")  # the topic string
    await until(page, lambda: "extra" in text(page.block("mixed")), "the headline")
    await writer.send("add_tag", name="fresh")  # the model
    await until(page, lambda: "#fresh" in text(page.block("mixed")), "the tag")
    await writer.send("rename_board", board=one.pk, name="one renamed")  # the instance
    await until(page, lambda: "one renamed" in text(page.block("mixed")), "the board")

    seen = renders(page)
    await writer.send("rename_board", board=two.pk, name="not followed")
    await assert_quiet(page)
    assert renders(page) == seen


async def test_a_page_that_navigates_to_another_row_follows_that_row_instead(tabs):
    one = await Board.objects.acreate(name="one")
    two = await Board.objects.acreate(name="two")
    writer = await tabs.open("/todo/writer/")
    page = await tabs.open(f"/todo/picked/?board={one.pk}")

    await page.send("pick", board=two.pk)  # live_patch: ?board=<two>
    assert text(page.block("picked")) == "two"
    await writer.send("rename_board", board=two.pk, name="two renamed")
    await until(page, lambda: "two renamed" in text(page.block("picked")), "the row it shows")
    seen = renders(page)
    await writer.send("rename_board", board=one.pk, name="left behind")
    await assert_quiet(page)  # the row it no longer shows costs it nothing
    assert renders(page) == seen

    await page.back()  # ?board=<one> again: followed again
    await writer.send("rename_board", board=one.pk, name="one again")
    await until(page, lambda: "one again" in text(page.block("picked")), "the row it shows again")


# -- the test client itself ----------------------------------------------------------------------


async def test_a_receive_timeout_leaves_the_page_open(live_db):
    page = await AsyncLiveClient(timeout=WAIT).live("/todo/tasks/")
    try:
        with pytest.raises(TimeoutError):
            await page.receive(0.1)
        try:
            await page.send("count_renders")
        except asyncio.CancelledError:
            pytest.fail("the receive() timeout cancelled the page's application")
        assert renders(page) == 2
    finally:
        with contextlib.suppress(asyncio.CancelledError):
            await page.close()
