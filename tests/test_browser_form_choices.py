"""Check boxes, radio buttons and submit buttons of a live form in real Chromium, against
sample_site's newsletter demo (sample_site/demo/newsletter.py)."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser_fixtures import CONNECTED, HeldSockets, wait_until
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def open_newsletter(page):
    """The page, joined: the sockets whose replies the test holds, and the frames it sent."""
    replies = HeldSockets(page)
    sent = frames_sent(page)
    page.goto("/newsletter/")
    page.wait_for_selector(CONNECTED)
    return replies, sent


def frames_sent(page):
    """The frames the page's sockets send from now on, as Playwright sees them go."""
    sent = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))
    return sent


def carries(sent, field, value):
    """Whether the page has sent an event whose form has ``value`` among ``field``'s values."""
    for frame in sent:
        values = json.loads(frame).get("form", {}).get(field, [])
        if value in ([values] if isinstance(values, str) else values):
            return True
    return False


def answered_once_sent(page, sent, field, value):
    """Until the page has sent an event that carries ``value`` in ``field`` (a validation of
    the user's last choice) and has had the replies to all it sent: it shows nothing loading."""
    message = f"no event sent with {value!r} in {field!r}"
    wait_until(page, lambda: carries(sent, field, value), message=message)
    expect(page.locator("body")).not_to_have_class(re.compile(r"\blive-loading\b"))


def test_boxes_ticked_in_a_row_stay_ticked_while_their_validations_travel(page, page_log):
    replies, sent = open_newsletter(page)
    replies.hold()
    page.click("#id_topics_0")
    # Leaving the first box validates it at once: its reply, without the second box, comes
    # back only after the second box is ticked.
    page.click("#id_topics_2")
    replies.release()
    answered_once_sent(page, sent, "topics", "python")  # the second box's own validation

    expect(page.locator("#id_topics_0")).to_be_checked()
    expect(page.locator("#id_topics_2")).to_be_checked()
    assert_no_errors(page_log)


def test_a_radio_button_chosen_while_the_last_choice_validates_stays_chosen(page):
    replies, sent = open_newsletter(page)
    replies.hold()
    page.click("#id_frequency_0")
    page.click("#id_frequency_1")
    replies.release()
    answered_once_sent(page, sent, "frequency", "weekly")

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
