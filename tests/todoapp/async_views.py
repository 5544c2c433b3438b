"""Views and URLs for tests/test_jobs.py: background work with live_async()."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from django.urls import path

from live_views import (
    AsyncResult,
    LiveAsyncCancelled,
    LiveTemplateView,
    live_event,
    report_progress,
)

# The tests hold the work here and let it go.
RELEASE = threading.Event()
CANCELLED = threading.Event()
STEPS = 3


def slow_total(count: int) -> int:
    for step in range(1, STEPS + 1):
        try:
            report_progress(step / STEPS)
        except LiveAsyncCancelled:
            CANCELLED.set()
            raise
        if step < STEPS and not RELEASE.wait(5):
            raise TimeoutError("the test never released the work")
    return sum(range(count + 1))


def failing() -> None:
    raise ValueError("the report service is down")


async def async_total(count: int) -> int:
    await asyncio.sleep(0)
    return count * 2


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("this result cannot be rendered")


async def unprintable() -> Unprintable:
    return Unprintable()


class ReportView(LiveTemplateView):
    template_name = "todoapp/report.html"
    report: AsyncResult | None = None
    pings = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.request.GET.get("on_mount") and self.live_connected and self.report is None:
            self.live_async("report", async_total, 21)
        return super().get_context_data(**kwargs)

    @live_event
    def start(self, count: int) -> None:
        self.live_async("report", slow_total, count)

    @live_event
    def start_failing(self) -> None:
        self.live_async("report", failing)

    @live_event
    def start_async(self, count: int) -> None:
        self.live_async("report", async_total, count)

    @live_event
    def start_deferred(self, count: int) -> None:
        # A sync callable that returns a coroutine: its outcome is the coroutine's value.
        self.live_async("report", lambda: async_total(count))

    @live_event
    def start_unprintable(self) -> None:
        self.live_async("report", unprintable)

    @live_event
    def ping(self) -> None:
        self.pings += 1

    @live_event
    def start_then_fail(self) -> None:
        self.live_async("report", async_total, 1)
        raise RuntimeError("the handler failed after starting work")


urlpatterns = [path("report/", ReportView.as_view())]
