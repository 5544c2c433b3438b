"""A stream on a page that fell back to the HTTP transport, in real Chromium (sample_site's
server log, /log/, on an ASGI server without the websocket route): a page that joins again over
HTTP (its server answers again after it did not) keeps the stream's lines."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED, wait_until
from tests.live_server import LiveServer
from tests.test_browser_streams import LINES, open_log

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    # Overrides browser_fixtures' server: the socket cannot open, the page goes on over HTTP.
    # Its push stream ends each second and is asked for again: a blocked one shows at once.
    with LiveServer(env={"DEMO_NO_WEBSOCKET": "1", "DEMO_STREAM_LIFETIME": "1"}) as running:
        yield running


PUSHES = "**/live/http/push/**"


def blocked(request):
    # Not a stream that ended (Chromium says ERR_ABORTED of those): one the route refused.
    return "/live/http/push/" in request.url and request.failure == "net::ERR_FAILED"


def joins_answered(page):
    """The joins the page sent over HTTP whose answers have arrived, counted as they do."""
    answered = []

    def finished(request):
        if request.url.endswith("/live/http/") and request.post_data:
            frame = parse_qs(request.post_data).get("frame", [""])[0]
            if '"join"' in frame:
                answered.append(frame)

    page.on("requestfinished", finished)
    return answered


def test_a_page_on_http_keeps_its_streams_lines_when_it_joins_again(page, page_log):
    # The page joined again (then after each socket it tried in vain; now once its server
    # answers again), and the server sent the stream whole from a page that no longer holds its
    # lines: 100 lines became none. Here its push requests fail for a while (a proxy dropped
    # them): the server does not answer it, then does.
    joins = joins_answered(page)
    open_log(page)
    page.wait_for_selector('body[data-live-transport="http"]')
    page.locator(f"{LINES}:last-child").scroll_into_view_if_needed()
    expect(page.locator(LINES)).to_have_count(100)
    page.evaluate("window.scrollTo(0, 0)")  # the sentinel out of view: nothing loads by itself
    seen = len(joins)

    with page.expect_event("requestfailed", blocked):
        page.route(PUSHES, lambda route: route.abort())
    page.unroute(PUSHES)
    wait_until(page, lambda: len(joins) > seen, message="the page did not join again within 10 s")
    page.wait_for_selector(CONNECTED)

    expect(page.locator(LINES)).to_have_count(100)
    numbers = page.locator(f"{LINES} code").all_inner_texts()
    assert numbers == [f"#{n}" for n in range(100)]
    assert page.evaluate("window.__marker") == 1
