from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from live_views import LiveDetailView, LiveListView, LiveTemplateView, live_event
from tests.todoapp.models import Board, Task


class TaskListView(LiveListView):
    model = Task
    template_name = "todoapp/tasks.html"

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.renders = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.renders += 1
        return super().get_context_data(renders=self.renders, **kwargs)

    @live_event
    def add(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)

    @live_event
    def count_renders(self) -> None:
        pass


class BoardDetailView(LiveDetailView):
    """Follows one board: hears its own saves and its tasks' (foreign key to the board)."""

    model = Board
    template_name = "todoapp/board.html"

    def get_queryset(self) -> QuerySet[Board]:
        # Boards with an owner are visible to that owner only.
        user = self.request.user
        boards = Board.objects.all()
        if user.is_authenticated:
            return boards.filter(owner__isnull=True) | boards.filter(owner=user)
        return boards.filter(owner__isnull=True)


class TopicView(LiveTemplateView):
    """Subscribes to a topic string, for broadcast() by hand."""

    template_name = "todoapp/topic.html"
    live_subscriptions = ("news",)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(headline=NEWS["headline"], **kwargs)


NEWS = {"headline": "nothing yet"}
