"""The HTML attributes and tags our template tags write: plain functions, tested on their own."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from live_views.routing import SOCKET_PATH
from live_views.tokens import make_connect_token

SCRIPT = "live_views/live_views.min.js"


def script_tags(context: Any) -> SafeString:
    nonce = _csp_nonce(context)
    if nonce:
        return format_html('<script src="{}" defer nonce="{}"></script>', static(SCRIPT), nonce)
    return format_html('<script src="{}" defer></script>', static(SCRIPT))


def _csp_nonce(context: Any) -> str | None:
    # Django 6's csp context processor sets csp_nonce; django-csp sets request.csp_nonce.
    nonce = context.get("csp_nonce")
    if not nonce:
        request = context.get("request")
        nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce else None


def connect_attributes(view: Any) -> SafeString:
    from live_views import __version__
    from live_views.views import LiveViewMixin

    if not isinstance(view, LiveViewMixin):
        raise ImproperlyConfigured(
            "{% live_connect %} must be rendered by a live view: the template's `view` is "
            f"{type(view).__name__}, not a subclass of live_views.LiveViewMixin."
        )
    url = f"{get_script_prefix()}{SOCKET_PATH}?t={make_connect_token(view.request)}"
    return format_html(
        'hx-ws:connect="{}" data-live-root data-live-version="{}" data-live-state="connecting"',
        url,
        __version__,
    )


def event_attributes(event: str, args: dict[str, Any]) -> SafeString:
    html = f'hx-ws:send data-live-event="{escape(event)}"'
    if args:
        encoded = json.dumps(args, cls=DjangoJSONEncoder, separators=(",", ":"))
        html += f' data-live-args="{escape(encoded)}"'
    return mark_safe(html)  # noqa: S308 - every piece above is escaped


def form_attributes() -> SafeString:
    """A ``<form>`` that submits over the socket (``submit`` event) and, with JS off, over HTTP."""
    return mark_safe(f"{event_attributes('submit', {})} data-live-form")  # noqa: S308 - constant
