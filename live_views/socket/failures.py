"""An exception a page's own code raised and nothing handled: who hears of it besides the log.

Django's handler sends ``got_request_exception`` for a view that raised; a page's events,
renders and refreshes are its request's work too, so they send it as well. Error reporters
listen to it (Sentry's Django integration does), and so does the test client, which raises the
exception in the test, as Django's test client does (live_views/testing). The browser gets an
error frame that names what failed, with the exception's text only with ``DEBUG`` on.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpRequest

from live_views.socket import protocol

logger = logging.getLogger("live_views")

# What makes text markup: escaped, so a page that shows the message as HTML shows it as text.
# Quotes stay: Python's and Django's messages quote names with them ("Reverse for 'welcome'
# not found", 'Cannot assign "<AnonymousUser>"'), and &#x27; and &quot; made them hard to read
# in the console, where the message is meant to be read.
_DEBUG_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def debug_detail(exc: BaseException, text: str) -> str:
    """An exception's type and text for the page, with ``DEBUG`` on."""
    return f" {type(exc).__name__}: {text.translate(_DEBUG_ESCAPES)}"


def server_error(message: str, exc: BaseException, ref: int | None = None) -> dict[str, Any]:
    """The error frame for a failure the log already holds."""
    if settings.DEBUG:
        message += debug_detail(exc, str(exc))
    return protocol.error_frame("server_error", message, ref)


def report(exc: BaseException, request: HttpRequest | None) -> None:
    """Send ``got_request_exception`` for ``exc``. Its receivers read ``sys.exc_info()``, as
    Django's own handler leaves it: a failure handed over from elsewhere (a queued refresh's) is
    raised again here for them, and keeps its own traceback."""
    if sys.exc_info()[1] is exc:
        _send(request)
        return
    traceback = exc.__traceback__
    try:
        raise exc
    except BaseException:
        _send(request)
    finally:
        exc.__traceback__ = traceback


def _send(request: HttpRequest | None) -> None:
    # Robustly: a receiver that raises must not stop the page from hearing of the failure.
    for receiver, error in got_request_exception.send_robust(sender=None, request=request):
        if isinstance(error, Exception):
            logger.error("live_views: %r failed on got_request_exception", receiver, exc_info=error)
