"""What reaches a page on the HTTP transport without a socket (live_views/http/pushes.py): a
broadcast refresh and the end of its session, through the push route's long-poll (the test
client is a WSGI request: the hub runs on the background loop), and who may read that route."""

from __future__ import annotations

import asyncio
import contextvars
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import AsyncClient, Client, RequestFactory
from django.urls import include, path

from live_views.http import endpoint, pages, pushes
from live_views.http.pages import open_pages
from tests.live_helpers import until
from tests.test_http_endpoint import Page, in_thread
from tests.todoapp import broadcast_views
from tests.todoapp.models import Board, Task

PUSH = "/live/http/push/"


pytestmark = pytest.mark.usefixtures("no_http_pages")


@pytest.fixture(autouse=True)
def short_polls(monkeypatch) -> None:
    monkeypatch.setattr(endpoint, "LONG_POLL", 5.0)


def poll(page: Page, wait: str | None = None, **headers) -> list[dict]:
    query = {"token": page.token} if wait is None else {"token": page.token, "wait": wait}
    response = page.http.get(PUSH, query, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["frames"]


def test_a_saved_row_reaches_a_page_on_http_by_long_poll(http_browser):
    board = Board.objects.create(name="b")
    page = Page(http_browser, "/todo/tasks/")
    assert page.join().status_code == 200
    started = time.monotonic()
    Task.objects.create(board=board, title="pushed over http")
    frames = poll(page)
    assert time.monotonic() - started < 2.0
    assert any("pushed over http" in frame.get("content", "") for frame in frames)


def test_a_long_poll_with_nothing_to_say_answers_empty_after_its_wait(http_browser, monkeypatch):
    monkeypatch.setattr(endpoint, "LONG_POLL", 0.2)
    page = Page(http_browser, "/counter/")
    page.join()
    assert poll(page) == []


def test_a_page_is_not_idle_while_its_long_poll_waits(http_browser, monkeypatch):
    monkeypatch.setattr(pages, "IDLE_AFTER", 0.2)
    # When the page's idle watch looked (http/idle.py): the test waits for its checks rather
    # than for a time that a slow machine may not have reached them in.
    checked: list[float] = []
    idle_in = pages.HttpPage.idle_in

    def watched(self: pages.HttpPage) -> float | None:
        checked.append(time.monotonic())
        return idle_in(self)

    monkeypatch.setattr(pages.HttpPage, "idle_in", watched)
    board = Board.objects.create(name="b")
    page = Page(http_browser, "/todo/tasks/")
    page.join()
    waiting = in_thread(ThreadPoolExecutor(1), poll, page)
    # The page as the poll found it (mounted again if it idled out before the poll came).
    until(lambda: open_streams() == 1, "the long-poll waits")
    idle_from = time.monotonic() + pages.IDLE_AFTER  # had the poll not held it
    # Two checks past that (or a poll that ended: the page was dropped under it).
    until(lambda: sum(at > idle_from for at in checked) >= 2 or waiting.done(), "two checks")
    assert not waiting.done()
    assert open_pages() == 1
    Task.objects.create(board=board, title="still live")  # the page still hears its topics
    frames = waiting.result(5)
    assert any("still live" in frame.get("content", "") for frame in frames)
    # No request since the long-poll's end: idle IDLE_AFTER later, dropped though none comes.
    until(lambda: open_pages() == 0, "the page idled out")


def open_streams() -> int:
    """The push streams (long-polls) open now, of every HTTP page this process holds."""
    with pages._lock:
        return sum(held.streams for held in pages._pages.values())


def long_polls_begun() -> int:
    """The long-polls that began to wait, ended since or not, of every HTTP page this process
    holds: each opens its page's next outbox reader as it begins, its token and page checked."""
    with pages._lock:
        return sum(held.outbox.reader for held in pages._pages.values())


def test_logging_out_tells_the_page_to_reload(http_browser):
    User.objects.create_user("ann", password="pw")
    http_browser.login(username="ann", password="pw")
    page = Page(http_browser, "/private/")
    page.join()
    waiting = in_thread(ThreadPoolExecutor(1), poll, page)
    until(lambda: long_polls_begun() == 1, "the long-poll waits")
    other_tab = Client()
    other_tab.cookies = http_browser.cookies
    other_tab.post("/logout/")
    assert waiting.result(5) == [{"reload": True}]
    # The next request is refused by the token check itself, and told to reload.
    refused = http_browser.get(PUSH, {"token": page.token})
    assert refused.status_code == 401
    assert refused["HX-Refresh"] == "true"


def test_the_push_route_refuses_another_site(http_browser):
    page = Page(http_browser, "/counter/")
    foreign = page.http.get(PUSH, {"token": page.token}, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    cross = page.http.get(PUSH, {"token": page.token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    # An Origin that is no URL (urlsplit() raises on it) is refused too, not a server error.
    malformed = page.http.get(PUSH, {"token": page.token}, headers={"Origin": "http://[::1"})
    assert malformed.status_code == 403


def test_the_push_route_refuses_a_tampered_or_missing_token(http_browser):
    page = Page(http_browser, "/counter/")
    assert page.http.get(PUSH, {"token": page.token + "x"}).status_code == 400
    assert page.http.get(PUSH).status_code == 400


def test_another_users_browser_cannot_read_a_pages_pushes(http_browser):
    User.objects.create_user("ann", password="pw")
    User.objects.create_user("bob", password="pw")
    http_browser.login(username="ann", password="pw")
    page = Page(http_browser, "/counter/")
    page.join()
    stranger = Client()
    stranger.login(username="bob", password="pw")
    assert stranger.get(PUSH, {"token": page.token}).status_code == 403


def test_a_newer_push_stream_ends_the_one_before_and_gets_its_frames(http_browser):
    # A browser that tries its socket again aborts its long-poll, which WSGI never hears of:
    # it held a thread, took the next frames to a browser that had gone (a broadcast lost),
    # and a page with two held was refused its next stream (429), its pushes late by seconds.
    board = Board.objects.create(name="b")
    page = Page(http_browser, "/todo/tasks/")
    page.join()
    pool = ThreadPoolExecutor(2)
    orphaned = in_thread(pool, poll, page)
    until(lambda: long_polls_begun() == 1, "the first long-poll waits")
    started = time.monotonic()
    current = in_thread(pool, poll, page)
    assert orphaned.result(2) == []  # ended at once, leaving the frames
    assert time.monotonic() - started < 1.5

    Task.objects.create(board=board, title="for the newest stream")
    frames = current.result(6)
    assert any("for the newest stream" in frame.get("content", "") for frame in frames)


def test_asked_with_wait_0_the_push_route_answers_at_once_with_what_waits(http_browser):
    # What a page whose server stopped answering asks until it is back (docs/protocol.md): a
    # long-poll would hold the answer for LONG_POLL seconds when nothing waits.
    board = Board.objects.create(name="b")
    page = Page(http_browser, "/todo/tasks/")
    page.join()
    started = time.monotonic()
    assert poll(page, wait="0") == []
    assert time.monotonic() - started < 2.0
    Task.objects.create(board=board, title="waited for the page")
    # The refresh renders in the hub's thread.
    frames = until(lambda: poll(page, wait="0"), "the refresh's frames", 2.0)
    assert any("waited for the page" in frame.get("content", "") for frame in frames)
    assert poll(page, wait="0") == []  # taken: the next stream does not repeat them


def test_asking_with_wait_0_holds_no_stream(http_browser):
    page = Page(http_browser, "/counter/")
    page.join()
    pool = ThreadPoolExecutor(2)
    waiting = [in_thread(pool, poll, page) for _ in range(2)]
    until(lambda: long_polls_begun() == 2, "both long-polls came to wait")
    assert poll(page, wait="0") == []  # beside the page's two streams
    assert [w.result(6) for w in waiting] == [[], []]


def test_asking_with_wait_0_is_refused_as_the_stream_is(http_browser):
    page = Page(http_browser, "/counter/")
    response = page.http.get(PUSH, {"token": page.token + "x", "wait": "0"})
    assert response.status_code == 400


urlpatterns = [*broadcast_views.urlpatterns, path("", include("live_views.urls"))]


@pytest.mark.urls(__name__)
def test_a_page_whose_user_lost_access_is_told_to_reload(http_browser):
    bob = User.objects.create_user("bob", password="pw")
    board = Board.objects.create(name="shared")
    page = Page(http_browser, f"/todo/guarded/{board.pk}/")
    page.join()
    waiting = in_thread(ThreadPoolExecutor(1), poll, page)
    until(lambda: long_polls_begun() == 1, "the long-poll waits")
    board.owner = bob
    board.save()  # the refresh's access check (UserPassesTestMixin) refuses this visitor now
    assert waiting.result(5) == [{"reload": True}]


@pytest.mark.urls(__name__)
def test_a_page_whose_own_event_takes_its_access_away_is_told_to_reload(http_browser):
    # Its save's broadcast passes it by (its render would show the save): the event runs the
    # checks that refresh would have, and answers as it would, with a reload.
    User.objects.create_user("bob", password="pw")
    board = Board.objects.create(name="shared")
    page = Page(http_browser, f"/todo/giving-guarded/{board.pk}/")
    page.join()
    waiting = in_thread(ThreadPoolExecutor(1), poll, page)
    until(lambda: long_polls_begun() == 1, "the long-poll waits")

    reply = page.event("give_away", username="bob")

    assert reply["HX-Refresh"] == "true"  # the browser loads the URL and sees Django's 403
    assert "shared" not in reply.content.decode()
    # Its save's broadcast was not shown after all: the refresh for it ends the page.
    assert waiting.result(5) == [{"reload": True}]


def test_a_single_threaded_wsgi_server_is_named_once_in_the_log(caplog, monkeypatch):
    # A walk-through on gunicorn's default sync worker: each click waited for another page's
    # long-poll (20 to 38 s), and nothing said why.
    monkeypatch.setattr(endpoint, "_said_single_threaded", False)
    factory = RequestFactory(SERVER_NAME="127.0.0.1")
    threaded = factory.get(PUSH)
    threaded.META["wsgi.multithread"] = True
    single = factory.get(PUSH)
    single.META["wsgi.multithread"] = False
    with caplog.at_level("WARNING", logger="live_views"):
        endpoint.say_if_single_threaded(threaded)
        assert caplog.text == ""
        endpoint.say_if_single_threaded(single)
        endpoint.say_if_single_threaded(single)
    assert caplog.text.count("serves one request at a time") == 1
    assert "--worker-class gthread --threads 8" in caplog.text


async def test_under_asgi_the_push_stream_is_an_asynchronous_one(http_browser):
    # Under ASGI Django serves a stream of a synchronous iterator in a thread, with a Warning
    # ("StreamingHttpResponse must consume synchronous iterators", an error in this suite):
    # WhiteNoise's static files get it under ASGI, the push stream does not
    # (docs/howto/http-transport.md).
    page = await sync_to_async(Page)(http_browser, "/counter/")  # follows no topic
    assert (await sync_to_async(page.join)()).status_code == 200
    browser = AsyncClient()
    browser.cookies = http_browser.cookies
    response = await browser.get(PUSH, {"token": page.token})
    assert response["Content-Type"] == "text/event-stream"
    assert response.is_async
    parts = aiter(response)
    assert await anext(parts) == b": live\n\n"
    await parts.aclose()


REQUEST_MARK: contextvars.ContextVar[str] = contextvars.ContextVar("request_mark", default="")


def test_what_a_page_starts_on_the_hubs_loop_keeps_nothing_of_the_request():
    # The hub's reader and the page's refreshes outlive the request that subscribed the page;
    # started in its context, they kept its context variables (under Django's ASGI handler, its
    # thread-sensitive context, whose worker thread then served every HTTP page's refresh).
    async def mark() -> str:
        await asyncio.sleep(0)
        return REQUEST_MARK.get()

    loop = pushes.hosting_loop()
    REQUEST_MARK.set("the request's")
    assert pushes.run_on(loop, mark()) == ""
    assert pushes.start_on(loop, mark()).result(2) == ""
