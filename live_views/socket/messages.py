"""``django.contrib.messages`` on a live page's socket.

A message added during an event is shown by the render that follows, when a liveblock iterates
``messages``; one that no liveblock shows (a handler that redirects, say) is kept for the next
page load, as ``MessageMiddleware`` would keep it. A socket cannot set a cookie, so the socket
always keeps messages in the session, whatever ``MESSAGE_STORAGE`` says (check
``live_views.W030``).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse

MIDDLEWARE = "django.contrib.messages.middleware.MessageMiddleware"


class SocketMessageStorage(SessionStorage):
    def _store(self, messages: list[Any], response: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if messages and not self.request.session.session_key:
            # A visitor without a session cookie: a session created now would never reach
            # the browser, so a message no liveblock showed cannot be kept.
            return messages
        return super()._store(messages, response, *args, **kwargs)  # type: ignore[misc,no-any-return]


def messages_enabled() -> bool:
    return apps.is_installed("django.contrib.messages") and MIDDLEWARE in settings.MIDDLEWARE


def install_storage(request: HttpRequest) -> None:
    """Give the socket's request a message storage, as ``MessageMiddleware`` does for HTTP."""
    if messages_enabled() and hasattr(request, "session"):
        request._messages = SocketMessageStorage(request)  # type: ignore[attr-defined]


def finish_render(request: HttpRequest) -> None:
    """After a render: forget the messages it showed, keep the others in the session (what
    ``MessageMiddleware.process_response`` does), and start afresh for the next event."""
    storage = getattr(request, "_messages", None)
    if isinstance(storage, SocketMessageStorage) and not _untouched(storage):
        storage.update(HttpResponse())  # the session is the store: no response is written
        install_storage(request)


def wait_without_session(request: HttpRequest) -> bool:
    """Whether the event added messages for the next page, and the visitor has no session yet
    to keep them in (its first event: a contact form's "Thanks" before a redirect)."""
    storage = getattr(request, "_messages", None)
    return (
        isinstance(storage, SocketMessageStorage)
        and storage.added_new
        and not request.session.session_key
    )


def _untouched(storage: SocketMessageStorage) -> bool:
    # Nothing added, read or set (a level) since it was installed: nothing to keep, and the
    # same storage serves the next event as a fresh one would (most renders show no messages).
    return not (storage.used or storage.added_new) and vars(storage).keys() <= _FRESH_STATE


_FRESH_STATE = {"request", "_queued_messages", "used", "added_new"}


def discard_new(request: HttpRequest) -> None:
    """An event failed: the messages its handler added announce what did not happen. What the
    session held before the event stays."""
    if isinstance(getattr(request, "_messages", None), SocketMessageStorage):
        install_storage(request)
