"""A small kanban board built from the features together: a liveblock per column, a keyed block
and a live form component per card (its title, an attachment, a star only its viewer sees), an
activity stream, saves broadcast to every viewer, a board list to navigate from, a hook on each
card, background work a card starts (tests/test_kanban.py, tests/test_browser_kanban.py)."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from live_views import LiveFormComponent, LiveTemplateView, live_event, report_progress
from tests.todoapp.models import Board, Task

CARD = "tests.kanbanapp.views.Card"
COLUMNS = {"todo": False, "done": True}


class CardForm(forms.Form):
    title = forms.CharField(min_length=3)
    attachment = forms.FileField(required=False)


def summarize(pk: int, steps: int = 3) -> str:
    """Slow work a card starts: it reports its steps as it goes."""
    for step in range(1, steps + 1):
        time.sleep(0.05)
        report_progress(f"{step}/{steps}")
    return f"{Task.objects.get(pk=pk).title}: summarized"


class Card(LiveFormComponent):
    """One task: its title edited in a live form, an attachment, a star only its viewer sees."""

    template_name = "kanbanapp/card.html"
    root_tag = "div"
    form_class = CardForm
    starred = False
    attached = ""

    def mount(self, task: Task) -> None:
        self.task = task

    def update(self, task: Task) -> None:
        self.task = task

    def get_live_subscriptions(self) -> list[Any]:
        return [self.task]  # its own row: another viewer's save of it re-renders this card

    def get_initial(self) -> dict[str, Any]:
        return {"title": self.task.title}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            task=self.task, starred=self.starred, attached=self.attached, **kwargs
        )

    def form_valid(self, form: Any) -> None:
        self.task.title = form.cleaned_data["title"]
        self.task.save()
        upload = form.cleaned_data.get("attachment")
        if upload is not None:
            self.attached = upload.name
        self.reset_form()

    @live_event
    def star(self) -> None:
        self.starred = True

    @live_event
    def summarize(self) -> None:
        """Background work is the page's: the card starts it there, the page shows it."""
        self.parent.live_async("summary", summarize, self.task.pk)

    @live_event
    def move(self, done: bool) -> None:
        """What the drag-and-drop hook pushes."""
        self.task.done = done
        self.task.save()


class BoardListView(LiveTemplateView):
    template_name = "kanbanapp/boards.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(boards=Board.objects.order_by("pk"), **kwargs)


class BoardView(LiveTemplateView):
    """A liveblock per column, a keyed block and a Card per task; the activity is a stream."""

    template_name = "kanbanapp/board.html"
    live_subscriptions = (Task,)
    activity = True
    summary = None

    def get_queryset(self) -> Any:
        tasks = Task.objects.filter(board_id=self.kwargs["pk"])
        if title := self.request.GET.get("filter"):
            tasks = tasks.filter(title__icontains=title)
        return tasks

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.activity:
            self.live_stream("activity", [], key="id", limit=-20)
        tasks = self.get_queryset()
        columns = {column: tasks.filter(done=done) for column, done in COLUMNS.items()}
        board = Board.objects.get(pk=self.kwargs["pk"])
        return super().get_context_data(board=board, **columns, **kwargs)

    @live_event
    def add(self, title: str) -> None:
        task = Task.objects.create(board_id=self.kwargs["pk"], title=title)
        self.live_stream_insert("activity", {"id": task.pk, "text": f"added {title}"})

    @live_event
    def show(self, filter: str = "") -> None:
        self.live_patch({"filter": filter or None})


class PublicBoardView(BoardView):
    """The board as anyone sees it: a broadcast renders it once for all its viewers."""

    live_shared_render = True
    activity = False  # a page with a stream renders its rows for itself


class StreamedBoardView(BoardView):
    """Cards as components in the items of a stream: refused, with what to do instead."""

    template_name = "kanbanapp/streamed_board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("cards", self.get_queryset())
        return super().get_context_data(**kwargs)


urlpatterns = [
    path("kanban/", BoardListView.as_view()),
    path("kanban/<int:pk>/", BoardView.as_view()),
    path("kanban/<int:pk>/public/", PublicBoardView.as_view()),
    path("kanban/<int:pk>/streamed/", StreamedBoardView.as_view()),
    path("logout/", LogoutView.as_view(next_page="/kanban/")),
    path("", include("live_views.urls")),
]
