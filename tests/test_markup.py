from __future__ import annotations

import datetime
import html
import json
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory, override_settings
from django.urls import get_script_prefix, set_script_prefix
from django.views.generic import TemplateView

from live_views import LiveTemplateView, __version__
from live_views.connect.tokens import read_connect_token
from live_views.render.markup import connect_attributes, event_attributes, script_tags
from live_views.render.pruning import render_liveblocks

SCRIPT_URL = "/static/live_views/live_views.min.js"


class PageView(LiveTemplateView):
    template_name = "testapp/unit/base.html"


def render(source: str, context: dict[str, Any] | None = None, request: Any = None) -> str:
    return engines["django"].from_string("{% load live_views %}" + source).render(context, request)


def live_args(markup: str) -> Any:
    match = re.search(r'data-live-args="([^"]*)"', markup)
    assert match is not None, markup
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture
def script_prefix():
    previous = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(previous)


def page_request(path: str = "/page/?tab=2", user: Any = None) -> Any:
    request = RequestFactory().get(path)
    SessionMiddleware(lambda request: HttpResponse()).process_request(request)
    request.user = user or AnonymousUser()
    return request


def live_view(request: Any) -> PageView:
    view = PageView()
    view.setup(request)
    return view


# -- {% live_on %} -----------------------------------------------------------------------------


def test_live_on_without_arguments_names_only_the_event():
    assert render('{% live_on "increment" %}') == 'hx-ws:send data-live-event="increment"'


def test_live_on_with_arguments_adds_them_as_json():
    assert render('{% live_on "increment" amount=2 %}') == (
        'hx-ws:send data-live-event="increment" data-live-args="{&quot;amount&quot;:2}"'
    )


def test_live_on_resolves_argument_variables_in_order():
    markup = render('{% live_on "move" row=row.pk to="top" %}', {"row": {"pk": 7}})
    assert live_args(markup) == {"row": 7, "to": "top"}
    assert list(live_args(markup)) == ["row", "to"]


@pytest.mark.parametrize(
    "text", ["</script><script>alert(1)</script>", 'say "hi"', "it's", "a & b", "<!--", "\u2028"]
)
def test_live_on_escapes_arguments_so_they_cannot_leave_the_attribute(text):
    markup = render('<button {% live_on "say" text=text %}>', {"text": text})
    assert markup.count('"') == 4  # the two attributes' own quotes, nothing else
    assert "<script>" not in markup
    assert "</script>" not in markup
    assert "'" not in markup
    assert live_args(markup) == {"text": text}


def test_live_on_with_a_row_says_to_pass_its_key():
    # A reference walk-through: a bare "Object of type Task is not JSON serializable", naming
    # neither the tag nor the argument.
    user = User(pk=3, username="ann")
    with pytest.raises(TypeError) as caught:
        render('{% live_on "greet" who=user when=1 %}', {"user": user})
    assert str(caught.value) == (
        "{% live_on \"greet\" %}: the argument 'who' is a User, which the browser cannot send "
        "back as JSON. Pass its key (who=user.pk): a handler argument typed User is looked up "
        "from it."
    )


@pytest.mark.parametrize("value", [object(), float("nan")])
def test_live_on_with_a_value_json_cannot_carry_names_the_argument(value):
    with pytest.raises(TypeError, match=r"the argument 'odd' is a (object|float), which the"):
        render('{% live_on "save" odd=odd %}', {"odd": value})


def test_live_on_escapes_an_event_name_from_a_variable():
    markup = render("{% live_on name %}", {"name": 'x" onclick="alert(1)'})
    assert markup == 'hx-ws:send data-live-event="x&quot; onclick=&quot;alert(1)"'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2024, 1, 2), "2024-01-02"),
        (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), "2024-01-02T03:04:05Z"),
        (datetime.time(13, 45), "13:45:00"),
        (Decimal("1.50"), "1.50"),
        (
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            "12345678-1234-5678-1234-567812345678",
        ),
        (None, None),
        (True, True),
        (1.5, 1.5),
        ([1, "a"], [1, "a"]),
    ],
)
def test_live_on_encodes_django_values_as_json(value, expected):
    assert live_args(render('{% live_on "pick" value=value %}', {"value": value})) == {
        "value": expected
    }


def test_event_attributes_matches_the_tag():
    args = {"day": datetime.date(2024, 1, 2), "n": 1}
    assert render('{% live_on "pick" day=day n=1 %}', {"day": args["day"]}) == (
        event_attributes("pick", args)
    )


def test_event_attributes_leaves_out_empty_arguments():
    assert "data-live-args" not in event_attributes("save", {})


@pytest.mark.parametrize("name", ['"bad name"', "'_private'", '"1st"', '"a-b"', '""', '"x'])
def test_live_on_refuses_an_invalid_literal_event_name_at_parse_time(name):
    with pytest.raises(TemplateSyntaxError):
        render(f"{{% live_on {name} %}}")


def test_live_on_names_the_invalid_event_name():
    with pytest.raises(TemplateSyntaxError, match="'bad name' is not a valid event name"):
        render('{% live_on "bad name" %}')


def test_live_on_needs_an_event_name():
    with pytest.raises(TemplateSyntaxError, match="needs an event name"):
        render("{% live_on %}")


@pytest.mark.parametrize("extra", ["2", "amount", "=2", "1x=2"])
def test_live_on_refuses_arguments_that_are_not_name_value_pairs(extra):
    with pytest.raises(TemplateSyntaxError, match="expected name=value"):
        render(f'{{% live_on "increment" {extra} %}}')


def test_live_on_outside_blocks_is_not_rendered_by_live_renders():
    resolved = []

    def spy() -> int:
        resolved.append(True)
        return 1

    tpl = engines["django"].from_string(
        '{% load live_views %}<a {% live_on "go" n=spy %}></a>'
        '{% liveblock b %}<a {% live_on "go" n=spy %}></a>{% endliveblock %}'
    )
    render_liveblocks(tpl.template, {"spy": spy}, None)
    assert len(resolved) == 1


def test_page_tags_outside_blocks_are_not_rendered_by_live_renders():
    tpl = engines["django"].from_string(
        "{% load live_views %}<head>{% live_scripts %}</head><body {% live_connect %}>"
        "{% liveblock b %}B{% endliveblock %}</body>"
    )
    # No view in the context: {% live_connect %} would raise if it ran.
    assert set(render_liveblocks(tpl.template, {}, None).blocks) == {"lv-b"}


# -- {% live_scripts %} ------------------------------------------------------------------------


def test_live_scripts_without_a_nonce():
    assert render("{% live_scripts %}") == f'<script src="{SCRIPT_URL}" defer></script>'


def test_live_scripts_uses_the_csp_nonce_of_the_context():
    assert render("{% live_scripts %}", {"csp_nonce": "abc123"}) == (
        f'<script src="{SCRIPT_URL}" defer nonce="abc123"></script>'
    )


def test_live_scripts_uses_the_csp_nonce_of_the_request():
    request = RequestFactory().get("/")
    request.csp_nonce = "fromrequest"
    assert 'nonce="fromrequest"' in render("{% live_scripts %}", request=request)


def test_live_scripts_prefers_the_context_nonce_over_the_request_nonce():
    request = RequestFactory().get("/")
    request.csp_nonce = "fromrequest"
    markup = render("{% live_scripts %}", {"csp_nonce": "fromcontext"}, request)
    assert 'nonce="fromcontext"' in markup
    assert "fromrequest" not in markup


def test_live_scripts_escapes_the_nonce():
    markup = script_tags({"csp_nonce": '"><script>'})
    assert "<script>" not in markup.replace("<script src", "")
    assert 'nonce="&quot;&gt;&lt;script&gt;"' in markup


def test_live_scripts_with_an_empty_nonce_writes_no_nonce():
    assert "nonce" not in script_tags({"csp_nonce": ""})


class HashedNames(StaticFilesStorage):
    """As ManifestStaticFilesStorage names files after collectstatic."""

    def url(self, name: str | None) -> str:
        return super().url(name.replace(".min.js", ".min.5eed.js") if name else name)


def test_live_scripts_names_the_parts_a_storage_renames():
    # The glue loaded its parts by their plain names, beside the hashed main script: stale after
    # a deploy, or a 404 where only hashed names are served.
    storages = {"staticfiles": {"BACKEND": f"{__name__}.HashedNames"}}
    with override_settings(STORAGES={**settings.STORAGES, **storages}):
        markup = render("{% live_scripts %}", {"csp_nonce": "n0nce"})
    parts = json.loads(html.unescape(re.search(r'data-live-parts="([^"]+)"', markup)[1]))
    assert parts == {
        f"live_views.{part}.min.js": f"/static/live_views/live_views.{part}.min.5eed.js"
        for part in ("uploads", "hooks", "navigate", "streams", "polling", "http")
    }
    assert markup.startswith('<script src="/static/live_views/live_views.min.5eed.js" defer ')
    assert markup.endswith(' nonce="n0nce"></script>')


def test_live_scripts_says_nothing_of_parts_found_beside_it():
    assert "data-live-parts" not in render("{% live_scripts %}")


class PartsElsewhere(StaticFilesStorage):
    """Keeps the main script's name and moves its parts: a change of storage that only the
    parts' names show."""

    def url(self, name: str | None) -> str:
        if name and name != "live_views/live_views.min.js":
            name = name.replace("live_views/", "moved/")
        return super().url(name)


def test_live_scripts_asks_a_new_storage_where_the_parts_are():
    assert "data-live-parts" not in render("{% live_scripts %}")
    storages = {"staticfiles": {"BACKEND": f"{__name__}.PartsElsewhere"}}
    with override_settings(STORAGES={**settings.STORAGES, **storages}):
        markup = render("{% live_scripts %}")
    assert "/static/moved/live_views.uploads.min.js" in html.unescape(markup)
    assert "data-live-parts" not in render("{% live_scripts %}")


def test_the_script_file_exists():
    from django.contrib.staticfiles import finders

    assert finders.find("live_views/live_views.min.js")


# -- {% live_connect %} ------------------------------------------------------------------------


def test_live_connect_refuses_a_view_that_is_not_live():
    view = TemplateView()
    view.setup(page_request())
    with pytest.raises(ImproperlyConfigured) as excinfo:
        render("<body {% live_connect %}>", {"view": view})
    message = str(excinfo.value)
    assert "{% live_connect %}" in message
    assert "TemplateView" in message
    assert "live_views.LiveViewMixin" in message


def test_live_connect_refuses_a_template_without_a_view():
    with pytest.raises(ImproperlyConfigured, match="found no `view` in the template's context"):
        render("<body {% live_connect %}>")


def test_live_connect_writes_the_root_attributes():
    request = page_request()
    markup = render("{% live_connect %}", {"view": live_view(request)})
    assert re.fullmatch(
        r'hx-ws:connect="/live/ws/\?t=[A-Za-z0-9_.:-]+" data-live-root '
        rf'data-live-version="{re.escape(__version__)}" data-live-state="connecting" '
        r'data-live-transport="websocket" data-live-http="/live/http/" data-live-csrf="\w+"',
        markup,
    )


def test_live_connect_carries_a_valid_token_for_the_page():
    user = User(pk=3, username="ada")
    request = page_request("/page/?tab=2", user=user)
    markup = connect_attributes(live_view(request))
    token = re.search(r"\?t=([^\"]+)", html.unescape(markup)).group(1)
    target = read_connect_token(token, session_key=request.session.session_key, user_pk=user.pk)
    assert (target.path, target.query_string) == ("/page/", "tab=2")


def test_live_connect_honours_the_script_prefix(script_prefix):
    script_prefix("/app/")
    markup = render("{% live_connect %}", {"view": live_view(page_request())})
    assert 'hx-ws:connect="/app/live/ws/?t=' in markup


@pytest.mark.django_db
@override_settings(FORCE_SCRIPT_NAME="/mounted")
def test_a_page_served_under_force_script_name_connects_under_it(script_prefix):
    environ = RequestFactory()._base_environ(PATH_INFO="/counter/", REQUEST_METHOD="GET")
    statuses = []
    body = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert 'hx-ws:connect="/mounted/live/ws/?t=' in body.decode()


def test_live_scripts_adds_the_development_tools_only_with_debug(rf):
    from django.template import Context, Template
    from django.test import override_settings

    template = Template("{% load live_views %}{% live_scripts %}")
    with override_settings(DEBUG=False):
        production = template.render(Context({"request": rf.get("/")}))
    with override_settings(DEBUG=True):
        development = template.render(Context({"request": rf.get("/")}))

    assert "live_views.dev.min.js" not in production
    assert production.count("<script") == 1
    assert "live_views.dev.min.js" in development
    assert development.count(" defer") == 2
