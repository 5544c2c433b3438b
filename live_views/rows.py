"""Model-typed event arguments: the client sends a primary key, the handler gets the row, looked
up only inside the view's own queryset, so a page can reach no row its view would not show."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from live_views.arguments import ArgumentError, RowRef


def has_rows(kwargs: dict[str, Any]) -> bool:
    return any(
        isinstance(value, RowRef)
        or (isinstance(value, list) and any(isinstance(item, RowRef) for item in value))
        for value in kwargs.values()
    )


def resolve_rows(view: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Replace every ``RowRef`` by its row; a row outside the view's queryset is an argument
    error, worded like a missing one so it reveals nothing."""
    resolved: dict[str, Any] = {}
    for name, value in kwargs.items():
        if isinstance(value, RowRef):
            value = _fetch(view, name, value)
        elif isinstance(value, list) and any(isinstance(item, RowRef) for item in value):
            value = [
                _fetch(view, name, item) if isinstance(item, RowRef) else item for item in value
            ]
        resolved[name] = value
    return resolved


def _fetch(view: Any, name: str, ref: RowRef) -> models.Model:
    queryset = view.get_live_queryset(ref.model)
    row = queryset.filter(pk=ref.pk).first()
    if row is None:
        raise ArgumentError(f"argument {name!r}: no {ref.model.__name__} with that key here")
    assert isinstance(row, models.Model)
    return row


def default_queryset(view: Any, model: type[models.Model]) -> models.QuerySet[Any]:
    get_queryset = getattr(view, "get_queryset", None)
    if callable(get_queryset):
        queryset = get_queryset()
        if isinstance(queryset, models.QuerySet) and issubclass(queryset.model, model):
            return queryset
    raise ImproperlyConfigured(
        f"{type(view).__qualname__} has a live event argument of type {model.__name__}, but its "
        f"get_queryset() does not return {model.__name__} rows. Override "
        "get_live_queryset(model) to say which rows a page may name."
    )
