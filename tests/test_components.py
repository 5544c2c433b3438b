"""Live components on live pages, end to end through the real ASGI application."""

from __future__ import annotations

import html
import re

import pytest
from channels.layers import get_channel_layer

from live_views.components.host import ComponentHost
from live_views.pubsub.topics import group_name
from live_views.testing import LiveRefused
from live_views.testing.components import standalone_socket_url
from tests.testapp import components

SWAPPED_RE = re.compile(r'\sid="(lv-[^"]+)"[^>]*? hx-swap-oob=')
STEPPER = "tests.testapp.components.Stepper"


def swapped(reply) -> list[str]:
    """The ids of the blocks a frame morphs (not the blocks inside them)."""
    return SWAPPED_RE.findall(reply.get("content", ""))


def value(component) -> str:
    match = re.search(r'<span class="value">(-?\d+)</span>', component.html)
    assert match is not None, component.html
    return match.group(1)


def total(page) -> str:
    return re.sub(r"<[^>]+>", "", page.block("total"))


def test_two_instances_keep_separate_state(live_client):
    page = live_client.live("/steppers/")
    a, b = page.component("a"), page.component("b")
    assert (value(a), value(b)) == ("5", "0")

    a.send("inc", by=2)
    a.send("inc")
    b.send("inc")

    assert (value(a), value(b)) == ("8", "1")
    assert page.errors == []


def test_an_event_re_renders_that_component_and_the_page_blocks_it_changed(live_client):
    page = live_client.live("/steppers/")
    a = page.component("a")
    components.renders.clear()

    reply = a.send("inc", by=3)

    # Only a's blocks and the page's total (changed through self.parent) travel.
    assert swapped(reply) == ["lv-total", f"lv-c{a.address}"]
    assert total(page) == "3"
    # b's template did not even render.
    assert components.renders == ["a"]


@pytest.fixture
def rendered_tags(monkeypatch) -> list[str]:
    """The ids of the components a render showed: rendered afresh or handed over as they
    last rendered."""
    seen: list[str] = []
    render, reuse = ComponentHost.render_component, ComponentHost.reuse

    def rendering(self, key, component, context, collector):
        seen.append(key[1])
        return render(self, key, component, context, collector)

    def reusing(self, key, context, collector):
        seen.append(key[1])
        return reuse(self, key, context, collector)

    monkeypatch.setattr(ComponentHost, "render_component", rendering)
    monkeypatch.setattr(ComponentHost, "reuse", reusing)
    return seen


def many_steppers(client, count: int):
    page = client.live("/steppers/")
    page.send("set_ids", ids=[f"s{i}" for i in range(count)])
    return page


def test_an_event_that_leaves_the_page_alone_renders_that_component_only(
    live_client, rendered_tags
):
    page = many_steppers(live_client, 50)
    a, s7 = page.component("a"), page.component("s7")
    components.renders.clear()
    rendered_tags.clear()

    reply = a.send("inc_own", by=2)
    s7.send("inc_own")

    # The other 50 components are not rendered again, nor even handed over (the tags in the
    # page's "list" liveblock do not run; those beside a's skip at once).
    assert rendered_tags == ["a", "s7"]
    assert components.renders == ["a", "s7"]
    assert swapped(reply) == [f"lv-c{a.address}"]
    assert (value(a), value(s7), total(page)) == ("7", "1", "0")
    # A page event afterwards still shows every component as it is.
    page.send("bump")
    assert (value(page.component("a")), value(page.component("s7"))) == ("7", "1")


def test_a_page_block_the_handler_names_on_the_parent_travels_alone(live_client, rendered_tags):
    page = many_steppers(live_client, 50)
    s3 = page.component("s3")
    rendered_tags.clear()

    reply = s3.send("inc_targeted", by=4)

    assert rendered_tags == ["s3"]
    assert swapped(reply) == ["lv-total", f"lv-c{s3.address}"]
    assert (total(page), value(s3)) == ("4", "4")


def test_a_handler_that_changes_the_parent_re_renders_no_other_component(
    live_client, rendered_tags
):
    page = many_steppers(live_client, 50)
    a = page.component("a")
    components.renders.clear()
    rendered_tags.clear()

    reply = a.send("inc", by=3)

    # The page's liveblocks render (total changed); the other components hand over their last
    # render without running their templates.
    assert components.renders == ["a"]
    assert len(rendered_tags) == 52  # a, s0..s49, note
    assert swapped(reply) == ["lv-total", f"lv-c{a.address}"]
    assert total(page) == "3"


def test_a_page_changed_through_a_kept_reference_is_rendered_too(live_client):
    # The handler never reads self.parent, but the view's attributes changed: the page's
    # liveblocks render as when it had.
    page = many_steppers(live_client, 3)
    reply = page.component("a").send("inc_through_reference", by=2)
    assert swapped(reply) == ["lv-total", f"lv-c{page.component('a').address}"]
    assert total(page) == "2"


def test_a_component_block_alone_travels_when_only_it_changed(live_client):
    page = live_client.live("/steppers/")
    b = page.component("b")
    reply = b.send("inc", by=0)
    assert "content" not in reply  # nothing changed, nothing sent
    assert b.block("shown") == "<b>0</b>"


def test_a_page_event_re_renders_every_component(live_client):
    page = live_client.live("/steppers/")
    components.renders.clear()
    reply = page.send("bump")
    assert swapped(reply) == ["lv-total"]
    assert sorted(components.renders) == ["a", "b"]
    assert total(page) == "100"


def test_components_survive_page_events_with_their_state(live_client):
    page = live_client.live("/steppers/")
    page.component("a").send("inc", by=10)
    page.send("bump")
    assert value(page.component("a")) == "15"
    assert total(page) == "110"


def test_a_component_dropped_by_a_re_render_is_gone_and_a_new_one_mounts(live_client):
    page = live_client.live("/steppers/")
    b = page.component("b")
    b.send("inc", by=4)
    address = b.address

    page.send("set_ids", ids=["c"])
    assert f'data-live-component="{address}"' not in page.html
    c = page.component("c")
    assert value(c) == "0"

    # b's address is no longer on this page: refused, and nothing else changes.
    reply = page.send_frame({"event": "inc", "args": {}, "component": address, "ref": 99})
    reply = page.receive()
    assert reply["error"]["code"] == "unknown_component"

    # Shown again, it mounts afresh.
    page.send("set_ids", ids=["b", "c"])
    assert value(page.component("b")) == "0"


def test_a_component_a_targeted_page_render_no_longer_shows_is_gone(live_client):
    page = live_client.live("/steppers/")
    b = page.component("b")
    b.send("inc", by=4)
    address = b.address

    reply = page.send("set_ids_targeted", ids=["c"])  # only the "list" block renders

    assert swapped(reply) == ["lv-list"]
    assert f'data-live-component="{address}"' not in page.html
    assert page.errors == []
    # b is no longer on the page: its stale event is refused, and counts nothing on the page.
    page.send_frame({"event": "inc", "args": {}, "component": address, "ref": 99})
    assert page.receive()["error"]["code"] == "unknown_component"
    assert total(page) == "4"
    # Shown again, it mounts afresh.
    page.send("set_ids_targeted", ids=["b", "c"])
    assert value(page.component("b")) == "0"


def test_nested_components(live_client):
    page = live_client.live("/steppers/")
    page.send("box", show=True)
    inner = page.component("inner")
    assert value(inner) == "7"
    inner.send("inc")
    assert value(inner) == "8"
    # The box closes: its inner stepper is dropped; opened again, mounted afresh.
    page.component("box").send("toggle")
    assert 'data-live-id="inner"' not in page.html
    page.component("box").send("toggle")
    assert value(page.component("inner")) == "7"


def test_a_nested_event_re_renders_the_nested_component(live_client):
    page = live_client.live("/steppers/")
    page.send("box", show=True)
    components.renders.clear()
    page.component("inner").send("inc", by=2)
    assert components.renders == ["inner"]
    assert value(page.component("inner")) == "9"


def test_a_nested_component_handed_over_with_its_outer_one_renders_whole_later(live_client):
    page = live_client.live("/steppers/")
    page.send("box", show=True)
    page.component("inner").send("inc", by=2)
    page.component("a").send("inc")  # the page renders: the box is handed over, inner with it

    reply = page.component("box").send("touch")  # the box renders; inner is handed over

    assert "\x00" not in reply["content"]
    assert page.component("inner").block("shown") == "<b>9</b>"
    assert page.errors == []


def test_a_failing_handler_is_rolled_back(live_client, caplog):
    page = live_client.live("/steppers/")
    a = page.component("a")
    with pytest.raises(RuntimeError, match="secret internal detail"):
        a.send("explode")
    error = page.errors[-1]
    assert error["code"] == "server_error"
    assert "secret" not in error["message"]
    assert value(a) == "5"
    a.send("inc")
    assert value(a) == "6"


# -- security ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        STEPPER,  # a class path is never imported
        "os.system",
        "0000000000000000",  # well-formed, but not on this page
        "../../etc",
        12,
        ["a"],
        {"path": STEPPER},
    ],
)
def test_a_component_address_the_page_does_not_hold_is_refused(live_client, address):
    page = live_client.live("/steppers/")
    page.send_frame({"event": "inc", "args": {}, "component": address, "ref": 7})
    reply = page.receive()
    assert reply["error"]["code"] == "unknown_component"
    assert reply["ref"] == 7
    assert value(page.component("a")) == "5"


def test_the_address_of_another_page_is_refused(live_client):
    other = live_client.live("/steppers/")
    other.send("set_ids", ids=["x"])
    address = other.component("x").address
    page = live_client.live("/steppers/")
    page.send_frame({"event": "inc", "args": {}, "component": address, "ref": 3})
    assert page.receive()["error"]["code"] == "unknown_component"


@pytest.mark.parametrize("event", ["not_an_event", "mount", "check_access", "__init__", "bump"])
def test_only_the_components_own_live_events_are_callable(live_client, event):
    page = live_client.live("/steppers/")
    a = page.component("a")
    reply = a.send(event)
    assert reply["error"]["code"] == "unknown_event"
    assert value(a) == "5"
    assert total(page) == "0"  # "bump" is the page's event, not the component's


def test_bad_arguments_are_refused(live_client):
    page = live_client.live("/steppers/")
    reply = page.component("a").send("inc", by="many")
    assert reply["error"]["code"] == "bad_arguments"
    reply = page.component("a").send("inc", value=1)
    assert reply["error"]["code"] == "bad_arguments"


def test_the_page_event_does_not_reach_a_component_event(live_client):
    page = live_client.live("/steppers/")
    reply = page.send("inc")
    assert reply["error"]["code"] == "unknown_event"


# -- JS off -----------------------------------------------------------------------------------


def test_the_component_renders_as_part_of_the_page_over_http(live_client):
    html = live_client.get("/steppers/").content.decode()
    assert '<span class="value">5</span>' in html
    assert '<span class="value">0</span>' in html
    assert STEPPER not in html  # the class path never reaches the browser


# -- access -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_components_check_access_refuses_the_page_over_http_and_on_the_socket(live_client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("visitor", password="x")
    live_client.force_login(user)
    assert live_client.get("/secret/").status_code == 403

    # A page that let the component in over HTTP, opened on a socket after the user lost it.
    User.objects.filter(pk=user.pk).update(is_staff=True)
    url, page_html = _socket_of(live_client.get("/secret/"))
    User.objects.filter(pk=user.pk).update(is_staff=False)
    page = live_client.open_socket(url, page_html)
    with pytest.raises(LiveRefused) as refused:
        page._loop.run(page._page.join_or_close())
    assert refused.value.code == 4403


@pytest.mark.django_db(transaction=True)
def test_a_component_lets_in_whom_its_check_access_allows(live_client):
    from django.contrib.auth.models import User

    live_client.force_login(User.objects.create_user("staff", password="x", is_staff=True))
    page = live_client.live("/secret/")
    assert page.errors == []
    assert '<span class="value">' in page.component("s").html


def _socket_of(response):
    match = re.search(r'hx-ws:connect="([^"]+)"', response.content.decode())
    assert match is not None
    return html.unescape(match.group(1)), response.content.decode()


# -- on a page that is not live ---------------------------------------------------------------


def test_on_a_plain_page_each_component_connects_on_its_own(live_client):
    html_page = live_client.get("/plain-steppers/").content.decode()
    assert "data-live-root data-live-standalone" in html_page
    assert html_page.count("hx-ws:connect=") == 2

    a = live_client.live("/plain-steppers/", component="a")
    b = live_client.live("/plain-steppers/", component="b")
    assert a.errors == []
    assert b.errors == []
    assert a.frames == [{"joined": True}]  # the socket's render is the page's: nothing to send

    components.renders.clear()
    a.component("a").send("inc", by=2)
    b.component("b").send("inc")
    assert value(a.component("a")) == "7"
    assert value(b.component("b")) == "1"
    assert components.renders == ["a", "b"]


def test_a_plain_page_with_two_components_of_one_id_is_refused_by_name(live_client):
    # Ids are unique per class only: the test client opened the first one's socket, whichever
    # the test meant.
    html_page = live_client.get("/plain-steppers/").content.decode()
    both_a = html_page.replace('data-live-id="b"', 'data-live-id="a"')
    with pytest.raises(AssertionError, match="2 live components have the id 'a'"):
        standalone_socket_url(both_a, "a")


def test_on_a_plain_page_self_parent_is_none(live_client):
    page = live_client.live("/plain-steppers/", component="a")
    reply = page.component("a").send("inc")  # would fail on self.parent.total otherwise
    assert "error" not in reply


def test_a_plain_pages_socket_serves_its_component_only(live_client):
    page = live_client.live("/plain-steppers/", component="a")
    reply = page.send("inc")  # no component address: the stand-in page has no events
    assert reply["error"]["code"] == "unknown_event"
    # Said in the words of the page, not of the library's stand-in view (ComponentSocketView).
    assert reply["error"]["message"] == (
        "No live event named 'inc' on this socket's page: it is not live, and only its live "
        "component's events run here, sent to the component (in a test: "
        "page.component(id).send(...))."
    )
    other = live_client.live("/plain-steppers/", component="b")
    address = other.component("b").address
    page.send_frame({"event": "inc", "args": {}, "component": address, "ref": 5})
    assert page.receive()["error"]["code"] == "unknown_component"


@pytest.mark.django_db(transaction=True)
def test_a_plain_pages_component_socket_runs_the_pages_access_checks(live_client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("member", password="x")
    live_client.force_login(user)
    url = _socket_of_component(live_client.get("/private-steppers/"), "a")
    live_client.http.logout()
    live_client.force_login(User.objects.create_user("other", password="x"))
    assert _closed_with(live_client, url) == 4403  # the token is bound to the first user's session

    # A fresh load by a user the page's login_required lets in works; a logout ends it.
    page = live_client.live("/private-steppers/", component="a")
    assert page.component("a").send("inc")["ref"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_plain_pages_component_is_refused_when_the_page_now_refuses(live_client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("staffer", password="x", is_staff=True)
    live_client.force_login(user)
    url = _socket_of_component(live_client.get("/plain-secret/"), "s")
    User.objects.filter(pk=user.pk).update(is_staff=False)
    assert _closed_with(live_client, url) == 4403  # check_access() refuses as the page renders


def _socket_of_component(response, ident):
    from live_views.testing.components import standalone_socket_url

    return standalone_socket_url(response.content.decode(), ident)


def _closed_with(client, url):
    """The close code of a socket opened with the client's cookies, refused as it connects."""
    page = client.open_socket(url)
    frame = page.receive(timeout=5)
    assert frame is None, frame
    return page.close_code


# -- live_state -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "standalone"), [("/kept/", None), ("/plain-kept/", "k")])
def test_a_components_live_state_is_kept_across_a_reconnect(live_client, path, standalone):
    page = live_client.live(path, component=standalone)
    page.component("k").send("inc", by=4)
    page.reconnect()
    assert value(page.component("k")) == "5"
    page.component("k").send("inc")
    assert value(page.component("k")) == "6"
    assert page.errors == []

    fresh = live_client.live(path, component=standalone)  # a new page load starts over
    assert value(fresh.component("k")) == "1"


# The page keeps whether it shows the modal (live_state): routed apart, see state_urls.
@pytest.mark.urls("tests.state_urls")
def test_a_component_its_page_hid_mounts_fresh_when_shown_again(live_client):
    page = live_client.live("/hidable-kept/")
    page.component("k").send("inc", by=4)
    assert value(page.component("k")) == "5"

    page.send("hide")  # a modal closed by an {% if %}: the component is gone
    assert 'class="value"' not in page.html
    page.send("show")

    assert value(page.component("k")) == "1"  # its mount() state, not the 5 it had
    page.reconnect()
    assert value(page.component("k")) == "1"
    assert page.errors == []


@pytest.mark.urls("tests.state_urls")
@pytest.mark.parametrize("path", ["/hidable-kept/", "/open-modal/"])
def test_a_component_that_hides_itself_mounts_fresh_when_shown_again(live_client, path):
    page = live_client.live(path)
    page.component("k").send("inc_and_close", by=4)  # changes its state, then its page hides it
    assert 'class="value"' not in page.html
    if path == "/open-modal/":
        page.reconnect()  # the page shows it again at once: its state of before is gone
    else:
        page.send("show")
    assert value(page.component("k")) == "1"
    assert page.errors == []


@pytest.mark.urls("tests.state_urls")
def test_a_hidden_component_stays_dropped_across_a_reconnect(live_client):
    page = live_client.live("/hidable-kept/")
    page.component("k").send("inc", by=4)
    page.send("hide")
    page.reconnect()  # the page's live_state keeps it hidden
    assert 'class="value"' not in page.html
    page.send("show")
    assert value(page.component("k")) == "1"


@pytest.mark.urls("tests.state_urls")
def test_a_hidden_component_a_reconnect_shows_again_mounts_fresh(live_client):
    page = live_client.live("/open-modal/")
    page.component("k").send("inc", by=4)
    page.send("hide")
    page.reconnect()  # the page starts open again: the component is shown, as a new one
    assert value(page.component("k")) == "1"


def test_a_component_a_reconnect_no_longer_shows_mounts_fresh_when_shown_again(live_client):
    page = live_client.live("/closed-modal/")
    page.send("show")
    page.component("k").send("inc", by=4)
    page.reconnect()  # the page starts closed again: the component is not on it
    assert 'class="value"' not in page.html
    page.send("show")
    assert value(page.component("k")) == "1"
    page.reconnect()  # still closed; shown again later, still fresh (not the 5 of before)
    page.send("show")
    assert value(page.component("k")) == "1"


@pytest.mark.urls("tests.state_urls")
def test_a_shown_component_keeps_its_state_across_page_events_and_a_reconnect(live_client):
    page = live_client.live("/hidable-kept/")
    page.component("k").send("inc", by=4)
    page.send("show")  # shown already: the page re-renders and still shows it
    page.reconnect()
    assert value(page.component("k")) == "5"
    page.send("hide")
    page.send("show")
    assert value(page.component("k")) == "1"
    page.component("k").send("inc", by=2)
    page.reconnect()
    assert value(page.component("k")) == "3"  # state changed after it came back is kept


# -- live_subscriptions -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("path", "standalone"), [("/news/", None), ("/plain-news/", "news")])
def test_a_components_subscriptions_re_render_it_on_a_broadcast(live_client, path, standalone):
    from live_views import broadcast

    page = live_client.live(path, component=standalone)
    assert "nothing yet" in page.component("news").html
    components.HEADLINES.append("components are live")
    try:
        broadcast("news")
        page.wait_for_update()
        assert "components are live" in page.component("news").html
    finally:
        del components.HEADLINES[1:]


def following_news() -> int:
    """How many channels of the layer hear "news" (the hub's: one per process that follows)."""
    layer = get_channel_layer()
    return len(layer.groups.get(group_name("news"), {}))


def test_a_page_stops_following_what_a_component_it_no_longer_shows_followed(live_client):
    page = live_client.live("/hidable-news/")
    other = live_client.live("/hidable-news/")
    assert following_news() == 1

    page.send("hide")
    assert "headline" not in page.html
    assert following_news() == 1  # the other page still shows its headline
    other.send("hide")
    assert following_news() == 0  # a broadcast("news") now refreshes nobody

    page.send("show")  # shown again: mounted again, and it follows "news" again
    assert "nothing yet" in page.component("news").html
    assert following_news() == 1


# -- update() -----------------------------------------------------------------------------------


@pytest.fixture
def two_tasks(live_db):
    from tests.todoapp.models import Board, Task

    board = Board.objects.create(name="b")
    return [Task.objects.create(board=board, title=title).pk for title in ("one", "two")]


def line(page, pk) -> str:
    return html.unescape(page.component(str(pk)).html)


def test_update_gives_a_component_the_row_its_page_read_again(live_client, two_tasks):
    first, second = two_tasks
    page = live_client.live("/task-lines/")
    assert "<b>one</b>" in line(page, first)

    page.send("rename", pk=first, title="one, renamed")
    assert "<b>one, renamed</b>" in line(page, first)
    assert "<i>1</i>" in line(page, first)  # once per render of the page

    page.component(str(first)).send("star")  # its own event: the page's template is not read
    assert "<b>one, renamed</b>★ <i>1</i>" in line(page, first)
    page.send("rename", pk=second, title="two, renamed")
    assert "<b>one, renamed</b>★ <i>2</i>" in line(page, first)  # its own state stands
    assert "<b>two, renamed</b>" in line(page, second)


def test_a_component_placed_with_a_pk_is_found_by_that_pk(live_client, two_tasks):
    # {% live_component ... id=task.pk %} makes the id "7": page.component(task.pk) found no
    # component "with id 7" on a page that showed it.
    first, _ = two_tasks
    page = live_client.live("/task-lines/")
    assert page.component(first).address == page.component(str(first)).address
    page.component(first).send("star")
    assert "★" in line(page, first)


def test_without_update_a_component_keeps_what_it_was_mounted_with(live_client, two_tasks):
    first, _ = two_tasks
    page = live_client.live("/stale-task-lines/")
    page.send("rename", pk=first, title="one, renamed")
    assert "<b>one</b>" in line(page, first)


def test_an_event_named_update_is_refused_where_it_would_be_called_on_each_render():
    from live_views import LiveComponent, live_event

    with pytest.raises(TypeError, match="give the event another name"):

        class Editor(LiveComponent):
            @live_event
            def update(self) -> None:
                pass


# -- forms ------------------------------------------------------------------------------------


def test_a_form_component_validates_what_the_user_typed_and_submits(live_client):
    page = live_client.live("/steppers/")
    note = page.component("note")
    assert 'data-live-event="validate"' in note.html

    note.validate("title", title="ab", body="")
    assert "Ensure this value has at least 3 characters" in note.block("title")
    note.validate("title", title="abc", body="")
    assert "errorlist" not in note.block("title")

    components.NOTES.clear()
    note.submit("submit", title="", body="x")
    assert "This field is required" in note.block("title")  # a submit shows every error
    # ... and the browser focuses the field, that component's own (its ids are its own too).
    own = f'[data-live-component="{note.address}"]'
    focus = (
        f'{own} [data-live-form] [id="id_{note.address}_title"]:not({own} [data-live-component] *)'
    )
    assert page.frames[-1]["focus"] == focus
    assert "reset" not in page.frames[-1]  # the user's values stay, to be corrected
    assert components.NOTES == []
    note.submit("submit", title="A note", body="")
    assert components.NOTES == ["A note"]
    assert note.block("notes") == "1 saved"
    assert 'value="A note"' not in note.block("title")  # reset_form() emptied it
    # ... and the browser resets that form (its own, not a form of a component inside it), as
    # the morph keeps what the user typed in a field.
    own = f'[data-live-component="{note.address}"]'
    assert page.frames[-1]["reset"] == f"{own} [data-live-form]:not({own} [data-live-component] *)"
    assert page.errors == []


# -- model-typed arguments --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_model_typed_arguments_are_looked_up_in_the_components_own_queryset(live_client):
    from tests.todoapp.models import Board, Task

    mine, other = Board.objects.create(name="mine"), Board.objects.create(name="other")
    task = Task.objects.create(board=mine, title="write docs")
    foreign = Task.objects.create(board=other, title="not yours")

    page = live_client.live(f"/board/{mine.pk}/")
    tasks = page.component("tasks")
    assert "write docs" in tasks.html
    assert tasks.send("finish", task=task.pk).get("error") is None
    assert "write docs (done)" in tasks.html

    reply = tasks.send("finish", task=foreign.pk)
    assert reply["error"]["code"] == "bad_arguments"
    assert "no Task with that key here" in reply["error"]["message"]
    foreign.refresh_from_db()
    assert foreign.done is False


# -- live_target ------------------------------------------------------------------------------


def test_live_target_renders_only_the_named_block_of_the_component(live_client):
    page = live_client.live("/row-list/")
    rows = page.component("rows")
    components.label_reads.clear()

    reply = rows.send("rename", id=7, name="seven")

    assert components.label_reads == [7]  # one iteration of the component's loop ran
    assert swapped(reply) == [f"lv-c{rows.address}-row-7"]
    assert rows.block("row", 7) == "seven"
    assert rows.block("row", 8) == "row 8"

    components.label_reads.clear()
    reply = rows.send("rename_untargeted", id=8, name="eight")
    assert len(components.label_reads) == 50  # without live_target: the whole component
    assert swapped(reply) == [f"lv-c{rows.address}-row-8"]
    assert rows.block("row", 7) == "seven"  # the targeted change was kept


def test_live_target_after_a_page_event_still_finds_its_block(live_client):
    page = live_client.live("/row-list/")
    rows = page.component("rows")
    rows.send("rename", id=1, name="one")
    page.reconnect()  # a new socket: the component mounts afresh and renders whole first
    reply = page.component("rows").send("rename", id=2, name="two")
    assert swapped(reply) == [f"lv-c{rows.address}-row-2"]
    assert page.component("rows").block("row", 1) == "row 1"


def test_live_target_of_a_block_with_a_csrf_token_keeps_the_pages_token(live_client):
    page = live_client.live("/form-row-list/")
    rows = page.component("rows")

    reply = rows.send("rename", id=1, name="one")
    assert swapped(reply) == [f"lv-c{rows.address}-row-1"]
    token = csrf_token(rows.block("row", 1))

    reply = rows.send("rename", id=1, name="one")  # named, but nothing in it changed
    assert swapped(reply) == []
    reply = rows.send("rename_untargeted", id=2, name="two")  # the component renders whole
    assert swapped(reply) == [f"lv-c{rows.address}-row-2"]
    assert csrf_token(rows.block("row", 2)) == token  # one token for the page's renders
    assert rows.block("row", 1).endswith("one</form>")


def csrf_token(block: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', block)
    assert match is not None, block
    return match.group(1)


def test_an_async_handler_of_a_component_runs_the_same_way(live_client):
    page = live_client.live("/steppers/")
    a = page.component("a")
    components.renders.clear()
    reply = a.send("inc_async", by=2)
    assert swapped(reply) == ["lv-total", f"lv-c{a.address}"]
    assert value(a) == "7"
    assert total(page) == "2"
    assert components.renders == ["a"]


@pytest.mark.parametrize(
    ("path", "standalone", "event"),
    [
        ("/stepper-rows/", None, "rename"),
        ("/stepper-rows/", None, "rename_counted"),  # the page's liveblocks render too
        ("/plain-stepper-rows/", "rows", "rename"),
    ],
)
def test_live_target_of_a_row_keeps_the_components_in_the_rows(
    live_client, path, standalone, event
):
    page = live_client.live(path, component=standalone)
    page.component("x1").send("inc", by=3)
    rows = page.component("rows")

    reply = rows.send(event, row="x1", label="one")

    assert "error" not in reply
    assert rows.block("row", "x1").startswith("<i>one</i>")
    assert value(page.component("x1")) == "3"  # the row's stepper is still in it
    # Every component is still live: the renamed row's, the others', the outer one.
    for ident in ("x0", "x1", "x2"):
        assert "error" not in page.component(ident).send("inc_own", by=1)
    assert (value(page.component("x0")), value(page.component("x1"))) == ("1", "4")
    assert "error" not in rows.send("rename", row="x2", label="two")
    assert rows.block("row", "x2").startswith("<i>two</i>")
    # Rendered whole afterwards, the component shows its rows' steppers as they are.
    reply = rows.send("rename_untargeted", row="x0", label="zero")
    assert "\x00" not in reply["content"]
    assert (value(page.component("x0")), value(page.component("x1"))) == ("1", "4")
    assert page.errors == []


def test_a_targeted_row_that_is_gone_renders_the_component_whole(live_client):
    page = live_client.live("/stepper-rows/")
    page.component("x2").send("inc", by=2)
    x1 = page.component("x1")
    rows = page.component("rows")

    reply = rows.send("merge", row="x1", into="x0")

    assert "error" not in reply
    assert rows.block("row", "x0").startswith("<i>row x0 &amp; row x1</i>")
    assert 'data-live-id="x1"' not in rows.html
    assert value(page.component("x2")) == "2"
    assert page.errors == []
    page.send_frame({"event": "inc", "args": {}, "component": x1.address, "ref": 9})
    assert page.receive()["error"]["code"] == "unknown_component"  # x1 was dropped


def test_live_target_of_a_row_that_now_holds_other_blocks_renders_them(live_client):
    page = live_client.live("/open-rows/")
    rows = page.component("rows")

    reply = rows.send("open", row="r1")  # the row now holds a liveblock and a component

    assert "error" not in reply
    assert rows.block("detail", "r1") == "details of r1"
    r1 = page.component("r1")
    assert "error" not in r1.send("inc_own", by=2)
    assert value(r1) == "2"
    assert page.errors == []

    reply = rows.send("close", row="r1")  # and now no longer holds them

    assert "error" not in reply
    assert rows.block("row", "r1") == "<i>r1</i>"
    page.send_frame({"event": "inc", "args": {}, "component": r1.address, "ref": 9})
    assert page.receive()["error"]["code"] == "unknown_component"  # r1's stepper is gone
    rows.send("open", row="r1")
    assert value(page.component("r1")) == "0"  # shown again, it mounts afresh
