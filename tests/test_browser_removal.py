"""Removal transitions (data-live-remove) in real Chromium against sample_site's /menus/
(demo/menus.py): a row the server's update removes stays for its time with its class, inert,
then goes; the rest of the list follows the server, a second delete during the transition works,
and under prefers-reduced-motion the row goes at once."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser_fixtures import CONNECTED
from tests.test_browser import add_todo, assert_no_errors, open_todos, todo_row
from tests.test_browser_commands import wait_for_commands
from tests.test_browser_forms import unique
from tests.test_browser_hooks import LOG, hook_log, log_after
from tests.test_browser_hooks import open_page as open_hooks

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

FADING = re.compile(r"\bfade-out\b")
ALL = ["note-milk", "note-call", "note-plants", "note-tickets"]

# Records, frame by frame, whether the row `id` is shown, fading (its class) or gone, from now
# until it has been gone for a frame: what the user saw, in `window.seen`, with the times, and
# on the first fading frame whether it was inert and the list's rows then.
WATCH = """id => {
  const seen = (window.seen = []);
  const tick = () => {
    const el = document.getElementById(id);
    const state = !el ? "gone" : el.classList.contains("fade-out") ? "fading" : "shown";
    if (seen.at(-1)?.[0] !== state) {
      const rows = [...document.querySelectorAll(".notes li")].map((row) => row.id);
      seen.push([state, performance.now(), el?.inert, rows]);
    }
    if (state !== "gone") requestAnimationFrame(tick);
  };
  tick();
}"""


def open_notes(page):
    page.goto("/menus/")
    page.wait_for_selector(CONNECTED)
    wait_for_commands(page)
    page.click("#restore-notes")  # the page's state is the server's, per tab: a fresh list
    expect(page.locator(".notes li")).to_have_count(4)


def slow_fade(page):
    """Gives the rows a 3 s fade, so that what a test checks during it is still there on a
    loaded machine. Until the next update: it renders the demo's 300 ms again."""
    page.evaluate("""() => { for (const row of document.querySelectorAll(".notes li"))
      row.dataset.liveRemove = "fade-out 3s"; }""")


def row_ids(page):
    return page.locator(".notes li").evaluate_all("rows => rows.map(row => row.id)")


def delete(page, key):
    page.click(f"#note-{key} .delete")


def delete_slowly(page, key):
    """Deletes the row ``key`` with a 3 s fade (slow_fade), once it has started fading."""
    slow_fade(page)
    delete(page, key)
    expect(page.locator(f"#note-{key}")).to_have_class(FADING)


def test_a_deleted_row_fades_for_its_time_then_goes(page, page_log):
    open_notes(page)
    page.evaluate(WATCH, "note-call")
    delete(page, "call")
    row = page.locator("#note-call")
    expect(row).to_have_count(0)
    assert row_ids(page) == ["note-milk", "note-plants", "note-tickets"]
    states = page.evaluate("window.seen")
    # Shown, then fading (never gone for a frame in between), then gone after its 300 ms.
    assert [state[0] for state in states] == ["shown", "fading", "gone"], states
    assert states[2][1] - states[1][1] >= 250, states
    _, _, inert, rows = states[1]
    assert inert  # no click on its Delete button while it fades
    assert rows == ALL  # in its place
    assert_no_errors(page_log)


def test_a_second_delete_during_the_transition(page, page_log):
    open_notes(page)
    delete_slowly(page, "call")
    delete_slowly(page, "plants")  # the server's update now lacks both; the first still fades
    assert row_ids(page) == ALL  # each once, in place: the ghost did not disturb the morph
    expect(page.locator("#note-milk")).not_to_have_class(FADING)
    expect(page.locator(".notes li")).to_have_count(2)
    assert row_ids(page) == ["note-milk", "note-tickets"]
    delete(page, "tickets")  # the list's morph still pairs the rows left by their ids
    expect(page.locator(".notes li")).to_have_count(1)
    assert row_ids(page) == ["note-milk"]
    assert_no_errors(page_log)


def test_a_row_the_server_renders_again_while_it_fades_is_the_servers(page, page_log):
    open_notes(page)
    delete_slowly(page, "call")
    page.click("#restore-notes")
    expect(page.locator("#note-call")).not_to_have_class(FADING)
    page.wait_for_timeout(3500)  # past the fade's time: nothing removes the server's row
    assert row_ids(page) == ALL
    assert not page.locator("#note-call").evaluate("row => row.inert")
    delete_slowly(page, "call")  # and it fades out again
    expect(page.locator("#note-call")).to_have_count(0)
    assert_no_errors(page_log)


def test_reduced_motion_removes_the_row_at_once(new_context, page_log):
    page = new_context(reduced_motion="reduce").new_page()
    open_notes(page)
    page.evaluate(WATCH, "note-call")
    delete(page, "call")
    expect(page.locator("#note-call")).to_have_count(0)
    assert [state[0] for state in page.evaluate("window.seen")] == ["shown", "gone"]
    assert row_ids(page) == ["note-milk", "note-plants", "note-tickets"]
    assert_no_errors(page_log)


def test_a_hook_in_a_fading_element_is_destroyed_when_it_goes(page, page_log):
    # As Phoenix: `destroyed` once the element leaves the page, not at the swap that starts
    # its transition (it is still shown), and once.
    open_hooks(page)
    assert log_after(page, lambda: page.click("#toggle-panel")) == ["mounted panel"]
    # The live component's element around the hooked <p id="panel"> fades when removed.
    component = page.locator("[data-live-component]:has(> #panel)")
    component.evaluate("el => (el.dataset.liveRemove = 'fade-out 3s')")
    assert log_after(page, lambda: page.click("#toggle-panel")) == []
    expect(component).to_have_class(FADING)
    # Another update while it fades takes it off the page for its swap, and puts it back.
    assert log_after(page, lambda: page.click("#toggle")) == ["destroyed widget"]
    expect(component).to_have_class(FADING)
    expect(page.locator("#panel")).to_have_count(0)
    expect(page.locator(LOG).last).to_have_text("destroyed panel")
    assert log_after(page, lambda: page.click("#toggle")) == ["mounted widget"]
    assert hook_log(page).count("destroyed panel") == 1
    assert_no_errors(page_log)


def test_a_row_block_removed_by_its_tables_render_fades(new_context, page_log):
    # /contacts/: each row is a {% liveblock contact key=… tag="tr" remove="fade-out 300ms" %},
    # which no element of the page's own can hold in a table. A delete re-renders the table's
    # block without the row: in this tab and in another one, it fades out.
    context = new_context()
    editor, watcher = context.new_page(), context.new_page()
    name = unique("Fade")
    editor.goto("/contacts/new/")
    editor.wait_for_selector(CONNECTED)
    editor.fill("#id_name", name)
    editor.fill("#id_email", f"{name}@example.com")
    editor.click("button[type=submit]")
    expect(editor).to_have_url("/contacts/")
    editor.wait_for_selector(CONNECTED)
    watcher.goto("/contacts/")
    watcher.wait_for_selector(CONNECTED)
    wait_for_commands(watcher)
    watcher.evaluate(WATCH_ROW, name)
    editor.once("dialog", lambda dialog: dialog.accept())
    editor.locator("tr", has_text=name).locator("button.delete").click()
    expect(watcher.locator("tr", has_text=name)).to_have_count(0)
    # Its watch records "gone" on the next animation frame after the row left.
    watcher.wait_for_function("window.seen.at(-1)?.[0] === 'gone'")
    states = watcher.evaluate("window.seen")
    assert [state[0] for state in states] == ["shown", "fading", "gone"], states
    assert states[2][1] - states[1][1] >= 250, states
    assert states[1][2]  # inert
    expect(editor.locator("tr", has_text=name)).to_have_count(0)
    assert_no_errors(page_log)


# WATCH, for the table row that shows `name`.
WATCH_ROW = """name => {
  const seen = (window.seen = []);
  const tick = () => {
    const rows = [...document.querySelectorAll(".contacts tr")];
    const el = rows.find((tr) => tr.textContent.includes(name));
    const state = !el ? "gone" : el.classList.contains("fade-out") ? "fading" : "shown";
    if (seen.at(-1)?.[0] !== state) seen.push([state, performance.now(), el?.inert]);
    if (state !== "gone") requestAnimationFrame(tick);
  };
  tick();
}"""


def test_a_deleted_row_fades_over_http(http_transport_page):
    page = http_transport_page
    open_notes(page)
    delete_slowly(page, "plants")
    assert row_ids(page) == ALL
    expect(page.locator("#note-plants")).to_have_count(0)
    assert row_ids(page) == ["note-milk", "note-call", "note-tickets"]


def test_a_stream_item_deleted_fades_on_a_page_with_no_other_script(new_context, page_log):
    # /todos/feed/ shows the shared todos as a stream: a todo deleted on /todos/ is deleted from
    # it item by item (an out-of-band delete, not a morph). Its items are the browser's, so the
    # attribute set here stays; the page has no hook and no command: the attribute alone loads
    # the script that runs it.
    feed = new_context().new_page()
    feed.goto("/todos/feed/")
    feed.wait_for_selector(CONNECTED)
    # An element with the attribute, alone: the script loads with the next update.
    feed.evaluate("document.body.insertAdjacentHTML('beforeend', '<i data-live-remove></i>')")
    todos = open_todos(new_context().new_page())
    title = f"Fade me {time.monotonic_ns()}"
    add_todo(todos, title)
    item = feed.locator(".feed li", has_text=title)
    expect(item).to_have_count(1)
    wait_for_commands(feed)
    item.evaluate("li => (li.dataset.liveRemove = 'fade-out 3s')")
    todo_row(todos, title).locator(".delete").click()
    expect(item).to_have_class(FADING)
    assert item.evaluate("li => li.inert")
    expect(item).to_have_count(0)
    assert_no_errors(page_log)
