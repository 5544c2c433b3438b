"""live_send_update() in real Chromium, on sample_site's likes page (/likes/): the page's
"Unlike all" tells each like button, and only the buttons it changed and the count are sent."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED
from tests.test_browser import assert_no_errors
from tests.test_browser_components import button, likes, record_swaps

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def root_id(page, post):
    return page.locator(f"#post-{post} [data-live-component]").get_attribute("id")


def test_the_page_tells_each_like_button_to_unlike(page, page_log):
    page.goto("/likes/")
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.__marker = 1")
    expect(page.locator("#unlike-all")).to_have_count(0)  # nothing liked yet
    button(page, "htmx").click()
    button(page, "phoenix").click()
    expect(page.locator("#liked")).to_have_text("You like 2 of 3 posts.")
    expect(likes(page, "phoenix")).to_have_text("32")
    record_swaps(page)

    page.locator("#unlike-all").click()

    expect(page.locator("#liked")).to_have_text("You like 0 of 3 posts.")
    for post, count in [("htmx", "12"), ("channels", "7"), ("phoenix", "31")]:
        expect(button(page, post)).to_have_text("♡ Like")
        expect(button(page, post)).to_have_attribute("aria-pressed", "false")
        expect(likes(page, post)).to_have_text(count)
    # The two buttons it changed and the count; the channels button, unchanged, is not sent.
    expected = sorted([root_id(page, "htmx"), root_id(page, "phoenix"), "lv-summary"])
    assert sorted(page.evaluate("window.__swapped")) == expected
    expect(page.locator("#unlike-all")).to_have_count(0)

    # The buttons go on from the state they were told: a like counts from 12 again.
    button(page, "htmx").click()
    expect(likes(page, "htmx")).to_have_text("13")
    expect(page.locator("#liked")).to_have_text("You like 1 of 3 posts.")
    assert page.evaluate("window.__marker") == 1  # no page load
    assert_no_errors(page_log)
