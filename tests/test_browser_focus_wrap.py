"""The focus wrap (data-live-focus-wrap) in real Chromium against sample_site's /menus/
(demo/menus.py): while the search panel (shown by JS commands) or the "Clear the list" dialog
(rendered by the server's update) is shown, Tab from its last tab stop goes to its first and
Shift+Tab from its first to its last, a Tab from outside goes in, and once it is hidden or the
update removes it, Tab moves through the page as usual. A page whose only wrap comes later
loads the script that keeps it with the update that shows it."""

from __future__ import annotations

import pytest

from tests.test_browser import assert_no_errors, open_counter
from tests.test_browser_commands import open_menus, wait_for_commands

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

# Elements the browser cannot tab to, at both ends of the search panel: not tab stops, so the
# field and Close stay its first and last.
UNREACHABLE = """() => {
  const panel = document.getElementById("search-panel");
  const html = '<button disabled>Off</button><a href="#x" tabindex="-1">Skipped</a>'
    + '<input hidden><span style="display: none"><button>Gone</button></span>'
    + '<div inert><button>Inert</button></div>'
    + '<button style="visibility: hidden">Invisible</button>';
  panel.insertAdjacentHTML("afterbegin", html);
  panel.insertAdjacentHTML("beforeend", html);
}"""


def focused(page, selector):
    expect(page.locator(selector)).to_be_focused()


def open_search(page):
    open_menus(page)
    page.click("#search-button")  # show; focus-first: the field
    focused(page, "#search-field")


def ask_to_clear(page):
    open_menus(page)
    page.click("#clear-notes")  # the update renders the dialog; live_focus("#clear-no")
    expect(page.locator("#clear-dialog")).to_be_visible()
    focused(page, "#clear-no")


def test_tab_from_the_last_tab_stop_goes_to_the_first(page, page_log):
    open_search(page)
    page.keyboard.press("Tab")
    focused(page, "#search-close")
    page.keyboard.press("Tab")  # past the end of the panel: its first stop, not the list below
    focused(page, "#search-field")
    page.keyboard.press("Tab")
    focused(page, "#search-close")
    assert_no_errors(page_log)


def test_shift_tab_from_the_first_tab_stop_goes_to_the_last(page, page_log):
    open_search(page)
    page.keyboard.press("Shift+Tab")  # before the panel: its last stop, not "Search the list"
    focused(page, "#search-close")
    page.keyboard.press("Shift+Tab")
    focused(page, "#search-field")
    assert_no_errors(page_log)


def test_what_the_browser_cannot_tab_to_is_no_end_of_the_wrap(page, page_log):
    open_search(page)
    page.evaluate(UNREACHABLE)
    page.keyboard.press("Tab")
    focused(page, "#search-close")
    page.keyboard.press("Tab")
    focused(page, "#search-field")
    page.keyboard.press("Shift+Tab")
    focused(page, "#search-close")
    assert_no_errors(page_log)


def test_a_hidden_wrap_no_longer_keeps_the_focus(page, page_log):
    open_search(page)
    page.click("#search-close")  # hide to #search-panel; focus to #search-button
    focused(page, "#search-button")
    page.keyboard.press("Tab")  # on to the list, as on a page without the panel
    focused(page, "#note-milk .delete")
    assert_no_errors(page_log)


def test_a_shown_wrap_with_nothing_to_focus_takes_no_tab(page, page_log):
    open_menus(page)
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend",
      '<div data-live-focus-wrap><p>Nothing to focus</p><button disabled>Off</button></div>')""")
    page.focus("#search-button")
    page.keyboard.press("Tab")  # as on a page without it
    focused(page, "#note-milk .delete")
    assert_no_errors(page_log)


def test_a_dialog_an_update_inserts_keeps_the_focus(page, page_log):
    ask_to_clear(page)
    page.keyboard.press("Tab")  # from "Keep them", its last: "Delete them", its first
    focused(page, "#clear-yes")
    page.keyboard.press("Shift+Tab")
    focused(page, "#clear-no")
    page.keyboard.press("Tab")
    focused(page, "#clear-yes")
    assert_no_errors(page_log)


def test_a_tab_from_outside_a_shown_wrap_goes_into_it(page, page_log):
    ask_to_clear(page)
    page.focus("#clear-notes")  # the button that asked, outside the dialog
    page.keyboard.press("Tab")
    focused(page, "#clear-yes")
    page.focus("#search-button")
    page.keyboard.press("Shift+Tab")
    focused(page, "#clear-no")
    assert_no_errors(page_log)


def test_a_dialog_the_update_removes_no_longer_keeps_the_focus(page, page_log):
    ask_to_clear(page)
    page.keyboard.press("Enter")  # "Keep them": the update removes the dialog; focus to the button
    expect(page.locator("#clear-dialog")).to_have_count(0)
    focused(page, "#clear-notes")
    expect(page.locator(".notes li")).to_have_count(4)
    page.keyboard.press("Tab")  # on past the dialog's place, to the field after it
    focused(page, "#share-url")
    page.keyboard.press("Shift+Tab")
    focused(page, "#clear-notes")
    assert_no_errors(page_log)


def test_the_dialog_clears_the_list_and_gives_the_focus_back(page, page_log):
    ask_to_clear(page)
    page.keyboard.press("Shift+Tab")
    focused(page, "#clear-yes")
    page.keyboard.press("Enter")  # "Delete them"
    expect(page.locator("#clear-dialog")).to_have_count(0)
    expect(page.locator(".notes li")).to_have_text(["Nothing left."])
    focused(page, "#clear-notes")
    assert_no_errors(page_log)


def test_a_pages_first_wrap_loads_the_script_that_keeps_it(page, page_log):
    scripts = []
    page.on("request", lambda request: scripts.append(request.url.rsplit("/", 1)[-1]))
    open_counter(page)  # no hook, command or wrap: no hooks script
    assert "live_views.hooks.min.js" not in scripts
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend",
      '<div data-live-focus-wrap><button id="late">In the wrap</button></div>')""")
    page.click("#plus-one")  # an update: the glue looks again for what the page shows
    expect(page.locator("#count")).to_have_text("1")
    wait_for_commands(page)
    assert "live_views.hooks.min.js" in scripts
    page.focus("#plus-two")
    page.keyboard.press("Tab")
    focused(page, "#late")
    assert_no_errors(page_log)
