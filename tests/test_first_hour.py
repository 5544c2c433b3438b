"""A newcomer's first hour, as the README tells it: build the wheel, install it (and nothing
the README does not name) into a fresh virtualenv, wire a fresh `startproject` exactly as the
README says, and the README's counter and its test work; `manage.py check` has nothing to say."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.test_docs import EXAMPLES, README

ROOT = Path(__file__).resolve().parent.parent
WHEEL_INSTALL_RE = re.compile(r"^pip install (django_live_views-\S+\.whl .*)$", re.M)


def run(*argv: str | Path, cwd: Path) -> str:
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environ.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd, env=environ, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{argv}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def wire_settings(settings: Path) -> None:
    """The README's settings, applied to what startproject wrote."""
    readme: dict[str, object] = {}
    exec(EXAMPLES["settings"], readme)  # noqa: S102 - our README
    source = settings.read_text()
    apps = readme["INSTALLED_APPS"]
    assert apps[0] == "daphne"  # type: ignore[index]
    assert apps[-1] == "live_views"  # type: ignore[index]
    staticfiles = "'django.contrib.staticfiles',\n"  # startproject's quotes
    assert source.count(staticfiles) == 1
    source = source.replace("INSTALLED_APPS = [\n", 'INSTALLED_APPS = [\n    "daphne",\n', 1)
    source = source.replace(staticfiles, f'{staticfiles}    "counter",\n    "live_views",\n')
    rest = EXAMPLES["settings"][EXAMPLES["settings"].index("\n]\n") + 3 :]
    settings.write_text(source + "\n" + rest)


@pytest.mark.skipif(
    os.environ.get("LIVE_VIEWS_TEST_DB") == "postgres",
    reason="the fresh project has its own SQLite database: the SQLite run covers it",
)
def test_a_fresh_project_runs_the_readme_counter_from_the_wheel(tmp_path):
    run(sys.executable, "-m", "build", "--wheel", "--outdir", tmp_path / "dist", ROOT, cwd=ROOT)
    [wheel] = (tmp_path / "dist").glob("django_live_views-*.whl")
    with zipfile.ZipFile(wheel) as built:  # the catalogs ship compiled: Django reads the .mo
        assert "live_views/locale/fr/LC_MESSAGES/django.mo" in built.namelist()
    run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    # The README's install line, with this wheel.
    [line] = WHEEL_INSTALL_RE.findall(README)
    args = shlex.split(line.replace(wheel.name, str(wheel)).split("#")[0])
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *args, cwd=tmp_path)

    project = tmp_path / "project"
    project.mkdir()
    run(python, "-m", "django", "startproject", "mysite", ".", cwd=project)
    run(python, "manage.py", "startapp", "counter", cwd=project)
    wire_settings(project / "mysite" / "settings.py")
    (project / "mysite" / "asgi.py").write_text(EXAMPLES["asgi.py"])
    (project / "counter" / "views.py").write_text(EXAMPLES["counter/views.py"])
    (project / "counter" / "templates").mkdir()
    (project / "counter" / "templates" / "counter.html").write_text(
        EXAMPLES["counter/templates/counter.html"]
    )
    urls = project / "mysite" / "urls.py"
    urls.write_text(
        urls.read_text().replace(
            "urlpatterns = [\n",
            "from counter.views import CounterView\n\n"
            'urlpatterns = [\n    path("counter/", CounterView.as_view()),\n',
        )
    )

    checked = run(python, "manage.py", "check", "--fail-level", "WARNING", cwd=project)
    assert "System check identified no issues (0 silenced)." in checked
    run(python, "manage.py", "migrate", "-v", "0", cwd=project)
    # The README's test of the counter, run without pytest (the fresh venv has none).
    script = textwrap.dedent(
        """
        from django.test.utils import setup_test_environment
        setup_test_environment()
        namespace = {}
        exec(open("test_counter.py").read(), namespace)
        namespace["test_increment"]()
        print("counter test passed")
        """
    )
    (project / "test_counter.py").write_text(EXAMPLES["test_counter.py"])
    assert "counter test passed" in run(python, "manage.py", "shell", "-c", script, cwd=project)
    installed = run(python, "-m", "pip", "list", "--format=freeze", cwd=project)
    assert "pytest" not in installed
    assert "uvicorn" not in installed
