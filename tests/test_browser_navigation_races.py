"""Back, Forward and live navigation while a live_patch() reply is still on its way, in real
Chromium against sample_site's /market/ (six of 30 kinds of produce a page, 5 pages).

Playwright routes the page's websocket and holds the server's frames (in order) while the test
moves through history, so a slow reply is deterministic: the server has run the event, the page
has not heard of it yet.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import (
    CONNECTED,
    HeldSockets,
    assert_same_document,
    mark_document,
    wait_until,
)
from tests.test_browser import assert_no_errors

pytestmark = pytest.mark.browser

PAGE_NUMBER = "#page-number"


def history_length(page):
    return page.evaluate("history.length")


def open_market(page, path="/market/"):
    replies = HeldSockets(page)
    page.goto(path)
    page.wait_for_selector(CONNECTED)
    mark_document(page)
    return replies


def test_back_while_a_patch_is_on_its_way_keeps_the_entry_gone_back_to(page, page_log):
    replies = open_market(page)
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    entries = history_length(page)

    replies.hold()
    page.click("#next")  # the handler patches to ?page=3
    replies.wait_for('"patch"')
    page.go_back()  # to /market/ before the reply lands
    expect(page).to_have_url(re.compile(r"/market/$"))
    replies.release()

    # Back wins: the address bar stays where the user went, the page renders for it, and the
    # entry Back left (?page=2) is still there for Forward. Frames are handled in order: the
    # page shows what the params reply rendered only once the late patch's frame was handled.
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    expect(page).to_have_url(re.compile(r"/market/$"))
    assert history_length(page) == entries
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    # The server's instance shows ?page=2 too: the next event pages on from it.
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_forward_while_a_patch_is_on_its_way_keeps_the_entry_gone_forward_to(page, page_log):
    replies = open_market(page)
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    page.go_back()
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    entries = history_length(page)

    replies.hold()
    page.select_option("#kind", "herb")  # the handler patches to ?kind=herb
    replies.wait_for('"patch"')
    page.go_forward()  # to ?page=2 before the reply lands
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    replies.release()

    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator("#kind")).to_have_value("")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    assert history_length(page) == entries
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_two_quick_patching_events_add_an_entry_each_in_order(page, page_log):
    replies = open_market(page)
    entries = history_length(page)

    replies.hold()
    page.click("#next")  # ?page=2
    page.select_option("#kind", "herb")  # ?kind=herb
    replies.wait_for("herb")
    replies.release()

    expect(page).to_have_url(re.compile(r"/market/\?kind=herb$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 2")
    assert history_length(page) == entries + 2
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator("#kind")).to_have_value("")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_back_between_two_patch_replies_keeps_the_first_and_drops_the_second(page, page_log):
    replies = open_market(page)
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    entries = history_length(page)

    replies.hold()
    page.click("#next")  # ?page=3
    page.select_option("#kind", "herb")  # ?kind=herb
    replies.wait_for("herb")
    replies.release(1)  # the first reply lands
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    page.go_back()  # to ?page=2 before the second one does
    replies.release()

    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator("#kind")).to_have_value("")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    assert history_length(page) == entries + 1
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_patch_reply_after_a_live_navigation_stays_off_the_new_pages_history(page, page_log):
    replies = open_market(page)
    entries = history_length(page)

    replies.hold()
    page.click("#next")  # the handler patches to ?page=2
    replies.wait_for('"patch"')
    page.evaluate("liveViews.navigate('/counter/')")  # as live_navigate() from a handler
    expect(page).to_have_url(re.compile(r"/counter/$"))
    page.wait_for_selector("#count")
    page.wait_for_selector(CONNECTED)
    replies.release()  # to the market's socket, if it is still open

    page.wait_for_timeout(300)  # nothing to see if all is well: a late pushState lands by now
    expect(page).to_have_url(re.compile(r"/counter/$"))
    assert history_length(page) == entries + 1
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("1")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    page.wait_for_selector(CONNECTED)
    assert_same_document(page)
    assert_no_errors(page_log)


def test_back_to_another_live_page_while_a_patch_is_on_its_way(page, page_log):
    replies = open_market(page, "/counter/")
    page.evaluate("liveViews.navigate('/market/')")
    expect(page).to_have_url(re.compile(r"/market/$"))
    page.wait_for_selector(f"{CONNECTED} {PAGE_NUMBER}")
    entries = history_length(page)
    fetches = []
    # The visit's GET of /counter/ waits too, until the market's reply has landed.
    page.route(re.compile(r"/counter/$"), lambda route: fetches.append(route))

    replies.hold()
    page.click("#next")  # the handler patches to ?page=2
    replies.wait_for('"patch"')
    page.go_back()  # to /counter/: visit.js fetches it
    expect(page).to_have_url(re.compile(r"/counter/$"))
    replies.release()  # the market's reply lands before the counter arrives
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")  # the reply landed
    wait_until(page, lambda: fetches)
    for route in fetches:
        route.continue_()

    page.wait_for_selector("#count")
    page.wait_for_selector(CONNECTED)
    expect(page).to_have_url(re.compile(r"/counter/$"))
    assert history_length(page) == entries
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_after_back_while_disconnected_the_reconnect_renders_the_entry(page, page_log, server):
    open_market(page)
    page.click("#next")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")

    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    page.go_back()  # no socket: the next join says /market/
    server.start()
    page.wait_for_selector(CONNECTED)

    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    expect(page).to_have_url(re.compile(r"/market/$"))
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    assert_same_document(page)


def test_a_reconnect_right_after_back_over_a_patch_on_its_way(page, page_log, server):
    replies = open_market(page)
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    entries = history_length(page)

    replies.hold()
    page.click("#next")  # ?page=3: the server runs it, the reply is lost with the socket
    replies.wait_for('"patch"')
    page.go_back()  # the params frame is sent, its reply is lost too
    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    replies.release()
    server.start()
    page.wait_for_selector(CONNECTED)

    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    expect(page).to_have_url(re.compile(r"/market/$"))
    assert history_length(page) == entries
    page.go_forward()
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    assert_same_document(page)
