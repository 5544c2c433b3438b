"""Broadcasts reach a page on the HTTP transport from another WSGI process, through Redis
(channels-redis): two gunicorn servers, one database, one Redis, Chromium on each."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED
from tests.live_server import WsgiServer
from tests.test_browser import add_todo, todo_row, unique_title
from tests.test_scaleout import private_redis

pytestmark = [pytest.mark.browser, pytest.mark.redis]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    yield from private_redis(tmp_path_factory)


@pytest.fixture(scope="module")
def servers(redis_server, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("http-scaleout") / "db.sqlite3"
    env = {"REDIS_URL": redis_server.url, "DEMO_TRANSPORT": "http"}
    with WsgiServer(db_path=db_path, env=env) as a, WsgiServer(db_path=db_path, env=env) as b:
        yield a, b


@pytest.fixture(scope="module")
def server(servers):
    return servers[0]  # what the page_log fixture reads its log from


def test_a_todo_added_through_one_wsgi_process_reaches_a_page_of_the_other(browser, servers):
    a, b = servers
    watcher = browser.new_context(base_url=a.base_url).new_page()
    writer = browser.new_context(base_url=b.base_url).new_page()
    for page in (watcher, writer):
        page.goto("/todos/")
        page.wait_for_selector('body[data-live-transport="http"]')
        page.wait_for_selector(CONNECTED)
    title = unique_title("across wsgi processes")
    add_todo(writer, title)
    expect(todo_row(writer, title)).to_have_count(1)
    expect(todo_row(watcher, title)).to_have_count(1, timeout=2_000)
