"""live_views/shared_defaults.py: check W026, a list, dict or set on a live view's class that
its methods change in place, so that every page of every visitor shares what one page put in it."""

from __future__ import annotations

import functools
import importlib.util
import re
import time
import typing
from typing import Any, ClassVar

import pytest
from django import forms
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import path

from live_views import (
    LiveComponent,
    LiveFormView,
    LiveListView,
    LiveTemplateView,
    LiveUpdateView,
    live_event,
)
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


class ResetComponent(LiveComponent):
    template_name = "x.html"
    picked: list[str] = []

    def mount(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.picked = []

    @live_event
    def pick(self, item: str) -> None:
        self.picked.append(item)


@override_settings(DEBUG=True)
def test_a_component_that_gets_its_own_value_in_a_method_mount_calls_logs_nothing(caplog):
    component_class("tests.test_shared_defaults.ResetComponent")
    assert [r for r in caplog.records if "ResetComponent" in r.getMessage()] == []


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
    # (runserver's too, at each reload). Its events change the dict, its setup() replaces it.
    lines = [
        "from live_views import LiveTemplateView, live_event",
        "",
        "class Base(LiveTemplateView):",
    ]
    lines += ["    template_name = 'x.html'", "    extra: dict = {}"]
    # setup() gives each page its own through a chain of helpers that call back to the first.
    lines += ["    def setup(self, request, *args, **kwargs):", "        self.helper0()"]
    for i in range(10):
        lines += [
            f"    def helper{i}(self):",
            f"        self.helper{i + 1}()",
            "        self.helper0()",
        ]
    lines += ["    def helper10(self):", "        self.extra = {}"]
    for i in range(20):
        lines += ["    @live_event", f"    def event{i}(self, a: int = 0) -> None:"]
        lines += [f"        x{j} = a + {j}" for j in range(15)]
        lines += ["        self.extra['a'] = a"]
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


class HelperResetView(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    seen: dict[str, int] = {}
    tags: set[str] = set()

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.reset()

    def reset(self) -> None:
        self.notes = []
        self._forget()

    def _forget(self) -> None:
        self.seen = {}
        if self.notes:
            self.reset()  # a cycle: each method is read once
        setattr(self, "tags", set())  # noqa: B010 (the name spelled out, as a project may)

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)
        self.seen[text] = 1
        self.tags.add(text)


def test_a_value_each_page_gets_in_a_method_that_setup_calls_passes():
    # setup() -> reset() -> _forget(), which calls reset() again: every page has its own.
    assert warnings_of(HelperResetView) == []


class ProjectBase(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.load()
        return super().get_context_data(**kwargs)

    def load(self) -> None:
        pass


class LoadingNotes(ProjectBase):
    def load(self) -> None:
        super().load()
        self.notes = list(self.request.session.get("notes", []))

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


class NotLoadingNotes(LoadingNotes):
    def load(self) -> None:
        pass  # overrides the load() that gave the page its own list

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def test_the_method_a_base_calls_is_the_subclass_s_override():
    assert warnings_of(LoadingNotes) == []
    [(message, _)] = warnings_of(NotLoadingNotes)
    assert message.startswith("NotLoadingNotes.add() changes self.notes in place (.append())")


class SuperLoadingNotes(LoadingNotes):
    def load(self) -> None:
        super().load()  # LoadingNotes.load(), which assigns

    @live_event
    def more(self, text: str) -> None:
        self.notes.extend([text, text])


def test_a_helper_s_super_call_is_followed():
    assert warnings_of(SuperLoadingNotes) == []


class SetattrNotes(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        setattr(self, "notes", [])  # noqa: B010 (the name spelled out, as a project may)

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def test_setattr_with_the_name_spelled_out_in_setup_passes():
    assert warnings_of(SetattrNotes) == []


class EventHelperNotes(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    def maybe_reset(self) -> None:
        if len(self.notes) > 10:
            self.notes = []

    @live_event
    def add(self, text: str) -> None:
        self.maybe_reset()  # an event runs it: the first pages' appends go to the class's list
        self.notes.append(text)


def test_a_helper_that_only_an_event_calls_gives_no_page_its_own():
    [(message, _)] = warnings_of(EventHelperNotes)
    assert message.startswith("EventHelperNotes.add() changes self.notes in place")


class DynamicSetattrNotes(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    seen: dict[str, int] = {}
    tags: set[str] = set()

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        for name in ("notes",):
            setattr(self, name, [])  # which name: the check does not guess
        self.__dict__["seen"] = {}  # nor read writes to the instance's dict
        vars(self)["tags"] = set()

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)
        self.seen[text] = 1
        self.tags.add(text)


def test_setattr_with_a_computed_name_and_writes_to_the_instance_dict_still_warn():
    # Documented: the check reads names, it does not run code; self.notes = [] says it plainly.
    assert changes_of(DynamicSetattrNotes) == [
        "add() self.notes .append()",
        "add() self.seen [...] =",
        "add() self.tags .add()",
    ]


class CopiedNotes(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = ["welcome"]  # each page starts from a copy of it
    seen: dict[str, int] = {}
    tags: set[str] = set()

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.notes = list(self.notes)

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)
        self.seen = self.seen | {text: 1}  # new values, not the class's changed
        self.tags = self.tags | {text}

    @live_event
    def more(self, text: str) -> None:
        self.notes = self.notes + [text]  # noqa: RUF005 (a spelling projects use)
        self.seen = dict(self.seen)
        self.seen[text] = 2  # after the method gave the page its own


def test_copies_and_new_values_pass():
    assert warnings_of(CopiedNotes) == []


class TrimmedNotes(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)  # changes the class's list on each page's first add
        self.notes = self.notes[-10:]


def test_a_change_before_the_method_assigns_the_attribute_is_w026():
    [(message, _)] = warnings_of(TrimmedNotes)
    assert message.startswith("TrimmedNotes.add() changes self.notes in place (.append())")


class NestedChanges(LiveTemplateView):
    template_name = "x.html"
    votes: dict[str, int] = {"yes": 0, "no": 0}
    groups: dict[str, list[str]] = {"all": []}
    grid: list[list[int]] = [[0, 0], [0, 0]]
    tree: dict[str, dict[str, int]] = {"a": {}}
    seen: dict[str, int] = {}
    tags: set[str] = set()

    @live_event
    def vote(self, choice: str) -> None:
        self.votes[choice] += 1

    @live_event
    def join(self, name: str) -> None:
        self.groups["all"].append(name)

    @live_event
    def mark(self, x: int) -> None:
        self.grid[0][x] = 1

    @live_event
    def prune(self, key: str) -> None:
        del self.tree["a"][key]

    @live_event
    def remember(self, key: str) -> None:
        self.seen.update({key: 1})

    @live_event
    def tag(self, tag: str) -> None:
        self.tags.add(tag)


def changes_of(view_class: type[Any]) -> list[str]:
    """'Method() self.name how' for each warning."""
    found = (
        re.fullmatch(r"\w+\.(\w+\(\)) changes (self\.\w+) in place \((.+?)\), but .*", message)
        for message, _ in warnings_of(view_class)
    )
    return sorted(" ".join(match.groups()) for match in found if match is not None)


def test_changes_to_what_a_class_value_holds_are_w026():
    # An item of the class's dict or list is shared too, and so is storing into the dict.
    assert changes_of(NestedChanges) == [
        "join() self.groups [...].append()",
        "mark() self.grid [...] =",
        "prune() self.tree del [...]",
        "remember() self.seen .update()",
        "tag() self.tags .add()",
        "vote() self.votes [...] +=",
    ]


class OddCalls(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []
    helper = staticmethod(lambda: None)
    exec("def execd(self):\n    self.notes = []\n")  # noqa: S102 (no source to read)

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super(OddCalls, self).setup(request, *args, **kwargs)  # noqa: UP008
        self.helper()  # not a function on the class
        self.execd()  # no source
        self.notes.copy()  # a method of the value, not of the view
        self.missing()  # type: ignore[attr-defined]  # on no class
        getattr(self, "add")(self)  # noqa: B009

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def test_calls_that_name_no_readable_method_are_skipped_without_error():
    [(message, _)] = warnings_of(OddCalls)
    assert message.startswith("OddCalls.add() changes self.notes in place")


class FilteredList(LiveListView):  # type: ignore[type-arg]
    template_name = "x.html"
    filters: dict[str, str] = {}

    def get_queryset(self) -> Any:
        self.filters = dict(self.request.GET.items())
        return super().get_queryset()

    @live_event
    def narrow(self, key: str, value: str) -> None:
        self.filters[key] = value


class EditWithHistory(LiveUpdateView):  # type: ignore[type-arg]
    template_name = "x.html"
    fields = ["name"]
    history: list[str] = []

    def get_object(self, queryset: Any = None) -> Any:
        self.history = []
        return super().get_object(queryset)

    @live_event
    def remember(self, text: str) -> None:
        self.history.append(text)


class DraftForm(LiveFormView):
    template_name = "x.html"
    form_class = forms.Form
    drafts: list[str] = []

    def get_initial(self) -> dict[str, Any]:
        self.drafts = []
        return super().get_initial()

    @live_event
    def keep(self, text: str) -> None:
        self.drafts.append(text)


def test_a_value_each_page_gets_in_a_hook_django_s_get_calls_passes():
    # ListView's get() calls get_queryset(), UpdateView's get_object(), a FormView's
    # get_context_data() get_form(), which calls get_form_kwargs(), which calls get_initial().
    assert warnings_of(FilteredList, EditWithHistory, DraftForm) == []


class UnusedHook(LiveTemplateView):
    template_name = "x.html"
    notes: list[str] = []

    def get_queryset(self) -> list[str]:
        self.notes = []  # TemplateView's get() never calls it
        return self.notes

    @live_event
    def add(self, text: str) -> None:
        self.notes.append(text)


def test_a_hook_django_does_not_call_for_this_kind_of_view_gives_no_page_its_own():
    assert changes_of(UnusedHook) == ["add() self.notes .append()"]


class ColumnZeroTextView(LiveTemplateView):
    # A line less indented than its method (a multi-line string's text; a comment an editor put
    # at column 0) left the method's def indented after dedent(), which then did not parse: what
    # get_context_data() assigns went unseen (W026 for nothing), and so did add_shared()'s change.
    template_name = "x.html"
    rows: list[str] = []
    shared: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.rows = []
        query = """
SELECT 1
"""
        return super().get_context_data(query=query, **kwargs)

    @live_event
    def add(self, text: str) -> None:
        self.rows.append(text)

    @live_event
    def add_shared(self, text: str) -> None:
        note = """
shared
"""
        self.shared.append(text + note)


def test_a_method_with_a_line_less_indented_than_itself_is_read():
    [(message, _)] = warnings_of(ColumnZeroTextView)
    assert message.startswith("ColumnZeroTextView.add_shared() changes self.shared in place")
