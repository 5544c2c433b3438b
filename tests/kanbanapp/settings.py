"""The sample site's settings with the kanban board, for tests/test_browser_kanban.py: its server
(tests/live_server.py) runs sample_site's ASGI app with DJANGO_SETTINGS_MODULE pointing here."""

from __future__ import annotations

from sample_site.settings import *  # noqa: F403
from sample_site.settings import INSTALLED_APPS, LIVE_VIEWS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.todoapp", "tests.kanbanapp"]
ROOT_URLCONF = "tests.kanbanapp.views"
LIVE_VIEWS = {**LIVE_VIEWS, "BROADCAST_MODELS": ["todoapp.Task"]}
