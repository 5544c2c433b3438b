"""The README's targeted-render example runs: one cell of a long table, one small reply."""

from __future__ import annotations

import re

import pytest
from django.urls import path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site

BLOCK_ID_RE = re.compile(r'\sid="(lv-[^"]+)"')


@pytest.fixture
def readme_scores_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={"scores.html": EXAMPLES["live-target/templates/scores.html"]},
        modules={"readme_scores_views": EXAMPLES["live-target/views.py"]},
        routes=lambda m: [path("scores/", m["readme_scores_views"].ScoresView.as_view())],
    ):
        yield


def test_readme_scores_send_one_cell_of_two_thousand_rows(readme_scores_site):
    client = LiveClient()
    with client.live("/scores/") as page:
        reply = page.send("bump", row=1_999)

        assert BLOCK_ID_RE.findall(reply["content"]) == ["lv-row-1999"]
        assert page.block("row", 1_999) == "1"
        assert len(reply["content"]) < 120
    client.close()
