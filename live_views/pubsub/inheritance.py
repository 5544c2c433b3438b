"""Multi-table inheritance: the rows of other models that a save of a row writes.

A child's row is a row of each model it inherits from, so a save of either writes columns the
other shows: a restaurant's name is its place row's. The child's key is its first parent's (the
link to it is the child's primary key), so the rows of one key form a family (``same_key``) told
with no query. A second parent (``class Review(Article, Book)``) keeps its own key, which the
child holds in its link column (``book_ptr``): a save of a review names its book row by that
column, and a save of a book finds its review by a query on it (``rows_written``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.apps import apps
from django.db import models

from live_views.pubsub.topics import concrete

Model = type[models.Model]


class Rows(NamedTuple):
    """Rows of ``models`` (the first names them in a broadcast) with the keys ``keys``."""

    models: tuple[Model, ...]
    keys: tuple[Any, ...]


class KeyGroup(NamedTuple):
    """The models whose rows a save writes under one key, and the attribute of the saved model
    that holds that key (its pk's for its own, a second parent's pk's for that one's)."""

    attname: str
    models: tuple[Model, ...]


def lineage(model: Model) -> list[Model]:
    """The concrete model and the models it inherits rows from (multi-table inheritance): a
    save of a child writes a row of each, and Django sends its signals for the child only."""
    base = concrete(model)
    return [base, *base._meta.get_parent_list()]


def _pk_parent(model: Model) -> Model | None:
    # The parent whose key is the child's: the first one, unless a link says otherwise.
    for parent, link in model._meta.parents.items():
        if link is not None and link.primary_key:
            return parent
    return None


def _root(model: Model) -> Model:
    model = concrete(model)
    while (parent := _pk_parent(model)) is not None:
        model = parent
    return model


def _pk_descendants(model: Model) -> list[Model]:
    children = [
        rel.related_model
        for rel in model._meta.related_objects
        if rel.parent_link and rel.field.primary_key
    ]
    return [grand for child in children for grand in [child, *_pk_descendants(child)]]


def _below(model: Model) -> tuple[Model, ...]:
    """The model and those that inherit its rows with its key: children, grandchildren."""
    return (model, *_pk_descendants(model))


@functools.cache
def _second_children(model: Model) -> tuple[tuple[Model, Any], ...]:
    """The children that inherit from ``model`` as a second parent, with their link to it: a
    column of their own, not their key."""
    return tuple(
        (rel.related_model, rel.field)
        for rel in model._meta.related_objects
        if rel.parent_link and not rel.field.primary_key
    )


@functools.cache
def same_key(model: Model) -> tuple[Model, ...]:
    """The models a row of ``model`` is a row of by its key: its parents by their primary key
    links, their children (its siblings), its own children; nearest parents first. Fixed once
    the relations are resolved (before any save): kept per model class."""
    model = concrete(model)
    root = _root(model)
    up = [m for m in lineage(model) if _root(m) is root]
    return tuple(dict.fromkeys([*up, *_below(root)]))


@functools.cache
def key_groups(model: Model) -> tuple[KeyGroup, ...]:
    """What a save of ``model`` writes: per key, the models of the rows it writes columns of
    (``same_key``), its own first. A second parent's group is that parent's family."""
    model = concrete(model)
    groups: dict[Model, KeyGroup] = {}
    for ancestor in lineage(model):
        root = _root(ancestor)
        if root not in groups:
            groups[root] = KeyGroup(ancestor._meta.pk.attname, same_key(ancestor))
    return tuple(groups.values())


@functools.cache
def told_models(model: Model) -> tuple[Model, ...]:
    """Every model whose rows a save of ``model`` may write columns of: those of its key
    groups, and those that inherit from one of these as a second parent (found by a query on a
    save, but known here: their being listed in BROADCAST_MODELS publishes the save)."""
    found = [m for group in key_groups(model) for m in group.models]
    for known in found:  # grows while read: the second children's own
        for child, _ in _second_children(known):
            found += [m for m in _below(child) if m not in found]
    return tuple(dict.fromkeys(found))


@functools.lru_cache(maxsize=256)
def row_labels(label: str) -> tuple[str, ...]:
    """The labels of the other models a row of the model ``label`` is a row of too, with its
    key (``same_key``). A broadcast names its row by one model; a stream of places shows a
    restaurant's row, and one of restaurants a place's. Bounded: the labels come from
    messages."""
    try:
        model: Model = apps.get_model(label)
    except (LookupError, ValueError):
        return ()
    own = model._meta.label_lower
    return tuple(m._meta.label_lower for m in same_key(model) if m._meta.label_lower != own)


def rows_written(
    model: Model, column: Callable[[str], Iterable[Any]], using: str, action: str = "u"
) -> list[Rows]:
    """The rows that a save (``action`` "c" or "u") or a delete ("d") of the rows of ``model``
    whose values of a column ``column(attname)`` gives writes columns of: its own key group
    first, then one per second parent (the keys it holds), then the rows that inherit one of
    these as a second parent, and theirs (one query per such child model, on ``using``)."""
    model = concrete(model)
    written = [Rows(group.models, tuple(column(group.attname))) for group in key_groups(model)]
    if action == "d":
        # The rows that inherit a deleted row went before it (a cascade), each told by its own
        # signal: looked up now, none would be found.
        return written
    # A new row has no rows inheriting it yet, nor do its children's rows of its key.
    new = _below(model) if action == "c" else ()
    return written + _inheriting(written, using, skip=lineage(model), new=new)


def _inheriting(
    rows: Iterable[Rows], using: str, skip: Iterable[Model] = (), new: Iterable[Model] = ()
) -> list[Rows]:
    """The rows that inherit ``rows`` as a second parent, and theirs in turn. ``skip``: the
    children not to look up (the saved row's own parents: their row is the one saved);
    ``new``: the parents to look up none of (rows made by this save)."""
    found: list[Rows] = []
    for parent_rows in rows:
        keys = [key for key in parent_rows.keys if key is not None]
        if not keys:
            continue
        for parent in parent_rows.models:
            if parent in new:
                continue
            for child, link in _second_children(parent):
                if child in skip:
                    continue
                pks = child._base_manager.using(using).filter(**{f"{link.name}__in": keys})
                child_keys = tuple(pks.values_list("pk", flat=True))
                if child_keys:
                    found.append(Rows(_below(child), child_keys))
    if found:
        found += _inheriting(found, using)
    return found
