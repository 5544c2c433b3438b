"""``LiveViewMixin`` and the live versions of Django's generic views."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader
from django.template.backends.django import Template as DjangoBackendTemplate
from django.template.response import TemplateResponse
from django.views.generic import (
    DetailView,
    ListView,
    TemplateView,
)

from live_views.background import LiveAsyncMixin
from live_views.commands import LiveCommandsMixin
from live_views.events import EventSpec, collect_events
from live_views.pubsub.topics import Subscription
from live_views.render.collector import block_id
from live_views.rows import default_queryset
from live_views.runtime import (
    HoldsLiveRuntime,
    Patch,
    mounting,
    no_such_component,
    query_string,
)
from live_views.streams import LiveStreamsMixin

if TYPE_CHECKING:
    from django.template.base import Template

    _Base = TemplateView
else:
    _Base = object


class LiveViewMixin(HoldsLiveRuntime, LiveCommandsMixin, LiveStreamsMixin, LiveAsyncMixin, _Base):
    """Make a Django class-based view live. Mix in before the generic view."""

    live_events: ClassVar[dict[str, EventSpec]] = {}
    live_http_clashes: ClassVar[frozenset[str]] = frozenset()  # events named as HTTP methods
    live_subscriptions: Sequence[Subscription] = ()
    # Attribute names that are page state: kept server-side across reconnects and restarts.
    live_state: Sequence[str] = ()
    # True when the page does not depend on who looks at it: broadcast refreshes then render it
    # once per URL and state, as an anonymous visitor would see it, for every page that shows it.
    live_shared_render: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.live_events = collect_events(cls)
        for spec in cls.live_events.values():
            if spec.attribute in ("get", "head"):
                raise TypeError(
                    f"{cls.__qualname__}.{spec.attribute} is a @live_event, but "
                    f"{spec.attribute}() is what renders the page over HTTP: name the method "
                    "otherwise, keeping the event's name with "
                    f'@live_event(name="{spec.attribute}").'
                )
        # A live event named delete (or put, patch, ...) is no answer to that HTTP method:
        # View.dispatch would call it with the request as its first argument.
        cls.live_http_clashes = frozenset(
            spec.attribute for spec in cls.live_events.values()
        ) & frozenset(getattr(cls, "http_method_names", ()))  # a mixin, before View, has none

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not apps.is_installed("live_views"):
            # Without it the template tags, the JS and the system checks are all missing, and
            # the first symptom would be a template error far from the cause.
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} is a live view, but 'live_views' is not in "
                "INSTALLED_APPS: add it there (and run manage.py check)."
            )
        mount = mounting.get()
        if mount is not None and mount.view is None:
            if mount.check_only:
                # Every check before this mixin passed: that is all a check-only mount asks.
                mount.view = self
                return HttpResponse(status=200)
            if mount.page is not None and mount.page is not self:
                # The checks above ran on this throwaway instance; the page's own instance
                # runs the rest of dispatch() (later mixins, then get()).
                mount.view = mount.page
                # Dropped now: the bound ``self.get`` that setup() keeps as ``head`` would hold
                # it in a reference cycle until the garbage collector runs (one per page and
                # broadcast).
                vars(self).pop("head", None)
                return super(LiveViewMixin, mount.page).dispatch(request, *args, **kwargs)
            mount.view = self
            # A live page is only ever dispatched as a GET: the bound ``self.get`` that setup()
            # keeps as ``head`` would be a reference cycle held for as long as the page is open.
            vars(self).pop("head", None)
            self.live_runtime.connected = True
            self.live_runtime.page_id = mount.page_id
            self.live_runtime.static_changed = mount.static_changed
            if mount.state is not None:
                mount.state.restore(self)  # after setup() and the access checks, before get()
        if (request.method or "").lower() in self.live_http_clashes:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def _allowed_methods(self) -> list[str]:
        # Django's Allow header (a 405's, OPTIONS') lists each method the view has an attribute
        # for: a live event's name is none.
        allowed: list[str] = super()._allowed_methods()  # type: ignore[misc]
        return [m for m in allowed if m.lower() not in self.live_http_clashes]

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        if self.live_runtime.connected:
            # On the socket the page is never rendered whole: keep the context for the blocks.
            self.live_runtime.context = context
            return HttpResponse(status=200)
        response = super().render_to_response(context, **response_kwargs)
        if settings.DEBUG and isinstance(response, TemplateResponse):
            from live_views.render.debug_hints import report_mistakes

            name, request = type(self).__qualname__, self.request
            response.add_post_render_callback(lambda r: report_mistakes(r, name, request))
        return response

    def get_live_subscriptions(self) -> list[Subscription]:
        """What this page re-renders on: ``live_subscriptions``, plus the view's own data.

        A view with an ``object`` (detail, update) follows that row; one with an
        ``object_list``, ``queryset`` or ``model`` follows the whole model.
        """
        subscriptions = list(self.live_subscriptions)
        obj = getattr(self, "object", None)
        if isinstance(obj, models.Model):
            subscriptions.append(obj)
            return subscriptions
        for source in (getattr(self, "object_list", None), getattr(self, "queryset", None)):
            if isinstance(source, models.QuerySet):
                subscriptions.append(source.model)
                return subscriptions
        model = getattr(self, "model", None)
        if isinstance(model, type) and issubclass(model, models.Model):
            subscriptions.append(model)
        return subscriptions

    def live_patch(self, query: Mapping[str, Any] | str, *, replace: bool = False) -> None:
        """From an event handler: show ``query`` as the page's new query string. Once the
        handler returns, ``get()`` runs again with ``request.GET`` set to it (after the view's
        access checks, as for a GET of the new URL), and the browser's address bar shows it
        without a page load; Back comes back to the query before. ``replace=True`` replaces
        the current history entry instead of adding one."""
        if not self.live_connected:
            raise RuntimeError(
                f"{type(self).__qualname__}.live_patch() was called while serving an HTTP "
                "request; it changes the URL of a live page from an event handler. Over HTTP, "
                "return redirect(url) instead."
            )
        # A second call in one handler wins; a handler that raises patches nothing.
        self.live_runtime.patch = Patch(query_string(query), replace)

    def live_target(self, name: str, key: object | None = None) -> None:
        """Say that this event changed only the liveblock ``name`` (with ``key``); call once
        per block. The render after the event then runs only the loop iterations that lead to
        the named blocks, so a one-row change costs the same in a list of 10 or 10,000 rows.
        Anything else the event changed is not shown until a later full render."""
        runtime = self.live_runtime
        runtime.targets = (runtime.targets or frozenset()) | {block_id(name, key)}

    def live_send_update(self, component: type | str, id: object, /, **arguments: Any) -> None:
        """Tell one live component of this page something (Phoenix's ``send_update``): its
        ``update()`` is called with ``arguments`` (coerced by its hints) at the page's next
        render, which renders it again. After a handler that changed nothing else of the page
        (no attribute set, no ``live_target()``), that render is the component's only. Raises
        ``LookupError`` when the page shows no such component, ``TypeError`` for arguments its
        ``update()`` does not take."""
        if not self.live_runtime.connected:
            raise RuntimeError(
                f"{type(self).__qualname__}.live_send_update() was called while serving an "
                "HTTP request; it updates a component of a live page from an event handler. "
                "Over HTTP, pass the component what it should show through its tag's arguments."
            )
        host = self.live_runtime.components  # live_views.components.host.ComponentHost
        if host is None:
            raise LookupError(no_such_component(component, str(id)))
        host.sent.send(component, str(id), arguments)

    def get_live_queryset(self, model: type[models.Model]) -> models.QuerySet[Any]:
        """The rows a model-typed event argument may name: by default ``get_queryset()``."""
        return default_queryset(self, model)

    def get_live_template(self) -> Template:
        names = self.get_template_names()
        template = loader.select_template(names, using=self.template_engine)
        if not isinstance(template, DjangoBackendTemplate):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} renders {template!r}, but liveblocks need a template "
                "of Django's own template engine (BACKEND django.template.backends.django."
                "DjangoTemplates)."
            )
        inner: Template = template.template
        return inner

    def refresh_live_context(self) -> HttpResponseBase:
        """Run the view's ``get()`` again, as for a page load, to rebuild its context."""
        self.live_runtime.context = None
        return self.get(self.request, *self.args, **self.kwargs)


class LiveTemplateView(LiveViewMixin, TemplateView):
    pass


class LiveListView(LiveViewMixin, ListView):  # type: ignore[type-arg]
    pass


class LiveDetailView(LiveViewMixin, DetailView):  # type: ignore[type-arg]
    pass
