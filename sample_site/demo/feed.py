"""The todo feed demo: the shared todo list as a stream, newest first. The page keeps none of the
rows; a todo added, ticked or deleted in any tab arrives here as that one row."""

from __future__ import annotations

from typing import Any

from demo.models import Todo
from live_views import LiveTemplateView


class TodoFeedView(LiveTemplateView):
    """Saves of ``Todo`` broadcast (``BROADCAST_MODELS``); the stream's queryset tells each page
    which rows are its own, and each row is rendered for that page."""

    template_name = "demo/todo_feed.html"
    live_subscriptions = [Todo]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Newest first; new todos go on top and the browser keeps the 20 newest.
        todos = Todo.objects.order_by("-pk")
        self.live_stream("todos", todos[:20], at=0, limit=20)
        return super().get_context_data(**kwargs)
