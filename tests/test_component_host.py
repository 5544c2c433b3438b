"""Rendering components into a page: addresses, scoped block ids, errors, reuse, removal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.test import RequestFactory

from live_views.components.host import (
    HOST_KEY,
    ComponentHost,
    component_address,
    component_class,
)
from live_views.render.collector import BlockCollector
from live_views.render.pruning import render_liveblocks
from tests.testapp import components
from tests.testapp.components import Stepper

STEPPER = "tests.testapp.components.Stepper"


def render(source: str, **context: object) -> str:
    request = RequestFactory().get("/page/")
    return Template("{% load live_views %}" + source).render(RequestContext(request, context))


def test_a_component_renders_in_its_root_with_scoped_blocks():
    html = render(f'{{% live_component "{STEPPER}" id="a" start=4 %}}')
    address = component_address(STEPPER, "a")
    # On a page that is not live, a root of its own connects it, for this page's path.
    assert html.startswith('<div hx-ws:connect="/live/ws/?t=')
    assert "data-live-root data-live-standalone" in html
    assert f'<div id="lv-c{address}" data-lv-v="' in html
    assert f'data-live-component="{address}" data-live-id="a">' in html
    assert f'<div id="lv-c{address}-shown"' in html
    assert "<b>4</b>" in html
    assert STEPPER not in html


def test_addresses_are_keyed_with_the_secret_key(settings):
    address = component_address(STEPPER, "a")
    assert address != component_address(STEPPER, "b")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert component_address(STEPPER, "a") != address


def test_the_id_is_escaped_and_may_come_from_the_context():
    html = render(f'{{% live_component "{STEPPER}" id=name %}}', name='"><x>')
    assert 'data-live-id="&quot;&gt;&lt;x&gt;"' in html


def test_one_id_twice_on_a_page_is_an_error():
    with pytest.raises(TemplateSyntaxError, match="is on the page twice"):
        render(
            f'{{% live_component "{STEPPER}" id="a" %}}{{% live_component "{STEPPER}" id="a" %}}'
        )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% live_component %}", "needs the dotted path"),
        ('{% live_component stepper id="a" %}', "needs the dotted path"),
        ('{% live_component "Stepper" id="a" %}', "needs the dotted path"),
        (f'{{% live_component "{STEPPER}" %}}', "needs an id"),
        (f'{{% live_component "{STEPPER}" id="a" 5 %}}', "expected name=value"),
    ],
)
def test_tag_syntax_errors(source, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        render(source)


def test_a_path_that_is_not_a_component_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match=r"not a subclass of live_views\.LiveComponent"):
        component_class("tests.testapp.component_views.SteppersView")
    with pytest.raises(ImproperlyConfigured, match="no_such"):
        component_class("tests.testapp.no_such.Thing")


def test_a_page_render_reuses_components_that_need_no_render():
    template = Template(
        "{% load live_views %}{% liveblock all %}"
        f'{{% live_component "{STEPPER}" id="a" %}}{{% live_component "{STEPPER}" id="b" %}}'
        "{% endliveblock %}"
    )
    host = ComponentHost(None)
    first = _render_with(host, template)
    components.renders.clear()
    host.rerender = frozenset({(STEPPER, "b")})
    host.mounted[(STEPPER, "b")].value = 9
    second = _render_with(host, template)
    assert components.renders == ["b"]
    a = f"lv-c{component_address(STEPPER, 'a')}"
    assert second.blocks[a].version == first.blocks[a].version
    assert second.expand("lv-all").count("<b>9</b>") == 1
    assert second.expand("lv-all").count("<b>0</b>") == 1


def test_components_a_full_render_no_longer_shows_are_dropped():
    host = ComponentHost(None)
    template = Template(
        "{% load live_views %}{% if on %}"
        f'{{% live_component "{STEPPER}" id="a" %}}{{% endif %}}'
    )
    host.end_render(_render_with(host, template, on=True))
    assert isinstance(host.find(component_address(STEPPER, "a"))[1], Stepper)
    host.end_render(_render_with(host, template, on=False))
    assert host.find(component_address(STEPPER, "a")) is None
    # Nothing of it is kept: a page whose components come and go does not grow.
    assert (host.mounted, host.last, host.addresses, host.address_of) == ({}, {}, {}, {})


def _render_with(host: ComponentHost, template: Template, **context: object) -> BlockCollector:
    # As a live page renders: the host is the page's, kept between renders.
    request = RequestFactory().get("/page/")
    return render_liveblocks(_hosted(template, host, HOST_KEY), dict(context), request)


def _hosted(template: Template, host: ComponentHost, key: str) -> Template:
    # Put the host where {% live_component %} looks for it first: the render's root.
    original = template._render

    def _render(context):
        context.render_context.dicts[0][key] = host
        return original(context)

    template._render = _render
    return template


def test_without_a_request_a_component_on_a_page_that_is_not_live_is_an_error():
    with pytest.raises(ImproperlyConfigured, match="needs the request in its context"):
        Template(f'{{% load live_views %}}{{% live_component "{STEPPER}" id="a" %}}').render(
            Context({})
        )


def test_a_component_renders_in_its_root_tag():
    class Cell(Stepper):
        root_tag = "td"

    from tests.testapp import components as module

    module.Cell = Cell
    try:
        html = render('<table><tr>{% live_component "tests.testapp.components.Cell" id="c" %}')
    finally:
        del module.Cell
        component_class.cache_clear()
    address = component_address("tests.testapp.components.Cell", "c")
    assert f'<td id="lv-c{address}" data-lv-v="' in html
    assert "</td>" in html
