"""``{% liveblock %}``: a region of a page with a stable id, rendered and diffed on its own.

Blocks nest. While a page renders, a nested block hands its parent a placeholder, so each block
records its *own* markup (its skeleton) and its version is a hash of that skeleton: a changed row
does not make the list around it look changed. A top-level block expands its placeholders before
it is written into the page.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.template import Context, Node, NodeList, TemplateSyntaxError
from django.template.base import FilterExpression
from django.utils.html import conditional_escape

from live_views.targets import LoopPath, loop_path

COLLECTOR_KEY = "live_views.blocks"
_KEY_SAFE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
TAG_RE = re.compile(r"[a-z][a-z0-9-]{0,30}")
# Elements that cannot hold a block's content.
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


def block_id(name: str, key: object | None) -> str:
    if key is None:
        return f"lv-{name}"
    text = str(key)
    if not _KEY_SAFE_RE.fullmatch(text):
        text = hashlib.blake2b(text.encode(), digest_size=6).hexdigest()
    return f"lv-{name}-{text}"


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


@dataclass
class BlockCollector:
    """Every block of one render, by id, in document order."""

    blocks: dict[str, RenderedBlock] = field(default_factory=dict)
    stack: list[str] = field(default_factory=list)
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    # A targeted render (see targets.py) renders only these blocks, found by their loop paths.
    targets: frozenset[str] | None = None
    paths: dict[str, LoopPath] = field(default_factory=dict)
    # Blocks that hold a target: rendered only to reach it. Every other block is skipped.
    on_the_way: frozenset[str] = frozenset()

    def placeholder(self, block_id: str) -> str:
        return f"\x00{self.nonce}{block_id}\x00"

    def expand(self, block_id: str, *, swap_oob: str | None = None) -> str:
        block = self.blocks[block_id]
        open_tag = block.open_tag
        if swap_oob:
            open_tag = f'{open_tag[:-1]} hx-swap-oob="{swap_oob}">'
        inner = block.skeleton
        if "\x00" in inner:
            pattern = re.compile(f"\x00{self.nonce}([^\x00]+)\x00")
            inner = pattern.sub(lambda m: self.expand(m.group(1)), inner)
        return f"{open_tag}{inner}{block.close_tag}"


def get_collector(context: Context) -> BlockCollector:
    # dicts[0] is shared by the whole render, across {% include %} and {% extends %}.
    root: Any = context.render_context.dicts[0]
    collector: BlockCollector | None = root.get(COLLECTOR_KEY)
    if collector is None:
        collector = root[COLLECTOR_KEY] = BlockCollector()
    return collector


class LiveBlockNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(
        self,
        name: str,
        nodelist: NodeList,
        key: FilterExpression | None,
        tag: str,
        css_class: FilterExpression | None,
    ) -> None:
        self.name = name
        self.nodelist = nodelist
        self.key = key
        self.tag = tag
        self.css_class = css_class

    def __repr__(self) -> str:
        return f"<LiveBlockNode {self.name!r}>"

    def render(self, context: Context) -> str:
        key = self.key.resolve(context) if self.key is not None else None
        ident = block_id(self.name, key)
        collector = get_collector(context)
        if collector.targets is not None and not collector.stack:
            if ident not in collector.targets:
                if ident in collector.on_the_way:
                    self.nodelist.render(context)  # only to reach a target; not sent
                return ""
        else:
            collector.paths[ident] = loop_path(context)
        if ident in collector.blocks:
            hint = (
                ""
                if self.key
                else f" Inside a loop give it a key: {{% liveblock {self.name} key=item.pk %}}."
            )
            raise TemplateSyntaxError(
                f"liveblock {self.name!r} rendered twice with the same id {ident!r}.{hint}"
            )
        parent = collector.stack[-1] if collector.stack else None
        collector.stack.append(ident)
        try:
            skeleton = self.nodelist.render(context)
        finally:
            collector.stack.pop()
        # Placeholders carry a per-render nonce; hash without it so versions are stable.
        version = version_of(
            skeleton.replace(collector.nonce, "") if "\x00" in skeleton else skeleton
        )
        attrs = f' id="{ident}" data-lv-v="{version}"'
        if self.css_class is not None:
            attrs += f' class="{conditional_escape(self.css_class.resolve(context))}"'
        collector.blocks[ident] = RenderedBlock(
            id=ident,
            open_tag=f"<{self.tag}{attrs}>",
            skeleton=skeleton,
            close_tag=f"</{self.tag}>",
            version=version,
            parent=parent,
        )
        if parent is not None:
            return collector.placeholder(ident)
        return collector.expand(ident)
