"""The request pages' fixtures (tests/testapp/request_views.py: the active language, time zone,
``request.tenant`` and what the handlers saw), for test_processing.py, test_datetimes.py and the
modules that run those pages under a project's middleware. ``project_middleware`` is registered
in conftest.py; a module opts in with ``pytest.mark.usefixtures("project_middleware")``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

# Django's own middleware, as a project lists it.
DJANGO_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
# With the project's own, the base of most tests here: a time zone from the ``tz`` cookie, a
# tenant from the ``tenant`` one.
BASE = [
    *DJANGO_MIDDLEWARE,
    "tests.testapp.middleware.TimezoneMiddleware",
    "tests.testapp.middleware.TenantMiddleware",
]


@pytest.fixture
def project_middleware() -> Iterator[None]:
    with override_settings(MIDDLEWARE=BASE, LANGUAGE_CODE="en", TIME_ZONE="America/Chicago"):
        yield


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def shown(page: Any, ident: str) -> str:
    """What the request page's ``<p id=ident>`` says, in its ``world`` block."""
    match = re.search(rf'<p id="{ident}">(.*?)</p>', page.block("world"), re.S)
    assert match is not None, page.block("world")
    return text(match.group(1))
