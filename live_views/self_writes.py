"""What one method's source does to ``self``, for check W026 (shared_defaults.py): the attributes
it gives a value of its own, the attributes whose value it changes in place, and the methods it
calls on ``self`` (and on ``super()``). Each method is read and parsed once per process."""

from __future__ import annotations

import ast
import functools
import inspect
import tokenize
from collections.abc import Iterator
from typing import Any, NamedTuple

MUTATORS = frozenset(
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

_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Mult: "*",
    ast.MatMult: "@",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
}

# (line, column): where a node starts or ends in the method's source.
_Position = tuple[int, int]


class SelfWrites(NamedTuple):
    # The attributes the method gives self a value of its own, anywhere in it.
    assigned: frozenset[str]
    # (attribute, how) for each in-place change not preceded, in the method's text, by an
    # assignment of the attribute: after ``self.notes = []`` the page's own list is changed.
    changes: tuple[tuple[str, str], ...]
    # The methods it calls as self.name(...), and as super().name(...).
    calls: frozenset[str]
    super_calls: frozenset[str]


_NOTHING = SelfWrites(frozenset(), (), frozenset(), frozenset())


@functools.cache  # per function: a base class's methods are read once, not once per view
def self_writes(function: Any) -> SelfWrites:
    found = _method_tree(function)
    if found is None:
        return _NOTHING
    definition, self_name = found
    assignments: list[tuple[str, _Position]] = []
    changes: list[tuple[str, str, _Position]] = []
    calls: set[str] = set()
    super_calls: set[str] = set()
    for node in ast.walk(definition):
        if not isinstance(node, ast.stmt | ast.expr):
            continue  # arguments, operators, ...: nothing is assigned or changed there
        end = (node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
        assignments.extend((name, end) for name in _assigned_by(node, self_name))
        name, how = _change(node, self_name)
        if name is not None:
            changes.append((name, how, (node.lineno, node.col_offset)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _is_self(node.func.value, self_name):
                calls.add(node.func.attr)
            elif _is_super(node.func.value):
                super_calls.add(node.func.attr)
    return SelfWrites(
        assigned=frozenset(name for name, _ in assignments),
        changes=tuple(
            (name, how)
            for name, how, start in changes
            # Text order, not every path: an assignment under an if counts (the first page
            # to skip it would share the list, but reading paths is more than this check does).
            if not any(assigned == name and end <= start for assigned, end in assignments)
        ),
        calls=frozenset(calls),
        super_calls=frozenset(super_calls),
    )


def _method_tree(function: Any) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, str] | None:
    """The method's definition and the name of its ``self``, when its source can be read."""
    try:
        source = inspect.getsource(function)
        # A method's def is indented. Not dedent(): a line less indented than the def (a
        # multi-line string's text, a comment an editor put at column 0) leaves it as it is,
        # and the def did not parse. In a block of its own, it parses as written.
        nested = source[:1].isspace()
        tree = ast.parse(f"if True:\n{source}" if nested else source)
    except (OSError, TypeError, SyntaxError, ValueError, tokenize.TokenError):
        # No source to read (a REPL, a compiled module), or not this method's any more (its
        # file edited since the import; a NUL byte there is a ValueError on some Pythons):
        # nothing to say.
        return None
    body = tree.body
    if nested and body and isinstance(body[0], ast.If):
        body = body[0].body
    # The file may hold something else by now (edited since the import): only a def is read.
    definition = body[0] if body else None
    if not isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    arguments = definition.args.posonlyargs + definition.args.args
    if not arguments:
        return None
    return definition, arguments[0].arg


def _assigned_by(node: ast.AST, self_name: str) -> Iterator[str]:
    """The ``self`` attributes the node binds: ``self.notes = ...`` (annotated, or unpacked:
    ``self.a, (self.b, *rest) = ...``), or ``setattr(self, "notes", ...)``. A name setattr()
    computes is not guessed, nor is a write to ``self.__dict__`` or ``vars(self)``."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from _self_attributes(target, self_name)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        yield from _self_attributes(node.target, self_name)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "setattr"
        and len(node.args) == 3
        and _is_self(node.args[0], self_name)
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        yield node.args[1].value


def _self_attributes(target: ast.expr, self_name: str) -> Iterator[str]:
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _self_attributes(element, self_name)
    elif isinstance(target, ast.Starred):
        yield from _self_attributes(target.value, self_name)
    elif (name := _self_attribute(target, self_name)) is not None:
        yield name


def _change(node: ast.AST, self_name: str) -> tuple[str | None, str]:
    """(attribute, how) when the node changes ``self.name``'s value in place, or a value it
    holds: ``self.seen[key][0] = value`` and ``self.groups[key].append(x)`` change what the
    class's dict holds, which every page shares as well."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MUTATORS
    ):
        name, item = _container(node.func.value, self_name)
        return name, f"{'[...]' if item else ''}.{node.func.attr}()"
    if isinstance(node, ast.AugAssign):
        # list += and set |= change the object in place, then store it on the instance;
        # self.votes[key] += 1 stores into the class's dict.
        name, item = _container(node.target, self_name)
        return name, f"{'[...] ' if item else ''}{_OPERATORS.get(type(node.op), '')}="
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign | ast.Delete):
        targets = node.targets
    for target in targets:
        if isinstance(target, ast.Subscript):
            name, _ = _container(target.value, self_name)
            if name is not None:
                return name, "del [...]" if isinstance(node, ast.Delete) else "[...] ="
    return None, ""


def _container(node: ast.expr, self_name: str) -> tuple[str | None, bool]:
    """``(name, False)`` for ``self.name``, ``(name, True)`` for an item of it
    (``self.name[key]``, ``self.name[a][b]``), else ``(None, False)``."""
    item = False
    while isinstance(node, ast.Subscript):
        node, item = node.value, True
    return _self_attribute(node, self_name), item


def _self_attribute(node: ast.expr, self_name: str) -> str | None:
    """``name`` when ``node`` is ``self.name``."""
    if isinstance(node, ast.Attribute) and _is_self(node.value, self_name):
        return node.attr
    return None


def _is_self(node: ast.expr, self_name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == self_name


def _is_super(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )
