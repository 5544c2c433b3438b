"""The tutorial's project (docs/tutorial/code/) works, and the tutorial shows all of it.

The tutorial's pages include their code from that project (literalinclude), so what a reader
copies is what these tests run: the project's own tests, its system checks and its migrations.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial"
CODE = TUTORIAL / "code"
# Files as they are at an earlier step (steps/<page>/...), where they differ from the final code.
STEPS = TUTORIAL / "steps"
PAGES = sorted(TUTORIAL.glob("*.md"))
READING_ORDER = ["index", "counter", "form", "shared-list", "components"]
FENCE_RE = re.compile(r"^(`{3,})(\S*)(.*?)^\1\s*$", re.M | re.S)
OPTION_RE = re.compile(r"^:(\S+):\s*(.*)$", re.M)
# Fences that are not code a reader copies into the project: shell sessions, and directives.
ALLOWED_FENCES = {"console", "{toctree}", "{literalinclude}"}


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
        pytest.param("test_task_form.py", id="form"),
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
        assert CODE in path.parents or STEPS in path.parents, (
            f"{page.name} includes {path}, outside the tested project"
        )
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


# -- a page that shows part of a file shows all that changed in it ------------------------------

# The literalinclude options that show part of a file.
SELECTING = {"pyobject", "start-at", "start-after", "end-at", "end-before", "lines"}


def selected_lines(included: Path, options: dict[str, str]) -> list[str]:
    """The lines of ``included`` that a literalinclude with ``options`` shows, as Sphinx picks
    them (the options the tutorial uses; ``lines`` is not one)."""
    assert "lines" not in options, "teach selected_lines() the :lines: option"
    text = included.read_text()
    lines = text.splitlines()
    if "pyobject" in options:
        [node] = [
            node
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == options["pyobject"]
        ]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines = lines[first - 1 : node.end_lineno]
    for option, skip in (("start-at", 0), ("start-after", 1)):
        if option in options:
            at = next(i for i, line in enumerate(lines) if options[option] in line)
            lines = lines[at + skip :]
    for option, keep in (("end-at", 1), ("end-before", 0)):
        if option in options:
            at = next(i for i, line in enumerate(lines) if options[option] in line)
            lines = lines[: at + keep]
    return lines


def is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "{#"))


def test_a_page_that_shows_part_of_a_file_shows_every_line_that_changed_in_it():
    """A reader edits the file they have by the parts a page shows: a changed line no page shows
    is one their project lacks (step 4 once changed the list's summary line without saying so)."""
    known: dict[Path, list[str]] = {}  # each project file as the reader has it
    for stem in READING_ORDER:
        shown: dict[Path, tuple[Path, set[str]]] = {}
        for lang, body in fences(TUTORIAL / f"{stem}.md"):
            if lang != "{literalinclude}":
                continue
            target, _, rest = body.partition("\n")
            included = (TUTORIAL / target.strip()).resolve()
            options = dict(OPTION_RE.findall(rest))
            if not SELECTING & set(options):
                known[project_path(included)] = included.read_text().splitlines()
                continue
            _, lines = shown.setdefault(project_path(included), (included, set()))
            lines.update(line.strip() for line in selected_lines(included, options))
        for path, (included, lines) in shown.items():
            now = included.read_text().splitlines()
            before = known.get(path, [])
            changes = difflib.SequenceMatcher(None, before, now, autojunk=False).get_opcodes()
            changed = [
                line for tag, _, _, j1, j2 in changes if tag != "equal" for line in now[j1:j2]
            ]
            unshown = [line for line in changed if is_code(line) and line.strip() not in lines]
            assert unshown == [], f"{stem}.md changes {path} but does not show these lines"
            known[path] = now


# -- the tutorial followed in order, from a fresh project -----------------------------------------


def project_path(included: Path) -> Path:
    """Where an included file goes in the reader's project."""
    if CODE in included.parents:
        return included.relative_to(CODE)
    return Path(*included.relative_to(STEPS).parts[1:])  # steps/<page>/<path in the project>


def reader_actions(page: Path) -> list[tuple[str, str | Path]]:
    """What a reader does on a page, in order: ("write", included file) or ("run", command)."""
    actions: list[tuple[str, str | Path]] = []
    for lang, body in fences(page):
        if lang == "{literalinclude}":
            target = body.partition("\n")[0].strip()
            actions.append(("write", (TUTORIAL / target).resolve()))
        elif lang == "console":
            actions += [("run", line[2:]) for line in body.splitlines() if line.startswith("$ ")]
    return actions


def as_run_here(command: str) -> list[str] | None:
    """The command with this interpreter; None for what this suite's environment already did
    (the virtualenv, the installs) and for the server the reader opens in a browser."""
    words = shlex.split(command)
    if words[0] in {"source", "pip"} or words[:3] == ["python", "-m", "venv"]:
        return None
    if words[:2] == ["python", "manage.py"] and words[2] == "runserver":
        return None
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    if words[0] == "django-admin":
        return [sys.executable, "-m", "django", *words[1:]]
    if words[0] == "pytest":
        return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:asyncio",
                "-W", "error", "-q", *words[1:]]  # fmt: skip
    assert words[0] in {"rm", "mkdir", "touch"}, f"the tutorial runs {command!r}: teach this test"
    return words


def test_the_tutorial_works_at_every_step_when_followed_in_order(tmp_path):
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    assert [page.stem for page in PAGES] == sorted(READING_ORDER)
    for stem in READING_ORDER:
        for action, what in reader_actions(TUTORIAL / f"{stem}.md"):
            if action == "write":
                target = tmp_path / project_path(Path(what))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(Path(what).read_text())
                continue
            argv = as_run_here(str(what))
            if argv is None:
                continue
            result = subprocess.run(
                argv, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=300
            )
            output = result.stdout + result.stderr
            assert result.returncode == 0, f"{stem}.md: `{what}` failed:\n{output}"
            if argv[-1] == "check":
                assert "no issues" in result.stdout, f"{stem}.md: `{what}`:\n{output}"
            if "pytest" in argv:
                assert re.search(r"^\d+ passed in ", result.stdout, re.M), output
