"""System checks of live uploads (live_views/uploads/checks.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import override_settings

from live_views import LiveFormView
from live_views.uploads.checks import check_image_fields, check_upload_route, check_upload_settings


@pytest.mark.parametrize(
    ("key", "value", "check_id"),
    [
        ("MAX_UPLOAD_BYTES", 0, "live_views.E040"),
        ("MAX_UPLOAD_BYTES", "10MB", "live_views.E040"),
        ("MAX_UPLOAD_BYTES", True, "live_views.E040"),
        ("UPLOAD_MAX_AGE", 5, "live_views.E041"),
    ],
)
def test_a_bad_upload_setting_is_an_error_naming_it(key, value, check_id):
    with override_settings(LIVE_VIEWS={key: value}):
        errors = check_upload_settings()

    assert [e.id for e in errors] == [check_id]
    assert key in errors[0].msg
    assert repr(value) in errors[0].msg


def test_good_upload_settings_pass():
    with override_settings(LIVE_VIEWS={"MAX_UPLOAD_BYTES": 200 * 2**20, "UPLOAD_MAX_AGE": 600}):
        assert check_upload_settings() == []


def test_the_upload_route_is_there_in_the_test_project():
    assert check_upload_route() == []


@override_settings(ROOT_URLCONF="tests.uploadapp.no_route_urls")
def test_file_fields_without_the_upload_route_warn_for_each_view():
    warnings = check_upload_route()

    assert {w.id for w in warnings} == {"live_views.W042"}
    names = sorted(w.obj.__name__ for w in warnings)
    assert "ContactView" in names
    assert "DocumentCreateView" in names
    assert "ProfileCreateView" in names
    assert "SignupView" not in names
    assert len(names) == len(set(names))


@override_settings(ROOT_URLCONF="tests.uploadapp.no_route_urls")
def test_file_fields_of_live_form_components_without_the_upload_route_warn_too():
    from tests.uploadapp import components

    warnings = check_upload_route()

    objects = {w.obj for w in warnings}
    assert {components.DocumentComponent, components.ContactComponent} <= objects
    assert 'include("live_views.urls")' in warnings[0].hint


class AvatarForm(forms.Form):
    avatar = forms.ImageField()


class AvatarView(LiveFormView):
    form_class = AvatarForm


def test_an_image_field_without_pillow_is_an_error_naming_the_view(monkeypatch):
    # Without Pillow a valid PNG was refused live: 'File extension “png” is not allowed.
    # Allowed extensions are: .' Django's own check covers a model's ImageField only.
    from django.core import validators

    monkeypatch.setattr(validators, "get_available_image_extensions", lambda: [])

    errors = check_image_fields()

    assert {e.id for e in errors} == {"live_views.E043"}
    (ours,) = [e for e in errors if e.obj is AvatarView]
    assert "has a form with an ImageField, but Pillow is not installed" in ours.msg
    assert ours.hint == "pip install Pillow (Django's ImageField reads images with it)."


def test_with_pillow_image_fields_pass():
    assert check_image_fields() == []
