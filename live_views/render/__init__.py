"""Rendering a page's liveblocks and what the browser is sent of them; no socket knowledge."""
