"""A shop page that reads the visitor's session as it renders, for tests/test_session_renders.py:
what another tab saved (a cart, a message) must survive the page's broadcast refreshes and the
renders of its background work."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from live_views import AsyncResult, LiveTemplateView, live_event

STOCK = {"count": 10}
# The tests hold the stock check here and let it go.
RELEASE = threading.Event()


def check_stock() -> int:
    if not RELEASE.wait(5):
        raise TimeoutError("the test never released the stock check")
    return STOCK["count"]


class ShopView(LiveTemplateView):
    """Shows the session's cart and messages, and the stock (re-rendered on broadcast("stock"),
    or checked in the background). What stock it showed is remembered in the session, as a
    site does to say "restocked since you looked" on the visitor's next page."""

    template_name = "testapp/shop.html"
    live_subscriptions = ("stock",)
    stock_check: AsyncResult | None = None
    pings = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        checked = self.stock_check
        stock = checked.result if checked is not None and checked.ok else STOCK["count"]
        session = self.request.session
        if session.get("stock_seen") != stock:
            session["stock_seen"] = stock
        cart = session.get("cart", [])
        return super().get_context_data(cart=cart, stock=stock, pings=self.pings, **kwargs)

    @live_event
    def check(self) -> None:
        self.live_async("stock_check", check_stock)

    @live_event
    def ping(self) -> None:
        self.pings += 1

    @live_event
    def add(self, item: str) -> None:
        self.request.session["cart"] = [*self.request.session.get("cart", []), item]

    @live_event
    def add_then_fail(self, item: str) -> None:
        self.request.session["cart"] = [*self.request.session.get("cart", []), item]
        raise RuntimeError("the payment service is down")

    @live_event
    def sort(self, by: str) -> None:
        self.live_patch({"sort": by})


class StockView(LiveTemplateView):
    """The same stock, on a page that never reads the session."""

    template_name = "testapp/stock.html"
    live_subscriptions = ("stock",)
    stock_check: AsyncResult | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        checked = self.stock_check
        stock = checked.result if checked is not None and checked.ok else STOCK["count"]
        return super().get_context_data(stock=stock, **kwargs)

    @live_event
    def check(self) -> None:
        self.live_async("stock_check", check_stock)


def add(request: HttpRequest) -> HttpResponse:
    """The visitor's other tab puts an item in the cart (a plain view, as a form POST's)."""
    item = request.GET["item"]
    request.session["cart"] = [*request.session.get("cart", []), item]
    messages.success(request, f"Added {item}")
    return HttpResponse("added")


def look(request: HttpRequest) -> HttpResponse:
    """A page load that shows the cart and the messages waiting for it."""
    shown = ", ".join(str(message) for message in messages.get_messages(request))
    return HttpResponse(f"cart: {', '.join(request.session.get('cart', []))}; messages: {shown}")


urlpatterns = [
    path("shop/", ShopView.as_view()),
    path("stock/", StockView.as_view()),
    path("shop/add/", add),
    path("shop/look/", look),
    path("", include("live_views.urls")),
]
