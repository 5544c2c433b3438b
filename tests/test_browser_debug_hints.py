"""In Chromium, with DEBUG on: a page whose live script did not load says so in the console."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED, TIMEOUT_MS
from tests.live_server import LiveServer, RunserverServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    # Overrides browser_fixtures' server: the sample site with DEBUG on.
    with LiveServer(env={"DJANGO_DEBUG": "1"}) as server:
        yield server


def test_a_script_that_did_not_load_is_named_with_the_fix(page, page_log):
    # As under uvicorn with no static-file serving: the bundle 404s.
    page.route("**/live_views.min.js", lambda route: route.fulfill(status=404, body="Not Found"))
    with page.expect_console_message(lambda m: "did not load" in m.text) as message:
        page.goto("/counter/")
    assert message.value.type == "error"
    assert "/static/live_views/live_views.min.js did not load" in message.value.text
    assert "ServeStatic or WhiteNoise" in message.value.text
    assert page.get_attribute("body", "data-live-state") == "connecting"


def test_a_page_whose_script_loaded_says_nothing(page, page_log):
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED, timeout=TIMEOUT_MS)
    assert not [line for line in page_log.console if "did not load" in line]


# -- a page whose socket cannot open, with no HTTP transport to fall back on --------------------
# A newcomer's setup: 'channels' instead of 'daphne' (runserver is then a WSGI server), or uvicorn
# without its websocket library, and no live_views.urls. The page sat at "disconnected" with only
# the browser's own "WebSocket connection failed" and a 404 in the server log.

NO_LIVE_ROUTES = {"DJANGO_DEBUG": "1", "DEMO_NO_LIVE_URLS": "1"}


def open_page(browser, server):
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def test_a_socket_that_never_opens_with_no_http_transport_is_explained(browser):
    # ASGI without the websocket route: the handshake fails, as on a server without websockets.
    env = {**NO_LIVE_ROUTES, "DEMO_NO_WEBSOCKET": "1"}
    with LiveServer(env=env) as server:
        context, page = open_page(browser, server)
        with page.expect_console_message(lambda m: "did not open" in m.text) as message:
            page.goto("/counter/")
        assert message.value.type == "error"
        text = message.value.text
        assert "websocket (/live/ws/) did not open" in text
        assert "'daphne' first in INSTALLED_APPS" in text
        assert "uvicorn[standard]" in text
        assert 'include("live_views.urls")' in text
        assert page.get_attribute("body", "data-live-state") == "disconnected"
        assert "WSGI" not in server.log  # an ASGI server: not the server's hint
        context.close()


def test_a_socket_that_opened_before_the_dev_script_ran_is_not_called_unopened(browser):
    # A walk-through restarted the server under a working page and was told its setup could
    # not open websockets: the dev script, deferred apart, had loaded after the socket opened.
    with LiveServer(env=NO_LIVE_ROUTES) as server:
        context, page = open_page(browser, server)
        held = []
        page.route("**/live_views.dev.min.js", lambda route: held.append(route))
        console = []
        page.on("console", lambda m: console.append(m.text))
        page.goto("/counter/", wait_until="commit")
        page.wait_for_selector(CONNECTED)
        page.wait_for_function("() => true")  # let the route handler see the held request
        assert held, "the dev script was not requested"
        held[0].continue_()
        page.wait_for_function("() => typeof window.liveViews?.enableLatencySim === 'function'")
        server.stop()  # the socket closes, as on a restart
        page.wait_for_selector('[data-live-state="disconnected"]')
        server.start()
        page.wait_for_selector(CONNECTED)
        assert not [line for line in console if "did not open" in line]
        context.close()


def test_a_wsgi_runserver_with_no_http_transport_says_so_in_the_log_and_the_console(browser):
    with RunserverServer(env=NO_LIVE_ROUTES) as server:
        context, page = open_page(browser, server)
        with page.expect_console_message(lambda m: "WSGI server" in m.text) as message:
            page.goto("/counter/")
        assert message.value.type == "error"
        assert "manage.py runserver without daphne" in message.value.text
        assert "served by a WSGI server" in server.log
        context.close()


def test_a_page_that_falls_back_to_http_says_nothing_of_either(browser):
    with LiveServer(env={"DJANGO_DEBUG": "1", "DEMO_NO_WEBSOCKET": "1"}) as server:
        context, page = open_page(browser, server)
        console = []
        page.on("console", lambda m: console.append(m.text))
        page.goto("/counter/")
        page.wait_for_selector('[data-live-transport="http"][data-live-state="connected"]')
        page.click("#plus-one")
        page.wait_for_function("document.querySelector('#count').textContent.trim() === '1'")
        assert not [line for line in console if "did not open" in line or "WSGI" in line]
        context.close()
