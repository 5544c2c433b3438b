"""What a page's component host keeps of its components' renders: the key it knows each by,
and each one's last render, which a later render of the page may hand over as it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from live_views.render.collector import LoopPath, RenderedBlock

Key = tuple[str, str]  # (class path, id)


@dataclass
class LastRender:
    """A component's blocks from its last render, and the components nested in it."""

    blocks: list[RenderedBlock]
    nonce: str
    children: set[Key] = field(default_factory=set)
    # Where each of its blocks sits in the loops of its own template (for live_target).
    paths: dict[str, LoopPath] = field(default_factory=dict)
    # The component whose template holds it; None for one in the page's own template.
    within: Key | None = None
    # The block its element sits in (a page's liveblock, or a block of the component it is
    # in); None at the top of the page. A render of that block that does not show it drops it.
    enclosing: str | None = None
