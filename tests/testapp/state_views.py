"""Views for the page-state tests (tests/test_state.py), routed by tests/state_urls.py."""

from __future__ import annotations

import datetime
from typing import Any

from live_views import live_event
from tests.testapp.views import CounterView


class StatefulCounterView(CounterView):
    """The test counter, with its count and a list of notes kept as page state."""

    template_name = "testapp/state.html"
    live_state = ["count", "notes"]

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.notes: list[str] = []

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(notes=self.notes, **kwargs)

    @live_event
    def note(self, text: str) -> None:
        self.notes = [*self.notes, text]


class UnsavableStateView(CounterView):
    """Page state that JSON cannot hold: a datetime, and a dict with int keys."""

    live_state = ["count", "when", "by_row"]
    when: datetime.datetime | None = None
    by_row: dict[Any, int] | None = None

    @live_event
    def stamp(self) -> None:
        self.count += 1
        self.when = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)

    @live_event
    def tally(self, row: int) -> None:
        self.count += 1
        self.by_row = {row: 1}
