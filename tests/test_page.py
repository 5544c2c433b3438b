"""live_views/socket/page.py: one page's server side, driven directly (no socket): it joins,
refreshes on a broadcast, follows Back/Forward and renders only the blocks that changed."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_script_prefix, include, path, set_script_prefix

from live_views import __version__
from live_views.connect.tokens import make_connect_token
from live_views.pubsub.topics import group_name
from live_views.socket.limits import open_connections
from live_views.socket.mount import Refused
from live_views.socket.page import LivePage, qualname
from live_views.socket.protocol import Join
from tests.live_helpers import mint_token
from tests.testapp.views import CounterView
from tests.todoapp.models import Board

pytestmark = pytest.mark.urls("tests.test_page")
ADDRESS = "10.9.8.7"
GATE = {"open": True}


class GateView(CounterView):
    """Lets visitors in while GATE is open (an access check that can change under a page)."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not GATE["open"]:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class NoRenderView(CounterView):
    """Renders on mount, then its get() stops rendering (a bug in a user's view)."""

    rendering = True

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.rendering:
            return HttpResponse("not a render")
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path("gate/", GateView.as_view()),
    path("no-render/", NoRenderView.as_view()),
    path("", include("tests.urls")),
]


def scope(**extra: Any) -> dict[str, Any]:
    base = {
        "type": "websocket",
        "path": "/live/ws/",
        "headers": [(b"host", b"testserver"), (b"origin", b"http://testserver")],
        "client": (ADDRESS, 40000),
    }
    return {**base, **extra}


@pytest.fixture
def opened() -> Iterator[list[LivePage]]:
    pages: list[LivePage] = []
    yield pages
    for page in pages:
        if page.slot is not None:
            page.slot.release()
    GATE["open"] = True
    set_script_prefix("/")


def open_page(opened: list[LivePage], path: str, query: str = "", **extra: Any) -> LivePage:
    page = LivePage.open(scope(**extra), mint_token(path, query))
    opened.append(page)
    return page


def shows_count(frame: dict[str, Any]) -> int:
    match = re.search(r'<p id="count">(-?\d+)</p>', frame.get("content", ""))
    assert match is not None, frame
    return int(match.group(1))


def versions(frame: dict[str, Any]) -> dict[str, str]:
    return dict(re.findall(r'id="(lv-[^"]+)" data-lv-v="([0-9a-f]+)"', frame.get("content", "")))


# -- join ---------------------------------------------------------------------------------------


def test_a_join_that_shows_nothing_gets_every_block(opened):
    page = open_page(opened, "/counter/")
    frame = page.join(Join(version=__version__, blocks={}))
    assert frame["joined"] is True
    assert shows_count(frame) == 0
    assert list(versions(frame)) == ["lv-counter"]


def test_a_join_that_shows_the_current_blocks_is_answered_joined_only(opened):
    shown = versions(open_page(opened, "/counter/").join(Join(version=__version__, blocks={})))
    page = open_page(opened, "/counter/")
    assert page.join(Join(version=__version__, blocks=shown)) == {"joined": True}


def test_a_join_from_a_stale_script_still_joins_and_warns(opened, caplog):
    page = open_page(opened, "/counter/")
    with caplog.at_level("WARNING", logger="live_views"):
        frame = page.join(Join(version="0.0.0-old", blocks={}))
    assert frame["joined"] is True
    assert "'0.0.0-old'" in caplog.text
    assert "reload the page" in caplog.text


def test_a_join_whose_address_bar_shows_another_query_renders_that_query(opened):
    page = open_page(opened, "/catalog/", "page=1")
    frame = page.join(Join(version=__version__, blocks={}, search="page=2"))
    assert frame["joined"] is True
    assert "page 2 of 5" in frame["content"]
    assert page.request.GET["page"] == "2"


def test_a_join_for_a_query_the_view_refuses_asks_for_a_reload(opened):
    page = open_page(opened, "/catalog/", "page=1")
    frame = page.join(Join(version=__version__, blocks={}, search="secret=1"))
    assert frame == {"joined": True, "reload": True}
    assert page.request.GET.dict() == {"page": "1"}


# -- refresh (a broadcast) ----------------------------------------------------------------------


def test_a_refresh_reads_the_views_data_again_and_sends_what_changed(opened):
    page = open_page(opened, "/counter/")
    page.join(Join(version=__version__, blocks={}))
    page.view.count = 4
    assert shows_count(page.refresh()) == 4
    assert page.refresh() == {}  # nothing changed since


@pytest.mark.django_db
def test_a_refresh_of_a_page_whose_object_was_deleted_answers_reload(opened):
    board = Board.objects.create(name="doomed")
    page = open_page(opened, f"/todo/boards/{board.pk}/")
    page.join(Join(version=__version__, blocks={}))
    board.delete()
    assert page.refresh() == {"reload": True}


def test_a_refresh_the_access_check_now_refuses_is_refused_4403(opened):
    # The consumer closes the socket with that code (docs/protocol.md, 4403).
    page = open_page(opened, "/gate/")
    page.join(Join(version=__version__, blocks={}))
    GATE["open"] = False
    with pytest.raises(Refused) as caught:
        page.refresh()
    assert caught.value.code == 4403


# -- navigate (Back/Forward) --------------------------------------------------------------------


def test_navigate_renders_the_query_the_browser_went_to_with_its_ref(opened):
    page = open_page(opened, "/catalog/", "page=2")
    page.join(Join(version=__version__, blocks={}))
    frame = page.navigate("page=1", 8)
    assert frame["ref"] == 8
    assert "page 1 of 5" in frame["content"]
    assert page.navigate("page=1", None) == {}


def test_navigate_to_a_refused_query_asks_for_a_reload_and_keeps_the_old_query(opened):
    page = open_page(opened, "/catalog/", "page=2")
    page.join(Join(version=__version__, blocks={}))
    assert page.navigate("secret=1", 3) == {"reload": True, "ref": 3}
    assert page.request.GET.dict() == {"page": "2"}


# -- rendering ----------------------------------------------------------------------------------


def test_a_get_that_does_not_render_is_an_error_naming_the_view(opened):
    page = open_page(opened, "/no-render/")
    page.view.rendering = False
    with pytest.raises(RuntimeError) as caught:
        page.render_frame(refresh=True)
    message = str(caught.value)
    assert "tests.test_page.NoRenderView.get() returned <HttpResponse" in message
    assert "must end in render_to_response()" in message


def test_a_render_uses_the_context_once_then_reads_fresh_data(opened):
    page = open_page(opened, "/counter/")
    assert page.view.live_runtime.context is not None  # from the mount's get()
    page.render_frame(refresh=False)
    assert page.view.live_runtime.context is None


# -- what the page holds ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_subscribes_to_its_views_topics(opened):
    board = Board.objects.create(name="followed")
    page = open_page(opened, f"/todo/boards/{board.pk}/")
    assert page.topics == [f"todoapp.board:{board.pk}"]
    assert page.groups == [group_name(f"todoapp.board:{board.pk}")]
    assert page.path == f"/todo/boards/{board.pk}/"


def test_a_page_dropped_unseen_gives_its_connection_slot_back(opened):
    LivePage.open(scope(), mint_token("/counter/"))
    gc.collect()
    assert open_connections(f"address:{ADDRESS}") == 0


def test_a_page_held_keeps_its_slot(opened):
    open_page(opened, "/counter/")
    assert open_connections(f"address:{ADDRESS}") == 1


def test_prepare_thread_restores_the_pages_script_prefix(opened):
    page = open_page(opened, "/counter/", root_path="/app")
    set_script_prefix("/elsewhere/")
    page.prepare_thread()
    assert get_script_prefix() == "/app/"


@pytest.mark.django_db
def test_save_session_stores_a_session_the_page_changed(opened):
    page = open_page(opened, "/counter/")
    page.save_session()
    assert page.request.session.session_key is None  # unchanged: nothing written
    page.request.session["seen"] = 1
    page.save_session()
    key = page.request.session.session_key
    assert key is not None
    assert SessionStore(key).load() == {"seen": 1}


def test_qualname_names_the_views_class_with_its_module(opened):
    page = open_page(opened, "/counter/")
    assert qualname(page.view) == "tests.testapp.views.CounterView"


@pytest.mark.django_db
def test_a_refresh_after_the_session_ended_is_refused_4401(opened):
    user = get_user_model().objects.create_user("ann", password="pw")
    client = Client()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    request = RequestFactory().get("/counter/")
    request.session = SessionStore(key)
    request.user = user
    cookie = (b"cookie", f"sessionid={key}".encode())
    page = LivePage.open(scope(headers=[*scope()["headers"], cookie]), make_connect_token(request))
    opened.append(page)
    page.join(Join(version=__version__, blocks={}))
    assert page.refresh() == {}

    client.logout()  # the session's row is gone

    with pytest.raises(Refused) as caught:
        page.refresh()
    assert caught.value.code == 4401
