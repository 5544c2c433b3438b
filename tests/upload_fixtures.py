"""The uploads' test fixtures (tests/test_upload_*.py), shared through conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """MEDIA_ROOT and FILE_UPLOAD_TEMP_DIR (where pending uploads wait) under ``tmp_path``."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    return tmp_path


def leftovers(media: Path) -> list[str]:
    """Files still under FILE_UPLOAD_TEMP_DIR (pending uploads included)."""
    return sorted(str(p.relative_to(media)) for p in (media / "tmp").rglob("*") if p.is_file())
