"""Views, components and URLs for tests/test_component_streams.py: streams of live components."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.views.generic import TemplateView

from live_views import LiveComponent, LiveTemplateView, live_event
from tests.todoapp.models import Task
from tests.todoapp.stream_views import Message

CHAT = "tests.todoapp.component_stream_views.Chat"


class Chat(LiveComponent):
    """A stream of its own, named like its page's and like the other instance's."""

    template_name = "todoapp/component_chat.html"
    title = "Chat"
    note = ""
    shown = True

    def mount(self, size: int = 2) -> None:
        self.size = size

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Declared before each render, as a page does in its get_context_data(): shown again
        # after an {% if %} hid it, the stream is filled from here.
        messages = (Message(i, f"{self.component_id} {i}") for i in range(1, self.size + 1))
        self.live_stream("messages", messages, key="id")
        return super().get_context_data(
            title=self.title, note=self.note, shown=self.shown, **kwargs
        )

    @live_event
    def add(self, id: int, text: str, at: int = -1) -> None:
        self.live_stream_insert("messages", Message(id, text), at=at)

    @live_event
    def add_targeted(self, id: int, text: str) -> None:
        # Names a block that does not hold the stream: the insert is sent all the same.
        self.live_stream_insert("messages", Message(id, text))
        self.title = "Targeted"
        self.live_target("title")

    @live_event
    def remove(self, id: int) -> None:
        self.live_stream_delete("messages", id)

    @live_event
    def start_over(self, count: int) -> None:
        self.live_stream_reset("messages", [Message(i, f"new {i}") for i in range(count)])

    @live_event
    def rename(self, title: str) -> None:
        self.title = title  # re-renders the component around its stream

    @live_event
    def annotate(self, note: str) -> None:
        # Names the block that holds the stream: it renders, and keeps the browser's items.
        self.note = note
        self.live_target("list")

    @live_event
    def toggle(self) -> None:
        self.shown = not self.shown

    @live_event
    def add_then_fail(self, id: int) -> None:
        self.live_stream_insert("messages", Message(id, "never shown"))
        raise RuntimeError("the handler failed after its insert")


class ChatsPage(LiveTemplateView):
    """A stream of its own and two Chats."""

    template_name = "todoapp/component_chats.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("messages", [Message(1, "page 1")], key="id")
        return super().get_context_data(**kwargs)

    @live_event
    def add(self, id: int, text: str) -> None:
        self.live_stream_insert("messages", Message(id, text))


class PageStreamInComponent(LiveComponent):
    """Shows, in its template, a stream that only its page declared."""

    template_name = "todoapp/component_chat.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title="", note="", shown=True, **kwargs)


class BorrowingPage(ChatsPage):
    template_name = "todoapp/component_borrowing.html"


class TaskFeed(LiveComponent):
    """The tasks not done, as a stream that broadcasts keep current; its page has none."""

    template_name = "todoapp/component_task_feed.html"
    live_subscriptions = [Task]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("tasks", Task.objects.filter(done=False).order_by("pk"))
        return super().get_context_data(**kwargs)


class TaskFeedPage(LiveTemplateView):
    template_name = "todoapp/component_task_feed_page.html"

    @live_event
    def add(self, board: int, title: str) -> None:
        Task.objects.create(board_id=board, title=title)

    @live_event
    def finish(self, task: int) -> None:
        row = Task.objects.get(pk=task)
        row.done = True
        row.save()


urlpatterns = [
    path("chats/", ChatsPage.as_view()),
    path("borrowing/", BorrowingPage.as_view()),
    path("task-feed/", TaskFeedPage.as_view()),
    path("plain/", TemplateView.as_view(template_name="todoapp/component_chats_plain.html")),
]
