"""A component's handler that saves a row its live page lists asks the page to render too
(``live_render_page()``), with no broadcast to carry the save."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.test_docs import readme_site

VIEWS = """
from live_views import LiveComponent, LiveListView, live_event
from tests.todoapp.models import Note


class QuietAddNote(LiveComponent):
    template_name = "add_note.html"

    @live_event
    def add(self, text: str):
        Note.objects.create(text=text)


class AddNote(QuietAddNote):
    @live_event
    def add(self, text: str):
        super().add(text)
        self.live_render_page()


class NotesView(LiveListView):
    model = Note  # not in the tests' BROADCAST_MODELS: its saves reach no page
    template_name = "notes.html"
"""

PAGE = """{% load live_views %}<!doctype html>
<html><head>{% live_scripts %}</head><body {% live_connect %}>
{% live_component "notes_views.AddNote" id="add" %}
{% live_component "notes_views.QuietAddNote" id="quiet" %}
{% liveblock notes tag="ul" %}{% for note in object_list %}<li>{{ note.text }}</li>{% endfor %}
{% endliveblock %}
</body></html>"""


@pytest.fixture
def notes_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={
            "notes.html": PAGE,
            "add_note.html": '{% load live_views %}<button {% live_on "add" %}>+</button>',
        },
        modules={"notes_views": VIEWS},
        routes=lambda m: [path("notes/", m["notes_views"].NotesView.as_view())],
    ) as loaded:
        yield loaded["notes_views"]


def test_a_component_that_saved_a_row_renders_the_page_that_lists_it(notes_site, live_db):
    # A unicorn port's "add" form component saved the todo, and the list beside it stayed
    # empty until a reload: only the component renders after its own event.
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/notes/") as page:
        page.component("quiet").send("add", text="Bread")
        assert "Bread" not in page.block("notes")
        page.component("add").send("add", text="Milk")
        assert page.block("notes").split() == ["<li>Bread</li><li>Milk</li>"]
        assert page.errors == []
    client.close()
