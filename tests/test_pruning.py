from __future__ import annotations

import re
from typing import Any

import pytest
from django import template
from django.template import Engine, TemplateSyntaxError, engines
from django.template.backends.django import Template as BackendTemplate
from django.test import RequestFactory
from django.urls import path
from django.views.generic import View

from live_views.render.collector import BlockCollector, block_id, version_of
from live_views.render.pruning import render_liveblocks
from live_views.testing.dom import inner_html

# A tag library and URLs of this module, for the tests that need them.
register = template.Library()
urlpatterns = [path("items/<int:pk>/", View.as_view(), name="unit-item")]

BLOCK_RE = re.compile(r'<([a-z][a-z0-9-]*) id="(lv-[^"]+)" data-lv-v="([0-9a-f]{8})"')
ROWS = [{"pk": 1, "name": "one"}, {"pk": 2, "name": "two"}, {"pk": 3, "name": "three"}]


class Counter:
    """A context value that counts how often the template resolves it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return "counted"


@register.simple_tag
def shout(text: str) -> str:
    return text.upper()


@register.simple_tag
def tick(counter: Counter) -> str:
    return counter()


@register.inclusion_tag("testapp/unit/row.html")
def row_tag(row: dict[str, Any], counter: Counter) -> dict[str, Any]:
    counter()
    return {"row": row}


@register.simple_block_tag
def boxed(content: str) -> str:
    return f"<section>{content}</section>"


def from_string(source: str) -> Any:
    return engines["django"].from_string(source)


def own_engine_template(source: str) -> BackendTemplate:
    """A template of an engine that also loads this module's tags as ``unit_tags``."""
    engine = Engine(
        app_dirs=True,
        libraries={"live_views": "live_views.templatetags.live_views", "unit_tags": __name__},
    )
    # Wrapped like the django backend's templates, so render_both() takes either.
    return (
        engines["django"].from_string("").__class__(engine.from_string(source), engines["django"])
    )


def render_both(
    tpl: Any, context: dict[str, Any], request: Any = None
) -> tuple[str, BlockCollector]:
    page = tpl.render(dict(context), request)
    collector = render_liveblocks(tpl.template, dict(context), request)
    return page, collector


def outer_html(page: str, ident: str) -> str:
    match = re.search(rf'<([a-z][a-z0-9-]*) id="{re.escape(ident)}"[^>]*>', page)
    assert match is not None, f"{ident} is not on the page"
    return f"{match.group(0)}{inner_html(page, ident)}</{match.group(1)}>"


def page_versions(page: str) -> dict[str, str]:
    return {m.group(2): m.group(3) for m in BLOCK_RE.finditer(page)}


def assert_same_blocks(page: str, collector: BlockCollector) -> None:
    """The live render has exactly the page's blocks: same ids, versions and HTML."""
    versions = page_versions(page)
    assert set(versions) == set(collector.blocks)
    assert len(BLOCK_RE.findall(page)) == len(versions)
    for ident, version in versions.items():
        assert collector.blocks[ident].version == version
        assert outer_html(page, ident) == collector.expand(ident)


# -- one block ---------------------------------------------------------------------------------


def test_a_plain_block_renders_the_same_in_both_renders():
    tpl = from_string(
        "{% load live_views %}<p>{% liveblock counter %}<b>{{ n }}</b>{% endliveblock %}"
    )
    page, collector = render_both(tpl, {"n": 3})
    assert '<div id="lv-counter" data-lv-v="' in page
    assert_same_blocks(page, collector)


def test_a_block_version_is_the_short_hash_of_its_inner_html():
    tpl = from_string(
        "{% load live_views %}{% liveblock counter %}<b>{{ n }}</b>{% endliveblock %}"
    )
    page, collector = render_both(tpl, {"n": 3})
    version = version_of("<b>3</b>")
    assert re.fullmatch(r"[0-9a-f]{8}", version)
    assert page == f'<div id="lv-counter" data-lv-v="{version}"><b>3</b></div>'
    assert collector.blocks["lv-counter"].version == version


def test_a_block_version_changes_with_its_content():
    tpl = from_string("{% load live_views %}{% liveblock counter %}{{ n }}{% endliveblock %}")
    first = render_liveblocks(tpl.template, {"n": 1}, None).blocks["lv-counter"].version
    second = render_liveblocks(tpl.template, {"n": 2}, None).blocks["lv-counter"].version
    again = render_liveblocks(tpl.template, {"n": 1}, None).blocks["lv-counter"].version
    assert first != second
    assert first == again


def test_a_template_without_blocks_renders_no_blocks():
    assert render_liveblocks(from_string("<p>{{ x }}</p>").template, {"x": 1}, None).blocks == {}


def test_blocks_see_context_processors_when_given_a_request():
    tpl = from_string(
        "{% load live_views %}{% liveblock who %}{{ request.path }}{% endliveblock %}"
    )
    request = RequestFactory().get("/somewhere/")
    page, collector = render_both(tpl, {}, request)
    assert "/somewhere/" in collector.expand("lv-who")
    assert_same_blocks(page, collector)


# -- loops, conditions, with -------------------------------------------------------------------


def test_keyed_blocks_in_a_for_loop():
    tpl = from_string(
        "{% load live_views %}<table>{% for row in rows %}"
        '{% liveblock row key=row.pk tag="tr" %}<td>{{ row.name }}</td>{% endliveblock %}'
        "{% endfor %}</table>"
    )
    page, collector = render_both(tpl, {"rows": ROWS})
    assert list(page_versions(page)) == ["lv-row-1", "lv-row-2", "lv-row-3"]
    assert_same_blocks(page, collector)


def test_an_empty_loop_renders_no_blocks():
    tpl = from_string(
        "{% load live_views %}{% for row in rows %}"
        "{% liveblock row key=row.pk %}{{ row.name }}{% endliveblock %}"
        "{% empty %}{% liveblock none %}nothing{% endliveblock %}{% endfor %}"
    )
    page, collector = render_both(tpl, {"rows": []})
    assert set(collector.blocks) == {"lv-none"}
    assert_same_blocks(page, collector)


@pytest.mark.parametrize("flag", [True, False])
def test_blocks_inside_if_and_else(flag):
    tpl = from_string(
        "{% load live_views %}{% if flag %}<p>yes</p>{% liveblock yes %}Y{% endliveblock %}"
        "{% elif other %}{% liveblock other %}O{% endliveblock %}"
        "{% else %}{% liveblock no %}N{% endliveblock %}{% endif %}"
    )
    page, collector = render_both(tpl, {"flag": flag})
    assert set(collector.blocks) == ({"lv-yes"} if flag else {"lv-no"})
    assert_same_blocks(page, collector)


def test_a_block_inside_a_branch_without_blocks_renders_nothing():
    tpl = from_string(
        "{% load live_views %}{% if flag %}<p>only text</p>{% else %}"
        "{% liveblock no %}N{% endliveblock %}{% endif %}"
    )
    page, collector = render_both(tpl, {"flag": True})
    assert collector.blocks == {}
    assert_same_blocks(page, collector)


def test_blocks_inside_with():
    tpl = from_string(
        '{% load live_views %}{% with label="Total" amount=n|add:1 %}<p>{{ label }}</p>'
        "{% liveblock total %}{{ label }}: {{ amount }}{% endliveblock %}{% endwith %}"
    )
    page, collector = render_both(tpl, {"n": 4})
    assert "Total: 5" in collector.expand("lv-total")
    assert_same_blocks(page, collector)


# -- extends -----------------------------------------------------------------------------------


def test_blocks_of_a_parent_and_of_a_child_block_override():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% load live_views %}'
        "{% block body %}<p>child</p>{% liveblock body %}<p>{{ n }}</p>{% endliveblock %}"
        "{% endblock %}"
    )
    page, collector = render_both(tpl, {"title": "Hello", "n": 2})
    assert set(collector.blocks) == {"lv-title", "lv-body"}
    assert_same_blocks(page, collector)


def test_a_child_block_override_without_liveblocks_removes_the_parent_liveblock():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% block header %}<h1>static</h1>{% endblock %}'
    )
    page, collector = render_both(tpl, {"title": "Hello"})
    assert collector.blocks == {}
    assert_same_blocks(page, collector)


def test_blocks_through_two_levels_of_extends():
    tpl = from_string(
        '{% extends "testapp/unit/middle.html" %}{% load live_views %}'
        "{% block inner %}{% liveblock inner %}inner {{ n }}{% endliveblock %}{% endblock %}"
    )
    page, collector = render_both(tpl, {"title": "T", "n": 1})
    assert set(collector.blocks) == {"lv-title", "lv-middle", "lv-inner"}
    assert_same_blocks(page, collector)


def test_a_parent_liveblock_kept_through_block_super():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% load live_views %}'
        "{% block header %}{{ block.super }}{% liveblock sub %}<h2>sub</h2>{% endliveblock %}"
        "{% endblock %}"
    )
    page, collector = render_both(tpl, {"title": "Hello"})
    assert set(page_versions(page)) == {"lv-title", "lv-sub"}
    assert_same_blocks(page, collector)


def test_extending_a_template_given_as_a_variable():
    parent = engines["django"].get_template("testapp/unit/base.html")
    tpl = from_string(
        "{% extends parent %}{% load live_views %}"
        "{% block body %}{% liveblock body %}{{ n }}{% endliveblock %}{% endblock %}"
    )
    page, collector = render_both(tpl, {"parent": parent, "title": "T", "n": 1})
    assert set(collector.blocks) == {"lv-title", "lv-body"}
    assert_same_blocks(page, collector)


# -- include -----------------------------------------------------------------------------------


def test_blocks_in_an_included_template():
    tpl = from_string(
        '<table>{% for row in rows %}{% include "testapp/unit/row.html" %}{% endfor %}</table>'
    )
    page, collector = render_both(tpl, {"rows": ROWS, "note": "outer note"})
    assert "outer note" in collector.expand("lv-row-1")
    assert_same_blocks(page, collector)


def test_blocks_in_an_included_template_with_extra_values():
    tpl = from_string(
        '{% for item in rows %}{% include "testapp/unit/row.html" with row=item note="given" %}'
        "{% endfor %}"
    )
    page, collector = render_both(tpl, {"rows": ROWS})
    assert "given" in collector.expand("lv-row-2")
    assert_same_blocks(page, collector)


def test_blocks_in_an_included_template_with_only():
    tpl = from_string(
        '{% for item in rows %}{% include "testapp/unit/row.html" with row=item only %}{% endfor %}'
    )
    page, collector = render_both(tpl, {"rows": ROWS, "note": "must not leak"})
    assert "must not leak" not in collector.expand("lv-row-1")
    assert "no note" in collector.expand("lv-row-1")
    assert_same_blocks(page, collector)


def test_blocks_in_a_template_included_by_variable_name():
    tpl = from_string("{% include name with row=row %}")
    context = {"name": "testapp/unit/row.html", "row": ROWS[0]}
    page, collector = render_both(tpl, context)
    assert set(collector.blocks) == {"lv-row-1"}
    assert_same_blocks(page, collector)


def test_blocks_in_a_template_object_included_from_the_context():
    row = engines["django"].get_template("testapp/unit/row.html")
    tpl = from_string("{% include row_template with row=row %}")
    page, collector = render_both(tpl, {"row_template": row, "row": ROWS[0]})
    assert set(collector.blocks) == {"lv-row-1"}
    assert_same_blocks(page, collector)


def test_an_include_inside_an_overridden_block_of_an_extends():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% block body %}<table>{% for row in rows %}'
        '{% include "testapp/unit/row.html" %}{% endfor %}</table>{% endblock %}'
    )
    page, collector = render_both(tpl, {"rows": ROWS, "title": "T"})
    assert set(collector.blocks) == {"lv-title", "lv-row-1", "lv-row-2", "lv-row-3"}
    assert_same_blocks(page, collector)


# -- nested blocks -----------------------------------------------------------------------------

NESTED = (
    '{% load live_views %}<table>{% liveblock table tag="tbody" %}<tr><th>{{ heading }}</th></tr>'
    '{% for row in rows %}{% liveblock row key=row.pk tag="tr" %}<td>{{ row.name }}</td>'
    "{% endliveblock %}{% endfor %}{% endliveblock %}</table>"
    "{% liveblock total %}{{ rows|length }}{% endliveblock %}"
)


def test_nested_blocks_render_the_same_in_both_renders():
    page, collector = render_both(from_string(NESTED), {"rows": ROWS, "heading": "Name"})
    assert set(collector.blocks) == {"lv-table", "lv-row-1", "lv-row-2", "lv-row-3", "lv-total"}
    assert collector.blocks["lv-row-2"].parent == "lv-table"
    assert collector.blocks["lv-table"].parent is None
    assert_same_blocks(page, collector)


def test_blocks_nest_across_an_include():
    tpl = from_string(
        '{% load live_views %}<table>{% liveblock table tag="tbody" %}{% for row in rows %}'
        '{% include "testapp/unit/row.html" %}{% endfor %}{% endliveblock %}</table>'
    )
    page, collector = render_both(tpl, {"rows": ROWS})
    assert {b.parent for i, b in collector.blocks.items() if i != "lv-table"} == {"lv-table"}
    assert_same_blocks(page, collector)


def test_a_changed_child_leaves_its_parent_version_alone():
    tpl = from_string(NESTED)
    before = render_liveblocks(tpl.template, {"rows": ROWS, "heading": "Name"}, None)
    renamed = [ROWS[0], {"pk": 2, "name": "TWO"}, ROWS[2]]
    after = render_liveblocks(tpl.template, {"rows": renamed, "heading": "Name"}, None)
    assert after.blocks["lv-table"].version == before.blocks["lv-table"].version
    assert after.blocks["lv-row-2"].version != before.blocks["lv-row-2"].version
    assert after.blocks["lv-row-1"].version == before.blocks["lv-row-1"].version


def test_a_changed_parent_skeleton_changes_its_version():
    tpl = from_string(NESTED)
    before = render_liveblocks(tpl.template, {"rows": ROWS, "heading": "Name"}, None)
    after = render_liveblocks(tpl.template, {"rows": ROWS, "heading": "Title"}, None)
    assert after.blocks["lv-table"].version != before.blocks["lv-table"].version


def test_an_added_child_changes_its_parent_version():
    tpl = from_string(NESTED)
    before = render_liveblocks(tpl.template, {"rows": ROWS[:2], "heading": "Name"}, None)
    after = render_liveblocks(tpl.template, {"rows": ROWS, "heading": "Name"}, None)
    assert after.blocks["lv-table"].version != before.blocks["lv-table"].version


def test_versions_do_not_depend_on_the_render():
    tpl = from_string(NESTED)
    context = {"rows": ROWS, "heading": "Name"}
    first = render_liveblocks(tpl.template, context, None)
    second = render_liveblocks(tpl.template, context, None)
    assert first.nonce != second.nonce
    assert {i: b.version for i, b in first.blocks.items()} == {
        i: b.version for i, b in second.blocks.items()
    }


def test_a_block_in_a_block_in_a_block():
    tpl = from_string(
        "{% load live_views %}{% liveblock a %}<i>a</i>{% liveblock b %}<i>b</i>"
        "{% liveblock c %}<i>{{ n }}</i>{% endliveblock %}{% endliveblock %}{% endliveblock %}"
    )
    page, collector = render_both(tpl, {"n": 1})
    assert collector.blocks["lv-c"].parent == "lv-b"
    assert collector.blocks["lv-b"].parent == "lv-a"
    assert "\x00" not in page
    assert_same_blocks(page, collector)


# -- variables assigned outside blocks ---------------------------------------------------------


@pytest.mark.urls(__name__)
def test_a_url_as_variable_assigned_outside_a_block():
    tpl = from_string(
        '{% load live_views %}{% url "unit-item" pk=n as link %}'
        '{% liveblock link %}<a href="{{ link }}">item</a>{% endliveblock %}'
    )
    page, collector = render_both(tpl, {"n": 3})
    assert 'href="/items/3/"' in collector.expand("lv-link")
    assert_same_blocks(page, collector)


def test_a_firstof_as_variable_assigned_outside_a_block():
    tpl = from_string(
        '{% load live_views %}{% firstof missing name "anonymous" as who %}'
        "{% liveblock who %}{{ who }}{% endliveblock %}"
    )
    page, collector = render_both(tpl, {"name": "ada"})
    assert ">ada<" in collector.expand("lv-who")
    assert_same_blocks(page, collector)


def test_static_and_now_as_variables_assigned_outside_a_block():
    tpl = from_string(
        '{% load live_views static %}{% static "app.css" as css %}{% now "Y" as year %}'
        "{% liveblock meta %}{{ css }} {{ year }}{% endliveblock %}"
    )
    page, collector = render_both(tpl, {})
    assert "/static/app.css 20" in collector.expand("lv-meta")
    assert_same_blocks(page, collector)


def test_a_custom_simple_tag_as_variable_assigned_outside_a_block():
    tpl = own_engine_template(
        '{% load live_views unit_tags %}{% shout "hi" as loud %}'
        "{% liveblock loud %}{{ loud }}{% endliveblock %}"
    )
    page, collector = render_both(tpl, {})
    assert ">HI<" in collector.expand("lv-loud")
    assert_same_blocks(page, collector)


def test_a_cycle_variable_assigned_outside_a_block():
    tpl = from_string(
        "{% load live_views %}{% cycle 'odd' 'even' as parity silent %}"
        "{% liveblock parity %}{{ parity }}{% endliveblock %}"
    )
    page, collector = render_both(tpl, {})
    assert ">odd<" in collector.expand("lv-parity")
    assert_same_blocks(page, collector)


# -- what the live render leaves out -----------------------------------------------------------


def test_variables_outside_blocks_are_not_resolved():
    tpl = from_string(
        "{% load live_views %}<p>{{ outside }}</p>{% liveblock b %}{{ inside }}{% endliveblock %}"
    )
    outside, inside = Counter(), Counter()
    render_liveblocks(tpl.template, {"outside": outside, "inside": inside}, None)
    assert (outside.calls, inside.calls) == (0, 1)
    tpl.render({"outside": outside, "inside": inside})
    assert (outside.calls, inside.calls) == (1, 2)


def test_conditions_and_loops_without_blocks_are_not_evaluated():
    tpl = from_string(
        "{% load live_views %}{% if check %}yes{% endif %}{% for x in items %}{{ x }}{% endfor %}"
        "{% liveblock b %}B{% endliveblock %}"
    )
    check, items = Counter(), Counter()
    render_liveblocks(tpl.template, {"check": check, "items": items}, None)
    assert (check.calls, items.calls) == (0, 0)


def test_outside_content_of_a_parent_template_is_not_resolved():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% load live_views %}'
        "{% block title %}{{ outside }}{% endblock %}"
    )
    outside = Counter()
    collector = render_liveblocks(tpl.template, {"outside": outside, "title": "T"}, None)
    assert set(collector.blocks) == {"lv-title"}
    assert outside.calls == 0


def test_tags_without_a_variable_outside_blocks_are_not_called():
    tpl = own_engine_template(
        "{% load live_views unit_tags %}{% tick counter %}{% row_tag row counter %}"
        "{% liveblock b %}B{% endliveblock %}"
    )
    counter = Counter()
    render_liveblocks(tpl.template, {"counter": counter, "row": ROWS[0]}, None)
    assert counter.calls == 0


def test_a_live_render_leaves_the_template_whole_for_the_next_page_load():
    tpl = from_string(
        "{% load live_views %}<p>outside {{ n }}</p>{% liveblock b %}{{ n }}{% endliveblock %}"
    )
    render_liveblocks(tpl.template, {"n": 1}, None)
    assert "<p>outside 2</p>" in tpl.render({"n": 2})


def test_a_live_render_leaves_included_and_parent_templates_whole():
    tpl = from_string(
        '{% extends "testapp/unit/base.html" %}{% block body %}'
        '{% include "testapp/unit/row.html" %}{% endblock %}'
    )
    render_liveblocks(tpl.template, {"row": ROWS[0], "title": "T"}, None)
    page = tpl.render({"row": ROWS[0], "title": "T", "outside": "FOOTER"})
    assert "<footer>FOOTER</footer>" in page
    assert "<title>Base</title>" in page


def test_a_block_inside_a_simple_block_tag_is_live_rendered():
    tpl = own_engine_template(
        "{% load live_views unit_tags %}{% boxed %}{% liveblock b %}{{ n }}{% endliveblock %}"
        "{% endboxed %}"
    )
    assert set(render_liveblocks(tpl.template, {"n": 1}, None).blocks) == {"lv-b"}


# -- duplicate ids -----------------------------------------------------------------------------

DUPLICATE = (
    "{% load live_views %}{% for row in rows %}"
    "{% liveblock row %}{{ row.name }}{% endliveblock %}{% endfor %}"
)


def test_a_duplicate_block_id_fails_the_page_naming_the_key_fix():
    with pytest.raises(TemplateSyntaxError) as excinfo:
        from_string(DUPLICATE).render({"rows": ROWS})
    message = str(excinfo.value)
    assert "'lv-row'" in message
    assert "key=" in message


def test_a_duplicate_block_id_fails_the_live_render_too():
    with pytest.raises(TemplateSyntaxError, match="key="):
        render_liveblocks(from_string(DUPLICATE).template, {"rows": ROWS}, None)


def test_a_duplicate_key_fails_naming_the_id():
    tpl = from_string(
        "{% load live_views %}{% for row in rows %}"
        "{% liveblock row key=row.group %}{{ row.name }}{% endliveblock %}{% endfor %}"
    )
    with pytest.raises(TemplateSyntaxError, match="'lv-row-a'"):
        tpl.render({"rows": [{"group": "a", "name": "x"}, {"group": "a", "name": "y"}]})


# -- tag, class and key options ----------------------------------------------------------------


def test_tag_chooses_the_wrapper_element():
    tpl = from_string(
        '{% load live_views %}{% liveblock row tag="tr" %}<td>1</td>{% endliveblock %}'
    )
    page, collector = render_both(tpl, {})
    assert page.startswith('<tr id="lv-row" data-lv-v="')
    assert page.endswith("<td>1</td></tr>")
    assert_same_blocks(page, collector)


def test_class_adds_a_class_attribute():
    tpl = from_string('{% load live_views %}{% liveblock b class="card big" %}x{% endliveblock %}')
    page, collector = render_both(tpl, {})
    assert re.fullmatch(r'<div id="lv-b" data-lv-v="[0-9a-f]{8}" class="card big">x</div>', page)
    assert_same_blocks(page, collector)


def test_class_from_a_variable_is_escaped():
    tpl = from_string("{% load live_views %}{% liveblock b class=css %}x{% endliveblock %}")
    page, collector = render_both(tpl, {"css": '"><script>alert(1)</script>'})
    assert "<script>" not in page
    assert 'class="&quot;&gt;&lt;script&gt;' in page
    assert_same_blocks(page, collector)


@pytest.mark.parametrize("option", ['tag="Tr"', 'tag="t r"', 'tag="<b>"', 'tag=""', "tag=5"])
def test_an_invalid_tag_is_refused_at_parse_time(option):
    with pytest.raises(TemplateSyntaxError, match="literal name of an HTML element"):
        from_string(f"{{% load live_views %}}{{% liveblock b {option} %}}x{{% endliveblock %}}")


def test_a_tag_from_a_variable_is_refused_at_parse_time():
    with pytest.raises(TemplateSyntaxError, match="literal name of an HTML element"):
        from_string("{% load live_views %}{% liveblock b tag=name %}x{% endliveblock %}")


@pytest.mark.parametrize("tag", ["img", "input", "br"])
def test_a_void_element_is_refused_as_a_wrapper_tag(tag):
    with pytest.raises(TemplateSyntaxError):
        from_string(f'{{% load live_views %}}{{% liveblock b tag="{tag}" %}}x{{% endliveblock %}}')


@pytest.mark.parametrize(
    "tag_text",
    [
        "{% liveblock %}",
        "{% liveblock 1abc %}",
        "{% liveblock has-dash %}",
        '{% liveblock b style="x" %}',
        "{% liveblock b key %}",
    ],
)
def test_invalid_liveblock_tags_are_refused_at_parse_time(tag_text):
    with pytest.raises(TemplateSyntaxError, match="liveblock"):
        from_string(f"{{% load live_views %}}{tag_text}x{{% endliveblock %}}")


@pytest.mark.parametrize(
    ("key", "expected"),
    [(42, "lv-row-42"), ("abc", "lv-row-abc"), ("a-1.2_x", "lv-row-a-1.2_x")],
)
def test_safe_keys_are_used_as_they_are(key, expected):
    assert block_id("row", key) == expected


def test_a_block_without_key_has_the_plain_id():
    assert block_id("row", None) == "lv-row"


@pytest.mark.parametrize(
    "key", ["a b", "<script>", 'x"y', "é", "", "a" * 65, "ümlaut", "a/b", "a&b"]
)
def test_unsafe_keys_get_a_hashed_id(key):
    ident = block_id("row", key)
    assert re.fullmatch(r"lv-row-[0-9a-f]{12}", ident)
    assert ident == block_id("row", key)


def test_different_unsafe_keys_get_different_ids():
    assert block_id("row", "a b") != block_id("row", "a c")


def test_an_unsafe_key_renders_a_hashed_id_in_both_renders():
    tpl = from_string("{% load live_views %}{% liveblock row key=k %}x{% endliveblock %}")
    page, collector = render_both(tpl, {"k": '"><b>'})
    assert "<b>" not in page
    assert list(collector.blocks) == [block_id("row", '"><b>')]
    assert_same_blocks(page, collector)
