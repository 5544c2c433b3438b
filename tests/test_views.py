"""live_views/views.py: the LiveViewMixin on its own: what a page subscribes to, HTTP versus
socket, live_patch/live_target, the template it renders blocks from and the rows it may name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template.backends.django import DjangoTemplates
from django.template.base import Template
from django.template.response import TemplateResponse
from django.test import RequestFactory, override_settings

from live_views import LiveDetailView, LiveListView, LiveTemplateView, live_event
from live_views.render.collector import block_id
from live_views.runtime import Mount, Patch, mounting
from tests.testapp.views import CounterView
from tests.todoapp.models import Board, Tag, Task


def make(view_class: type, path: str = "/page/", **initkwargs: Any) -> Any:
    view = view_class(**initkwargs)
    view.setup(RequestFactory().get(path))
    return view


def dispatch_on_socket(view: Any, mount: Mount | None = None) -> tuple[Any, Mount]:
    mount = mount or Mount()
    reset = mounting.set(mount)
    try:
        response = view.dispatch(view.request, *view.args, **view.kwargs)
    finally:
        mounting.reset(reset)
    return response, mount


def test_a_live_event_named_get_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match=r"Refresh\.get is a @live_event, but get\(\) is what"):

        class Refresh(LiveTemplateView):
            @live_event
            def get(self) -> None:
                pass

    class Renamed(LiveTemplateView):  # the way out the message gives
        @live_event(name="get")
        def fetch(self) -> None:
            pass

    assert Renamed.live_events["get"].attribute == "fetch"


# -- get_live_subscriptions ---------------------------------------------------------------------


class News(LiveTemplateView):
    template_name = "testapp/plain.html"
    live_subscriptions = ("news", Tag)


class Tasks(LiveListView):
    model = Task


class OpenTasks(LiveListView):
    queryset = Task.objects.filter(done=False)


class TasksWithNews(News, LiveListView):  # type: ignore[misc]
    model = Task


class OneBoard(LiveDetailView):
    model = Board


def test_live_subscriptions_are_followed_as_they_are():
    assert make(News).get_live_subscriptions() == ["news", Tag]


def test_a_view_with_a_model_follows_the_model():
    assert make(Tasks).get_live_subscriptions() == [Task]


def test_a_view_with_a_queryset_follows_its_model():
    assert make(OpenTasks).get_live_subscriptions() == [Task]


def test_an_object_list_queryset_wins_over_the_model():
    view = make(Tasks)
    view.object_list = Board.objects.none()
    assert view.get_live_subscriptions() == [Board]


def test_an_object_list_that_is_no_queryset_falls_back_to_the_model():
    view = make(Tasks)
    view.object_list = ["not", "rows"]
    assert view.get_live_subscriptions() == [Task]


def test_a_view_with_an_object_follows_that_row_only():
    view = make(OneBoard)
    view.object = Board(pk=4, name="b")
    assert view.get_live_subscriptions() == [view.object]


def test_live_subscriptions_and_the_views_own_data_add_up():
    assert make(TasksWithNews).get_live_subscriptions() == ["news", Tag, Task]


def test_a_view_without_data_or_subscriptions_follows_nothing():
    assert make(CounterView).get_live_subscriptions() == []


def test_the_class_attribute_is_not_changed_by_deriving():
    make(TasksWithNews).get_live_subscriptions()
    assert TasksWithNews.live_subscriptions == ("news", Tag)


# -- live events per class ----------------------------------------------------------------------


class MoreCounter(CounterView):
    @live_event
    def decrement(self) -> None:
        self.count -= 1

    def explode(self) -> None:  # overridden without @live_event: no longer an event
        pass


def test_each_subclass_gets_its_own_event_table():
    assert set(CounterView.live_events) == {"increment", "explode"}
    assert set(MoreCounter.live_events) == {"increment", "decrement"}


# -- HTTP versus socket -------------------------------------------------------------------------


def test_over_http_a_live_view_renders_its_whole_page():
    view = make(CounterView)
    response = view.dispatch(view.request)
    assert view.live_connected is False
    assert isinstance(response, TemplateResponse)
    assert '<p id="static">0 rendered once</p>' in response.render().content.decode()
    assert view.live_runtime.context is None


def test_on_a_socket_it_keeps_the_context_for_the_blocks_and_renders_nothing():
    view = make(CounterView)
    response, mount = dispatch_on_socket(view)
    assert view.live_connected is True
    assert mount.view is view
    assert type(response) is HttpResponse
    assert (response.status_code, response.content) == (200, b"")
    assert view.live_runtime.context is not None
    assert view.live_runtime.context["count"] == 0


def test_a_recheck_runs_the_access_checks_on_a_throwaway_and_get_on_the_page():
    page = make(CounterView)
    dispatch_on_socket(page)
    page.count = 7
    page.live_runtime.context = None
    throwaway = make(CounterView)

    _, mount = dispatch_on_socket(throwaway, Mount(page=page))

    assert mount.view is page
    assert page.live_runtime.context is not None
    assert page.live_runtime.context["count"] == 7
    assert throwaway.live_runtime.context is None
    assert throwaway.live_connected is False


class RecordingState:
    def __init__(self) -> None:
        self.seen: list[tuple[Any, bool, bool]] = []

    def restore(self, view: Any) -> None:
        self.seen.append((view, hasattr(view, "request"), view.live_runtime.context is None))


def test_saved_state_is_restored_after_setup_and_before_get():
    state = RecordingState()
    view = make(CounterView)
    dispatch_on_socket(view, Mount(state=state))
    assert state.seen == [(view, True, True)]


def test_only_the_first_live_view_a_mount_reaches_is_the_page():
    first, second = make(CounterView), make(CounterView)
    mount = Mount()
    dispatch_on_socket(first, mount)
    dispatch_on_socket(second, mount)
    assert mount.view is first
    assert second.live_connected is False


# -- live_patch and live_target -----------------------------------------------------------------


def test_live_patch_over_http_is_refused_naming_the_view_and_the_fix():
    view = make(CounterView)
    with pytest.raises(RuntimeError) as caught:
        view.live_patch({"page": 2})
    message = str(caught.value)
    assert "CounterView.live_patch() was called while serving an HTTP request" in message
    assert "return redirect(url) instead" in message


def test_live_patch_on_a_socket_records_the_normalized_query_and_the_last_call_wins():
    view = make(CounterView)
    dispatch_on_socket(view)
    view.live_patch({"page": 2})
    view.live_patch("?q=a b", replace=True)
    assert view.live_runtime.patch == Patch(query="q=a+b", replace=True)


def test_live_patch_refuses_another_path():
    view = make(CounterView)
    dispatch_on_socket(view)
    with pytest.raises(ValueError, match="redirect"):
        view.live_patch("/elsewhere/")
    assert view.live_runtime.patch is None


def test_live_target_collects_block_ids_keys_included():
    view = make(CounterView)
    view.live_target("counter")
    view.live_target("row", 3)
    view.live_target("row", "a b")
    view.live_target("counter")
    assert view.live_runtime.targets == frozenset(
        {"lv-counter", "lv-row-3", block_id("row", "a b")}
    )


# -- get_live_template --------------------------------------------------------------------------


def test_the_live_template_is_the_views_own_django_template():
    template = make(CounterView).get_live_template()
    assert isinstance(template, Template)
    assert template.origin.template_name == "testapp/counter.html"


def test_the_first_template_name_that_exists_is_used():
    view = make(CounterView, template_name=None)
    view.get_template_names = lambda: ["testapp/missing.html", "testapp/echo.html"]
    assert view.get_live_template().origin.template_name == "testapp/echo.html"


def test_a_template_of_another_engine_is_refused_naming_the_backend(tmp_path: Path):
    (tmp_path / "strings.html").write_text("<p>$count</p>")
    engines = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
        {
            "BACKEND": "django.template.backends.dummy.TemplateStrings",
            "DIRS": [str(tmp_path)],
            "NAME": "strings",
        },
    ]
    with override_settings(TEMPLATES=engines):
        view = make(CounterView, template_name="strings.html", template_engine="strings")
        with pytest.raises(ImproperlyConfigured) as caught:
            view.get_live_template()
    message = str(caught.value)
    assert message.startswith("CounterView renders <django.template.backends.dummy.Template")
    assert "BACKEND django.template.backends.django.DjangoTemplates" in message
    assert DjangoTemplates.__module__ in message


# -- get_live_queryset and refresh_live_context ------------------------------------------------


def test_rows_an_event_may_name_come_from_the_views_queryset():
    queryset = make(OpenTasks).get_live_queryset(Task)
    assert str(queryset.query) == str(OpenTasks.queryset.query)


@pytest.mark.parametrize(("view_class", "model"), [(CounterView, Task), (Tasks, Board)])
def test_a_view_whose_queryset_holds_other_rows_must_say_which_rows(view_class, model):
    with pytest.raises(ImproperlyConfigured) as caught:
        make(view_class).get_live_queryset(model)
    message = str(caught.value)
    assert f"{view_class.__qualname__} has a live event argument of type {model.__name__}" in (
        message
    )
    assert "Override get_live_queryset(model)" in message


def test_refresh_live_context_runs_get_again_for_fresh_data():
    view = make(CounterView)
    dispatch_on_socket(view)
    view.count = 3
    view.refresh_live_context()
    assert view.live_runtime.context is not None
    assert view.live_runtime.context["count"] == 3
