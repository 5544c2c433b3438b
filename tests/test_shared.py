"""socket/shared.py: a view with ``live_shared_render = True`` renders a broadcast refresh once for
every page that shows the same URL and state, as an anonymous visitor sees it; each page's access
checks still run with its own user, once per user."""

from __future__ import annotations

import asyncio
import html as html_lib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import AsyncClient, override_settings

from live_views.socket import batch, pacing
from live_views.testing import AsyncLiveClient, AsyncLivePage
from tests.todoapp import shared_views
from tests.todoapp.models import Board, Task

pytestmark = pytest.mark.urls("tests.shared_urls")


@pytest.fixture
async def opened(live_db: None) -> AsyncIterator[list[AsyncLivePage]]:
    shared_views.GETS.clear()
    shared_views.CHECKS.clear()
    shared_views.DENIED.clear()
    pages: list[AsyncLivePage] = []
    yield pages
    for page in pages:
        await page.close()


async def open_pages(
    pages: list[AsyncLivePage], path: str, count: int, user: Any = None
) -> list[AsyncLivePage]:
    """``count`` pages, each in its own browser (its own session)."""
    new = []
    for _ in range(count):
        client = AsyncLiveClient(timeout=10)
        if user is not None:
            await client.http.aforce_login(user)
        new.append(await client.live(path))
    pages.extend(new)
    return new


def csrf_token(page: AsyncLivePage) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.block("vote"))
    assert found is not None, page.block("vote")
    return found.group(1)


async def add_task(title: str) -> None:
    board = await Board.objects.aget_or_create(name="home")
    await Task.objects.acreate(board=board[0], title=title)


async def make_user(name: str) -> Any:
    return await sync_to_async(get_user_model().objects.create_user)(name, password="pw")


async def test_a_broadcast_renders_a_shared_page_once_for_all_its_viewers(opened):
    pages = await open_pages(opened, "/shared/board/", 12)
    shared_views.GETS.clear()

    await add_task("shared news")
    for page in pages:
        await page.wait_for_update()

    assert len(shared_views.GETS) == 1  # one get() for twelve pages
    for page in pages:
        assert "<li>shared news</li>" in page.block("tasks")


async def test_a_page_that_is_not_shared_renders_once_per_page(opened):
    pages = await open_pages(opened, "/shared/per-user/", 5)
    shared_views.GETS.clear()

    await add_task("own news")
    for page in pages:
        await page.wait_for_update()

    assert len(shared_views.GETS) == 5


async def test_the_shared_render_is_what_an_anonymous_visitor_sees(opened):
    alice = await make_user("alice")
    (page,) = await open_pages(opened, "/shared/board/", 1, user=alice)
    assert page.block("viewer") == "alice"  # the page load and the mount are hers

    await add_task("for everyone")
    await page.wait_for_update()

    # The refresh was rendered for nobody in particular: no user's data can leak through it.
    assert page.block("viewer") == "anonymous"
    assert shared_views.GETS[-1] == "anonymous"


async def test_pages_of_other_sites_render_apart(opened):
    # One process serving two sites (tenants, or the sites framework, by host): the render made
    # for one site's page must not reach the other's.
    pages = {}
    for host in ("testserver", "localhost"):
        client = AsyncLiveClient(timeout=10, origin=f"http://{host}")
        html = (await client.http.get("/shared/board/", HTTP_HOST=host)).content.decode()
        url = html_lib.unescape(re.search(r'hx-ws:connect="([^"]+)"', html)[1])
        headers = [(b"host", host.encode()), (b"origin", client.origin.encode())]
        page = await client.open_socket(url, html, headers=headers)
        await page.join()
        opened.append(page)
        pages[host] = page
    shared_views.GETS.clear()

    await add_task("news of each site")
    for host, page in pages.items():
        await page.wait_for_update()
        assert page.block("site") == host
    assert len(shared_views.GETS) == 2  # once per site


async def test_pages_with_other_state_render_apart(opened):
    first, second = await open_pages(opened, "/shared/board/", 2)
    await add_task("one")
    await add_task("two")
    for page in (first, second):
        while "two" not in page.block("tasks"):
            await page.wait_for_update()
    await second.send("show", limit=1)
    shared_views.GETS.clear()

    await add_task("three")
    await first.wait_for_update()
    # The second page shows no change, so no frame says when its render ran: the hub may tell
    # it after the first page's slice was sent.
    async with asyncio.timeout(10):
        while len(shared_views.GETS) < 2:
            await asyncio.sleep(0.01)

    assert len(shared_views.GETS) == 2  # limit=100 and limit=1 are two renders
    assert "<li>three</li>" in first.block("tasks")
    assert "three" not in second.block("tasks")  # its own state: only the first task


async def test_access_is_checked_once_per_user_and_a_refused_user_reloads(opened):
    alice, bob = await make_user("alice"), await make_user("bob")
    alices = await open_pages(opened, "/shared/guarded/", 3, user=alice)
    (bobs,) = await open_pages(opened, "/shared/guarded/", 1, user=bob)
    shared_views.CHECKS.clear()
    shared_views.DENIED.add("bob")

    await add_task("secret plan")
    for page in alices:
        await page.wait_for_update()
    frame = await bobs.receive(timeout=10)

    assert sorted(shared_views.CHECKS) == ["alice", "bob"]  # once each, not once per page
    assert frame == {"reload": True}  # bob lost access: his page reloads to show why
    assert "secret plan" not in bobs.block("tasks")
    for page in alices:
        assert "<li>secret plan</li>" in page.block("tasks")


async def test_a_shared_refresh_runs_the_middleware_once_per_visitor_not_per_page(opened):
    middleware = [*settings.MIDDLEWARE, "tests.todoapp.shared_views.CountingMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        client = AsyncLiveClient(timeout=10)
        pages = [await client.live("/shared/board/") for _ in range(4)]  # one browser, 4 tabs
        opened.extend(pages)
        shared_views.MIDDLEWARE_RUNS.clear()

        await add_task("one visitor")
        frames = [await page.wait_for_update() for page in pages]

        assert shared_views.MIDDLEWARE_RUNS == ["/shared/board/"]  # once, for four pages
        for page in pages:
            assert "<li>one visitor</li>" in page.block("tasks")
        assert all(frame == frames[0] for frame in frames)  # one frame, sent to each


async def test_one_save_renders_once_while_the_hub_tells_its_pages_over_many_turns(
    opened, monkeypatch
):
    # The hub gives the loop a turn after every page it tells (EVERY = 0), and each turn at the
    # worker thread refreshes one page (SLICE): slices run while the hub still tells the rest,
    # as with a thousand pages in a server. Each page told used to count as a newer save.
    monkeypatch.setattr(pacing, "EVERY", 0.0)
    monkeypatch.setattr(batch, "SLICE", 1e-9)
    pages = await open_pages(opened, "/shared/board/", 6)
    shared_views.GETS.clear()

    await add_task("told over many turns")
    for page in pages:
        await page.wait_for_update()
        assert "<li>told over many turns</li>" in page.block("tasks")

    assert len(shared_views.GETS) == 1


async def test_a_burst_split_over_many_turns_at_the_thread_still_renders_once(opened, monkeypatch):
    monkeypatch.setattr(batch, "SLICE", 1e-9)  # every turn at the worker thread refreshes one page
    pages = await open_pages(opened, "/shared/board/", 6)
    shared_views.GETS.clear()

    await add_task("one render")
    for page in pages:
        await page.wait_for_update()

    assert len(shared_views.GETS) == 1
    await add_task("then another")  # a refresh asked for after that render: a new one
    for page in pages:
        await page.wait_for_update()
        assert "<li>then another</li>" in page.block("tasks")
    assert len(shared_views.GETS) == 2


@pytest.mark.parametrize("path", ["/shared/vote/", "/shared/component-vote/"])
async def test_each_page_of_a_shared_render_gets_its_own_browsers_csrf_token(opened, path):
    # In the page's own liveblock, and in a live component's template it shows.
    alice, bob = await make_user("alice"), await make_user("bob")
    pages = []
    for user in (alice, bob):  # two browsers, each with its own CSRF cookie
        client = AsyncLiveClient(AsyncClient(enforce_csrf_checks=True), timeout=10)
        await client.http.aforce_login(user)
        pages.append(await client.live(path))
    opened.extend(pages)

    await add_task("a vote")
    for page in pages:
        while "a vote" not in page.block("tasks"):
            await page.wait_for_update()

    tokens = [csrf_token(page) for page in pages]
    for page, token in zip(pages, tokens, strict=True):
        # The form the refresh sent posts as its own browser's, not as the first visitor's.
        response = await page.http.post("/shared/voted/", {"csrfmiddlewaretoken": token})
        assert response.status_code == 200


async def test_each_page_of_a_shared_render_gets_its_own_csp_nonce(opened):
    # A page's nonce is what lets a script run in it: another visitor's must never reach it (it
    # would not run there, and that visitor would know a nonce of someone else's page).
    middleware = [*settings.MIDDLEWARE, "tests.testapp.navigation_views.NonceMiddleware"]
    with override_settings(MIDDLEWARE=middleware):
        pages = await open_pages(opened, "/shared/script/", 3)
        nonces = [re.search(r'data-live-root[^>]*? nonce="([^"]+)"', p.html)[1] for p in pages]
        assert len(set(nonces)) == 3

        await add_task("a script")
        for page, nonce in zip(pages, nonces, strict=True):
            while "window.tasks = 1;" not in page.block("script"):
                await page.wait_for_update()
            assert re.findall(r'<script nonce="([^"]*)">', page.block("script")) == [nonce]
