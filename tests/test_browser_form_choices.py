"""Check boxes, radio buttons and submit buttons of a live form in real Chromium, against
sample_site's newsletter demo (sample_site/demo/newsletter.py)."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import CONNECTED
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

SOCKET = re.compile(r"/live/ws/")


class SlowReplies:
    """The page's socket, with the server's frames held back while ``held``: the replies to
    validations arrive only after the user has gone on to the next input."""

    def __init__(self, page):
        self.held = False
        self.waiting = []
        self.page_side = None
        page.route_web_socket(SOCKET, self.route)

    def route(self, ws):
        self.page_side = ws
        server = ws.connect_to_server()
        server.on_message(self.from_server)

    def from_server(self, message):
        if self.held:
            self.waiting.append(message)
        else:
            self.page_side.send(message)

    def hold(self):
        self.held = True

    def release(self):
        self.held = False
        for message in self.waiting:
            self.page_side.send(message)
        self.waiting.clear()


def open_newsletter(page):
    replies = SlowReplies(page)
    page.goto("/newsletter/")
    page.wait_for_selector(CONNECTED)
    return replies


def test_boxes_ticked_in_a_row_stay_ticked_while_their_validations_travel(page, page_log):
    replies = open_newsletter(page)
    replies.hold()
    page.click("#id_topics_0")
    # Leaving the first box validates it at once: its reply, without the second box, comes
    # back only after the second box is ticked.
    page.click("#id_topics_2")
    replies.release()
    page.wait_for_timeout(1000)  # the second box's own validation and its reply

    expect(page.locator("#id_topics_0")).to_be_checked()
    expect(page.locator("#id_topics_2")).to_be_checked()
    assert_no_errors(page_log)


def test_a_radio_button_chosen_while_the_last_choice_validates_stays_chosen(page):
    replies = open_newsletter(page)
    replies.hold()
    page.click("#id_frequency_0")
    page.click("#id_frequency_1")
    replies.release()
    page.wait_for_timeout(1000)

    expect(page.locator("#id_frequency_1")).to_be_checked()
    expect(page.locator("#id_frequency_0")).not_to_be_checked()


def test_the_server_still_sets_boxes_the_user_has_not_changed_since(page):
    open_newsletter(page)
    page.click("#id_topics_1")
    page.click("#id_frequency_2")
    page.click("#id_consent")
    page.click("text=Preview")
    expect(page.locator("#preview")).to_have_text("You would get: htmx, monthly")

    # Subscribe redirects to the page itself: a new form, unticked, with the message that
    # form_valid() added, for a visitor who had no session until then.
    page.click("text=Subscribe")
    expect(page.locator(".flash")).to_have_text("Subscribed: htmx, monthly.")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#id_topics_1")).not_to_be_checked()
    expect(page.locator("#preview")).to_have_count(0)
