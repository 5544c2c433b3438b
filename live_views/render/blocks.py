"""``{% liveblock %}``: a region of a page with a stable id, rendered and diffed on its own.

Blocks nest. While a page renders, a nested block hands its parent a placeholder, so each block
records its *own* markup (its skeleton) and its version is a hash of that skeleton: a changed row
does not make the list around it look changed. A top-level block expands its placeholders before
it is written into the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.template import Context, Node, NodeList, TemplateSyntaxError
from django.template.base import FilterExpression
from django.utils.html import conditional_escape

from live_views.render.collector import (
    RenderedBlock,
    block_id,
    get_collector,
    loop_path,
    version_of,
)

TAG_RE = re.compile(r"[a-z][a-z0-9-]{0,30}")
# Elements that cannot hold a block's content.
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)


class LiveBlockNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(
        self,
        name: str,
        nodelist: NodeList,
        key: FilterExpression | None,
        tag: str,
        css_class: FilterExpression | None,
        remove: FilterExpression | None = None,
    ) -> None:
        self.name = name
        self.nodelist = nodelist
        self.key = key
        self.tag = tag
        self.css_class = css_class
        self.remove = remove  # its data-live-remove: a removal transition (removal.js)

    def __repr__(self) -> str:
        return f"<LiveBlockNode {self.name!r}>"

    def render(self, context: Context) -> str:
        key = self.key.resolve(context) if self.key is not None else None
        collector = get_collector(context)
        ident = block_id(self.name, key, collector.scope)
        css_class = self.css_class.resolve(context) if self.css_class is not None else None
        attrs = f' class="{conditional_escape(css_class)}"' if css_class is not None else ""
        if self.remove is not None:
            attrs += f' data-live-remove="{conditional_escape(self.remove.resolve(context))}"'
        return render_block(
            context,
            ident,
            lambda: self.nodelist.render(context),
            tag=self.tag,
            attrs=attrs,
            duplicate=lambda: self.duplicate_message(context, key, ident),
        )

    def duplicate_message(self, context: Context, key: object, ident: str) -> str:
        # The fix depends on where the twin is: a loop wants a key, a repeated key another key,
        # and two blocks written apart another name.
        if self.key is not None:
            hint = (
                f" Each block of that name needs a key of its own: {str(key)!r} came twice "
                "(a row's pk is unique)."
            )
        elif context.get("forloop") is not None:
            hint = f" Inside a loop give it a key: {{% liveblock {self.name} key=item.pk %}}."
        else:
            hint = " Give each {% liveblock %} of the page a name of its own."
        return f"liveblock {self.name!r} rendered twice with the same id {ident!r}.{hint}"


def render_block(
    context: Context,
    ident: str,
    render_inner: Callable[[], str],
    *,
    tag: str = "div",
    attrs: str = "",
    duplicate: str | Callable[[], str] = "",
) -> str:
    """Render one block (a ``{% liveblock %}`` or a component's root): record its skeleton and
    version, and return its markup, or a placeholder when it sits inside another block.
    ``attrs`` is trusted markup (escaped by the caller)."""
    collector = get_collector(context)
    if collector.targets is not None and not collector.stack:
        if ident not in collector.targets:
            if ident in collector.on_the_way:
                render_inner()  # only to reach a target; not sent
            return ""
    else:
        collector.paths[ident] = loop_path(context)
    if ident in collector.blocks:
        message = duplicate() if callable(duplicate) else duplicate
        raise TemplateSyntaxError(message or f"block {ident!r} rendered twice.")
    parent = collector.stack[-1] if collector.stack else None
    collector.stack.append(ident)
    try:
        skeleton = render_inner()
    finally:
        collector.stack.pop()
    # Placeholders carry a per-render nonce; hash without it so versions are stable.
    version = version_of(skeleton.replace(collector.nonce, "") if "\x00" in skeleton else skeleton)
    collector.blocks[ident] = RenderedBlock(
        id=ident,
        open_tag=f'<{tag} id="{ident}" data-lv-v="{version}"{attrs}>',
        skeleton=skeleton,
        close_tag=f"</{tag}>",
        version=version,
        parent=parent,
    )
    if parent is not None:
        return collector.placeholder(ident)
    return collector.expand(ident) if collector.keep_output else ""
