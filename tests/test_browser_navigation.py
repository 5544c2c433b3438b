"""Navigation, messages and JavaScript hooks in real Chromium against sample_site's /market/.

/market/ lists 30 kinds of produce, six a page (5 pages): 11 fruits, 11 vegetables, 8 herbs.
Also: the page under a strict script CSP (DEMO_CSP=1), under a sub-path (FORCE_SCRIPT_NAME) and
over TLS (wss://).
"""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import (
    CONNECTED,
    TIMEOUT_MS,
    PageLog,
    assert_same_document,
    open_live,
    wait_until,
)
from tests.live_server import LiveServer
from tests.test_browser import assert_no_errors

try:
    from playwright.sync_api import expect
except ImportError:  # test_browser's fixtures skip (fail in CI) saying why
    expect = None

pytestmark = pytest.mark.browser

ROWS = "ul.produce li .name"
PAGE_NUMBER = "#page-number"


@pytest.fixture(scope="module")
def csp_http_server():
    with LiveServer(env={"DEMO_CSP": "1", "DEMO_TRANSPORT": "http"}) as running:
        yield running


@pytest.fixture(scope="module")
def shop_server():
    with LiveServer(env={"DEMO_SCRIPT_NAME": "/shop"}) as running:
        yield running


@pytest.fixture(scope="module")
def tls_server():
    with LiveServer(tls=True) as running:
        yield running


@pytest.fixture
def open_on(browser):
    """open_on(server, path) -> (page, log, sockets): a connected page in a fresh context on
    that server; ``sockets`` collects the URL of every websocket the page opens."""
    contexts, logs = [], []

    def open_page(running, path, **options):
        opened = browser.new_context(base_url=running.base_url, **options)
        opened.set_default_timeout(TIMEOUT_MS)
        contexts.append(opened)
        log = PageLog(running)
        logs.append(log)
        page = log.watch(opened.new_page())
        sockets = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.goto(path)
        page.wait_for_selector(CONNECTED)
        return page, log, sockets

    yield open_page
    for log in logs:
        print(log.report())  # shown only when the test fails
    for opened in contexts:
        opened.close()


def open_market(page, path="/market/"):
    open_live(page, path)


def names(page):
    return page.locator(ROWS).all_inner_texts()


# -- the address bar --------------------------------------------------------------------------


def test_pages_and_filters_go_in_the_address_bar_and_back_restores_them(page, page_log):
    open_market(page)
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    first_page = names(page)
    requests, sockets = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: sockets.append(socket.url))

    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    second_page = names(page)
    assert second_page[0] == "blueberry"

    page.select_option("#kind", "herb")
    expect(page).to_have_url(re.compile(r"/market/\?kind=herb$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 2")
    expect(page.locator(ROWS).first).to_have_text("basil")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator("#kind")).to_have_value("")  # the filter form follows the URL too
    assert names(page) == second_page

    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    assert names(page) == first_page

    page.go_forward()
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))

    assert_same_document(page)
    # All of it over the page's one socket: not a request, not a new socket.
    assert requests == []
    assert sockets == []
    assert_no_errors(page_log)


def test_a_patch_link_shows_its_query_with_no_handler_and_back_returns(page, page_log):
    # A filter or page link took a @live_event handler that called live_patch() (three for a
    # unicorn port's filters, search and pages); <a data-live-patch href="?…"> needs none.
    open_market(page, "/market/?q=e&page=3")
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))

    page.click("#first")
    # {% querystring page=1 %} kept ?q=e: rendered for the query the page showed.
    expect(page).to_have_url(re.compile(r"/market/\?q=e&page=1$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 3")
    expect(page.locator(ROWS).first).to_have_text("apple")
    expect(page.locator("#first")).to_have_count(0)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?q=e&page=3$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 3")

    assert_same_document(page)
    assert sockets == []  # rendered on the page's own socket
    assert_no_errors(page_log)


def test_a_patch_link_to_a_query_the_view_refuses_stays_on_the_page(page, page_log):
    # ?page=99 is the list view's 404. The page reloaded at that URL, and the visitor lost the
    # page for Django's 404; a live_patch() to it fails its event instead (patch_refused).
    open_market(page, "/market/?page=3")
    refused_patch_link_keeps_the_page(page)
    assert_no_errors(page_log)


def test_on_http_a_patch_link_to_a_query_the_view_refuses_stays_on_the_page(
    open_on, csp_http_server
):
    page, log, _ = open_on(csp_http_server, "/market/?page=3")
    expect(page.locator("body")).to_have_attribute("data-live-transport", "http")
    page.evaluate("window.__marker = 1")
    refused_patch_link_keeps_the_page(page)
    assert log.errors == []


def add_patch_link(page, link_id, href, text):
    """Appends <a id=link_id href=href data-live-patch>text</a> to the page's body."""
    page.evaluate(
        """([id, href, text]) => {
          const link = Object.assign(document.createElement("a"), { id, href, textContent: text });
          link.dataset.livePatch = "";
          document.body.append(link);
        }""",
        [link_id, href, text],
    )


def refused_patch_link_keeps_the_page(page):
    """A link to ?page=99 (a 404): live:error says patch_refused, the page and its address stay;
    then a link the view accepts renders and adds its entry."""
    page.evaluate(
        """() => {
          window.__errors = [];
          document.addEventListener("live:error", (evt) => window.__errors.push(evt.detail.code));
        }"""
    )
    add_patch_link(page, "far", "?page=99", "Page 99")
    entries = page.evaluate("history.length")
    page.click("#far")
    page.wait_for_function("() => window.__errors.length > 0")
    assert page.evaluate("window.__errors") == ["patch_refused"]
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    assert page.evaluate("history.length") == entries  # no entry added
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)

    page.click("#first")  # the page goes on: its links render, and Back returns
    expect(page).to_have_url(re.compile(r"/market/\?page=1$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)


def test_a_patch_link_with_a_fragment_keeps_it_in_the_address_bar(page, page_log):
    # The history entry comes with the server's patch, which names the query only.
    open_market(page, "/market/?page=3")
    add_patch_link(page, "two", "?page=2#page-number", "Page 2")
    page.click("#two")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page).to_have_url(re.compile(r"/market/\?page=2#page-number$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_patch_link_to_the_query_shown_goes_to_its_fragment(page, page_log):
    # A paginator's links end in #results, the current page's too: with the query unchanged the
    # click was swallowed, and the page never went to #results.
    open_market(page, "/market/?page=3")
    add_patch_link(page, "here", "?page=3#first", "This page")
    page.click("#here")
    expect(page).to_have_url(re.compile(r"/market/\?page=3#first$"))
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_patch_link_on_a_page_that_is_not_live_loads_as_a_link_does(page, page_log):
    # A page with live components only (each in a root of its own) has no page to render
    # another query: the link changed the address bar and nothing else, not even a load.
    page.goto("/hooks/plain/")
    page.wait_for_selector(CONNECTED.replace("body", "[data-live-standalone]"))
    add_patch_link(page, "patch", "?page=2", "Page 2")
    page.evaluate(
        """() => document.body.dispatchEvent(new CustomEvent("live:update", { bubbles: true }))"""
    )
    # The navigation script loads for the new link.
    wait_until(page, lambda: page.evaluate("() => Boolean(window.liveViewsNavigate)"))
    with page.expect_navigation():
        page.click("#patch")
    expect(page).to_have_url(re.compile(r"/hooks/plain/\?page=2$"))
    assert page.evaluate("() => performance.getEntriesByType('navigation')[0].name").endswith(
        "?page=2"
    )
    assert_no_errors(page_log)


def test_typing_a_search_filters_live_and_the_url_can_be_reloaded(page, page_log):
    open_market(page)
    page.click("#q")
    page.keyboard.type("ch")
    expect(page).to_have_url(re.compile(r"/market/\?q=ch$"))
    expect(page.locator(ROWS)).to_have_text(["cherry", "chives", "peach", "spinach"])
    expect(page.locator("#q")).to_be_focused()
    expect(page.locator("#q")).to_have_value("ch")
    assert_same_document(page)

    page.reload()  # the address is a real one: the server renders the same over HTTP
    page.wait_for_selector(CONNECTED)
    expect(page.locator(ROWS)).to_have_text(["cherry", "chives", "peach", "spinach"])
    expect(page.locator("#q")).to_have_value("ch")
    assert_no_errors(page_log)


def test_after_a_reconnect_the_page_renders_what_the_address_bar_shows(page, page_log, server):
    open_market(page)
    page.click("#next")
    page.click("#next")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")

    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    server.start()
    page.wait_for_selector(CONNECTED)

    # The page's token says /market/; the join says ?page=3: events go on from page 3.
    page.click("#next")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 4 of 5")
    expect(page).to_have_url(re.compile(r"/market/\?page=4$"))
    page.go_back()
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 3 of 5")
    assert_same_document(page)


def test_after_a_patch_to_no_query_a_reconnect_keeps_the_page_unfiltered(page, page_log, server):
    # The token says ?kind=herb; the address bar says /market/ (an empty location.search).
    open_market(page, "/market/?kind=herb")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 2")
    page.select_option("#kind", "")
    expect(page).to_have_url(re.compile(r"/market/$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")

    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    server.start()
    page.wait_for_selector(CONNECTED)

    # The click goes after the join: it pages through everything, not the herbs the page was
    # loaded with.
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator(ROWS).first).to_have_text("blueberry")
    expect(page.locator("#kind")).to_have_value("")
    assert_same_document(page)


def test_without_javascript_the_filters_and_pages_are_links_and_a_form(new_context, page_log):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/market/")
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    page.select_option("#kind", "herb")
    page.click("#filters button[type=submit]")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 2")
    assert_no_errors(page_log)


# -- flash messages ----------------------------------------------------------------------------


def test_a_flash_message_appears_after_an_event_and_not_again(page, page_log):
    open_market(page)
    expect(page.locator(".flash")).to_have_count(0)

    page.locator("ul.produce li", has_text="apricot").locator(".buy").click()

    expect(page.locator(".flash")).to_have_text("Added apricot to your basket.")
    expect(page.locator("[role=status] .flash")).to_have_count(1)  # announced (test_browser_a11y)
    assert_same_document(page)
    page.click("#next")  # the next update shows what is new: no message
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    expect(page.locator(".flash")).to_have_count(0)
    page.reload()
    page.wait_for_selector(CONNECTED)
    expect(page.locator(".flash")).to_have_count(0)
    assert_no_errors(page_log)


# -- JavaScript hooks --------------------------------------------------------------------------


def test_live_update_names_the_swapped_blocks_and_the_widget_redraws(page, page_log):
    open_market(page)
    expect(page.locator("#chart .bar")).to_have_text(["fruit 11", "vegetable 11", "herb 8"])
    page.evaluate(
        """() => {
            window.__updates = [];
            const record = (evt) => window.__updates.push(evt.detail);
            document.body.addEventListener("live:update", record);
        }"""
    )
    page.select_option("#kind", "herb")
    expect(page.locator("#chart .bar")).to_have_text(["fruit 0", "vegetable 0", "herb 8"])
    [update] = page.evaluate("window.__updates")
    assert {"lv-produce", "lv-pages", "lv-stats"} <= set(update["blocks"])
    assert isinstance(update["ref"], int)
    assert_no_errors(page_log)


def test_data_live_ignore_keeps_an_element_as_the_browser_has_it(page, page_log):
    open_market(page)
    expect(page.locator("#chart .bar")).to_have_count(3)
    page.evaluate(
        """() => {
            window.drawChart = () => {};  // the widget stops redrawing: only the morph acts now
            const chart = document.getElementById("chart");
            chart.dataset.mine = "kept";
            window.__firstBar = chart.firstElementChild;
        }"""
    )
    page.select_option("#kind", "herb")
    expect(page.locator("#counts")).to_have_text("8 items")
    # The server renders #chart empty and without data-mine; the morph left it alone.
    expect(page.locator("#chart .bar")).to_have_text(["fruit 11", "vegetable 11", "herb 8"])
    expect(page.locator("#chart")).to_have_attribute("data-mine", "kept")
    assert page.evaluate("document.getElementById('chart').firstElementChild === window.__firstBar")
    assert_no_errors(page_log)


# -- scripts under a Content-Security-Policy ----------------------------------------------------


def test_a_script_in_an_inserted_block_runs_with_the_nonce_and_not_without(open_on, csp_server):
    page, log, _ = open_on(csp_server, "/market/")
    assert page.evaluate("document.body.nonce"), "the root carries the page's nonce"
    assert page.get_attribute("body", "nonce") == "", "the browser hides the nonce attribute"

    page.click("#check-csp")

    expect(page.locator("#csp-nonced")).to_have_text("ran")
    page.wait_for_timeout(300)  # time enough for the other script, if it were allowed
    expect(page.locator("#csp-plain")).to_have_text("blocked")
    refused = [e for e in log.errors if "Content Security Policy" in e]
    assert len(refused) == 1, log.errors
    assert refused == log.errors, "nothing else went wrong"


def test_on_http_after_a_restart_a_script_in_an_inserted_block_runs_with_the_nonce(
    open_on, csp_http_server
):
    page, log, _ = open_on(csp_http_server, "/market/")
    expect(page.locator("body")).to_have_attribute("data-live-transport", "http")
    csp_http_server.stop()  # the page's instance is gone: its next frame mounts it again
    csp_http_server.start()

    page.click("#check-csp")

    expect(page.locator("#csp-nonced")).to_have_text("ran")
    page.wait_for_timeout(300)  # time enough for the other script, if it were allowed
    expect(page.locator("#csp-plain")).to_have_text("blocked")
    refused = [e for e in log.errors if "Content Security Policy" in e]
    assert len(refused) == 1, log.errors  # the script without a nonce, and only that one


def test_a_script_in_a_block_runs_again_only_when_it_changed(open_on, csp_server):
    page, log, _ = open_on(csp_server, "/market/")
    expect(page).to_have_title("Market (30)")
    page.select_option("#kind", "fruit")
    expect(page).to_have_title("Market (11)")  # the block's script changed: it ran

    page.evaluate("document.title = 'set by the test'")
    page.select_option("#kind", "vegetable")  # 11 again: the stats block changes, its script not
    expect(page.locator("#chart .bar")).to_have_text(["fruit 0", "vegetable 11", "herb 0"])
    page.wait_for_timeout(300)
    expect(page).to_have_title("set by the test")
    assert log.errors == []


# -- deployment: a sub-path and TLS ---------------------------------------------------------------


def test_under_a_sub_path_the_page_connects_and_navigates(open_on, shop_server):
    page, log, sockets = open_on(shop_server, "/shop/market/")
    assert [url.split("?")[0] for url in sockets] == [
        f"ws://127.0.0.1:{shop_server.port}/shop/live/ws/"
    ]
    assert page.get_attribute("body", "hx-ws:connect").startswith("/shop/live/ws/?t=")
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/shop/market/\?page=2$"))
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    page.go_back()
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 1 of 5")
    expect(page.locator("nav a").first).to_have_attribute("href", "/shop/")
    assert log.errors == []


def test_over_tls_the_socket_is_wss_and_works(open_on, tls_server):
    page, log, sockets = open_on(tls_server, "/market/", ignore_https_errors=True)
    assert page.url.startswith("https://")
    assert [url.split("?")[0] for url in sockets] == [f"wss://127.0.0.1:{tls_server.port}/live/ws/"]
    page.click("#next")
    expect(page.locator(PAGE_NUMBER)).to_have_text("Page 2 of 5")
    assert log.errors == []
