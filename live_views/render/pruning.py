"""Render only the liveblocks of a template.

A template is *pruned* once: every node that cannot contain a liveblock and sets no context
variable is dropped, so loops, conditions, ``{% with %}``, ``{% extends %}`` and ``{% include %}``
still run, but only to reach the blocks. Rendering the pruned tree fills a ``BlockCollector``; the
rest of the page is never rendered.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template import Context, Node, NodeList
from django.template.base import Template, TextNode, VariableNode
from django.template.context import make_context
from django.template.defaulttags import (
    CommentNode,
    CsrfTokenNode,
    FirstOfNode,
    ForNode,
    IfNode,
    LoadNode,
    NowNode,
    URLNode,
    VerbatimNode,
    WidthRatioNode,
)
from django.template.library import InclusionNode, SimpleBlockNode, SimpleNode
from django.template.loader_tags import (
    BlockNode,
    ExtendsNode,
    IncludeNode,
    construct_relative_path,
)
from django.templatetags.static import StaticNode
from django.utils.safestring import SafeString

from live_views.render.blocks import LiveBlockNode
from live_views.render.collector import COLLECTOR_KEY, BlockCollector, LoopPath, get_collector
from live_views.render.targets import TargetedForNode

# Nodes that only write output; with no variable assigned (``as x``) they can go.
_OUTPUT_ONLY = (
    TextNode,
    VariableNode,
    CommentNode,
    CsrfTokenNode,
    LoadNode,
    VerbatimNode,
    InclusionNode,
)
_ASSIGNING = {
    URLNode: "asvar",
    StaticNode: "varname",
    SimpleNode: "target_var",
    NowNode: "asvar",
    WidthRatioNode: "asvar",
    FirstOfNode: "asvar",
}
_PRUNED_ATTR = "_live_views_pruned"


def _droppable(node: Node) -> bool:
    if isinstance(node, VariableNode) and _is_block_super(node):
        return False  # {{ block.super }} renders the parent's (pruned) block: its liveblocks
    if isinstance(node, SimpleBlockNode):
        return False  # a container: pruned like the others
    if isinstance(node, _OUTPUT_ONLY) or getattr(node, "live_output_only", False):
        return True
    for node_type, attr in _ASSIGNING.items():
        if isinstance(node, node_type):
            return getattr(node, attr, None) is None
    return False


def _is_block_super(node: VariableNode) -> bool:
    var = node.filter_expression.var
    return getattr(var, "lookups", None) == ("block", "super")


def prune_nodelist(nodelist: NodeList) -> NodeList:
    pruned = NodeList()
    for node in nodelist:
        kept = prune_node(node)
        if kept is not None:
            pruned.append(kept)
    return pruned


def _stored_nodelists(node: Node) -> list[str]:
    """The names of ``node``'s child nodelists that a copy can replace (IfNode's ``nodelist``
    is a property derived from its conditions)."""
    return [
        name
        for name in node.child_nodelists
        if isinstance(getattr(node, name, None), NodeList)
        and not isinstance(getattr(type(node), name, None), property)
    ]


def prune_node(node: Node) -> Node | None:
    if isinstance(node, LiveBlockNode):
        return _with_targeted_loops(node)
    if isinstance(node, ExtendsNode):
        return _PrunedExtendsNode.from_node(node)
    if isinstance(node, IncludeNode):
        include = copy.copy(node)
        include.__class__ = _PrunedIncludeNode
        return include
    if isinstance(node, IfNode):
        branches = [(cond, prune_nodelist(nodes)) for cond, nodes in node.conditions_nodelists]
        if not any(nodes for _, nodes in branches):
            return None
        if_node = copy.copy(node)
        if_node.conditions_nodelists = branches
        return if_node
    if _droppable(node):
        return None
    names = _stored_nodelists(node)
    if not names:
        return node  # an unknown leaf may assign variables: keep it, its output is discarded
    clone = copy.copy(node)
    for name in names:
        setattr(clone, name, prune_nodelist(getattr(node, name)))
    # An empty {% block %} is kept all the same: it still overrides its parent's block.
    if not isinstance(node, BlockNode) and not any(getattr(clone, name) for name in names):
        return None
    if type(node) is ForNode:
        clone.__class__ = TargetedForNode
    return clone


def _with_targeted_loops(node: Node) -> Node:
    """``node`` whole (a block renders all its content), its ``{% for %}``s able to run only the
    iterations a targeted render wants (targets.py)."""
    if isinstance(node, IfNode):
        if_node = copy.copy(node)
        if_node.conditions_nodelists = [
            (condition, _targeted_nodelist(nodes)) for condition, nodes in node.conditions_nodelists
        ]
        return if_node
    names = _stored_nodelists(node)
    if not names:
        return node
    clone = copy.copy(node)
    for name in names:
        setattr(clone, name, _targeted_nodelist(getattr(node, name)))
    if type(node) is ForNode:
        clone.__class__ = TargetedForNode
    return clone


def _targeted_nodelist(nodelist: NodeList) -> NodeList:
    return NodeList(_with_targeted_loops(node) for node in nodelist)


def pruned_template(template: Template) -> Template:
    cached: Template | None = template.__dict__.get(_PRUNED_ATTR)
    if cached is None:
        cached = copy.copy(template)
        cached.nodelist = prune_nodelist(template.nodelist)
        template.__dict__[_PRUNED_ATTR] = cached
    return cached


class _PrunedExtendsNode(ExtendsNode):
    @classmethod
    def from_node(cls, node: ExtendsNode) -> _PrunedExtendsNode:
        clone = copy.copy(node)
        clone.__class__ = cls
        clone.nodelist = prune_nodelist(node.nodelist)
        blocks: list[Any] = clone.nodelist.get_nodes_by_type(BlockNode)
        clone.blocks = {n.name: n for n in blocks}
        assert isinstance(clone, cls)
        return clone

    def get_parent(self, context: Context) -> Template:
        return pruned_template(super().get_parent(context))


class _PrunedIncludeNode(IncludeNode):
    # IncludeNode.render with one change: the included template renders pruned.
    def render(self, context: Context) -> SafeString:
        template: Any = self.template.resolve(context)
        if not callable(getattr(template, "render", None)):
            names: Any = template or ()
            if isinstance(names, str):
                names = (construct_relative_path(str(self.origin.template_name), names),)
            shared: Any = context.render_context.dicts[0]
            cache: dict[Any, Any] = shared.setdefault(self, {})
            template = cache.get(tuple(names))
            if template is None:
                engine: Any = context.template.engine  # type: ignore[union-attr]
                template = engine.select_template(list(names))
                cache[tuple(names)] = template
        if hasattr(template, "template"):
            template = template.template
        template = pruned_template(template)
        values = {name: var.resolve(context) for name, var in self.extra_context.items()}
        if self.isolated_context:
            return SafeString(template.render(context.new(values)))
        with context.push(**values):
            return SafeString(template.render(context))


def render_liveblocks(
    template: Template,
    context: dict[str, Any],
    request: HttpRequest | None,
    *,
    targets: frozenset[str] | None = None,
    paths: dict[str, LoopPath] | None = None,
    on_the_way: frozenset[str] = frozenset(),
    scope: str = "",
    shared: Mapping[str, Any] | None = None,
) -> BlockCollector:
    """Render every liveblock of ``template`` (and of what it extends/includes), nothing else;
    or, given ``targets`` and where the last full render found them, only those blocks.
    ``scope`` prefixes the block ids (a component's); ``shared`` joins the render's root
    (what ``{% live_component %}`` looks for there)."""
    ctx = make_context(context, request, autoescape=template.engine.autoescape)
    collector = BlockCollector(
        targets=targets,
        paths=dict(paths or {}),
        on_the_way=on_the_way,
        keep_output=False,
        scope=scope,
    )
    root: Any = ctx.render_context.dicts[0]
    root.update(shared or {})
    root[COLLECTOR_KEY] = collector
    pruned: Any = pruned_template(template)
    try:
        with ctx.render_context.push_state(pruned):
            if ctx.template is None:
                with ctx.bind_template(pruned):
                    ctx.template_name = template.name
                    pruned._render(ctx)
            else:
                pruned._render(ctx)
            return get_collector(ctx)
    finally:
        # Django's contexts are reference cycles, left to the garbage collector: the blocks
        # (one collector per page and broadcast) are freed as soon as the caller is done.
        root.pop(COLLECTOR_KEY, None)
