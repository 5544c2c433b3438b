"""``LiveFormComponent``: a live component holding a Django form, validated while the user types
and submitted over the socket, as ``LiveFormView`` does for a page (live_views/forms.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseBase, QueryDict

from live_views.components.base import LiveComponent
from live_views.events import live_event
from live_views.forms import LiveFormState
from live_views.uploads import submitted


class LiveFormComponent(LiveFormState, LiveComponent):
    """Give it a ``form_class``, put ``<form {% live_form %}>`` in its template, and override
    ``form_valid()``. Its context has ``form``."""

    form_class: type[forms.BaseForm] | None = None
    initial: dict[str, Any] = {}
    prefix: str | None = None

    def get_initial(self) -> dict[str, Any]:
        return dict(self.initial)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"initial": self.get_initial(), "prefix": self.prefix}
        address = self.live_runtime.address
        if self.prefix is None and address:
            # Ids of this component's own: several instances of a form component on a page (a
            # card per task) all wrote id_title, so a label named the first one's input, and a
            # broadcast's morph of the column paired one card's input with another's, losing
            # what the user was typing there. A prefix makes distinct ids already.
            kwargs["auto_id"] = f"id_{address}_%s"
        if self.live_form_data is not None:
            kwargs["data"] = self.live_form_data
            kwargs["files"] = self._live_files(self.request)
        return kwargs

    def get_form(self) -> forms.BaseForm:
        if self.form_class is None:
            raise ImproperlyConfigured(f"{type(self).__qualname__} needs a form_class.")
        form = self.form_class(**self.get_form_kwargs())
        self._make_live(form)
        return form

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(**kwargs)

    def form_valid(self, form: forms.BaseForm) -> HttpResponseBase | None:
        """The submitted form is valid: save it. Return a redirect to leave the page."""
        return None

    def form_invalid(self, form: forms.BaseForm) -> HttpResponseBase | None:
        """The submitted form has errors: they show, all of them."""
        return None

    @live_event
    def submit(self, data: QueryDict) -> HttpResponseBase | None:
        self._take_form(data)
        self.live_touched = None
        uploads = self.live_uploads
        # The form's uploads are request.FILES while it submits, as for a page's form.
        with submitted.uploads_as_files(self.request, uploads):
            form = self.get_form()
            if not form.is_valid():
                self._focus_first_error(form)
                return self.form_invalid(form)  # the uploads wait for the next submit
            response = self.form_valid(form)
        self._use_up(uploads)
        return response
