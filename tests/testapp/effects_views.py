"""A page whose events ask the browser for more than HTML: push events, a reply, focus, title,
scroll, another live page (live_views/commands.py), and one that polls (live_every)."""

from __future__ import annotations

from typing import Any

from live_views import LiveTemplateView, live_event


class EffectsView(LiveTemplateView):
    template_name = "testapp/effects.html"
    count = 0
    live_subscriptions = ["effects"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Over HTTP this does nothing; on the socket it rides the next frame (a refresh's too).
        self.live_push_event("count", {"count": self.count})
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def add(self, amount: int = 1) -> dict[str, int]:
        self.count += amount
        self.live_push_event("chart:data", [1, 2.5, None, "x"])
        return {"count": self.count}

    @live_event
    def retitle(self, title: str) -> None:
        self.live_title(title)
        self.live_focus("#name")
        self.live_scroll_into_view("#bottom")

    @live_event
    def go(self) -> None:
        self.live_navigate("/counter/")

    @live_event
    def huge(self) -> None:
        self.count = 500  # rolled back: the push below fails the event
        self.live_push_event("big", "x" * 300_000)

    @live_event
    def unserializable(self) -> None:
        self.live_push_event("bad", {"when": object()})

    @live_event
    def bad_reply(self) -> dict[str, Any]:
        return {"value": {1, 2}}


class PollingView(LiveTemplateView):
    template_name = "testapp/effects.html"
    count = 0
    live_every = {"tick": 0.5}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def tick(self) -> None:
        self.count += 1
