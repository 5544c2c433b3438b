"""Hooks, events both ways, focus/title/scroll, polling and navigation between live pages, in
real Chromium against sample_site's /hooks/ and /chart/ (demo/widgets.py)."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import (
    CONNECTED,
    HeldSockets,
    assert_same_document,
    mount_probe,
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

LOG = "#hook-log li"


def open_page(page, path="/hooks/", wait_until="load"):
    open_live(page, path, wait_until)
    if path == "/hooks/":
        # The hooks mount with the join's reply, a moment after the page shows "connected": a
        # test that counts log lines from here must not count those.
        expect(page.locator(LOG).first).to_have_text("mounted outside")


def hook_log(page):
    return page.locator(LOG).all_inner_texts()


# -- 1. hooks ---------------------------------------------------------------------------------


def test_hooks_mount_update_and_are_destroyed_with_their_element(page, page_log):
    open_page(page)
    expect(page.locator(LOG)).to_have_text(["mounted outside", "mounted widget", "mounted tally"])

    page.click("#hook-push")  # re-renders the widget's block: its hook is updated
    expect(page.locator(LOG).nth(3)).to_have_text("updated widget")

    page.click("#toggle")  # the block no longer has the element
    expect(page.locator(LOG).last).to_have_text("destroyed widget")
    page.click("#toggle")
    expect(page.locator(LOG).last).to_have_text("mounted widget")
    assert "updated outside" not in hook_log(page)  # not in a swapped block
    assert_same_document(page)
    assert_no_errors(page_log)


def test_only_a_page_that_shows_a_hook_loads_the_hooks_script(page):
    scripts = []
    page.on("request", lambda request: scripts.append(request.url.rsplit("/", 1)[-1]))
    open_page(page, "/counter/")
    assert "live_views.min.js" in scripts
    assert "live_views.hooks.min.js" not in scripts

    open_page(page)
    assert "live_views.hooks.min.js" in scripts


def test_hooks_whose_script_arrives_after_the_join_mount_then(page, page_log):
    # A slow network: the page joined, and answered an event, before its hooks' script came.
    held = []
    page.route("**/live_views.hooks.min.js", lambda route: held.append(route))
    page.goto("/hooks/", wait_until="domcontentloaded")
    page.wait_for_selector(CONNECTED)
    page.click("#toggle")
    expect(page.locator("#widget")).to_have_count(0)
    assert hook_log(page) == []

    held[0].continue_()

    expect(page.locator(LOG)).to_have_text(["mounted outside", "mounted tally"])
    page.click("#toggle")
    expect(page.locator(LOG).last).to_have_text("mounted widget")
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    assert_no_errors(page_log)


def log_after(page, action):
    """What the hooks log while `action` runs (it ends when the page has its reply)."""
    seen = len(hook_log(page))
    with page.expect_event("console", lambda m: m.text == "answered"):
        page.evaluate(
            """() => document.body.addEventListener(
              "live:update", () => console.log("answered"), { once: true })"""
        )
        action()
    return hook_log(page)[seen:]


def test_a_hook_around_a_liveblock_is_updated_when_the_block_inside_it_changes(page, page_log):
    open_page(page)
    # #tally wraps the liveblock that shows the clicks: its own content changed.
    assert "updated tally" in log_after(page, lambda: page.click("#hook-push"))
    assert "updated tally" not in log_after(page, lambda: page.click("#toggle"))
    assert_no_errors(page_log)


def test_hooks_in_a_streams_items_follow_each_item(page, page_log):
    open_page(page)
    # Mounted in the frame that inserts the item, before that frame's push is delivered. The
    # frame also swaps the widget's block (its pin count), but not #widget: it is not updated.
    assert log_after(page, lambda: page.click("#add-pin")) == [
        "mounted pin-1",
        "pin-1 heard pinned 1",
    ]
    # Another item's insert leaves pin-1 alone.
    assert log_after(page, lambda: page.click("#add-pin")) == [
        "mounted pin-2",
        "pin-1 heard pinned 2",
        "pin-2 heard pinned 2",
    ]
    # An insert of a shown item updates it in place: its hook is updated, not mounted again.
    rename = page.locator("#lv-s-pins-1 button", has_text="Rename")
    assert log_after(page, rename.click) == ["updated pin-1"]
    expect(page.locator("#pin-1")).to_have_text("pin 1: renamed")
    drop = page.locator("#lv-s-pins-2 button", has_text="Drop")
    assert log_after(page, drop.click) == ["destroyed pin-2"]
    assert log_after(page, lambda: page.click("#clear-pins")) == ["destroyed pin-1"]
    assert_no_errors(page_log)


def test_a_hook_in_a_live_component_follows_the_component(page, page_log):
    open_page(page)
    assert log_after(page, lambda: page.click("#toggle-panel")) == ["mounted panel"]
    assert log_after(page, lambda: page.click("#panel-bump")) == ["updated panel"]
    assert log_after(page, lambda: page.click("#toggle-panel")) == ["destroyed panel"]
    assert_no_errors(page_log)


def test_a_hook_mounted_again_hears_each_push_once(page, page_log):
    open_page(page)
    page.click("#toggle")
    expect(page.locator(LOG).last).to_have_text("destroyed widget")
    page.click("#toggle")
    expect(page.locator(LOG).last).to_have_text("mounted widget")
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    expect(page.locator(LOG, has_text="widget heard clicked 2")).to_have_count(1)
    assert_no_errors(page_log)


def test_push_event_resolves_with_the_reply_and_the_server_push_reaches_every_listener(
    page, page_log
):
    open_page(page)
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")  # the handler's returned dict
    expect(page.locator("#pushed")).to_have_text("pushed: 2")  # live:push on the root
    # live_push_event("clicked", …): every handleEvent("clicked") hears it.
    expect(page.locator(LOG, has_text="heard clicked 2")).to_have_count(3)
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 4")
    assert_no_errors(page_log)


def test_push_event_rejects_with_the_servers_error(page, page_log):
    open_page(page)
    mount_probe(page)
    error = page.evaluate(
        """async () => {
          try { await window.probe.pushEvent("no_such_event"); return "resolved"; }
          catch (e) { return [e.code, e.message]; }
        }"""
    )
    assert error == ["unknown_event", "No live event named 'no_such_event' on HooksView."]


def test_push_event_to_goes_to_the_component_that_holds_the_target(page, page_log):
    open_page(page)
    page.click("#toggle-panel")
    expect(page.locator("#panel")).to_contain_text("0 bumps")
    mount_probe(page)
    replies = page.evaluate(
        """async () => {
          const outcome = async (promise) => {
            try { return await promise; } catch (e) { return [e.code ?? null, e.message]; }
          };
          return [
            // A selector, then an element, inside the live component: its bump, its reply.
            await outcome(window.probe.pushEventTo("#panel", "bump", { by: 2 })),
            await outcome(window.probe.pushEventTo(document.getElementById("panel-bump"), "bump")),
            // Outside every component: the page's view, which has no bump.
            await outcome(window.probe.pushEventTo("#hook-log", "bump")),
            await outcome(window.probe.pushEventTo("#no-such-element", "bump")),
          ];
        }"""
    )
    assert replies == [
        {"bumps": 2},
        {"bumps": 3},
        ["unknown_event", "No live event named 'bump' on HooksView."],
        [None, "live_views: pushEventTo: no #no-such-element"],
    ]
    expect(page.locator("#panel")).to_contain_text("3 bumps")
    assert_no_errors(page_log)


def test_a_hook_that_throws_is_logged_and_the_page_goes_on(page, page_log):
    open_page(page)
    result = page.evaluate(
        """async () => {
          liveViews.hooks.Broken = { mounted() { throw new Error("boom"); } };
          liveViews.hooks.Probe = { mounted() { window.probe = this; } };
          for (const name of ["Broken", "Probe"]) {
            const element = document.createElement("span");
            element.dataset.liveHook = name;
            document.getElementById("hook-log").after(element);
          }
          document.getElementById("hook-push").click();
          while (!window.probe) await new Promise((resolve) => setTimeout(resolve, 50));
          return await window.probe.pushEvent("toggle");  // a handler that returns None
        }"""
    )
    assert result is None
    expect(page.locator("#widget")).to_have_count(0)  # the toggle ran
    assert any("boom" in line for line in page_log.console)


def test_an_unknown_hook_name_is_warned_of_once_naming_the_defined_hooks(page, page_log):
    open_page(page)
    page.evaluate(
        """() => {
          const element = document.createElement("span");
          element.dataset.liveHook = "Ecoh";  // a typo of Echo
          document.getElementById("hook-log").after(element);
        }"""
    )
    for updates in (1, 2):  # two updates: two syncs of the hooks
        page.click("#hook-push")
        expect(page.locator(LOG, has_text="updated widget")).to_have_count(updates)
    warnings = [line for line in page_log.console if "Ecoh" in line]
    assert len(warnings) == 1, page_log.console
    assert 'data-live-hook="Ecoh" names no hook: define liveViews.hooks.Ecoh' in warnings[0]
    assert "(defined: Echo, " in warnings[0]


def test_hooks_hear_disconnected_and_reconnected(page, page_log, server):
    open_page(page)
    expect(page.locator(LOG)).to_have_count(3)
    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    expect(page.locator(LOG, has_text="disconnected")).to_have_count(3)
    server.start()
    page.wait_for_selector(CONNECTED)
    expect(page.locator(LOG, has_text="reconnected")).to_have_count(3)
    assert_same_document(page)


def test_hooks_hear_of_a_loss_once_and_an_element_the_rejoin_removes_is_destroyed(page, server):
    open_page(page)
    page.click("#add-pin")
    expect(page.locator(LOG).last).to_have_text("pin-1 heard pinned 1")
    page.evaluate(
        """() => document.body.addEventListener(
          "live:disconnected", () => { window.closes = (window.closes ?? 0) + 1; })"""
    )
    server.stop()
    # Each reconnect attempt that fails closes the socket again: one loss all the same.
    page.wait_for_function("window.closes >= 2")
    server.start()  # the view mounts again: its stream of pins starts empty
    page.wait_for_selector(CONNECTED)
    expect(page.locator(LOG, has_text="reconnected")).to_have_count(3)
    expect(page.locator("#pin-1")).to_have_count(0)
    pin_lines = [line for line in hook_log(page) if line.endswith("pin-1")]
    assert pin_lines == ["mounted pin-1", "disconnected pin-1", "destroyed pin-1"]
    assert_same_document(page)


def test_a_rejoin_that_takes_an_elements_hook_away_destroys_it_without_reconnecting_it(
    page, server
):
    open_page(page)
    expect(page.locator(LOG)).to_have_count(3)
    page.click("#switch-hook")
    expect(page.locator(LOG).last).to_have_text("mounted switching")
    server.stop()
    page.wait_for_selector('body[data-live-state="disconnected"]')
    server.start()  # the view mounts again: #switching, kept by the morph, has no hook
    page.wait_for_selector(CONNECTED)
    expect(page.locator(LOG, has_text="reconnected")).to_have_count(3)
    expect(page.locator(LOG).last).to_have_text("destroyed switching")
    assert [line for line in hook_log(page) if "switching" in line] == [
        "mounted switching",
        "disconnected switching",
        "destroyed switching",
    ]
    assert_same_document(page)


def test_hooks_work_under_a_strict_csp(csp_page):
    page, log = csp_page
    open_page(page)
    expect(page.locator(LOG)).to_have_text(["mounted outside", "mounted widget", "mounted tally"])
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    expect(page.locator(LOG, has_text="heard clicked 2")).to_have_count(3)
    page.click("#retitle")
    expect(page).to_have_title("Hooks (2 clicks)")
    open_page(page, "/chart/")  # the demo's chart bundle and hook carry the nonce too
    expect(page.locator("#chart .uplot")).to_have_count(1)
    expect(page.locator("#chart")).to_have_attribute("data-points", re.compile(r"^[1-9]"))
    assert_no_errors(log)


# -- 2. hooks on every server: the socket (uvicorn) and the HTTP transport ----------------------


def assert_no_glue_errors(log):
    errors = [e for e in log.errors if "WebSocket" not in e and "htmx:ws:error" not in e]
    assert errors == [], "errors in the browser:\n" + "\n".join(errors)


def test_an_update_that_changes_an_elements_hook_destroys_the_old_one_and_mounts_the_new(
    each_page,
):
    page, log = each_page
    open_page(page)
    expect(page.locator(LOG)).to_have_count(3)
    page.evaluate("document.getElementById('switching').kept = true")
    assert log_after(page, lambda: page.click("#switch-hook")) == ["mounted switching"]
    # The morph keeps the element and changes its attribute: Echo goes, Loud comes.
    assert log_after(page, lambda: page.click("#switch-hook")) == [
        "destroyed switching",
        "Loud mounted switching",
    ]
    # The attribute removed: Loud goes, and nothing takes its place.
    assert log_after(page, lambda: page.click("#switch-hook")) == ["Loud destroyed switching"]
    assert page.evaluate("document.getElementById('switching').kept") is True
    # Updates while it has no hook mount nothing on it.
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    assert [line for line in hook_log(page) if "switching" in line] == [
        "mounted switching",
        "destroyed switching",
        "Loud mounted switching",
        "Loud destroyed switching",
    ]
    assert_same_document(page)
    assert_no_glue_errors(log)


def test_a_hook_in_a_component_on_a_page_that_is_not_live_pushes_to_the_component(each_page):
    page, log = each_page
    page.goto("/hooks/plain/")
    expect(page.locator("#plain-panel [data-live-root]")).to_have_attribute(
        "data-live-state", "connected"
    )
    expect(page.locator("body")).not_to_have_attribute("data-live-root", "")
    # Each component's hooks mount as its own socket joins: in whichever order they join.
    expect(page.locator(LOG)).to_have_count(3)
    assert sorted(hook_log(page)) == ["mounted other", "mounted outside", "mounted panel"]

    page.click("#hook-bump")  # the hook's pushEvent("bump", {by: 2}), on the component's socket
    expect(page.locator("#reply")).to_have_text("reply: 2")
    expect(page.locator("#panel")).to_contain_text("2 bumps")
    expect(page.locator(LOG).last).to_have_text("updated panel")
    page.click("#panel-bump")  # the component's own button: the same instance
    expect(page.locator("#panel")).to_contain_text("3 bumps")

    # Outside every live component, a page that is not live has no view to push to.
    mount_probe(page, "#panel-bump")
    error = page.evaluate(
        """async () => {
          try { await window.probe.pushEvent("bump"); return "resolved"; }
          catch (e) { return e.message; }
        }"""
    )
    assert error == "live_views: not connected"
    page.click("#panel-bump")
    expect(page.locator("#panel")).to_contain_text("5 bumps")  # the probe's push bumped nothing
    assert_no_glue_errors(log)


@pytest.fixture(scope="module")
def csp_server_without_request_processor():
    with LiveServer(env={"DEMO_CSP": "1", "DEMO_NO_REQUEST_PROCESSOR": "1"}) as running:
        yield running


def test_without_the_request_context_processor_a_plain_pages_component_works(
    browser, csp_server_without_request_processor
):
    # Its bundle's <script> took the CSP nonce from the `request` template variable only: the
    # browser refused it, and the component sat there, never connected, with no error.
    context = browser.new_context(base_url=csp_server_without_request_processor.base_url)
    try:
        page = context.new_page()
        page.goto("/hooks/plain/")
        expect(page.locator("#plain-panel [data-live-root]")).to_have_attribute(
            "data-live-state", "connected"
        )
        page.click("#panel-bump")
        expect(page.locator("#panel")).to_contain_text("1 bump")
    finally:
        context.close()


def test_a_components_socket_that_closes_is_heard_only_by_the_hooks_inside_it(page, page_log):
    # On a page that is not live each live component has a socket of its own: one of them
    # closing (and hx-ws reconnecting it) concerns the hooks inside that component only. Every
    # hook on the page heard of any component's loss before.
    page.goto("/hooks/plain/")
    # Each component's hook mounts once that component's own join is answered, in either order.
    expect(page.locator(LOG)).to_have_count(3)
    assert sorted(hook_log(page)) == ["mounted other", "mounted outside", "mounted panel"]
    page.evaluate(
        """() => document.querySelector("#other-panel [data-live-root]")
          ._htmx.ws.connection.socket.close()"""  # no code: 1005, which hx-ws reconnects
    )
    expect(page.locator(LOG).last).to_have_text("reconnected other")
    assert hook_log(page)[3:] == ["disconnected other", "reconnected other"]
    page.click("#hook-bump")  # the panel's hook, on its own socket, which stayed open
    expect(page.locator("#reply")).to_have_text("reply: 2")
    page.click("#other-bump")  # the other component, on its new socket
    expect(page.locator("#other")).to_contain_text("1 bumps")
    expect(page.locator(LOG).last).to_have_text("updated other")
    assert hook_log(page)[3:] == [
        "disconnected other",
        "reconnected other",
        "updated panel",
        "updated other",
    ]
    assert_no_glue_errors(page_log)


def component_token(page, panel):
    connect = page.eval_on_selector(
        f"{panel} [data-live-root]", "(root) => root.getAttribute('hx-ws:connect')"
    )
    return connect.partition("t=")[2]


def test_a_hook_in_a_component_mounts_once_that_components_own_join_is_answered(page, page_log):
    # On a page that is not live each live component joins on its own socket. A hook mounted
    # as soon as any of them had joined: one in a component whose join was still on its way
    # mounted early, and, that socket closing before it joined, heard no `disconnected()`,
    # nor `reconnected()` once it joined after all.
    held = HeldSockets(page, every=True)  # each join's reply waits for let_through()
    page.goto("/hooks/plain/")
    held.let_through(component_token(page, "#plain-panel"))
    expect(page.locator(LOG).nth(1)).to_have_text("mounted panel")
    # One sync of the page's hooks mounted these: the other component has not joined.
    assert hook_log(page) == ["mounted outside", "mounted panel"]

    other_root = page.locator("#other-panel [data-live-root]")
    expect(other_root).to_have_attribute("data-live-state", "connected")  # open, not joined
    # Its socket closes before it joined: its hook, not mounted, has nothing to hear.
    other = component_token(page, "#other-panel")
    page.evaluate(
        """() => document.querySelector("#other-panel [data-live-root]")
          ._htmx.ws.connection.socket.close()"""  # no code: 1005, which hx-ws reconnects
    )
    wait_until(
        page,
        lambda: sum(other in url for url in held.opened) == 2,
        message="the other component's socket did not open again",
    )
    held.let_through(other)  # its second socket's join is answered
    expect(page.locator(LOG).last).to_have_text("mounted other")
    page.click("#other-bump")
    expect(page.locator("#other")).to_contain_text("1 bumps")
    expect(page.locator(LOG).last).to_have_text("updated other")
    assert hook_log(page) == ["mounted outside", "mounted panel", "mounted other", "updated other"]
    assert_no_glue_errors(page_log)


# -- 3. focus, title, scroll ------------------------------------------------------------------


def test_focus_title_and_scroll_apply_after_the_update(page, page_log):
    open_page(page)
    expect(page).to_have_title("Hooks")
    page.click("#focus")
    expect(page.locator("#name")).to_be_focused()
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    page.click("#retitle")
    expect(page).to_have_title("Hooks (2 clicks)")
    assert page.evaluate("window.scrollY") == 0
    page.click("#scroll")
    expect(page.locator("#end")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    assert_same_document(page)
    assert_no_errors(page_log)


# -- 4. navigation between live pages -----------------------------------------------------------


def test_a_live_navigation_to_a_page_with_hooks_mounts_them_once_it_has_joined(page, page_log):
    # The page before it had no hook, so the hooks' script comes only now.
    open_page(page, "/counter/")
    page.evaluate("window.__marker = 1")
    page.evaluate("liveViews.navigate('/hooks/')")
    expect(page).to_have_url(re.compile(r"/hooks/$"))
    expect(page.locator(LOG)).to_have_text(["mounted outside", "mounted widget", "mounted tally"])
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_live_link_swaps_in_the_next_live_page_and_back_returns(page, page_log):
    open_page(page)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.click("#to-counter")
    expect(page).to_have_url(re.compile(r"/counter/$"))
    expect(page.locator("h1")).to_have_text("Counter")
    expect(page).to_have_title("Counter")
    page.wait_for_selector(CONNECTED)
    page.click("#plus-two")  # the counter's own view answers, on the new page's socket
    expect(page.locator("#count")).to_have_text("2")
    assert len(sockets) == 1
    assert "/live/ws/" in sockets[0].url
    expect(page.locator(LOG)).to_have_count(0)  # the hooks page's elements are gone

    page.go_back()
    expect(page).to_have_url(re.compile(r"/hooks/$"))
    expect(page).to_have_title("Hooks")
    page.wait_for_selector(CONNECTED)
    expect(page.locator(LOG)).to_have_text(["mounted outside", "mounted widget", "mounted tally"])
    page.click("#hook-push")
    expect(page.locator("#reply")).to_have_text("reply: 2")

    page.go_forward()
    expect(page.locator("h1")).to_have_text("Counter")
    page.wait_for_selector(CONNECTED)
    assert_same_document(page)
    assert page_log.documents == [page_log.server.base_url + "/hooks/"]
    assert_no_errors(page_log)


def test_live_navigate_from_a_handler(page, page_log):
    open_page(page)
    page.click("#navigate")
    expect(page).to_have_url(re.compile(r"/counter/$"))
    page.wait_for_selector(CONNECTED)
    page.click("#plus-one")
    expect(page.locator("#count")).to_have_text("1")
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_link_to_a_page_that_is_not_live_loads_it(page, page_log):
    open_page(page)
    page.click("#to-home")
    expect(page.locator("h1")).to_have_text("django-live-views demos")
    assert page.evaluate("window.__marker") is None  # an ordinary page load


def test_a_visit_marks_the_page_loading_from_the_click_until_the_new_page_is_in(page, page_log):
    open_page(page)
    page.evaluate(
        """() => { window.loadingSeen = [];
        for (const kind of ["start", "stop"]) {
          window.addEventListener(`live:page-loading-${kind}`, (e) => window.loadingSeen.push([
            kind, new URL(e.detail.to).pathname, document.querySelector("h1").textContent,
            document.documentElement.classList.contains("live-page-loading")]));
        } }"""
    )
    page.click("#to-counter")
    expect(page.locator("h1")).to_have_text("Counter")
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blive-page-loading\b"))
    # Started before the fetch, with the hooks page still shown; stopped once the counter is in.
    assert page.evaluate("window.loadingSeen") == [
        ["start", "/counter/", "Hooks and browser effects", True],
        ["stop", "/counter/", "Counter", False],
    ]
    page.go_back()  # Back between live pages is a visit too
    expect(page.locator("h1")).to_have_text("Hooks and browser effects")
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blive-page-loading\b"))
    assert [seen[:2] for seen in page.evaluate("window.loadingSeen")][2:] == [
        ["start", "/hooks/"],
        ["stop", "/hooks/"],
    ]
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_visit_keeps_the_fragment_and_scrolls_to_it(page, page_log):
    open_page(page)
    page.click("#to-counter")
    page.wait_for_selector("#count")
    page.wait_for_selector(CONNECTED)
    page.evaluate("liveViewsNavigate.visit('/hooks/#end')")  # #end is below a 150vh spacer
    expect(page).to_have_url(re.compile(r"/hooks/#end$"))
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#end")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    assert_same_document(page)
    assert_no_errors(page_log)


def test_a_visit_to_a_page_that_is_not_live_keeps_the_fragment(page, page_log):
    open_page(page)
    page.evaluate("liveViewsNavigate.visit('/#demos')")
    expect(page.locator("h1")).to_have_text("django-live-views demos")
    expect(page).to_have_url(re.compile(r"/#demos$"))
    assert page.evaluate("window.__marker") is None  # an ordinary page load


def test_a_live_page_whose_head_names_other_files_loads_as_a_page_does(page, page_log):
    # After a deploy, the hashed stylesheet and script names in the next page's <head> are not
    # the ones this document loaded: swapping only its body kept the old CSS and never ran the
    # new script. The visit loads it instead, as Phoenix reloads on a phx-track-static change.
    def deployed(new_head):
        def answer(route):
            html = route.fetch().text().replace("</head>", new_head + "</head>", 1)
            route.fulfill(body=html, content_type="text/html")

        return answer

    for new_head in [
        '<link rel="stylesheet" href="/static/demo/demo.0123abcd.css">',
        '<script src="/static/demo/new.0123abcd.js"></script>',
    ]:
        open_page(page)
        page.route("**/counter/", deployed(new_head))
        page.click("#to-counter")
        expect(page.locator("h1")).to_have_text("Counter")
        page.wait_for_selector(CONNECTED)
        assert page.evaluate("window.__marker") is None  # an ordinary page load
        page.unroute("**/counter/")

    open_page(page)  # the same head: the body is swapped, the document stays
    page.click("#to-counter")
    expect(page.locator("h1")).to_have_text("Counter")
    assert_same_document(page)


def test_the_next_pages_access_checks_run(page, page_log):
    open_page(page)
    page.click("#to-private")  # LoginRequiredMixin redirects to the login page, not live
    expect(page).to_have_url(re.compile(r"/login/\?next=/private/$"))
    assert page.evaluate("window.__marker") is None


def test_under_a_csp_nonce_navigation_is_an_ordinary_load(csp_page):
    page, _ = csp_page
    open_page(page)
    page.click("#to-counter")
    expect(page).to_have_url(re.compile(r"/counter/$"))
    page.wait_for_selector(CONNECTED)
    assert page.evaluate("window.__marker") is None
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")


# -- 5. polling, and 6. the chart demo ----------------------------------------------------------


def set_visibility(page, state):
    page.evaluate(
        """(state) => {
          const hidden = state === "hidden";
          Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
          Object.defineProperty(document, "hidden", { value: hidden, configurable: true });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_polling_ticks_while_visible_and_pauses_in_a_background_tab(page, page_log):
    open_page(page, "/chart/")
    expect(page.locator("#step")).not_to_have_text("0")  # one a second
    expect(page.locator("#chart")).not_to_have_attribute("data-points", "0")
    set_visibility(page, "hidden")
    page.wait_for_timeout(300)  # a tick already on the wire may still land
    paused_at = page.locator("#step").inner_text()
    page.wait_for_timeout(2500)
    assert page.locator("#step").inner_text() == paused_at
    # htmx closes a hidden tab's socket, and opens it again when the tab is shown; the tick
    # that is overdue goes out as soon as the page has joined again.
    page.wait_for_selector('body[data-live-state="disconnected"]')
    set_visibility(page, "visible")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#step")).not_to_have_text(paused_at, timeout=900)  # before 1 s
    assert_no_errors(page_log)


def test_a_page_left_before_its_polling_script_loaded_sends_the_next_page_no_ticks(page, page_log):
    held = []  # the polling script's request, answered only once the next page is shown
    page.route("**/live_views.polling.min.js", lambda route: held.append(route))
    # Not till "load": a script held from before it (the page joins, then asks for the
    # polling script, while its chart's hook script may still be loading) holds that back.
    open_page(page, "/chart/", wait_until="domcontentloaded")
    wait_until(page, lambda: held, message="the polling script was not asked for")
    page.evaluate("liveViews.navigate('/counter/')")
    expect(page.locator("h1")).to_have_text("Counter")
    page.wait_for_selector(CONNECTED)
    page.evaluate(
        """document.addEventListener("live:error", (e) => {
          (window.liveErrors ??= []).push(e.detail.message);
        })"""
    )
    held[0].continue_()
    page.wait_for_timeout(2500)  # the chart would tick every second
    assert page.evaluate("window.liveErrors ?? []") == []
    assert_same_document(page)


def test_the_chart_is_drawn_by_uplot_from_pushed_points(page, page_log):
    open_page(page, "/chart/")
    expect(page.locator("#chart .uplot")).to_have_count(1)
    page.wait_for_function("Number(document.getElementById('chart').dataset.points) >= 2")
    page.click("#reset")
    expect(page).to_have_title("Chart (reset)")
    expect(page.locator("#chart .uplot")).to_have_count(1)  # data-live-ignore kept the chart
    assert page.evaluate("typeof uPlot") == "function"
    assert_no_errors(page_log)
