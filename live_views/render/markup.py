"""The HTML attributes and tags our template tags write: plain functions, tested on their own."""

from __future__ import annotations

import functools
import json
from html import escape as html_escape
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from live_views.conf import conf
from live_views.connect.csp import page_nonce
from live_views.connect.tokens import make_connect_token
from live_views.connect.wire import SOCKET_PATH
from live_views.render.debug_hints import script_load_check
from live_views.version import __version__

SCRIPT = "live_views/live_views.min.js"
# Development tools (the latency simulator): loaded only with DEBUG on, never shipped to users.
DEV_SCRIPT = "live_views/live_views.dev.min.js"


# The parts of the glue that load on first use, beside the main script (static/src/lazy_script.js).
PARTS = tuple(
    f"live_views.{part}.min.js"
    for part in ("uploads", "hooks", "navigate", "streams", "polling", "http")
)


def script_tags(context: Any) -> SafeString:
    nonce = page_nonce(context)
    main = static(SCRIPT)
    tags = [format_html('<script src="{}" defer{}{}></script>', main, _parts(main), _nonce(nonce))]
    if settings.DEBUG:
        dev = format_html('<script src="{}" defer{}></script>', static(DEV_SCRIPT), _nonce(nonce))
        tags += [dev, script_load_check(main, nonce)]
    return SafeString("".join(tags))


def _nonce(nonce: str | None) -> SafeString:
    return format_html(' nonce="{}"', nonce) if nonce else SafeString("")


# A storage's names last as long as it does (a manifest is read once), and asking it costs
# about 25 µs a name: a page render asks once per storage, and a settings change asks again.
@functools.lru_cache(maxsize=16)
def _parts(main: str) -> SafeString:
    """Where each lazily loaded part is, when a static files storage names them otherwise than
    beside the main script (ManifestStaticFilesStorage hashes every name): the script loaded the
    plain names, which such a deploy serves stale, or not at all."""
    folder = main.rpartition("/")[0]
    moved = {
        name: url for name in PARTS if (url := static(f"live_views/{name}")) != f"{folder}/{name}"
    }
    if not moved:
        return SafeString("")
    return format_html(' data-live-parts="{}"', json.dumps(moved, separators=(",", ":")))


# ManifestStaticFilesStorage names files plainly with DEBUG on.
_STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG"})


@receiver(setting_changed)
def _forget_parts(*, setting: str, **kwargs: Any) -> None:
    if setting in _STATIC_SETTINGS:
        _parts.cache_clear()


def connect_attributes(view: Any, nonce: str | None = None) -> SafeString:
    # Duck-typed: render/ does not import the views (every live view has a live_runtime).
    if view is None:
        raise ImproperlyConfigured(
            "{% live_connect %} found no `view` in the template's context: render it in the "
            "template of a live view (a subclass of live_views.LiveViewMixin, whose "
            "get_context_data() sets `view`), and keep the context in an {% include %} (no "
            "`only`). A page that is not live places live components with {% live_component %}."
        )
    if getattr(type(view), "live_runtime", None) is None:
        name = type(view).__name__
        raise ImproperlyConfigured(
            "{% live_connect %} must be rendered by a live view: the template's `view` is "
            f"{name}, not a subclass of live_views.LiveViewMixin. Make {name} a live view "
            "(LiveTemplateView, LiveListView, …, or LiveViewMixin first in its bases); or, in "
            "a base template shared with plain pages, put {% live_connect %} in a block only "
            "the live pages fill. A plain page can still hold {% live_component %}s."
        )
    return root_attributes(view.request, nonce or page_nonce({"request": view.request}))


def root_attributes(
    request: HttpRequest, nonce: str | None, component: str | None = None
) -> SafeString:
    """The attributes of a live root: the page's, or a live component's on a page that is not
    live (``component`` is its address; its socket serves that component only)."""
    token = make_connect_token(request, nonce=nonce, component=component)
    url = f"{get_script_prefix()}{SOCKET_PATH}?t={token}"
    # The nonce goes in the root's own nonce attribute, which browsers hide (connect/csp.py).
    return format_html(
        'hx-ws:connect="{}" data-live-root{} data-live-version="{}" data-live-state="connecting"{}'
        "{}",
        url,
        " data-live-standalone" if component else "",
        __version__,
        format_html(' nonce="{}"', nonce) if nonce else "",
        http_attributes(request),
    )


def http_attributes(request: HttpRequest) -> SafeString:
    """What the HTTP transport needs (docs/http-transport.md): the transport the page starts
    on, the route its frames go to, and a CSRF token for them (Django's own check applies)."""
    try:
        route = reverse("live_views:http")
    except NoReverseMatch:
        return SafeString("")  # live_views.urls is not included: the page has the socket only
    transport = conf.TRANSPORT
    return format_html(
        ' data-live-transport="{}" data-live-http="{}" data-live-csrf="{}"{}',
        transport,
        route,
        get_token(request),
        # hx-ws opens the socket on its root's trigger ("load" by default): on HTTP only, the
        # root's trigger is an event nobody sends, and the HTTP transport stands in for it.
        SafeString(' hx-trigger="live:socket"') if transport == "http" else "",
    )


def event_attributes(
    event: str, args: dict[str, Any], sources: dict[str, str] | None = None
) -> SafeString:
    """``{% live_on %}``'s attributes; ``sources``: each argument as the template wrote it."""
    if not args:
        return _event_only(event)
    try:
        encoded = _ARGS_ENCODER.encode(args)
    except (TypeError, ValueError) as exc:
        raise TypeError(_unsendable(event, args, sources or {})) from exc
    # Every piece is escaped. SafeString, as mark_safe() makes of a str, without its lazy-text
    # wrapper: each render writes it again for every {% live_on %} with arguments (every row).
    return SafeString(f'{_event_only(event)} data-live-args="{html_escape(encoded)}"')


# What json.dumps(cls=DjangoJSONEncoder, ...) made on each call, made once: it keeps no state.
# NaN would be written as JSON no browser parses: the click would be a bad frame.
_ARGS_ENCODER = DjangoJSONEncoder(separators=(",", ":"), allow_nan=False)


@functools.lru_cache(maxsize=1024)
def _event_only(event: str) -> SafeString:
    # A page names a handful of events, and every render of {% live_on %} writes one again:
    # escaped once. html.escape() is what Django's escape() runs, without its lazy-text wrapper.
    return mark_safe(f'hx-ws:send data-live-event="{html_escape(event)}"')  # noqa: S308


def form_attributes(form: Any = None) -> SafeString:
    """A ``<form>`` that submits over the socket (``submit`` event) and, with JS off, over HTTP:
    as ``multipart/form-data`` when ``form`` has file fields, so the files go too."""
    html = f"{event_attributes('submit', {})} data-live-form"
    is_multipart = getattr(form, "is_multipart", None)
    if callable(is_multipart) and is_multipart():
        html += ' enctype="multipart/form-data"'
    return mark_safe(html)  # noqa: S308 - constants


def _unsendable(event: str, args: dict[str, Any], sources: dict[str, str]) -> str:
    """Which of ``{% live_on %}``'s arguments JSON cannot carry, and what to pass instead."""
    for name, value in args.items():
        try:
            json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)
        except (TypeError, ValueError):
            kind = type(value).__name__
            if hasattr(value, "_meta") and hasattr(value, "pk"):
                source = sources.get(name, name)
                hint = f"pass its key ({name}={source}.pk): a handler argument typed {kind} is "
                hint += "looked up from it"
            else:
                hint = "pass what the handler needs to find it: a key, a string, a number, a date"
            return (
                f'{{% live_on "{event}" %}}: the argument {name!r} is a {kind}, which the '
                f"browser cannot send back as JSON. {hint[0].upper()}{hint[1:]}."
            )
    return f'{{% live_on "{event}" %}}: the arguments cannot be sent as JSON.'
