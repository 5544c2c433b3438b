"""Every code example in the README runs: the docs cannot drift from the code."""

from __future__ import annotations

import re
import sys
import textwrap
import types
from pathlib import Path

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


@pytest.fixture
def readme_counter_site(tmp_path):
    (tmp_path / "counter.html").write_text(EXAMPLES["counter/templates/counter.html"])
    views = _module("readme_counter_views", EXAMPLES["counter/views.py"])
    urls = _module("readme_counter_urls", "")
    urls.urlpatterns = [path("counter/", views.CounterView.as_view())]
    templates = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}
    ]
    with override_settings(ROOT_URLCONF="readme_counter_urls", TEMPLATES=templates):
        clear_url_caches()
        yield
    clear_url_caches()
    for name in ("readme_counter_views", "readme_counter_urls"):
        sys.modules.pop(name, None)


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
    source = (Path(__file__).resolve().parent.parent / "live_views/checks.py").read_text()
    ids = set(re.findall(r'id="(live_views\.[EW]\d{3})"', source))
    assert ids
    for check_id in sorted(ids):
        assert f"`{check_id}`" in README, f"{check_id} is missing from the README's checks table"


@pytest.fixture
def readme_signup_site(tmp_path, transactional_db):
    from django.http import HttpResponse

    from live_views.testing import close_socket_db_connections

    (tmp_path / "signup.html").write_text(EXAMPLES["signup/templates/signup.html"])
    _module("readme_signup_forms", EXAMPLES["signup/forms.py"])
    views = _module(
        "readme_signup_views",
        EXAMPLES["signup/views.py"].replace("from .forms", "from readme_signup_forms"),
    )
    urls = _module("readme_signup_urls", "")
    urls.urlpatterns = [
        path("signup/", views.SignupView.as_view()),
        path("welcome/", lambda request: HttpResponse("Welcome"), name="welcome"),
    ]
    templates = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}
    ]
    with override_settings(ROOT_URLCONF="readme_signup_urls", TEMPLATES=templates):
        clear_url_caches()
        yield
    clear_url_caches()
    close_socket_db_connections()
    for name in ("readme_signup_forms", "readme_signup_views", "readme_signup_urls"):
        sys.modules.pop(name, None)


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
