"""What a screen-reader or keyboard user meets on live pages, in real Chromium against
sample_site: errors tied to their fields, focus after a failed submit, live navigation
announced, live regions present before they change."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import CONNECTED
from tests.tcp_proxy import TcpProxy
from tests.test_browser_uploads import file

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def test_a_live_error_is_its_fields_description_and_a_failed_submit_focuses_it(page):
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

    # A submit with errors: the username is fine, the empty password is the first to fix.
    page.fill("#id_username", "someone")
    page.focus("button[type=submit]")
    page.keyboard.press("Enter")

    password = page.locator("#id_password")
    expect(password).to_be_focused()
    expect(password).to_have_accessible_description("This field is required.")


def test_a_refused_upload_is_its_inputs_description(page):
    page.goto("/attachments/")
    page.wait_for_selector(CONNECTED)
    attachments = page.locator("#id_attachments")  # data-live-ignore: kept as loaded
    help_text = "PDF, PNG, JPEG or text; up to 10 MB each."

    attachments.set_input_files([file("run.exe", b"MZ", "application/octet-stream")])

    expect(attachments).to_have_accessible_description(
        re.compile(re.escape(help_text) + r" File extension .exe. is not allowed")
    )
    attachments.set_input_files([file("notes.txt", b"hello")])
    expect(attachments).to_have_accessible_description(help_text)


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


def test_a_button_disabled_while_its_event_waits_has_focus_again_after(page):
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    title = f"focus {id(page)}"
    page.fill("#new-title", title)
    add = page.locator("#add-form button")

    add.focus()
    page.keyboard.press("Enter")  # the form has data-live-disable: Add is disabled meanwhile

    expect(page.locator(".todos")).to_contain_text(title)
    expect(add).to_be_enabled()
    expect(add).to_be_focused()  # not left on <body>, where its disabling put focus


# -- the connection banner -----------------------------------------------------------------------

BANNER = ".live-banner"


@pytest.fixture
def proxy(server):
    with TcpProxy(server.port) as tcp:
        yield tcp


def live_regions(cdp):
    """The DOM nodes of the live regions in the accessibility tree now."""
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return {
        node["backendDOMNodeId"]
        for node in nodes
        if not node.get("ignored")
        and any(
            prop["name"] == "live" and prop["value"].get("value") in ("polite", "assertive")
            for prop in node.get("properties", [])
        )
    }


def assert_announced_from(cdp, page, selector, regions_before):
    """`selector`'s text is in a live region that was in the accessibility tree before it
    showed: a region is announced when what it holds changes, while one that appears with its
    text (display: none until now, or inserted by a swap) is often not."""
    found = cdp.send(
        "Runtime.evaluate",
        {
            "expression": f"""document.querySelector({selector!r})
              .closest('[aria-live], [role=status], [role=alert], [role=log], output')"""
        },
    )["result"]
    assert "objectId" in found, f"{selector} is in no live region"
    node = cdp.send("DOM.describeNode", {"objectId": found["objectId"]})["node"]
    assert node["backendNodeId"] in regions_before, f"{selector}'s live region is new"


def test_a_lost_connection_is_announced_once_it_lasts_not_on_a_blip(proxy, page):
    page.goto(proxy.url("/counter/"))
    page.wait_for_selector(CONNECTED)
    cdp = page.context.new_cdp_session(page)
    before = live_regions(cdp)
    page.evaluate(
        """(selector) => {
          window.__bannerShown = false;
          const watch = () => {
            const banner = document.querySelector(selector);
            if (banner.checkVisibility({ visibilityProperty: true })) window.__bannerShown = true;
            requestAnimationFrame(watch);
          };
          watch();
        }""",
        BANNER,
    )

    # A blip: the socket's first retry (about 0.5 s later) gets through.
    proxy.drop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    proxy.restore()
    expect(page.locator(CONNECTED)).to_have_count(1, timeout=10_000)
    assert page.evaluate("window.__bannerShown") is False

    proxy.drop()  # for good
    expect(page.locator(BANNER)).to_be_visible()
    assert_announced_from(cdp, page, BANNER, before)
    proxy.restore()


def test_a_flash_message_is_announced_from_a_region_that_was_there_before(page):
    page.goto("/market/")
    page.wait_for_selector(CONNECTED)
    cdp = page.context.new_cdp_session(page)
    before = live_regions(cdp)

    page.locator("ul.produce li", has_text="apricot").locator(".buy").click()

    expect(page.locator(".flash")).to_have_text("Added apricot to your basket.")
    assert_announced_from(cdp, page, ".flash", before)
