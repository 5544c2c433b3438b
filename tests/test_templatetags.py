"""live_views/templatetags/live_views.py: the tags' own work, parsing their arguments. What they
write is render/markup.py's (tests/test_markup.py) and render/blocks.py's (tests/test_blocks.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, TemplateSyntaxError
from django.test import RequestFactory
from django.views.generic import TemplateView

from live_views.render.blocks import LiveBlockNode
from live_views.templatetags.live_views import LiveOnNode, register
from tests.testapp.views import CounterView

ENGINE = Engine(libraries={"live_views": "live_views.templatetags.live_views"})


def compile_template(source: str):
    return ENGINE.from_string("{% load live_views %}" + source)


def syntax_error(source: str) -> str:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(source)
    return str(caught.value)


def test_the_library_registers_the_documented_tags():
    documented = {"live_scripts", "live_connect", "live_form", "live_on", "liveblock"}
    assert documented <= set(register.tags)


# -- {% liveblock %} ----------------------------------------------------------------------------


def test_liveblock_parses_name_key_tag_and_class():
    node = compile_template(
        '{% liveblock row key=item.pk|default:0 tag="tr" class=css %}x{% endliveblock %}'
    ).nodelist[-1]
    assert isinstance(node, LiveBlockNode)
    assert (node.name, node.tag) == ("row", "tr")
    assert node.key is not None
    assert node.key.resolve(Context({"item": {"pk": 5}})) == 5
    assert node.key.resolve(Context({"item": {"pk": ""}})) == 0
    assert node.css_class is not None
    assert node.css_class.resolve(Context({"css": "c"})) == "c"


def test_liveblock_defaults_to_a_div_without_key_or_class():
    node = compile_template("{% liveblock b %}x{% endliveblock %}").nodelist[-1]
    assert isinstance(node, LiveBlockNode)
    assert (node.tag, node.key, node.css_class) == ("div", None, None)


@pytest.mark.parametrize("tag", ["{% liveblock %}", "{% liveblock key=item.pk %}"])
def test_liveblock_needs_a_name_and_shows_the_usage(tag):
    message = syntax_error(f"{tag}x{{% endliveblock %}}")
    assert "{% liveblock %} needs a name" in message
    assert '{% liveblock NAME [key=EXPR] [tag="div"] [class="..."] [remove="..."] %}' in message


@pytest.mark.parametrize(
    ("name", "example"),
    [
        ('"row"', "{% liveblock row %}"),
        ("'row'", "{% liveblock row %}"),
        ("1row", "{% liveblock counter %}"),
        ("row-1", "{% liveblock counter %}"),
        ("_row", "{% liveblock counter %}"),
        ("row.x", "{% liveblock counter %}"),
        ("r" * 65, "{% liveblock counter %}"),
    ],
)
def test_liveblock_says_what_is_wrong_with_its_name(name, example):
    # A quoted name, as live_on's event is written, was "needs a name": it had one.
    message = syntax_error(f"{{% liveblock {name} %}}x{{% endliveblock %}}")
    assert message.startswith(f"{{% liveblock {name} %}}: a liveblock's name is a bare word")
    assert f"e.g. {example}." in message
    assert '{% liveblock NAME [key=EXPR] [tag="div"] [class="..."] [remove="..."] %}' in message


def test_liveblock_names_the_unknown_option():
    message = syntax_error('{% liveblock b id="x" style="y" %}x{% endliveblock %}')
    assert "{% liveblock b %}: unknown option 'id'" in message
    assert "usage:" in message


@pytest.mark.parametrize("bit", ["key", "=1", "1key=x", "key:x", "k-y=1"])
def test_liveblock_options_are_name_value_pairs(bit):
    message = syntax_error(f"{{% liveblock b {bit} %}}x{{% endliveblock %}}")
    assert f"{{% liveblock %}}: expected name=value, got {bit!r}." == message


@pytest.mark.parametrize("option", ["tag=name", 'tag="tr"|upper', 'tag="div "', 'tag="hr"'])
def test_liveblock_tag_must_be_a_literal_content_element(option):
    message = syntax_error(f"{{% liveblock b {option} %}}x{{% endliveblock %}}")
    assert "tag must be the literal name of an HTML element" in message
    assert "{% liveblock b %}" in message


def test_liveblock_must_be_closed():
    with pytest.raises(TemplateSyntaxError, match="endliveblock"):
        compile_template("{% liveblock b %}never closed")


# -- {% live_on %} ------------------------------------------------------------------------------


def test_live_on_parses_the_event_and_its_arguments_in_order():
    node = compile_template('{% live_on "increment" amount=2 step=n|add:1 %}').nodelist[-1]
    assert isinstance(node, LiveOnNode)
    assert list(node.args) == ["amount", "step"]
    assert node.render(Context({"n": 1})) == (
        'hx-ws:send data-live-event="increment" data-live-args="{&quot;amount&quot;:2,'
        '&quot;step&quot;:2}"'
    )


def test_live_on_takes_an_event_name_from_a_variable():
    node = compile_template("{% live_on name %}").nodelist[-1]
    assert node.render(Context({"name": "save"})) == 'hx-ws:send data-live-event="save"'


def test_an_unquoted_event_name_that_is_no_variable_says_to_quote_it():
    # It rendered data-live-event="", and a click said only "frame must name an 'event'".
    page = compile_template("{% live_on increment amount=2 %}")
    with pytest.raises(TemplateSyntaxError) as caught:
        page.render(Context({}))
    assert str(caught.value) == (
        "{% live_on increment %}: the template variable 'increment' is empty or not set here, "
        "so there is no event name. To name the event 'increment', quote it: "
        '{% live_on "increment" %}.'
    )


def test_a_variable_that_holds_no_name_is_refused_at_render():
    page = compile_template("{% live_on action.name %}")
    with pytest.raises(TemplateSyntaxError, match=r"'action\.name' is empty or not set here"):
        page.render(Context({"action": {"name": None}}))


def test_live_on_needs_an_event():
    assert "{% live_on %} needs an event name" in syntax_error("{% live_on %}")


@pytest.mark.parametrize("literal", ['"1up"', "'has space'", '"a-b"', '""', '"' + "e" * 65 + '"'])
def test_live_on_refuses_an_invalid_literal_event_name(literal):
    message = syntax_error(f"{{% live_on {literal} %}}")
    assert "is not a valid event name" in message


@pytest.mark.parametrize("bit", ["amount", "=2", "2x=1", "a.b=1"])
def test_live_on_arguments_are_name_value_pairs(bit):
    message = syntax_error(f'{{% live_on "go" {bit} %}}')
    assert f"{{% live_on %}}: expected name=value, got {bit!r}." == message


def test_live_on_writes_output_only():
    # Pruned from block-only renders: it assigns nothing a block could need.
    assert LiveOnNode.live_output_only is True


# -- {% live_form %} ----------------------------------------------------------------------------


def test_live_form_marks_a_form_that_submits_over_the_socket():
    page = compile_template("<form {% live_form %}>").render(Context({}))
    assert page == '<form hx-ws:send data-live-event="submit" data-live-form>'


def test_live_form_takes_at_most_the_form():
    compile_template("{% live_form %}")
    compile_template("{% live_form form %}")  # whose file fields make it multipart
    with pytest.raises(TemplateSyntaxError, match="live_form"):
        compile_template('{% live_form form "x" %}')


# -- {% live_scripts %} and {% live_connect %} --------------------------------------------------


def test_live_scripts_writes_the_bundle_with_the_pages_nonce():
    page = compile_template("{% live_scripts %}").render(Context({"csp_nonce": "n0nce"}))
    assert (
        page == '<script src="/static/live_views/live_views.min.js" defer nonce="n0nce"></script>'
    )


def test_live_connect_needs_the_templates_view_to_be_live_and_says_how():
    class PlainView(TemplateView):
        pass

    with pytest.raises(ImproperlyConfigured, match="must be rendered by a live view") as caught:
        compile_template("<body {% live_connect %}>").render(Context({"view": PlainView()}))
    message = str(caught.value)
    assert "`view` is PlainView" in message
    assert "Make PlainView a live view (LiveTemplateView" in message
    assert "in a block only the live pages fill" in message  # a base shared with plain pages


def test_live_connect_writes_the_root_of_a_live_page():
    view = CounterView()
    view.setup(RequestFactory().get("/counter/"))
    page = compile_template("<body {% live_connect %}>").render(Context({"view": view}))
    assert page.startswith('<body hx-ws:connect="/live/ws/?t=')
    assert 'data-live-root data-live-version="' in page
