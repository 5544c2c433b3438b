"""JS commands (data-live-js) in real Chromium against sample_site's /menus/ (demo/menus.py):
they change the page with no frame sent, keep their state through the server's re-renders of
the block around them (on the socket and over HTTP), set aria-expanded, and run under a strict
script CSP; the demo's search (focus-first, focus, push) and Copy button (dispatch)."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import CONNECTED, wait_until
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def open_menus(page):
    """The page, joined, with its commands' script run; returns the frames it sends from now."""
    sent = []
    page.on("websocket", lambda socket: socket.on("framesent", lambda frame: sent.append(frame)))
    page.goto("/menus/")
    page.wait_for_selector(CONNECTED)
    wait_for_commands(page)
    sent.clear()  # the join
    return sent


def wait_for_commands(page):
    # The script that runs the commands loads after the page: wait for it to have run. Polled
    # from here: wait_for_function's string is an eval, which the strict CSP refuses.
    wait_until(
        page,
        lambda: page.evaluate("() => Boolean(window.liveViewsHooks)"),
        message="the commands' script did not run",
    )


def add_one(page, count):
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text(str(count))


def test_a_click_toggles_the_menu_with_no_frame_sent(page, page_log):
    sent = open_menus(page)
    menu, button = page.locator("#menu"), page.locator("#menu-button")
    expect(menu).to_be_hidden()
    button.click()
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    button.click()
    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.click("#highlight")
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    page.click("#dismiss")
    expect(page.locator("#notice")).to_be_hidden()
    assert sent == []
    assert_no_errors(page_log)


def test_what_the_commands_changed_survives_a_re_render_of_the_block(page, page_log):
    open_menus(page)
    page.click("#menu-button")
    page.click("#highlight")
    add_one(page, 1)
    # The block was morphed (the menu has the new count) and stays as the user left it.
    expect(page.locator("#menu li").first).to_have_text("First item (1)")
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#panel")).to_have_class("panel highlighted")

    page.click("#menu-button")  # closed again: the next re-render keeps it closed too
    page.click("#highlight")
    add_one(page, 2)
    expect(page.locator("#menu")).to_be_hidden()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#panel")).to_have_class("panel")
    assert_no_errors(page_log)


def test_a_server_that_renders_something_else_wins(page, page_log):
    open_menus(page)
    page.click("#menu-button")
    page.click("#menu-button")  # the user closed it: the server still renders it closed
    page.click("#server-open")  # now the server renders it open: it changed its mind
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "true")
    page.click("#menu-button")  # and the user's close stays through the server's open renders
    add_one(page, 1)
    expect(page.locator("#menu")).to_be_hidden()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "false")
    assert_no_errors(page_log)


def test_a_mistyped_command_warns_and_changes_nothing(page, page_log):
    open_menus(page)
    page.evaluate(
        "document.querySelector('#highlight').dataset.liveJs ="
        " 'toggle-class highlighted to #panel; flip to #menu'"
    )
    with page.expect_console_message(lambda m: "data-live-js" in m.text) as message:
        page.click("#highlight")
    assert message.value.type == "warning"
    assert 'unknown command "flip"; use one of: show, hide, toggle' in message.value.text
    expect(page.locator("#panel")).to_have_class("panel")


def test_commands_run_under_a_strict_csp(csp_page):
    page, log = csp_page
    sent = open_menus(page)
    page.click("#menu-button")
    expect(page.locator("#menu")).to_be_visible()
    page.click("#dismiss")
    expect(page.locator("#notice")).to_be_hidden()
    assert sent == []
    add_one(page, 1)
    expect(page.locator("#menu")).to_be_visible()
    page.click("#copy-url")  # the page's script, which hears the dispatched event, has the nonce
    expect(page.locator("#copied")).not_to_be_empty()
    assert_no_errors(log)


def test_commands_run_on_a_page_that_is_not_live_under_a_strict_csp(csp_page):
    # No live root to take the nonce from: the commands' script loads with the main script's.
    page, log = csp_page
    page.goto("/signup/done/")
    wait_for_commands(page)
    page.click("#why")
    expect(page.locator("#why-text")).to_be_visible()
    expect(page.locator("#why")).to_have_attribute("aria-expanded", "true")
    assert_no_errors(log)


def test_what_the_commands_changed_survives_a_re_render_over_http(http_transport_page):
    page = http_transport_page
    open_menus(page)
    page.click("#menu-button")
    add_one(page, 1)
    expect(page.locator("#menu li").first).to_have_text("First item (1)")
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "true")


def confirms(page, *, first=False, rest=True):
    """The messages of the dialogs the page opens from now on: the first answered OK if
    ``first``, else Cancel (by default); the others OK if ``rest`` (by default), else Cancel."""
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        if first if len(questions) == 1 else rest:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return questions


def test_a_declined_hx_confirm_runs_neither_the_event_nor_the_commands(page, page_log):
    # <button hx-confirm="Discard?" data-live-js="hide to #editor" {% live_on "discard" %}>:
    # Cancel kept the draft on the server and hid its editor all the same.
    sent = open_menus(page)
    page.evaluate(
        """() => { const button = document.getElementById("plus-one");
        button.setAttribute("hx-confirm", "Add one and hide the panel?");
        button.dataset.liveJs = "hide to #panel"; }"""
    )
    questions = confirms(page)
    page.click("#plus-one")
    assert questions == ["Add one and hide the panel?"]
    expect(page.locator("#panel")).to_be_visible()
    page.click("#highlight")  # the next click's commands run
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    assert sent == []

    add_one(page, 1)  # asked again, answered OK
    expect(page.locator("#panel")).to_be_hidden()
    assert_no_errors(page_log)


# What an ordinary htmx request (not a live event) brings in: a button and the text it opens.
MORE = (
    '<button id="more" type="button" aria-expanded="false" data-live-js="toggle to #more-text">'
    'More</button><p id="more-text" hidden>The rest.</p>'
)


def test_commands_swapped_in_by_htmx_on_a_page_that_is_not_live_run(page, page_log):
    # The home page is not live and shows no data-live-js: the commands' script is not loaded
    # until htmx swaps one in, here over the button that asked for it (outerHTML).
    page.route("**/more/", lambda route: route.fulfill(body=MORE, content_type="text/html"))
    page.goto("/")
    page.evaluate(
        """() => { const button = document.createElement("button");
        button.id = "load"; button.textContent = "Load";
        button.setAttribute("hx-get", "/more/"); button.setAttribute("hx-swap", "outerHTML");
        document.body.append(button); htmx.process(button); }"""
    )
    assert page.evaluate("() => window.liveViewsHooks") is None
    page.click("#load")
    expect(page.locator("#more")).to_be_visible()
    wait_for_commands(page)
    page.click("#more")
    expect(page.locator("#more-text")).to_be_visible()
    expect(page.locator("#more")).to_have_attribute("aria-expanded", "true")
    assert_no_errors(page_log)


def test_hx_confirm_on_an_element_with_only_commands_asks_first(page, page_log):
    # <button hx-confirm="…" data-live-js="…">, no {% live_on %}: Phoenix's data-confirm.
    sent = open_menus(page)
    page.evaluate(
        "document.getElementById('dismiss').setAttribute('hx-confirm', 'Hide the notice?')"
    )
    questions = confirms(page)
    page.click("#dismiss")
    assert questions == ["Hide the notice?"]
    expect(page.locator("#notice")).to_be_visible()

    page.click("#dismiss")  # answered OK
    expect(page.locator("#notice")).to_be_hidden()
    assert questions == ["Hide the notice?", "Hide the notice?"]
    assert sent == []
    assert_no_errors(page_log)


def test_a_quoted_semicolon_in_a_selector_is_part_of_it(page, page_log):
    open_menus(page)
    page.evaluate(
        """() => { document.getElementById("panel").dataset.note = "a; b  to c";
        document.getElementById("highlight").dataset.liveJs =
          'toggle-class highlighted to [data-note="a; b  to c"]; hide to #notice'; }"""
    )
    page.click("#highlight")
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    expect(page.locator("#notice")).to_be_hidden()
    assert_no_errors(page_log)


def test_a_selector_cut_by_a_semicolon_warns_saying_how_to_write_it(page, page_log):
    open_menus(page)
    page.evaluate(
        "document.getElementById('highlight').dataset.liveJs = 'hide to #notice, a[title=x;y]'"
    )
    with page.expect_console_message(lambda m: "data-live-js" in m.text) as message:
        page.click("#highlight")
    assert message.value.type == "warning"
    text = message.value.text
    assert 'data-live-js="hide to #notice, a[title=x;y]"' in text
    assert 'unknown command "y]"; use one of: show, hide' in text
    assert 'a ";" outside quotes ends a command, so quote an attribute value that has one' in text
    expect(page.locator("#notice")).to_be_visible()


def add_button(page, html):
    """Appends `html` (one element) to the live root, outside the block the server re-renders,
    processed by htmx as a rendered one is."""
    page.evaluate(
        """(html) => { const root = document.querySelector("[data-live-root]");
        root.insertAdjacentHTML("beforeend", html); htmx.process(root.lastElementChild); }""",
        html,
    )


def test_a_declined_hx_confirm_stops_an_htmx_request_and_its_commands(page, page_log):
    # <button hx-get hx-confirm data-live-js>: htmx asked after the click, and the commands ran
    # whatever the answer. Now asked once, first: Cancel runs neither, OK both.
    open_menus(page)
    requests = []

    def answer(route):
        requests.append(route.request.url)
        route.fulfill(body="<p id='more-text'>The rest.</p>", content_type="text/html")

    page.route("**/more/", answer)
    add_button(
        page,
        '<button id="more" type="button" hx-get="/more/" hx-target="#notice" hx-swap="afterend"'
        ' hx-confirm="Hide the notice and load more?" data-live-js="hide to #notice">More</button>',
    )
    questions = confirms(page)
    page.click("#more")
    page.wait_for_timeout(200)
    assert questions == ["Hide the notice and load more?"]
    expect(page.locator("#notice")).to_be_visible()
    assert requests == []

    page.click("#more")  # answered OK
    expect(page.locator("#more-text")).to_have_text("The rest.")
    expect(page.locator("#notice")).to_be_hidden()
    assert len(requests) == 1
    assert questions == ["Hide the notice and load more?"] * 2  # asked once for both
    assert_no_errors(page_log)


def test_a_declined_hx_confirm_stops_a_delayed_event_and_its_commands(page, page_log):
    # hx-trigger="click delay:…" sends after the click: the commands ran before the glue asked.
    sent = open_menus(page)
    add_button(
        page,
        '<button id="later" hx-ws:send data-live-event="increment" hx-trigger="click delay:50ms"'
        ' hx-confirm="Add one and hide the panel?" data-live-js="hide to #panel">Later</button>',
    )
    questions = confirms(page)
    page.click("#later")
    page.wait_for_timeout(300)
    assert questions == ["Add one and hide the panel?"]
    expect(page.locator("#panel")).to_be_visible()
    assert sent == []

    page.click("#later")  # answered OK
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#panel")).to_be_hidden()
    assert questions == ["Add one and hide the panel?"] * 2
    assert_no_errors(page_log)


def test_an_ok_to_a_click_that_sent_nothing_answers_no_later_send(page, page_log):
    # <button hx-get hx-trigger="click[shiftKey], keyup[key=='m'] from:body" hx-confirm
    # data-live-js>: each click is asked; OK to a plain click (its commands run, the filter
    # sends nothing) left its mark, and the request "m" sent later went unasked.
    open_menus(page)
    requests = []

    def answer(route):
        requests.append(route.request.url)
        route.fulfill(body="<p class='more-text'>The rest.</p>", content_type="text/html")

    page.route("**/more/", answer)
    add_button(
        page,
        '<button id="more" type="button" hx-get="/more/" hx-target="#notice" hx-swap="afterend"'
        ' hx-trigger="click[shiftKey], keyup[key==\'m\'] from:body" hx-confirm="Load more?"'
        ' data-live-js="toggle-class highlighted to #panel">More</button>',
    )
    questions = confirms(page, first=True)
    more = page.locator(".more-text")
    page.click("#more", modifiers=["Shift"])
    expect(more).to_have_count(1)
    page.click("#more", modifiers=["Shift"])
    expect(more).to_have_count(2)
    assert questions == ["Load more?"] * 2  # each click asked, and once
    page.click("#more")
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    assert questions == ["Load more?"] * 3
    page.keyboard.press("m")
    expect(more).to_have_count(3)
    assert questions == ["Load more?"] * 4
    assert len(requests) == 3
    assert_no_errors(page_log)


def test_an_ok_to_a_click_that_sent_nothing_answers_no_later_live_event(page, page_log):
    # The same with {% live_on %} (hx-ws:send): OK to a plain click left its mark, and the
    # event "m" sent later went unasked.
    sent = open_menus(page)
    add_button(
        page,
        '<button id="more" type="button" hx-ws:send data-live-event="increment"'
        ' hx-trigger="click[shiftKey], keyup[key==\'m\'] from:body" hx-confirm="Add one?"'
        ' data-live-js="toggle-class highlighted to #panel">More</button>',
    )
    questions = confirms(page, first=True)
    page.click("#more", modifiers=["Shift"])
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    assert questions == ["Add one?"]  # asked once
    page.click("#more")
    expect(page.locator("#panel")).to_have_class("panel")  # its commands ran: toggled back
    assert questions == ["Add one?"] * 2
    page.keyboard.press("m")
    expect(page.locator("#count")).to_have_text("2")
    assert questions == ["Add one?"] * 3
    assert len(sent) == 2
    assert_no_errors(page_log)


# hx-confirm="js:…": a question of the page's own, whose promise the test settles.
ASK_LATER = """() => { window.asked = [];
  window.ask = (el) => new Promise((resolve) => {
    window.asked.push(el.id);
    window.decide = resolve;
  }); }"""


def test_a_js_hx_confirm_is_run_as_htmx_runs_it(page, page_log):
    # It was shown to the user as the question "js:window.ask(this)".
    sent = open_menus(page)
    add_button(
        page,
        '<button id="sure" hx-ws:send data-live-event="increment" hx-confirm="js:window.ask(this)"'
        ' data-live-js="hide to #panel">Add one</button>',
    )
    page.evaluate(ASK_LATER)
    questions = confirms(page, rest=False)
    page.click("#sure")
    assert page.evaluate("window.asked") == ["sure"]  # with the element as `this`
    page.evaluate("window.decide(false)")
    page.wait_for_timeout(300)
    expect(page.locator("#panel")).to_be_visible()
    assert sent == []

    page.click("#sure")
    page.evaluate("window.decide(true)")  # the event and the commands, asked once
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#panel")).to_be_hidden()
    assert page.evaluate("window.asked") == ["sure", "sure"]
    assert questions == []
    assert len(sent) == 1
    assert_no_errors(page_log)


def test_a_click_before_the_commands_script_ran_runs_its_commands_once_it_has(page, page_log):
    # The hooks script (with the commands) is held back: the user clicks "Menu" meanwhile.
    held = []
    page.route("**/live_views.hooks.min.js*", lambda route: held.append(route))
    page.goto("/menus/", wait_until="domcontentloaded")  # "load" waits for the held script
    page.wait_for_selector(CONNECTED)
    page.click("#menu-button")
    assert len(held) == 1
    assert page.evaluate("() => window.liveViewsHooks") is None
    held[0].continue_()
    wait_for_commands(page)
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#menu-button")).to_have_attribute("aria-expanded", "true")
    page.click("#menu-button")  # once only: the next click closes it
    expect(page.locator("#menu")).to_be_hidden()
    assert_no_errors(page_log)


def test_dispatch_sends_a_bubbling_event_from_the_targets(page, page_log):
    sent = open_menus(page)
    page.evaluate(
        """() => { window.heard = [];
        document.addEventListener("menu:opened", (evt) => window.heard.push(
          [evt.target.id, evt.detail.dispatcher.id, evt.bubbles]));
        document.getElementById("highlight").dataset.liveJs =
          "dispatch menu:opened to #menu, #notice; dispatch menu:opened"; }"""
    )
    page.click("#highlight")
    heard = page.evaluate("() => window.heard")
    assert heard == [
        ["notice", "highlight", True],
        ["menu", "highlight", True],
        ["highlight", "highlight", True],
    ]
    assert sent == []
    assert_no_errors(page_log)


def test_focus_and_focus_first_move_the_focus(page, page_log):
    open_menus(page)
    add_button(
        page,
        '<div id="dialog"><p tabindex="-1">Title</p><button disabled>Off</button>'
        '<input id="hidden-field" hidden><input id="name"><input id="other"></div>',
    )
    page.evaluate("document.getElementById('highlight').dataset.liveJs = 'focus-first to #dialog'")
    page.click("#highlight")
    expect(page.locator("#name")).to_be_focused()
    page.evaluate("document.getElementById('highlight').dataset.liveJs = 'focus to #other'")
    page.click("#highlight")
    expect(page.locator("#other")).to_be_focused()
    assert_no_errors(page_log)


def test_push_sends_a_live_event_from_the_element(page, page_log):
    sent = open_menus(page)
    page.evaluate(
        "document.getElementById('highlight').dataset.liveJs ="
        " 'push increment; toggle-class highlighted to #panel'"
    )
    page.click("#highlight")
    expect(page.locator("#count")).to_have_text("1")
    expect(page.locator("#panel")).to_have_class("panel highlighted")
    assert len(sent) == 1
    assert '"increment"' in sent[0]
    assert_no_errors(page_log)


def test_a_push_with_no_page_to_send_to_warns(page, page_log):
    # A page that is not live (no live root) has no view to send to: the warning says so.
    page.goto("/signup/done/")
    wait_for_commands(page)
    page.evaluate(
        "document.getElementById('why').dataset.liveJs = 'push opened; toggle to #why-text'"
    )
    with page.expect_console_message(lambda m: "data-live-js" in m.text) as message:
        page.click("#why")
    assert message.value.type == "warning"
    text = message.value.text
    attribute = 'data-live-js="push opened; toggle to #why-text"'
    # It said "live_views: not connected", which told a page that is not live nothing to do.
    assert (
        f"{attribute}: push opened: not sent, no live socket is open: on a page that is not"
        " live put the element in a live component"
    ) in text
    expect(page.locator("#why-text")).to_be_visible()  # the other commands run


def test_push_inside_a_live_component_goes_to_that_component(page, page_log):
    # As the component's own {% live_on "toggle" %} does: the page's view has no "toggle".
    page.goto("/likes/")
    page.wait_for_selector(CONNECTED)
    page.evaluate(
        """(html) => document.querySelector("#post-channels [data-live-component]")
          .insertAdjacentHTML("beforeend", html)""",
        '<button id="push-like" type="button" data-live-js="push toggle">+</button>',
    )
    page.click("#post-phoenix button.like")  # its update loads the commands' script
    expect(page.locator("#liked")).to_have_text("You like 1 of 3 posts.")
    wait_for_commands(page)
    page.click("#push-like")
    expect(page.locator("#post-channels button.like")).to_have_text("♥ Liked")
    expect(page.locator("#post-channels .likes")).to_have_text("8")
    expect(page.locator("#liked")).to_have_text("You like 2 of 3 posts.")
    assert_no_errors(page_log)


def test_a_click_long_before_commands_were_shown_runs_none_of_them(page, page_log):
    # The page had no commands when the user clicked +1; a later render gives the buttons'
    # container some (as a server's may), which loads the commands' script: the old click on
    # a button inside it is not a click on the commands, and runs none of them.
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED)
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("1")
    assert page.evaluate("() => window.liveViewsHooks") is None
    page.evaluate(
        """() => {
        document.querySelector('.counter-buttons').dataset.liveJs = 'add-class replayed';
        document.body.dispatchEvent(new CustomEvent('live:update', { bubbles: true })); }"""
    )
    wait_for_commands(page)
    assert page.evaluate("() => Boolean(window.liveViewsHooks)")
    page.wait_for_timeout(200)
    expect(page.locator(".counter-buttons")).not_to_have_class("counter-buttons replayed")
    assert page.evaluate("() => document.querySelector('.counter-buttons').className") == (
        "counter-buttons"
    )
    assert_no_errors(page_log)


# -- the demo's search (show, focus-first, push, focus) and Copy button (dispatch) ---------------


def test_search_opens_with_the_focus_in_its_field_and_the_view_counts_it(page, page_log):
    sent = open_menus(page)
    searches = page.locator("#searches")
    expect(searches).to_have_text("0")
    page.click("#search-button")  # show to #search-panel; focus-first to it; push search_opened
    expect(page.locator("#search-panel")).to_be_visible()
    expect(page.locator("#search-field")).to_be_focused()
    expect(searches).to_have_text("1")
    assert len([frame for frame in sent if '"search_opened"' in frame]) == 1
    page.keyboard.type("ti")  # the view shows the notes with "ti" only
    expect(page.locator(".notes li")).to_have_text([re.compile(r"^Book tickets")])

    page.click("#search-close")  # hide to #search-panel; focus to #search-button
    expect(page.locator("#search-panel")).to_be_hidden()
    expect(page.locator("#search-button")).to_be_focused()
    page.keyboard.press("Enter")  # open again from the keyboard: the field keeps its text
    expect(page.locator("#search-field")).to_be_focused()
    expect(page.locator("#search-field")).to_have_value("ti")
    expect(searches).to_have_text("2")
    assert_no_errors(page_log)


def test_copy_dispatches_an_event_that_the_pages_script_hears(new_context, page_log):
    # dispatch demo:copy to #share-url: sample_site/demo/static/demo/menus.js copies the field.
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    sent = open_menus(page)
    page.click("#copy-url")
    expect(page.locator("#copied")).to_have_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == page.url
    assert sent == []
    assert_no_errors(page_log)
