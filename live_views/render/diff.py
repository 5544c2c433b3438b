"""What the browser shows of a page's liveblocks, and what to send it next.

The diff keeps the version of every block the browser has, and where the last full render found
each block (its loop path and its parent), so that a render named by ``live_target()`` can run
only the loop iterations that lead to those blocks. It knows nothing of sockets: it takes a
template and a context, and gives back the out-of-band morphs of the blocks that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template.base import Template

from live_views.render.collector import BlockCollector, LoopPath, RenderedBlock
from live_views.render.pruning import render_liveblocks
from live_views.render.targets import blocks_on_the_way

SWAP = "outerMorph"
# A frame's content is parsed as one piece, and a parser drops the <tr> and <td> tags of a row
# that follows a <div> (a component row sent after a page block, say), keeping only their text.
# A part of a table after such a block travels in a <template> (whose content parses as the row
# it is), which htmx swaps into the block's place, stripped. (A <div> after a row parses fine.)
TABLE_PARTS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot", "caption"})


class BlockDiff:
    # One per open page (docs/benchmarks.md, memory).
    __slots__ = ("parents", "paths", "shown", "shown_shared")

    def __init__(self) -> None:
        self.shown: dict[str, str] = {}  # block id -> the version the browser has
        self.shown_shared = False  # ``shown`` is other pages' too (share_shown()): copy to change
        self.paths: dict[str, LoopPath] = {}
        self.parents: dict[str, str | None] = {}

    def browser_shows(self, versions: Mapping[str, str], *, again: bool = False) -> None:
        """A (re)joining browser says which versions it has. ``again``: it joins this same
        page again (over HTTP, after its socket failed or the server was away), so a stream
        container whose version it cleared (items were inserted or deleted since) holds what
        this page sent it: it is as shown, not sent whole from a stream that no longer holds
        its items (that emptied the list)."""
        if again:
            shown = self.shown
            versions = {
                ident: shown.get(ident, version) if version == "" else version
                for ident, version in versions.items()
            }
        self.shown = dict(versions)
        self.shown_shared = False

    def render(
        self,
        template: Template,
        context: dict[str, Any],
        request: HttpRequest | None,
        targets: frozenset[str] | None = None,
    ) -> BlockCollector:
        """Render the page's liveblocks: only ``targets`` when the last full render saw where
        they are, otherwise every block (and remember where each one is)."""
        if targets is not None and targets <= self.paths.keys():
            collector = render_liveblocks(
                template,
                context,
                request,
                targets=targets,
                paths=self.paths,
                on_the_way=blocks_on_the_way(targets, self.parents),
            )
            if targets <= collector.blocks.keys():
                return collector
            # A named block is not where the last render saw it: render the page whole.
        collector = render_liveblocks(template, context, request)
        self.paths = collector.paths
        self.parents = {ident: block.parent for ident, block in collector.blocks.items()}
        return collector

    def take_changes(self, collector: BlockCollector) -> str:
        """The morphs for what changed since the browser's versions, which become the new ones."""
        html = changed_blocks_html(collector, self.shown)
        versions = {ident: block.version for ident, block in collector.blocks.items()}
        if collector.targets is None:
            self.shown = versions
        else:  # the blocks not rendered are as the browser has them
            if self.shown_shared:
                self.shown = dict(self.shown)
            self.shown.update(versions)
        self.shown_shared = False
        return html

    def share_shown(self, shown: dict[str, str] | None = None) -> dict[str, str]:
        """The browser has ``shown`` (by default what it has now), and so do other pages'
        browsers, which share that dict: one per frame of a shared render (socket/shared.py),
        not one per page."""
        if shown is not None:
            self.shown = shown
        self.shown_shared = True
        return self.shown


def changed_blocks_html(collector: BlockCollector, shown: Mapping[str, str]) -> str:
    """Out-of-band morphs for each changed block not already inside a changed parent."""
    blocks = collector.blocks
    changed = {ident for ident, block in blocks.items() if shown.get(ident) != block.version}
    sent: list[tuple[str, str]] = []
    for ident in blocks:
        if ident not in changed:
            continue
        block = blocks[ident]
        if block.swap is not None:
            # A stream's container is replaced whole: a morph of it would keep its items.
            sent.append((ident, block.swap))
            continue
        parent = block.parent
        while parent is not None and parent not in changed:
            parent = blocks[parent].parent
        if parent is None:
            sent.append((ident, SWAP))
    parts: list[str] = []
    in_body = False  # a block that is no part of a table was sent before
    for ident, swap in sent:
        part = table_part(blocks[ident])
        parts.append(oob_block(collector, ident, swap, wrap=part and in_body))
        in_body = in_body or not part
    return "".join(parts) + "".join(collector.stream_swaps)


def table_part(block: RenderedBlock) -> bool:
    return block.open_tag[1:].partition(" ")[0] in TABLE_PARTS


def oob_block(collector: BlockCollector, ident: str, swap: str, *, wrap: bool) -> str:
    """The block ``ident`` as an out-of-band swap of the page's block with its id."""
    if wrap:
        html = collector.expand(ident)
        return f'<template id="{ident}" hx-swap-oob="{swap} strip:true">{html}</template>'
    return collector.expand(ident, swap_oob=swap)
