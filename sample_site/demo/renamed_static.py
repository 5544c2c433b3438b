"""DEMO_RENAMED_STATIC=1: the library's scripts are served under hashed names only, as Django's
ManifestStaticFilesStorage names them and ServeStatic's KEEP_ONLY_HASHED_FILES serves them (the
tests of its lazily loaded parts, tests/test_browser_static_names.py). A stand-in: the "hash" is
fixed, and the files are read from the finders under their plain names."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import views
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.http import Http404, HttpRequest, HttpResponse

HASH = ".0123abcd"


def _renamed(name: str) -> bool:
    return name.startswith("live_views/") and name.endswith(".js")


class RenamedStaticFiles(StaticFilesStorage):
    def url(self, name: str | None) -> str:
        if name and _renamed(name):
            name = name.removesuffix(".js") + HASH + ".js"
        return super().url(name)


def serve_hashed_only(request: HttpRequest, path: str, **kwargs: Any) -> HttpResponse:
    if _renamed(path):
        if HASH not in path:
            raise Http404(f"{path}: only its hashed name is served")
        path = path.replace(HASH, "")
    return views.serve(request, path, **kwargs)
