"""A list, dict or set on a live view's class that its methods change in place (check W026).

``count = 0`` on the class is each page's starting value: ``self.count += 1`` gives the page its
own. ``notes = []`` reads the same, but ``self.notes.append(x)`` changes the class's one list, which
every page of every visitor in the process shows, a leak between users that nothing reports. The
check reads the source of the view's own methods for such changes (``.append()``, ``[k] = v``,
``+=``, ...) of an attribute whose class value is a list, dict or set, unless the page is
given its own first: assigned in the method itself, or in one that runs for every page before
any event (``__init__``, ``setup``, ``dispatch``, ``get``, ``get_context_data``; a component's
``mount``).
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import textwrap
import tokenize
import typing
from collections.abc import Iterator
from typing import Any

from django.core.checks import CheckMessage, Warning

_MUTABLE = (list, dict, set, bytearray)
_MUTATORS = frozenset(
    (
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "clear",
        "sort",
        "reverse",
        "add",
        "discard",
        "update",
        "setdefault",
        "popitem",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
    )
)
_LIBRARIES = ("django", "live_views", "builtins")
# Run for each page before its first event (the mount is a GET through dispatch, whose get()
# renders with get_context_data(); a component's mount() runs before its first render): what
# they assign to self is the page's own from then on.
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
    for klass in own:
        for method_name in per_page:
            function = vars(klass).get(method_name)
            if inspect.isfunction(function):
                for name in _assigned(function):
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
            for name, how in _changes_in_place(function, shared):
                if name not in reported:
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


def _method_tree(function: Any) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, str] | None:
    """The method's definition and the name of its ``self``, when its source can be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, tokenize.TokenError):
        # No source to read (a REPL, a compiled module), or not this method's any more (its
        # file edited since the import): nothing to say.
        return None
    # The file may hold something else by now (edited since the import): only a def is read.
    definition = tree.body[0] if tree.body else None
    if not isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    arguments = definition.args.posonlyargs + definition.args.args
    if not arguments:
        return None
    return definition, arguments[0].arg


@functools.cache  # per function: a base class's methods are read once, not once per view
def _read(function: Any) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """What the method does to ``self``: the attributes it gives a value of its own
    (``self.notes = [...]``), and the in-place changes (attribute, how) of the others."""
    found = _method_tree(function)
    if found is None:
        return frozenset(), ()
    definition, self_name = found
    targets: list[ast.expr] = []
    changes: list[tuple[str, str]] = []
    for node in ast.walk(definition):
        if isinstance(node, ast.Assign):
            targets.extend(node.targets)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets.append(node.target)  # self.notes: list[str] = []
        name, how = _change(node, self_name)
        if name is not None:
            changes.append((name, how))
    assigned = frozenset(name for target in targets for name in _self_attributes(target, self_name))
    # A method that gives the page its own value first (self.notes = [...]) is not a leak.
    return assigned, tuple(change for change in changes if change[0] not in assigned)


def _assigned(function: Any) -> frozenset[str]:
    """The attributes the method gives ``self`` a value of its own (``self.notes = [...]``)."""
    return _read(function)[0]


def _self_attributes(target: ast.expr, self_name: str) -> Iterator[str]:
    """The ``self`` attributes an assignment's target binds, unpacking included
    (``self.a, (self.b, *rest) = ...``)."""
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _self_attributes(element, self_name)
    elif isinstance(target, ast.Starred):
        yield from _self_attributes(target.value, self_name)
    elif (name := _self_attribute(target, self_name)) is not None:
        yield name


def _changes_in_place(function: Any, names: dict[str, type]) -> Iterator[tuple[str, str]]:
    for name, how in _read(function)[1]:
        if name in names:
            yield name, how


def _change(node: ast.AST, self_name: str) -> tuple[str | None, str]:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _MUTATORS
    ):
        return _self_attribute(node.func.value, self_name), f".{node.func.attr}()"
    if isinstance(node, ast.AugAssign):
        # list += and set |= change the object in place, then store it on the instance.
        return _self_attribute(node.target, self_name), f"{_OPERATORS.get(type(node.op), '')}="
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign | ast.Delete):
        targets = node.targets
    for target in targets:
        if isinstance(target, ast.Subscript):
            name = _self_attribute(target.value, self_name)
            if name is not None:
                return name, "del [...]" if isinstance(node, ast.Delete) else "[...] ="
    return None, ""


def _self_attribute(node: ast.expr, self_name: str) -> str | None:
    """``name`` when ``node`` is ``self.name``."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == self_name
    ):
        return node.attr
    return None


_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Mult: "*",
}
