"""Topics name what a page listens to (a model, one row, or any string) and map to channel-layer
groups. Group names are built here, on the server only: a browser never chooses what it hears."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models

Subscription = str | type[models.Model] | models.Model


def concrete(model: type[models.Model]) -> type[models.Model]:
    """The model whose table holds the rows: a proxy's rows are its concrete model's, and a
    save through either is published under the concrete model's label."""
    return model._meta.concrete_model or model


def lineage(model: type[models.Model]) -> list[type[models.Model]]:
    """The concrete model and the models it inherits rows from (multi-table inheritance): a
    save of a child writes a row of each, and Django sends its signals for the child only."""
    base = concrete(model)
    return [base, *base._meta.get_parent_list()]


@functools.cache
def row_relatives(model: type[models.Model]) -> tuple[type[models.Model], ...]:
    """The other models whose rows share a table with ``model``'s (multi-table inheritance):
    the descendants of the concrete model and of each model it inherits from (its children,
    theirs, its siblings). A save of ``model`` writes columns of their rows with the same key,
    since a child's key is its parent's: a restaurant's name is its place row's. Fixed once the
    relations are resolved (before any save), and read on every save: kept per model class."""
    family = lineage(model)
    found: list[type[models.Model]] = []
    for ancestor in family:
        for child in _descendants(ancestor):
            if child not in family and child not in found:
                found.append(child)
    return tuple(found)


def _descendants(model: type[models.Model]) -> list[type[models.Model]]:
    # Only children whose own key is the link to ``model``: a second parent's link (class
    # C(A, B)) holds B's key in another column than C's key.
    children = [
        rel.related_model
        for rel in model._meta.related_objects
        if rel.parent_link and rel.field.primary_key
    ]
    return [grand for child in children for grand in [child, *_descendants(child)]]


@functools.lru_cache(maxsize=256)
def row_labels(label: str) -> tuple[str, ...]:
    """The labels of the other models a row of the model ``label`` is a row of too, by its key:
    its parents and ``row_relatives``. A broadcast names its row by the saved model; a stream of
    places shows a restaurant's row, and one of restaurants a place's. Bounded: the labels come
    from messages."""
    try:
        model: type[models.Model] = apps.get_model(label)
    except (LookupError, ValueError):
        return ()
    related = (*lineage(model), *row_relatives(model))
    own = model._meta.label_lower
    return tuple(dict.fromkeys(m._meta.label_lower for m in related if m._meta.label_lower != own))


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
