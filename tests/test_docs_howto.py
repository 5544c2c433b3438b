"""Every Python and template example of docs/howto/ and docs/migrating/ runs.

Python examples are executed as the module a reader pastes them into: with the imports such a
module has (PRELUDE) and the reader's own models, forms and views standing in (READERS_OWN), so
classes are built (their @live_event signatures and type hints checked) and module-level calls
run. Template examples compile with the library's tags. The tests that docs/howto/testing.md
shows are run against a live counter and a login-protected report page. Examples of the library
a page migrates *from* (django-unicorn, django-reactor) are only compiled: it is not installed.
"""

from __future__ import annotations

import asyncio
import re
import textwrap
from pathlib import Path

import pytest
from django.template import engines
from django.urls import include, path

from live_views import LiveTemplateView
from tests.test_docs import EXAMPLES, readme_site
from tests.test_docs_socket import LOGIN_TEMPLATE

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted([*DOCS.glob("howto/*.md"), *DOCS.glob("migrating/*.md")])
FENCE_RE = re.compile(r"^( *)```(python|django)\n(.*?)^\1```", re.M | re.S)
FOREIGN = ("# unicorn", "# reactor")

PRELUDE = """
from __future__ import annotations
from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import models
from django.urls import path, reverse_lazy
from live_views import *
from live_views import LiveFormMixin
"""
# What the examples assume the reader's project already has.
READERS_OWN = """
from tests.todoapp.models import Board as Project, Task, Task as Article, Task as Order
from tests.todoapp.models import Board, Task as Message
from tests.formapp.forms import SignupForm
from tests.uploadapp.models import Document
from tests.uploadapp.forms import ContactForm as MessageForm
from django.views.generic import TemplateView as InboxView
"""


def examples() -> list[tuple[str, str, str]]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in FENCE_RE.finditer(text):
            line = text[: match.start()].count("\n") + 1
            found.append((f"{page.relative_to(DOCS)}:{line}", match[2], textwrap.dedent(match[3])))
    return found


EXAMPLE_LIST = examples()


def test_the_examples_are_found():
    assert len([1 for _, lang, _ in EXAMPLE_LIST if lang == "python"]) >= 20
    assert any(lang == "django" for _, lang, _ in EXAMPLE_LIST)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "lang", "source"), EXAMPLE_LIST, ids=[where for where, _, _ in EXAMPLE_LIST]
)
def test_every_example_runs(where, lang, source):
    if lang == "django":
        loaded = source if "{% load live_views %}" in source else "{% load live_views %}" + source
        engines["django"].from_string(loaded)
        return
    code = compile(source, where, "exec")
    if source.startswith(FOREIGN):
        return  # the other library's code: it compiles, and it is not ours to run
    namespace: dict[str, object] = {"__name__": "docs_example"}
    exec(PRELUDE + READERS_OWN, namespace)  # noqa: S102 - our docs
    exec(code, namespace)  # noqa: S102 - our docs


# -- the tests docs/howto/testing.md shows ---------------------------------------------------------


def howto_tests() -> dict[str, object]:
    namespace: dict[str, object] = {}
    for where, lang, source in EXAMPLE_LIST:
        if where.startswith("howto/testing.md") and lang == "python" and "def test_" in source:
            exec(PRELUDE + source, namespace)  # noqa: S102 - our docs
    return namespace


class ReportView(LiveTemplateView):
    template_name = "report.html"


@pytest.fixture
def howto_site(tmp_path):
    from django.contrib.auth.mixins import LoginRequiredMixin

    class LoginReportView(LoginRequiredMixin, ReportView):
        login_url = "/login/"

    with readme_site(
        tmp_path,
        templates={
            "counter.html": EXAMPLES["counter/templates/counter.html"],
            "report.html": "{% load live_views %}<html><head>{% live_scripts %}</head>"
            "<body {% live_connect %}>{% liveblock r %}Report{% endliveblock %}</body></html>",
            "login.html": LOGIN_TEMPLATE,
        },
        modules={
            "howto_counter_views": EXAMPLES["counter/views.py"],
            # The README's LiveLoginView, going on to the report once logged in.
            "howto_login": EXAMPLES["live_login.py"].replace(
                'next_page = "/"', 'next_page = "/report/"'
            ),
        },
        routes=lambda m: [
            path("counter/", m["howto_counter_views"].CounterView.as_view()),
            path("report/", LoginReportView.as_view()),
            path("login/", m["howto_login"].LiveLoginView.as_view()),
            path("", include("live_views.urls")),
        ],
    ):
        yield


@pytest.mark.django_db(transaction=True)
def test_the_first_test_and_the_login_test_pass(howto_site, django_user_model):
    tests = howto_tests()
    tests["test_increment"]()
    tests["test_the_report_needs_a_login"](django_user_model)


@pytest.mark.django_db(transaction=True)
def test_the_live_login_test_passes(howto_site, django_user_model):
    howto_tests()["test_the_live_login_form_logs_in"](django_user_model)


@pytest.mark.django_db(transaction=True)
def test_the_async_test_passes(howto_site):
    asyncio.run(howto_tests()["test_increment_async"]())
