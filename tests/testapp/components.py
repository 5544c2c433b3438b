from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import rotate_token

from live_views import LiveComponent, LiveFormComponent, live_event
from tests.todoapp.models import Board, Task

renders: list[str] = []  # the ids of the Steppers whose template rendered, in order


class Stepper(LiveComponent):
    template_name = "testapp/stepper.html"
    value = 0

    def mount(self, start: int = 0) -> None:
        self.value = start
        self.page = self.parent  # for inc_through_reference

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        renders.append(self.component_id)
        return super().get_context_data(value=self.value, **kwargs)

    @live_event
    def inc(self, by: int = 1) -> None:
        self.value += by
        if self.parent is not None:
            self.parent.total += by

    @live_event
    def inc_own(self, by: int = 1) -> None:
        """Leaves the page alone: only this component renders."""
        self.value += by

    @live_event
    def inc_through_reference(self, by: int = 1) -> None:
        """Changes the page through a reference kept from mount(), not through self.parent."""
        self.value += by
        if self.page is not None:
            self.page.total += by

    @live_event
    def inc_targeted(self, by: int = 1) -> None:
        """Names the one page block it changes: only that block and this component render."""
        self.value += by
        self.parent.total += by
        self.parent.live_target("total")

    @live_event
    async def inc_async(self, by: int = 1) -> None:
        self.value += by
        if self.parent is not None:
            self.parent.total += by

    @live_event
    def explode(self) -> None:
        self.value = 999
        raise RuntimeError("secret internal detail")

    def not_an_event(self) -> None:
        self.value = -1


class Box(LiveComponent):
    """Holds a Stepper: nested components."""

    template_name = "testapp/box.html"
    opened = True
    touches = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(opened=self.opened, touches=self.touches, **kwargs)

    @live_event
    def toggle(self) -> None:
        self.opened = not self.opened

    @live_event
    def touch(self) -> None:
        """The box renders again; its stepper, unchanged, is handed over as it last rendered."""
        self.touches += 1


class Secret(LiveComponent):
    template_name = "testapp/stepper.html"

    def check_access(self, request: Any) -> None:
        if not request.user.is_staff:
            raise PermissionDenied


class KeptStepper(Stepper):
    """A Stepper whose value outlives the page's socket."""

    live_state = ("value",)


class KeptModal(KeptStepper):
    """A KeptStepper that can close itself: its page stops showing it."""

    @live_event
    def inc_and_close(self, by: int = 1) -> None:
        self.value += by
        self.parent.shown = False


HEADLINES = ["nothing yet"]


class Headline(LiveComponent):
    """Follows the "news" topic: a broadcast("news") re-renders it."""

    template_name = "testapp/headline.html"
    live_subscriptions = ("news",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(headline=HEADLINES[-1], **kwargs)


NOTES: list[str] = []


class NoteForm(forms.Form):
    title = forms.CharField(min_length=3)
    body = forms.CharField(required=False)


class NoteComponent(LiveFormComponent):
    """A form in a component: validates as the user types, submits over the socket."""

    template_name = "testapp/note_form.html"
    form_class = NoteForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(notes=NOTES, **kwargs)

    def form_valid(self, form: Any) -> None:
        NOTES.append(form.cleaned_data["title"])
        self.reset_form()


class PlainPostForm(LiveComponent):
    """A form that posts over HTTP (not live), with ``{% csrf_token %}``; its button renews the
    CSRF secret as ``login()`` does (tests/test_component_csrf.py)."""

    template_name = "testapp/plain_post_form.html"

    @live_event
    def renew_csrf(self) -> None:
        rotate_token(self.request)


class BoardTasks(LiveComponent):
    """The tasks of one board; its events may name only that board's tasks."""

    template_name = "testapp/board_tasks.html"

    def mount(self, board: Board) -> None:
        self.board = board

    def get_queryset(self) -> Any:
        return Task.objects.filter(board=self.board)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tasks=list(self.get_queryset()), **kwargs)

    @live_event
    def finish(self, task: Task) -> None:
        task.done = True
        task.save()


class TaskLine(LiveComponent):
    """A task of a list the page reads: update() takes the row the page read this time."""

    template_name = "testapp/task_line.html"
    root_tag = "li"
    starred = False
    updates = 0

    def mount(self, task: Task, note: str = "") -> None:
        self.task = task
        self.note = note

    def update(self, task: Task) -> None:
        self.task = task
        self.updates += 1

    @live_event
    def star(self) -> None:
        self.starred = True


class StaleTaskLine(TaskLine):
    """The same without update(): keeps the row it was mounted with."""

    update = LiveComponent.update


label_reads: list[int] = []  # the rows whose label a render read


class Row:
    def __init__(self, id: int, name: str) -> None:
        self.id = id
        self.name = name

    @property
    def label(self) -> str:
        label_reads.append(self.id)
        return self.name


class RowList(LiveComponent):
    """Keyed blocks in a loop; an event that names its row renders that row only."""

    template_name = "testapp/row_list.html"

    def mount(self, count: int = 3) -> None:
        self.rows = [Row(i, f"row {i}") for i in range(count)]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rows=self.rows, **kwargs)

    @live_event
    def rename(self, id: int, name: str) -> None:
        self.rows[id].name = name
        self.live_target("row", id)

    @live_event
    def rename_untargeted(self, id: int, name: str) -> None:
        self.rows[id].name = name


class FormRowList(RowList):
    """A form in each row: the blocks live_target() names hold {% csrf_token %}."""

    template_name = "testapp/form_row_list.html"


class StepperRows(LiveComponent):
    """A Stepper in each keyed row: an event that names one row renders that row only."""

    template_name = "testapp/stepper_rows.html"

    def mount(self) -> None:
        self.labels = {row: f"row {row}" for row in ("x0", "x1", "x2")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(labels=self.labels, **kwargs)

    @live_event
    def rename(self, row: str, label: str) -> None:
        self.labels[row] = label
        self.live_target("row", row)

    @live_event
    def rename_counted(self, row: str, label: str) -> None:
        """Names its row, and changes the page too: the page's liveblocks render."""
        self.rename(row, label)
        if self.parent is not None:
            self.parent.total += 1

    @live_event
    def rename_untargeted(self, row: str, label: str) -> None:
        self.labels[row] = label

    @live_event
    def merge(self, row: str, into: str) -> None:
        """Names both rows; the one it removed is not found: the component renders whole."""
        self.labels[into] += " & " + self.labels.pop(row)
        self.live_target("row", into)
        self.live_target("row", row)


class OpenRows(LiveComponent):
    """Rows that open to show a liveblock of their own; an event names the row it opens."""

    template_name = "testapp/open_rows.html"

    def mount(self) -> None:
        self.opened: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(rows=["r0", "r1", "r2"], opened=self.opened, **kwargs)

    @live_event
    def open(self, row: str) -> None:
        self.opened = [*self.opened, row]
        self.live_target("row", row)

    @live_event
    def close(self, row: str) -> None:
        self.opened = [name for name in self.opened if name != row]
        self.live_target("row", row)


class Unfollowable(LiveComponent):
    """Follows a topic it has not got: a render that mounts it fails, once the page's render
    dropped the components it no longer shows (socket/components.py reads subscriptions
    then)."""

    template_name = "testapp/unfollowable.html"

    def get_live_subscriptions(self) -> list[Any]:
        return [None]  # "Cannot subscribe to None"


class Shelf(LiveComponent):
    """Holds a Stepper until closed; closing it fails in one of two ways (``how``): what shows
    in the stepper's place cannot subscribe, or its template raises after the stepper's place."""

    template_name = "testapp/shelf.html"
    opened = True
    failing = broken = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            opened=self.opened, failing=self.failing, broken=self.broken, **kwargs
        )

    def break_render(self) -> str:
        raise RuntimeError("the shelf's template failed")

    @live_event
    def close(self, how: str = "") -> None:
        self.opened = False
        self.failing, self.broken = how == "subscriptions", how == "template"
