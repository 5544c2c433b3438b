"""Pending uploads on disk (live_views/uploads/store.py) and the markup that makes them live."""

from __future__ import annotations

from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from live_views.render.markup import form_attributes
from live_views.uploads.store import PageUploads, StoredUpload


@pytest.fixture(autouse=True)
def temp_dir(settings, tmp_path: Path) -> Path:
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


def test_files_come_back_by_field_in_arrival_order_as_uploaded_files():
    uploads = PageUploads("page-1")
    uploads.add("docs", SimpleUploadedFile("a.txt", b"alpha", "text/plain"), replace=True)
    uploads.add("docs", SimpleUploadedFile("b.txt", b"beta"), replace=False)
    uploads.add("photo", SimpleUploadedFile("p.png", b"png"), replace=True)

    files = uploads.files()

    assert [f.name for f in files.getlist("docs")] == ["a.txt", "b.txt"]
    first = files.getlist("docs")[0]
    assert isinstance(first, StoredUpload)
    assert (first.size, first.content_type) == (5, "text/plain")
    assert first.read() == b"alpha"
    first.close()
    assert first.closed


def test_pages_do_not_see_each_others_uploads():
    PageUploads("page-1").add("docs", SimpleUploadedFile("a.txt", b"a"), replace=True)

    assert not PageUploads("page-2").files()


def test_each_form_of_a_page_keeps_its_own_uploads_and_uses_up_only_those():
    page, component = PageUploads("page-1"), PageUploads("page-1", form="0123456789abcdef")
    page.add("file", SimpleUploadedFile("page.txt", b"page"), replace=True)
    component.add("file", SimpleUploadedFile("mine.txt", b"mine"), replace=True)
    component.reject("other", ["No."])

    assert [f.name for f in page.files().getlist("file")] == ["page.txt"]
    assert [f.name for f in component.files().getlist("file")] == ["mine.txt"]
    assert page.rejections() == {}
    page.discard()  # the page's form was submitted
    assert not page.files()
    assert [f.name for f in component.files().getlist("file")] == ["mine.txt"]

    component.discard_page()  # the page closed
    assert not component.files()
    assert not component.directory.exists()


def test_a_rejection_replaces_the_fields_files_and_the_next_file_clears_it():
    uploads = PageUploads("page-1")
    uploads.add("docs", SimpleUploadedFile("a.txt", b"a"), replace=True)

    uploads.reject("docs", ["Too big."])
    assert uploads.rejections() == {"docs": ["Too big."]}
    assert not uploads.files()

    uploads.add("docs", SimpleUploadedFile("b.txt", b"b"), replace=True)
    assert uploads.rejections() == {}
    assert uploads.count("docs") == 1


def test_discard_leaves_nothing(temp_dir):
    uploads = PageUploads("page-1")
    uploads.add("docs", SimpleUploadedFile("a.txt", b"a"), replace=True)

    uploads.discard()

    assert [p for p in temp_dir.rglob("*") if p.is_file()] == []


class WithFile(forms.Form):
    name = forms.CharField()
    file = forms.FileField()


class WithoutFile(forms.Form):
    name = forms.CharField()


def test_live_form_adds_the_multipart_enctype_only_for_file_fields():
    assert 'enctype="multipart/form-data"' in form_attributes(WithFile())
    assert "enctype" not in form_attributes(WithoutFile())
    assert "enctype" not in form_attributes(None)
    assert 'data-live-event="submit"' in form_attributes(WithFile())
