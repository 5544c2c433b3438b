"""The README's examples for connection life (page state) and loading states, run for real."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import path

from live_views.testing import LiveClient
from tests.test_docs import EXAMPLES, readme_site


@pytest.fixture
def readme_state_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={"counter.html": EXAMPLES["counter/templates/counter.html"]},
        modules={"readme_state_views": EXAMPLES["page-state/views.py"]},
        routes=lambda m: [path("counter/", m["readme_state_views"].CounterView.as_view())],
    ):
        yield


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
