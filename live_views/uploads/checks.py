"""System checks of live uploads: the two settings, and the route a file field needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.db import models

from live_views.runtime import HoldsLiveRuntime
from live_views.uploads.widgets import upload_url

_HINT = (
    "MAX_UPLOAD_BYTES is the largest file a live form takes (default 10485760, 10 MiB); "
    "UPLOAD_MAX_AGE the seconds an unsubmitted upload is kept (default 3600); "
    "MAX_UPLOAD_BYTES_PER_VISITOR the bytes one visitor may have waiting for a submit "
    "(default 104857600, 100 MiB)."
)


def check_upload_settings(**kwargs: Any) -> list[CheckMessage]:
    value = getattr(settings, "LIVE_VIEWS", {})
    if not isinstance(value, dict):
        return []  # live_views.E010
    return [
        *_at_least(value, "MAX_UPLOAD_BYTES", 1, id="live_views.E040"),
        *_at_least(value, "UPLOAD_MAX_AGE", 60, id="live_views.E041"),
        *_at_least(value, "MAX_UPLOAD_BYTES_PER_VISITOR", 1, id="live_views.E044"),
    ]


def _at_least(value: dict[str, Any], key: str, minimum: int, *, id: str) -> list[CheckMessage]:
    if key not in value:
        return []
    setting = value[key]
    if not isinstance(setting, bool) and isinstance(setting, int) and setting >= minimum:
        return []
    return [
        Error(
            f"LIVE_VIEWS[{key!r}] must be an integer of at least {minimum}, not {setting!r}.",
            hint=_HINT,
            id=id,
        )
    ]


def check_upload_route(**kwargs: Any) -> list[CheckMessage]:
    if upload_url() is not None:
        return []
    # Live views and live components (LiveFormComponent) alike: both hold a live runtime.
    views = sorted(
        {v for v in _subclasses(HoldsLiveRuntime) if _has_file_field(v)},
        key=lambda v: f"{v.__module__}.{v.__qualname__}",
    )
    return [
        Warning(
            f"{view.__module__}.{view.__qualname__} has a form with file fields, but the "
            "project's URLconf does not include live_views.urls: its files cannot upload live.",
            hint='Add path("", include("live_views.urls")) to your ROOT_URLCONF.',
            obj=view,
            id="live_views.W042",
        )
        for view in views
    ]


def check_image_fields(**kwargs: Any) -> list[CheckMessage]:
    """A live form's ``forms.ImageField`` without Pillow refuses every image, with a message
    that misleads ("File extension “png” is not allowed. Allowed extensions are: ."). Django
    checks a model's ImageField (fields.E210), not a form's."""
    from django.core.validators import get_available_image_extensions

    if get_available_image_extensions():
        return []  # Pillow is installed
    views = sorted(
        {v for v in _subclasses(HoldsLiveRuntime) if _form_has(v, forms.ImageField)},
        key=lambda v: f"{v.__module__}.{v.__qualname__}",
    )
    return [
        Error(
            f"{view.__module__}.{view.__qualname__} has a form with an ImageField, but Pillow "
            "is not installed: every image chosen is refused as an extension not allowed.",
            hint="pip install Pillow (Django's ImageField reads images with it).",
            obj=view,
            id="live_views.E043",
        )
        for view in views
    ]


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _form_class(view: type) -> type[forms.BaseForm] | None:
    form_class = getattr(view, "form_class", None)
    if isinstance(form_class, type) and issubclass(form_class, forms.BaseForm):
        return form_class
    return None


def _form_has(view: type, kind: type[forms.Field]) -> bool:
    """Whether the view's ``form_class`` has a field of ``kind`` (a model form built from
    ``model`` and ``fields`` has none here)."""
    form_class = _form_class(view)
    fields = getattr(form_class, "base_fields", {}) if form_class is not None else {}
    return any(isinstance(f, kind) for f in fields.values())


def _has_file_field(view: type) -> bool:
    if _form_class(view) is not None:
        return _form_has(view, forms.FileField)
    model = getattr(view, "model", None)
    names = getattr(view, "fields", None)
    if isinstance(model, type) and issubclass(model, models.Model) and names:
        return any(
            isinstance(f, models.FileField) and (names == "__all__" or f.name in names)
            for f in model._meta.get_fields()
        )
    return False
