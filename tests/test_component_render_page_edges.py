"""``live_render_page()`` where a component's event is not the plain case: from a component
nested in another, from an async handler (on a live_shared_render page too), called twice in
one event, in ``form_invalid()``, and beside streams (the component's own, the page's)."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.test_component_render_page import VIEWS as NOTES_VIEWS
from tests.test_docs import readme_site

# Loaded after NOTES_VIEWS (as notes_views), whose NotesView lists the notes.
VIEWS = """
from django import forms
from live_views import LiveComponent, LiveFormComponent, live_event
from notes_views import NotesView as ListedNotesView
from tests.todoapp.models import Note

RENDERS = []


class Inner(LiveComponent):
    template_name = "inner.html"

    @live_event
    def add(self, text: str):
        Note.objects.create(text=text)
        self.live_render_page()
        self.live_render_page()


class Outer(LiveComponent):
    template_name = "outer.html"


class AsyncAdd(LiveComponent):
    template_name = "async_add.html"

    @live_event
    async def add(self, text: str):
        from asgiref.sync import sync_to_async
        await sync_to_async(Note.objects.create)(text=text)
        self.live_render_page()


class NoteForm(forms.Form):
    text = forms.CharField(min_length=3)


class FormAdd(LiveFormComponent):
    form_class = NoteForm
    template_name = "form_add.html"

    def form_valid(self, form):
        Note.objects.create(text=form.cleaned_data["text"])
        self.live_render_page()
        self.reset_form()

    def form_invalid(self, form):
        Note.objects.create(text="rejected:" + self.live_form_data.get("text", ""))
        self.live_render_page()


class NotesView(ListedNotesView):
    def get_context_data(self, **kwargs):
        RENDERS.append(1)
        return super().get_context_data(**kwargs)


class SharedNotesView(NotesView):
    live_shared_render = True
"""

PAGE = """{% load live_views %}<!doctype html>
<html><head>{% live_scripts %}</head><body {% live_connect %}>
{% live_component "edge_views.Outer" id="outer" %}
{% live_component "edge_views.AsyncAdd" id="async" %}
{% live_component "edge_views.FormAdd" id="form" %}
{% liveblock notes tag="ul" %}{% for note in object_list %}<li>{{ note.text }}</li>{% endfor %}
{% endliveblock %}
</body></html>"""


@pytest.fixture
def site(tmp_path):
    with readme_site(
        tmp_path,
        templates={
            "notes.html": PAGE,
            "outer.html": '{% load live_views %}{% live_component "edge_views.Inner" id="inner" %}',
            "inner.html": '{% load live_views %}<button {% live_on "add" %}>+</button>',
            "async_add.html": '{% load live_views %}<button {% live_on "add" %}>+</button>',
            "form_add.html": "{% load live_views %}<form {% live_form %}>{{ form.as_div }}</form>",
        },
        modules={"notes_views": NOTES_VIEWS, "edge_views": VIEWS},
        routes=lambda m: [
            path("notes/", m["edge_views"].NotesView.as_view()),
            path("shared/", m["edge_views"].SharedNotesView.as_view()),
        ],
    ) as loaded:
        yield loaded["edge_views"]


def test_a_nested_component_renders_the_page_once_when_it_asks_twice(site, live_db):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/notes/") as page:
        before = len(site.RENDERS)
        frames = len(page.frames)
        inner = page.component("inner")
        inner.send("add", text="Milk")
        assert "<li>Milk</li>" in page.block("notes")
        assert len(site.RENDERS) - before == 1, site.RENDERS
        assert len(page.frames) == frames + 1
        assert page.errors == []
    client.close()


@pytest.mark.parametrize("url", ["/notes/", "/shared/"])
def test_an_async_handler_renders_the_page(site, live_db, url):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live(url) as page:
        page.component("async").send("add", text="Eggs")
        assert "<li>Eggs</li>" in page.block("notes")
        assert page.errors == []
    client.close()


def test_form_invalid_renders_the_page_and_keeps_the_errors_and_the_focus(site, live_db):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/notes/") as page:
        form = page.component("form")
        reply = form.submit("submit", text="ab")
        assert "<li>rejected:ab</li>" in page.block("notes")
        assert "at least 3" in form.html
        assert 'value="ab"' in form.html
        assert "focus" in reply
        form.submit("submit", text="Bread")
        assert "<li>Bread</li>" in page.block("notes")
        assert 'value="Bread"' not in form.html
        assert page.errors == []
    client.close()


STREAM_VIEWS = """
from live_views import LiveComponent, LiveTemplateView, live_event
from tests.todoapp.models import Note


class AddToStream(LiveComponent):
    template_name = "add.html"

    def mount(self):
        self.live_stream("mine", [], key="pk")

    @live_event
    def add(self, text: str):
        note = Note.objects.create(text=text)
        self.live_stream_insert("mine", note)
        self.live_render_page()

    @live_event
    def add_to_page(self, text: str):
        note = Note.objects.create(text=text)
        self.parent.live_stream_insert("notes", note)


class StreamPage(LiveTemplateView):
    template_name = "stream_page.html"
    def get_context_data(self, **kwargs):
        self.live_stream("notes", Note.objects.all())
        return super().get_context_data(total=Note.objects.count(), **kwargs)
"""


@pytest.fixture
def stream_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={
            "stream_page.html": """{% load live_views %}<!doctype html>
<html><head>{% live_scripts %}</head><body {% live_connect %}>
{% live_component "stream_views.AddToStream" id="add" %}
{% live_stream notes as note tag="ul" item_tag="li" %}{{ note.text }}{% endlive_stream %}
{% liveblock total %}{{ total }} notes{% endliveblock %}
</body></html>""",
            "add.html": """{% load live_views %}<button {% live_on "add" %}>+</button>
{% live_stream mine as note tag="ol" item_tag="li" %}{{ note.text }}{% endlive_stream %}""",
        },
        modules={"stream_views": STREAM_VIEWS},
        routes=lambda m: [path("s/", m["stream_views"].StreamPage.as_view())],
    ) as loaded:
        yield loaded["stream_views"]


def test_streams_a_component_that_renders_the_page(stream_site, live_db):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/s/") as page:
        add = page.component("add")
        add.send("add", text="Milk")
        assert page.block("total") == "1 notes"
        assert ">Milk</li>" in add.html
        # The page's stream keeps what the browser shows, as after the page's own event: a
        # row goes into it by live_stream_insert() (through self.parent), not by a render.
        assert page.html.count(">Milk</li>") == 1
        add.send("add_to_page", text="Eggs")
        assert page.html.count(">Eggs</li>") == 1, page.html
        assert page.block("total") == "2 notes"
        assert page.errors == []
    client.close()
