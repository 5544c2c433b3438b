"""A page whose handlers tell one of its components something with live_send_update()."""

from __future__ import annotations

import contextlib
from typing import Any

from live_views import LiveComponent, LiveTemplateView, live_event

renders: list[str] = []  # the ids of the Counters whose template rendered, in order
COUNTER = "tests.testapp.sent_update_views.Counter"


class Counter(LiveComponent):
    template_name = "testapp/sent_counter.html"
    value = 0
    label = ""

    def mount(self, start: int = 0, label: str = "") -> None:
        self.value, self.label = start, label

    def update(
        self, value: int | None = None, add: int = 0, saved: bool = False, fail: bool = False
    ) -> None:
        if value is not None:
            self.value = value
        self.value += add
        if saved:
            self.label = "saved"
        if fail:
            raise RuntimeError("update() failed")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        renders.append(self.component_id)
        return super().get_context_data(value=self.value, label=self.label, **kwargs)

    @live_event
    def tell(self, to: str, value: int) -> None:
        """A sibling told through the page."""
        self.parent.live_send_update(Counter, to, value=value)

    @live_event
    def tell_and_count(self, to: str, value: int) -> None:
        self.parent.live_send_update(Counter, to, value=value)
        self.parent.total += 1
        self.parent.live_target("total")


class SentUpdatesView(LiveTemplateView):
    template_name = "testapp/sent_updates.html"
    total = 0
    show_c = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(total=self.total, show_c=self.show_c, **kwargs)

    @live_event
    def set(self, to: str, value: str) -> None:
        self.live_send_update(Counter, to, value=value)  # "7" is coerced as the tag's would be

    @live_event
    def set_by_path(self, to: str, value: int) -> None:
        self.live_send_update(COUNTER, to, value=value)

    @live_event
    def set_and_count(self, to: str, value: int) -> None:
        self.live_send_update(Counter, to, value=value)
        self.total += 1

    @live_event
    def set_targeted(self, to: str, value: int) -> None:
        self.live_send_update(Counter, to, value=value)
        self.total += 1
        self.live_target("total")

    @live_event
    def add_twice(self, to: str) -> None:
        self.live_send_update(Counter, to, add=1)
        self.live_send_update(Counter, to, add=10, saved=True)

    @live_event
    async def set_async(self, to: str, value: int) -> None:
        self.live_send_update(Counter, to, value=value)

    @live_event
    def set_then_fail(self, to: str) -> None:
        self.live_send_update(Counter, to, value=99)
        raise RuntimeError("after sending")

    @live_event
    def set_both_then_fail(self) -> None:
        """a's update() runs, then b's fails: the event fails, and a is as it was."""
        self.live_send_update(Counter, "a", value=50)
        self.live_send_update(Counter, "b", value=60, fail=True)
        self.total += 1

    @live_event
    def set_if_shown(self, to: str, value: int) -> None:
        with contextlib.suppress(LookupError):
            self.live_send_update(Counter, to, value=value)

    @live_event
    def hide_c(self) -> None:
        self.show_c = False

    @live_event
    def send_unknown_id(self) -> None:
        self.live_send_update(Counter, "zz", value=1)

    @live_event
    def send_unknown_argument(self) -> None:
        self.live_send_update(Counter, "a", valeu=1)

    @live_event
    def send_bad_value(self) -> None:
        self.live_send_update(Counter, "a", value="many")


class RefreshSentView(SentUpdatesView):
    """Each broadcast of "sent-updates" adds one to a, from the refresh's get_context_data()."""

    live_subscriptions = ["sent-updates"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.live_connected:
            # The page's first render on the socket has not placed its components yet.
            with contextlib.suppress(LookupError):
                self.live_send_update(Counter, "a", add=1)
        return super().get_context_data(**kwargs)


class CounterBox(LiveComponent):
    """Holds a Counter: a live_send_update() to it renders the box around it too."""

    template_name = "testapp/sent_counter_box.html"


class NestedSentView(SentUpdatesView):
    template_name = "testapp/sent_updates_nested.html"
