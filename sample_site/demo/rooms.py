"""The chat rooms demo: two live components on one page, each with a stream of its own named
``messages``. A message posted in one room is sent to that room only, one item at a time, and
neither the rooms nor the page keep the messages."""

from __future__ import annotations

from typing import Any

from live_views import LiveComponent, LiveTemplateView, live_event


class ChatRoom(LiveComponent):
    """One room: ``post`` inserts a message into this room's stream, ``delete`` removes one."""

    template_name = "demo/chat_room.html"
    sent = 0  # how many messages this room was sent: the next message's key

    def mount(self, welcome: str = "") -> None:
        self.live_stream("messages", [{"id": 0, "text": welcome}], key="id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(sent=self.sent, **kwargs)

    @live_event
    def post(self, text: str) -> None:
        text = text.strip()
        if text:
            self.sent += 1
            self.live_stream_insert("messages", {"id": self.sent, "text": text[:200]})

    @live_event
    def delete(self, id: int) -> None:
        self.live_stream_delete("messages", id)


class RoomsView(LiveTemplateView):
    template_name = "demo/rooms.html"
