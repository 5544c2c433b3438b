"""JavaScript on live pages: hooks, events both ways, focus/title/scroll, polling, a chart, and
moving between live pages without a page load."""

from __future__ import annotations

import math
from typing import Any

from django.urls import reverse
from django.views.generic import TemplateView

from live_views import LiveTemplateView, live_event

# The hook the server gives #switching next: an update changes the attribute of an element it
# keeps, so its old hook is destroyed and the new one mounted.
NEXT_HOOK = {"": "Echo", "Echo": "Loud", "Loud": ""}


class HooksView(LiveTemplateView):
    """data-live-hook elements, inside and outside a liveblock, in a stream's items and in a
    live component, talk to this view."""

    template_name = "demo/hooks.html"
    clicks = 0
    show_widget = True
    show_panel = False
    pin_count = 0  # how many pins were ever added: the next one's key
    hook_name = ""  # #switching's data-live-hook; none at first
    help_open = False
    help_closed_with = ""  # the key that closed the help panel last

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.live_stream("pins", [], key="key")
        return super().get_context_data(
            clicks=self.clicks,
            show_widget=self.show_widget,
            show_panel=self.show_panel,
            pin_count=self.pin_count,
            hook_name=self.hook_name,
            help_open=self.help_open,
            help_closed_with=self.help_closed_with,
            **kwargs,
        )

    @live_event
    def add_pin(self) -> None:
        self.pin_count += 1
        self.live_stream_insert("pins", {"key": self.pin_count, "label": "new"})
        # In the frame that adds the pin: its hook, mounted first, hears it.
        self.live_push_event("pinned", {"key": self.pin_count})

    @live_event
    def rename_pin(self, key: int) -> None:
        self.live_stream_insert("pins", {"key": key, "label": "renamed"})

    @live_event
    def drop_pin(self, key: int) -> None:
        self.live_stream_delete("pins", key)

    @live_event
    def clear_pins(self) -> None:
        self.live_stream_reset("pins", [])

    @live_event
    def open_help(self) -> None:
        self.help_open = True

    @live_event
    def close_help(self, key: str = "") -> None:
        # Sent by Escape only (data-live-key in the template), with the key pressed.
        self.help_open = False
        self.help_closed_with = key

    @live_event
    def toggle_panel(self) -> None:
        self.show_panel = not self.show_panel

    @live_event
    def click(self, by: int = 1) -> dict[str, int]:
        # From a hook's pushEvent(): the dict returned is its promise's value; the push reaches
        # every handleEvent("clicked", …) and the root's live:push listeners.
        self.clicks += by
        self.live_push_event("clicked", {"clicks": self.clicks})
        return {"clicks": self.clicks}

    @live_event
    def toggle(self) -> None:
        self.show_widget = not self.show_widget

    @live_event
    def switch_hook(self) -> None:
        self.hook_name = NEXT_HOOK[self.hook_name]

    @live_event
    def focus_name(self) -> None:
        self.live_focus("#name")

    @live_event
    def retitle(self) -> None:
        self.live_title(f"Hooks ({self.clicks} clicks)")

    @live_event
    def scroll_down(self) -> None:
        self.live_scroll_into_view("#end")

    @live_event
    def go_counter(self) -> None:
        self.live_navigate(reverse("counter"))


class PlainHooksView(TemplateView):
    """An ordinary page, not live: the live component on it has a socket of its own, and the
    hook in that component pushes its events to the component."""

    template_name = "demo/hooks_plain.html"


class ChartView(LiveTemplateView):
    """A uPlot chart fed by live_push_event, one point a second while the tab is visible."""

    template_name = "demo/chart.html"
    live_every = {"tick": 1}
    # A hidden tab's socket closes (htmx's pauseOnBackground): the series survives it.
    live_state = ["step", "points"]

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.step = 0
        self.points: list[list[float]] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(step=self.step, **kwargs)

    @live_event
    def series(self) -> dict[str, Any]:
        """The chart's hook asks for what is there so far when it mounts (its reply)."""
        return {"points": self.points}

    @live_event
    def tick(self) -> None:
        self.step += 1
        point = [float(self.step), round(50 + 40 * math.sin(self.step / 5), 2)]
        self.points = [*self.points, point][-60:]
        self.live_push_event("chart:point", point)

    @live_event
    def reset(self) -> None:
        self.step = 0
        self.points = []
        self.live_push_event("chart:reset")
        self.live_title("Chart (reset)")
