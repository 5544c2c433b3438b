"""The package's shape (docs/architecture.md) holds: what import-linter cannot see is checked here.
The import contracts themselves are in pyproject.toml ([tool.importlinter]), run by `make test`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "live_views"
MAX_METHODS = 15


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "static" not in p.parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def test_no_module_imports_another_modules_private_name():
    found = []
    for path in modules():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("live_views"):
                found += [
                    f"{path.relative_to(PACKAGE.parent)}: {alias.name} from {node.module}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert found == []


def test_no_class_has_more_than_15_methods():
    big = []
    for path in modules():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.ClassDef):
                methods = [
                    item
                    for item in node.body
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if len(methods) > MAX_METHODS:
                    big.append(f"{path.name}:{node.name} has {len(methods)}")
    assert big == []


@pytest.mark.parametrize(
    "imported",
    [
        "live_views",
        "live_views.templatetags.live_views",
        "live_views.render.markup",
        "live_views.views",
        "live_views.forms",
        "live_views.broadcast",
    ],
)
def test_importing_a_public_module_never_loads_the_socket(imported):
    # In a fresh interpreter: the template tags (and every public module users import in their
    # models and views) must not drag in the consumer, the page object or channels' consumers.
    code = (
        "import os, sys, django;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings';"
        "django.setup();"
        f"import {imported};"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith("
        "('live_views.socket', 'live_views.routing', 'channels.generic')))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == []
