"""An event's reply: what its handler returned, for the JS that sent it (a hook's
``pushEvent(…)`` promise resolves with it). Only a dict is a reply; JSON-checked and size-checked
like ``live_push_event`` payloads, before the render, so a bad one fails the event."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpResponseBase
from django.template.response import SimpleTemplateResponse

from live_views.connect import wire
from live_views.connect.effects import encoded_payload

logger = logging.getLogger("live_views")


def reply_of(event: str, result: Any) -> dict[str, Any]:
    if not isinstance(result, dict):
        return {}
    # A copy, as the payload was when returned (lazy translations in the page's language).
    return {wire.REPLY: json.loads(encoded_payload(f"The reply of {event!r}", result))}


def warn_unshown(event: str, view: object, result: Any) -> None:
    """A handler (``form_valid()``, say) answered with a response of its own that is neither a
    redirect nor a render of the view's template: a live page can show neither, so it is
    dropped, and the developer is told why and what to do instead."""
    if not isinstance(result, HttpResponseBase) or isinstance(result, SimpleTemplateResponse):
        return
    if 300 <= result.status_code < 400:
        return
    logger.warning(
        "live_views: %s's %r returned an %s (status %s) that a live page cannot show; it was "
        "dropped. Return a redirect (redirect(...), HttpResponseRedirect) to show another page, "
        "or change the view's state and show it in a liveblock.",
        type(view).__qualname__,
        event,
        type(result).__name__,
        result.status_code,
    )
