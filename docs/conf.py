"""Sphinx configuration: ``make docs`` builds the site into docs/_build/html."""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# autodoc imports live_views, whose modules import Django's: give it a minimal project.
if not settings.configured:
    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "live_views",
        ],
        USE_TZ=True,
    )
    django.setup()

from live_views import __version__  # noqa: E402  (after Django is set up)

project = "django-live-views"
author = "django-live-views developers"
copyright = "django-live-views developers"
version = release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
# The tutorial's project is included into its pages, never built as pages of its own.
exclude_patterns = ["_build", "tutorial/code", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"django-live-views {release}"
pygments_style = "friendly"
pygments_dark_style = "monokai"
