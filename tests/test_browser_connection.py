"""End-to-end, in Chromium: a page's connection dies (server killed, network dropped) and comes
back with its state; loading feedback while an event is in flight; the latency simulator.

The demo counter declares ``live_state = ["count"]`` and sample_site keeps page state in a file
cache, so the count survives the uvicorn process itself. Fixtures come from browser_fixtures.py;
this module has its own server, which its tests stop and start.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.browser_fixtures import CONNECTED, assert_same_document, mark_document, wait_until
from tests.live_server import LiveServer
from tests.tcp_proxy import TcpProxy
from tests.test_browser import open_counter


# The browser fixtures of tests/browser_fixtures.py, with a server of this module's own.
@pytest.fixture(scope="module")
def server():
    # DEBUG on: {% live_scripts %} then also loads the development tools (latency simulator).
    with LiveServer(env={"DJANGO_DEBUG": "1"}) as live_server:
        yield live_server


try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

DISCONNECTED = 'body[data-live-state="disconnected"]'
# hx-ws retries with backoff (0.5 s, doubling, ±30 %): after a few seconds down, the next try
# can be 8 s away.
RECONNECT_MS = 30_000

# Runs before any page script: what the glue reported, for assertions on codes.
RECORD_EVENTS = """
window.__events = [];
for (const name of ["live:connected", "live:disconnected", "live:error"]) {
  document.addEventListener(name, (evt) => window.__events.push([name, evt.detail || null]));
}
"""


def events(page, name):
    return [detail for event, detail in page.evaluate("window.__events") if event == name]


def click(page, selector, times=1):
    # The page's own click(), not Playwright's: a real click also waits for the element to be
    # stable and enabled, which is what some of these tests look at.
    for _ in range(times):
        page.evaluate("(selector) => document.querySelector(selector).click()", selector)


def expect_reconnected(page):
    expect(page.locator(CONNECTED)).to_have_count(1, timeout=RECONNECT_MS)


# While the server or the network is down, Chromium and htmx log each failed connection attempt.
EXPECTED_WHILE_DOWN = (
    "console.error: WebSocket connection to ",
    "console.error: htmx: htmx:ws:error:",
)


def assert_no_errors(page_log):
    unexpected = [line for line in page_log.errors if not line.startswith(EXPECTED_WHILE_DOWN)]
    assert unexpected == [], "errors in the browser:\n" + "\n".join(unexpected)


# -- the server process dies -------------------------------------------------------------------


def test_killed_and_restarted_server_the_page_recovers_its_count(server, page, page_log):
    page.add_init_script(RECORD_EVENTS)
    open_counter(page)
    page.click("#plus-two")
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("3")
    mark_document(page)

    os.kill(server.pid, signal.SIGKILL)  # a crash: no close frame, no shutdown of any kind
    server.stop()
    expect(page.locator(DISCONNECTED)).to_have_count(1)
    expect(page.locator(".live-banner")).to_be_visible()
    server.start()

    expect_reconnected(page)
    expect(page.locator(".live-banner")).to_be_hidden()
    expect(page.locator("#count")).to_have_text("3")
    page.click("#plus-one")  # the new process's instance counts on from the restored state
    expect(page.locator("#count")).to_have_text("4")
    assert_same_document(page)
    assert len(events(page, "live:connected")) == 2
    assert events(page, "live:disconnected")[0]["code"] == 1006
    assert events(page, "live:error") == []
    assert_no_errors(page_log)


def test_clicks_while_the_server_is_down_are_delivered_once_it_is_back(server, page, page_log):
    open_counter(page)
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("1")

    server.stop()  # SIGTERM, as a deploy does
    expect(page.locator(DISCONNECTED)).to_have_count(1)
    click(page, "#plus-one", times=2)
    # Queued by hx-ws until a socket is open: the button shows it is waiting.
    expect(page.locator("#plus-one")).to_have_class("live-loading")
    expect(page.locator("body")).to_have_class("live-loading")
    server.start()

    expect_reconnected(page)
    expect(page.locator("#count")).to_have_text("3")
    expect(page.locator("#plus-one")).not_to_have_class("live-loading")
    expect(page.locator("body")).not_to_have_class("live-loading")
    page.wait_for_timeout(500)
    expect(page.locator("#count")).to_have_text("3")  # each click counted once, not replayed
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("4")
    assert_no_errors(page_log)


# -- the network drops -------------------------------------------------------------------------


@pytest.fixture
def proxy(server):
    with TcpProxy(server.port) as tcp:
        yield tcp


def test_a_dropped_connection_shows_disconnected_then_recovers(proxy, page, page_log):
    page.add_init_script(RECORD_EVENTS)
    page.goto(proxy.url("/counter/"))
    page.wait_for_selector(CONNECTED)
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    mark_document(page)

    proxy.drop()  # the server is fine; the path to it is gone
    expect(page.locator(DISCONNECTED)).to_have_count(1)
    expect(page.locator(".live-banner")).to_be_visible()
    page.wait_for_timeout(1500)  # retries fail while the network is down: still disconnected
    expect(page.locator(DISCONNECTED)).to_have_count(1)
    proxy.restore()

    expect_reconnected(page)
    expect(page.locator(".live-banner")).to_be_hidden()
    expect(page.locator("#count")).to_have_text("2")
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("3")
    assert_same_document(page)
    # The drop, then each retry that failed while the network was down.
    codes = [e["code"] for e in events(page, "live:disconnected")]
    assert len(codes) >= 2
    assert set(codes) == {1006}
    assert_no_errors(page_log)


def test_an_event_lost_with_the_connection_is_reported_not_replayed(proxy, page, page_log):
    page.add_init_script(RECORD_EVENTS)
    sent = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))
    page.goto(proxy.url("/counter/"))
    page.wait_for_selector(CONNECTED)
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")

    proxy.stall()  # the link goes dead: the click leaves the browser and never arrives
    sent.clear()
    click(page, "#plus-one")
    expect(page.locator("#plus-one")).to_have_class("live-loading")
    wait_until(
        page,
        lambda: any('"increment"' in frame for frame in sent),
        message="the click's frame did not leave the browser",
    )
    proxy.drop()

    expect(page.locator(DISCONNECTED)).to_have_count(1)
    expect(page.locator("#plus-one")).not_to_have_class("live-loading")
    (error,) = events(page, "live:error")
    assert error["code"] == "no_reply"
    assert error["event"] == "increment"
    assert "may not have run" in error["message"]
    assert any("may not have run" in line for line in page_log.console)
    proxy.restore()
    expect_reconnected(page)
    expect(page.locator("#count")).to_have_text("2")  # not sent again behind the user's back


# -- loading feedback and the latency simulator ------------------------------------------------


def test_an_event_in_flight_marks_its_element_until_the_reply(page, page_log):
    open_counter(page)
    page.evaluate("liveViews.enableLatencySim(700)")
    assert page.evaluate("liveViews.getLatencySim()") == 700

    started = time.monotonic()
    click(page, "#plus-one")
    button = page.locator("#plus-one")
    expect(button).to_have_class("live-loading")
    expect(button).to_have_attribute("aria-busy", "true")
    expect(page.locator("body")).to_have_class("live-loading")
    expect(page.locator("#plus-two")).not_to_have_class("live-loading")
    expect(page.locator("#count")).to_have_text("0")  # still on its way

    expect(page.locator("#count")).to_have_text("1")
    assert time.monotonic() - started >= 0.7
    expect(button).not_to_have_class("live-loading")
    expect(button).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("body")).not_to_have_class("live-loading")

    page.evaluate("liveViews.disableLatencySim()")
    assert page.evaluate("liveViews.getLatencySim()") is None
    assert_no_errors(page_log)


def test_without_data_live_disable_each_click_is_an_event(page):
    open_counter(page)
    page.evaluate("liveViews.enableLatencySim(400)")
    click(page, "#plus-one", times=2)
    expect(page.locator("#count")).to_have_text("2")
    expect(page.locator("#plus-one")).not_to_have_class("live-loading")


def test_data_live_disable_stops_a_double_submit(page, page_log):
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    page.evaluate("liveViews.enableLatencySim(800)")
    title = f"only once {time.time_ns()}"
    submit = page.locator("#add-form button[type=submit]")

    page.fill("#new-title", title)
    page.keyboard.press("Enter")
    expect(submit).to_be_disabled()
    expect(page.locator("#add-form")).to_have_class("live-loading")
    page.keyboard.press("Enter")  # the form's submit button is disabled: no second submit
    page.evaluate("document.querySelector('#add-form button[type=submit]').click()")

    expect(page.locator("li[id^='lv-todo-']", has_text=title)).to_have_count(1)
    expect(submit).to_be_enabled()
    expect(page.locator("#add-form")).not_to_have_class("live-loading")
    page.wait_for_timeout(1000)  # anything that did slip through would have arrived by now
    expect(page.locator("li[id^='lv-todo-']", has_text=title)).to_have_count(1)
    assert_no_errors(page_log)


def test_data_live_disable_holds_back_a_form_that_cannot_be_disabled(page, page_log):
    # No submit button: Enter submits the form by itself, and only the glue can hold it back.
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    page.evaluate("document.querySelector('#add-form button[type=submit]').remove()")
    page.evaluate("liveViews.enableLatencySim(800)")
    title = f"held back {time.time_ns()}"

    page.fill("#new-title", title)
    page.keyboard.press("Enter")
    expect(page.locator("#add-form")).to_have_class("live-loading")
    page.keyboard.press("Enter")

    expect(page.locator("li[id^='lv-todo-']", has_text=title)).to_have_count(1)
    expect(page.locator("#add-form")).not_to_have_class("live-loading")
    page.wait_for_timeout(1500)
    expect(page.locator("li[id^='lv-todo-']", has_text=title)).to_have_count(1)
    assert_no_errors(page_log)


def test_data_live_disable_with_a_text_shows_it_until_the_reply(page, page_log):
    # Phoenix's phx-disable-with: the demo's form says data-live-disable="Adding…". Its button
    # is outside the liveblocks the reply re-renders: its own content comes back.
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    page.evaluate(
        "document.querySelector('#add-form button[type=submit]').innerHTML = '<b>+</b> Add'"
    )
    page.evaluate("liveViews.enableLatencySim(800)")
    title = f"with a text {time.time_ns()}"
    submit = page.locator("#add-form button[type=submit]")

    page.fill("#new-title", title)
    page.keyboard.press("Enter")
    expect(submit).to_be_disabled()
    expect(submit).to_have_text("Adding…")

    expect(page.locator("li[id^='lv-todo-']", has_text=title)).to_have_count(1)
    expect(submit).to_be_enabled()
    assert submit.inner_html() == "<b>+</b> Add"  # what it showed, markup and all
    assert_no_errors(page_log)


def test_data_live_disable_with_a_text_leaves_the_text_the_reply_renders(page, page_log):
    # The like button's reply re-renders it with another label: the server's label stays, not
    # the one the button had before its event.
    page.goto("/likes/")
    page.wait_for_selector(CONNECTED)
    like = page.locator("button.like").first
    expect(like).to_have_text("♡ Like")
    like.evaluate("(button) => button.setAttribute('data-live-disable', 'Saving…')")
    page.evaluate("liveViews.enableLatencySim(800)")

    like.click()
    expect(like).to_be_disabled()
    expect(like).to_have_text("Saving…")
    expect(like).to_have_text("♥ Liked")
    expect(like).to_be_enabled()

    like.evaluate("(button) => button.setAttribute('data-live-disable', 'Saving…')")
    like.click()  # the server's markup has no data-live-disable: given it again
    expect(like).to_have_text("Saving…")
    expect(like).to_have_text("♡ Like")
    expect(like).to_be_enabled()
    page.wait_for_timeout(300)
    expect(like).to_have_text("♡ Like")
    assert_no_errors(page_log)


def test_the_latency_simulator_lasts_for_the_tab_and_says_so(page, page_log):
    open_counter(page)
    page.evaluate("liveViews.enableLatencySim(300)")
    page.reload()
    page.wait_for_selector(CONNECTED)
    assert page.evaluate("liveViews.getLatencySim()") == 300
    assert any("latency simulator on, 300 ms" in line for line in page_log.console)
    message = page.evaluate(
        "() => { try { liveViews.enableLatencySim('lots') } catch (e) { return e.message } }"
    )
    assert message == "enableLatencySim(ms): ms must be a number above 0, got lots"
