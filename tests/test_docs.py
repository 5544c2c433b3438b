"""Every code example in the README runs: the docs cannot drift from the code."""

from __future__ import annotations

import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, path

from live_views.checks import check_wiring

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
_EXAMPLE_RE = re.compile(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)
EXAMPLES = dict(_EXAMPLE_RE.findall(README))


def test_examples_are_found():
    assert {
        "counter/views.py",
        "counter/templates/counter.html",
        "settings",
        "asgi.py",
        "test_counter.py",
    } <= set(EXAMPLES)


def _module(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = f"<README {name}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our README
    sys.modules[name] = module
    return module


@contextmanager
def readme_site(
    tmp_path: Path,
    *,
    templates: Mapping[str, str],
    modules: Mapping[str, str],
    routes: Callable[[dict[str, types.ModuleType]], list[Any]],
    context_processors: Sequence[str] = (),
) -> Iterator[dict[str, types.ModuleType]]:
    """Serve README examples as a site: ``templates`` (file name -> source) from ``tmp_path``,
    ``modules`` (module name -> source, loaded in order) and the URLconf ``routes`` makes."""
    for name, source in templates.items():
        (tmp_path / name).write_text(source)
    loaded = {name: _module(name, source) for name, source in modules.items()}
    urls = _module("readme_urls", "")
    urls.urlpatterns = routes(loaded)
    backend = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(tmp_path)],
        "OPTIONS": {"context_processors": list(context_processors)},
    }
    try:
        with override_settings(ROOT_URLCONF="readme_urls", TEMPLATES=[backend]):
            clear_url_caches()
            yield loaded
    finally:
        clear_url_caches()
        for name in [*loaded, "readme_urls"]:
            sys.modules.pop(name, None)


@pytest.fixture
def readme_counter_site(tmp_path):
    with readme_site(
        tmp_path,
        templates={"counter.html": EXAMPLES["counter/templates/counter.html"]},
        modules={"readme_counter_views": EXAMPLES["counter/views.py"]},
        routes=lambda m: [path("counter/", m["readme_counter_views"].CounterView.as_view())],
    ):
        yield


def test_readme_counter_and_its_test_run(readme_counter_site):
    test_module = _module("readme_test_counter", EXAMPLES["test_counter.py"])
    test_module.test_increment()


def test_readme_counter_counts(readme_counter_site):
    from live_views.testing import LiveClient

    client = LiveClient()
    with client.live("/counter/") as page:
        assert "<p>0</p>" in page.block("counter")
        page.send("increment")
        page.send("increment", amount=2)
        assert "<p>3</p>" in page.block("counter")
        assert page.errors == []
    client.close()


def test_readme_asgi_mounts_the_live_route():
    source = EXAMPLES["asgi.py"].replace("mysite.settings", "tests.settings")
    _module("readme_asgi", source)
    try:
        with override_settings(ASGI_APPLICATION="readme_asgi.application"):
            assert check_wiring() == []
    finally:
        sys.modules.pop("readme_asgi", None)


def test_readme_settings_name_real_apps_and_layers():
    namespace: dict[str, object] = {}
    exec(textwrap.dedent(EXAMPLES["settings"]), namespace)  # noqa: S102 - our README
    apps = namespace["INSTALLED_APPS"]
    assert apps[0] == "daphne"
    assert "live_views" in apps
    backend = namespace["CHANNEL_LAYERS"]["default"]["BACKEND"]  # type: ignore[index]
    module_name, _, class_name = backend.rpartition(".")
    assert hasattr(__import__(module_name, fromlist=[class_name]), class_name)


def test_every_system_check_id_is_documented():
    package = Path(__file__).resolve().parent.parent / "live_views"
    source = "".join((package / name).read_text() for name in ("checks.py", "uploads/checks.py"))
    ids = set(re.findall(r'id="(live_views\.[EW]\d{3})"', source))
    assert ids
    for check_id in sorted(ids):
        assert f"`{check_id}`" in README, f"{check_id} is missing from the README's checks table"


@pytest.fixture
def readme_signup_site(tmp_path, live_db):
    with readme_site(
        tmp_path,
        templates={
            "signup.html": EXAMPLES["signup/templates/signup.html"],
            "welcome.html": "Welcome",
        },
        modules={
            "readme_signup_forms": EXAMPLES["signup/forms.py"],
            "readme_signup_views": EXAMPLES["signup/views.py"].replace(
                "from .forms", "from readme_signup_forms"
            ),
            "readme_signup_urls": EXAMPLES["signup/urls.py"].replace(
                "from .views", "from readme_signup_views"
            ),
        },
        # The README's own urls.py: the URL name its success_url reverses is there.
        routes=lambda m: m["readme_signup_urls"].urlpatterns,
    ):
        yield


def test_readme_signup_validates_live_and_submits(readme_signup_site):
    from django.contrib.auth.models import User

    from live_views.testing import LiveClient

    User.objects.create_user("taken", password="pw")
    values = {"username": "Taken", "email": "", "password": "", "password2": ""}
    client = LiveClient()
    with client.live("/signup/") as page:
        page.validate("username", **values)
        assert "That username is taken." in page.block("field", "username")
        assert "errorlist" not in page.block("field", "email")

        good = {
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "long enough",
            "password2": "long enough!",
        }
        page.validate("password", **good)
        page.validate("password2", **good)
        assert "The two passwords differ." in page.block("form_errors")

        reply = page.submit("submit", **{**good, "password2": "long enough"})
        assert reply["redirect"] == "/welcome/"
    client.close()
    assert User.objects.filter(username="newbie", email="newbie@example.com").exists()
