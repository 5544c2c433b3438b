"""The languages demo: the page renders in the visitor's language (a cookie, the browser's
Accept-Language, or the /fr/ and /en/ prefixes of i18n_patterns), and keeps it on the socket:
the project's LocaleMiddleware runs around every event and broadcast, as for a page load."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from demo.models import Todo
from live_views import LiveTemplateView, live_event


class WorldView(LiveTemplateView):
    template_name = "demo/world.html"
    live_subscriptions = [Todo]  # a todo saved in any tab re-renders this page, in its language
    count = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            count=self.count, todos=Todo.objects.count(), now=timezone.now(), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form in a liveblock posts over HTTP: CsrfViewMiddleware has checked its token.
        return redirect(f"{request.path}?posted=1")

    @live_event
    def increment(self) -> None:
        self.count += 1

    @live_event
    def show_page(self, page: int) -> None:
        self.live_patch({"page": page})
