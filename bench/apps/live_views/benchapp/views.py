"""The benchmark pages, written the way the README teaches."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from benchapp.models import SharedCounter
from live_views import LiveTemplateView, broadcast, live_event


class CounterView(LiveTemplateView):
    template_name = "benchapp/counter.html"
    count = 0

    def get_context_data(self, **kwargs):
        return super().get_context_data(count=self.count, **kwargs)

    @live_event
    def increment(self):
        self.count += 1


class RowsView(LiveTemplateView):
    """A table of ``n_rows`` values, one keyed liveblock per row: "+1" on a row sends that row.

    ``targeted``: the handler names the block it changed (``live_target``), so the render after
    the event runs only that row; without it every row is rendered and only the changed one sent.
    """

    template_name = "benchapp/list.html"
    n_rows = 100
    targeted = True

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.rows = [0] * self.n_rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=self.rows, **kwargs)

    @live_event
    def bump(self, row: int):
        self.rows[row] += 1
        if self.targeted:
            self.live_target("row", key=row)


class SharedView(LiveTemplateView):
    """One value shared by every open page. It lives in the database, so that two server
    processes (the Redis fan-out) show the same value; each page re-reads it on a broadcast."""

    template_name = "benchapp/shared.html"
    live_subscriptions = ["shared"]
    # The same page for everyone: a broadcast renders it once per process (README "render once").
    live_shared_render = True

    def get_context_data(self, **kwargs):
        value = SharedCounter.objects.values_list("value", flat=True).get(pk=1)
        return super().get_context_data(value=value, **kwargs)


class PerUserSharedView(SharedView):
    """The same page, rendered per page and per user on a broadcast (no live_shared_render):
    what a view whose page depends on who looks costs (bench/extra.py fanout_per_user)."""

    live_shared_render = False


@csrf_exempt
@require_POST
def bump_shared(request: HttpRequest) -> JsonResponse:
    """The fan-out trigger: change the value once, then re-render every page on "shared"."""
    SharedCounter.objects.filter(pk=1).update(value=F("value") + 1)
    broadcast("shared")
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def bump_shared_counted(request: HttpRequest) -> JsonResponse:
    """bump_shared, answering the value it set (bench/under_load.py times each broadcast from
    the request that caused it). Requests run one at a time in Django's sync thread."""
    SharedCounter.objects.filter(pk=1).update(value=F("value") + 1)
    value = SharedCounter.objects.values_list("value", flat=True).get(pk=1)
    broadcast("shared")
    return JsonResponse({"value": value})
