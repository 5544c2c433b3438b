"""Streams, infinite scroll and background work in real Chromium, on sample_site's server log
(/log/): what only a browser shows — htmx's out-of-band inserts, the morph that keeps a
stream's items, the limit the glue applies, the intersect trigger, the progress bar."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser_fixtures import CONNECTED, wait_until
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

LINES = "ol.log > li"


def open_log(page, path="/log/"):
    page.goto(path)
    page.wait_for_selector(CONNECTED)
    page.evaluate("window.__marker = 1")  # gone if the document is ever reloaded


def test_scrolling_to_the_end_loads_the_next_lines(page, page_log):
    open_log(page)
    expect(page.locator(LINES)).to_have_count(50)
    page.wait_for_timeout(300)
    expect(page.locator(LINES)).to_have_count(50)  # the sentinel is out of view: nothing loads
    for count in (100, 150):
        page.locator(f"{LINES}:last-child").scroll_into_view_if_needed()
        expect(page.locator(f"{LINES}:nth-child({count})")).to_be_attached()
    # The block around the stream was re-rendered each time ("N lines sent"); the morph kept
    # the lines the browser had.
    expect(page.locator("#shown")).to_have_text(
        f"{page.locator(LINES).count()} of 100000 lines sent"
    )
    # In order, no line twice.
    numbers = page.locator(f"{LINES} code").all_inner_texts()
    assert numbers == [f"#{n}" for n in range(len(numbers))]
    assert len(numbers) % 50 == 0
    assert page.evaluate("window.__marker") == 1
    assert_no_errors(page_log)


def test_a_window_keeps_only_the_last_lines_in_the_browser(page, page_log):
    open_log(page, "/log/?window=60")
    for _ in range(2):
        page.mouse.wheel(0, 50_000)
        page.wait_for_timeout(300)
    expect(page.locator(f"{LINES}:last-child code")).to_have_text("#149", timeout=10_000)
    expect(page.locator(LINES)).to_have_count(60)
    expect(page.locator(f"{LINES}:first-child code")).to_have_text("#90")
    assert_no_errors(page_log)


def test_starring_updates_the_line_in_place_and_hiding_removes_it(page, page_log):
    open_log(page)
    line = page.locator("#lv-s-lines-3")
    page.evaluate("window.__line = document.getElementById('lv-s-lines-3')")
    line.get_by_title("star").click()
    expect(line.get_by_title("star")).to_have_text("★")
    expect(line.locator(".starred")).to_have_count(1)
    # Morphed in place: the same element, at the same position.
    assert page.evaluate("document.getElementById('lv-s-lines-3') === window.__line")
    assert page.locator(f"{LINES}:nth-child(4)").get_attribute("id") == "lv-s-lines-3"
    page.locator("#lv-s-lines-5").get_by_title("hide").click()
    expect(page.locator("#lv-s-lines-5")).to_have_count(0)
    expect(page.locator(LINES)).to_have_count(49)
    assert_no_errors(page_log)


def test_frames_wait_for_the_streams_script_and_update_a_shown_line_in_place(page, page_log):
    # The streams' code is a script of its own (live_views.streams.min.js). Swapped before it
    # ran, the star's insert of a line the page shows would add it again, not update it.
    held = []  # its request, answered once the star's reply has come
    page.route("**/live_views.streams.min.js", lambda route: held.append(route))
    page.goto("/log/", wait_until="domcontentloaded")  # "load" waits for that script
    page.wait_for_selector(CONNECTED)
    wait_until(page, lambda: held, message="the streams script was not asked for")
    line = page.locator("#lv-s-lines-3")
    page.evaluate("window.__line = document.getElementById('lv-s-lines-3')")
    line.get_by_title("star").click()
    page.wait_for_timeout(500)
    assert line.get_by_title("star").inner_text() != "★"  # its reply waits
    held[0].continue_()
    expect(line.get_by_title("star")).to_have_text("★")
    assert page.evaluate("document.getElementById('lv-s-lines-3') === window.__line")
    assert page.locator(f"{LINES}:nth-child(4)").get_attribute("id") == "lv-s-lines-3"
    expect(page.locator(LINES)).to_have_count(50)
    assert_no_errors(page_log)


def test_a_line_deleted_and_inserted_at_the_top_in_one_event_moves_there(page, page_log):
    # One frame deletes line 7 and inserts it at the start: the line moves, it does not vanish
    # (an insert of a key the page shows updates it in place, but this one was just deleted).
    open_log(page)
    page.locator("#lv-s-lines-7").get_by_title("to top").click()
    expect(page.locator(f"{LINES}:first-child")).to_have_id("lv-s-lines-7")
    expect(page.locator("#lv-s-lines-7")).to_have_count(1)
    expect(page.locator(LINES)).to_have_count(50)
    numbers = page.locator(f"{LINES} code").all_inner_texts()
    assert numbers[:2] == ["#7", "#0"]
    assert "#7" not in numbers[1:]
    assert_no_errors(page_log)


def test_the_background_count_shows_progress_and_the_page_keeps_working(page, page_log):
    open_log(page)
    page.locator("#summarize").click()
    expect(page.locator("#summary-progress")).to_be_visible()
    # The page answers its other events while the count runs.
    page.locator("#lv-s-lines-2").get_by_title("star").click()
    expect(page.locator("#lv-s-lines-2").get_by_title("star")).to_have_text("★")
    # The progress values the bar showed until the result replaced it.
    values = page.evaluate(
        """() => new Promise((resolve) => {
            const seen = new Set();
            const look = () => {
                const bar = document.getElementById("summary-progress");
                if (bar) seen.add(bar.getAttribute("value"));
                if (document.getElementById("summary")) resolve([...seen]);
                else requestAnimationFrame(look);
            };
            look();
        })"""
    )
    expect(page.locator("#summary")).to_contain_text("ERROR: 10000")
    assert len(values) >= 2, values  # the bar moved
    assert_no_errors(page_log)


def test_after_a_reconnect_the_stream_is_what_the_server_renders(page, page_log, server):
    open_log(page)
    page.locator(f"{LINES}:last-child").scroll_into_view_if_needed()
    expect(page.locator(LINES)).to_have_count(100)
    page.evaluate("window.scrollTo(0, 0)")  # the sentinel out of view: nothing loads by itself
    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    server.start()
    page.wait_for_selector(CONNECTED)
    # A new page instance starts from the first 50 lines: the stream is sent whole, once.
    expect(page.locator("#shown")).to_have_text("50 of 100000 lines sent")
    expect(page.locator(LINES)).to_have_count(50)
    numbers = page.locator(f"{LINES} code").all_inner_texts()
    assert numbers == [f"#{n}" for n in range(50)]
    assert page.evaluate("window.__marker") == 1


def test_a_stream_sent_whole_on_a_reconnect_is_not_sent_again_on_the_next(page, page_log, server):
    # The stream a reconnect sent whole comes with the version of what it holds: the glue keeps
    # that version, so the next reconnect, to a server rendering the same lines, sends nothing
    # for it. The glue cleared it as for an insert, and every reconnect sent the stream again.
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    open_log(page)
    page.locator(f"{LINES}:last-child").scroll_into_view_if_needed()
    expect(page.locator(LINES)).to_have_count(100)  # inserted: the version is gone
    page.evaluate("window.scrollTo(0, 0)")
    for sent_whole in (True, False):
        server.stop()
        page.wait_for_selector('body[data-live-state="disconnected"]')
        frames.clear()
        server.start()
        page.wait_for_selector(CONNECTED)
        # Waited for as a frame: on the second reconnect the page shows what it showed before.
        joined = join_reply(page, frames)
        assert ("data-live-stream" in joined) is sent_whole, joined[:300]
        expect(page.locator("#shown")).to_have_text("50 of 100000 lines sent")
        expect(page.locator(LINES)).to_have_count(50)
    assert page.evaluate("window.__marker") == 1


def join_reply(page, frames):
    """The reply to the join among the frames the page received, once it has arrived."""

    def replies():
        return [frame for frame in frames if '"joined"' in frame]

    # Playwright delivers the frames on their way while the test waits.
    wait_until(page, replies, message="no reply to the join within 10 s")
    return replies()[0]


# -- broadcasts: the todo feed (/todos/feed/) streams the shared todo list ---------------------


def test_a_todo_saved_in_another_tab_arrives_in_the_feed_as_that_one_row(new_context, page_log):
    feed = new_context().new_page()
    frames = []
    feed.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
    feed.goto("/todos/feed/")
    feed.wait_for_selector(CONNECTED)
    feed.evaluate("window.__marker = 1")
    todos = new_context().new_page()
    todos.goto("/todos/")
    todos.wait_for_selector(CONNECTED)
    title = f"stream me {uuid.uuid4().hex[:8]}"

    todos.click("#new-title")
    todos.keyboard.type(title)
    todos.keyboard.press("Enter")

    row = feed.locator("ul.feed > li", has_text=title)
    expect(row).to_have_count(1)
    expect(feed.locator("ul.feed > li").first).to_have_text(re.compile(re.escape(title)))
    # Ticked in the other tab: morphed in place here.
    feed.evaluate(f"window.__row = document.getElementById('{row.get_attribute('id')}')")
    todos.locator("li", has_text=title).locator("input[type=checkbox]").check()
    expect(row.locator(".title.done")).to_have_count(1)
    assert feed.evaluate(f"document.getElementById('{row.get_attribute('id')}') === window.__row")
    # Deleted there: gone here.
    todos.locator("li", has_text=title).locator("button.delete").click()
    expect(row).to_have_count(0)
    # Each broadcast brought one row (or one removal), never the feed.
    assert len(frames) >= 3
    assert all(frame.count("<li") <= 1 for frame in frames)
    assert feed.evaluate("window.__marker") == 1
    assert_no_errors(page_log)
