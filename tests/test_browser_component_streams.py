"""Streams of live components in real Chromium, on sample_site's chat rooms (/rooms/): two
components on one page, each with a stream named ``messages``, on the socket and on the HTTP
transport."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import assert_same_document, open_live

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def messages(page, room):
    return page.locator(f"#room-{room} ul.messages > li .text")


def post(page, room, text):
    page.locator(f"#room-{room} input[name=text]").fill(text)
    page.locator(f"#room-{room} form button").click()


def test_each_room_inserts_and_deletes_in_its_own_stream(each_page):
    page, log = each_page
    open_live(page, "/rooms/")
    post(page, "general", "hello")
    expect(messages(page, "general")).to_have_text(["Welcome to #general", "hello"])
    post(page, "general", "again")
    post(page, "random", "elsewhere")
    expect(page.locator("#room-general .sent")).to_have_text("2 sent")
    expect(messages(page, "general")).to_have_text(["Welcome to #general", "hello", "again"])
    # Keyed 1, as "hello" is in the other room: the delete and the insert found their own.
    expect(messages(page, "random")).to_have_text(["Welcome to #random", "elsewhere"])
    page.locator("#room-general ul.messages > li").nth(1).get_by_title("delete").click()
    expect(messages(page, "general")).to_have_text(["Welcome to #general", "again"])
    expect(messages(page, "random")).to_have_text(["Welcome to #random", "elsewhere"])
    assert_same_document(page)
    errors = [e for e in log.errors if "WebSocket" not in e and "htmx:ws:error" not in e]
    assert errors == [], "errors in the browser:\n" + "\n".join(errors)
