"""Auto-broadcast: saves, deletes and m2m changes of the models in BROADCAST_MODELS."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from live_views.conf import conf
from live_views.pubsub.publish import model_change_topics, publish_after_commit, row_message
from live_views.pubsub.topics import instance_topic, model_topic

# Written on every request or by Django itself: broadcasting them would only cost.
NEVER_BROADCAST = frozenset(
    {"sessions.session", "contenttypes.contenttype", "admin.logentry", "migrations.migration"}
)


@lru_cache(maxsize=8)
def _selected(setting: str | tuple[str, ...]) -> frozenset[str] | None:
    """None means every model; otherwise the lower-cased labels."""
    if setting == "__all__":
        return None
    return frozenset(label.lower() for label in setting)


def broadcasts(model: type[models.Model]) -> bool:
    setting = conf.BROADCAST_MODELS
    if not setting:
        return False
    label = model._meta.label_lower
    if label in NEVER_BROADCAST:
        return False
    selected = _selected(setting if isinstance(setting, str) else tuple(setting))
    return selected is None or label in selected


def on_save_or_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or not broadcasts(sender):
        return  # raw: loaddata fixtures
    action = "d" if kwargs.get("signal") is post_delete else "c" if kwargs.get("created") else "u"
    using = kwargs.get("using") or "default"
    publish_after_commit(model_change_topics(instance), using, row_message(instance, action))


def on_m2m_changed(
    sender: Any, instance: models.Model, action: str, model: type[models.Model], **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    owner = type(instance)
    if not (broadcasts(owner) or broadcasts(model)):
        return
    # The changed row with its parents (a board hears its task's new tag), and the other side.
    topics = [*model_change_topics(instance), model_topic(model)]
    topics += [instance_topic(model, pk) for pk in kwargs.get("pk_set") or ()]
    publish_after_commit(topics, kwargs.get("using") or "default")


def connect() -> None:
    post_save.connect(on_save_or_delete, dispatch_uid="live_views.post_save")
    post_delete.connect(on_save_or_delete, dispatch_uid="live_views.post_delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="live_views.m2m_changed")
