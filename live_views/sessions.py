"""Session life: a page's socket lives no longer than the session it was opened in.

Each page joins a private group for its session and one for its user. A logout is pushed to the
session's pages, which close; a password change (or deactivation) asks the user's pages to read
their session again. An expired session is noticed before the next event, and a broadcast
refresh reads the user afresh before running the view's access checks again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.signals import post_init, post_save
from django.http import HttpRequest
from django.utils import timezone

from live_views.broadcast import publish_after_commit
from live_views.topics import group_name

SESSION_ENDED = "live.session_ended"
SESSION_CHECK = "live.session_check"
# While events arrive, the session is read from its store again at least this often (seconds):
# an expiry the session's own data cannot show (a store's own timeout, a deleted row) is noticed.
RECHECK_AFTER = 60
# The user fields whose change ends the user's other sessions (Django compares a password hash
# in the session; a deactivated user is refused by the auth backend).
_WATCHED_FIELDS = ("password", "is_active")
_SNAPSHOT = "_live_views_credentials"


def session_topic(session_key: str) -> str:
    return f"live_views.session:{session_key}"


def user_topic(pk: Any) -> str:
    return f"live_views.user:{pk}"


class SessionWatch:
    """Whose session a page was opened in, and until when that is known to hold."""

    def __init__(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        self.session_key: str | None = getattr(session, "session_key", None) or None
        user: Any = getattr(request, "user", None)
        self.user_pk: Any = user.pk if getattr(user, "is_authenticated", False) else None
        self.groups: list[str] = []
        if self.session_key:
            self.groups.append(group_name(session_topic(self.session_key)))
        if self.user_pk is not None:
            self.groups.append(group_name(user_topic(self.user_pk)))
        self.recheck_at = self._next_check(session)

    def due(self) -> bool:
        """No I/O: whether the session must be read again before the page's next event."""
        return self.session_key is not None and timezone.now() >= self.recheck_at

    def confirm(self, request: HttpRequest) -> bool:
        """Read the session from its store (worker thread). False once it has ended or
        belongs to another user; otherwise the request gets the user as stored now, so
        permissions are read afresh."""
        if self.session_key is None:
            return True
        engine = import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore(self.session_key)
        user = _user_of(session)
        if self.user_pk is not None:
            held = getattr(user, "is_authenticated", False) and user.pk == self.user_pk
        else:
            held = session.session_key == self.session_key and not getattr(
                user, "is_authenticated", False
            )
        if held:
            if user is not None:
                request.user = user
            self.recheck_at = self._next_check(session)
        return held

    def _next_check(self, session: Any) -> datetime:
        now = timezone.now()
        recheck: datetime = now + timedelta(seconds=RECHECK_AFTER)
        if session is not None and self.session_key:
            # Exact for set_expiry(datetime); for relative expiries, a bound from now.
            recheck = min(recheck, session.get_expiry_date(modification=now))
        return recheck


def _user_of(session: Any) -> Any:
    if not _auth_installed():
        session.keys()  # load it: a session that is gone comes back without its key
        return None
    from django.contrib.auth import get_user

    holder = HttpRequest()
    holder.session = session
    return get_user(holder)


# -- publishing -----------------------------------------------------------------------------------


def on_logged_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        _after_commit(session_topic(session_key), SESSION_ENDED, DEFAULT_DB_ALIAS)


def on_user_init(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    instance.__dict__[_SNAPSHOT] = _credentials(instance)


def on_user_saved(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    before, after = instance.__dict__.get(_SNAPSHOT), _credentials(instance)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(_WATCHED_FIELDS) & set(update_fields):
        return  # these fields were not written
    instance.__dict__[_SNAPSHOT] = after
    if kwargs.get("created") or kwargs.get("raw") or before is None or after is None:
        return
    if before != after:
        topic = user_topic(instance.pk)
        _after_commit(topic, SESSION_CHECK, kwargs.get("using") or DEFAULT_DB_ALIAS)


def _credentials(instance: models.Model) -> tuple[Any, ...] | None:
    values = instance.__dict__
    if "password" not in values:
        return None  # deferred: reading it would cost a query
    return tuple(values.get(name) for name in _WATCHED_FIELDS)


def _after_commit(topic: str, message_type: str, using: str) -> None:
    publish_after_commit([topic], using, {"type": message_type})


def _auth_installed() -> bool:
    return "django.contrib.auth" in settings.INSTALLED_APPS


def connect() -> None:
    if not _auth_installed():
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out

    user_logged_out.connect(on_logged_out, dispatch_uid="live_views.user_logged_out")
    user_model = get_user_model()
    if any(field.name == "password" for field in user_model._meta.concrete_fields):
        post_init.connect(on_user_init, sender=user_model, dispatch_uid="live_views.user_init")
        post_save.connect(on_user_saved, sender=user_model, dispatch_uid="live_views.user_saved")
