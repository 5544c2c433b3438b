"""Project middleware of the kinds the socket must run (tests/test_processing.py): one that
activates a time zone, one that sets an attribute templates read, one that refuses, one that
watches exceptions, and one that only makes sense for HTTP responses."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.utils import timezone, translation

GetResponse = Callable[[HttpRequest], HttpResponse]


class TimezoneMiddleware:
    """The visitor's time zone, from a ``tz`` cookie (the usual Django recipe)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.COOKIES.get("tz")
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)


class TenantMiddleware:
    """``request.tenant`` from a ``tenant`` cookie; counts the socket requests it saw."""

    socket_calls = 0

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = request.COOKIES.get("tenant", "public")  # type: ignore[attr-defined]
        if getattr(request, "live_socket", False):
            type(self).socket_calls += 1
        return self.get_response(request)


class GateMiddleware:
    """Refuses while ``closed`` is set: "403" answers 403, "login" redirects to log in."""

    closed: str | None = None

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.closed == "403":
            return HttpResponseForbidden("closed")
        if self.closed == "login":
            return HttpResponseRedirect(f"/login/?next={request.path}")
        return self.get_response(request)


class ExceptionLogMiddleware:
    seen: list[BaseException] = []

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        self.seen.append(exception)
        return HttpResponse("handled", status=500)


class ResponseHeaderMiddleware:
    """Works on the response only (headers, its content): must not break the socket."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["X-Length"] = str(len(response.content))
        return response


class SessionSeenMiddleware:
    """Records the session object each request carried when this middleware ran."""

    seen: list[object] = []

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(getattr(request, "session", None))
        return self.get_response(request)


class SessionLanguageMiddleware:
    """The language kept in the session (Django 4+ no longer reads it there itself): after
    LocaleMiddleware, it wins over the cookie and Accept-Language."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get("language")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class AsyncTenantMiddleware:
    """Async only (``sync_capable = False``): ``request.tenant`` and the visitor's time zone
    from cookies, as TenantMiddleware and TimezoneMiddleware do."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)  # as Django's docs have async middleware do

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = request.COOKIES.get("tenant", "public")  # type: ignore[attr-defined]
        name = request.COOKIES.get("tz")
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        return await self.get_response(request)


class LastVisitMiddleware:
    """Writes the session on every request, as an activity tracker does: the path and the time of
    the visitor's last request."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.session["last_visit"] = [request.path, timezone.now().isoformat()]
        return self.get_response(request)


class StockChangesBeforeSessionSaved:
    """Listed after SessionMiddleware, while ``armed``: once a live frame's view returned, and
    before SessionMiddleware saves that frame's session, the shop's stock changes and its pages
    are told; the answer waits a moment, so their refresh comes meanwhile."""

    armed = False

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.armed and request.path == "/live/http/":
            from live_views import broadcast
            from tests.testapp import shop_views

            shop_views.STOCK["count"] -= 1
            broadcast("stock")
            time.sleep(0.3)
        return response
