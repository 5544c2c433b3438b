"""A page whose socket is blocked, then let through (Playwright routes the page's websocket):
it works over HTTP meanwhile, goes back to the socket with its state, runs no event twice, and
tells the server it left HTTP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED

pytestmark = pytest.mark.browser

SOCKET = re.compile(r"/live/ws/")


class Gate:
    """The page's websocket: refused (as a proxy that drops it) until opened."""

    def __init__(self, page, close_code):
        self.open = False
        self.close_code = close_code
        page.route_web_socket(SOCKET, self.route)

    def route(self, ws):
        if self.open:
            ws.connect_to_server()
        else:
            ws.close(code=self.close_code)


@pytest.mark.parametrize("close_code", [1011, 1000])
def test_blocked_socket_then_back_to_the_socket_without_losing_or_repeating(page, close_code):
    gate = Gate(page, close_code)
    page.goto("/counter/")
    page.wait_for_selector('body[data-live-transport="http"]')
    page.wait_for_selector(CONNECTED)
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("3")

    leaving = page.expect_response(lambda r: r.url.endswith("/live/http/leave/"), timeout=20_000)
    with leaving as left:
        gate.open = True  # the next try of the socket gets through
        page.wait_for_selector('body[data-live-transport="websocket"]', timeout=20_000)
    assert left.value.status == 204  # the server let go of the page's HTTP side
    page.wait_for_selector(CONNECTED)
    # live_state came back from the cache on the socket's join; no event ran twice.
    expect(page.locator("#count")).to_have_text("3")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("5")
