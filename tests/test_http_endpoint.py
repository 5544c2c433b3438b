"""The HTTP transport's frame route (live_views/http/endpoint.py) through Django's test client:
the same token, access checks, pipeline, CSRF, limits and page state as the socket, and a
refusal that changes nothing."""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client

from live_views.every import Every
from live_views.http.pages import close_all, open_pages
from live_views.socket.limits import open_connections
from live_views.socket.refusal_log import BURST, EVERY
from live_views.testing import close_thread_db_connections
from live_views.testing.uploads import page_token
from tests.live_helpers import until

URL = "/live/http/"
HTMX = {"HX-Request": "true"}
FORM_ENCODED = "application/x-www-form-urlencoded"


pytestmark = pytest.mark.usefixtures("no_http_pages")


class Page:
    """A page loaded by ``http`` and the frames it sends over HTTP."""

    def __init__(self, http: Client, path: str) -> None:
        self.http = http
        response = http.get(path)
        assert response.status_code == 200
        self.html = response.content.decode()
        self.token = page_token(self.html)
        self.csrf = html_lib.unescape(re.search(r'data-live-csrf="([^"]+)"', self.html)[1])
        self.ref = 0
        query = path.partition("?")[2]
        self.search = f"?{query}" if query else ""  # location.search, as http.js sends it

    def send(self, frame: dict, *, token: str | None = None, headers: dict | None = None):
        # As the browser writes it: JSON.stringify() leaves non-ASCII text as it is, and htmx
        # posts it form-encoded (the test client would send multipart/form-data).
        text = json.dumps(frame, ensure_ascii=False)
        data = {
            "token": self.token if token is None else token,
            "frame": text,
            "search": self.search,
        }
        sent = {**HTMX, "X-CSRFToken": self.csrf, **(headers or {})}
        body = urlencode(data)
        response = self.http.post(URL, body, FORM_ENCODED, headers=sent)
        # A handler renewed the CSRF secret: the glue sends the page's new token from then on.
        self.csrf = response.headers.get("X-Live-Csrf", self.csrf)
        return response

    def join(self):
        return self.send({"join": {"version": "", "blocks": {}}})

    def event(self, name: str, **args):
        self.ref += 1
        reply = self.send({"event": name, "args": args, "form": {}, "ref": self.ref})
        patch = frame_of(reply).get("patch")
        if patch is not None:  # the address bar follows, as the glue's history.pushState()
            self.search = patch["search"]
        return reply


def shown(response) -> str:
    return response.content.decode()


def frame_of(response) -> dict:
    found = re.search(
        r'<script id="live-frame" type="application/json">(.*?)</script>', shown(response)
    )
    return json.loads(found[1]) if found else {}


def test_the_root_tells_the_js_its_transport_route_and_csrf_token(http_browser):
    page = Page(http_browser, "/counter/")
    assert 'data-live-transport="websocket"' in page.html
    assert 'data-live-http="/live/http/"' in page.html
    assert page.csrf


def test_the_setting_starts_the_page_on_http(http_browser, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "TRANSPORT": "http"}
    html = Page(http_browser, "/counter/").html
    assert 'data-live-transport="http"' in html
    assert 'hx-trigger="live:socket"' in html  # hx-ws never dials


def test_an_event_answers_with_the_changed_blocks_as_out_of_band_swaps(http_browser):
    page = Page(http_browser, "/counter/")
    joined = page.join()
    assert joined.status_code == 200
    assert joined["HX-Reswap"] == "none"
    assert frame_of(joined)["joined"] is True
    reply = page.event("increment", amount=2)
    assert reply.status_code == 200
    assert "hx-swap-oob" in shown(reply)
    assert '<p id="count">2</p>' in shown(reply)
    assert frame_of(reply)["ref"] == 1
    # The page's instance lives on between requests, as on a socket.
    assert '<p id="count">5</p>' in shown(page.event("increment", amount=3))
    assert open_pages() == 1


def test_a_page_this_process_does_not_hold_is_mounted_again_from_its_token(http_browser):
    page = Page(http_browser, "/counter/")
    page.join()
    page.event("increment", amount=2)
    close_all()  # another worker, a restart: the plain attribute is gone, as on a reconnect
    assert '<p id="count">2</p>' in shown(page.event("increment", amount=2))


@pytest.mark.urls("tests.state_urls")
def test_a_page_two_workers_answer_in_turn_keeps_its_live_state(http_browser, monkeypatch):
    from live_views.http import pages

    page = Page(http_browser, "/state/counter/")
    page.join()
    page.event("increment", amount=1)  # worker A
    worker_a = pages._pages
    monkeypatch.setattr(pages, "_pages", {})  # worker B, which does not hold the page
    assert '<p id="count">2</p>' in shown(page.event("increment", amount=1))
    pages.close_all()  # B's copy: its place under the cap is this test process's
    monkeypatch.setattr(pages, "_pages", worker_a)  # worker A again, its copy one event behind
    reply = page.event("increment", amount=1)
    # The state worker B saved, and all the blocks: the browser shows what B rendered.
    assert '<p id="count">3</p>' in shown(reply)
    assert 'id="lv-notes"' in shown(reply)


def test_a_page_mounted_again_renders_the_query_its_address_bar_shows(http_browser):
    page = Page(http_browser, "/catalog/")
    page.join()
    page.event("search", q="e")
    page.event("goto", page=2)
    assert page.search == "?q=e&page=2"
    close_all()  # another worker, a restart: the page mounts again from its token ("/catalog/")
    reply = shown(page.event("save", text="Saved"))
    assert '<p id="page">page 2 of 3</p>' in reply  # not page 1 of all the fruits
    assert frame_of(page.event("goto", page=3))["patch"]["search"] == "?q=e&page=3"


def test_a_page_mounted_again_for_a_query_its_view_refuses_reloads(http_browser):
    page = Page(http_browser, "/catalog/")
    page.join()
    close_all()
    page.search = "?secret=1"  # Back, or a patch, to a query the view now refuses
    reply = page.event("save")
    assert reply["HX-Refresh"] == "true"  # the browser loads the URL and sees Django's answer


def test_a_frame_without_the_csrf_token_is_refused_by_django(http_browser):
    page = Page(http_browser, "/counter/")
    response = page.send({"join": {"version": "", "blocks": {}}}, headers={"X-CSRFToken": "x"})
    assert response.status_code == 403
    assert open_pages() == 0


def test_a_cross_origin_frame_is_refused(http_browser):
    page = Page(http_browser, "/counter/")
    response = page.send(
        {"join": {"version": "", "blocks": {}}}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert open_pages() == 0


def test_a_tampered_token_is_refused(http_browser):
    page = Page(http_browser, "/counter/")
    response = page.send({"join": {"version": "", "blocks": {}}}, token=page.token[:-2] + "xx")
    assert response.status_code == 400
    assert "connect token is not valid" in frame_of(response)["error"]["message"]
    assert open_pages() == 0


def test_another_users_token_is_refused(http_browser, live_db):
    User.objects.create_user("ann", password="pw")
    page = Page(http_browser, "/counter/")
    other = Client(enforce_csrf_checks=True)
    other.login(username="ann", password="pw")
    stranger = Page(other, "/counter/")
    response = stranger.send({"join": {"version": "", "blocks": {}}}, token=page.token)
    assert response.status_code == 403
    assert "another session" in frame_of(response)["error"]["message"]
    assert open_pages() == 0


def test_an_unknown_event_and_a_method_that_is_not_an_event_change_nothing(http_browser):
    page = Page(http_browser, "/counter/")
    page.join()
    for name in ("launch", "not_an_event", "__init__"):
        response = page.event(name)
        assert response.status_code == 400
        assert frame_of(response)["error"]["code"] == "unknown_event"
    assert '<p id="count">2</p>' in shown(page.event("increment", amount=2))


def test_refused_frames_write_a_bounded_number_of_log_lines(http_browser, settings, clock, caplog):
    # As a socket's (test_limits.py): a client sending bad frames by the thousand over HTTP
    # wrote a log line for each.
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "EVENT_RATE": None}
    page = Page(http_browser, "/counter/")
    page.join()
    with caplog.at_level(logging.WARNING, logger="live_views"):
        for _ in range(50):
            assert page.event("launch").status_code == 400
        assert len([r for r in caplog.records if "refused" in r.getMessage()]) == BURST
        clock.advance(EVERY)
        page.event("launch")
    last = [r for r in caplog.records if "refused" in r.getMessage()][-1].getMessage()
    assert f"({50 - BURST} more refused frames of this page were not logged)" in last
    assert '<p id="count">1</p>' in shown(page.event("increment"))


def test_a_bad_argument_is_refused_before_the_handler_runs(http_browser):
    page = Page(http_browser, "/counter/")
    page.join()
    response = page.event("increment", amount="lots")
    assert response.status_code == 400
    assert frame_of(response)["error"]["code"] == "bad_arguments"


def test_an_oversized_body_is_refused_before_it_is_read(http_browser, settings):
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "MAX_FRAME_BYTES": 1024}
    page = Page(http_browser, "/counter/")
    # Over what the largest frame, form-encoded, and the token could be: not read at all.
    response = page.event("increment", padding="x" * 20_000)
    assert response.status_code == 413
    # Under that, the frame itself is measured once decoded.
    assert page.event("increment", padding="x" * 6000).status_code == 413
    assert open_pages() == 0


def test_a_frame_under_the_limit_is_taken_however_much_form_encoding_grows_it(http_browser):
    page = Page(http_browser, "/echo/")
    page.join()
    # 24 KB of UTF-8, well under MAX_FRAME_BYTES (64 KB); form-encoded, each byte is "%D0" or
    # "%B6": 72 KB. The socket takes this frame; so must HTTP.
    text = "ж" * 12_000
    reply = page.event("say", text=text)
    assert reply.status_code == 200
    assert text in shown(reply)


def test_a_malformed_frame_is_refused_before_the_page_mounts(http_browser):
    page = Page(http_browser, "/counter/")
    body = urlencode({"token": page.token, "frame": '{"event": "increment", "args":'})
    sent = {**HTMX, "X-CSRFToken": page.csrf}
    response = http_browser.post(URL, body, FORM_ENCODED, headers=sent)
    assert response.status_code == 400
    assert frame_of(response)["error"]["code"] == "bad_frame"
    # Nothing changed: no view mounted, no place taken under MAX_CONNECTIONS_PER_SESSION.
    assert open_pages() == 0
    assert open_connections("address:127.0.0.1") == 0


def test_a_request_that_is_not_htmx_is_refused(http_browser):
    page = Page(http_browser, "/counter/")
    response = page.send({"join": {"version": "", "blocks": {}}}, headers={"HX-Request": ""})
    assert response.status_code == 400


def test_a_failing_handler_is_rolled_back_and_reported_without_internals(http_browser):
    http_browser.raise_request_exception = False  # the answer is what a browser gets
    page = Page(http_browser, "/counter/")
    page.join()
    page.event("increment", amount=2)
    error = frame_of(page.event("explode"))["error"]
    assert error["code"] == "server_error"
    assert "secret" not in error["message"]
    assert '<p id="count">4</p>' in shown(page.event("increment", amount=2))


def test_a_handler_that_raises_permission_denied_is_refused_by_name(http_browser):
    page = Page(http_browser, "/echo/?text=before")
    page.join()
    response = page.event("refuse", reason="not yours")
    assert response.status_code == 200  # a refused event, as on the socket: the page goes on
    assert frame_of(response)["error"]["code"] == "forbidden"
    assert '<p id="echo-text">BEFORE</p>' in shown(page.event("shout"))  # rolled back


def test_events_over_the_rate_are_refused(http_browser, settings, clock):
    # The clock fixture holds time and the worker's CPU clock still: a slow first render would
    # otherwise be charged as extra tokens, and a slow machine would refill the bucket.
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "EVENT_RATE": 1, "EVENT_BURST": 3}
    page = Page(http_browser, "/counter/")
    statuses = [page.event("increment").status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_the_frame_after_heavy_work_waits_for_the_budget_instead_of_being_refused(
    http_browser, settings, clock, costly
):
    # A click right after a password check (or any event whose server time spent the budget)
    # is handled once the rate has paid for it, not refused: the user's input is not lost.
    settings.LIVE_VIEWS = {**settings.LIVE_VIEWS, "EVENT_RATE": 1, "EVENT_BURST": 3}
    page = Page(http_browser, "/counter/")
    page.join()  # one token
    costly(0.050)  # from here, each frame's work: five tokens
    assert page.event("increment").status_code == 200  # on the last two tokens, into debt (-3)
    after = page.event("increment", amount=2)
    assert after.status_code == 200
    assert clock.waits == [pytest.approx(4.0)]  # the debt and its own token, at one a second
    assert '<p id="count">3</p>' in shown(after)
    refused = page.event("increment")  # that frame waited: its own work earns the next none
    assert refused.status_code == 429
    assert frame_of(refused)["error"]["code"] == "rate_limited"
    clock.advance(5)  # the debt (-4) paid and a token
    assert '<p id="count">4</p>' in shown(page.event("increment"))
    assert len(clock.waits) == 1


def test_the_views_access_checks_run_for_an_http_page(http_browser, live_db):
    User.objects.create_user("ann", password="pw")
    http_browser.login(username="ann", password="pw")
    page = Page(http_browser, "/private/")
    http_browser.logout()  # the session ended: the page reloads, and the view asks to log in
    response = page.join()
    assert response.status_code in (401, 403)
    assert open_pages() == 0


def test_an_idle_page_is_dropped_and_mounted_again_when_it_comes_back(http_browser, monkeypatch):
    from live_views.http import pages
    from live_views.http.idle import IdleWatch
    from live_views.socket.limits import open_connections

    # Dropped by another page's request, not by the pages' idle watches (the next test's). With
    # IDLE_AFTER at 0 a watch drops its page from a pool thread at any moment: the new page's
    # while the test counts; the first page's, if its watch was armed late (the loop's thread
    # waiting for a core on a busy machine), whose place the test then counted before that
    # thread let go of it (2 connections, seen on two xdist workers).
    monkeypatch.setattr(IdleWatch, "start", lambda self: None)
    page = Page(http_browser, "/counter/")
    page.join()
    assert open_pages() == 1
    monkeypatch.setattr(pages, "IDLE_AFTER", 0.0)
    monkeypatch.setattr(pages, "_sweeps", Every(0.0))
    Page(http_browser, "/counter/").join()  # another page's request sweeps the idle one
    assert open_pages() == 1
    assert open_connections("address:127.0.0.1") == 1  # its place under the cap is free
    assert '<p id="count">2</p>' in shown(page.event("increment", amount=2))


def test_an_idle_page_is_dropped_though_no_other_request_comes(http_browser, monkeypatch):
    from live_views.http import pages

    monkeypatch.setattr(pages, "IDLE_AFTER", 0.2)
    page = Page(http_browser, "/counter/")
    page.join()
    assert open_pages() == 1
    # The tab closed, and nothing else reaches this process on HTTP (its other pages are on
    # their sockets): the page lets go of its place under the cap, its topics and its renders.
    until(lambda: open_pages() == 0, "the page idled out")
    assert open_connections("address:127.0.0.1") == 0


# -- what a frame carries besides blocks, over HTTP ----------------------------------------------


def test_push_events_title_and_a_reply_ride_the_replys_frame(http_browser):
    page = Page(http_browser, "/effects/")
    page.join()
    frame = frame_of(page.event("add", amount=2))
    assert ["chart:data", [1, 2.5, None, "x"]] in frame["push"]
    assert frame["reply"] == {"count": 2}
    frame = frame_of(page.event("retitle", title="New <title>"))
    assert frame["title"] == "New <title>"
    assert frame["focus"] == "#name"


def test_live_patch_rides_the_frame_and_back_forward_is_a_frame_too(http_browser):
    page = Page(http_browser, "/catalog/")
    page.join()
    reply = page.event("search", q="an")
    assert frame_of(reply)["patch"] == {"search": "?q=an", "replace": False}
    back = page.send({"params": "", "ref": 99})
    assert back.status_code == 200
    assert frame_of(back)["ref"] == 99


def test_a_patch_links_frame_is_answered_as_a_live_patch_over_http(http_browser):
    page = Page(http_browser, "/catalog/")
    page.join()
    link = frame_of(page.send({"params": "?page=2", "patch": True, "ref": 5}))
    assert link["patch"] == {"search": "?page=2", "replace": False}
    assert link["ref"] == 5
    refused = frame_of(page.send({"params": "?secret=1", "patch": True, "ref": 6}))
    assert refused["error"]["code"] == "patch_refused"
    assert "patch" not in refused
    assert "reload" not in refused


def test_a_redirect_is_htmxs_own_redirect_and_messages_wait_for_the_next_page(http_browser):
    User.objects.create_user("ann", password="pw")
    http_browser.login(username="ann", password="pw")  # messages live in the session
    page = Page(http_browser, "/catalog/")
    page.join()
    shown_live = page.event("save", text="Saved live")
    assert "Saved live" in shown(shown_live)  # a message the page's liveblock shows at once
    response = page.event("save_and_leave")
    assert response["HX-Redirect"] == "/plain/"
    assert "Saved, now elsewhere" in http_browser.get("/quiet/").content.decode()


def in_thread(pool: ThreadPoolExecutor, request: Callable[..., Any], *args: Any) -> Future[Any]:
    """Send ``request`` from another thread, as a browser's second connection would. Django's
    test client keeps that thread's database connection open (it unhooks close_old_connections
    from request_finished), so the thread closes it: PostgreSQL will not drop the test database
    while a connection to it is open."""

    def run() -> Any:
        try:
            return request(*args)
        finally:
            close_thread_db_connections()

    return pool.submit(run)
