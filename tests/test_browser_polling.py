"""live_every's ticks in real Chromium against sample_site's /chart/ (a tick a second): a page
reached by live navigation starts its own timers, and a tick waits for the reply to the last
one. The frames the page sends are recorded in the page, with the time they were sent."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED, HeldSockets, wait_until
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

RECORD_SENT = """
window.liveSent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  liveSent.push([performance.now(), JSON.parse(data)]);
  return send.call(this, data);
};
"""


def sent(page):
    """(time in ms, frame) of each frame the page sent, in order."""
    return page.evaluate("liveSent")


def ticks(page):
    return [at for at, frame in sent(page) if frame.get("event") == "tick"]


def test_a_page_reached_by_live_navigation_starts_its_timers_afresh(page, page_log):
    page.add_init_script(RECORD_SENT)
    page.goto("/chart/")
    expect(page.locator("#step")).not_to_have_text("0")
    page.evaluate("liveViews.navigate('/counter/')")
    expect(page.locator("h1")).to_have_text("Counter")
    page.wait_for_timeout(1500)  # longer than the chart's interval: its last tick is old now
    page.evaluate("liveViews.navigate('/chart/')")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#step")).not_to_have_text("0")  # the new page's first tick

    frames = sent(page)
    joined_at = [at for at, frame in frames if "join" in frame][-1]
    first_tick = next(at for at in ticks(page) if at > joined_at)
    # A whole interval after the join, as on the chart's first load; not at once.
    assert first_tick - joined_at >= 900
    assert_no_errors(page_log)


def test_a_tick_waits_for_the_reply_to_the_last_one(page, page_log):
    replies = HeldSockets(page)
    page.add_init_script(RECORD_SENT)
    page.goto("/chart/")
    expect(page.locator("#step")).not_to_have_text("0")

    replies.hold()  # a slow server: no reply comes back for now
    before = len(ticks(page))
    page.wait_for_timeout(3500)  # three intervals and a half
    assert len(ticks(page)) - before <= 1  # the one whose reply is held; then none

    step = page.locator("#step").inner_text()
    replies.release()
    expect(page.locator("#step")).not_to_have_text(step)
    sent_at_release = len(ticks(page))
    wait_until(page, lambda: len(ticks(page)) > sent_at_release)  # ticking again
    assert_no_errors(page_log)
