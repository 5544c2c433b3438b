"""The page's own request processing on its socket.

Every unit of work of a page (its mount, the join's render, each event, each broadcast refresh,
each back/forward) runs inside the project's ``MIDDLEWARE``, as a GET of the page's URL would:
what a middleware sets on the request (a tenant, ``request.LANGUAGE_CODE``) is there, and what it
activates (a language, a time zone) is active while the handler runs and the blocks render, and
deactivated after.

Django's ``BaseHandler`` builds the chain once per process (again when ``MIDDLEWARE`` changes).
At its bottom, where Django would call the view, the page's URL is resolved, ``process_view``
hooks run with the URL's callable, then the unit of work runs; an exception it raises goes to the
``process_exception`` hooks (their response is not used) and then on to the library as before.
The response the middleware sees is a placeholder and is thrown away: a socket cannot set
cookies or headers. A middleware that answers instead of calling the next one (a redirect to
log in, a 403) refuses the unit: the socket closes with the matching code.

The request is the page's one request for its whole life. Middleware that installs a session,
a user or a message store sees its own fresh ones while it runs, but the view, ``process_view``
and the unit of work see the socket's (read once at connect, re-read when the session is
checked): a middleware cannot replace them under the page, and an event costs no session or
user query of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, TypeVar

from django.core.handlers.base import BaseHandler
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotFound
from django.urls import Resolver404, ResolverMatch, get_resolver, set_script_prefix, set_urlconf
from django.utils import timezone, translation

from live_views.connect import wire
from live_views.socket.protocol import FrameError
from live_views.socket.refusal import Refused, refused_by

T = TypeVar("T")

# What the page keeps for itself across units of work, whatever a middleware assigns.
PAGE_OWNED = ("session", "user", "_messages", "csp_nonce", "_csp_nonce")
_ABSENT = object()


@dataclass
class Unit:
    work: Callable[[], Any]
    path: str
    resolve: Callable[[Any], ResolverMatch]
    page_owned: dict[str, Any]
    remember_activation: bool
    ran: bool = False
    result: Any = None
    error: Exception | None = None
    activated: tuple[str | None, tzinfo | None] = (None, None)
    middleware_owned: dict[str, Any] = field(default_factory=dict)


_unit: ContextVar[Unit | None] = ContextVar("live_views_unit", default=None)


class SocketHandler(BaseHandler):
    """The project's middleware chain with a unit of work where the view would be."""

    def __init__(self) -> None:
        self.load_middleware(is_async=False)
        # BaseHandler's own attributes (django-stubs does not declare them).
        built = vars(self)
        self.chain: Callable[[HttpRequest], HttpResponseBase] = built["_middleware_chain"]
        self.view_hooks: list[Callable[..., HttpResponseBase | None]] = built["_view_middleware"]

    def process(self, request: HttpRequest, unit: Unit) -> HttpResponseBase:
        reset = _unit.set(unit)
        try:
            return self.chain(request)
        finally:
            _unit.reset(reset)
            if hasattr(request, "urlconf"):
                set_urlconf(None)

    def _get_response(self, request: HttpRequest) -> HttpResponseBase:
        unit = _unit.get()
        assert unit is not None
        request_vars = vars(request)
        unit.middleware_owned = {name: request_vars.pop(name, _ABSENT) for name in PAGE_OWNED}
        request_vars.update(unit.page_owned)  # a CSP nonce: the page's, or none at all
        try:
            return self._run_unit(request, unit)
        finally:
            for name, theirs in unit.middleware_owned.items():
                value = request_vars.get(name, _ABSENT)
                if value is _ABSENT:
                    unit.page_owned.pop(name, None)
                else:
                    unit.page_owned[name] = value  # the page's own, or set by the unit
                if theirs is _ABSENT:
                    request_vars.pop(name, None)
                else:
                    request_vars[name] = theirs  # process_response sees what it installed

    def _run_unit(self, request: HttpRequest, unit: Unit) -> HttpResponseBase:
        urlconf = getattr(request, "urlconf", None)
        if urlconf is not None:
            set_urlconf(urlconf)  # a middleware chose the URLconf (hosts, tenants)
        try:
            match = unit.resolve(urlconf)
        except Resolver404:
            unit.error = Refused(wire.CLOSE_NOT_FOUND, f"no URL matches {unit.path!r}")
            return HttpResponseNotFound()
        request.resolver_match = match
        for process_view in self.view_hooks:
            response = process_view(request, match.func, match.args, match.kwargs)
            if response:
                return response
        try:
            unit.result = unit.work()
        except Exception as exc:
            unit.error = exc
            if not isinstance(exc, Refused | FrameError):
                self.process_exception_by_middleware(exc, request)
            return HttpResponse(status=500)
        finally:
            if unit.remember_activation:
                unit.activated = (translation.get_language(), timezone.get_current_timezone())
        unit.ran = True
        return HttpResponse()


_handler: SocketHandler | None = None


def socket_handler() -> SocketHandler:
    global _handler
    if _handler is None:
        _handler = SocketHandler()
    return _handler


@receiver(setting_changed)
def _rebuild_chain(*, setting: str, **kwargs: Any) -> None:
    global _handler
    if setting == "MIDDLEWARE":
        _handler = None


class RequestProcessing:
    """One page's request processing: ``run(work)`` runs ``work`` inside the middleware."""

    def __init__(self, request: HttpRequest, path: str) -> None:
        self.request = request
        self.path = path  # the token's path (path_info can lose its "/" under a script prefix)
        self.script_prefix = request.META.get("SCRIPT_NAME") or "/"
        # What the middleware activated for the last unit: an async handler runs under it
        # (remembered only for a view that has async handlers).
        self.remember_activation = False
        self.language: str | None = None
        self.timezone: tzinfo | None = None
        self.matches: dict[tuple[Any, str | None], ResolverMatch] = {}

    def resolve(self, urlconf: Any) -> ResolverMatch:
        # Once per URLconf and language: i18n_patterns resolve by the language LocaleMiddleware
        # activated (and put in request.LANGUAGE_CODE).
        key = (urlconf, getattr(self.request, "LANGUAGE_CODE", None))
        match = self.matches.get(key)
        if match is None:
            match = self.matches[key] = get_resolver(urlconf).resolve(self.path)
        return match

    def run(self, work: Callable[[], T]) -> T:
        if _unit.get() is not None:
            return work()  # already inside (a refresh re-running the URL callable)
        request = self.request
        request_vars = vars(request)
        owned = {name: request_vars[name] for name in PAGE_OWNED if name in request_vars}
        unit = Unit(work, self.path, self.resolve, owned, self.remember_activation)
        set_script_prefix(self.script_prefix)  # worker threads are pooled
        try:
            response = socket_handler().process(request, unit)
        finally:
            for name in PAGE_OWNED:
                request_vars.pop(name, None)
            request_vars.update(unit.page_owned)
            translation.deactivate()
            timezone.deactivate()
        if unit.remember_activation:
            self.language, self.timezone = unit.activated
        if unit.error is not None:
            raise unit.error
        if not unit.ran:
            raise refused_by(response, request, "a middleware")
        result: T = unit.result
        return result

    @contextmanager
    def activated(self) -> Iterator[None]:
        """For an async handler, which runs on the event loop between two units: the language
        and time zone the middleware activated for the page."""
        if self.language is None:
            yield
            return
        with translation.override(self.language), timezone.override(self.timezone):
            yield
