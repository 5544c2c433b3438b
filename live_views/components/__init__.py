"""Live components: reusable parts of a page with their own state, template and events."""

from __future__ import annotations

from live_views.components.base import LiveComponent
from live_views.components.forms import LiveFormComponent

__all__ = ["LiveComponent", "LiveFormComponent"]
