"""In Chromium, with DEBUG on: a page whose live script did not load says so in the console."""

from __future__ import annotations

import pytest

from tests.browser_fixtures import CONNECTED, TIMEOUT_MS
from tests.live_server import LiveServer

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
