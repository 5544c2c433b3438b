"""Views with model-typed event arguments (tests/test_rows.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path

from live_views import LiveListView, LiveTemplateView, live_event
from tests.todoapp.models import Task


class MyTasksView(LiveListView):
    """Lists the tasks on public boards and on the visitor's own boards, and only those."""

    template_name = "todoapp/tasks.html"

    def get_queryset(self) -> QuerySet[Task]:
        tasks = Task.objects.filter(board__owner__isnull=True)
        if self.request.user.is_authenticated:
            tasks = tasks | Task.objects.filter(board__owner=self.request.user)
        return tasks.order_by("pk")

    @live_event
    def finish(self, task: Task) -> None:
        task.done = True
        task.save()

    @live_event
    def finish_many(self, tasks: list[Task]) -> None:
        for task in tasks:
            task.done = True
            task.save()

    @live_event
    async def rename(self, task: Task, title: str) -> None:
        task.title = title
        await task.asave()

    @live_event
    def maybe(self, task: Task | None = None) -> None:
        self.picked = task


class NoQuerysetView(LiveTemplateView):
    template_name = "todoapp/topic.html"

    @live_event
    def finish(self, task: Task) -> None:
        task.delete()  # must never run: this view has no queryset of tasks

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(headline="no queryset", **kwargs)


urlpatterns = [
    path("mine/", MyTasksView.as_view()),
    path("noqs/", NoQuerysetView.as_view()),
]
