from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin

from live_views import LiveTemplateView, live_event


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
