"""A page on a WSGI server with the default transport (Django's runserver without daphne):
its socket cannot open, it goes on over HTTP and tries the socket again now and then. Found by a
walk-through of the HTTP transport guide: each try aborted the page's long-poll, which the
server went on holding; the next push requests were refused (429) and broadcasts came late."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED, wait_until
from tests.live_server import RunserverServer
from tests.test_browser import add_todo, todo_row, unique_title

# The socket is tried again 0.4 s after the fallback, not 2 s (tests/browser_fixtures.py).
LIVE_TIMINGS = {"socketRetry": 400}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    # Overrides browser_fixtures' server: runserver without daphne, the transport as shipped.
    with RunserverServer() as running:
        yield running


def test_pushes_go_on_while_the_socket_is_tried_again(new_context):
    watcher, writer = new_context().new_page(), new_context().new_page()
    socket_tries, refused_pushes = [], []
    watcher.on("websocket", lambda ws: socket_tries.append(ws.url))
    watcher.on(
        "response",
        lambda r: "/live/http/push/" in r.url and r.status == 429 and refused_pushes.append(r),
    )
    for page in (watcher, writer):
        page.goto("/todos/")
        page.wait_for_selector('body[data-live-transport="http"]')
        page.wait_for_selector(CONNECTED)
    # Tried again 2 s after the fallback, then 4 s after that.
    message = "the socket was not tried again within 8 s"
    wait_until(watcher, lambda: len(socket_tries) >= 3, timeout_ms=8_000, message=message)

    title = unique_title("between tries")
    add_todo(writer, title)

    expect(todo_row(watcher, title)).to_have_count(1, timeout=2_000)
    assert refused_pushes == []
