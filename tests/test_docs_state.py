"""The README's examples for connection life (page state) and loading states, run for real."""

from __future__ import annotations

import sys

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import clear_url_caches, path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, _module


@pytest.fixture
def readme_state_site(tmp_path):
    (tmp_path / "counter.html").write_text(EXAMPLES["counter/templates/counter.html"])
    views = _module("readme_state_views", EXAMPLES["page-state/views.py"])
    urls = _module("readme_state_urls", "")
    urls.urlpatterns = [path("counter/", views.CounterView.as_view())]
    templates = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}
    ]
    with override_settings(ROOT_URLCONF="readme_state_urls", TEMPLATES=templates):
        clear_url_caches()
        yield
    clear_url_caches()
    for name in ("readme_state_views", "readme_state_urls"):
        sys.modules.pop(name, None)


def test_readme_page_state_counter_keeps_its_count_across_a_reconnect(readme_state_site):
    client = LiveClient()
    with client.live("/counter/") as page:
        page.send("increment", amount=2)
        page.reconnect()
        assert "<p>2</p>" in page.block("counter")
        page.send("increment")
        assert "<p>3</p>" in page.block("counter")
        assert page.errors == []
    client.close()


def test_readme_live_disable_form_renders_an_event_form_marked_to_disable():
    html = Template("{% load live_views %}" + EXAMPLES["live-disable.html"]).render(Context())
    assert html.startswith('<form data-live-disable hx-ws:send data-live-event="add">')
    assert "<button>Add</button>" in html
