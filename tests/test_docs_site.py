"""The documentation site (docs/, built by `make docs`) documents everything that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import live_views
import live_views.testing
from live_views.conf import DEFAULTS
from live_views.templatetags.live_views import register

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"


def test_every_system_check_id_is_in_the_checks_reference():
    source = "".join(
        (ROOT / "live_views" / name).read_text() for name in ("checks.py", "uploads/checks.py")
    )
    ids = set(re.findall(r'id="(live_views\.[EW]\d{3})"', source))
    assert ids
    page = (REFERENCE / "checks.md").read_text()
    missing = sorted(check_id for check_id in ids if f"`{check_id}`" not in page)
    assert missing == [], "system checks missing from docs/reference/checks.md"


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_setting_is_in_the_settings_reference_with_its_default(key):
    page = (REFERENCE / "settings.md").read_text()
    section = re.search(rf"^## `{key}`\n(.*?)(?=^## |\Z)", page, re.M | re.S)
    assert section, f"docs/reference/settings.md has no section for {key}"
    default = re.search(r"^\*\*Default:\*\* `(.*)`$", section.group(1), re.M)
    assert default, f"the {key} section states no default"
    assert default.group(1) == repr(DEFAULTS[key]), f"{key}'s documented default is wrong"


def test_every_public_name_is_in_the_python_reference():
    page = (REFERENCE / "python.rst").read_text()
    documented = set(re.findall(r"^\.\. auto\w+:: live_views\.(\w+)$", page, re.M))
    public = set(live_views.__all__) - {"__version__"}
    assert public - documented == set(), "public names missing from docs/reference/python.rst"


def test_every_testing_name_is_in_the_testing_reference():
    page = (REFERENCE / "testing.rst").read_text()
    documented = set(re.findall(r"^\.\. auto\w+:: live_views\.testing\.(\w+)$", page, re.M))
    assert set(live_views.testing.__all__) - documented == set()


def test_every_template_tag_is_in_the_template_tags_reference():
    page = (REFERENCE / "templatetags.md").read_text()
    documented = set(re.findall(r"^## `\{% (\w+)", page, re.M))
    assert set(register.tags) - documented == set()


def test_the_home_page_example_is_the_tested_readme_example():
    from tests.test_docs import EXAMPLES

    page = (DOCS / "index.md").read_text()
    blocks = re.findall(r"^```(\w+)\n(.*?)^```$", page, re.M | re.S)
    assert ("python", EXAMPLES["counter/views.py"]) in blocks
    assert ("django", EXAMPLES["counter/templates/counter.html"]) in blocks
