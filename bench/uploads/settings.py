"""sample_site's settings with the upload limit raised for bench/upload_memory.py."""

from __future__ import annotations

from sample_site.settings import *  # noqa: F403
from sample_site.settings import LIVE_VIEWS

LIVE_VIEWS = {**LIVE_VIEWS, "MAX_UPLOAD_BYTES": 256 * 1024 * 1024}
DEBUG = False
