"""End-to-end: real Chromium (Debian's, via Playwright) against sample_site served by uvicorn.

Each test asserts what a user sees. One browser and one server per module, a fresh browser
context (cookies, storage) per test. On failure, the test's console messages, page errors and
the server's log for that test are printed.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from tests.conftest import require
from tests.live_server import LiveServer

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the fixture below skips (fails in CI) saying why
    expect = sync_playwright = None

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUNDLED_JS = "/static/live_views/live_views.min.js"
TIMEOUT_MS = 10_000

CONNECTED = 'body[data-live-state="connected"]'
REFUSED = 'body[data-live-state="refused"]'

# Runs before any page script: records every close code the glue reports, so a test can
# assert on the 4xxx code the server chose (Playwright does not expose websocket close codes).
RECORD_CLOSE_CODES = """
window.__closeCodes = [];
document.addEventListener("live:disconnected", (evt) => window.__closeCodes.push(evt.detail.code));
"""


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    require(sync_playwright is not None, "Playwright for Python (the `playwright` package)")
    require(os.path.exists(CHROMIUM), f"Debian chromium at {CHROMIUM}")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


class PageLog:
    """What the browser and the server said during one test."""

    def __init__(self, server):
        self.server = server
        self.log_start = len(server.log)
        self.console = []  # every console message, "type: text"
        self.errors = []  # console errors and uncaught page errors
        self.documents = []  # URLs of every document (page load) request

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", self._request)
        return page

    def _console(self, message):
        line = f"{message.type}: {message.text}"
        self.console.append(line)
        if message.type == "error":
            self.errors.append(f"console.{line}")

    def _request(self, request):
        if request.resource_type == "document":
            self.documents.append(request.url)

    def server_log(self):
        return self.server.log[self.log_start :]

    def report(self):
        return "\n".join(
            [
                "--- browser console",
                *self.console,
                "--- page errors and console errors",
                *self.errors,
                "--- document requests",
                *self.documents,
                "--- server log during this test",
                self.server_log(),
            ]
        )


@pytest.fixture
def page_log(server):
    log = PageLog(server)
    yield log
    print(log.report())  # pytest shows it only when the test fails


@pytest.fixture
def new_context(browser, server, page_log):
    """Factory for fresh browser contexts (closed after the test), e.g. with JS disabled."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=server.base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", page_log.watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


# -- helpers -----------------------------------------------------------------------------------


def open_counter(page, path="/counter/"):
    page.goto(path)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#count")).to_have_text("0")


def log_in(page):
    """Anonymous GET /private/ goes to the login form; demo/demo brings the user back."""
    page.goto("/private/")
    expect(page).to_have_url("/login/?next=/private/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    expect(page).to_have_url("/private/")


def assert_no_errors(page_log):
    assert page_log.errors == [], "errors in the browser:\n" + "\n".join(page_log.errors)


def click_plus_two_without_page_load(page, page_log):
    open_counter(page)
    page.evaluate("window.__marker = 1")
    documents_before = list(page_log.documents)

    page.click("#plus-two")

    expect(page.locator("#count")).to_have_text("2")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert page_log.documents == documents_before, "a document was requested"
    assert page.url.endswith("/counter/")


def typing_survives_a_morph(page):
    open_counter(page)
    note = page.locator("#note")
    note.click()
    page.keyboard.type("hello")
    page.evaluate(
        """() => {
            const note = document.getElementById("note");
            note.setSelectionRange(2, 2);  // caret: he|llo
            window.__noteBefore = note;
        }"""
    )

    # A programmatic click sends the event without moving focus out of the input.
    page.evaluate("document.getElementById('plus-one').click()")

    expect(page.locator("#count")).to_have_text("1")
    state = page.evaluate(
        """() => {
            const note = document.getElementById("note");
            return {
                active: document.activeElement && document.activeElement.id,
                value: note.value,
                start: note.selectionStart,
                end: note.selectionEnd,
                sameElement: note === window.__noteBefore,
            };
        }"""
    )
    assert state["active"] == "note"
    assert state["value"] == "hello"
    assert (state["start"], state["end"]) == (2, 2)
    assert state["sameElement"], "the input was replaced, not morphed"


# -- tests -------------------------------------------------------------------------------------


def test_counter_updates_without_a_page_load(page, page_log):
    click_plus_two_without_page_load(page, page_log)


def test_morph_keeps_focus_value_and_caret_of_the_input_being_typed_in(page):
    typing_survives_a_morph(page)


def test_no_console_or_page_errors_while_clicking_and_typing(context, page_log):
    click_plus_two_without_page_load(context.new_page(), page_log)
    typing_survives_a_morph(context.new_page())
    assert_no_errors(page_log)


def test_note_survives_a_real_click_on_a_button(page):
    # What the demo page itself promises: "type here, then click: it stays". A real click
    # moves focus to the button, so the input is not protected by being focused.
    open_counter(page)
    page.locator("#note").fill("kept")
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#note")).to_have_value("kept")
    page.click("#reset")
    expect(page.locator("#count")).to_have_text("0")
    expect(page.locator("#note")).to_have_value("kept")


def test_without_javascript_the_counter_is_a_plain_page(new_context, page_log):
    page = new_context(java_script_enabled=False).new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))

    response = page.goto("/counter/")

    assert response is not None
    assert response.status == 200
    expect(page.locator("body")).to_contain_text("Count:")
    expect(page.locator("#count")).to_have_text("0")
    for button, label in (("#plus-one", "+1"), ("#plus-two", "+2"), ("#reset", "Reset")):
        expect(page.locator(button)).to_be_visible()
        expect(page.locator(button)).to_have_text(label)
    expect(page.locator("#note")).to_be_editable()
    assert sockets == []
    assert_no_errors(page_log)


def test_login_required_page_connects_after_logging_in(page, page_log):
    log_in(page)
    expect(page.locator("h1")).to_have_text("Private counter for demo")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#count")).to_have_text("0")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    assert_no_errors(page_log)


def test_two_tabs_have_independent_state(context, page_log):
    first, second = context.new_page(), context.new_page()
    open_counter(first)
    open_counter(second)

    # bring_to_front: switch tabs like a user would (a background tab's animation frames,
    # which Playwright's click waits on, are throttled).
    first.bring_to_front()
    first.click("#plus-two")
    expect(first.locator("#count")).to_have_text("2")
    # A round trip in the second tab: had the first tab's update leaked into it, it would
    # show 3 (or 2) instead of 1.
    second.bring_to_front()
    second.click("#plus-one")
    expect(second.locator("#count")).to_have_text("1")
    expect(first.locator("#count")).to_have_text("2")
    first.bring_to_front()
    first.click("#reset")
    expect(first.locator("#count")).to_have_text("0")
    second.bring_to_front()
    second.click("#plus-one")
    expect(second.locator("#count")).to_have_text("2")
    expect(first.locator("#count")).to_have_text("0")
    assert_no_errors(page_log)


def test_stolen_token_never_mounts_and_reloads_at_most_once(new_context, page_log):
    # Browsers do not let a page (nor Playwright: ERR_INVALID_ARGUMENT) fake a websocket's
    # Origin, so the refusal exercised here is the session binding: a logged-in user's connect
    # token replayed from another, anonymous browser session never mounts (docs/protocol.md).
    victim = new_context().new_page()
    log_in(victim)
    victim.wait_for_selector(CONNECTED)
    stolen = victim.get_attribute("body", "hx-ws:connect")
    assert stolen
    assert "?t=" in stolen

    page = new_context().new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.add_init_script(RECORD_CLOSE_CODES)
    # Swap the page's own connect URL for the stolen one as soon as <body> is parsed, before
    # the deferred bundle reads it.
    page.add_init_script(
        f"""
        new MutationObserver((records, observer) => {{
            if (!document.body) return;
            observer.disconnect();
            document.body.setAttribute("hx-ws:connect", {json.dumps(stolen)});
        }}).observe(document, {{childList: true, subtree: true}});
        """
    )
    page.goto("/counter/")

    # The token was rendered for a logged-in user and this browser has no login: 4401. The glue
    # reloads once (the view would then send a real visitor to log in); here the swap happens
    # again, the second 4401 meets the reload guard, and the page stays refused.
    page.wait_for_selector(REFUSED)
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__closeCodes") == [4401]
    assert len(sockets) == 2, "one socket per document: one reload, no reconnect loop"
    page.evaluate("window.__marker = 1")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__marker") == 1, "the page reloaded more than once"
    assert len(sockets) == 2
    expect(page.locator(REFUSED)).to_have_count(1)
    expect(page.locator("#count")).to_have_text("0")
    # The victim's own socket is unaffected.
    victim.bring_to_front()
    victim.click("#plus-one")
    expect(victim.locator("#count")).to_have_text("1")
    assert_no_errors(page_log)


def test_server_serves_the_bundled_js(server):
    try:
        with urllib.request.urlopen(server.url(BUNDLED_JS), timeout=5) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status == 200
