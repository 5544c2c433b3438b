"""A browser that leaves while the server is answering it, against a real uvicorn: the page is let
go as on any disconnect, and the log shows no error.

Uvicorn raises ``ClientDisconnected`` from ``send()`` once the client has gone, and swallows it
silently when it escapes the app. Raised from the reply of an event, it ended the consumer before
its disconnect: every tab closed in the middle of a save kept its place under
``MAX_CONNECTIONS_PER_SESSION`` (and its topics) for as long as the process ran; raised from the
refresh the save broadcast, it logged "Task exception was never retrieved".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3

import pytest

from live_views.conf import DEFAULTS
from tests.live_server import LiveServer
from tests.test_scaleout import Page

pytestmark = pytest.mark.browser  # a real server subprocess, like the browser tests

CAP = DEFAULTS["MAX_CONNECTIONS_PER_SESSION"]  # the sample site keeps the default
ROWS = 800  # a toggle re-renders them all: the reply comes after the browser is gone
LEFT = 10


@pytest.fixture(scope="module")
def server():
    with LiveServer() as live:
        live.start()
        # closing(): a sqlite3 connection's own "with" commits but leaves it open.
        with contextlib.closing(sqlite3.connect(live.db_path)) as db, db:
            db.executemany(
                "INSERT INTO demo_todo (title, done, created) VALUES (?, 0, datetime('now'))",
                [(f"todo {n}",) for n in range(ROWS)],
            )
        yield live


async def leave_in_the_middle_of_a_toggle(server: LiveServer, name: str) -> None:
    page = Page(server, name)
    await page.open("/todos/")
    assert page.ws is not None
    frame = {"event": "toggle", "args": {"pk": page.pk("todo 5")}, "form": {}, "ref": 1}
    await page.ws.send(json.dumps(frame))
    page.ws.transport.abort()  # the tab is closed: no close frame, the connection is gone


async def test_tabs_closed_while_their_save_is_answered_give_back_their_place(server):
    since = len(server.log)
    for n in range(LEFT):
        await leave_in_the_middle_of_a_toggle(server, f"left{n}")
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)  # the server has heard every one of them leave

    # The same visitor (127.0.0.1, no session) opens as many pages as the cap allows.
    pages = [Page(server, f"after{n}") for n in range(CAP)]
    try:
        for page in pages:
            await page.open("/todos/")  # raises if the server closes it (4429: too many)
    finally:
        for page in pages:
            await page.close()

    log = server.log[since:]
    assert "Traceback" not in log, log
    assert "never retrieved" not in log, log
