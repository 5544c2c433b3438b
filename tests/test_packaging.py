"""What the distributions hold: the package and what describes it, its licence included, and
nothing of the repository besides (a walk-through found the sdist carrying half the test suite,
which could not run without the other half, and no licence text in either)."""

from __future__ import annotations

import os
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.test_first_hour import ROOT, run

pytestmark = pytest.mark.skipif(
    os.environ.get("LIVE_VIEWS_TEST_DB") == "postgres",
    reason="the distributions do not depend on the database: the SQLite run builds them",
)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=ROOT)
    return out


def test_the_sdist_holds_the_package_and_what_describes_it_only(dist):
    [sdist] = dist.glob("django_live_views-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml"} <= names
    assert "live_views/static/live_views/live_views.min.js" in names
    assert "live_views/locale/fr/LC_MESSAGES/django.mo" in names
    tops = {name.split("/")[0] for name in names}
    assert not tops & {"tests", "sample_site", "bench", "docs", "static", "build"}


def test_the_wheel_carries_the_licence(dist):
    [wheel] = dist.glob("django_live_views-*.whl")
    with zipfile.ZipFile(wheel) as built:
        names = built.namelist()
        [metadata] = [name for name in names if name.endswith(".dist-info/METADATA")]
        text = built.read(metadata).decode()
    assert "License-File: LICENSE" in text
    assert "Classifier: Framework :: Django :: 6.1" in text
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert not [name for name in names if name.startswith("tests/")]
