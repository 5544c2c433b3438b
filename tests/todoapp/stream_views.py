"""Views and URLs for tests/test_streams.py and the streams' browser tests."""

from __future__ import annotations

from typing import Any

from django.urls import path

from live_views import LiveTemplateView, live_event
from tests.todoapp.models import Task


class Message:
    """An item that is not a model row: keyed by ``id``."""

    def __init__(self, id: int, text: str) -> None:
        self.id = id
        self.text = text


class MessagesView(LiveTemplateView):
    """A stream of plain objects; ``?n=`` items to start with, ``?limit=`` kept in the browser."""

    template_name = "todoapp/stream_messages.html"
    title = "Messages"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        count = int(self.request.GET.get("n", "3"))
        limit = self.request.GET.get("limit")
        self.live_stream(
            "messages",
            (Message(i, f"message {i}") for i in range(1, count + 1)),
            key="id",
            limit=int(limit) if limit else None,
        )
        return super().get_context_data(title=self.title, **kwargs)

    @live_event
    def add(self, id: int, text: str, at: int = -1) -> None:
        self.live_stream_insert("messages", Message(id, text), at=at)

    @live_event
    def add_after(self, id: int, text: str, after: int) -> None:
        self.live_stream_insert("messages", Message(id, text), after=after)

    @live_event
    def remove(self, id: int) -> None:
        self.live_stream_delete("messages", id)

    @live_event
    def start_over(self, count: int) -> None:
        self.live_stream_reset("messages", [Message(i, f"new {i}") for i in range(count)])

    @live_event
    def rename(self, title: str) -> None:
        self.title = title  # re-renders the block around the stream

    @live_event
    def send_and_confirm(self, id: int, text: str) -> None:
        # Shown as sending, then updated once delivered: one item, inserted twice.
        self.live_stream_insert("messages", Message(id, f"{text} (sending)"))
        self.live_stream_insert("messages", Message(id, f"{text} (sent)"), at=0)

    @live_event
    def move_to_top(self, id: int, text: str) -> None:
        # A move: the item leaves its place and arrives at the start, in one frame.
        self.live_stream_delete("messages", id)
        self.live_stream_insert("messages", Message(id, text), at=0)

    @live_event
    def add_unkeyed(self) -> None:
        self.live_stream_insert("messages", Message(None, "not saved yet"))  # type: ignore[arg-type]

    @live_event
    def add_dict(self, text: str) -> None:
        self.live_stream_insert("messages", {"text": text})  # no "id", the stream's key

    @live_event
    def send_and_cancel(self, id: int) -> None:
        self.live_stream_insert("messages", Message(id, "sending"))
        self.live_stream_delete("messages", id)

    @live_event
    def start_over_then_fail(self, count: int) -> None:
        self.live_stream_reset("messages", [Message(i, f"new {i}") for i in range(count)])
        raise RuntimeError("the handler failed after its reset")

    @live_event
    def add_then_fail(self, id: int) -> None:
        self.live_stream_insert("messages", Message(id, "never shown"))
        raise RuntimeError("the handler failed after its insert")


class TabsView(MessagesView):
    """The stream in one tab of two: the other tab's render has no container for it."""

    template_name = "todoapp/stream_tabs.html"
    tab = "messages"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tab=self.tab, **kwargs)

    @live_event
    def show(self, tab: str) -> None:
        self.tab = tab


class HostsView(LiveTemplateView):
    """A stream keyed by text with dots and colons (host names), which a CSS selector reads as
    classes and pseudo-classes unless they are escaped."""

    template_name = "todoapp/stream_messages.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        hosts = ["db1.example.com", "db2.example.com", "cache:6379"]
        self.live_stream("messages", [Message(0, host) for host in hosts], key="text")
        return super().get_context_data(title="Hosts", **kwargs)

    @live_event
    def remove(self, host: str) -> None:
        self.live_stream_delete("messages", host)

    @live_event
    def add_after(self, host: str, after: str) -> None:
        self.live_stream_insert("messages", Message(0, host), after=after)


class TaskStreamView(LiveTemplateView):
    """The tasks of the boards the user may see, as a stream that broadcasts keep current."""

    template_name = "todoapp/stream_tasks.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tasks = Task.objects.filter(done=False).order_by("pk")
        if self.request.GET.get("board"):
            tasks = tasks.filter(board_id=self.request.GET["board"])
        self.live_stream("tasks", tasks)
        return super().get_context_data(**kwargs)

    def get_live_subscriptions(self) -> list[Any]:
        return [Task]

    @live_event
    def add(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)

    @live_event
    def rename(self, task: int, title: str) -> None:
        row = Task.objects.get(pk=task)
        row.title = title
        row.save()

    @live_event
    def finish(self, task: int) -> None:
        row = Task.objects.get(pk=task)
        row.done = True
        row.save()

    @live_event
    def remove(self, task: int) -> None:
        Task.objects.filter(pk=task).first().delete()  # type: ignore[union-attr]


class TaskTableView(TaskStreamView):
    """The tasks as rows of a table, after a block that shows the first one's title."""

    template_name = "todoapp/stream_task_table.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        first = Task.objects.filter(done=False).order_by("pk").first()
        return super().get_context_data(first=first, **kwargs)


class LimitedTasksView(LiveTemplateView):
    """The tasks of ``?board=``, ``?limit=`` of them kept (0: all), in a tab that may start
    hidden (``tab="settings"``): inserts and deletes then edit content not rendered yet, as
    they do in the handler that resets the stream."""

    template_name = "todoapp/stream_task_tabs.html"
    tab = "tasks"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tasks = Task.objects.filter(board_id=self.request.GET["board"]).order_by("pk")
        limit = int(self.request.GET.get("limit", "0"))
        self.live_stream("tasks", tasks, limit=limit or None)
        return super().get_context_data(tab=self.tab, **kwargs)

    @live_event
    def show(self, tab: str) -> None:
        self.tab = tab

    @live_event
    def pin(self, task: int) -> None:
        self.live_stream_insert("tasks", Task.objects.get(pk=task), at=0)

    @live_event
    def add(self, task: int) -> None:
        self.live_stream_insert("tasks", Task.objects.get(pk=task))

    @live_event
    def remove(self, task: int) -> None:
        self.live_stream_delete("tasks", task)

    @live_event
    def pin_then_fail(self, task: int) -> None:
        self.pin(task)
        raise RuntimeError("the handler failed after its insert")

    @live_event
    def newest_first(self, remove: int, pin: int, add: int) -> None:
        board = self.request.GET["board"]
        self.live_stream_reset("tasks", Task.objects.filter(board_id=board).order_by("-pk"))
        self.live_stream_delete("tasks", remove)
        self.live_stream_insert("tasks", Task.objects.get(pk=pin), at=0)
        self.live_stream_insert("tasks", Task.objects.get(pk=add))


class RowsView(LiveTemplateView):
    """Dicts keyed by ``id``, declared without ``key=`` (whose default is ``"pk"``)."""

    template_name = "todoapp/stream_messages.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("messages", [{"id": 1, "text": "one"}])
        return super().get_context_data(**kwargs)


urlpatterns = [
    path("messages/", MessagesView.as_view()),
    path("rows/", RowsView.as_view()),
    path("tasks/", TaskStreamView.as_view()),
    path("hosts/", HostsView.as_view()),
    path("tabs/", TabsView.as_view()),
    path("tasks/table/", TaskTableView.as_view()),
    path("tasks/limited/", LimitedTasksView.as_view()),
    path("tasks/limited/hidden/", LimitedTasksView.as_view(tab="settings")),
]
