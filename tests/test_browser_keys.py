"""data-live-key (Phoenix's phx-key) in real Chromium: a {% live_on %} element sent on a key
event sends only for the keys it names, and its handler gets the key; under sample_site's
strict Content-Security-Policy (no 'unsafe-eval') and on the HTTP transport too."""

from __future__ import annotations

from urllib.parse import unquote_plus

import pytest

from tests.browser_fixtures import CONNECTED, PageLog
from tests.live_server import LiveServer
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def http_server():
    with LiveServer(env={"DEMO_NO_WEBSOCKET": "1"}) as running:
        yield running


@pytest.fixture
def page_on(browser):
    """A page of the given server, what it logged, and the event frames it sent."""
    made = []

    def make(server):
        log = PageLog(server)
        context = browser.new_context(base_url=server.base_url)
        made.append((context, log))
        page = log.watch(context.new_page())
        sent = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
        # The HTTP transport posts each frame form-encoded.
        page.on("request", lambda r: r.method == "POST" and sent.append(unquote_plus(r.post_data)))
        return page, log, sent

    yield make
    for context, log in made:
        context.close()
        print(log.report())  # pytest shows it only when the test fails


def open_help(page):
    page.goto("/hooks/")
    page.wait_for_selector(CONNECTED)
    page.click("#open-help")
    expect(page.locator("#help")).to_be_visible()


def closing_frames(sent):
    return [frame for frame in sent if '"close_help"' in frame]


def assert_nothing_sent(page, sent):
    """A round trip (a click on #focus, which the server answers by focusing #name): had
    anything sent close_help before it, it would be in; the help is still open."""
    page.click("#focus")
    expect(page.locator("#name")).to_be_focused()
    expect(page.locator("#help")).to_be_visible()
    assert closing_frames(sent) == []


def closed_once(page, sent):
    """The help has closed, and one close_help frame was sent: that frame."""
    expect(page.locator("#help")).to_have_count(0)
    frames = closing_frames(sent)
    assert len(frames) == 1
    return frames[0]


def test_under_a_strict_csp_only_escape_closes_and_the_handler_gets_the_key(page_on, csp_server):
    page, log, sent = page_on(csp_server)
    open_help(page)
    page.locator("body").click(position={"x": 5, "y": 5})  # the keys go to the body
    for key in ["a", "Enter", "Shift+A", "Tab"]:
        page.keyboard.press(key)
    page.fill("#name", "Esc")  # typed in an input: its keys bubble to the body, and are not Escape
    assert_nothing_sent(page, sent)  # had any of those keys sent the event, it would be in

    page.keyboard.press("Escape")
    assert '"key":"Escape"' in closed_once(page, sent)
    expect(page.locator("#help-closed-with")).to_have_text("closed with Escape")
    assert_no_errors(log)  # a [key=='Escape'] filter would have been refused by the CSP here


def test_on_the_http_transport_a_key_up_on_the_window_sends_only_the_named_keys(
    page_on, http_server
):
    page, log, sent = page_on(http_server)
    open_help(page)
    # The same event on another trigger htmx reads: keyup from:window, two keys, any case.
    page.evaluate(
        """() => {
          const help = document.getElementById("help");
          help.setAttribute("hx-trigger", "keyup from:window");
          help.setAttribute("data-live-key", "q enter");
          htmx.process(help, true);
        }"""
    )
    page.keyboard.press("Escape")
    page.keyboard.press("x")
    assert_nothing_sent(page, sent)

    page.keyboard.press("Enter")
    assert '"key":"Enter"' in closed_once(page, sent)
    expect(page.locator("#help-closed-with")).to_have_text("closed with Enter")
    # The refused socket of a server without the route is the browser's own error, not ours.
    assert [e for e in log.errors if "WebSocket" not in e and "htmx:ws:error" not in e] == []


def test_space_names_the_space_bar(page_on, server):
    # A key list is split on spaces, so the space bar's key, " ", could not be listed: "Space".
    page, log, sent = page_on(server)
    open_help(page)
    page.evaluate("document.getElementById('help').dataset.liveKey = 'Escape Space'")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("s")
    assert_nothing_sent(page, sent)  # had "s" sent the event, it would be in

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Space")
    assert '"key":" "' in closed_once(page, sent)  # the key itself, as Phoenix sends it
    assert_no_errors(log)


def test_the_documented_target_modifier_leaves_fields_out_under_a_strict_csp(page_on, csp_server):
    # From the body, a space typed into a text box sent the event; the reference's trigger,
    # a CSS selector and no compiled JavaScript, hears the space bar only outside the fields.
    page, log, sent = page_on(csp_server)
    open_help(page)
    page.evaluate(
        """() => {
          const help = document.getElementById("help");
          help.setAttribute(
            "hx-trigger", "keydown from:body target:*:not(input):not(textarea):not(select)");
          help.dataset.liveKey = "Space";
          htmx.process(help, true);
        }"""
    )
    page.locator("#name").press_sequentially("Ada Lovelace")
    assert_nothing_sent(page, sent)  # had the typed space sent the event, it would be in
    expect(page.locator("#name")).to_have_value("Ada Lovelace")

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Space")
    closed_once(page, sent)
    assert_no_errors(log)


def test_on_a_click_trigger_data_live_key_neither_filters_nor_sends_an_earlier_key(page_on, server):
    # A newcomer's data-live-key on a button sent on a click: the click sent the last key
    # pressed anywhere on the page (Escape, as if the user had pressed it on the button), or
    # nothing at all when that key was not listed. As Phoenix's phx-key on a phx-click: ignored.
    page, log, sent = page_on(server)
    open_help(page)
    page.evaluate(
        """() => {
          const help = document.getElementById("help");
          help.setAttribute("hx-trigger", "click");
          htmx.process(help, true);
        }"""
    )
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")  # no key event sends it now
    page.keyboard.press("a")
    page.click("#focus")  # a round trip
    expect(page.locator("#name")).to_be_focused()
    expect(page.locator("#help")).to_be_visible()

    page.click("#help")
    assert '"key"' not in closed_once(page, sent)
    expect(page.locator("#help-closed-with")).to_have_text("")
    assert_no_errors(log)


def test_a_field_named_key_keeps_what_the_user_typed(page_on, server):
    # A key-value editor's <input name="key"> sent on Enter: the server got "Enter" in place of
    # the key the user typed.
    page, log, sent = page_on(server)
    open_help(page)
    page.evaluate(
        """() => {
          const input = document.createElement("input");
          Object.assign(input, { id: "key-field", name: "key" });
          Object.assign(input.dataset, { liveEvent: "close_help", liveKey: "Enter" });
          input.setAttribute("hx-ws:send", "");
          input.setAttribute("hx-trigger", "keydown");
          document.getElementById("help").before(input);
          htmx.process(input);
        }"""
    )
    page.fill("#key-field", "colour")
    page.press("#key-field", "Enter")
    closed_once(page, sent)
    expect(page.locator("#help-closed-with")).to_have_text("closed with colour")
    assert_no_errors(log)


def test_the_counter_demo_counts_on_the_space_bar_outside_its_field_and_buttons(page_on, server):
    # counter.html: {% live_on "increment" %} hx-trigger="keydown from:body target:body"
    # data-live-key="Space ArrowUp": a key pressed with no field or button focused.
    page, log, sent = page_on(server)
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED)
    count = page.locator("#count")
    page.keyboard.press("Space")
    expect(count).to_have_text("1")
    page.keyboard.press("ArrowUp")
    expect(count).to_have_text("2")
    page.keyboard.press("x")
    page.click("#note")
    page.keyboard.type("a b")  # a space typed into the note counts nothing
    page.focus("#plus-two")
    page.keyboard.press("Space")  # the focused button's own click: +2, and nothing more
    expect(count).to_have_text("4")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    expect(count).to_have_text("5")
    expect(page.locator("#note")).to_have_value("a b")
    increments = [frame for frame in sent if '"increment"' in frame]
    assert len(increments) == 4  # Space, ArrowUp, the +2 button, Space
    assert '"key":" "' in increments[0]
    assert_no_errors(log)
