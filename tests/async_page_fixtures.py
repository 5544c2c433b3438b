"""Async live pages that a test opens and that close after it: the ``pages`` fixture, and the
helpers that open one and wait for what it shows (test_hub.py, test_topic_keys.py,
test_topic_inheritance.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from live_views.testing import AsyncLiveClient, AsyncLivePage

WAIT = 5.0  # seconds a page is given to open, or to show what a test waits for


@pytest.fixture
async def pages(live_db: None) -> AsyncIterator[list[AsyncLivePage]]:
    opened: list[AsyncLivePage] = []
    yield opened
    for page in opened:
        await page.close()


async def open_page(pages: list[AsyncLivePage], path: str) -> AsyncLivePage:
    page = await AsyncLiveClient(timeout=WAIT).live(path)
    pages.append(page)
    return page


async def until(page: AsyncLivePage, shows: Callable[[], bool], what: str) -> None:
    try:
        async with asyncio.timeout(WAIT):
            while not shows():
                await page.wait_for_update()
    except TimeoutError:
        pytest.fail(f"the page never showed {what}; it shows: {page.html}")
