"""live_send_update(): a page's handler (or a component's, through self.parent) tells one
component something; the reply renders that component, and not the page's others."""

from __future__ import annotations

import re

import pytest

from live_views import LiveTemplateView
from tests.testapp import sent_update_views

SWAPPED_RE = re.compile(r'\sid="(lv-[^"]+)"[^>]*? hx-swap-oob=')


@pytest.fixture
def page(live_client):
    page = live_client.live("/sent-updates/")
    sent_update_views.renders.clear()
    return page


def swapped(reply) -> list[str]:
    return SWAPPED_RE.findall(reply.get("content", ""))


def root(page, ident: str) -> str:
    return f"lv-c{page.component(ident).address}"


def value(page, ident: str) -> str:
    match = re.search(r'<span class="value">(-?\d+)</span>', page.component(ident).html)
    assert match is not None, page.component(ident).html
    return match.group(1)


def values(page) -> tuple[str, ...]:
    return tuple(value(page, ident) for ident in ("a", "b", "c"))


def test_a_page_handler_updates_one_component_and_renders_only_it(page):
    a_html = page.component("a").html

    reply = page.send("set", to="b", value="7")  # coerced by update()'s hint, as a tag's

    assert values(page) == ("1", "7", "3")
    assert swapped(reply) == [root(page, "b")]
    assert sent_update_views.renders == ["b"]  # neither a's nor c's template ran
    assert page.component("a").html == a_html
    assert page.errors == []


def test_the_component_may_be_named_by_its_dotted_path(page):
    page.send("set_by_path", to="c", value=30)
    assert values(page) == ("1", "2", "30")
    assert sent_update_views.renders == ["c"]


def test_a_handler_that_also_changes_the_page_renders_it_as_a_page_event_does(page):
    reply = page.send("set_and_count", to="a", value=11)

    assert values(page) == ("11", "2", "3")
    assert page.block("total") == '<p id="total">1</p>'
    # Every component renders with the page (update() with the tag's arguments, then what was
    # sent); only what changed travels.
    assert sorted(sent_update_views.renders) == ["a", "b", "c"]
    assert sorted(swapped(reply)) == sorted(["lv-total", root(page, "a")])


def test_with_live_target_only_the_named_blocks_and_the_component_render(page):
    reply = page.send("set_targeted", to="c", value=33)

    assert values(page) == ("1", "2", "33")
    assert page.block("total") == '<p id="total">1</p>'
    assert sent_update_views.renders == ["c"]
    assert sorted(swapped(reply)) == sorted(["lv-total", root(page, "c")])


def test_each_call_is_one_update_in_the_order_sent_and_one_render(page):
    page.send("add_twice", to="b")
    assert values(page) == ("1", "13", "3")
    assert "<i>saved</i>" in page.component("b").html
    assert sent_update_views.renders == ["b"]


def test_from_an_async_handler(page):
    page.send("set_async", to="a", value=5)
    assert values(page) == ("5", "2", "3")
    assert sent_update_views.renders == ["a"]


def test_a_component_tells_a_sibling_through_its_parent(page):
    reply = page.component("a").send("tell", to="b", value=42)

    assert values(page) == ("1", "42", "3")
    # The handler's own component and the one it told render; c is handed over as it was.
    assert sorted(sent_update_views.renders) == ["a", "b"]
    assert swapped(reply) == [root(page, "b")]  # a's HTML did not change


def test_a_handler_that_fails_sends_nothing(page):
    with pytest.raises(RuntimeError, match="after sending"):
        page.send("set_then_fail", to="b")
    sent_update_views.renders.clear()

    page.send("set", to="a", value=4)

    assert values(page) == ("4", "2", "3")  # b never got the 99
    assert sent_update_views.renders == ["a"]


def test_an_event_whose_render_fails_undoes_the_updates_it_sent(page):
    # a's update() ran in the render, then b's failed: the event failed, the page's total is
    # as it was, and so must a be, not show the 50 of an event that never happened.
    with pytest.raises(RuntimeError, match="update\\(\\) failed"):
        page.send("set_both_then_fail")
    assert page.errors[-1]["code"] == "server_error"

    page.component("a").send("tell", to="c", value=7)  # renders a again

    assert values(page) == ("1", "2", "7")
    assert page.html.count('<p id="total">0</p>') == 1


def test_an_unknown_id_is_an_error_naming_the_components_shown(page):
    with pytest.raises(
        LookupError,
        match=r"the page shows no Counter with id 'zz'; it shows Counter 'a', Counter 'b', "
        r"Counter 'c'\.",
    ):
        page.send("send_unknown_id")
    assert page.errors[-1]["code"] == "server_error"
    assert values(page) == ("1", "2", "3")


def test_a_component_the_page_no_longer_shows_is_an_error_that_may_be_caught(page):
    page.send("hide_c")
    with pytest.raises(LookupError, match="shows no Counter with id 'c'; it shows Counter 'a'"):
        page.send("set", to="c", value=1)

    reply = page.send("set_if_shown", to="c", value=1)  # suppress(LookupError): nothing to do

    assert "error" not in reply
    assert (value(page, "a"), value(page, "b")) == ("1", "2")


def test_an_argument_update_does_not_take_is_an_error_naming_those_it_takes(page):
    it_takes = r"takes no argument 'valeu'; it takes value, add, saved, fail\."
    with pytest.raises(TypeError, match=it_takes):
        page.send("send_unknown_argument")
    assert values(page) == ("1", "2", "3")


def test_a_value_that_does_not_coerce_is_an_error_naming_the_argument(page):
    with pytest.raises(TypeError, match=r"Counter\.update\(\): argument 'value'"):
        page.send("send_bad_value")


def test_the_browser_cannot_call_it(page):
    reply = page.send("live_send_update", component="Counter", id="a", value=1)
    assert reply["error"]["code"] == "unknown_event"
    assert values(page) == ("1", "2", "3")


@pytest.mark.django_db(transaction=True)
def test_from_a_broadcast_refresh(live_client):
    from live_views import broadcast

    page = live_client.live("/sent-updates/refresh/")
    assert values(page) == ("1", "2", "3")

    broadcast("sent-updates")
    page.wait_for_update()

    # The refresh renders the page as usual; a's update() got the tag's arguments, then add=1.
    assert values(page) == ("2", "2", "3")


def test_a_component_event_that_names_a_page_block_renders_it_and_the_told_sibling(page):
    reply = page.component("a").send("tell_and_count", to="c", value=8)

    assert values(page) == ("1", "2", "8")
    assert page.block("total") == '<p id="total">1</p>'
    assert sorted(sent_update_views.renders) == ["a", "c"]
    assert sorted(swapped(reply)) == sorted(["lv-total", root(page, "c")])


def test_serving_an_http_request_it_says_it_is_for_a_live_page(rf):
    view = sent_update_views.SentUpdatesView()
    view.setup(rf.get("/sent-updates/"))
    with pytest.raises(
        RuntimeError, match=r"live_send_update\(\) was called while serving an HTTP"
    ):
        view.live_send_update(sent_update_views.Counter, "a", value=1)


def test_a_component_in_another_renders_with_the_one_around_it_only(live_client):
    page = live_client.live("/sent-updates/nested/")
    sent_update_views.renders.clear()

    reply = page.send("set", to="inner", value=40)

    assert value(page, "inner") == "40"
    assert value(page, "a") == "1"
    assert sent_update_views.renders == ["inner"]  # a's template did not run
    assert '<p id="total">0</p>' in page.html
    assert all(block.startswith("lv-c") for block in swapped(reply))


def test_a_page_without_live_components_says_it_shows_none():
    # No component host: the view's own error, worded as the host's (live_views.runtime).
    view = LiveTemplateView()
    view.live_runtime.connected = True
    with pytest.raises(
        LookupError,
        match=r"^live_send_update\(\): the page shows no Counter with id 'a'; it shows no live "
        r"component\. \(A component an \{% if %\} hides",
    ):
        view.live_send_update(sent_update_views.Counter, "a", value=1)
