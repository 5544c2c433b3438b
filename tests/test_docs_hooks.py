"""The README's hooks example (section "JavaScript hooks, events both ways, and moving between
live pages") runs against the real consumer: its pushes, reply, title and polling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site


@pytest.fixture
def readme_sales_site(tmp_path) -> Iterator[None]:
    with readme_site(
        tmp_path,
        templates={"sales.html": EXAMPLES["sales/templates/sales.html"]},
        modules={"readme_sales_views": EXAMPLES["sales/views.py"]},
        routes=lambda m: [path("sales/", m["readme_sales_views"].SalesView.as_view())],
    ):
        yield


def test_readme_sales_page_pushes_replies_retitles_and_polls(readme_sales_site):
    assert 'data-live-hook="Chart"' in LiveClient().get("/sales/").content.decode()
    with LiveClient().live("/sales/") as page:
        assert page.frames[0]["every"] == {"tick": 5.0}

        frame = page.send("sell", amount=2)

        assert frame["reply"] == {"sold": 2}
        assert frame["push"] == [["sales:point", {"sold": 2}]]
        assert frame["title"] == "2 sold"
        assert "2 sold" in page.block("total")
        assert page.send("tick")["push"] == [["sales:point", {"sold": 2}]]
