"""The README's live components example, run for real."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.test_docs import EXAMPLES, _module, readme_site


@pytest.fixture
def readme_components_site(tmp_path):
    page = EXAMPLES["components/templates/steppers.html"].replace(
        "myapp.components.Stepper", "readme_components.Stepper"
    )
    with readme_site(
        tmp_path,
        templates={
            "stepper.html": EXAMPLES["components/templates/stepper.html"],
            "steppers.html": page,
        },
        modules={
            "readme_components": EXAMPLES["components/components.py"],
            "readme_components_views": EXAMPLES["components/views.py"],
        },
        routes=lambda m: [path("steppers/", m["readme_components_views"].SteppersView.as_view())],
        context_processors=["django.template.context_processors.request"],
    ):
        yield


def test_readme_components_test_runs(readme_components_site):
    module = _module("readme_test_steppers", EXAMPLES["components/test_steppers.py"])
    module.test_each_stepper_counts_on_its_own()


def test_readme_components_keep_their_own_state(readme_components_site):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/steppers/") as page:
        b = page.component("b")
        reply = b.send("inc")
        b.send("inc")
        assert "<b>2</b>" in b.html
        assert "<b>5</b>" in page.component("a").html
        assert "Total: 2" in page.block("total")
        assert 'id="lv-total"' in reply["content"]
        assert page.errors == []
    client.close()


ADD_NOTE_PAGE = """{% load live_views %}<!doctype html>
<html><head>{% live_scripts %}</head><body {% live_connect %}>
{% live_component "readme_add_note.AddNote" id="add" %}
</body></html>"""


@pytest.fixture
def readme_add_note_site(tmp_path):
    from live_views import LiveTemplateView

    with readme_site(
        tmp_path,
        templates={
            "add_note.html": EXAMPLES["components/templates/add_note.html"],
            "notes.html": ADD_NOTE_PAGE,
        },
        modules={"readme_add_note": EXAMPLES["components/add_note.py"]},
        routes=lambda m: [path("notes/", LiveTemplateView.as_view(template_name="notes.html"))],
        context_processors=["django.template.context_processors.request"],
    ):
        yield


def test_readme_form_component_adds_resets_and_shows_errors(readme_add_note_site):
    # A component's form_valid() returns nothing: a port that copied the page's
    # `return self.render_to_response(...)` failed each valid submit with an AttributeError.
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/notes/") as page:
        add = page.component("add")
        add.submit("submit", text="")
        assert "This field is required." in add.block("errors")
        add.submit("submit", text="Buy milk")
        assert "<li>Buy milk</li>" in add.block("added")
        assert "This field is required." not in add.block("errors")
        assert 'value="Buy milk"' not in add.html  # the form renders empty again
        assert page.errors == []
    client.close()
