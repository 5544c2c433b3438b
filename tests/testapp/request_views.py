"""A page that shows what the request processing gave it (language, time zone, tenant, a CSRF
token) and its URLconf: plain paths and the same page under i18n_patterns (/en/…, /fr/…)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from live_views import AsyncResult, LiveComponent, LiveTemplateView, live_event

# 2026-03-01 12:00 UTC: 21:00 in Tokyo, still 06:00 in Chicago, 13:00 in Paris.
NOON_UTC = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
YES = gettext_lazy("Yes")  # translated when used: in the page's language
NEWS = {"count": 0}  # shared data: a test changes it, then broadcast("world")


class WorldView(LiveTemplateView):
    template_name = "testapp/world.html"
    live_subscriptions = ["world"]
    count = 0
    handler_saw = ""
    work: AsyncResult | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            count=self.count, noon=NOON_UTC, news=NEWS["count"], **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("posted")

    @live_event
    def increment(self) -> None:
        self.count += 1
        self.handler_saw = _activated()

    @live_event
    async def increment_later(self) -> None:
        self.count += 1
        self.handler_saw = _activated()

    @live_event
    def choose_language(self, language: str) -> None:
        self.request.session["language"] = language  # read by SessionLanguageMiddleware

    @live_event
    def start_work(self) -> None:
        self.live_async("work", _activated)

    @live_event
    async def start_async_work(self) -> None:
        self.live_async("work", _activated_later)

    @live_event
    def say_yes(self) -> dict[str, Any]:
        self.live_push_event("toast", {"text": YES})
        self.live_title(YES)
        return {"text": YES}  # the reply to a hook's pushEvent()

    @live_event
    def explode(self) -> None:
        raise RuntimeError("the handler failed")

    @live_event
    def show_page(self, page: int) -> None:
        self.live_patch({"page": page})

    # A meeting's time from an <input type="datetime-local"> ("2026-12-04T10:30").
    meeting: datetime | None = None

    @live_event
    def schedule(self, when: datetime) -> None:
        self.meeting = when

    @live_event
    async def schedule_later(self, when: datetime) -> None:
        self.meeting = when


class Clock(LiveComponent):
    """A component of the page: its handlers see what the page's middleware activated."""

    template_name = "testapp/clock.html"
    saw = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(saw=self.saw, alarm=self.alarm, **kwargs)

    @live_event
    def look(self) -> None:
        self.saw = _activated()

    @live_event
    async def look_later(self) -> None:
        self.saw = _activated()

    alarm: datetime | None = None

    def mount(self, alarm: datetime | None = None) -> None:
        self.alarm = alarm

    @live_event
    def set_alarm(self, at: datetime) -> None:
        self.alarm = at

    @live_event
    async def set_alarm_later(self, at: datetime) -> None:
        self.alarm = at


class ClockPageView(LiveTemplateView):
    """No async handler of its own: only its component has one."""

    template_name = "testapp/clock_page.html"


class AlarmPageView(LiveTemplateView):
    """Its component's alarm is set by the template, from text."""

    template_name = "testapp/alarm_page.html"


def _activated() -> str:
    return f"{translation.get_language()} {timezone.get_current_timezone_name()}"


async def _activated_later() -> str:
    return _activated()


urlpatterns = [
    path("world/", WorldView.as_view(), name="world"),
    path("clock/", ClockPageView.as_view(), name="clock"),
    path("alarm/", AlarmPageView.as_view(), name="alarm"),
    *i18n_patterns(path("intl/world/", WorldView.as_view(), name="intl-world")),
    path("", include("live_views.urls")),  # the HTTP transport (tests/test_http_*.py)
]
