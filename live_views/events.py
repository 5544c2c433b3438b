"""The ``@live_event`` allow-list: the only methods a browser can call."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from live_views.arguments import Signature

F = TypeVar("F", bound=Callable[..., Any])

EVENT_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_MARK = "_live_event_name"


@dataclass(frozen=True)
class EventSpec:
    name: str
    attribute: str
    signature: Signature
    is_async: bool


@overload
def live_event(func: F, /) -> F: ...
@overload
def live_event(*, name: str | None = None) -> Callable[[F], F]: ...


def live_event(func: F | None = None, /, *, name: str | None = None) -> F | Callable[[F], F]:
    """Mark a view method as callable from the browser (optionally under another event name)."""

    def mark(method: F) -> F:
        if not callable(method):
            raise TypeError(f"@live_event decorates methods, not {method!r}.")
        event_name = method.__name__ if name is None else name
        if not EVENT_NAME_RE.fullmatch(event_name):
            raise TypeError(
                f"Invalid live event name {event_name!r}: it must start with a letter and use "
                "only letters, digits and underscores (at most 64 characters)."
            )
        setattr(method, _MARK, event_name)
        return method

    return mark(func) if func is not None else mark


def live_event_names(cls: type) -> list[str]:
    """The event names of a class's ``@live_event`` methods, whatever the class is (a system
    check looks for them on views that are not live)."""
    names = (getattr(value, _MARK, None) for klass in cls.__mro__ for value in vars(klass).values())
    return sorted({name for name in names if name is not None})


def collect_events(cls: type) -> dict[str, EventSpec]:
    """Build the event table of a view class from its ``@live_event`` methods (MRO order)."""
    events: dict[str, EventSpec] = {}
    seen: set[str] = set()
    for klass in cls.__mro__:
        for attribute, value in vars(klass).items():
            if attribute in seen:
                continue  # a subclass's definition shadows the base's, marked or not
            seen.add(attribute)
            event_name = getattr(value, _MARK, None)
            if event_name is None:
                continue
            where = f"{cls.__qualname__}.{attribute}"
            if attribute.startswith("_"):
                raise TypeError(f"{where}: a live event method cannot start with an underscore.")
            if event_name in events:
                raise TypeError(f"{where}: two methods handle live event {event_name!r}.")
            events[event_name] = EventSpec(
                name=event_name,
                attribute=attribute,
                signature=Signature.of(value, where=where),
                is_async=inspect.iscoroutinefunction(value),
            )
    return events
