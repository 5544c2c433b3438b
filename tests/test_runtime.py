"""live_views/runtime.py: the library's state on a live view is one object, ``view.live_runtime``;
``query_string`` normalizes what ``live_patch()`` is given."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.http import QueryDict
from django.urls import include, path

from live_views import live_event
from live_views.render.collector import block_id
from live_views.runtime import LiveRuntime, Mount, Patch, mounting, query_string
from tests.live_helpers import TrackingLiveClient
from tests.testapp.views import CounterView

pytestmark = pytest.mark.urls("tests.test_runtime")
SEEN: list[dict[str, Any]] = []
# What Django's View.setup() and the view's own handlers put in the instance's __dict__.
VIEW_OWN = {"request", "args", "kwargs", "head", "count"}


class RuntimeView(CounterView):
    def look(self, when: str) -> None:
        runtime = self.live_runtime
        SEEN.append(
            {
                "when": when,
                "keys": sorted(set(vars(self)) - VIEW_OWN),
                "connected": runtime.connected,
                "targets": runtime.targets,
                "patch": runtime.patch,
            }
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.look("render")
        return super().get_context_data(**kwargs)

    @live_event
    def target(self) -> None:
        self.count += 1
        self.live_target("counter")
        self.live_target("row", "a b")
        self.look("handler")

    @live_event
    def patch(self, page: int, replace: bool = False) -> None:
        self.live_patch({"page": page}, replace=replace)
        self.look("handler")

    @live_event
    def noop(self) -> None:
        self.look("handler")


urlpatterns = [path("runtime/", RuntimeView.as_view()), path("", include("tests.urls"))]


@pytest.fixture
def live_client() -> Iterator[TrackingLiveClient]:
    SEEN.clear()
    live_client = TrackingLiveClient()
    yield live_client
    live_client.close()


# -- on a live page -----------------------------------------------------------------------------


def test_over_http_the_runtime_says_not_connected_and_nothing_else_is_added(live_client):
    assert live_client.get("/runtime/").status_code == 200
    assert SEEN == [
        {"when": "render", "keys": ["live_runtime"], "connected": False, "targets": None,
         "patch": None}
    ]  # fmt: skip


def test_live_target_is_recorded_on_the_runtime_until_the_render_reads_it(live_client):
    page = live_client.live("/runtime/")
    SEEN.clear()

    reply = page.send("target")

    handler, render = SEEN
    assert handler["targets"] == frozenset({"lv-counter", block_id("row", "a b")})
    assert render["when"] == "render"
    assert "content" in reply
    page.send("noop")
    assert SEEN[-1]["targets"] is None  # read by the render, not carried to the next event


def test_live_patch_is_recorded_on_the_runtime_and_sent_once(live_client):
    page = live_client.live("/runtime/")
    SEEN.clear()

    reply = page.send("patch", page=3, replace=True)

    assert SEEN[0]["patch"] == Patch(query="page=3", replace=True)
    assert reply["patch"] == {"search": "?page=3", "replace": True}
    reply = page.send("noop")
    assert SEEN[-1]["patch"] is None
    assert "patch" not in reply


def test_events_leave_nothing_of_the_library_in_the_view_but_live_runtime(live_client):
    page = live_client.live("/runtime/")
    page.send("target")
    page.send("patch", page=2)
    page.send("noop")
    page_load, *on_the_socket = SEEN
    assert page_load["connected"] is False
    assert len(on_the_socket) == 7  # the mount's render, then a handler and a render per event
    assert all(seen["connected"] for seen in on_the_socket)
    assert {tuple(seen["keys"]) for seen in SEEN} == {("live_runtime",)}


# -- LiveRuntime --------------------------------------------------------------------------------


def test_a_new_runtime_is_an_http_one_with_nothing_pending():
    runtime = LiveRuntime()
    assert (runtime.connected, runtime.context, runtime.targets, runtime.patch) == (
        False,
        None,
        None,
        None,
    )


def test_forget_event_drops_what_the_handler_asked_for_and_keeps_the_rest():
    runtime = LiveRuntime(
        connected=True,
        context={"count": 1},
        targets=frozenset({"lv-a"}),
        patch=Patch("a=1", False),
    )
    runtime.forget_event()
    assert (runtime.targets, runtime.patch) == (None, None)
    assert runtime.connected is True
    assert runtime.context == {"count": 1}


def test_no_mount_is_in_progress_outside_a_socket_mount():
    assert mounting.get() is None
    assert Mount() == Mount(view=None, page=None, state=None)


# -- query_string -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"page": 2}, "page=2"),
        ({"q": "a b&c"}, "q=a+b%26c"),
        ({"tag": ["x", "y"]}, "tag=x&tag=y"),
        ({"tag": ("x", None, "y")}, "tag=x&tag=y"),
        ({"q": None, "page": 1}, "page=1"),
        ({"flag": True, "n": 1.5}, "flag=True&n=1.5"),
        ({1: "one"}, "1=one"),
        ({}, ""),
        ("page=2", "page=2"),
        ("?page=2&q=a b", "page=2&q=a+b"),
        ("q=%C3%BC", "q=%C3%BC"),
        ("", ""),
        ("?", ""),
        (QueryDict("a=1&a=2"), "a=1&a=2"),
    ],
)
def test_a_query_is_normalized_to_an_encoded_query_string(query, expected):
    assert query_string(query) == expected


@pytest.mark.parametrize("query", ["/other/", "/other/?page=2", "https://evil.example/", "a=1#x"])
def test_a_path_a_url_or_a_fragment_is_refused_pointing_to_redirect(query):
    with pytest.raises(ValueError, match=r"changes the page's query only") as caught:
        query_string(query)
    assert repr(query) in str(caught.value)
    assert "return redirect(url)" in str(caught.value)


@pytest.mark.parametrize("query", [["page", "2"], 5, None, b"page=2"])
def test_anything_but_a_mapping_or_a_string_is_refused_naming_its_type(query):
    with pytest.raises(TypeError, match=f"not {type(query).__name__}"):
        query_string(query)
