"""The market demo: a filtered, paginated list whose filters live in the URL (live_patch), a
flash message on an event, a chart widget hooking live:update, and scripts in liveblocks."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.contrib import messages

from live_views import LiveListView, live_event

PRODUCE = [
    ("apple", "fruit"), ("apricot", "fruit"), ("asparagus", "vegetable"), ("banana", "fruit"),
    ("basil", "herb"), ("beetroot", "vegetable"), ("blueberry", "fruit"), ("broccoli", "vegetable"),
    ("carrot", "vegetable"), ("cherry", "fruit"), ("chives", "herb"), ("dill", "herb"),
    ("fennel", "vegetable"), ("fig", "fruit"), ("garlic", "vegetable"), ("grape", "fruit"),
    ("kale", "vegetable"), ("leek", "vegetable"), ("lemon", "fruit"), ("mint", "herb"),
    ("onion", "vegetable"), ("parsley", "herb"), ("peach", "fruit"), ("pear", "fruit"),
    ("plum", "fruit"), ("radish", "vegetable"), ("rosemary", "herb"), ("sage", "herb"),
    ("spinach", "vegetable"), ("thyme", "herb"),
]  # fmt: skip
KINDS = ("fruit", "vegetable", "herb")


class MarketView(LiveListView):
    """``?q=`` searches, ``?kind=`` filters, ``?page=`` pages: a GET form and plain links work
    with JavaScript off; live, the same query changes without a page load and Back restores it."""

    template_name = "demo/market.html"
    paginate_by = 6
    csp_checked = False

    def get_queryset(self) -> list[dict[str, str]]:
        q = self.request.GET.get("q", "").strip().lower()
        kind = self.request.GET.get("kind", "")
        return [
            {"name": name, "kind": k}
            for name, k in PRODUCE
            if q in name and (kind not in KINDS or k == kind)
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = Counter(item["kind"] for item in self.object_list)
        page = context["page_obj"]
        context.update(
            kinds=KINDS,
            q=self.request.GET.get("q", ""),
            kind=self.request.GET.get("kind", ""),
            counts_json=json.dumps({kind: counts[kind] for kind in KINDS}),
            csp_checked=self.csp_checked,
            previous_query=self._query_for(page.number - 1),
            next_query=self._query_for(page.number + 1),
        )
        return context

    def _query_for(self, page: int) -> str:
        query = self.request.GET.copy()
        query["page"] = str(page)
        return query.urlencode()

    @live_event
    def filter(self, q: str = "", kind: str = "") -> None:
        # A new filter starts again on page 1; Back returns to the filter before.
        self.live_patch({"q": q.strip() or None, "kind": kind or None})

    @live_event
    def goto(self, page: int) -> None:
        query = self.request.GET.copy()
        query["page"] = str(page)
        self.live_patch(query)

    @live_event
    def buy(self, name: str) -> None:
        if any(name == produce for produce, _ in PRODUCE):
            messages.success(self.request, f"Added {name} to your basket.")

    @live_event
    def check_csp(self) -> None:
        self.csp_checked = True
