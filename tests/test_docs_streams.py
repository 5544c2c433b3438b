"""The README's stream (infinite scroll) and background-work examples run."""

from __future__ import annotations

import re

import pytest
from django.urls import path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site

ROW_RE = re.compile(r'<li id="lv-s-rows-(\d+)">')


@pytest.fixture
def readme_feed_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={
            "feed.html": EXAMPLES["feed/templates/feed.html"],
            "report.html": EXAMPLES["report/templates/report.html"],
        },
        modules={
            "readme_feed_views": EXAMPLES["feed/views.py"],
            "readme_report_views": EXAMPLES["report/views.py"],
        },
        routes=lambda m: [
            path("feed/", m["readme_feed_views"].FeedView.as_view()),
            path("report/", m["readme_report_views"].ReportView.as_view()),
        ],
    ):
        yield


def test_the_feed_loads_the_next_page_when_its_sentinel_fires(readme_feed_site):
    client = LiveClient()
    html = client.get("/feed/").content.decode()
    assert len(ROW_RE.findall(html)) == 50
    assert 'hx-trigger="intersect"' in html
    with client.live("/feed/") as page:
        sizes = []
        for after in (50, 100, 150):
            reply = page.send("load_more", after=after)
            sizes.append(len(reply["content"]))
            assert f'id="more-{after + 50}"' in page.block("more")
        assert [int(key) for key in ROW_RE.findall(page.html)] == list(range(200))
        # Every page of 50 rows costs the same bytes, however far down the feed.
        assert max(sizes) - min(sizes) <= 50 * 2
        # A sentinel that fires twice loads nothing twice.
        assert "content" not in page.send("load_more", after=150)
        assert len(ROW_RE.findall(page.html)) == 200
    client.close()


def test_the_feed_ends_with_its_last_row(readme_feed_site, monkeypatch):
    module = pytest.importorskip("readme_feed_views")
    monkeypatch.setattr(module, "ROWS", module.ROWS[:120])
    client = LiveClient()
    with client.live("/feed/") as page:
        page.send("load_more", after=50)
        page.send("load_more", after=100)
        assert len(ROW_RE.findall(page.html)) == 120
        assert "Loading" not in page.block("more")
    client.close()


def test_the_report_shows_progress_then_its_result(readme_feed_site):
    client = LiveClient()
    with client.live("/report/") as page:
        page.send("start", year=2026)
        assert "<progress" in page.block("report")
        while "2026: 12 months" not in page.block("report"):
            page.wait_for_update()
        assert any('value="0.' in f.get("content", "") for f in page.frames)
    client.close()
