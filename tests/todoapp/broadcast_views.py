"""Views and URLs for the in-process broadcast tests (tests/test_broadcast.py).

``WriterView`` is "page A": its events change the data in every way a real view does, in the
socket's worker thread. The other views are "page B": each shows what its user would see, and
most count their renders in a ``renders`` block, so any refresh at all reaches the page as a
frame (a refresh that changes nothing visible sends nothing).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from live_views import (
    LiveComponent,
    LiveDetailView,
    LiveListView,
    LiveTemplateView,
    abroadcast,
    broadcast,
    live_event,
)
from live_views.pubsub.topics import Subscription
from tests.todoapp import views
from tests.todoapp.models import Board, Note, Tag, Task


class CountsRenders:
    """Shows how often this page's data was rebuilt (mount, events and broadcast refreshes)."""

    renders = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.renders += 1
        return super().get_context_data(renders=self.renders, **kwargs)  # type: ignore[misc]


def visible_boards(user: Any) -> QuerySet[Board]:
    """Boards without an owner are shared; an owned board is its owner's only."""
    boards = Board.objects.all()
    if user.is_authenticated:
        return (boards.filter(owner__isnull=True) | boards.filter(owner=user)).order_by("pk")
    return boards.filter(owner__isnull=True).order_by("pk")


class WriterView(views.TaskListView):
    """Page A: a task list (so it is itself a subscriber) whose events write."""

    @live_event
    def add_many(self, board: int, count: int) -> None:
        for number in range(1, count + 1):
            Task.objects.create(board_id=board, title=f"burst {number}")

    @live_event
    def add_then_roll_back(self, board: int, title: str) -> None:
        with transaction.atomic():
            Task.objects.create(board_id=board, title=title)
            transaction.set_rollback(True)

    @live_event
    def add_in_transaction(self, board: int, title: str) -> None:
        with transaction.atomic():
            Task.objects.create(board_id=board, title=title)
            try:
                with transaction.atomic():
                    Task.objects.create(board_id=board, title=f"{title} (rolled back)")
                    raise ValueError("undo the inner savepoint")
            except ValueError:
                pass

    @live_event
    def delete_task(self, task: int) -> None:
        Task.objects.get(pk=task).delete()

    @live_event
    def tag(self, task: int, tag: int) -> None:
        Task.objects.get(pk=task).tags.add(tag)

    @live_event
    def untag(self, task: int, tag: int) -> None:
        Task.objects.get(pk=task).tags.remove(tag)

    @live_event
    def move(self, task: int, board: int) -> None:
        moved = Task.objects.get(pk=task)
        moved.board_id = board
        moved.save()

    @live_event
    def finish_all(self) -> None:
        # update() sends no signals: the view says what changed by hand.
        Task.objects.update(done=True)
        broadcast(Task)

    @live_event
    def finish_all_quietly(self) -> None:
        Task.objects.update(done=True)

    @live_event
    def set_headline(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        broadcast("news")

    @live_event
    async def set_headline_async(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        await abroadcast("news")

    @live_event
    async def set_headline_async_with_sync_broadcast(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        broadcast("news")

    @live_event
    def add_board(self, name: str, private: bool = False) -> None:
        Board.objects.create(name=name, owner=self.request.user if private else None)

    @live_event
    def rename_board(self, board: int, name: str) -> None:
        renamed = Board.objects.get(pk=board)
        renamed.name = name
        renamed.save()

    @live_event
    def give_board(self, board: int, username: str) -> None:
        given = Board.objects.get(pk=board)
        given.owner = get_user_model().objects.get(username=username)
        given.save()

    @live_event
    def delete_board(self, board: int) -> None:
        Board.objects.get(pk=board).delete()

    @live_event
    def add_note(self, text: str) -> None:
        Note.objects.create(text=text)

    @live_event
    def add_tag(self, name: str) -> None:
        Tag.objects.create(name=name)


class OwnSavesView(WriterView):
    """Page A with the events that test what a page hears of its own saves
    (tests/test_own_broadcasts.py); it counts its renders, as every task list does."""

    @live_event
    def add_then_fail(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)
        raise RuntimeError("the handler failed after its save")

    @live_event
    def add_and_target(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)
        self.live_target("renders")  # its render shows the count, not the list

    @live_event
    def add_in_another_context(self, board: int, title: str) -> None:
        # A save the event did not make: a signal receiver of another app, a task run here.
        contextvars.Context().run(_add_elsewhere, board, title)

    @live_event
    async def add_async(self, board: int, title: str) -> None:
        await Task.objects.acreate(board_id=board, title=title)
        # Long enough for the save's broadcast to come back while the event is under way.
        await asyncio.sleep(0.2)


def _add_elsewhere(board: int, title: str) -> None:
    try:
        Task.objects.create(board_id=board, title=title)
    finally:
        connections.close_all()  # this empty context's own connection


class NewsWriterView(CountsRenders, LiveTemplateView):
    """Follows "news" and publishes it, from sync and async handlers."""

    template_name = "todoapp/broadcast_news.html"
    live_subscriptions = ("news",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(headline=views.NEWS["headline"], **kwargs)

    @live_event
    def set_headline(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        broadcast("news")

    @live_event
    async def set_headline_async(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        await abroadcast("news")

    @live_event
    async def set_headline_async_with_sync_broadcast(self, headline: str) -> None:
        views.NEWS["headline"] = headline
        broadcast("news")


class TaskAdder(LiveComponent):
    """A component whose event saves a task, on a page that lists them."""

    template_name = "todoapp/task_adder.html"

    @live_event
    def add(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)


class TasksWithAdderView(CountsRenders, LiveListView):
    """Every task, and a TaskAdder: follows the Task model."""

    model = Task
    template_name = "todoapp/broadcast_adder.html"


class AtomicUnits:
    """A project middleware that runs each request, and each unit of a socket's work, in a
    transaction: a save in a handler commits once the event's render is over."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            return self.get_response(request)


class QuietWriterView(WriterView):
    """Page A for bursts: the same events, on a page that follows nothing itself."""

    def get_live_subscriptions(self) -> list[Subscription]:
        return []


class TaggedTaskListView(CountsRenders, LiveListView):
    """Every task with its tags: follows the Task model (its default subscription)."""

    model = Task
    template_name = "todoapp/broadcast_tagged.html"

    def get_queryset(self) -> QuerySet[Task]:
        return Task.objects.prefetch_related("tags").order_by("pk")


class TaskCountView(CountsRenders, LiveListView):
    """How many tasks there are and the newest one: cheap to refresh however many there are."""

    model = Task
    template_name = "todoapp/broadcast_count.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        newest = Task.objects.order_by("pk").last()
        return super().get_context_data(
            total=Task.objects.count(), newest=newest.title if newest else "none", **kwargs
        )


class CountedBoardView(CountsRenders, views.BoardDetailView):
    """/todo/boards/<pk>/ with a render count: follows its own row only."""

    template_name = "todoapp/broadcast_board.html"


class TaggedBoardView(CountedBoardView):
    """A board page that shows its tasks' tags too."""

    template_name = "todoapp/broadcast_tagged_board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tasks = self.object.tasks.prefetch_related("tags").order_by("pk")
        return super().get_context_data(tasks=tasks, **kwargs)


class BoardListView(CountsRenders, LiveListView):
    """The boards this visitor may see: one URL, a different page per user."""

    model = Board
    template_name = "todoapp/broadcast_boards.html"

    def get_queryset(self) -> QuerySet[Board]:
        return visible_boards(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        viewer = user.get_username() if user.is_authenticated else "a visitor"
        return super().get_context_data(viewer=viewer, **kwargs)


class GuardedBoardView(UserPassesTestMixin, LiveDetailView):
    """The same rule as BoardDetailView, checked in dispatch() by an access mixin instead."""

    model = Board
    template_name = "todoapp/board.html"
    raise_exception = True

    def test_func(self) -> bool:
        board = Board.objects.get(pk=self.kwargs["pk"])
        return board.owner_id is None or board.owner_id == self.request.user.pk


class GivesBoardAway:
    """An event that takes the page's own user's access away, with a save the page follows
    (tests/test_own_broadcasts.py)."""

    kwargs: dict[str, Any]

    @live_event
    def give_away(self, username: str) -> None:
        board = Board.objects.get(pk=self.kwargs["pk"])
        board.owner = get_user_model().objects.get(username=username)
        board.save()

    @live_event
    def rename(self, name: str) -> None:
        board = Board.objects.get(pk=self.kwargs["pk"])
        board.name = name
        board.save()


class GivingGuardedBoardView(GivesBoardAway, GuardedBoardView):
    """Access refused in dispatch() (a 403) once the board is another user's."""


class GivingBoardView(GivesBoardAway, CountedBoardView):
    """Access refused by get_queryset() (a 404) once the board is another user's."""


class NoteListView(CountsRenders, LiveListView):
    """Follows the Note model, which is not in BROADCAST_MODELS."""

    model = Note
    template_name = "todoapp/broadcast_notes.html"


class MixedSubscriptionsView(CountsRenders, LiveTemplateView):
    """live_subscriptions (a topic string and a model) plus an instance added in the hook."""

    template_name = "todoapp/broadcast_mixed.html"
    live_subscriptions = ("news", Tag)

    def get_board(self) -> Board:
        return Board.objects.get(pk=self.kwargs["pk"])

    def get_live_subscriptions(self) -> list[Subscription]:
        return [*super().get_live_subscriptions(), self.get_board()]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            headline=views.NEWS["headline"],
            tags=list(Tag.objects.order_by("pk")),
            board=self.get_board(),
            **kwargs,
        )


class PickedBoardView(CountsRenders, LiveTemplateView):
    """One board, chosen by ``?board=`` (live_patch and Back change it): follows that row."""

    template_name = "todoapp/broadcast_picked.html"

    def get_board(self) -> Board:
        return Board.objects.get(pk=self.request.GET["board"])

    def get_live_subscriptions(self) -> list[Subscription]:
        return [*super().get_live_subscriptions(), self.get_board()]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(board=self.get_board(), **kwargs)

    @live_event
    def pick(self, board: int) -> None:
        self.live_patch({"board": board})


@require_POST
def bulk_add(request: HttpRequest) -> HttpResponse:
    """A plain Django view (no live page): 1000 saves in one HTTP request, in its own thread."""
    board = int(request.POST["board"])
    for number in range(1, int(request.POST["count"]) + 1):
        Task.objects.create(board_id=board, title=f"bulk {number}")
    return HttpResponse(status=204)


broadcast_patterns = [
    path("bulk-add/", bulk_add),
    path("writer/", WriterView.as_view()),
    path("quiet-writer/", QuietWriterView.as_view()),
    path("own-saves/", OwnSavesView.as_view()),
    path("news-writer/", NewsWriterView.as_view()),
    path("tasks-with-adder/", TasksWithAdderView.as_view()),
    path("tagged/", TaggedTaskListView.as_view()),
    path("task-count/", TaskCountView.as_view()),
    path("boards/", BoardListView.as_view()),
    path("counted-boards/<int:pk>/", CountedBoardView.as_view()),
    path("tagged-boards/<int:pk>/", TaggedBoardView.as_view()),
    path("guarded/<int:pk>/", GuardedBoardView.as_view()),
    path("giving-guarded/<int:pk>/", GivingGuardedBoardView.as_view()),
    path("giving/<int:pk>/", GivingBoardView.as_view()),
    path("notes/", NoteListView.as_view()),
    path("mixed/<int:pk>/", MixedSubscriptionsView.as_view()),
    path("picked/", PickedBoardView.as_view()),
]

urlpatterns = [
    path("todo/", include("tests.todoapp.urls")),
    path("todo/", include(broadcast_patterns)),
]
