"""The HTTP transport in real Chromium (docs/http-transport.md): a page whose socket cannot open
(an ASGI server with no websocket route, uvicorn) and WSGI servers (gunicorn, and ``manage.py
runserver`` without daphne: no websockets at all, LIVE_VIEWS["TRANSPORT"] = "http") keep
working: events, live forms, broadcasts."""

from __future__ import annotations

import json
import re
import time
import zlib
from urllib.parse import parse_qs, unquote

import pytest
from django.core.signing import b64_decode
from playwright.sync_api import expect

from tests.browser_fixtures import CONNECTED, HTTP_SERVERS, http_server, mount_probe, wait_until
from tests.live_server import LiveServer, RunserverServer, WsgiServer
from tests.test_browser import add_todo, log_in, todo_row, unique_title
from tests.test_browser_forms import field_errors
from tests.test_browser_uploads import INPUT, file

pytestmark = pytest.mark.browser

ON_HTTP = 'body[data-live-transport="http"]'


@pytest.fixture(scope="module", params=HTTP_SERVERS)
def server(request):
    with http_server(request.param) as running:
        yield running


def on_http(page, path):
    page.goto(path)
    page.wait_for_selector(ON_HTTP)
    page.wait_for_selector(CONNECTED)


def test_a_counter_counts_over_http(page, page_log, server):
    on_http(page, "/counter/")
    expect(page.locator("#count")).to_have_text("0")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("4")
    errors = page_log.errors
    if isinstance(server, WsgiServer | RunserverServer):
        assert not any("WebSocket" in line for line in page_log.console), "a socket was tried"
    else:
        # The refused socket is the browser's own console error; nothing else may fail.
        errors = [e for e in errors if "WebSocket" not in e and "htmx:ws:error" not in e]
    assert errors == [], "\n".join(errors)


def test_a_live_form_validates_over_http(page):
    on_http(page, "/signup/")
    page.click("#id_email")
    page.keyboard.type("not-an-email")
    page.click("#id_username")
    expect(field_errors(page, "email")).to_have_text("Enter a valid email address.")


def test_a_broadcast_reaches_a_page_on_http(new_context):
    watcher, writer = new_context().new_page(), new_context().new_page()
    on_http(watcher, "/todos/")
    on_http(writer, "/todos/")
    title = unique_title("over http")
    add_todo(writer, title)
    expect(todo_row(writer, title)).to_have_count(1)
    expect(todo_row(watcher, title)).to_have_count(1, timeout=2_000)


def test_push_streams_renew_and_a_stopping_server_is_not_held_by_them(browser):
    # A walk-through: with a page on the HTTP transport open, a SIGTERM'd uvicorn stayed up,
    # refusing connections, for as long as the page stayed open (its push stream never ended),
    # and the page went on saying "connected".
    env = {"DEMO_TRANSPORT": "http", "DEMO_STREAM_LIFETIME": "1"}
    with LiveServer(env=env, stop_timeout=8) as server:
        contexts = [browser.new_context(base_url=server.base_url) for _ in range(2)]
        watcher, writer = (context.new_page() for context in contexts)
        for page in (watcher, writer):
            page.goto("/todos/")
            page.wait_for_selector(ON_HTTP)
            page.wait_for_selector(CONNECTED)
        time.sleep(2.5)  # the watcher's stream ended and was opened again, twice
        title = unique_title("after renewals")
        add_todo(writer, title)
        expect(todo_row(watcher, title)).to_have_count(1, timeout=3_000)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 5
        assert "Finished server process" in server.log  # on its own, not killed (-9)
        assert "uvicorn exited with -9" not in server.log
        expect(watcher.locator("body")).to_have_attribute("data-live-state", "disconnected")
        for context in contexts:
            context.close()


# The socket is tried again 0.4 s after the fallback, not 2 s (tests/browser_fixtures.py).
QUICK_SOCKET_RETRY = "Object.assign((window.liveViews ??= {}), { socketRetry: 400 });"

RECORD_STATES = """
window.seen = [];
new MutationObserver((records) => {
  for (const r of records) window.seen.push(r.target.dataset.liveState);
}).observe(document, { subtree: true, attributeFilter: ["data-live-state"] });
for (const name of ["live:connected", "live:disconnected"]) {
  document.addEventListener(name, () => window.seen.push(name));
}
"""


def shown_and_told(page):
    """The states a page recording them (RECORD_STATES) showed, and the events it heard."""
    seen = page.evaluate("window.seen")
    told = [name for name in seen if name.startswith("live:")]
    return [state for state in seen if state not in told], told


HTTP_BUNDLE = re.compile(r"live_views\.http\.min\.js")


def test_a_page_whose_socket_is_refused_goes_on_http_without_a_word_of_it(browser):
    # A walk-through: every load behind a proxy that refuses websockets flashed "disconnected"
    # (the demo's "Connection lost" banner), told the page's scripts live:disconnected 1006,
    # and each socket tried again in the background told them live:connected once more.
    with LiveServer(env={"DEMO_NO_WEBSOCKET": "1"}) as server:
        context = browser.new_context(base_url=server.base_url)
        context.add_init_script(RECORD_STATES)
        context.add_init_script(QUICK_SOCKET_RETRY)
        page = context.new_page()
        page.goto("/counter/")
        page.wait_for_selector(ON_HTTP)
        page.wait_for_selector(CONNECTED)
        for _ in range(2):  # the socket is tried again (0.4 s, then 0.8 s later) and refused
            page.wait_for_event("websocket")
        page.wait_for_timeout(300)
        page.click("#plus-two")
        expect(page.locator("#count")).to_have_text("2")
        seen = page.evaluate("window.seen")
        assert "disconnected" not in seen
        assert "live:disconnected" not in seen
        assert seen.count("live:connected") == 1, seen
        context.close()


def test_a_transport_script_that_did_not_load_is_fetched_again_at_the_next_refusal(browser):
    # The server was away for a moment (a deploy) as the page asked for live_views.http.min.js:
    # the failed load was kept, and the page, its socket refused again and again, stayed
    # "connecting" for good.
    with LiveServer(env={"DEMO_NO_WEBSOCKET": "1"}) as server:
        context = browser.new_context(base_url=server.base_url)
        page = context.new_page()
        asked: list[str] = []

        def away_once(route):
            asked.append(route.request.url)
            route.abort() if len(asked) == 1 else route.continue_()

        page.route(re.compile(r"live_views\.http\.min\.js"), away_once)
        page.goto("/counter/")
        page.wait_for_selector(ON_HTTP, timeout=15_000)
        page.wait_for_selector(CONNECTED)
        assert len(asked) == 2, asked
        page.click("#plus-two")
        expect(page.locator("#count")).to_have_text("2")
        context.close()


def test_a_page_on_transport_http_loads_its_transport_script_again_until_it_comes(
    http_transport_page,
):
    # The server was restarting as a page on TRANSPORT = "http" loaded: its first requests for
    # live_views.http.min.js failed. No refused socket asks for it again there (none is
    # dialled): the page asked once more 2.5 s in, as it still showed "connecting" (enough for a
    # single failed load), then never again, and stayed "connecting" for good. It asks again
    # after serverRetry (100 ms here, doubling), shows "disconnected" meanwhile, and joins once
    # the script comes.
    page = http_transport_page
    page.add_init_script(RECORD_STATES)
    asked: list[str] = []

    def away_three_times(route):
        asked.append(route.request.url)
        route.abort() if len(asked) <= 3 else route.continue_()

    page.route(HTTP_BUNDLE, away_three_times)
    page.goto("/counter/")
    page.wait_for_selector(CONNECTED)
    assert len(asked) == 4, asked
    assert shown_and_told(page) == (
        ["disconnected", "connected"],
        ["live:disconnected", "live:connected"],
    )
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")


def test_a_page_whose_join_after_its_transport_script_failed_is_refused_shows_refused(
    http_transport_page,
):
    # A page on TRANSPORT = "http" whose transport script failed to load at first (its server
    # restarting) shows "disconnected" until it comes; then its first join, refused by Django's
    # CSRF check (its cookie gone), is refused as any page's first join is. It showed
    # "connected" (told live:connected as the join went) while each of its events got http_403.
    page = http_transport_page
    page.add_init_script(RECORD_STATES)
    asked = []

    def away_once(route):
        asked.append(route)
        if len(asked) == 1:
            route.abort()

    page.route(HTTP_BUNDLE, away_once)
    page.goto("/counter/", wait_until="domcontentloaded")
    wait_until(page, lambda: len(asked) == 2, message="the script was not asked for again")
    expect(page.locator("body")).to_have_attribute("data-live-state", "disconnected")
    page.context.clear_cookies(name="csrftoken")
    with page.expect_response(lambda response: is_join(response.request)) as join:
        asked[1].continue_()
    assert join.value.status == 403
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    assert shown_and_told(page) == (
        ["disconnected", "refused"],
        ["live:disconnected", "live:disconnected"],
    )


def test_background_work_reports_to_a_page_on_http(page):
    # live_async() on the demo's log page: progress, then the counts, by the push route.
    on_http(page, "/log/")
    page.locator("#summarize").click()
    expect(page.locator("#summary-progress")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("ERROR: 10000", timeout=10_000)


def test_work_that_ends_before_its_events_reply_is_not_overwritten_by_it(page):
    # The reply to "summarize" (it shows the work loading) is held back until the work's outcome
    # has been pushed: the browser applies that push after the older reply, not before it.
    def held(route):
        if "summarize" in (route.request.post_data or ""):
            response = route.fetch()
            time.sleep(4)  # the work takes about 1 s; this (sync) test waits too
            route.fulfill(response=response)
        else:
            route.continue_()

    on_http(page, "/log/")
    # A pattern, not a predicate: the push route must not wait on this (blocked) handler.
    page.route(re.compile(r"/live/http/$"), held)
    page.locator("#summarize").click()
    expect(page.locator("#summary")).to_contain_text("ERROR: 10000", timeout=10_000)
    page.wait_for_timeout(500)
    expect(page.locator("#summary")).to_contain_text("ERROR: 10000")


def test_a_component_on_an_ordinary_page_is_live_over_http(page):
    # The home page is a plain TemplateView; its like button is a live component on its own.
    page.goto("/")
    root = page.locator("#home-like [data-live-root]")
    expect(root).to_have_attribute("data-live-transport", "http")
    expect(root).to_have_attribute("data-live-state", "connected")
    page.locator("#home-like button.like").click()
    expect(page.locator("#home-like button.like")).to_have_text("♥ Liked")
    expect(page.locator("#home-like .likes")).to_have_text("101")


def test_a_live_form_resets_only_once_the_server_says_so_over_http(page):
    # The attachments page with data-live-reset: an invalid submit keeps the chosen file; a
    # valid one whose form_valid() calls reset_form() empties the form and its file input.
    on_http(page, "/attachments/")
    page.eval_on_selector("form[data-live-form]", "(form) => form.dataset.liveReset = ''")
    page.set_input_files(INPUT, [file("over-http.txt", b"h" * 1000)])
    # Each click waits for the update before it: a block that grows or shrinks moves the button.
    expect(page.locator("#lv-pending li")).to_have_count(1)

    page.click("button[value=another]")  # no subject: invalid

    expect(field_errors(page, "subject")).to_have_text("This field is required.")
    assert page.locator(INPUT).evaluate("(input) => input.files.length") == 1
    page.fill("#id_subject", "Over HTTP")
    expect(field_errors(page, "subject")).to_have_count(0)
    page.click("button[value=another]")
    expect(page.locator("#lv-sent li")).to_have_text([re.compile(r"Sent: Over HTTP: over-http")])
    expect(page.locator("#id_subject")).to_have_value("")
    assert page.locator(INPUT).evaluate("(input) => input.files.length") == 0
    expect(page.locator("#lv-pending li")).to_have_count(0)


def test_a_handlers_cancel_upload_empties_the_file_input_over_http(page):
    # The push that tells the uploads script comes as any push does over HTTP.
    on_http(page, "/attachments/")
    page.set_input_files(INPUT, [file("a.txt", b"alpha"), file("b.txt", b"beta")])
    expect(page.locator("#lv-pending li")).to_have_count(2)

    page.get_by_role("button", name="Remove all").click()

    expect(page.locator("#lv-pending li")).to_have_count(0)
    page.wait_for_function(f"() => !document.querySelector('{INPUT}').files.length")


def test_a_page_whose_pushes_are_refused_stops_asking(page):
    # The push route answers 403 as the server does when the page's view now refuses it (its
    # user lost a permission, and the worker asked does not hold the page). Only that answer is
    # made here; the page, its glue and its server are real. It used to ask again every 10 s,
    # each request mounting the view, for as long as the tab stayed open.
    asked = []

    def refused(route):
        asked.append(route.request.url)
        route.fulfill(status=403, content_type="text/html", body="Forbidden")

    page.route(re.compile(r"/live/http/push/"), refused)
    page.goto("/counter/")
    page.wait_for_selector(ON_HTTP)
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    page.wait_for_timeout(1_000)  # retries would be 0.1, 0.2 and 0.4 s apart (QUICK_TIMINGS)
    assert len(asked) == 1, asked


def test_a_join_answered_after_the_page_was_refused_mounts_no_hook(page):
    # The push stream is refused (403) while the page's join is on its way: the page shows
    # "refused", as for a socket closed with 4403, which hears nothing after its close. The
    # join's answer, applied all the same, mounted the page's hooks (and would have started its
    # live_every ticks) on a page that is not live: each pushEvent() then failed "not connected".
    page.route(re.compile(r"/live/http/push/"), lambda route: route.fulfill(status=403, body="no"))
    held = []
    page.route(
        re.compile(r"/live/http/$"),
        lambda route: held.append(route) if is_join(route.request) else route.continue_(),
    )
    page.goto("/hooks/")
    wait_until(page, lambda: held, message="the page did not join")
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    with page.expect_response(lambda response: is_join(response.request)) as join:
        held[0].continue_()
    assert join.value.ok
    page.wait_for_timeout(500)  # a hook mounted within a frame of the answer
    assert page.locator("#hook-log li").all_inner_texts() == []
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")


def hooked_on_http(page):
    """/hooks/ on HTTP, with a hook of the test's (window.probe) and the live:error events."""
    on_http(page, "/hooks/")
    page.evaluate(
        """async () => {
          window.liveErrors = [];
          document.body.addEventListener("live:error", (e) => liveErrors.push(e.detail));
        }"""
    )
    mount_probe(page)


def push_event_outcome(page):
    """What a hook's pushEvent() promise came to within 5 s: the error's code, or never."""
    return page.evaluate(
        """() => Promise.race([
          window.probe.pushEvent("click", { by: 1 })
            .then(() => "resolved", (e) => e.code ?? e.message),
          new Promise((resolve) => setTimeout(resolve, 5000, "never settled")),
        ])"""
    )


def assert_loading_cleared(page, code):
    # The click's event failed without a reply: live:error says so, and its element, like a
    # socket's when the connection drops, is no longer busy.
    page.click("#toggle")
    page.wait_for_function(
        "(code) => liveErrors.some((e) => e.event === 'toggle' && e.code === code)", arg=code
    )
    expect(page.locator("#toggle")).not_to_have_class(re.compile("live-loading"))
    expect(page.locator("#toggle")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("body")).not_to_have_class(re.compile("live-loading"))


def test_a_frame_refused_by_django_s_csrf_check_settles_its_push_event_and_loading(page):
    hooked_on_http(page)
    # Django's CSRF failure page (403), not our route's reply: a stale or missing token.
    page.evaluate("document.body.dataset.liveCsrf = 'not-the-token'")
    assert push_event_outcome(page) == "http_403"
    assert_loading_cleared(page, "http_403")


def test_a_page_whose_first_join_django_s_csrf_check_refuses_shows_refused(page, page_log):
    # The page's CSRF cookie is gone as it joins over HTTP (a browser that blocks cookies; an
    # https page behind a TLS proxy without CSRF_TRUSTED_ORIGINS fails the same check on its
    # Origin): Django's CsrfViewMiddleware answers the join with its own 403 page, not our
    # route's. The page showed "connected" while each of its events got that 403 (http_403); it
    # shows "refused" now, as for a socket closed with 4403, and the console says why.
    page.add_init_script(RECORD_STATES)
    held = []
    page.route(HTTP_BUNDLE, lambda route: held.append(route))  # the join waits for it
    page.goto("/counter/", wait_until="domcontentloaded")  # "load" waits for the script too
    wait_until(page, lambda: held, message="the HTTP transport's script was never asked for")
    page.context.clear_cookies(name="csrftoken")
    with page.expect_response(lambda response: is_join(response.request)) as join:
        held[0].continue_()
    assert join.value.status == 403
    assert "CSRF verification failed" in join.value.text()
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    assert shown_and_told(page) == (["refused"], ["live:disconnected"])

    def said():
        return [line for line in page_log.console if "CSRF check refused the page's join" in line]

    wait_until(page, said, message="the console did not say why")
    assert "CSRF_TRUSTED_ORIGINS" in said()[0]
    # A click sends nothing, and does not leave its button busy, waiting for a reply that will
    # never come (it did: its frame waited in a queue nothing would send).
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.evaluate(WATCH_SENDS)
    page.click("#plus-two")
    page.wait_for_function("() => window.asked === 1")  # the click asked to send its event
    expect(page.locator("#plus-two")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#plus-two")).not_to_have_class(re.compile("live-loading"))
    expect(page.locator("#count")).to_have_text("0")
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    assert not [request.url for request in requests if is_event("increment")(request)]
    assert len(said()) == 1, page_log.console  # said once


def test_a_proxy_answering_every_join_401_reloads_the_page_once_not_in_a_loop(page):
    # A proxy in front of the site (a single sign-on whose session ran out) answers the page's
    # join 401, not our route. The page reloads, as for a socket closed with 4401 (its view would
    # send a real visitor to log in), once: the reloaded page's 401 meets the glue's reload guard
    # and it stays refused. It reloaded itself on every load, for as long as the tab was open.
    loads = []
    page.on("request", lambda request: request.resource_type == "document" and loads.append(1))

    def unauthorized(route):
        if is_join(route.request):
            route.fulfill(status=401, content_type="text/html", body="Log in again")
        else:
            route.continue_()

    page.route(re.compile(r"/live/http/$"), unauthorized)
    page.goto("/counter/")
    wait_until(page, lambda: len(loads) == 2, message="the refused page did not reload")
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    page.wait_for_timeout(1_500)  # a loop reloaded within 0.2 s
    assert len(loads) == 2, "one reload, then the page stays refused"
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")


# Counts the events elements ask hx-ws to send, heard first (on window, as they are captured).
WATCH_SENDS = """() => {
  window.asked = 0;
  addEventListener("htmx:ws:before:message:outgoing", () => window.asked++, true);
}"""


def test_a_page_whose_pushes_are_refused_settles_its_hooks_push_events_as_a_refused_socket(page):
    # The push stream is refused (403) while a hook's pushEvent() waits for its reply: the
    # promise rejects as on a page whose socket closed with 4403 ("connection lost"), and one
    # called afterwards rejects at once ("not connected"), as there. Neither waits for good.
    streams = []

    def held(route):
        streams.append(route)
        if len(streams) > 1:  # the page asks no more once refused; just in case
            route.fulfill(status=403, content_type="text/html", body="Forbidden")

    page.route(re.compile(r"/live/http/push/"), held)
    hooked_on_http(page)
    clicks = []
    page.route(
        re.compile(r"/live/http/$"),
        lambda route: (
            clicks.append(route) if is_event("click")(route.request) else route.continue_()
        ),
    )
    page.evaluate(
        """() => { window.waiting = window.probe.pushEvent("click", { by: 1 })
          .then(() => "resolved", (e) => e.code ?? e.message); }"""
    )
    wait_until(page, lambda: clicks, message="the hook's event was not sent")
    streams[0].fulfill(status=403, content_type="text/html", body="Forbidden")
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    outcome = page.evaluate(
        """() => Promise.race([
          window.waiting, new Promise((resolve) => setTimeout(resolve, 5000, "never settled")),
        ])"""
    )
    assert outcome == "live_views: connection lost"
    assert push_event_outcome(page) == "live_views: not connected"
    clicks[0].continue_()  # its late answer changes nothing
    expect(page.locator("body")).to_have_attribute("data-live-state", "refused")


def test_a_frame_the_server_never_answers_settles_its_push_event_and_loading(page, server):
    hooked_on_http(page)
    server.stop()
    try:
        assert push_event_outcome(page) == "no_reply"
        assert_loading_cleared(page, "no_reply")
    finally:
        server.start()


def test_after_a_restart_a_patched_page_on_http_keeps_its_query(page, server):
    on_http(page, "/market/")
    page.click("#next")
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator("#page-number")).to_have_text("Page 3 of 5")

    server.stop()  # the page's instance is gone: the next frame mounts it again from its token
    server.start()
    page.locator(".buy").first.click()
    expect(page.locator(".flash")).to_have_count(1)
    # The page the address bar shows, not the token's first page.
    expect(page.locator("#page-number")).to_have_text("Page 3 of 5")
    page.click("#next")
    expect(page).to_have_url(re.compile(r"/market/\?page=4$"))
    expect(page.locator("#page-number")).to_have_text("Page 4 of 5")


def test_a_patch_link_on_http_shows_its_query_and_back_returns(page):
    on_http(page, "/market/?page=3")
    page.evaluate("window.__marker = 1")
    page.click("#first")
    expect(page).to_have_url(re.compile(r"/market/\?page=1$"))
    expect(page.locator("#page-number")).to_have_text("Page 1 of 5")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/market/\?page=3$"))
    expect(page.locator("#page-number")).to_have_text("Page 3 of 5")
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_pages_left_one_after_another_give_back_their_places(new_context):
    # Each page on HTTP takes one of the session's MAX_CONNECTIONS_PER_SESSION places (20 in the
    # demo). A page that is left (closed, reloaded, followed by a link) used to keep it until it
    # idled out, 90 s later: a visitor clicking through more than 20 live pages in that time
    # had every further page refused (429, "too many connections for one session").
    context = new_context()
    for _ in range(21):
        left = context.new_page()
        on_http(left, "/counter/")
        left.close(run_before_unload=True)
    page = context.new_page()
    on_http(page, "/counter/")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")


def join_without_a_tab(context, path):
    """A page joined over HTTP, as its tab would: it takes one of its owner's places under
    MAX_CONNECTIONS_PER_SESSION until the returned leave() (None: the join was refused 429).
    Twenty tabs would not do: each holds a push stream, and Chromium opens six connections to
    a host."""
    html = context.request.get(path).text()
    token = unquote(re.search(r'hx-ws:connect="[^"]*[?&]t=([^"&]+)', html).group(1))
    csrf = re.search(r'data-live-csrf="([^"]+)"', html).group(1)
    http = re.search(r'data-live-http="([^"]+)"', html).group(1)
    headers = {"HX-Request": "true", "X-CSRFToken": csrf}
    frame = '{"join": {"blocks": {}}}'
    answer = context.request.post(http, form={"token": token, "frame": frame}, headers=headers)
    if answer.status == 429:
        assert "refused_4429" in answer.text()
        return None
    assert answer.status == 200, answer.text()
    return lambda: context.request.post(f"{http}leave/", form={"token": token}, headers=headers)


def test_a_page_over_its_user_s_connections_shows_refused(new_context):
    # A join over MAX_CONNECTIONS_PER_SESSION (20 in the demo) is answered 429 (refused_4429),
    # where a socket would be closed with 4429: the page shows "refused", as it would there. It
    # used to stay "connected", so a [data-live-state=refused] banner never showed. Logged in,
    # the pages count against the user (the other tests' pages count against the address).
    context = new_context()
    logged_in = context.new_page()
    log_in(logged_in)  # its /private/ page, live on HTTP, holds one of the user's places
    leaves = []
    try:
        while (leave := join_without_a_tab(context, "/counter/")) is not None:
            leaves.append(leave)
            assert len(leaves) <= 20
        page = context.new_page()
        page.goto("/counter/")
        expect(page.locator(ON_HTTP)).to_have_count(1)
        expect(page.locator("body")).to_have_attribute("data-live-state", "refused")
    finally:
        for leave in leaves:
            assert leave().status == 204


def is_join(request):
    if request.method != "POST" or not request.url.endswith("/live/http/"):
        return False
    return "join" in json.loads(parse_qs(request.post_data or "")["frame"][0])


def page_named(request):
    """The path of the page an HTTP transport request is for, read from the token it sends (not
    verified: only which page it names)."""
    payload = parse_qs(request.post_data or "").get("token", [""])[0].split(":")[0]
    data = b64_decode(payload.lstrip(".").encode())
    return json.loads(zlib.decompress(data) if payload.startswith(".") else data)["p"]


def watch_joins(page, path=None):
    """The requests by which the page joins over HTTP from now on, in a list that grows; with
    ``path``, only that page's. A page the test has left may join late: log_in()'s /private/,
    on a loaded machine, joined as /counter/ began to load, and counted as a second join."""
    joins = []

    def watched(request):
        if is_join(request) and (path is None or page_named(request) == path):
            joins.append(request)

    page.on("request", watched)
    return joins


def test_a_page_on_http_shows_the_server_away_and_back_and_tells_its_hooks(page, server):
    page.add_init_script(QUICK_SOCKET_RETRY)
    hooked_on_http(page)
    page.evaluate(
        """() => {
          window.lifecycle = [];
          liveViews.hooks.Probe.disconnected = () => lifecycle.push("disconnected");
          liveViews.hooks.Probe.reconnected = () => lifecycle.push("reconnected");
        }"""
    )
    body = page.locator("body")
    server.stop()
    try:
        expect(body).to_have_attribute("data-live-state", "disconnected")
        # The page asks again and again whether the server is back; the hooks are told once.
        for _ in range(2):
            page.wait_for_event(
                "requestfailed", lambda request: "/live/http/push/" in request.url, timeout=20_000
            )
        assert page.evaluate("lifecycle") == ["disconnected"]
        expect(body).to_have_attribute("data-live-state", "disconnected")
    finally:
        server.start()
    expect(body).to_have_attribute("data-live-state", "connected", timeout=20_000)
    page.wait_for_function("lifecycle.length === 2")
    assert page.evaluate("lifecycle") == ["disconnected", "reconnected"]
    assert push_event_outcome(page) == "resolved"  # live again
    if not isinstance(server, WsgiServer | RunserverServer):
        # Its socket is tried again (it cannot open here): the page goes on over HTTP, without
        # joining again, and shows and tells nothing of it.
        joins = watch_joins(page)
        page.wait_for_event("websocket", timeout=20_000)
        page.wait_for_timeout(500)  # the socket was refused, and the page went on over HTTP
        assert joins == []
        expect(body).to_have_attribute("data-live-state", "connected")
        expect(body).to_have_attribute("data-live-transport", "http")
        assert page.evaluate("lifecycle") == ["disconnected", "reconnected"]
        assert push_event_outcome(page) == "resolved"


def test_a_page_on_http_works_again_once_the_server_answers(page, server):
    # A frame the server did not answer used to end the page on TRANSPORT = "http" (gunicorn,
    # runserver): the socket was tried, which never dials there, and nothing went to HTTP again.
    # Its join answered first: a page whose first join got no answer is the test below (a
    # loaded machine stopped the server before it, and the page stayed "connected" then).
    with page.expect_response(lambda response: is_join(response.request)):
        on_http(page, "/counter/")
    server.stop()
    try:
        page.click("#plus-two")  # no answer: not counted, and the button is not left busy
        expect(page.locator("#plus-two")).not_to_have_class(re.compile("live-loading"))
        expect(page.locator("body")).to_have_attribute("data-live-state", "disconnected")
    finally:
        server.start()
    page.click("#plus-two")  # the page joins again first (the server answers), then sends it
    expect(page.locator("#count")).to_have_text("2")
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("4")


def test_a_page_whose_server_is_gone_before_it_joined_shows_it_and_joins_once_it_is_back(
    page, server
):
    # The server stops as the page is about to join over HTTP (its socket refused, or none on
    # TRANSPORT = "http"). The HTTP transport's script comes as a CDN or the browser's cache
    # would serve it, not from the stopped server. The page stayed "connected": its join that
    # got no answer was taken for a socket a proxy refuses, which falls back to HTTP unsaid.
    # Then it showed "connected" (and told live:connected) as it sent that join, before any
    # answer, and "disconnected" once it got none.
    page.add_init_script(RECORD_STATES)
    held = []
    page.route(HTTP_BUNDLE, lambda route: held.append(route))
    page.goto("/counter/", wait_until="domcontentloaded")  # "load" waits for the held script
    wait_until(page, lambda: held, message="the HTTP transport's script was not asked for")
    bundle = page.request.get(held[0].request.url).body()
    body = page.locator("body")
    server.stop()
    try:
        held[0].fulfill(body=bundle, content_type="text/javascript")
        expect(body).to_have_attribute("data-live-state", "disconnected")
        assert shown_and_told(page) == (["disconnected"], ["live:disconnected"])
        # It asks again and again whether the server is back; its scripts are told once.
        for _ in range(2):
            page.wait_for_event(
                "requestfailed", lambda request: "/live/http/push/" in request.url, timeout=20_000
            )
        expect(body).to_have_attribute("data-live-state", "disconnected")
        assert page.evaluate("window.seen").count("live:disconnected") == 1
    finally:
        server.start()
    expect(body).to_have_attribute("data-live-state", "connected", timeout=20_000)
    page.click("#plus-two")
    expect(page.locator("#count")).to_have_text("2")
    # Told it is back, once, and connected only then.
    assert shown_and_told(page) == (
        ["disconnected", "connected"],
        ["live:disconnected", "live:connected"],
    )


def is_event(name):
    """A frame of event ``name`` posted to the HTTP transport's route."""

    def matches(request):
        if request.method != "POST" or not request.url.endswith("/live/http/"):
            return False
        return json.loads(parse_qs(request.post_data or "")["frame"][0]).get("event") == name

    return matches


def keep_note(page, note):
    page.fill("#note-form input[name=note]", note)
    page.click("#note-form button")


def test_a_visitor_without_a_session_keeps_a_note_then_logs_in_over_http(context, page):
    # The note is the visitor's first session: the event's answer sets its cookie, so the
    # browser's other tabs see it (it used to stay in the page's own copy). The page's token was
    # made for no session, and its next event goes on in that session.
    on_http(page, "/live-login/")
    keep_note(page, "before any session")
    expect(page.locator("#note")).to_have_text("Note in your session: before any session")
    other_tab = context.new_page()
    other_tab.goto("/live-login/")
    expect(other_tab.locator("#note")).to_have_text("Note in your session: before any session")
    other_tab.close()
    keep_note(page, "kept across the login")
    expect(page.locator("#note")).to_have_text("Note in your session: kept across the login")
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#account")).to_have_text("Logged in as demo.")
    expect(page.locator("#note")).to_have_text("Note in your session: kept across the login")
    expect(page.locator(ON_HTTP)).to_have_count(1)


def confirm_password(page):
    """Confirm the password on /live-login/: login() again, which renews the CSRF token."""
    with page.expect_response(is_event_answer("confirm_password")) as answer:
        page.fill("#confirm-form input[name=password]", "demo")
        page.click("#confirm-form button")
    expect(page.locator("#confirmed")).to_contain_text("Password confirmed at")
    return answer.value


def is_event_answer(name):
    sent = is_event(name)
    return lambda response: sent(response.request)


def test_after_a_login_renews_the_csrf_token_the_pages_next_events_send_the_new_one(page):
    log_in(page)
    on_http(page, "/live-login/")
    shown = page.evaluate("document.body.dataset.liveCsrf")
    cookie = csrf_cookie(page)

    renewed = confirm_password(page).headers.get("x-live-csrf")

    assert renewed
    assert renewed != shown
    rotated = csrf_cookie(page)
    assert rotated != cookie
    with page.expect_request(is_event("keep_note")) as sent:
        keep_note(page, "after the confirmation")
    assert sent.value.headers["x-csrftoken"] == renewed  # the token the header gave the page
    expect(page.locator("#note")).to_have_text("Note in your session: after the confirmation")
    with page.expect_request(is_event("keep_note")) as sent_next:
        keep_note(page, "and the next")
    assert sent_next.value.headers["x-csrftoken"] == renewed
    expect(page.locator("#note")).to_have_text("Note in your session: and the next")
    expect(page.locator("body")).to_have_attribute("data-live-state", "connected")
    assert csrf_cookie(page) == rotated  # not handed back to the one before the login


def csrf_cookie(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_a_page_that_missed_the_renewed_token_would_be_refused_by_the_csrf_check(page):
    # The test above needs the header: the same answer without it (the page's JS keeps the
    # token it had) leaves the page's next event to Django's CSRF check, which refuses it.
    def without_the_header(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "x-live-csrf"}
        route.fulfill(response=response, headers=headers)

    log_in(page)
    on_http(page, "/live-login/")
    page.route(re.compile(r"/live/http/$"), without_the_header)
    confirm_password(page)
    page.unroute(re.compile(r"/live/http/$"))
    with page.expect_response(is_event_answer("keep_note")) as refused:
        keep_note(page, "never kept")
    assert refused.value.status == 403
    expect(page.locator("#note")).not_to_contain_text("never kept")
