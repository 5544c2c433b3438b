"""With DEBUG on, a page that cannot go live says why: in the server log and the browser console."""

from __future__ import annotations

import logging

import pytest
from asgiref.sync import async_to_sync
from django.template import Context, Template
from django.test import override_settings
from django.urls import include, path

from live_views import LiveTemplateView, live_event
from live_views.render.debug_hints import missing_tags, reset_live_forms

PAGES = {
    "complete.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
        "{% liveblock a %}1{% endliveblock %}"
        '<form data-live-reset {% live_on "add" %}><input name="title"></form></body></html>'
    ),
    "reset_live_form.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
        '<form method="post" {% live_form %} data-live-reset></form></body></html>'
    ),
    "no_connect.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body>"
        "{% liveblock a %}1{% endliveblock %}</body></html>"
    ),
    "no_scripts.html": (
        "{% load live_views %}<html><head></head><body {% live_connect %}>"
        '<button {% live_on "go" %}>go</button></body></html>'
    ),
    "not_live.html": "<html><body>plain</body></html>",
    "clickable_div.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
        '{% liveblock a %}<div {% live_on "open" %}>Open</div>{% endliveblock %}</body></html>'
    ),
    "shared_ids.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
        '{% liveblock a %}<input id="id_title"><input id="id_title">{% endliveblock %}'
        '<template><p id="tip"></p></template><p id="tip"></p></body></html>'
    ),
    "no_blocks.html": (
        "{% load live_views %}<html><head>{% live_scripts %}</head><body {% live_connect %}>"
        '<p>{{ view.count }}</p><button {% live_on "increment" %}>+1</button></body></html>'
    ),
}


class CounterWithoutBlocks(LiveTemplateView):
    template_name = "no_blocks.html"
    count = 0

    @live_event
    def increment(self) -> None:
        self.count += 1


class CounterWithABlock(CounterWithoutBlocks):
    template_name = "complete.html"


page_patterns = [
    path(f"{name.removesuffix('.html')}/", LiveTemplateView.as_view(template_name=name))
    for name in PAGES
]
page_patterns += [
    path("counter_without_blocks/", CounterWithoutBlocks.as_view()),
    path("counter_with_a_block/", CounterWithABlock.as_view()),
]
# The library's routes included: the HTTP transport is there to fall back on, whatever serves
# the page (the test client's requests are WSGI requests).
urlpatterns = [*page_patterns, path("", include("live_views.urls"))]


class WithoutLiveRoutes:
    urlpatterns = page_patterns


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [("django.template.loaders.locmem.Loader", PAGES)],
            "context_processors": ["django.template.context_processors.request"],
        },
    }
]


@pytest.fixture
def pages():
    with override_settings(ROOT_URLCONF=__name__, TEMPLATES=TEMPLATES, DEBUG=True):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "missing"),
    [("no_connect", "{% live_connect %}"), ("no_scripts", "{% live_scripts %}")],
)
def test_a_page_missing_a_tag_says_so_in_the_log_and_the_console(
    client, pages, caplog, page, missing
):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get(f"/{page}/").content.decode()
    assert f"/{page}/" in caplog.text
    assert f"no {missing}" in caplog.text
    console = html[html.rindex("<script>") :]
    assert console.startswith("<script>console.error(")
    assert missing in console


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["complete", "not_live"])
def test_a_complete_or_plain_page_says_nothing(client, pages, caplog, page):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get(f"/{page}/").content.decode()
    assert caplog.text == ""
    assert "console.error" not in html.replace("if(!window.htmx)console.error", "")


WSGI_HINT = "is served by a WSGI server (manage.py runserver without daphne?)"


@pytest.mark.django_db
def test_a_page_served_by_wsgi_with_no_http_transport_says_how_to_go_live(client, pages, caplog):
    # A newcomer with 'channels' instead of 'daphne' in INSTALLED_APPS: runserver is Django's
    # WSGI server, the socket gets a 404, and the page sat at "disconnected" without a word.
    with override_settings(ROOT_URLCONF=WithoutLiveRoutes), caplog.at_level(logging.WARNING):
        html = client.get("/complete/").content.decode()
    assert WSGI_HINT in caplog.text
    assert "Put 'daphne' first in INSTALLED_APPS" in caplog.text
    assert 'include(\\"live_views.urls\\")' in html[html.rindex("<script>") :]


@pytest.mark.django_db
def test_a_page_served_by_asgi_or_able_to_fall_back_says_nothing_of_wsgi(
    client, async_client, pages, caplog
):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        client.get("/complete/")  # live_views.urls included: the HTTP transport takes over
        with override_settings(ROOT_URLCONF=WithoutLiveRoutes):
            async_to_sync(async_client.get)("/complete/")  # ASGI: the socket opens
            client.get("/not_live/")
    assert WSGI_HINT not in caplog.text


@pytest.mark.django_db
def test_without_debug_nothing_is_added(client, pages, caplog):
    with override_settings(DEBUG=False), caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get("/no_connect/").content.decode()
    assert caplog.text == ""
    assert "console.error" not in html


@pytest.mark.django_db
def test_a_live_form_marked_data_live_reset_says_that_it_is_ignored(client, pages, caplog):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get("/reset_live_form/").content.decode()
    assert "/reset_live_form/" in caplog.text
    assert "marked data-live-reset, which a live form ignores" in caplog.text
    assert "self.reset_form() in form_valid()" in caplog.text  # the fix it names
    console = html[html.rindex("<script>") :]
    assert console.startswith("<script>console.warn(")
    assert "data-live-reset" in console


def test_reset_live_forms_counts_only_live_forms():
    assert reset_live_forms('<form hx-ws:send data-live-event="add" data-live-reset>') == 0
    assert reset_live_forms('<FORM data-live-reset\n method="post" data-live-form>') == 1
    assert reset_live_forms("<form data-live-form><input data-live-reset></form>") == 0


def test_missing_tags_needs_a_live_mark():
    assert missing_tags("<body>nothing live</body>") == []
    assert len(missing_tags('<div id="lv-a" data-lv-v="1">')) == 2


def render_scripts(**context) -> str:
    return Template("{% load live_views %}{% live_scripts %}").render(Context(context))


def test_with_debug_live_scripts_checks_that_the_script_loaded():
    with override_settings(DEBUG=True):
        html = render_scripts(csp_nonce="n0nce")
    assert '<script nonce="n0nce">addEventListener("DOMContentLoaded"' in html
    assert "live_views.min.js did not load" in html
    assert "ServeStatic or WhiteNoise" in html


def test_without_debug_live_scripts_is_only_the_script():
    assert "DOMContentLoaded" not in render_scripts()


BLOCKLESS = "shows no {% liveblock %}: its live events run, but nothing on it re-renders"


@pytest.mark.django_db
def test_a_page_with_live_events_and_no_liveblock_says_nothing_will_re_render(pages, caplog):
    # A first page: the click ran increment() on the server, and nothing changed or was said.
    from live_views.testing import LiveClient

    client = LiveClient()
    with caplog.at_level(logging.WARNING, logger="live_views"):
        with client.live("/counter_without_blocks/") as page:
            page.send("increment")
        with client.live("/counter_without_blocks/"):
            pass  # said once per view class, not per page
        with client.live("/counter_with_a_block/"):
            pass
    client.close()
    said = [r.getMessage() for r in caplog.records if BLOCKLESS in r.getMessage()]
    assert said == [
        "live_views: the page of tests.test_debug_hints.CounterWithoutBlocks "
        + BLOCKLESS
        + " (only liveblocks do). Wrap what they change in {% liveblock name %}…"
        "{% endliveblock %}."
    ]


def test_a_live_on_clicked_on_an_element_a_keyboard_cannot_press_is_named():
    from live_views.render.debug_hints import keyboardless_events

    html = (
        '<div class="card" hx-ws:send data-live-event="open" data-live-args="{}">'
        '<button hx-ws:send data-live-event="save">'
        '<a href="?page=2" hx-ws:send data-live-event="goto">'
        '<a hx-ws:send data-live-event="more">'
        '<p hx-trigger="intersect" hx-ws:send data-live-event="load_more">'
        '<li tabindex="0" role="button" hx-trigger="click, keyup[key==\'Enter\']" '
        'hx-ws:send data-live-event="pick">'
        '<form hx-ws:send data-live-event="add"><input hx-ws:send data-live-event="filter">'
        '<date-picker hx-ws:send data-live-event="pick_date">'
    )
    assert keyboardless_events(html) == ['<div> ("open")', '<a> ("more")']


def test_an_element_each_row_repeats_is_named_once():
    # A todo list's twenty rows each had a <span> ("edit"): the console named it three times
    # and stopped there, never reaching the <div> after them.
    from live_views.render.debug_hints import keyboardless_events

    row = '<span hx-trigger="dblclick" hx-ws:send data-live-event="edit">'
    html = row * 20 + '<div hx-ws:send data-live-event="open">'
    assert keyboardless_events(html) == ['<span> ("edit")', '<div> ("open")']


def test_a_key_in_a_single_quoted_trigger_is_the_pages_choice():
    # Single quotes hold a trigger whose filter quotes a key with double ones: it was not read,
    # and the element was named as if it had no trigger of its own.
    from live_views.render.debug_hints import keyboardless_events

    html = (
        '<li tabindex="0" role="button" hx-trigger=\'click, keyup[key=="Enter"]\' '
        'hx-ws:send data-live-event="pick">'
        "<p hx-trigger='intersect once' hx-ws:send data-live-event=\"more\">"
    )
    assert keyboardless_events(html) == []


@pytest.mark.django_db
def test_a_page_with_a_clickable_div_says_to_use_a_button(client, pages, caplog):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get("/clickable_div/").content.decode()
    assert '{% live_on %} on <div> ("open")' in caplog.text
    assert 'Use a <button type=\\"button\\">' in html[html.rindex("<script>") :]


def test_ids_several_elements_share_are_named_once_each():
    from live_views.render.debug_hints import shared_ids

    html = (
        '<input id="id_title"><input id=\'id_title\'><label for="id_title">'
        '<p data-id="x"><p id="x"><template><p id="x"></template><script>"<b id="x">"</script>'
        '<p ID="id_title">'
    )
    assert shared_ids(html) == [("id_title", 3)]


@pytest.mark.django_db
def test_a_page_with_ids_several_elements_share_says_to_make_them_unique(client, pages, caplog):
    with caplog.at_level(logging.WARNING, logger="live_views"):
        html = client.get("/shared_ids/").content.decode()
    assert 'ids that several elements share: "id_title" (2 elements).' in caplog.text
    assert '"tip"' not in caplog.text  # the one in a <template> is no element of the page
    assert "Make each id unique" in html[html.rindex("<script>") :]


def test_a_large_inline_script_is_read_in_one_pass():
    # Each "<" of a script's "a<b" was scanned on to the page's end in search of the tag's
    # data-live-event: 220 KB of such a script made every DEBUG page load take two minutes.
    import time

    from live_views.render.debug_hints import keyboardless_events

    html = "<script>" + "a<b;" * 20000 + '</script><div hx-ws:send data-live-event="x">'
    started = time.perf_counter()
    assert keyboardless_events(html) == ['<div> ("x")']
    assert time.perf_counter() - started < 2  # 16 s before
