from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from live_views import LiveTemplateView, live_event


class CounterView(LiveTemplateView):
    template_name = "testapp/counter.html"
    count = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self, amount: int = 1) -> None:
        self.count += amount

    @live_event
    def explode(self) -> None:
        self.count = 999  # must be rolled back: the handler fails
        raise RuntimeError("secret internal detail")

    def not_an_event(self) -> None:
        self.count = -1


class PrivateCounterView(LoginRequiredMixin, CounterView):
    pass


class GuardedView(CounterView):
    """Only pages loaded with ?key=open may connect: a custom dispatch() check."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.GET.get("key") != "open":
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RowsView(LiveTemplateView):
    """Keyed blocks in a table, inside {% extends %} and {% include %}."""

    template_name = "testapp/rows.html"

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.rows = {i: 0 for i in range(5)}
        self.renders = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            rows=sorted(self.rows.items()), title=getattr(self, "title", ""), **kwargs
        )

    @live_event
    def bump(self, row: int) -> None:
        self.rows[row] += 1

    @live_event
    def add(self) -> None:
        self.rows[max(self.rows) + 1] = 0

    @live_event
    def rename(self, title: str) -> None:
        self.title = title


class NestedView(RowsView):
    template_name = "testapp/nested.html"


class ItemsView(LiveTemplateView):
    """URL kwargs reach the live instance."""

    template_name = "testapp/items.html"
    extra = 0

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        start = self.kwargs["start"]
        return super().get_context_data(items=range(start, start + 3 + self.extra), **kwargs)

    @live_event
    def more(self) -> None:
        self.extra += 1


class AsyncCounterView(CounterView):
    @live_event
    async def add_async(self, amount: int) -> None:
        self.count += amount


class TypedView(LiveTemplateView):
    template_name = "testapp/typed.html"
    seen: dict[str, Any] = {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        seen = {k: f"{type(v).__name__}:{v!r}" for k, v in sorted(self.seen.items())}
        return super().get_context_data(seen=seen, **kwargs)

    @live_event
    def typed(
        self,
        n: int,
        x: float,
        flag: bool,
        price: Decimal,
        day: datetime.date,
        when: datetime.datetime,
        ident: uuid.UUID,
        tags: list[int],
        note: str | None = None,
    ) -> None:
        self.seen = dict(
            n=n, x=x, flag=flag, price=price, day=day, when=when, ident=ident, tags=tags, note=note
        )


class EchoView(LiveTemplateView):
    """Shows client-supplied text (from the query string or an event) in text and attribute."""

    template_name = "testapp/echo.html"

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.text = request.GET.get("text", "")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(text=self.text, **kwargs)

    @live_event
    def say(self, text: str) -> None:
        self.text = text

    @live_event
    def shout(self) -> None:
        self.text = self.text.upper()

    @live_event
    def press(self, key: str = "") -> None:
        # Sent by an element with data-live-key: the browser adds the key pressed.
        self.text = f"pressed {key}"

    @live_event
    def pick(self, number: int | None) -> None:
        self.text = repr(number)

    @live_event
    def fail(self, message: str) -> None:
        self.text = "must be rolled back"
        raise ValueError(message)

    @live_event
    async def fail_async(self, message: str) -> None:
        self.text = "must be rolled back"
        raise ValueError(message)

    @live_event
    def refuse(self, reason: str) -> None:
        self.text = "must be rolled back"
        raise PermissionDenied(reason)

    @live_event
    async def refuse_async(self) -> None:
        self.text = "must be rolled back"
        raise PermissionDenied

    @live_event
    def look_up(self, pk: int) -> None:
        from django.contrib.auth.models import User
        from django.shortcuts import get_object_or_404

        self.text = get_object_or_404(User, pk=pk).username
