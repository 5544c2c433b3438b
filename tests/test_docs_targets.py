"""The README's targeted-render example runs: one cell of a long table, one small reply."""

from __future__ import annotations

import re
import sys

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, _module

BLOCK_ID_RE = re.compile(r'\sid="(lv-[^"]+)"')


@pytest.fixture
def readme_scores_site(tmp_path):
    (tmp_path / "scores.html").write_text(EXAMPLES["live-target/templates/scores.html"])
    views = _module("readme_scores_views", EXAMPLES["live-target/views.py"])
    urls = _module("readme_scores_urls", "")
    urls.urlpatterns = [path("scores/", views.ScoresView.as_view())]
    templates = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}
    ]
    with override_settings(ROOT_URLCONF="readme_scores_urls", TEMPLATES=templates):
        clear_url_caches()
        yield
    clear_url_caches()
    for name in ("readme_scores_views", "readme_scores_urls"):
        sys.modules.pop(name, None)


def test_readme_scores_send_one_cell_of_two_thousand_rows(readme_scores_site):
    client = LiveClient()
    with client.live("/scores/") as page:
        reply = page.send("bump", row=1_999)

        assert BLOCK_ID_RE.findall(reply["content"]) == ["lv-row-1999"]
        assert page.block("row", 1_999) == "1"
        assert len(reply["content"]) < 120
    client.close()
