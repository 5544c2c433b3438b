from __future__ import annotations

from live_views.background import AsyncResult, LiveAsyncCancelled, report_progress
from live_views.broadcast import abroadcast, broadcast
from live_views.components import LiveComponent, LiveFormComponent
from live_views.events import live_event
from live_views.forms import LiveCreateView, LiveFormMixin, LiveFormView, LiveUpdateView
from live_views.version import __version__
from live_views.views import LiveDetailView, LiveListView, LiveTemplateView, LiveViewMixin

__all__ = [
    "AsyncResult",
    "LiveAsyncCancelled",
    "LiveComponent",
    "LiveCreateView",
    "LiveDetailView",
    "LiveFormComponent",
    "LiveFormMixin",
    "LiveFormView",
    "LiveListView",
    "LiveTemplateView",
    "LiveUpdateView",
    "LiveViewMixin",
    "__version__",
    "abroadcast",
    "broadcast",
    "live_event",
    "report_progress",
]
