"""What one render of a page's liveblocks collects: each block's own markup (its skeleton), its
version, its parent, and where it sits in the page's ``{% for %}`` loops (its loop path).

Shared by the ``{% liveblock %}`` node (blocks.py), which fills it, and the targeted loops
(targets.py), which read it to run only the iterations a targeted render wants.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any

from django.template import Context

COLLECTOR_KEY = "live_views.render.blocks"
# No ":" in an id: htmx 4 splits an out-of-band "style:selector" at its last colon, so a stream's
# delete or after= of such an item would name no element, escaped or not (render/stream.py).
_KEY_SAFE_RE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# A nested block's placeholder: NUL, the render's nonce (_render_nonce()), the block id,
# NUL. One pattern for every render: a pattern with the nonce in it was compiled on each one.
_PLACEHOLDER_RE = re.compile("\x00([0-9a-f]{8})([^\x00]+)\x00")

LoopPath = tuple[int, ...]


def loop_path(context: Context) -> LoopPath:
    """The iteration index of every ``{% for %}`` around the current node, outermost first."""
    path: list[int] = []
    loop = context.get("forloop")
    while loop:
        path.append(loop["counter0"])
        loop = loop.get("parentloop")
    path.reverse()
    return tuple(path)


def block_id(name: str, key: object | None, scope: str = "") -> str:
    """A block's DOM id; ``scope`` is a component's (see ``component_scope``), "" on the page."""
    if key is None:
        return f"lv-{scope}{name}"
    text = str(key)
    if not _KEY_SAFE_RE.fullmatch(text):
        text = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return f"lv-{scope}{name}-{text}"


def component_block_id(address: str) -> str:
    """The DOM id of a component's root element."""
    return f"lv-c{address}"


def component_scope(address: str) -> str:
    """The prefix of the ids of a component's own liveblocks: ``lv-c<address>-<name>``."""
    return f"c{address}-"


def version_of(skeleton: str) -> str:
    return hashlib.blake2b(skeleton.encode(), digest_size=4).hexdigest()


@dataclass
class RenderedBlock:
    id: str
    open_tag: str
    skeleton: str
    close_tag: str
    version: str
    parent: str | None
    swap: str | None = None  # how it is sent when it changed, if not morphed (a stream: whole)


def _render_nonce() -> str:
    # What secrets.token_hex(4) returns, from the same source, in two calls instead of six:
    # every render makes one, every page's of a broadcast's refresh too.
    return os.urandom(4).hex()


@dataclass
class BlockCollector:
    """Every block of one render, by id, in document order."""

    blocks: dict[str, RenderedBlock] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    nonce: str = field(default_factory=_render_nonce)
    # A targeted render (see targets.py) renders only these blocks, found by their loop paths.
    targets: frozenset[str] | None = None
    paths: dict[str, LoopPath] = field(default_factory=dict)
    # Blocks that hold a target: rendered only to reach it. Every other block is skipped.
    on_the_way: frozenset[str] = frozenset()
    # Out-of-band swaps of single stream items (render/stream.py), sent after the blocks.
    stream_swaps: list[str] = field(default_factory=list)
    # While a component's template renders, its liveblocks' ids carry its scope.
    scope: str = ""
    # False when only the blocks are wanted (render_liveblocks): a top-level block then skips
    # writing itself out whole, which would cost as much as the page's blocks.
    keep_output: bool = True

    def placeholder(self, block_id: str) -> str:
        return f"\x00{self.nonce}{block_id}\x00"

    def expand(self, block_id: str, *, swap_oob: str | None = None) -> str:
        block = self.blocks[block_id]
        open_tag = block.open_tag
        if swap_oob:
            open_tag = f'{open_tag[:-1]} hx-swap-oob="{swap_oob}">'
        inner = block.skeleton
        if "\x00" in inner:
            inner = _PLACEHOLDER_RE.sub(self._expand_placeholder, inner)
        return f"{open_tag}{inner}{block.close_tag}"

    def _expand_placeholder(self, match: re.Match[str]) -> str:
        if match.group(1) != self.nonce:  # another render's placeholder: not ours to fill
            return match.group(0)
        return self.expand(match.group(2))


def get_collector(context: Context) -> BlockCollector:
    # dicts[0] is shared by the whole render, across {% include %} and {% extends %}.
    root: Any = context.render_context.dicts[0]
    collector: BlockCollector | None = root.get(COLLECTOR_KEY)
    if collector is None:
        collector = root[COLLECTOR_KEY] = BlockCollector()
    return collector
