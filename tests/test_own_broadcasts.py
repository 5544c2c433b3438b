"""socket/own_broadcasts.py: a page whose own event saves what it follows renders once for that
event, not a second time when the save's broadcast comes back to it. Every other page (another
visitor's, the same user's other tab, a page of another process) still hears it, and the page
still refreshes for every broadcast its event's render may not show.

The task lists here count their renders in a ``renders`` block, so a refresh always reaches the
page as a frame: a page that stays quiet was not refreshed.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import override_settings

from live_views.connect.wire import BROADCAST, BROADCAST_BY
from live_views.http import endpoint
from live_views.pubsub import origin
from live_views.pubsub.topics import group_name
from live_views.socket import own_broadcasts
from live_views.socket.own_broadcasts import EventPublishes, event_ended, shows_already
from live_views.testing import LiveRefused
from tests.test_broadcast import (
    Tabs,
    assert_quiet,
    items,
    make_user,
    news,
    renders,
    tabs,
    text,
    until,
)
from tests.test_http_endpoint import Page
from tests.test_http_pushes import poll
from tests.test_hub import following
from tests.todoapp import shared_views, views
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.urls("tests.todoapp.broadcast_views")

__all__ = ["news", "tabs"]  # fixtures

ATOMIC_UNITS = "tests.todoapp.broadcast_views.AtomicUnits"


async def saved_by_writer_and_told(tabs: Tabs, path: str, event: str, **args: Any) -> Any:
    """Open ``path`` as the writer and /todo/tasks/ as another visitor's page; run ``event``
    on the writer and wait until the other page shows the task it saved."""
    writer = await tabs.open(path)
    other = await tabs.open("/todo/tasks/")
    if event.endswith("_then_fail"):
        with pytest.raises(RuntimeError, match="the handler failed after its save"):
            await writer.send(event, **args)
        reply = writer.frames[-1]
    else:
        reply = await writer.send(event, **args)
    await until(other, lambda: args["title"] in items(other, "tasks"), args["title"])
    return writer, reply


# -- the page that saves renders once ------------------------------------------------------------


async def test_a_page_that_saves_what_it_follows_renders_once_and_every_other_page_hears_it(
    tabs,
):
    board = await Board.objects.acreate(name="home")
    alice, bob = await make_user("alice"), await make_user("bob")
    writer = await tabs.open("/todo/own-saves/", alice)
    same_user = await tabs.open("/todo/tasks/", alice)  # alice's other tab
    other_user = await tabs.open("/todo/tasks/", bob)
    assert renders(writer) == 1

    reply = await writer.send("add", board=board.pk, title="buy milk")

    assert "error" not in reply, reply
    assert items(writer, "tasks") == ["buy milk"]
    assert renders(writer) == 2  # mounted, then the event
    for page in (same_user, other_user):
        await until(page, lambda page=page: items(page, "tasks") == ["buy milk"], "buy milk")
        assert renders(page) == 2  # mounted, then the broadcast
    await assert_quiet(writer)  # no second get() and render for its own save
    assert renders(writer) == 2


async def test_a_page_that_saves_in_a_burst_renders_once(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/own-saves/")
    other = await tabs.open("/todo/tasks/")

    await writer.send("add_many", board=board.pk, count=20)

    await until(other, lambda: len(items(other, "tasks")) == 20, "twenty tasks")
    await assert_quiet(writer)
    assert renders(writer) == 2
    assert len(items(writer, "tasks")) == 20


async def test_an_async_handlers_save_that_comes_back_during_its_event_is_let_pass(tabs):
    # The handler waits after its save: the broadcast reaches the page while the event is under
    # way, is held, and passes once its render showed the save.
    board = await Board.objects.acreate(name="home")
    writer, _ = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", "add_async", board=board.pk, title="async"
    )
    assert items(writer, "tasks") == ["async"]
    await assert_quiet(writer)
    assert renders(writer) == 2


@pytest.mark.parametrize(
    "event", ["set_headline", "set_headline_async", "set_headline_async_with_sync_broadcast"]
)
async def test_broadcast_and_abroadcast_from_a_handler_are_let_pass_by_its_own_page(
    tabs, news, event
):
    writer = await tabs.open("/todo/news-writer/")
    other = await tabs.open("/todo/news-writer/")

    await writer.send(event, headline="Rain tomorrow")

    assert text(writer.block("news")) == "Rain tomorrow"
    await until(other, lambda: text(other.block("news")) == "Rain tomorrow", "the headline")
    await assert_quiet(writer)
    assert renders(writer) == 2


# -- and still hears what its render may not show ------------------------------------------------


async def test_a_save_from_elsewhere_after_its_render_still_refreshes_the_page(tabs):
    board = await Board.objects.acreate(name="home")
    writer = await tabs.open("/todo/own-saves/")
    await writer.send("add", board=board.pk, title="mine")

    await Task.objects.acreate(board=board, title="theirs")  # not the page's event

    await until(writer, lambda: items(writer, "tasks") == ["mine", "theirs"], "their task")


async def test_two_pages_that_save_at_once_each_show_both_saves(tabs):
    board = await Board.objects.acreate(name="home")
    one = await tabs.open("/todo/own-saves/")
    two = await tabs.open("/todo/own-saves/")

    await asyncio.gather(
        one.send("add", board=board.pk, title="one"), two.send("add", board=board.pk, title="two")
    )

    for page in (one, two):
        await until(page, lambda page=page: sorted(items(page, "tasks")) == ["one", "two"], "both")


async def test_two_pages_that_broadcast_at_once_each_show_the_last_headline(tabs, news):
    one = await tabs.open("/todo/news-writer/")
    two = await tabs.open("/todo/news-writer/")

    await asyncio.gather(
        one.send("set_headline", headline="one"), two.send("set_headline", headline="two")
    )

    last = views.NEWS["headline"]
    for page in (one, two):
        await until(page, lambda page=page: text(page.block("news")) == last, last)


async def test_a_save_in_another_context_during_the_event_is_heard(tabs):
    board = await Board.objects.acreate(name="home")
    writer, _ = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", "add_in_another_context", board=board.pk, title="elsewhere"
    )
    await until(writer, lambda: renders(writer) == 3, "a refresh")  # it cannot know it shows it


async def test_a_handler_that_fails_after_its_save_still_shows_the_save(tabs):
    board = await Board.objects.acreate(name="home")
    writer, reply = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", "add_then_fail", board=board.pk, title="saved anyway"
    )
    assert reply["error"]["code"] == "server_error"
    await until(writer, lambda: items(writer, "tasks") == ["saved anyway"], "the save")


async def test_a_handler_that_renders_one_block_still_shows_its_save_in_the_others(tabs):
    board = await Board.objects.acreate(name="home")
    writer, reply = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", "add_and_target", board=board.pk, title="listed later"
    )
    assert "listed later" not in reply.get("content", "")  # its render named the count only
    await until(writer, lambda: items(writer, "tasks") == ["listed later"], "the task")


async def test_a_components_save_refreshes_the_page_around_it(tabs):
    board = await Board.objects.acreate(name="home")
    page = await tabs.open("/todo/tasks-with-adder/")

    await page.component("adder").send("add", board=board.pk, title="from the component")

    await until(page, lambda: text(page.block("tasks")) == "from the component", "the task")


@pytest.fixture
def atomic_units() -> Iterator[None]:
    """A project middleware runs each unit of the socket's work in a transaction, which commits
    once the unit is over: an event's save commits after its render."""
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, ATOMIC_UNITS]):
        yield


@pytest.mark.parametrize("event", ["add", "add_async"])
async def test_a_page_that_saves_in_its_middlewares_transaction_renders_once(
    tabs, atomic_units, event
):
    # The render ran inside that transaction, after the handler, and showed the save: its
    # broadcast, published when the transaction commits, passes the page by. (An async
    # handler runs between two units, outside the transaction: its save commits at once.)
    board = await Board.objects.acreate(name="home")
    writer, reply = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", event, board=board.pk, title="committed later"
    )
    assert "error" not in reply, reply
    assert items(writer, "tasks") == ["committed later"]
    await assert_quiet(writer)  # no second get() and render for its own save
    assert renders(writer) == 2  # mounted, then the event


@pytest.mark.parametrize("event", ["add_then_fail", "add_and_target"])
async def test_a_save_in_the_middlewares_transaction_its_render_did_not_show_is_heard(
    tabs, atomic_units, event
):
    # A handler that failed after its save (the middleware's transaction commits it anyway),
    # or whose render named one block: the page refreshes for its save, as before.
    board = await Board.objects.acreate(name="home")
    writer, _ = await saved_by_writer_and_told(
        tabs, "/todo/own-saves/", event, board=board.pk, title="listed later"
    )
    await until(writer, lambda: items(writer, "tasks") == ["listed later"], "the task")


@pytest.mark.urls("tests.todoapp.stream_views")
async def test_a_row_its_stream_inserts_saved_in_the_middlewares_transaction_is_heard(
    tabs, atomic_units
):
    # The page's whole render keeps its stream's items as they were: only the broadcast
    # inserts the row it saved.
    board = await Board.objects.acreate(name="home")
    page = await tabs.open("/tasks/")

    await page.send("add", board=board.pk, title="streamed")

    shows = ["streamed (seen by anonymous)"]
    await until(page, lambda: items(page, "s-tasks") == shows, "the row")


# -- and runs the access checks that broadcast's refresh would have run ---------------------------


async def test_a_handler_that_takes_its_users_access_away_closes_its_page_as_a_refresh_would(
    tabs,
):
    # The view's test_func() (in dispatch()) refuses alice once her board is bob's: the refresh
    # her save's broadcast would have made closes the page 4403, and so does her own event.
    alice, bob = await make_user("alice"), await make_user("bob")
    board = await Board.objects.acreate(name="alice's plans", owner=alice)
    page = await tabs.open(f"/todo/giving-guarded/{board.pk}/", alice)
    bobs = await tabs.open("/todo/boards/", bob)
    shown = page.html

    with pytest.raises(LiveRefused) as refused:
        await page.send("give_away", username="bob")

    assert refused.value.code == 4403
    assert page.html == shown  # closed before anything was sent: not live, not updated
    await until(bobs, lambda: items(bobs, "boards") == ["alice's plans"], "the board")


async def test_a_handler_whose_page_can_no_longer_find_its_row_reloads_it_as_a_refresh_would(
    tabs,
):
    # get_queryset() no longer holds the board (a 404): the refresh would reload the page.
    alice = await make_user("alice")
    await make_user("bob")
    board = await Board.objects.acreate(name="alice's plans", owner=alice)
    page = await tabs.open(f"/todo/giving/{board.pk}/", alice)

    reply = await page.send("give_away", username="bob")

    assert reply.get("reload") is True, reply
    assert "content" not in reply
    assert "error" not in reply
    assert renders(page) == 1
    # Its save was not shown after all: the page hears its broadcast, and the refresh agrees.
    assert await page.receive() == {"reload": True}


async def test_a_handler_whose_user_keeps_access_renders_once_with_the_checks(tabs):
    alice = await make_user("alice")
    board = await Board.objects.acreate(name="plans", owner=alice)
    page = await tabs.open(f"/todo/giving/{board.pk}/", alice)

    await page.send("rename", name="better plans")

    assert "better plans" in page.block("board")
    assert renders(page) == 2  # the checks built the render's context: one get() for the event
    await assert_quiet(page)


@pytest.mark.urls("tests.shared_urls")
async def test_only_an_event_that_publishes_to_its_own_page_runs_the_access_checks(
    tabs, monkeypatch
):
    alice = await make_user("alice")
    page = await tabs.open("/shared/guarded/", alice)
    shared_views.CHECKS.clear()

    await page.send("show", limit=5)  # publishes nothing
    await page.send("add_board", name="elsewhere")  # publishes what the page does not follow
    assert shared_views.CHECKS == []

    await page.send("add", title="mine")
    assert shared_views.CHECKS == ["alice"]
    monkeypatch.setattr(shared_views, "DENIED", {"alice"})
    reply = await page.send("add", title="not shown")
    # A shared render's refresh reloads a page whose user lost access: so does its own event.
    assert reply.get("reload") is True, reply
    assert "not shown" not in page.block("tasks")
    assert await page.receive() == {"reload": True}  # the refresh for its save agrees


# -- live_shared_render and per-user views --------------------------------------------------------


@pytest.mark.urls("tests.shared_urls")
@pytest.mark.parametrize(("path", "gets"), [("/shared/board/", 2), ("/shared/per-user/", 3)])
async def test_a_shared_or_per_user_page_that_saves_is_not_rendered_again(tabs, path, gets):
    writer, *others = [await tabs.open(path) for _ in range(3)]
    shared_views.GETS.clear()

    await writer.send("add", title="mine")

    for page in others:
        await until(page, lambda page=page: "mine" in page.block("tasks"), "the task")
    await assert_quiet(writer)
    # The writer's event, then the others' refresh: once for both (shared), or once each.
    assert len(shared_views.GETS) == gets


@pytest.mark.urls("tests.shared_urls")
async def test_a_shared_page_that_saves_is_checked_in_its_event_not_again_with_the_others(tabs):
    alice, bob, carol = [await make_user(name) for name in ("alice", "bob", "carol")]
    writer = await tabs.open("/shared/guarded/", alice)
    others = [await tabs.open("/shared/guarded/", user) for user in (bob, carol)]
    shared_views.CHECKS.clear()

    await writer.send("add", title="mine")

    for page in others:
        await until(page, lambda page=page: "mine" in page.block("tasks"), "the task")
    await assert_quiet(writer)
    # Once per user: the writer's in its own event, which its broadcast then passes by.
    assert sorted(shared_views.CHECKS) == ["alice", "bob", "carol"]


# -- the HTTP transport ---------------------------------------------------------------------------


@pytest.fixture
def http_pages(no_http_pages: None, http_browser: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from django.test import Client

    monkeypatch.setattr(endpoint, "LONG_POLL", 5.0)
    return http_browser, Client(enforce_csrf_checks=True)


@pytest.mark.urls("tests.urls")
def test_a_page_on_http_that_saves_renders_once_and_the_others_hear_it(http_pages, monkeypatch):
    board = Board.objects.create(name="home")
    writer, other = Page(http_pages[0], "/todo/tasks/"), Page(http_pages[1], "/todo/tasks/")
    writer.join()
    other.join()

    assert "buy milk" in writer.event("add", board=board.pk, title="buy milk").content.decode()

    assert any("buy milk" in frame.get("content", "") for frame in poll(other))
    monkeypatch.setattr(endpoint, "LONG_POLL", 1.0)
    assert poll(writer) == []  # its own save was not rendered a second time
    # In the frame request's transaction (ATOMIC_REQUESTS): tests/test_http_own_broadcasts.py.


# -- the hub: a pass tells every page the broadcasts it needs -------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def live_broadcast(self, message: dict[str, Any]) -> None:
        self.messages.append(message)


@pytest.mark.parametrize(
    ("first", "second", "told"),
    [
        # One page's event, then another's: one refresh that every page hears.
        ({BROADCAST_BY: 1}, {BROADCAST_BY: 2}, [None]),
        ({BROADCAST_BY: 1}, {}, [None]),  # an event's, then one no page's event sent
        ({}, {BROADCAST_BY: 1}, [None]),
        ({BROADCAST_BY: 1}, {BROADCAST_BY: 1}, [1]),  # one event's, twice: its page lets it pass
    ],
)
async def test_a_pass_tells_one_refresh_which_names_an_event_only_if_it_sent_them_all(
    first, second, told
):
    pages = [Recorder(), Recorder()]
    async with following(pages, "news") as hub:
        layer: Any = get_channel_layer()
        for message in (first, second):  # both wait for the hub's reader: one pass
            await layer.send(
                hub.channel, {"type": BROADCAST, "group": group_name("news"), **message}
            )
        deadline = time.monotonic() + 5
        while not all(page.messages for page in pages) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
    for page in pages:
        assert [message.get(BROADCAST_BY) for message in page.messages] == told


# -- the record itself -----------------------------------------------------------------------------


class Owner:
    def __init__(self) -> None:
        self.own_broadcasts: own_broadcasts.OwnBroadcasts | None = None
        self.topics = ["news"]  # what the page follows


def published(
    publishes: EventPublishes, topics: tuple[str, ...] = ("news",), **message: Any
) -> dict[str, Any]:
    with publishes:
        return origin.tagged({"type": BROADCAST, **message}, topics)


def test_outside_a_handler_nothing_is_tagged():
    assert origin.tagged({"type": BROADCAST}, ["news"]) == {"type": BROADCAST}
    page = Owner()
    publishes = EventPublishes(page)
    published(publishes)
    # The handler returned:
    assert origin.tagged({"type": BROADCAST}, ["news"]) == {"type": BROADCAST}
    assert publishes.tag({"type": BROADCAST}, ["news"]) == {"type": BROADCAST}  # window closed


def test_an_event_reaches_its_page_only_by_a_topic_the_page_follows():
    # An event that reaches its page runs the page's access checks before its render.
    page = Owner()
    publishes = EventPublishes(page)
    published(publishes, ("other", "elsewhere"))
    assert publishes.by is not None
    assert not publishes.reaches
    published(publishes, ("other", "news"))
    assert publishes.reaches


def test_each_event_tags_its_broadcasts_with_an_id_of_its_own():
    page = Owner()
    ids = set()
    for _ in range(3):
        publishes = EventPublishes(page)
        ids.add(published(publishes)[BROADCAST_BY])
        event_ended(page)
    assert len(ids) == 3


def test_a_broadcast_of_an_event_whose_render_showed_it_passes_before_and_after_it_ends():
    page = Owner()
    publishes = EventPublishes(page)
    message = published(publishes)
    publishes.rendered_whole(frozenset())

    assert shows_already(page, message)  # came during the event: held
    assert event_ended(page) == []  # and let pass
    assert shows_already(page, message)  # came after it ended
    assert not shows_already(page, {"type": BROADCAST})  # nobody's event
    assert not shows_already(page, {"type": BROADCAST, BROADCAST_BY: message[BROADCAST_BY] + 1})


def test_a_broadcast_of_an_event_whose_render_did_not_show_it_is_heard():
    page = Owner()
    publishes = EventPublishes(page)
    message = published(publishes)  # no rendered_whole(): failed, targeted, a component's

    assert shows_already(page, message)  # held while the event is under way
    assert event_ended(page) == [message]  # then heard
    assert not shows_already(page, message)


def test_a_row_that_a_stream_of_the_page_inserts_is_heard():
    page = Owner()
    publishes = EventPublishes(page)
    message = published(publishes, row=["todoapp.task", "1", "c"])
    publishes.rendered_whole(frozenset({"todoapp.task"}))
    event_ended(page)
    assert not shows_already(page, message)

    publishes = EventPublishes(page)
    message = published(publishes, row=["todoapp.board", "1", "u"])
    publishes.rendered_whole(frozenset({"todoapp.task"}))
    event_ended(page)
    assert shows_already(page, message)


@pytest.mark.parametrize(
    ("saved", "streamed"),
    [
        ("todoapp.place", "todoapp.restaurant"),  # a save through the parent model
        ("todoapp.restaurant", "todoapp.place"),
        ("todoapp.article", "todoapp.review"),  # of a first parent (a second's has its row)
    ],
)
def test_a_row_of_a_model_a_stream_of_the_page_shows_by_inheritance_is_heard(saved, streamed):
    # The stream shows the row under another model of its key (socket/changed_rows.py): the
    # page's whole render keeps the item as it was, only the broadcast updates it.
    page = Owner()
    publishes = EventPublishes(page)
    message = published(publishes, row=[saved, "1", "u"])
    publishes.rendered_whole(frozenset({streamed}))
    event_ended(page)
    assert not shows_already(page, message)


def test_a_page_remembers_its_last_events_only():
    page = Owner()
    sent = []
    for _ in range(own_broadcasts.KEEP + 1):
        publishes = EventPublishes(page)
        sent.append(published(publishes))
        publishes.rendered_whole(frozenset())
        event_ended(page)
    assert not shows_already(page, sent[0])  # long ago: refreshed for, as any broadcast
    assert all(shows_already(page, message) for message in sent[1:])


def test_a_task_a_handler_started_publishes_untagged_once_the_handler_returned():
    page = Owner()
    publishes = EventPublishes(page)
    with publishes:
        later = contextvars.copy_context()  # what a task it starts keeps
    assert later.run(origin.tagged, {"type": BROADCAST}, ["news"]) == {"type": BROADCAST}


async def test_a_task_in_the_handlers_context_is_tagged_while_it_runs():
    page = Owner()
    publishes = EventPublishes(page)
    with publishes:
        tag = sync_to_async(origin.tagged)
        tagged = await asyncio.create_task(tag({"type": BROADCAST}, ["news"]))
    assert BROADCAST_BY in tagged
