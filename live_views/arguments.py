"""Turn untrusted event values from a browser into the types a handler's hints ask for."""

from __future__ import annotations

import datetime
import inspect
import math
import re
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime, parse_time

# Bounds that keep a single value cheap to handle, whatever a client sends.
MAX_INT = 2**63 - 1
MAX_LIST_ITEMS = 1000
MAX_NUMBER_CHARS = 100
_INT_RE = re.compile(r"[+-]?[0-9]{1,19}")

Scalar = str | int | float | bool | None


class ArgumentError(ValueError):
    """A value from the browser that does not fit the handler's signature."""


@dataclass(frozen=True)
class Parameter:
    name: str
    annotation: Any
    required: bool
    default: Any
    # Annotated QueryDict: receives the event's whole form, as request.POST would hold it.
    whole_form: bool = False


Coercer = Callable[[Any], Any]


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _text(value: str) -> str:
    # As Django's form fields (ProhibitNullCharactersValidator): PostgreSQL refuses NUL in text,
    # so a handler saving it would fail with a server error, not the client's bad_arguments.
    if "\x00" in value:
        raise ArgumentError("expected text without NUL characters (\\x00)")
    return value


def _coerce_str(value: Any) -> str:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ArgumentError(f"expected a string, got {_type_name(value)}")


def _coerce_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ArgumentError("expected an integer, got bool")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float) and value.is_integer():
        result = int(value)
    elif isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        result = int(value.strip())
    else:
        raise ArgumentError(f"expected an integer, got {value!r:.40}")
    if abs(result) > MAX_INT:
        raise ArgumentError("integer out of range")
    return result


def _coerce_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ArgumentError("expected a number, got bool")
    if isinstance(value, int) and abs(value) > 2**1023:
        raise ArgumentError("number out of range")
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS:
        try:
            result = float(value)
        except ValueError:
            raise ArgumentError(f"expected a number, got {value!r:.40}") from None
    else:
        raise ArgumentError(f"expected a number, got {_type_name(value)}")
    if not math.isfinite(result):
        raise ArgumentError("expected a finite number")
    return result


_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no", ""}


def _coerce_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ArgumentError(f"expected a boolean, got {value!r:.40}")


def _coerce_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ArgumentError(f"expected a decimal number, got {_type_name(value)}")
    text = str(value).strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise ArgumentError("decimal number too long")
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ArgumentError(f"expected a decimal number, got {value!r:.40}") from None
    if not result.is_finite():
        raise ArgumentError("expected a finite decimal number")
    if abs(result.adjusted()) > MAX_NUMBER_CHARS:
        # "1e400000000" is short to send and costly to compute with.
        raise ArgumentError("decimal number out of range")
    return result


def _parser(kind: str, parse: Callable[[str], Any]) -> Coercer:
    def coerce(value: Any) -> Any:
        if not isinstance(value, str) or len(value) > MAX_NUMBER_CHARS:
            raise ArgumentError(f"expected an ISO {kind} string, got {_type_name(value)}")
        try:
            result = parse(value.strip())
        except ValueError:
            result = None
        if result is None:
            raise ArgumentError(f"expected an ISO {kind}, got {value!r:.40}")
        return result

    return coerce


def _coerce_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or len(value) > 64:
        raise ArgumentError(f"expected a UUID string, got {_type_name(value)}")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ArgumentError(f"expected a UUID, got {value!r:.40}") from None


def _coerce_any_scalar(value: Any) -> Any:
    # Unannotated parameters take JSON scalars as they came; containers never pass.
    if isinstance(value, str):
        return _text(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    raise ArgumentError(f"expected a single value, got {_type_name(value)}")


_SCALARS: dict[Any, Coercer] = {
    str: _coerce_str,
    int: _coerce_int,
    float: _coerce_float,
    bool: _coerce_bool,
    Decimal: _coerce_decimal,
    # datetime before date: a datetime is a date.
    datetime.datetime: _parser("datetime", parse_datetime),
    datetime.date: _parser("date", parse_date),
    datetime.time: _parser("time", parse_time),
    uuid.UUID: _coerce_uuid,
}


def build_coercer(annotation: Any, *, where: str) -> Coercer:
    """Return a function coercing one client value to ``annotation``; refuse unsupported hints.

    Raised at class-definition time, so an unsupported hint is a programming error, not a client
    error.
    """
    if annotation is inspect.Parameter.empty or annotation is Any:
        return _coerce_any_scalar
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, models.Model):
        return _row_of(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1 and len(args) == 2:
            inner = build_coercer(members[0], where=where)
            return _optional(inner, accepts_blank=members[0] is not str)
    if origin is list and len(args) == 1:
        return _list_of(build_coercer(args[0], where=where))
    raise TypeError(
        f"{where}: unsupported type hint {annotation!r} for a live event argument. "
        "Use str, int, float, bool, Decimal, date, datetime, time, UUID, a model class, "
        "list[...] or Optional[...] of those."
    )


@dataclass(frozen=True)
class RowRef:
    """A row the client named by primary key; looked up later in the view's own queryset."""

    model: type[models.Model]
    pk: Any


def _row_of(model: type[models.Model]) -> Coercer:
    pk_field = model._meta.pk
    assert pk_field is not None

    def coerce(value: Any) -> RowRef:
        if (
            isinstance(value, bool)
            or not isinstance(value, str | int)
            or len(str(value)) > 100
            # NUL: PostgreSQL refuses to look for it in text (a DataError: a server error
            # where a key that names no row is bad_arguments); Django's forms refuse it too.
            or (isinstance(value, str) and "\x00" in value)
        ):
            raise ArgumentError(f"expected the primary key of a {model.__name__}")
        try:
            return RowRef(model, pk_field.to_python(value))
        except ValidationError:
            raise ArgumentError(
                f"expected the primary key of a {model.__name__}, got {value!r:.40}"
            ) from None

    return coerce


def _optional(inner: Coercer, *, accepts_blank: bool) -> Coercer:
    def coerce(value: Any) -> Any:
        # An empty form field means "no value" for every type but str.
        if value is None or (accepts_blank and value == ""):
            return None
        return inner(value)

    return coerce


def _list_of(inner: Coercer) -> Coercer:
    def coerce(value: Any) -> list[Any]:
        # A multi-value form field with a single value arrives as a scalar.
        items = value if isinstance(value, list) else [value]
        if len(items) > MAX_LIST_ITEMS:
            raise ArgumentError(f"too many items (at most {MAX_LIST_ITEMS})")
        return [inner(item) for item in items]

    return coerce


@dataclass(frozen=True)
class Signature:
    parameters: tuple[Parameter, ...]
    coercers: Mapping[str, Coercer]

    @classmethod
    def of(cls, func: Callable[..., Any], *, where: str) -> Signature:
        hints = typing.get_type_hints(func)
        params: list[Parameter] = []
        coercers: dict[str, Coercer] = {}
        for index, param in enumerate(inspect.signature(func).parameters.values()):
            if index == 0 or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue  # `self`, and *args/**kwargs which nothing from a client may fill
            if param.kind is param.POSITIONAL_ONLY:
                raise TypeError(f"{where}: live event arguments cannot be positional-only.")
            annotation = hints.get(param.name, inspect.Parameter.empty)
            required = param.default is inspect.Parameter.empty
            if annotation is QueryDict:
                params.append(Parameter(param.name, annotation, False, None, whole_form=True))
                continue
            coercers[param.name] = build_coercer(annotation, where=f"{where}({param.name})")
            params.append(Parameter(param.name, annotation, required, param.default))
        return cls(tuple(params), coercers)

    def bind(self, args: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
        """Coerce explicit ``args`` and the matching ``form`` values into keyword arguments.

        Explicit args must all be known; form values fill only parameters the handler declares,
        since a form carries fields that belong to other handlers.
        """
        known = self.coercers
        unknown = sorted(name for name in args if name not in known)
        if unknown:
            names = ", ".join(repr(n[:40]) for n in unknown[:5])
            expected = ", ".join(p.name for p in self.parameters if not p.whole_form)
            expected = expected or "no arguments"
            raise ArgumentError(f"unknown argument {names}; expected {expected}")
        bound: dict[str, Any] = {}
        for param in self.parameters:
            if param.whole_form:
                bound[param.name] = form_querydict(form)
                continue
            if param.name in args:
                raw = args[param.name]
            elif param.name in form:
                raw = form[param.name]
            elif param.required:
                raise ArgumentError(_missing(param.name, form))
            else:
                continue
            try:
                bound[param.name] = known[param.name](raw)
            except ArgumentError as exc:
                raise ArgumentError(f"argument {param.name!r}: {exc}") from None
        return bound


def _missing(name: str, form: Mapping[str, Any]) -> str:
    # The usual cause is an <input> without a name, or with another one: show what came.
    sent = ", ".join(repr(str(key)[:40]) for key in sorted(form)[:5]) or "no fields"
    if len(form) > 5:
        sent += ", …"
    return (
        f"missing required argument {name!r}: give it in {{% live_on %}} ({name}=...) or as a "
        f"field named {name!r} of the element's form (the form sent {sent})"
    )


def form_querydict(form: Mapping[str, Any]) -> QueryDict:
    """An immutable QueryDict of a frame's form values (already flat: see protocol.py)."""
    data = QueryDict(mutable=True)
    for key, value in form.items():
        items = value if isinstance(value, list) else [value]
        data.setlist(str(key), [_form_text(item) for item in items if item is not None])
    data._mutable = False
    return data


def _form_text(value: Scalar) -> str:
    # hx-vals can add JSON types to a form; a browser's own form only ever sends text.
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)
