"""A live form's submit with the page's pending uploads, and their errors on the form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from live_views.uploads.store import PageUploads


def add_rejections(form: forms.BaseForm, rejections: dict[str, list[str]]) -> None:
    """Show why a field's chosen file was refused, in place of its other errors; the form is
    then invalid whatever else it holds."""
    if not rejections:
        return
    names = {form.add_prefix(name): name for name in form.fields}
    refused = False
    for html_name, messages in rejections.items():
        name = names.get(html_name)
        if name is None:
            continue
        form.errors.pop(name, None)
        form.add_error(name, messages)
        refused = True
    if refused:
        # An instance attribute, as show_touched_errors() sets one: this form only.
        form.is_valid = lambda: False  # type: ignore[method-assign]


# Why a chosen file is not there: its upload failed (a network error) or the upload script
# never loaded. Submitting again retries a failed upload.
UNSENT_MESSAGE = _("The file you chose did not upload. Check your connection and try again.")


def add_unsent(form: forms.BaseForm, unsent: frozenset[str]) -> None:
    """The file fields (by html name) whose chosen files never reached the server say so: the
    form is invalid rather than valid without them (an optional field's file lost unseen)."""
    names = {
        form.add_prefix(name)
        for name, field in form.fields.items()
        if isinstance(field, forms.FileField)
    }
    add_rejections(form, {name: [str(UNSENT_MESSAGE)] for name in sorted(unsent & names)})


@contextmanager
def uploads_as_files(request: HttpRequest | None, uploads: PageUploads | None) -> Iterator[None]:
    """While a live form submits: ``request.FILES`` holds its pending uploads, as an HTTP POST
    would have them; they are closed after."""
    files = uploads.files() if uploads is not None else MultiValueDict()
    # Django's request has no public setter for FILES; the socket's request is a GET's, whose
    # FILES is empty, and it gets that back below.
    if request is not None:
        request._files = files  # type: ignore[attr-defined]
    try:
        yield
    finally:
        if request is not None:
            request._files = MultiValueDict()  # type: ignore[attr-defined]
        for _, items in files.lists():
            for item in items:
                close = getattr(item, "close", None)
                if close is not None:
                    close()
