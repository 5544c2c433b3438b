"""A live page's history in the test client, as the browser moves through it: Back, Forward, and
a click on a ``data-live-patch`` link. The entries are the page's screen's (``screen.py``); the
query an entry shows, or a link asks for, goes to the server as the bundled JS sends it, in a
``params`` frame."""

from __future__ import annotations

from typing import Any


def search_of(url: str) -> str:
    """``location.search`` of ``url``: its query with the "?", or "" for none."""
    query = url.partition("?")[2]
    return f"?{query}" if query else ""


class AsyncHistory:
    """``back()``, ``forward()`` and ``follow_patch()`` of ``AsyncLivePage``."""

    async def back(self) -> dict[str, Any]:
        """Go back one history entry (the browser's Back button) and wait for the reply."""
        page: Any = self
        return await _show(page, page.step_history(-1))

    async def forward(self) -> dict[str, Any]:
        """Go forward one history entry and wait for the reply."""
        page: Any = self
        return await _show(page, page.step_history(1))

    async def follow_patch(self, href: str) -> dict[str, Any]:
        """Click ``<a href="…" data-live-patch>`` and wait for the reply: the page renders its
        query, and its ``patch`` adds the history entry, as a handler's ``live_patch()`` does;
        a query the view refuses is the ``patch_refused`` error, the page as it was. ``{}``
        for the query shown: nothing is sent."""
        page: Any = self
        search = page.patch_search(href)
        if search is None:
            return {}
        reply: dict[str, Any] = await page.ask({"params": search, "patch": True})
        return reply


async def _show(page: Any, url: str) -> dict[str, Any]:
    reply: dict[str, Any] = await page.ask({"params": search_of(url)}, until_reload=True)
    return reply


class History:
    """The same for the sync ``LivePage``, on its async twin."""

    def back(self) -> dict[str, Any]:
        page: Any = self
        return dict(page.run(page._page.back()))

    def forward(self) -> dict[str, Any]:
        page: Any = self
        return dict(page.run(page._page.forward()))

    def follow_patch(self, href: str) -> dict[str, Any]:
        page: Any = self
        return dict(page.run(page._page.follow_patch(href)))
