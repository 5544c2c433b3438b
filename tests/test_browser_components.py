"""Live components in real Chromium against sample_site: like buttons on a live page and on an
ordinary one, and with JavaScript off; contact rows edited in place."""

from __future__ import annotations

import uuid

import pytest

from tests.browser_fixtures import CONNECTED
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def button(page, post):
    return page.locator(f"#post-{post} button.like")


def likes(page, post):
    return page.locator(f"#post-{post} .likes")


def record_swaps(page):
    """From now on, window.__swapped lists the blocks each update morphed."""
    page.evaluate(
        "window.__swapped = []; document.addEventListener('live:update', "
        "(e) => window.__swapped.push(...e.detail.blocks))"
    )


def test_each_like_button_keeps_its_own_state_and_updates_the_page(page, page_log):
    page.goto("/likes/")
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.__marker = 1")
    documents = list(page_log.documents)
    record_swaps(page)
    htmx_id = page.locator("#post-htmx [data-live-component]").get_attribute("id")

    button(page, "htmx").click()
    expect(button(page, "htmx")).to_have_text("♥ Liked")
    expect(likes(page, "htmx")).to_have_text("13")
    expect(page.locator("#liked")).to_have_text("You like 1 of 3 posts.")
    # The other buttons were not touched.
    expect(button(page, "channels")).to_have_text("♡ Like")
    expect(likes(page, "channels")).to_have_text("7")
    assert sorted(page.evaluate("window.__swapped")) == sorted([htmx_id, "lv-summary"])

    button(page, "phoenix").click()
    expect(likes(page, "phoenix")).to_have_text("32")
    expect(page.locator("#liked")).to_have_text("You like 2 of 3 posts.")
    button(page, "htmx").click()
    expect(likes(page, "htmx")).to_have_text("12")
    expect(page.locator("#liked")).to_have_text("You like 1 of 3 posts.")

    assert page.evaluate("window.__marker") == 1  # no page load
    assert page_log.documents == documents
    assert_no_errors(page_log)


def test_a_component_on_an_ordinary_page_is_live_on_its_own(page, page_log):
    page.goto("/")
    root = page.locator("#home-like [data-live-root]")
    expect(root).to_have_attribute("data-live-state", "connected")
    expect(page.locator("body")).not_to_have_attribute("data-live-root", "")

    page.locator("#home-like button.like").click()
    expect(page.locator("#home-like button.like")).to_have_text("♥ Liked")
    expect(page.locator("#home-like .likes")).to_have_text("101")
    assert_no_errors(page_log)


def test_with_javascript_off_the_components_render_with_the_page(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/likes/")
    expect(likes(page, "channels")).to_have_text("7")
    expect(button(page, "channels")).to_have_text("♡ Like")
    page.goto("/")
    expect(page.locator("#home-like .likes")).to_have_text("100")


def test_a_contact_row_is_edited_in_place_and_only_it_re_renders(page, page_log):
    page.goto("/contacts/rows/")
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.__marker = 1")
    documents = list(page_log.documents)
    record_swaps(page)
    tr = page.locator("tr[data-live-id]", has_text="grace@example.com")
    pk = tr.get_attribute("data-live-id")
    row = page.locator(f'tr[data-live-id="{pk}"]')
    ada = page.locator("tr[data-live-id]", has_text="ada@example.com")
    ada_id = ada.get_attribute("id")
    saved = page.locator("#saved").inner_text()

    row.get_by_role("button", name="Edit").click()
    email = page.locator(f"#id_contact-{pk}-email")
    expect(email).to_have_value("grace@example.com")
    email.fill("ada@example.com")
    email.blur()
    expect(row.locator(".errorlist")).to_have_text("Contact with this Email already exists.")
    email.fill("grace@example.com")
    phone = f"555-{uuid.uuid4().int % 10_000:04d}"
    page.locator(f"#id_contact-{pk}-phone").fill(phone)
    row.get_by_role("button", name="Save").click()
    expect(row.locator(".phone")).to_have_text(phone)
    expect(page.locator("#saved")).not_to_have_text(saved)
    expect(page.locator("#saved")).to_contain_text("1 saved from this page")
    # The row came in the same frame as the page's summary, cells and all, and nothing else
    # was added to the page.
    expect(row.locator("td")).to_have_count(4)
    expect(page.locator("table")).to_have_count(1)

    row.get_by_role("button", name="Edit").click()
    page.locator(f"#id_contact-{pk}-phone").fill("changed my mind")
    row.get_by_role("button", name="Cancel").click()
    expect(row.locator(".phone")).to_have_text(phone)

    # The other rows were never morphed: every update was this row's or the page's summary.
    swapped = page.evaluate("window.__swapped")
    row_id = row.get_attribute("id")
    assert ada_id not in swapped
    assert row_id in swapped
    assert "lv-summary" in swapped
    assert all(s in (row_id, "lv-summary") or s.startswith(f"{row_id}-") for s in swapped)
    assert page.evaluate("window.__marker") == 1  # no page load
    assert page_log.documents == documents
    assert_no_errors(page_log)
