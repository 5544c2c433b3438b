"""End-to-end: real Chromium (Debian's, via Playwright) against sample_site served by uvicorn.

Each test asserts what a user sees. The fixtures are in tests/browser_fixtures.py.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid

import pytest

from tests.browser_fixtures import CONNECTED, REFUSED, assert_same_document, mark_document

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

BUNDLED_JS = "/static/live_views/live_views.min.js"

# Runs before any page script: records every close code the glue reports, so a test can
# assert on the 4xxx code the server chose (Playwright does not expose websocket close codes).
RECORD_CLOSE_CODES = """
window.__closeCodes = [];
document.addEventListener("live:disconnected", (evt) => window.__closeCodes.push(evt.detail.code));
"""


# -- helpers -----------------------------------------------------------------------------------


def open_counter(page, path="/counter/"):
    page.goto(path)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#count")).to_have_text("0")


def log_in(page, username="demo"):
    """Anonymous GET /private/ goes to the login form; demo/demo (or ``username``, a
    LiveServer.new_user()) brings the user back, to a live page: connected, so it joins (over
    HTTP, on that transport) before whatever the test opens next, not as it loads."""
    page.goto("/private/")
    expect(page).to_have_url("/login/?next=/private/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    expect(page).to_have_url("/private/")
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")


def assert_no_errors(page_log):
    assert page_log.errors == [], "errors in the browser:\n" + "\n".join(page_log.errors)


def click_plus_two_without_page_load(page, page_log):
    open_counter(page)
    mark_document(page)
    documents_before = list(page_log.documents)

    page.click("#plus-two")

    expect(page.locator("#count")).to_have_text("2")
    assert_same_document_at(page, "/counter/")
    assert page_log.documents == documents_before, "a document was requested"


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


def test_logging_out_from_a_live_page_goes_where_the_logout_redirects(page, page_log):
    # The logout ends the session the page's socket was opened for, which closes it with 4401
    # ("reload"). The reload cancelled the logout's own navigation: the browser stayed on the
    # page (here: to the login form, ?next=/private/) instead of LOGOUT_REDIRECT_URL ("home").
    log_in(page)
    page.wait_for_selector(CONNECTED)
    page.click("button:has-text('Log out demo')")
    expect(page).to_have_url("/")
    expect(page.locator("h1")).to_have_text("django-live-views demos")
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()


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


# -- shared todo list: two users' tabs on /todos/ ---------------------------------------------
#
# Every Todo save is broadcast (LIVE_VIEWS["BROADCAST_MODELS"]) and re-renders every open
# /todos/ page. The database lives as long as the module's server, so each test makes its own
# unique titles and finds rows by text, never by position or total count.

TODO_ROWS = "li[id^='lv-todo-']"  # one per todo (not ul#lv-todos, nor li.empty)


def unique_title(label):
    return f"{label} {uuid.uuid4().hex[:8]}"


def open_todos(page):
    page.goto("/todos/")
    page.wait_for_selector(CONNECTED)
    return page


def two_users_on_todos(new_context):
    """Two tabs on /todos/, each in its own browser context (two users, two sessions)."""
    first = open_todos(new_context().new_page())
    second = open_todos(new_context().new_page())
    return first, second


def todo_row(page, title):
    return page.locator(TODO_ROWS, has_text=title)


def items_text(count, left=None):
    remaining = r"\d+" if left is None else str(left)
    return re.compile(rf"^{remaining} of {count} items? left to do$")


def expect_rows_and_count(page, count, left=None):
    """The list shows `count` todos and #lv-remaining says so (and that `left` are not done)."""
    expect(page.locator(TODO_ROWS)).to_have_count(count)
    expect(page.locator("#lv-remaining")).to_have_text(items_text(count, left))


def add_todo(page, title):
    """Type a title into #new-title and press Enter, as a user does."""
    page.bring_to_front()
    page.click("#new-title")
    page.keyboard.type(title)
    page.keyboard.press("Enter")


def assert_same_document_at(page, path="/todos/"):
    """The document mark_document() marked, never navigated away from, still at ``path``."""
    assert_same_document(page)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert page.url.endswith(path)


def test_todo_added_in_one_tab_appears_in_the_other_without_a_reload(new_context, page_log):
    first, second = two_users_on_todos(new_context)
    before = first.locator(TODO_ROWS).count()
    expect_rows_and_count(second, before)
    mark_document(first)
    mark_document(second)
    documents_before = list(page_log.documents)
    title = unique_title("buy milk")

    add_todo(first, title)

    expect(first.locator("#new-title")).to_have_value("")
    expect(todo_row(first, title)).to_have_count(1)
    expect(todo_row(second, title)).to_have_count(1)
    expect(todo_row(second, title).locator(".title")).to_have_text(title)
    # The same row (same pk) in both tabs, shown as not done.
    row_id = todo_row(first, title).get_attribute("id")
    expect(todo_row(second, title)).to_have_id(row_id)
    expect(todo_row(second, title).locator("input[type=checkbox]")).not_to_be_checked()
    expect(second.locator(TODO_ROWS).last).to_have_id(row_id)  # newest last
    expect(second.locator("li.empty")).to_have_count(0)
    expect_rows_and_count(first, before + 1)
    expect_rows_and_count(second, before + 1)
    assert_same_document_at(first)
    assert_same_document_at(second)
    assert page_log.documents == documents_before, "a document was requested"
    assert_no_errors(page_log)


def checkbox(page, title):
    return todo_row(page, title).locator("input[type=checkbox]")


def test_toggle_and_delete_are_seen_by_the_other_tab(new_context, page_log):
    first, second = two_users_on_todos(new_context)
    title = unique_title("walk the dog")
    add_todo(first, title)
    expect(todo_row(first, title)).to_have_count(1)
    expect(todo_row(second, title)).to_have_count(1)
    count = first.locator(TODO_ROWS).count()
    mark_document(first)
    mark_document(second)

    # Tab 2 ticks it: tab 1 shows it done.
    second.bring_to_front()
    checkbox(second, title).check()
    expect(checkbox(first, title)).to_be_checked()
    expect(todo_row(first, title).locator(".title")).to_have_class("title done")
    expect(todo_row(second, title).locator(".title")).to_have_class("title done")
    # "L of N items left to do": ticking changes what is left, in both tabs.
    left = first.locator(f"{TODO_ROWS} input[type=checkbox]:not(:checked)").count()
    expect_rows_and_count(first, count, left)
    expect_rows_and_count(second, count, left)

    # Tab 1 deletes it: the row leaves tab 2.
    first.bring_to_front()
    todo_row(first, title).locator(".delete").click()
    expect(todo_row(second, title)).to_have_count(0)
    expect(todo_row(first, title)).to_have_count(0)
    expect_rows_and_count(first, count - 1)
    expect_rows_and_count(second, count - 1)
    assert_same_document_at(first)
    assert_same_document_at(second)
    assert_no_errors(page_log)


def test_checkbox_ticked_in_a_tab_follows_an_untick_from_the_other_tab(new_context, page_log):
    first, second = two_users_on_todos(new_context)
    title = unique_title("water plants")
    add_todo(first, title)
    second.bring_to_front()
    checkbox(second, title).check()
    expect(checkbox(first, title)).to_be_checked()

    first.bring_to_front()
    checkbox(first, title).uncheck()
    expect(todo_row(second, title).locator(".title")).to_have_class("title")  # re-rendered
    expect(checkbox(second, title)).not_to_have_attribute("checked", "")
    # The server says "not done" and so does the title, but the box the user ticked stays
    # ticked: clicking it again would send toggle and mark the todo done while unticking it.
    expect(checkbox(second, title)).not_to_be_checked(timeout=2000)
    assert_no_errors(page_log)


def test_half_typed_title_and_focus_survive_broadcasts_from_the_other_tab(new_context, page_log):
    first, second = two_users_on_todos(new_context)
    titles = [unique_title("from tab 1"), unique_title("also from tab 1")]
    mine = unique_title("typed in tab 2")
    half = mine[:7]  # "typed i"

    second.bring_to_front()
    second.click("#new-title")
    second.keyboard.type(half)
    second.evaluate(
        """() => {
            const input = document.getElementById("new-title");
            input.setSelectionRange(3, 3);  // caret: typ|ed i
            window.__inputBefore = input;
        }"""
    )

    for title in titles:
        add_todo(first, title)
        expect(todo_row(second, title)).to_have_count(1)
    expect(first.locator("#new-title")).to_have_value("")

    second.bring_to_front()
    state = second.evaluate(
        """() => {
            const input = document.getElementById("new-title");
            return {
                active: document.activeElement && document.activeElement.id,
                value: input.value,
                start: input.selectionStart,
                end: input.selectionEnd,
                sameElement: input === window.__inputBefore,
            };
        }"""
    )
    assert state == {
        "active": "new-title",
        "value": half,
        "start": 3,
        "end": 3,
        "sameElement": True,
    }

    # The user carries on typing where they were and sends it: tab 1 gets it.
    second.keyboard.press("End")
    second.keyboard.type(mine[len(half) :])
    expect(second.locator("#new-title")).to_have_value(mine)
    second.keyboard.press("Enter")
    expect(second.locator("#new-title")).to_have_value("")
    expect(todo_row(first, mine)).to_have_count(1)
    expect(todo_row(second, mine)).to_have_count(1)
    assert_no_errors(page_log)


def test_emptying_the_list_shows_nothing_to_do_in_the_other_tab(new_context, page_log):
    first, second = two_users_on_todos(new_context)
    # Start from at least one todo, whatever earlier tests left.
    cleared = unique_title("to be cleared")
    add_todo(first, cleared)
    expect(todo_row(first, cleared)).to_have_count(1)
    expect(todo_row(second, cleared)).to_have_count(1)

    rows = first.locator(TODO_ROWS)
    while rows.count():
        row_id = rows.first.get_attribute("id")
        rows.first.locator(".delete").click()
        expect(first.locator(f"#{row_id}")).to_have_count(0)

    expect(second.locator("li.empty")).to_have_text("Nothing to do.")
    expect_rows_and_count(second, 0)
    expect_rows_and_count(first, 0)

    title = unique_title("fresh start")
    add_todo(second, title)
    expect(todo_row(first, title)).to_have_count(1)
    expect(first.locator("li.empty")).to_have_count(0)
    expect_rows_and_count(first, 1)
    expect_rows_and_count(second, 1)
    assert_no_errors(page_log)
