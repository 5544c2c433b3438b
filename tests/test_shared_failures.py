"""A shared render that fails fails each page of its visitor with the one exception it raised:
each page's failure keeps the traceback of where it was raised. A review measured 171 frames
by the 40th tab (each raise of the cached exception added its frames to the last), and 370 in
the test, which raised the same object again for each page."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from django.urls import include, path

from live_views.testing import AsyncLiveClient
from tests.todoapp import shared_views
from tests.todoapp.models import Board, Task

FAILING = {"on": False}


class FailingScoreboard(shared_views.Scoreboard):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if FAILING["on"]:
            raise LookupError("the shared render failed")
        return super().get_context_data(**kwargs)


urlpatterns = [path("", include("tests.urls")), path("failing/", FailingScoreboard.as_view())]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("live_db")]


async def test_each_page_of_a_failed_shared_render_gets_its_own_traceback():
    FAILING["on"] = False
    client = AsyncLiveClient(timeout=10)
    pages = [await client.live("/failing/") for _ in range(20)]
    try:
        FAILING["on"] = True
        board, _ = await Board.objects.aget_or_create(name="home")
        await Task.objects.acreate(board=board, title="seen by every page")
        lengths = []
        for page in pages:
            with pytest.raises(LookupError, match="the shared render failed") as caught:
                await page.wait_for_update(timeout=10)
            frames = traceback.extract_tb(caught.value.__traceback__)
            assert frames[-1].name == "get_context_data"
            lengths.append(len(frames))
        assert max(lengths) - min(lengths) <= 2, lengths  # not growing page by page
    finally:
        FAILING["on"] = False
        for page in pages:
            await page.close()
