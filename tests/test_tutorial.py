"""The tutorial's project (docs/tutorial/code/) works, and the tutorial shows all of it.

The tutorial's pages include their code from that project (literalinclude), so what a reader
copies is what these tests run: the project's own tests, its system checks and its migrations.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from live_views.templatetags.live_views import register

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial"
CODE = TUTORIAL / "code"
PAGES = sorted(TUTORIAL.glob("*.md"))
FENCE_RE = re.compile(r"^(`{3,})(\S*)(.*?)^\1\s*$", re.M | re.S)
OPTION_RE = re.compile(r"^:(\S+):\s*(.*)$", re.M)
# Fences that are not code a reader copies into the project: shell sessions, and directives.
ALLOWED_FENCES = {"console", "{toctree}", "{literalinclude}"}

forms_pending = pytest.mark.xfail(
    "live_form" not in register.tags, strict=False, reason="live forms land with issue 3"
)


def run_in_project(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The project's own settings, not this suite's (pytest-django exports them).
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=CODE,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def memory_db_settings(tmp_path):
    """The project's settings with an in-memory database: manage.py leaves no db.sqlite3."""
    (tmp_path / "tutorial_memory_settings.py").write_text(
        "from mysite.settings import *  # noqa: F403\n"
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}\n'
    )
    return {
        "DJANGO_SETTINGS_MODULE": "tutorial_memory_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(CODE)]),
    }


@pytest.mark.parametrize(
    "module",
    [
        pytest.param("test_counter.py", id="counter"),
        pytest.param("test_task_form.py", id="form", marks=forms_pending),
        pytest.param("test_task_list.py", id="shared-list"),
        pytest.param("test_stars.py", id="components"),
    ],
)
def test_the_tutorial_tests_pass(module):
    result = run_in_project(
        "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:asyncio", "-W", "error", "-q",
        f"tasks/tests/{module}",
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"^\d+ passed in ", result.stdout, re.M), output  # nothing skipped


def test_the_tutorial_project_passes_its_system_checks(memory_db_settings):
    result = run_in_project("manage.py", "check", "--fail-level", "WARNING", **memory_db_settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_tutorial_migrations_match_its_models(memory_db_settings):
    result = run_in_project(
        "manage.py", "makemigrations", "--check", "--dry-run", "tasks", **memory_db_settings
    )
    assert result.returncode == 0, result.stdout + result.stderr


def fences(page: Path) -> list[tuple[str, str]]:
    """(language or directive, body) of every fenced block of a MyST page."""
    return [(lang, body) for _, lang, body in FENCE_RE.findall(page.read_text())]


def includes() -> list[tuple[Path, Path, dict[str, str]]]:
    """(page, included file, options) of every literalinclude of the tutorial."""
    found = []
    for page in PAGES:
        for lang, body in fences(page):
            if lang == "{literalinclude}":
                target, _, rest = body.partition("\n")
                found.append(
                    (page, (TUTORIAL / target.strip()).resolve(), dict(OPTION_RE.findall(rest)))
                )
    return found


def test_the_tutorial_has_pages_and_includes():
    assert {page.stem for page in PAGES} == {
        "index",
        "counter",
        "form",
        "shared-list",
        "components",
    }
    assert len(includes()) > 10


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_every_code_block_of_the_tutorial_comes_from_the_tested_project(page):
    for lang, body in fences(page):
        assert lang in ALLOWED_FENCES, (
            f"{page.name} has a ```{lang} block: put the code in docs/tutorial/code/ (where "
            f"tests run it) and literalinclude it.\n{body}"
        )


def test_every_included_file_and_python_object_exists():
    for page, path, options in includes():
        assert path.is_file(), f"{page.name} includes {path}, which does not exist"
        assert CODE in path.parents, f"{page.name} includes {path}, outside the tested project"
        name = options.get("pyobject")
        if name:
            pattern = rf"^\s*(class|def) {re.escape(name)}\b"
            assert re.search(pattern, path.read_text(), re.M), f"{path.name} has no {name}"
        for option in ("start-at", "start-after", "end-at", "end-before"):
            if option in options:
                assert options[option] in path.read_text(), (page.name, option, options[option])


def test_the_tutorial_shows_every_file_of_its_project():
    shown = {path for _, path, _ in includes()}
    project = {
        path.resolve()
        for path in CODE.rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".html", ".ini"}
        and path.name not in {"__init__.py", "manage.py"}
        and "migrations" not in path.parts
        and "__pycache__" not in path.parts
    }
    assert project - shown == set(), "files of the tutorial's project that no page shows"
