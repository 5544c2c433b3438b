"""The focus wrap (data-live-focus-wrap) in real Chromium against sample_site's /menus/
(demo/menus.py): while the search panel (shown by JS commands) or the "Clear the list" dialog
(rendered by the server's update) is shown, Tab from its last tab stop goes to its first and
Shift+Tab from its first to its last, a Tab from outside goes in, and once it is hidden or the
update removes it, Tab moves through the page as usual. A page whose only wrap comes later
loads the script that keeps it with the update that shows it. As a wrap comes to be shown the
focus goes into it, and as it goes with the focus in it the focus goes back where it came from
("Rename" and "Clear the list" open dialogs the server renders)."""

from __future__ import annotations

import json

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


# Moving the focus in and back (WAI-ARIA's dialog pattern; Phoenix's show_modal focuses the first
# element of the modal's content): a wrap the page comes to show takes the focus, on its
# [autofocus], else its first element that takes it, else itself; hidden or removed with the
# focus in it, it gives the focus back to where it was before.

# A panel of the page's own script, hidden until the test shows it: a field after an element that
# takes no focus, then a button.
OWN_PANEL = """() => document.body.insertAdjacentHTML("beforeend",
  '<div id="own-panel" hidden data-live-focus-wrap><p>Your name?</p><button disabled>Off</button>'
  + '<input id="own-name" aria-label="Your name"><button id="own-ok">OK</button></div>')"""


def set_hidden(page, selector, hidden):
    page.evaluate(
        "([selector, hidden]) => (document.querySelector(selector).hidden = hidden)",
        [selector, hidden],
    )


def body_focused(page):
    return page.evaluate("() => document.activeElement === document.body")


def open_rename(page):
    open_menus(page)
    page.focus("#rename-list")
    page.keyboard.press("Enter")  # ask_rename renders the dialog; the view moves no focus
    expect(page.locator("#rename-dialog")).to_be_visible()


def test_a_dialog_an_update_shows_takes_the_focus_on_its_first_field(page, page_log):
    open_rename(page)
    focused(page, "#rename-field")
    page.keyboard.press("Control+A")
    page.keyboard.type("Groceries")
    page.keyboard.press(
        "Enter"
    )  # rename: the update removes the dialog with the focus in its field
    expect(page.locator("#list-name")).to_have_text("Groceries")
    expect(page.locator("#rename-dialog")).to_have_count(0)
    focused(page, "#rename-list")  # back to the button that opened it
    assert_no_errors(page_log)


def test_cancelling_the_dialog_gives_the_focus_back_to_the_button_that_opened_it(page, page_log):
    open_rename(page)
    page.keyboard.press("Shift+Tab")  # round to its last: Cancel
    focused(page, "#rename-cancel")
    page.keyboard.press("Enter")
    expect(page.locator("#rename-dialog")).to_have_count(0)
    expect(page.locator("#list-name")).to_have_text("My notes")
    focused(page, "#rename-list")
    assert_no_errors(page_log)


def test_a_dialog_an_update_shows_takes_the_focus_on_its_autofocus(page, page_log):
    open_menus(page)
    page.focus("#clear-notes")
    page.keyboard.press("Enter")  # ask_clear renders the dialog; the view moves no focus
    expect(page.locator("#clear-dialog")).to_be_visible()
    focused(page, "#clear-no")  # "Keep them" (autofocus), not "Delete them", the first
    assert_no_errors(page_log)


def test_closing_the_dialog_gives_the_focus_back_to_the_button_that_opened_it(page, page_log):
    ask_to_clear(page)
    page.keyboard.press("Enter")  # "Keep them": the update removes the dialog with the focus in it
    expect(page.locator("#clear-dialog")).to_have_count(0)
    focused(page, "#clear-notes")
    page.click("#clear-notes")  # and again, answered the other way
    focused(page, "#clear-no")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # "Delete them"
    expect(page.locator(".notes li")).to_have_text(["Nothing left."])
    focused(page, "#clear-notes")
    assert_no_errors(page_log)


def test_a_wrap_a_script_shows_takes_the_focus_on_its_first_field_and_gives_it_back(page, page_log):
    open_menus(page)
    page.evaluate(OWN_PANEL)
    page.focus("#copy-url")
    set_hidden(page, "#own-panel", False)
    focused(page, "#own-name")  # the first that takes the focus (the disabled button does not)
    page.keyboard.press("Tab")
    focused(page, "#own-ok")
    set_hidden(page, "#own-panel", True)
    focused(page, "#copy-url")
    assert_no_errors(page_log)


def test_a_wrap_with_nothing_to_focus_takes_the_focus_itself(page, page_log):
    open_menus(page)
    page.evaluate("""() => document.body.insertAdjacentHTML("beforeend",
      '<div id="saved" hidden data-live-focus-wrap><p>Saved.</p></div>'
      + '<div id="saved-too" tabindex="0" hidden data-live-focus-wrap><p>Saved too.</p></div>')""")
    set_hidden(page, "#saved", False)
    focused(page, "#saved")
    expect(page.locator("#saved")).to_have_attribute("tabindex", "-1")  # out of the Tab order
    set_hidden(page, "#saved-too", False)
    focused(page, "#saved-too")
    expect(page.locator("#saved-too")).to_have_attribute("tabindex", "0")  # its own kept
    assert_no_errors(page_log)


def test_a_wrap_shown_with_the_focus_already_in_it_keeps_it_there(page, page_log):
    open_menus(page)
    page.evaluate(OWN_PANEL)
    page.evaluate("""() => {
      document.getElementById("own-panel").hidden = false;
      document.getElementById("own-ok").focus();
    }""")
    page.wait_for_timeout(100)
    focused(page, "#own-ok")  # not its first field
    assert_no_errors(page_log)


def test_a_wrap_hidden_with_the_focus_elsewhere_leaves_it_there(page, page_log):
    open_search(page)
    page.focus("#copy-url")  # a panel, not a modal: a click may leave it
    set_hidden(page, "#search-panel", True)
    page.wait_for_timeout(100)
    focused(page, "#copy-url")
    page.click("#search-button")
    focused(page, "#search-field")
    page.evaluate("() => document.activeElement.blur()")  # a click on the page's background
    set_hidden(page, "#search-panel", True)
    page.wait_for_timeout(100)
    assert body_focused(page)
    assert_no_errors(page_log)


def test_the_focus_goes_back_only_to_an_element_that_takes_it(page, page_log):
    open_menus(page)
    page.evaluate(OWN_PANEL)
    page.focus("#restore-notes")
    set_hidden(page, "#own-panel", False)
    focused(page, "#own-name")
    page.evaluate('() => (document.getElementById("restore-notes").disabled = true)')
    set_hidden(page, "#own-panel", True)
    page.wait_for_timeout(100)
    assert body_focused(page)
    assert_no_errors(page_log)


# The search panel shown at load, as if served so: once the page is parsed, before its scripts run.
SHOWN_AT_LOAD = """(attributes) => document.addEventListener("readystatechange", () => {
  if (document.readyState !== "interactive") return;
  const panel = document.getElementById("search-panel");
  panel.hidden = false;
  for (const [name, value] of Object.entries(attributes)) panel.setAttribute(name, value);
})"""


def show_the_search_panel_at_load(page, attributes):
    page.add_init_script(f"({SHOWN_AT_LOAD})({json.dumps(attributes)})")


def test_a_panel_shown_at_page_load_takes_no_focus(page, page_log):
    show_the_search_panel_at_load(page, {})
    open_menus(page)
    expect(page.locator("#search-panel")).to_be_visible()
    page.wait_for_timeout(100)
    assert body_focused(page)  # where a load leaves it
    page.keyboard.press("Tab")  # the wrap keeps Tab in it all the same
    focused(page, "#search-field")
    assert_no_errors(page_log)


def test_a_modal_dialog_shown_at_page_load_takes_the_focus(page, page_log):
    show_the_search_panel_at_load(
        page, {"role": "dialog", "aria-modal": "true", "aria-label": "Search"}
    )
    open_menus(page)
    focused(page, "#search-field")
    assert_no_errors(page_log)


def test_a_wrap_that_took_the_focus_itself_keeps_it_through_a_re_render(page, page_log):
    open_menus(page)
    page.focus("#count-button")
    page.keyboard.press("Enter")  # toggle to #count-panel: nothing in it takes the focus
    focused(page, "#count-panel")
    # An update while the focus is in it, as a broadcast would render: a click of no user's, which
    # moves no focus. The morph copies the server's attributes, which have no tabindex.
    page.evaluate('() => document.getElementById("plus-one").click()')
    expect(page.locator("#count-panel")).to_have_text("The count is 1.")
    focused(page, "#count-panel")
    expect(page.locator("#count-panel")).to_have_attribute("tabindex", "-1")
    set_hidden(page, "#count-panel", True)  # closed with the focus in it: back to the button
    focused(page, "#count-button")
    assert_no_errors(page_log)


# Wraps that the page's CSS shows on a click, with no change to its elements or attributes: a
# popover, the link's :target, a checkbox's :checked. `#opener` shows `#css-wrap`.
CSS_SHOWN = {
    "popover": (
        '<button id="opener" popovertarget="css-wrap">Open</button>'
        '<div id="css-wrap" popover data-live-focus-wrap><button id="css-in">In</button></div>',
        "",
    ),
    "target": (
        '<a id="opener" href="#css-wrap">Open</a>'
        '<div id="css-wrap" data-live-focus-wrap><button id="css-in">In</button></div>',
        "#css-wrap:not(:target) { display: none }",
    ),
    "checked": (
        '<input id="opener" type="checkbox" aria-label="Open">'
        '<div id="css-wrap" data-live-focus-wrap><button id="css-in">In</button></div>',
        "#opener:not(:checked) + #css-wrap { display: none }",
    ),
}


@pytest.mark.parametrize("shown_by", CSS_SHOWN)
def test_a_wrap_the_pages_css_shows_takes_the_focus(page, page_log, shown_by):
    html, css = CSS_SHOWN[shown_by]
    open_menus(page)
    if css:
        page.add_style_tag(content=css)
    page.evaluate('(html) => document.body.insertAdjacentHTML("beforeend", html)', html)
    expect(page.locator("#css-wrap")).to_be_hidden()
    page.click("#opener")
    focused(page, "#css-in")
    assert_no_errors(page_log)
