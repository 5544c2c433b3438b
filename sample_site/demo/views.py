from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin

from demo.models import Todo
from live_views import LiveListView, LiveTemplateView, live_event


class CounterView(LiveTemplateView):
    template_name = "demo/counter.html"
    count = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self, amount: int = 1) -> None:
        self.count += amount

    @live_event
    def reset(self) -> None:
        self.count = 0


class PrivateCounterView(LoginRequiredMixin, CounterView):
    """The same counter, for logged-in users only: the socket re-checks LoginRequiredMixin."""

    template_name = "demo/private.html"


class TodoListView(LiveListView):
    """A list every open tab shares: saves broadcast (LIVE_VIEWS["BROADCAST_MODELS"]), and the
    view follows its model automatically, so every tab re-renders the rows that changed."""

    model = Todo
    template_name = "demo/todos.html"

    @live_event
    def add(self, title: str) -> None:
        title = title.strip()
        if title:
            Todo.objects.create(title=title[:200])

    @live_event
    def toggle(self, pk: int) -> None:
        todo = Todo.objects.filter(pk=pk).first()
        if todo is not None:
            todo.done = not todo.done
            todo.save(update_fields=["done"])

    @live_event
    def delete(self, pk: int) -> None:
        # delete() on the instance (not the queryset) so post_delete broadcasts it.
        for todo in Todo.objects.filter(pk=pk):
            todo.delete()
