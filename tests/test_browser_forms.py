"""Live forms in real Chromium against sample_site: errors while typing, submit, JS off."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser_fixtures import CONNECTED, wait_until
from tests.test_browser import assert_no_errors
from tests.test_browser_form_choices import answered_once_sent, carries, frames_sent

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser


def field_errors(page, name):
    return page.locator(f"#lv-field-{name} .errorlist")


def open_signup(page):
    page.goto("/signup/")
    page.wait_for_selector(CONNECTED)


def unique(prefix="user"):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_an_invalid_value_shows_its_error_while_typing_and_clears_when_fixed(page, page_log):
    open_signup(page)
    documents_before = list(page_log.documents)

    page.click("#id_email")
    page.keyboard.type("not-an-address")
    # No submit, no blur: the pause in typing is enough.
    expect(field_errors(page, "email")).to_have_text("Enter a valid email address.")
    expect(page.locator("#id_email")).to_be_focused()

    page.keyboard.type("@example.com")
    expect(field_errors(page, "email")).to_have_count(0)
    assert page_log.documents == documents_before, "a page was loaded"
    assert_no_errors(page_log)


def test_only_fields_the_user_has_been_in_show_errors(page):
    open_signup(page)

    page.click("#id_username")
    page.click("#id_email")  # leaves username empty: its "required" error earned
    expect(field_errors(page, "username")).to_have_text("This field is required.")
    expect(field_errors(page, "email")).to_have_count(0)
    expect(field_errors(page, "password")).to_have_count(0)


def test_a_taken_username_is_reported_live(page):
    open_signup(page)

    page.fill("#id_username", "demo")  # sample_site's demo user

    expect(field_errors(page, "username")).to_have_text("That username is taken.")


def test_mismatched_passwords_show_once_both_fields_were_touched(page):
    open_signup(page)
    page.fill("#id_password", "correct horse")
    page.click("#id_password2")
    page.keyboard.type("battery staple")
    page.click("#id_username")

    expect(page.locator("#lv-form_errors")).to_contain_text("The two passwords differ.")

    page.fill("#id_password2", "correct horse")
    expect(page.locator("#lv-form_errors")).not_to_contain_text("differ")


def test_what_the_user_types_is_never_overwritten_by_a_reply(page):
    sent = frames_sent(page)
    open_signup(page)
    field = page.locator("#id_username")
    field.click()
    page.keyboard.type("de")
    wait_until(page, lambda: carries(sent, "username", "de"))  # its validation is on its way
    # Keep typing across the debounce: replies for older values arrive mid-word.
    page.keyboard.type("mo_and_more", delay=120)
    answered_once_sent(page, sent, "username", "demo_and_more")

    assert field.input_value() == "demo_and_more"
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert page.evaluate("document.activeElement.selectionStart") == len("demo_and_more")


def test_a_valid_submit_lands_on_the_success_page_with_history_intact(page, page_log):
    open_signup(page)
    name = unique()
    page.fill("#id_username", name)
    page.fill("#id_email", f"{name}@example.com")
    page.fill("#id_password", "correct horse")
    page.fill("#id_password2", "correct horse")

    page.click("button[type=submit]")

    expect(page).to_have_url("/signup/done/")
    expect(page.locator("h1")).to_have_text("Account created")
    page.go_back()
    expect(page).to_have_url("/signup/")
    assert_no_errors(page_log)


def test_an_invalid_submit_shows_every_error_without_a_page_load(page, page_log):
    open_signup(page)
    documents_before = list(page_log.documents)

    page.click("button[type=submit]")

    for name in ("username", "email", "password", "password2"):
        expect(field_errors(page, name)).to_have_text("This field is required.")
    assert page.url.endswith("/signup/")
    assert page_log.documents == documents_before


def test_without_javascript_the_form_posts_over_http(new_context, page_log):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/signup/")
    page.fill("#id_username", "demo")
    page.click("button[type=submit]")

    # Django's FormView, as usual: the page comes back with every error.
    expect(field_errors(page, "username")).to_have_text("That username is taken.")
    expect(field_errors(page, "email")).to_have_text("This field is required.")

    name = unique("nojs")
    page.fill("#id_username", name)
    page.fill("#id_email", f"{name}@example.com")
    page.fill("#id_password", "correct horse")
    page.fill("#id_password2", "correct horse")
    page.click("button[type=submit]")
    expect(page).to_have_url("/signup/done/")


def test_contacts_crud_from_the_generic_live_views(new_context, page_log):
    context = new_context()
    editor, watcher = context.new_page(), context.new_page()
    watcher.goto("/contacts/")
    watcher.wait_for_selector(CONNECTED)
    name = unique("Ada")

    editor.goto("/contacts/new/")
    editor.wait_for_selector(CONNECTED)
    editor.fill("#id_name", name)
    editor.fill("#id_email", "not-an-address")
    expect(field_errors(editor, "email")).to_have_text("Enter a valid email address.")
    editor.fill("#id_email", f"{name}@example.com")
    editor.click("button[type=submit]")
    expect(editor).to_have_url("/contacts/")
    row = watcher.locator("tr", has_text=name)
    expect(row).to_have_count(1)  # the other tab saw the save

    editor.locator("tr", has_text=name).get_by_text("edit").click()
    editor.wait_for_selector(CONNECTED)
    expect(editor.locator("#id_name")).to_have_value(name)
    editor.fill("#id_phone", "555-0100")
    editor.click("button[type=submit]")
    expect(editor).to_have_url("/contacts/")
    expect(row).to_contain_text("555-0100")

    editor.wait_for_selector(CONNECTED)
    delete = editor.locator("tr", has_text=name).locator("button.delete")
    questions = []
    editor.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    delete.click()  # hx-confirm asks first: Cancel sends nothing
    wait_until(editor, lambda: questions, timeout_ms=5_000, message="hx-confirm asked nothing")
    assert questions == [f"Delete {name}?"]
    expect(delete).not_to_have_class(re.compile("live-loading"))
    editor.reload()  # what the server has, not what the page kept
    editor.wait_for_selector(CONNECTED)
    expect(editor.locator("tr", has_text=name)).to_have_count(1)
    editor.once("dialog", lambda dialog: dialog.accept())
    editor.locator("tr", has_text=name).locator("button.delete").click()
    expect(row).to_have_count(0)
    expect(editor.locator("tr", has_text=name)).to_have_count(0)
    assert_no_errors(page_log)


def cookie(page, name):
    return next((c["value"] for c in page.context.cookies() if c["name"] == name), None)


def test_a_visitors_first_session_is_taken_without_reloading_the_page(page, page_log):
    # The note is the visitor's first write into the session. Saved by the socket alone, it
    # went under a key the browser never got: a reload showed no note, and nothing said why.
    # Then the browser took it by loading the page anew through the session route, which lost
    # what the visitor had typed elsewhere on the page: the page now fetches it and stays.
    page.goto("/live-login/")
    page.wait_for_selector(CONNECTED)
    assert cookie(page, "sessionid") is None
    csrf = cookie(page, "csrftoken")
    documents_before = list(page_log.documents)
    page.evaluate("window.sameDocument = true")
    page.fill("#id_username", "half typed")
    page.fill("#note-form input[name=note]", "my first session")
    page.click("#note-form button")
    expect(page.locator("#note")).to_have_text("Note in your session: my first session")
    wait_until(
        page, lambda: cookie(page, "sessionid"), timeout_ms=5_000, message="no session cookie"
    )
    page.wait_for_load_state()  # a page load through the route would have ended by now
    assert page.evaluate("window.sameDocument") is True
    expect(page.locator("#id_username")).to_have_value("half typed")
    assert page_log.documents == documents_before, "a page was loaded"
    assert cookie(page, "csrftoken") == csrf  # the page's forms keep their token
    assert page.locator("[data-live-root]").first.get_attribute("data-live-state") != "disconnected"
    # The page goes on, live, in the session its socket holds, which is the cookie's too.
    page.fill("#note-form input[name=note]", "second")
    page.click("#note-form button")
    expect(page.locator("#note")).to_have_text("Note in your session: second")
    page.reload()
    expect(page.locator("#note")).to_have_text("Note in your session: second")
    assert_no_errors(page_log)


def write_a_first_session_note(page):
    page.goto("/live-login/")
    page.wait_for_selector(CONNECTED)
    assert cookie(page, "sessionid") is None
    page.fill("#note-form input[name=note]", "my first session")
    page.click("#note-form button")
    expect(page.locator("#note")).to_have_text("Note in your session: my first session")


def test_a_first_session_whose_fetch_fails_once_is_taken_on_the_second_try(page, page_log):
    # A network blip or a server restarting as the event's answer came: the fetch failed, the
    # note was lost without a word (an unhandled rejection), and a reload showed no note.
    tries = []

    def fail_the_first(route):
        tries.append(route.request.url)
        if len(tries) == 1:
            route.abort()
        else:
            route.continue_()

    page.route("**/live/session/?*", fail_the_first)
    write_a_first_session_note(page)
    wait_until(page, lambda: cookie(page, "sessionid"), message="no session cookie")
    assert len(tries) == 2
    page.reload()
    expect(page.locator("#note")).to_have_text("Note in your session: my first session")
    # The aborted request's own console line is Chromium's, not the page's.
    assert [e for e in page_log.errors if "net::ERR_FAILED" not in e] == []


def test_a_first_session_the_browser_cannot_take_says_what_is_lost(page, page_log):
    tries = []

    def fail(route):
        tries.append(route.request.url)
        route.abort()

    page.route("**/live/session/?*", fail)
    with page.expect_console_message(lambda m: m.type == "warning" and "session" in m.text) as said:
        write_a_first_session_note(page)
    assert "write into the session" in said.value.text
    assert "reload" in said.value.text
    assert len(tries) == 2
    assert cookie(page, "sessionid") is None
    assert [e for e in page_log.errors if "net::ERR_FAILED" not in e] == []


def test_a_live_login_form_leaves_the_browser_logged_in_with_its_session(page, page_log):
    # login() on the websocket: the browser passes through /live/session/, which sets the new
    # session cookie, and comes back to the page logged in; the note kept before survives.
    page.goto("/live-login/")
    page.wait_for_selector(CONNECTED)
    page.fill("#note-form input[name=note]", "kept across the login")
    page.click("#note-form button")
    expect(page.locator("#note")).to_have_text("Note in your session: kept across the login")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo")
    page.click("#login-form button[type=submit]")

    expect(page.locator("#account")).to_have_text("Logged in as demo.")
    expect(page.locator("#note")).to_have_text("Note in your session: kept across the login")
    expect(page).to_have_url("/live-login/")
    assert any("/live/session/?ticket=" in url for url in page_log.documents)
    page.wait_for_selector(CONNECTED)  # the page after the login is live, for that user
    page.fill("#note-form input[name=note]", "after")
    page.click("#note-form button")
    expect(page.locator("#note")).to_have_text("Note in your session: after")

    page.goto("/private/")  # LoginRequiredMixin lets the browser in
    expect(page.locator("h1")).to_have_text("Private counter for demo")
    # The CSRF cookie was rotated with the login: the forms rendered since pass the check.
    page.goto("/")
    page.click("button:has-text('Log out demo')")
    expect(page).to_have_url("/")
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    assert_no_errors(page_log)
