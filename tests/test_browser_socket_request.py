"""The socket is the page's own Django request, in real Chromium against sample_site's languages
demo (/world/, and /en/world/ and /fr/world/ under i18n_patterns): the project's LocaleMiddleware
and CsrfViewMiddleware run around the join, every event and every broadcast refresh."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import CONNECTED, REFUSED
from tests.test_browser import add_todo, assert_no_errors, open_todos, unique_title

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (fails in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

FRENCH = "Oui / Non"
TOKEN = "#plain-form input[name=csrfmiddlewaretoken]"


def open_world(page, path="/world/"):
    page.goto(path)
    page.wait_for_selector(f"{CONNECTED}, {REFUSED}")
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    page.evaluate("window.__marker = 1")  # gone if the document is ever reloaded
    return page


def click_and_count(page, expected):
    page.click("#increment")
    expect(page.locator("#count")).to_have_text(str(expected))


def assert_same_document(page):
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_a_page_in_french_by_cookie_stays_french_after_events_and_broadcasts(
    new_context, server, page_log
):
    context = new_context()
    context.add_cookies([{"name": "django_language", "value": "fr", "url": server.base_url}])
    page = open_world(context.new_page())
    expect(page.locator("#translated")).to_have_text(FRENCH)
    click_and_count(page, 1)
    click_and_count(page, 2)
    expect(page.locator("#language")).to_have_text("fr")
    expect(page.locator("#translated")).to_have_text(FRENCH)

    # Another visitor (English) adds a todo: this page's broadcast refresh stays French.
    todos = int(page.locator("#todos").inner_text())
    add_todo(open_todos(new_context().new_page()), unique_title("from another tab"))
    expect(page.locator("#todos")).to_have_text(str(todos + 1))
    expect(page.locator("#translated")).to_have_text(FRENCH)
    assert_same_document(page)
    assert_no_errors(page_log)


def test_the_browsers_accept_language_chooses_the_language_on_the_socket_too(new_context, page_log):
    page = open_world(new_context(locale="fr-FR").new_page())
    click_and_count(page, 1)
    expect(page.locator("#language")).to_have_text("fr")
    expect(page.locator("#translated")).to_have_text(FRENCH)
    assert_no_errors(page_log)


def test_an_i18n_patterns_url_connects_stays_in_its_language_and_keeps_its_prefix(
    page, server, page_log
):
    open_world(page, "/fr/world/")  # refused with 4404 before the socket ran LocaleMiddleware
    click_and_count(page, 1)
    expect(page.locator("#translated")).to_have_text(FRENCH)

    page.click("#page-two")  # live_patch({"page": 2})
    expect(page.locator("#page")).to_have_text("2")
    expect(page).to_have_url(server.url("/fr/world/?page=2"))
    expect(page.locator("#translated")).to_have_text(FRENCH)
    page.go_back()
    expect(page.locator("#page")).to_have_text("1")
    expect(page).to_have_url(server.url("/fr/world/"))
    assert_same_document(page)

    english = open_world(page.context.new_page(), "/en/world/")
    click_and_count(english, 1)
    expect(english.locator("#translated")).to_have_text("Yes / No")
    assert_no_errors(page_log)


def test_a_csrf_token_in_a_liveblock_is_stable_and_the_form_posts(page, page_log):
    open_world(page)
    click_and_count(page, 1)
    token = page.locator(TOKEN).get_attribute("value")
    for count in (2, 3):
        click_and_count(page, count)
        assert page.locator(TOKEN).get_attribute("value") == token  # not sent again each time

    # The socket's token matches the browser's CSRF cookie: the plain form posts over HTTP.
    page.click("#post")
    expect(page.locator("#posted")).to_be_visible()
    assert re.search(r"/world/\?posted=1$", page.url)
    assert_no_errors(page_log)


def test_a_live_link_to_the_page_in_another_language_shows_it_in_that_language(
    page, server, page_log
):
    open_world(page, "/en/world/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("#in-french")  # data-live-navigate: the body is swapped, the document stays
    expect(page).to_have_url(server.url("/fr/world/"))
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#translated")).to_have_text(FRENCH)
    # What screen readers, spell checkers, hyphenation and :lang() read: the page's language.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    click_and_count(page, 1)
    expect(page.locator("#translated")).to_have_text(FRENCH)
    assert_same_document(page)
    assert_no_errors(page_log)
