"""The language of the page an upload is for: the page's URL must resolve in it, and why a file
was refused is shown on that page.

The upload route's own URL has no language prefix, so under ``i18n_patterns`` the project's
``LocaleMiddleware`` cannot see the page's language in it (it takes the cookie, Accept-Language
or ``LANGUAGE_CODE``); the page's URL (in its token) says it, as it said it to the middleware for
the page's GET and its socket. A page without a prefix got what the upload gets.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest
from django.utils import translation


def page_language(request: HttpRequest, path: str) -> str | None:
    """The language prefix of the page's ``path`` under ``i18n_patterns``; None without one."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    if not settings.USE_I18N or not is_language_prefix_patterns_used(urlconf)[0]:
        return None
    return translation.get_language_from_path(path)


def in_page_language(request: HttpRequest, path: str) -> AbstractContextManager[None]:
    language = page_language(request, path)
    return nullcontext() if language is None else translation.override(language)
