"""A list, dict or set on a live view's class that its methods change in place (check W026).

``count = 0`` on the class is each page's starting value: ``self.count += 1`` gives the page its
own. ``notes = []`` reads the same, but ``self.notes.append(x)`` changes the class's one list, which
every page of every visitor in the process shows, a leak between users that nothing reports. The
check reads the source of the view's own methods for such changes (``.append()``, ``[k] = v``,
``+=``, ...) of an attribute whose class value is a list, dict or set, unless the page is
given its own first: assigned earlier in the method itself, or in one that runs for every page
before any event (``__init__``, ``setup``, ``dispatch``, ``get``, ``get_context_data``; a
component's ``mount``) or a method that one calls on ``self`` (Django's ``get()`` calls
``get_queryset()``, ...). Reading a method's source is self_writes.py's.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Iterator
from typing import Any

from django.core.checks import CheckMessage, Warning

from live_views.self_writes import self_writes

_MUTABLE = (list, dict, set, bytearray)
_LIBRARIES = ("django", "live_views", "builtins")
# Run for each page before its first event (the mount is a GET through dispatch, whose get()
# renders with get_context_data(); a component's mount() runs before its first render): what
# they, and the methods they call on self, assign to self is the page's own from then on.
_PER_PAGE = ("__init__", "setup", "dispatch", "get", "get_context_data")
_PER_COMPONENT = ("__init__", "mount")
_EMPTY: dict[type, str] = {list: "[]", dict: "{}", set: "set()", bytearray: "bytearray()"}
# typing.ClassVar, as the annotation's text (from __future__ import annotations) or its object.
_CLASSVAR = re.compile(r"(?:typing\.|t\.)?ClassVar\b")
_HINTS: dict[type, str] = {
    list: "self.{name} = [*self.{name}, item]",
    dict: "self.{name} = {{**self.{name}, key: value}}",
    set: "self.{name} = self.{name} | {{item}}",
    bytearray: "self.{name} = self.{name} + data",
}


def check_shared_defaults(view_classes: list[type[Any]]) -> list[CheckMessage]:
    return [
        Warning(message, hint=hint, obj=view_class, id="live_views.W026")
        for view_class in view_classes
        for message, hint in shared_default_problems(view_class)
    ]


def shared_default_problems(cls: type, *, component: bool = False) -> Iterator[tuple[str, str]]:
    """(message, hint) for each in-place change of a mutable class value: W026 for routed
    views; the log, with DEBUG on, for a live component (templates name those, not the
    URLconf, so no check sees them)."""
    for name, kind, method, how in shared_changes(cls, _PER_COMPONENT if component else _PER_PAGE):
        example = _HINTS[kind].format(name=name)
        yield (
            f"{cls.__qualname__}.{method}() changes self.{name} in place ({how}), but {name} is "
            f"a {kind.__name__} on the class: every page of every visitor shares that one "
            "object, so what one page puts in it, all pages show.",
            f"Assign a new value instead ({example}): the page then has its own, and the "
            "class's stays as it was. If every page is meant to share it (a cache), annotate "
            f"it ClassVar ({name}: ClassVar[{kind.__name__}[...]] = {_EMPTY[kind]}).",
        )


def shared_changes(
    view_class: type, per_page: tuple[str, ...] = _PER_PAGE
) -> Iterator[tuple[str, type, str, str]]:
    """(attribute, its class value's type, method, how) for each in-place change, by the
    methods of the project's own classes, of a mutable value the class holds that the
    ``per_page`` methods do not replace."""
    own = [k for k in view_class.__mro__ if k.__module__.split(".")[0] not in _LIBRARIES]
    shared: dict[str, type] = {}
    for klass in reversed(own):
        shared_on_purpose = _class_variables(klass)
        for name, value in vars(klass).items():
            if (
                isinstance(value, _MUTABLE)
                and not name.startswith("__")
                and name not in shared_on_purpose
            ):
                shared[name] = next(kind for kind in _MUTABLE if isinstance(value, kind))
            else:
                shared.pop(name, None)  # a subclass replaced it
    if shared:  # most views hold none: the methods run per page are not even looked up
        for name in _given_per_page(view_class, own, per_page):
            shared.pop(name, None)
    if not shared:
        return
    resolved: set[str] = set()  # a subclass's method shadows the one it overrides
    for klass in view_class.__mro__:
        for method_name, function in vars(klass).items():
            if method_name in resolved:
                continue
            resolved.add(method_name)
            if klass not in own or not inspect.isfunction(function):
                continue
            reported: set[str] = set()
            for name, how in self_writes(function).changes:
                if name in shared and name not in reported:
                    reported.add(name)
                    yield name, shared[name], method_name, how


def _class_variables(klass: type) -> set[str]:
    """The names the class annotates ``ClassVar``: values every instance shares on purpose."""
    try:
        annotations = inspect.get_annotations(klass)
    except Exception:  # an annotation object that refuses to be read: none to honour
        return set()
    return {
        name
        for name, annotation in annotations.items()
        if (
            _CLASSVAR.match(annotation) if isinstance(annotation, str) else _is_classvar(annotation)
        )
    }


def _is_classvar(annotation: object) -> bool:
    return any(form is typing.ClassVar for form in (annotation, typing.get_origin(annotation)))


def _given_per_page(view_class: type, own: list[type], per_page: tuple[str, ...]) -> set[str]:
    """The attributes each page gives itself before its first event: what the ``per_page``
    methods assign to self, and what the methods they call on self (or on super()), and those
    call in turn, assign. Django's methods are followed too: its ListView's get() calls the
    project's get_queryset(), a FormView's get_context_data() its get_form_kwargs()."""
    pending = [found for name in per_page if (found := _method_run(view_class, name))]
    # A project's setup() that does not call its base's: the base's is read as well.
    pending += [
        (klass, function)
        for klass in own
        for name in per_page
        if inspect.isfunction(function := vars(klass).get(name))
    ]
    read: set[Any] = set()  # a method calling itself, or two calling each other: read once
    given: set[str] = set()
    while pending:
        klass, function = pending.pop()
        if function in read:
            continue
        read.add(function)
        writes = self_writes(function)
        given |= writes.assigned
        for calls, after in ((writes.calls, None), (writes.super_calls, klass)):
            for name in calls:
                found = _method_run(view_class, name, after)
                if found is not None:
                    pending.append(found)
    return given


def _method_run(view_class: type, name: str, after: type | None = None) -> tuple[type, Any] | None:
    """(class, function) that ``self.name()`` (or, in a method of ``after``, ``super().name()``)
    runs on an instance of the view class, when it is a plain function."""
    mro = view_class.__mro__
    for klass in mro[mro.index(after) + 1 :] if after in mro else mro:
        if name in vars(klass):
            function = vars(klass)[name]
            return (klass, function) if inspect.isfunction(function) else None
    return None
