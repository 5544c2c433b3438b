"""``LiveComponent``: a part of a page with its own state, ``mount()``, template and
``@live_event`` methods, placed with ``{% live_component "dotted.path.Class" id="…" %}``."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.template import loader
from django.template.backends.django import Template as DjangoBackendTemplate

from live_views.arguments import ArgumentError, build_coercer
from live_views.datetimes import in_time_zone
from live_views.events import EventSpec, collect_events
from live_views.pubsub.topics import Subscription
from live_views.render.blocks import TAG_RE, VOID_TAGS
from live_views.render.collector import block_id
from live_views.rows import default_queryset, has_rows
from live_views.runtime import HoldsLiveRuntime
from live_views.streams import LiveStreamsMixin

if TYPE_CHECKING:
    from django.template.base import Template


class LiveComponent(HoldsLiveRuntime, LiveStreamsMixin):
    """Subclass it, give it a ``template_name``, ``mount()`` and ``@live_event`` methods. Its
    streams (``live_stream()`` and the rest, as a page's) are its own: ``{% live_stream %}``
    in its template shows them, under ids scoped by the component."""

    template_name: str | None = None
    # The element the component renders in ("tr" for a table row, "li", "span", …).
    root_tag = "div"
    live_events: ClassVar[dict[str, EventSpec]] = {}
    # Attribute names kept server-side across reconnects, as a page's live_state.
    live_state: Sequence[str] = ()
    live_subscriptions: Sequence[Subscription] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.live_events = collect_events(cls)
        if "update" in cls.live_events:
            raise TypeError(
                f"{cls.__qualname__}.update is a @live_event, but update() is the hook each later "
                "render of the page calls with the tag's arguments: give the event another name "
                "(save, apply, …)."
            )
        if not TAG_RE.fullmatch(cls.root_tag) or cls.root_tag in VOID_TAGS:
            raise TypeError(
                f"{cls.__qualname__}.root_tag must name an HTML element that holds content, "
                f'like "div", "tr" or "li", not {cls.root_tag!r}.'
            )

    def __init__(self, component_id: str, parent: Any, request: HttpRequest | None) -> None:
        self.component_id = component_id
        self._parent = parent
        self.request = request

    @property
    def parent(self) -> Any:
        """The page's live view instance, or ``None`` on a page that is not live. After an
        event whose handler used it, the page's liveblocks render too (to show what it changed
        there); after any other event of the component, only the component renders."""
        self.live_runtime.parent_used = True
        return self._parent

    @property
    def live_static_changed(self) -> bool:
        """The page's: True on a socket whose page was rendered with other static files than
        the server's (``LiveViewMixin.live_static_changed``), on a live page or not."""
        parent = self._parent  # not self.parent: reading it would render the page's blocks
        if parent is not None:
            return bool(parent.live_static_changed)
        return self.live_runtime.static_changed

    def check_access(self, request: HttpRequest) -> None:
        """Raise ``PermissionDenied`` to refuse this component to ``request``'s user. Runs
        before ``mount()``, over HTTP and on every socket that mounts the component."""

    def mount(self) -> None:
        """Set the initial state from the tag's keyword arguments (coerced by type hints)."""

    def update(self) -> None:
        """A later render of the page placed this component again (a page event, a broadcast
        refresh, Back): take what changed of the tag's keyword arguments, as they are now.
        ``mount()`` ran once, with the first ones; by default nothing more is taken, so the
        component's own state stands. Arguments it does not name are not passed (``mount()``
        checked them); those it names are coerced by its hints, as ``mount()``'s are. Not
        called for the component's own events, which do not render the page's template. The
        page's ``live_send_update()`` calls it too, with what it sends (after the tag's
        arguments when the page renders the component in the same reply)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("component", self)
        return kwargs

    def get_template_names(self) -> list[str]:
        if self.template_name is None:
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} needs a template_name (or a get_template_names())."
            )
        return [self.template_name]

    def get_live_template(self) -> Template:
        template = loader.select_template(self.get_template_names())
        if not isinstance(template, DjangoBackendTemplate):
            raise ImproperlyConfigured(
                f"{type(self).__qualname__} renders {template!r}, but a live component needs a "
                "template of Django's own template engine."
            )
        inner: Template = template.template
        return inner

    def get_live_queryset(self, model: type[models.Model]) -> models.QuerySet[Any]:
        """The rows a model-typed event argument may name: by default ``get_queryset()``."""
        return default_queryset(self, model)

    def get_live_subscriptions(self) -> list[Subscription]:
        return list(self.live_subscriptions)

    def live_render_page(self) -> None:
        """Render the page's liveblocks after this event too, as a handler that used
        ``self.parent`` does: for a change the page shows that the component cannot name there
        (a row it saved, which the page lists). A page that is not live has none to render."""
        self.live_runtime.parent_used = True

    def live_target(self, name: str, key: object | None = None) -> None:
        """Say that this event changed only the component's liveblock ``name`` (with ``key``);
        call once per block. The component's next render then runs only the loop iterations
        of its template that lead to the named blocks, as ``LiveViewMixin.live_target`` does
        for a page."""
        runtime = self.live_runtime
        runtime.targets = (runtime.targets or frozenset()) | {block_id(name, key)}


def mount_arguments(cls: type[LiveComponent], args: Mapping[str, Any]) -> dict[str, Any]:
    """The tag's keyword arguments for ``cls.mount()``: values of the hinted type pass as they
    are; text and numbers are coerced as event arguments are. Anything else is an error that
    names the component and the argument."""
    return _arguments(cls, "mount", args)


def update_arguments(cls: type[LiveComponent], args: Mapping[str, Any]) -> dict[str, Any]:
    """The tag's keyword arguments ``cls.update()`` names, as ``mount_arguments`` makes them."""
    return _arguments(cls, "update", args, only_named=True)


def sent_update_arguments(cls: type[LiveComponent], args: Mapping[str, Any]) -> dict[str, Any]:
    """What ``live_send_update()`` sends ``cls.update()``: coerced as the tag's arguments are,
    but every one must be an argument of ``update()``, and its required ones must be there."""
    where = f"{cls.__module__}.{cls.__qualname__}.update()"
    if not takes_updates(cls):
        raise TypeError(
            f"live_send_update(): {where} takes no arguments: define update() on the component "
            f"with the arguments it is sent ({', '.join(args) or 'none'})."
        )
    bound = _arguments(cls, "update", args)
    try:
        inspect.signature(cls.update).bind(None, **bound)
    except TypeError as exc:
        raise TypeError(f"live_send_update(): {where}: {exc}.") from None
    return bound


def takes_updates(cls: type[LiveComponent]) -> bool:
    return cls.update is not LiveComponent.update


def _arguments(
    cls: type[LiveComponent], method: str, args: Mapping[str, Any], *, only_named: bool = False
) -> dict[str, Any]:
    where = f"{cls.__module__}.{cls.__qualname__}.{method}()"
    function = getattr(cls, method)
    parameters = dict(inspect.signature(function).parameters)
    parameters.pop("self", None)
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    hints = typing.get_type_hints(function)
    bound: dict[str, Any] = {}
    for name, value in args.items():
        if name not in parameters and not takes_any:
            if only_named:
                continue
            expected = ", ".join(parameters) or "no arguments"
            raise TypeError(f"{where} takes no argument {name!r}; it takes {expected}.")
        hint = hints.get(name, Any)
        if hint is Any or _is_instance(value, hint):
            bound[name] = value
            continue
        try:
            # Under the middleware of the render that mounts it: a naive datetime is in its zone.
            coerced = in_time_zone(build_coercer(hint, where=where)(value))
        except (ArgumentError, TypeError) as exc:
            raise TypeError(f"{where}: argument {name!r}: {exc}.") from None
        if has_rows({name: coerced}):
            # A row comes from the template as the row itself, never as a key to look up.
            raise TypeError(f"{where}: argument {name!r} must be {hint}, not {value!r}.")
        bound[name] = coerced
    return bound


def _is_instance(value: Any, hint: Any) -> bool:
    if isinstance(hint, type):
        return isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(_is_instance(value, member) for member in typing.get_args(hint))
    return False
