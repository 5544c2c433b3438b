"""What a form's file field accepts: checked from the name and size before any byte is sent,
and from the file itself once it is on disk, always before the view sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, validate_image_file_extension
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext


@dataclass(frozen=True)
class FileFieldRule:
    """One file field of a page's form, as the upload route sees it."""

    html_name: str
    field: forms.FileField
    model_validators: tuple[Any, ...]  # the model field's, for a ModelForm
    multiple: bool


def file_field_rule(form: forms.BaseForm, html_name: str) -> FileFieldRule | None:
    """The rule for the field ``html_name`` (prefix included) of ``form``; None when that is not
    one of the form's file fields."""
    for name, field in form.fields.items():
        if form.add_prefix(name) != html_name:
            continue
        if not isinstance(field, forms.FileField) or field.disabled:
            return None
        return FileFieldRule(
            html_name=html_name,
            field=field,
            model_validators=_model_validators(form, name),
            multiple=bool(getattr(field.widget, "allow_multiple_selected", False)),
        )
    return None


def _model_validators(form: forms.BaseForm, name: str) -> tuple[Any, ...]:
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return ()
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return ()
    return tuple(getattr(model_field, "validators", ()))


class _NameOnly:
    """What an extension validator reads of a file: its name. No bytes needed."""

    def __init__(self, name: str) -> None:
        self.name = name


def check_before_sending(rule: FileFieldRule, name: str, size: int, limit: int) -> list[str]:
    """Errors the name and declared size already show: too large, wrong extension, too long a
    name. Empty when the bytes may come."""
    if size > limit:
        message = gettext("%(name)s is %(size)s; files may be at most %(limit)s.")
        return [
            message % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        ]
    if size == 0 and not rule.field.allow_empty_file:
        return [str(rule.field.error_messages["empty"])]
    errors: list[str] = []
    max_length = rule.field.max_length
    if max_length is not None and len(name) > max_length:
        errors.append(
            str(rule.field.error_messages["max_length"]) % {"max": max_length, "length": len(name)}
        )
    stub = _NameOnly(name)
    for validator in (*rule.field.validators, *rule.model_validators):
        if isinstance(validator, FileExtensionValidator) or (
            validator is validate_image_file_extension
        ):
            errors.extend(_messages(validator, stub))
    return errors


def check_received(rule: FileFieldRule, uploaded: Any) -> list[str]:
    """Errors of the file itself: the form field's own cleaning (an ``ImageField`` opens the
    image with Pillow), then the model field's validators."""
    try:
        rule.field.clean(uploaded)
    except ValidationError as exc:
        return list(exc.messages)
    errors: list[str] = []
    for validator in rule.model_validators:
        errors.extend(_messages(validator, uploaded))
    return errors


def _messages(validator: Any, value: Any) -> list[str]:
    try:
        validator(value)
    except ValidationError as exc:
        return list(exc.messages)
    return []
