"""Pages that show a "new version" banner when they run static files older than the server's
(``live_static_changed``)."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from live_views import LiveComponent, LiveTemplateView, live_event


class StaleBannerView(LiveTemplateView):
    template_name = "testapp/stale_banner.html"
    count = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Set before get() runs: the context can depend on it too.
        kwargs.setdefault("stale_at_get", self.live_static_changed)
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self) -> None:
        self.count += 1


# What the shared page shows; a test appends, then broadcasts "stale-news".
NEWS: list[str] = []


class SharedStaleBannerView(StaleBannerView):
    """Rendered once for every page of its URL and state on a broadcast (socket/shared.py)."""

    template_name = "testapp/stale_banner_shared.html"  # no component: those render apart
    live_shared_render = True
    live_subscriptions = ["stale-news"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.count = len(NEWS)
        return super().get_context_data(**kwargs)


class StaleBanner(LiveComponent):
    template_name = "testapp/stale_banner_component.html"
    count = 0

    @live_event
    def increment(self) -> None:
        self.count += 1


class PlainStaleBannerView(TemplateView):
    """Not live: the component is the page's live part."""

    template_name = "testapp/plain_stale_banner.html"
