"""The page's own request processing on its socket.

Every unit of work of a page (its mount, the join's render, each event, each broadcast refresh,
each back/forward) runs inside the project's ``MIDDLEWARE``, as a GET of the page's URL would:
what a middleware sets on the request (a tenant, ``request.LANGUAGE_CODE``) is there, and what it
activates (a language, a time zone) is active while the handler runs and the blocks render, and
deactivated after.

The chain is built once per process (again when ``MIDDLEWARE`` changes), as Django's handler
builds it. At its bottom, where Django would call the view, the page's URL is resolved,
``process_view`` hooks run with the URL's callable, then the unit of work runs; an exception it
raises goes to the ``process_exception`` hooks (their response is not used) and then on to the
library as before. The response the middleware sees is a placeholder and is thrown away: a socket
cannot set cookies or headers. A middleware that answers instead of calling the next one (a
redirect to log in, a 403) refuses the unit: the socket closes with the matching code.

The request is the page's one request for its whole life, with the socket's session, user and
message store (read at connect; the session again, when used, before each later unit but the
join, ahead of the middleware: socket/sessions.py). Django's session, auth and messages
middleware, which would only install fresh copies of those, are left out of the chain
(``NOT_ON_THE_SOCKET``), as are its middleware that only write response headers. A
middleware of the project's own that assigns ``request.session`` or ``request.user`` sees its
own while it runs; ``process_view``, the view and the unit of work see the page's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from datetime import tzinfo
from functools import lru_cache
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, sync_to_async
from asgiref.sync import iscoroutinefunction as iscoro
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotFound
from django.urls import (
    Resolver404,
    ResolverMatch,
    URLResolver,
    get_resolver,
    set_script_prefix,
    set_urlconf,
)
from django.utils import timezone, translation
from django.utils.module_loading import import_string

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


_unit: ContextVar[Unit | None] = ContextVar("live_views_unit", default=None)


# Django's own middleware whose whole work on a GET is what the page already holds (its session,
# user and message store) or a response header the socket throws away. Left out of the socket's
# chain, where they would change nothing the page sees and cost about half the chain's time.
NOT_ON_THE_SOCKET = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.gzip.GZipMiddleware",
        "django.middleware.http.ConditionalGetMiddleware",
    }
)


def _adapt(method: Any, *, to_async: bool, is_async: bool) -> Any:
    if to_async and not is_async:
        return sync_to_async(method, thread_sensitive=True)
    if not to_async and is_async:
        return async_to_sync(method)
    return method


class SocketHandler:
    """The project's middleware chain, built as Django's handler builds it (sync, adapting an
    async-only middleware), with a unit of work where the view would be."""

    def __init__(self) -> None:
        self.view_hooks: list[Callable[..., HttpResponseBase | None]] = []
        self.exception_hooks: list[Callable[..., HttpResponseBase | None]] = []
        handler: Any = convert_exception_to_response(self._get_response)
        handler_is_async = False
        for path in reversed(settings.MIDDLEWARE):
            if path in NOT_ON_THE_SOCKET:
                continue
            factory = import_string(path)
            is_async = not getattr(factory, "sync_capable", True)
            adapted = _adapt(handler, to_async=is_async, is_async=handler_is_async)
            try:
                middleware = factory(adapted)
            except MiddlewareNotUsed:
                continue
            if hasattr(middleware, "process_view"):
                hook = middleware.process_view
                self.view_hooks.insert(0, _adapt(hook, to_async=False, is_async=iscoro(hook)))
            if hasattr(middleware, "process_exception"):
                hook = middleware.process_exception
                self.exception_hooks.append(_adapt(hook, to_async=False, is_async=iscoro(hook)))
            handler = convert_exception_to_response(middleware)
            handler_is_async = is_async
        self.chain: Callable[[HttpRequest], HttpResponseBase] = _adapt(
            handler, to_async=False, is_async=handler_is_async
        )

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
        installed = {name: request_vars.pop(name, _ABSENT) for name in PAGE_OWNED}
        request_vars.update(unit.page_owned)  # a CSP nonce: the page's, or none at all
        try:
            return self._run_unit(request, unit)
        finally:
            for name, theirs in installed.items():
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
                for process_exception in self.exception_hooks:
                    if process_exception(request, exc):
                        break  # Django stops at the first answer; the answer is not used
            return HttpResponse(status=500)
        finally:
            if unit.remember_activation:
                unit.activated = (translation.get_language(), timezone.get_current_timezone())
        unit.ran = True
        return HttpResponse()


# Once per URLconf, language and path for the whole process, not once per page: the pages of
# one URL share the match (i18n_patterns resolve by the language LocaleMiddleware activated,
# and put in request.LANGUAGE_CODE). An idle page keeps none of its own (docs/benchmarks.md,
# memory). Keyed by the resolver, not the URLconf's name: clear_url_caches() makes new ones.
@lru_cache(maxsize=1024)
def _resolve(
    resolver: URLResolver, language: str | None, active: str | None, path: str
) -> ResolverMatch:
    return resolver.resolve(path)


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

    # One per open page: slots keep an idle page small (docs/benchmarks.md, memory).
    __slots__ = (
        "language",
        "path",
        "remember_activation",
        "request",
        "script_prefix",
        "session_saved",
        "timezone",
    )

    def __init__(self, request: HttpRequest, path: str) -> None:
        self.request = request
        self.path = path  # the token's path (path_info can lose its "/" under a script prefix)
        self.script_prefix = request.META.get("SCRIPT_NAME") or "/"
        # What the middleware activated for the last unit: an async handler runs under it
        # (remembered only for a view that has async handlers).
        self.remember_activation = False
        self.language: str | None = None
        self.timezone: tzinfo | None = None
        # The page saved its session since the middleware last ran: what it activated may be
        # out of date (a language or time zone a handler stored there).
        self.session_saved = False

    def resolve(self, urlconf: Any) -> ResolverMatch:
        language = getattr(self.request, "LANGUAGE_CODE", None)
        return _resolve(get_resolver(urlconf), language, translation.get_language(), self.path)

    def run(self, work: Callable[[], T]) -> T:
        if _unit.get() is not None:
            return work()  # already inside (a refresh re-running the URL callable)
        request = self.request
        request_vars = vars(request)
        owned = {name: request_vars[name] for name in PAGE_OWNED if name in request_vars}
        unit = Unit(work, self.path, self.resolve, owned, self.remember_activation)
        self.session_saved = False  # the middleware reads it afresh now
        set_script_prefix(self.script_prefix)  # worker threads are pooled
        try:
            # In a copy of the context: the language and time zone the middleware or the work
            # activate (asgiref Locals, kept in the context) end with the unit, as a request's
            # do, and do not reach the next page of a batch. Django's deactivate() would do it
            # too, at about 4 µs each, a fifth of an empty unit's time.
            response = copy_context().run(socket_handler().process, request, unit)
        finally:
            for name in PAGE_OWNED:
                request_vars.pop(name, None)
            request_vars.update(unit.page_owned)
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
        with translation.override(self.language, deactivate=True), timezone.override(self.timezone):
            yield
