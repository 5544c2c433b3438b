"""A hidden tab on TRANSPORT = "http" (no socket ever tried): past liveViews.hiddenHold it stops
its push stream and leaves its server page, as hx-ws closes a hidden tab's socket; shown again,
it joins again without showing "disconnected", and what was clicked meanwhile goes then."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED, http_server
from tests.live_server import LiveServer
from tests.test_browser import log_in
from tests.test_browser_hooks import set_visibility
from tests.test_browser_http import ON_HTTP, is_join, join_without_a_tab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["asgi", "gunicorn"])
def server(request):
    # Server-sent events under ASGI, long-polls under WSGI: both push streams are let go.
    if request.param == "asgi":
        running = LiveServer(env={"DEMO_TRANSPORT": "http"})
    else:
        running = http_server(request.param)
    with running:
        yield running


def is_push(request):
    return "/live/http/push/" in request.url


def watch_states(page):
    page.evaluate(
        """window.states = [];
        new MutationObserver(() => states.push(document.body.dataset.liveState))
          .observe(document.body, { attributeFilter: ["data-live-state"] });"""
    )


def free_places(context):
    """The user's places under MAX_CONNECTIONS_PER_SESSION (20 in the demo) no page holds."""
    leaves = []
    try:
        while (leave := join_without_a_tab(context, "/counter/")) is not None:
            leaves.append(leave)
            assert len(leaves) <= 20
        return len(leaves)
    finally:
        for leave in leaves:
            assert leave().status == 204


def test_a_hidden_tab_on_http_only_lets_go_of_its_server_page_and_joins_again_as_it_shows(page):
    # Its push stream read on, and the server held its page (a place under
    # MAX_CONNECTIONS_PER_SESSION, a render on every broadcast), for as long as it stayed hidden.
    log_in(page)  # its pages count against the user, not the address other tests share
    page.add_init_script("window.liveViews = { hiddenHold: 500 };")
    joins = []
    page.on("request", lambda request: is_join(request) and joins.append(request))
    page.goto("/counter/")
    page.wait_for_selector(ON_HTTP)
    page.wait_for_selector(CONNECTED)
    watch_states(page)
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    assert free_places(page.context) == 19  # the tab's page holds one

    ended = []
    page.on("requestfailed", lambda request: is_push(request) and ended.append(request))
    page.on("requestfinished", lambda request: is_push(request) and ended.append(request))
    set_visibility(page, "hidden")
    page.wait_for_timeout(1500)  # past the hold
    assert ended, "the push stream was still open"
    page.click("#plus-one")  # waits, as on a closed socket
    page.wait_for_timeout(300)
    assert free_places(page.context) == 20  # the server let go of the page
    expect(page.locator("#count")).to_have_text("2")
    assert len(joins) == 1

    with page.expect_request(is_push):  # its push stream again
        set_visibility(page, "visible")
    expect(page.locator("#count")).to_have_text("3")  # its live_state, then the click
    assert len(joins) == 2
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("5")
    expect(page.locator("body")).to_have_attribute("data-live-transport", "http")
    assert page.evaluate("states") == []  # connected all along: no "disconnected"
    assert free_places(page.context) == 19


def test_a_tab_on_http_only_shown_again_within_the_hold_goes_on_without_joining(page):
    page.add_init_script("window.liveViews = { hiddenHold: 5000 };")
    joins = []
    page.on("request", lambda request: is_join(request) and joins.append(request))
    page.goto("/counter/")
    page.wait_for_selector(ON_HTTP)
    page.wait_for_selector(CONNECTED)
    set_visibility(page, "hidden")
    page.wait_for_timeout(500)
    set_visibility(page, "visible")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    assert len(joins) == 1


def test_a_tab_on_http_only_opened_in_the_background_lets_go_once_past_the_hold(page):
    # A link opened in a background tab (a middle-click) loads hidden: no visibilitychange comes
    # until it shows, and ten such tabs held ten places under MAX_CONNECTIONS_PER_SESSION.
    log_in(page)
    page.add_init_script(
        """window.liveViews = { hiddenHold: 500 };
        Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
        Object.defineProperty(document, "hidden", { value: true, configurable: true });"""
    )
    joins = []
    page.on("request", lambda request: is_join(request) and joins.append(request))
    with page.expect_event("requestfinished", lambda r: r.url.endswith("/leave/"), timeout=5000):
        page.goto("/counter/")  # and past the hold, it leaves
        page.wait_for_selector(ON_HTTP)
        page.wait_for_selector(CONNECTED)
    assert free_places(page.context) == 20  # the server let go of the page

    with page.expect_request(is_push):
        set_visibility(page, "visible")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    assert len(joins) == 2
    assert free_places(page.context) == 19
