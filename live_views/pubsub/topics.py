"""Topics name what a page listens to (a model, one row, or any string) and map to channel-layer
groups. Group names are built here, on the server only: a browser never chooses what it hears."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import models

Subscription = str | type[models.Model] | models.Model


def concrete(model: type[models.Model]) -> type[models.Model]:
    """The model whose table holds the rows: a proxy's rows are its concrete model's, and a
    save through either is published under the concrete model's label."""
    return model._meta.concrete_model or model


def model_topic(model: type[models.Model]) -> str:
    return str(concrete(model)._meta.label_lower)


def instance_topic(model: type[models.Model], pk: Any) -> str:
    model = concrete(model)
    return f"{model._meta.label_lower}:{key_as_loaded(model._meta.pk, pk)}"


def key_as_loaded(field: Any, value: Any) -> Any:
    """``value`` as ``field`` holds it once loaded from the database. A row is published from the
    instance that was saved, which may hold its keys as given (``board_id="5"``, an upper-case
    UUID string), and followed from an instance that was loaded: both spell its topic alike. A
    value the field refuses is kept as given: it must not make the save fail."""
    try:
        return field.to_python(value)
    except Exception:
        return value


def topic_of(item: Subscription) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, type) and issubclass(item, models.Model):
        return model_topic(item)
    if isinstance(item, models.Model):
        return instance_topic(type(item), item.pk)
    raise TypeError(
        f"Cannot subscribe to {item!r}: use a model class, a model instance or a topic string."
    )


def topics_of(items: Iterable[Subscription]) -> list[str]:
    return sorted({topic_of(item) for item in items})


def group_name(topic: str) -> str:
    # Hashed: channel-layer group names allow few characters and at most 100 of them.
    return "lv." + hashlib.blake2b(topic.encode(), digest_size=12).hexdigest()
