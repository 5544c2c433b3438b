"""live_views/shared_defaults.py: check W026, a list, dict or set on a live view's class that
its methods change in place, so that every page of every visitor shares what one page put in it."""

from __future__ import annotations

import functools
import importlib.util
import time
import typing
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import path

from live_views import LiveComponent, LiveTemplateView, live_event
from live_views.checks import check_class_defaults
from live_views.components.host import component_class
from live_views.shared_defaults import check_shared_defaults


class NotesView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


class FreshNotesView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    count = 0

    @live_event
    def add(self, text: str) -> None:
        self.notes = [*self.notes, text]  # the page's own list, as W026's hint says
        self.count += 1

    @live_event
    def restart(self, text: str) -> None:
        self.notes = []
        self.notes.append(text)  # appends to the list it just gave the page


class SetUpNotesView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []  # documents the attribute; setup() gives each page its own

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.notes = []

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def warnings_of(*view_classes: type[Any]) -> list[tuple[str, str]]:
    return [(w.msg, w.hint) for w in check_shared_defaults(list(view_classes))]


def test_a_list_of_the_class_appended_to_is_w026_naming_the_method_and_the_fix():
    [(message, hint)] = warnings_of(NotesView)
    assert message == (
        "NotesView.add() changes self.notes in place (.append()), but notes is a list on the "
        "class: every page of every visitor shares that one object, so what one page puts in "
        "it, all pages show."
    )
    assert hint.startswith("Assign a new value instead (self.notes = [*self.notes, item])")


def test_assigning_a_new_value_and_immutable_defaults_pass():
    assert warnings_of(FreshNotesView) == []


def test_a_value_each_page_gets_in_setup_passes():
    # setup() runs for every page before its first event: the append changes the page's own.
    assert warnings_of(SetUpNotesView) == []


class Changes(LiveTemplateView):
    tags: set[str] = set()
    seen: dict[str, int] = {}
    items: list[int] = []
    labels = ("a", "b")  # a tuple cannot change

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.seen["visits"] = self.seen.get("visits", 0) + 1
        return super().get_context_data(**kwargs)

    @live_event
    def tag(self, tag: str) -> None:
        self.tags |= {tag}

    @live_event
    def forget(self, key: str) -> None:
        del self.seen[key]

    @live_event
    async def more(self) -> None:
        self.items += [1]


def test_each_kind_of_change_in_place_is_found_sync_async_and_outside_events():
    found = sorted(message.split(" changes ")[0] + " " + message.split("(")[2].split(")")[0]
                   for message, _ in warnings_of(Changes))  # fmt: skip
    assert found == [
        "Changes.forget() del [...]",
        "Changes.get_context_data() [...] =",
        "Changes.more() +=",
        "Changes.tag() |=",
    ]


class TupleNotes(NotesView):
    notes = ("replaced", "by a tuple")  # type: ignore[assignment]


def test_a_subclass_that_replaces_the_list_with_a_tuple_passes():
    assert warnings_of(TupleNotes) == []


class SubNotes(NotesView):
    pass


class FixedNotes(NotesView):
    @live_event
    def add(self, text: str) -> None:
        self.notes = [*self.notes, text]


def test_a_method_overridden_by_one_that_assigns_passes():
    assert warnings_of(FixedNotes) == []


def test_an_inherited_change_is_reported_on_the_routed_subclass():
    [(message, _)] = warnings_of(SubNotes)
    assert message.startswith("SubNotes.add() changes self.notes in place")


urlpatterns = [path("notes/", NotesView.as_view()), path("fresh/", FreshNotesView.as_view())]


@pytest.mark.urls(__name__)
def test_manage_py_check_shows_w026_for_a_routed_view():
    assert [(w.id, w.obj) for w in check_class_defaults()] == [("live_views.W026", NotesView)]
    with pytest.raises(SystemCheckError, match=r"live_views\.W026"):
        call_command("check", fail_level="WARNING")


class PickedComponent(LiveComponent):
    template_name = "x.html"
    picked: list[str] = []

    @live_event
    def pick(self, item: str) -> None:
        self.picked.append(item)


@override_settings(DEBUG=True)
def test_with_debug_a_component_that_a_template_names_logs_the_same_warning(caplog):
    # Templates name components, not the URLconf: no check sees them, the first render does.
    component_class("tests.test_shared_defaults.PickedComponent")
    component_class("tests.test_shared_defaults.PickedComponent")  # once per class
    [record] = [r for r in caplog.records if "PickedComponent" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert record.getMessage() == (
        "live_views: PickedComponent.pick() changes self.picked in place (.append()), but "
        "picked is a list on the class: every page of every visitor shares that one object, "
        "so what one page puts in it, all pages show. Assign a new value instead "
        "(self.picked = [*self.picked, item]): the page then has its own, and the class's "
        "stays as it was. If every page is meant to share it (a cache), annotate it ClassVar "
        "(picked: ClassVar[list[...]] = [])."
    )


class MountedComponent(LiveComponent):
    template_name = "x.html"
    picked: list[str] = []  # documents the attribute; mount() gives each instance its own

    def mount(self) -> None:
        self.picked = []

    @live_event
    def pick(self, item: str) -> None:
        self.picked.append(item)


@override_settings(DEBUG=True)
def test_a_component_that_gets_its_own_value_in_mount_logs_nothing(caplog):
    # mount() runs for every component before its first event, as setup() does for a view.
    component_class("tests.test_shared_defaults.MountedComponent")
    assert [r for r in caplog.records if "MountedComponent" in r.getMessage()] == []


class ContextNotesView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.notes = list(self.request.session.get("notes", []))  # each render's own
        return super().get_context_data(**kwargs)

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def test_a_value_each_page_gets_in_get_context_data_passes():
    # get() renders with get_context_data() for every page before its first event.
    assert warnings_of(ContextNotesView) == []


class OddMethods(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    made = eval("lambda self: self.notes.append(1)")  # noqa: S307 (source that is no def)
    exec("def execd(self):\n    self.notes.append(1)\n")  # noqa: S102
    add = functools.partialmethod(lambda self, text: self.notes.append(text))
    length = len  # a builtin


def test_methods_without_readable_source_are_skipped_without_error():
    assert warnings_of(OddMethods) == []


@pytest.mark.parametrize("now", ["# edited since\n", "def add(self, text):\n    x = (\n"])
def test_a_method_whose_file_no_longer_holds_it_is_skipped_without_error(tmp_path, now):
    # Its file changed since the import (an edit under runserver): inspect reads what is
    # there now, where no def parses: a comment (an empty parse), or an unclosed bracket
    # (tokenize's TokenError, out of inspect.getsource itself).
    source = tmp_path / "edited.py"
    source.write_text(now)
    namespace: dict[str, Any] = {}
    code = compile("def add(self, text):\n    self.notes.append(text)\n", str(source), "exec")
    exec(code, namespace)  # noqa: S102
    edited = type("EditedView", (NotesView,), {"add": namespace["add"], "__module__": "app"})
    assert warnings_of(edited) == []


class AnnotatedSetUpView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    seen: dict[str, int] = {}
    tags: set[str] = set()

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.notes: list[str] = []  # an annotated assignment gives the page its own too
        self.seen, (self.tags, *_) = {}, (set(), None)  # and so does unpacking

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)
        self.seen[text] = 1
        self.tags.add(text)


def test_a_value_each_page_gets_by_an_annotated_or_unpacking_assignment_passes():
    assert warnings_of(AnnotatedSetUpView) == []


def test_a_base_shared_by_many_views_is_read_once(tmp_path):
    # A project's own base view, with a dict on the class, under 300 routed views: each of its
    # methods was read and parsed again for every view, 6 s of every manage.py command's start
    # (runserver's too, at each reload).
    lines = [
        "from live_views import LiveTemplateView, live_event",
        "",
        "class Base(LiveTemplateView):",
    ]
    lines += ["    template_name = 'x.html'", "    extra: dict = {}"]
    for i in range(20):
        lines += ["    @live_event", f"    def event{i}(self, a: int = 0) -> None:"]
        lines += [f"        x{j} = a + {j}" for j in range(15)]
        lines += ["        self.extra = {**self.extra, 'a': a}"]
    source = tmp_path / "big_project_base.py"
    source.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("big_project_base", source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    views = [type(f"View{i}", (module.Base,), {"__module__": "app"}) for i in range(300)]
    started = time.perf_counter()
    assert check_shared_defaults(views) == []
    assert time.perf_counter() - started < 1.0  # 6 s before, 0.03 s since


class CachingView(LiveTemplateView):
    template_name = "x.html"
    # Meant for every page: a process-wide cache, which ClassVar says is the class's own.
    labels: ClassVar[dict[int, str]] = {}
    seen: typing.ClassVar[set[int]] = set()

    @live_event
    def show(self, pk: int) -> None:
        self.labels.setdefault(pk, str(pk))
        self.seen.add(pk)


def test_a_value_annotated_classvar_is_shared_on_purpose_and_passes():
    assert warnings_of(CachingView) == []


def test_the_hint_says_how_to_share_a_value_on_purpose():
    [(_, hint)] = warnings_of(NotesView)
    assert "annotate it ClassVar (notes: ClassVar[list[...]] = [])" in hint
