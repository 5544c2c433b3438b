"""What a screen-reader or keyboard user meets on live pages, in real Chromium against
sample_site: errors tied to their fields, focus after a failed submit, live navigation
announced, live regions present before they change."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def test_a_live_error_is_read_as_its_fields_description_and_goes_with_it(page):
    page.goto("/signup/")
    page.wait_for_selector(CONNECTED)
    email = page.locator("#id_email")

    email.click()
    page.keyboard.type("not-an-address")

    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Enter a valid email address.")
    expect(email).to_be_focused()
    page.keyboard.type("@example.com")
    expect(page.locator("#lv-field-email .errorlist")).to_have_count(0)
    expect(email).not_to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("")


def test_a_submit_that_fails_validation_takes_focus_to_the_first_field_in_error(page):
    page.goto("/signup/")
    page.wait_for_selector(CONNECTED)
    page.fill("#id_username", "someone")

    page.focus("button[type=submit]")
    page.keyboard.press("Enter")

    # The username is fine: the email, next, is the first field a user has to fix.
    email = page.locator("#id_email")
    expect(email).to_be_focused()
    expect(email).to_have_accessible_description("This field is required.")


def test_a_live_navigation_is_announced_and_leaves_focus_where_a_page_load_would(page):
    page.goto("/hooks/")
    page.wait_for_selector(CONNECTED)

    page.focus("#to-counter")
    page.keyboard.press("Enter")

    page.wait_for_url("**/counter/")
    expect(page).to_have_title("Counter")
    expect(page.locator("[aria-live=assertive]")).to_have_text("Counter")
    # Not stranded on the removed link: the next Tab starts at the top, as after a load.
    expect(page.locator("body")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("a.brand")).to_be_focused()
