"""Session life, the publishing side: a logout is pushed to the pages of that session, which
close; a password change (or deactivation) asks the user's pages to read their session again.
The pages' side is live_views/socket/sessions.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models, router
from django.db.models.signals import post_init, post_save
from django.http import HttpRequest

from live_views.connect.wire import SESSION_CHECK, SESSION_ENDED
from live_views.pubsub.publish import publish, publish_after_commit
from live_views.pubsub.topics import key_as_loaded

# The user fields whose change ends the user's other sessions (Django compares a password hash
# in the session; a deactivated user is refused by the auth backend).
_WATCHED_FIELDS = ("password", "is_active")
_SNAPSHOT = "_live_views_credentials"


def session_topic(session_key: str) -> str:
    return f"live_views.session:{session_key}"


def user_topic(pk: Any) -> str:
    """The topic of a user's pages, the key spelled as a loaded user holds it: the auth backend
    loads the page's user (a ``UUID``), while a save may hold its key as it was given (an
    upper-case UUID string), as ``topics.key_as_loaded`` spells a row's key."""
    if auth_installed():
        from django.contrib.auth import get_user_model

        pk = key_as_loaded(get_user_model()._meta.pk, pk)
    return f"live_views.user:{pk}"


def auth_installed() -> bool:
    return "django.contrib.auth" in settings.INSTALLED_APPS


def on_logged_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    session_key = getattr(session, "session_key", None)
    if not session_key:
        return
    using = session_database(session)
    if using is None:  # not kept in a database (cache, file): ended now, whatever commits
        publish([session_topic(session_key)], {"type": SESSION_ENDED})
    else:  # the session's row is deleted when this database's transaction commits
        _after_commit(session_topic(session_key), SESSION_ENDED, using)


def session_database(session: Any) -> str | None:
    """The database alias ``session`` is written to, as Django's ``db`` and ``cached_db``
    stores pick it (a router may send sessions elsewhere than "default"); None for a store
    that keeps sessions out of the database."""
    model = getattr(session, "model", None)
    if isinstance(model, type) and issubclass(model, models.Model):
        return str(router.db_for_write(model))
    return None


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


def connect() -> None:
    if not auth_installed():
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out

    user_logged_out.connect(on_logged_out, dispatch_uid="live_views.user_logged_out")
    user_model = get_user_model()
    if any(field.name == "password" for field in user_model._meta.concrete_fields):
        post_init.connect(on_user_init, sender=user_model, dispatch_uid="live_views.user_init")
        post_save.connect(on_user_saved, sender=user_model, dispatch_uid="live_views.user_saved")
