"""The kanban board (tests/kanbanapp) in real Chromium: two servers on one database and one
Redis, one with the websocket route and one without (its pages go over the HTTP transport), a
browser on each."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.browser_fixtures import CONNECTED, PageLog, expect
from tests.live_server import LiveServer
from tests.test_scaleout import private_redis

pytestmark = [pytest.mark.browser, pytest.mark.redis]

SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.kanbanapp.settings"}


class KanbanServer(LiveServer):
    ready_path = "/kanban/"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    yield from private_redis(tmp_path_factory)


@pytest.fixture(scope="module")
def servers(redis_server, tmp_path_factory):
    db = tmp_path_factory.mktemp("kanban") / "db.sqlite3"
    env = {**SETTINGS, "REDIS_URL": redis_server.url}
    with (
        KanbanServer(db_path=db, env=env) as socket,
        KanbanServer(db_path=db, env={**env, "DEMO_NO_WEBSOCKET": "1"}) as http,
    ):
        # closing(): a connection's own `with` commits but leaves it open (a ResourceWarning).
        with closing(sqlite3.connect(db)) as connection, connection:
            connection.execute("INSERT INTO todoapp_board (id, name) VALUES (1, 'Sprint')")
            connection.executemany(
                "INSERT INTO todoapp_task (id, board_id, title, done) VALUES (?, 1, ?, 0)",
                [(1, "one"), (2, "two"), (3, "three")],
            )
        yield socket, http


@pytest.fixture
def server(servers):
    return servers[0]  # for page_log: the socket server's log


def open_page(browser, server, path):
    log = PageLog(server)
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(10_000)
    page = log.watch(context.new_page())
    page.goto(path)
    page.wait_for_selector(CONNECTED)
    return page, log


def card(page, pk):
    return page.locator(f'[data-live-id="{pk}"]')


def test_two_viewers_one_on_http_edit_move_and_attach_cards(browser, servers):
    socket, http = servers
    mine, my_log = open_page(browser, socket, "/kanban/")
    theirs, their_log = open_page(browser, http, "/kanban/1/")
    try:
        expect(theirs.locator("[data-live-root]")).to_have_attribute("data-live-transport", "http")
        # Live navigation from the board list to a filtered board, its patch, Back, Forward.
        mine.get_by_role("link", name="Sprint").click()
        expect(mine.locator("#filter")).to_have_text("t")
        expect(card(mine, 1)).to_have_count(0)
        mine.locator("#all").click()
        expect(card(mine, 1)).to_have_count(1)
        mine.go_back()
        expect(card(mine, 1)).to_have_count(0)
        mine.go_forward()
        expect(card(mine, 1)).to_have_count(1)
        mine.wait_for_selector(CONNECTED)

        # Mine: a file chosen for card 2, half a title typed in card 3.
        card(mine, 2).locator("input[type=file]").set_input_files(
            [{"name": "plan.txt", "mimeType": "text/plain", "buffer": b"p" * 2000}]
        )
        # (Set without an input event: typed within validation's pause, not sent yet.)
        card(mine, 3).locator("input[name=title]").evaluate("(input) => input.value = 'thre'")
        # Theirs, over HTTP: the hook moves card 1 to Done, a star only they see.
        card(theirs, 1).locator(".grip").click()
        card(theirs, 1).locator(".star").click()
        expect(theirs.locator('#lv-done [data-live-id="1"]')).to_have_count(1)
        expect(mine.locator('#lv-done [data-live-id="1"]')).to_have_count(1)
        expect(card(theirs, 1).locator("b")).to_have_text("one")
        expect(card(mine, 1)).not_to_contain_text("★")
        # The broadcasts re-rendered mine's cards: what was typed and chosen there stays.
        expect(card(mine, 3).locator("input[name=title]")).to_have_value("thre")
        chosen = card(mine, 2).locator("input[type=file]").evaluate("(i) => i.files.length")
        assert chosen == 1

        card(mine, 2).locator("input[name=title]").fill("two!")
        card(mine, 2).get_by_role("button", name="Save").click()
        expect(card(mine, 2)).to_contain_text("📎plan")
        expect(card(theirs, 2).locator("b")).to_have_text("two!")
        expect(card(theirs, 1)).to_contain_text("★")
        # Background work a card starts, its progress and result pushed over HTTP.
        card(theirs, 2).locator(".summarize").click()
        expect(theirs.locator("#summary")).to_have_text("two!: summarized")
        assert my_log.errors == []
        # Its refused socket is the browser's own console error, not ours.
        assert [e for e in their_log.errors if "WebSocket" not in e and "ws:error" not in e] == []
    finally:
        print(my_log.report(), their_log.report(), sep="\n")
        mine.context.close()
        theirs.context.close()
