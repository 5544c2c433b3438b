"""Auto-broadcast: saves, deletes and m2m changes of the models in BROADCAST_MODELS."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from live_views.conf import conf
from live_views.pubsub.inheritance import told_models
from live_views.pubsub.publish import (
    instance_rows,
    model_change_topics,
    parent_fields,
    parent_topics,
    publish_after_commit,
    row_messages,
    rows_topics,
)
from live_views.pubsub.topics import concrete, key_as_loaded, model_topic

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
    # A proxy's rows are its concrete model's: a save through either is that model's save. A
    # child's (multi-table inheritance) are its parents' too: a listed parent hears its
    # children, and a listed child hears its parents (a place's save renames its restaurant),
    # a second parent's too (pubsub/inheritance.py).
    labels = {model._meta.label_lower, *(m._meta.label_lower for m in told_models(model))}
    if labels & NEVER_BROADCAST:
        return False
    selected = _selected(setting if isinstance(setting, str) else tuple(setting))
    return selected is None or bool(labels & selected)


def on_pre_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Before an update: the rows the row pointed to, so the parent it leaves hears it left
    (a task moved to another board). One query, for a model that has foreign keys."""
    if kwargs.get("raw") or instance._state.adding or instance.pk is None:
        return
    if not broadcasts(sender):
        return
    fields = parent_fields(sender)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        fields = tuple(f for f in fields if f.name in update_fields or f.attname in update_fields)
    if not fields:
        return
    using = kwargs.get("using") or instance._state.db or DEFAULT_DB_ALIAS
    stored = (
        concrete(sender)
        ._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list(*(f.attname for f in fields))
        .first()
    )
    if stored is None:
        return
    left = [
        (field, value)
        for field, value in zip(fields, stored, strict=True)
        # The stored key as loaded; the instance's as given ("5" for 5): compared alike.
        if value is not None
        and value != key_as_loaded(field, getattr(instance, field.attname, None))
    ]
    if left:
        # Kept with the instance's state until its post_save: gone with it if the save fails.
        instance._state.__dict__[_LEFT] = [t for f, v in left for t in parent_topics(f, [v], using)]


_LEFT = "live_views_left_parents"


def on_save_or_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    left: list[str] = instance._state.__dict__.pop(_LEFT, [])
    if kwargs.get("raw") or not broadcasts(sender):
        return  # raw: loaddata fixtures
    action = "d" if kwargs.get("signal") is post_delete else "c" if kwargs.get("created") else "u"
    using = kwargs.get("using") or "default"
    written = instance_rows(instance, using, action)
    topics = model_change_topics(instance, written) + left
    # One message per row written with a key of its own (a second parent's): each names it.
    for message in row_messages(written, action):
        publish_after_commit(topics, using, message)


def on_m2m_changed(
    sender: Any, instance: models.Model, action: str, model: type[models.Model], **kwargs: Any
) -> None:
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if not (broadcasts(type(instance)) or broadcasts(model)):
        return
    using = kwargs.get("using") or instance._state.db or DEFAULT_DB_ALIAS
    if action == "pre_clear":
        # clear() names no rows, and once done none are linked: read them before.
        pks: Any = linked_pks(sender, instance, model, kwargs.get("reverse", False), using)
    else:
        pks = kwargs.get("pk_set") or ()
    # The changed row with its parents (a board hears its task's new tag), and the rows of the
    # other side with theirs: the same change, made from either side, tells the same pages.
    topics = [*model_change_topics(instance), model_topic(model), *rows_topics(model, pks, using)]
    publish_after_commit(list(dict.fromkeys(topics)), using)


def linked_pks(
    through: type[models.Model],
    instance: models.Model,
    model: type[models.Model],
    reverse: bool,
    using: str,
) -> list[Any]:
    """The pks of the ``model`` rows ``instance`` is linked to through ``through`` on ``using``
    (the database the change writes to) now."""
    owner = model if reverse else type(instance)
    for field in concrete(owner)._meta.many_to_many:
        if field.remote_field.through is through:
            here, there = field.m2m_field_name(), field.m2m_reverse_field_name()
            if reverse:
                here, there = there, here
            links = through._base_manager.using(using)
            return list(links.filter(**{here: instance}).values_list(f"{there}__pk", flat=True))
    return []


def connect() -> None:
    pre_save.connect(on_pre_save, dispatch_uid="live_views.pre_save")
    post_save.connect(on_save_or_delete, dispatch_uid="live_views.post_save")
    post_delete.connect(on_save_or_delete, dispatch_uid="live_views.post_delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="live_views.m2m_changed")
