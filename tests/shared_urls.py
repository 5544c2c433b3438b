"""tests.urls plus the shared-render views under /shared/ (tests/test_shared.py)."""

from __future__ import annotations

from tests.todoapp.shared_views import root as urlpatterns

__all__ = ["urlpatterns"]
