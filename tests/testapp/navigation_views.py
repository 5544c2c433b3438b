"""Views for the navigation, messages and CSP nonce tests: a filterable, paginated list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.crypto import get_random_string

from live_views import LiveListView, LiveTemplateView, live_event

FRUITS = [
    "apple", "apricot", "banana", "blackberry", "blueberry", "cherry", "date", "fig", "grape",
    "kiwi", "lemon", "lime", "mango", "melon", "orange", "peach", "pear", "plum",
]  # fmt: skip


class CatalogView(LiveListView):
    """``?q=`` filters, ``?page=`` pages (Django's own pagination); ``?secret=1`` is refused,
    and ``?old=1`` redirects (an old address sent to its new one)."""

    template_name = "testapp/catalog.html"
    paginate_by = 4
    gets = 0

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.GET.get("secret"):
            raise PermissionDenied
        if request.GET.get("old"):
            return redirect("/catalog/?page=1")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # ?broken=1 mounts, but its template fails to render (a bug the query reaches).
        broken = _Broken() if self.request.GET.get("broken") else None
        return super().get_context_data(broken=broken, **kwargs)

    def get_queryset(self) -> list[str]:
        type(self).gets += 1  # how often get() ran, across instances
        query = self.request.GET.get("q", "")
        return [fruit for fruit in FRUITS if query in fruit]

    @live_event
    def search(self, q: str) -> None:
        self.live_patch({"q": q or None})  # a new filter starts on page 1

    @live_event
    def goto(self, page: int, replace: bool = False) -> None:
        query = self.request.GET.copy()
        query["page"] = str(page)
        self.live_patch(query, replace=replace)

    @live_event
    async def goto_later(self, page: int) -> None:
        self.live_patch(f"page={page}")

    @live_event
    def patch_to(self, query: str) -> None:
        self.live_patch(query)

    @live_event
    def patch_then_fail(self) -> None:
        self.live_patch({"page": 2})
        raise RuntimeError("the handler failed after live_patch()")

    @live_event
    def save(self, text: str = "Saved") -> None:
        messages.success(self.request, text)

    @live_event
    def save_and_leave(self) -> HttpResponse:
        messages.info(self.request, "Saved, now elsewhere")
        return redirect("/plain/")

    @live_event
    def save_then_fail(self) -> None:
        messages.success(self.request, "never shown: the handler failed")
        raise RuntimeError("failed after adding a message")


class _Broken:
    @property
    def part(self) -> str:
        raise RuntimeError("the template failed for ?broken=1")


class QuietView(LiveTemplateView):
    """A live page with no liveblock for messages: they wait for the next page load."""

    template_name = "testapp/quiet.html"

    @live_event
    def save(self) -> None:
        messages.success(self.request, "Saved quietly")


class NonceMiddleware:
    """A strict script CSP with a fresh nonce per response, the way django-csp (and Django 6's
    own middleware) expose it as ``request.csp_nonce``; Django 5.2 has no CSP middleware."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        nonce = get_random_string(22)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["Content-Security-Policy"] = f"script-src 'nonce-{nonce}'"
        return response
