"""A URLconf routing views that are not live, one with @live_event methods
(live_views.E023)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.views.generic import TemplateView

from live_views import LiveTemplateView, live_event


class PlainCounterView(TemplateView):
    template_name = "testapp/counter.html"
    count = 0

    @live_event
    def increment(self, amount: int = 1) -> None:
        self.count += amount

    @live_event(name="zero")
    def reset(self) -> None:
        self.count = 0


class PlainPageView(TemplateView):
    template_name = "testapp/counter.html"

    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class LiveCounterView(LiveTemplateView):
    template_name = "testapp/counter.html"

    @live_event
    def increment(self) -> None:
        pass


urlpatterns = [
    path("plain/", PlainCounterView.as_view()),
    path("page/", PlainPageView.as_view()),
    path("live/", LiveCounterView.as_view()),
]
