"""Targeted re-render: an event that names the blocks it changed renders only those.

A full render records, for every block, where it sits in the page's ``{% for %}`` loops (its
*loop path*: the iteration index of each enclosing loop, outermost first). When a handler names
its blocks with ``live_target()``, the next render walks the template again, but each loop runs
only the iterations that lead to a named block, and blocks on the way are not rendered. The
cost of a one-row change no longer grows with the list.

The render checks itself: a named block that does not appear where it was (the list changed
under it) makes the page fall back to a full render.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.template import Context
from django.template.defaulttags import ForNode
from django.utils.safestring import SafeString, mark_safe

from live_views.render.collector import LoopPath, get_collector, loop_path


def blocks_on_the_way(targets: Iterable[str], parents: dict[str, str | None]) -> frozenset[str]:
    """Every block that holds one of ``targets``, from the parents of the last full render."""
    found: set[str] = set()
    for target in targets:
        parent = parents.get(target)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = parents.get(parent)
    return frozenset(found)


def wanted_iterations(
    paths: dict[str, LoopPath], targets: Iterable[str], outer: LoopPath
) -> list[int]:
    """Indices of the loop at depth ``len(outer)`` that lead to a target from ``outer``."""
    depth = len(outer)
    return sorted(
        {
            path[depth]
            for target in targets
            if (path := paths.get(target)) is not None
            and len(path) > depth
            and path[:depth] == outer
        }
    )


class TargetedForNode(ForNode):
    """A pruned ``{% for %}``: runs every iteration, or in a targeted render only the wanted."""

    def render(self, context: Context) -> SafeString:
        collector = get_collector(context)
        if collector.targets is None or collector.stack:
            return SafeString(super().render(context))
        wanted = wanted_iterations(collector.paths, collector.targets, loop_path(context))
        if not wanted:
            return SafeString("")
        return self._render_iterations(context, wanted)

    def _render_iterations(self, context: Context, wanted: list[int]) -> SafeString:
        # ForNode.render for the wanted iterations only: same forloop values, same unpacking.
        parentloop = context.get("forloop", {})
        output: list[str] = []
        with context.push():
            sequence: Any = self.sequence
            values: Any = sequence.resolve(context, ignore_failures=True)
            if values is None:
                values = []
            if not isinstance(values, Sequence):
                values = list(values)
            length = len(values)
            loop: dict[str, Any] = {"parentloop": parentloop, "length": length}
            context["forloop"] = loop
            for index in wanted:
                if index >= length:
                    break  # the list shrank: the target is missing, the caller falls back
                item = values[length - 1 - index] if self.is_reversed else values[index]
                loop.update(
                    counter0=index,
                    counter=index + 1,
                    revcounter=length - index,
                    revcounter0=length - index - 1,
                    first=index == 0,
                    last=index == length - 1,
                )
                if len(self.loopvars) > 1:
                    context.update(dict(zip(self.loopvars, item, strict=True)))
                else:
                    context[self.loopvars[0]] = item
                nodes: Any = self.nodelist_loop
                output.extend(node.render_annotated(context) for node in nodes)
                if len(self.loopvars) > 1:
                    context.pop()
        # Each part is a node's own render output, escaped by that node, as in ForNode.
        return mark_safe("".join(output))  # noqa: S308
