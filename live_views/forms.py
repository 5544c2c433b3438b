"""Live forms: validate while the user types, show errors only where the user has been.

A live form view keeps the values its browser last sent (``live_form_data``) and the names of
the fields the user has touched (``live_touched``). Every render builds the form bound to those
values, so a broadcast refresh shows the same form as the last validation did, and hides the
errors of untouched fields. Submitting runs the view's own ``post()``, as Django would.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS as NON_FIELD
from django.forms.utils import ErrorDict, ErrorList
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.views.generic import CreateView, FormView, UpdateView

from live_views.connect import effects
from live_views.events import live_event
from live_views.runtime import HoldsLiveRuntime
from live_views.uploads import submitted
from live_views.uploads.store import PageUploads
from live_views.uploads.widgets import upload_attrs, upload_url
from live_views.views import LiveViewMixin

if TYPE_CHECKING:
    from django.views.generic.edit import FormMixin

    _Base = FormMixin[Any]
else:
    _Base = object

MAX_TOUCHED = 500  # field names remembered per page; a real form has far fewer
MAX_FIELD_NAME = 200


class LiveFormState(HoldsLiveRuntime):
    """What a live form keeps between renders, for a page (``LiveFormMixin``) and for a
    component (``LiveFormComponent``) alike: the values its browser last sent, the fields the
    user has touched, the files it uploaded, and the ``validate`` event that records both."""

    # The htmx trigger each field's widget validates on: typing pauses, or the user leaves it.
    live_validate_trigger = "input changed delay:400ms, blur"
    live_form_data: QueryDict | None = None
    # Html names of the fields the user has touched; None once they submitted (show all).
    live_touched: frozenset[str] | None = frozenset()
    # Html names of the file inputs whose chosen files never reached the server, as the
    # browser's last validate or submit reported them: the field says so, and is invalid.
    live_unsent: frozenset[str] = frozenset()

    @property
    def live_uploads(self) -> PageUploads | None:
        """The files this form has uploaded and not yet submitted: the page's own form's, or
        a live component's (keyed by its address, so each component's form has its own).
        None over HTTP, and once ``reset_form()`` has let them go."""
        runtime = self.live_runtime
        if runtime.page_id is None or runtime.effects.lets_go(runtime.address):
            # After reset_form() (or a submit that used them up) they are gone for this form,
            # though they stay on disk until the frame is sent: the submitted form holds them
            # until then (form.save()), and a handler that fails keeps them.
            return None
        # Those cancel_upload() took out stay on disk until the frame is sent, too.
        hidden = runtime.effects.cancelled_uploads(runtime.address)
        return PageUploads(runtime.page_id, form=runtime.address or "", hidden=hidden)

    def _live_files(self, request: HttpRequest | None) -> Any:
        """The ``files`` of the bound form: during a submit, ``request.FILES`` holds the
        form's uploads (``uploads_as_files``); otherwise they are read from disk."""
        files = request.FILES if request is not None else None
        uploads = self.live_uploads
        return files or (uploads.files() if uploads is not None else None) or None

    def _make_live(self, form: forms.BaseForm) -> None:
        """Give ``form``'s widgets their validate triggers, hide the errors of the fields the
        user has not touched yet, and show why a chosen file was refused."""
        if self.live_validate_trigger:
            add_validate_triggers(form, self.live_validate_trigger)
        uploads = self.live_uploads
        rejections = (
            uploads.rejections() if self.live_form_data is not None and uploads is not None else {}
        )
        if self.live_form_data is not None and self.live_unsent:
            # Before the touched fields are picked: shown once the user has been there (the
            # input's validate after its upload failed) or has submitted.
            submitted.add_unsent(form, self.live_unsent - rejections.keys())
        if self.live_form_data is not None and self.live_touched is not None:
            show_touched_errors(form, self.live_touched)
        submitted.add_rejections(form, rejections)

    def _take_form(self, data: QueryDict) -> None:
        """What the browser's validate or submit sent: the form's values, and which of its file
        inputs hold files that never reached the server."""
        self.live_form_data = data
        self.live_unsent = frozenset(self.live_runtime.unsent)

    def reset_form(self) -> None:
        """Show the form empty again (after a successful submit, say): it renders unbound, and
        the browser then resets it, so its fields show what was rendered, not what the user
        typed, and its file inputs are empty. The files it uploaded and did not submit go too,
        once the handler succeeded: a later submit does not attach them."""
        self.live_form_data = None
        self.live_touched = frozenset()
        runtime = self.live_runtime
        if runtime.connected:
            uploads = self.live_uploads
            runtime.effects.reset_form(
                runtime.address, uploads.discard if uploads is not None else None
            )

    def cancel_upload(self, field: str, ref: str) -> bool:
        """Forget one file this form uploaded and has not submitted (Phoenix's
        ``cancel_upload``): ``field`` is the file input's name (``form.attachments.html_name``),
        ``ref`` the file's (``{% for f in form.attachments|live_uploads %}{{ f.ref }}``). The
        form no longer holds it: the rest of the handler and its render validate without it,
        and a later submit does not attach it; after the handler's update the browser drops it
        from the file input, as a ``data-live-upload-cancel`` button does. Its file is deleted
        once the handler succeeded, with that update: a handler that then fails (or whose
        render does) keeps it, in the form and in the browser's input. False, and nothing
        changes, when the form holds no such upload: the ref came from the browser, and may be
        stale, another page's, or made up."""
        uploads = self.live_uploads
        if uploads is None or not uploads.holds(field, ref):
            return False
        runtime = self.live_runtime
        if runtime.connected:
            # As reset_form(): the server forgets the file with the frame that has the browser
            # drop it, so a failed handler, whose frame is never sent, leaves both holding it.
            runtime.effects.upload_cancelled(
                runtime.address, field, ref, partial(uploads.remove, field, ref)
            )
        else:
            uploads.remove(field, ref)
        return True

    def _use_up(self, uploads: PageUploads | None) -> None:
        """A valid submit used the form's pending uploads up: they go with the handler's
        update (or its redirect), not before, so a handler or render that fails keeps them."""
        runtime = self.live_runtime
        if uploads is None:
            return
        if runtime.connected:
            runtime.effects.uploads_used(runtime.address, uploads.discard)
        else:
            uploads.discard()

    def _focus_first_error(self, form: forms.BaseForm) -> None:
        """After a submit over the socket that failed validation, focus the first field with
        an error: its label, "invalid" and its message are read out, where a page load (or a
        focus left on the submit button) says nothing. A focus the view asked for wins."""
        runtime = self.live_runtime
        if not runtime.connected or runtime.effects.focus is not None:
            return
        for field in form.visible_fields():
            if field.errors and not field.field.disabled:
                # A radio group's or checkbox list's id_for_label is empty: its first input.
                ident = field.id_for_label
                attribute, value = ("id", ident) if ident else ("name", field.html_name)
                quoted = value.replace("\\", "\\\\").replace('"', '\\"')
                # In the submitted form only: a component before it (or inside it) may show a
                # field of that id or name, which the browser would find first.
                target = effects.live_form_field(runtime.address, f'[{attribute}="{quoted}"]')
                # A name longer than a frame's selector may be: the focus stays where it is.
                with suppress(ValueError):
                    runtime.effects.focus = effects.selector("The first field in error", target)
                return

    @live_event
    def validate(self, data: QueryDict, field: str = "") -> None:
        """The user paused typing in ``field`` or left it: re-validate what they typed.
        ``field`` counts as touched from now on (a bounded set of bounded names: the browser
        chooses them)."""
        self._take_form(data)
        touched = self.live_touched
        if (
            field
            and len(field) <= MAX_FIELD_NAME
            and touched is not None
            and len(touched) < MAX_TOUCHED
        ):
            self.live_touched = touched | {field}


class LiveFormMixin(LiveFormState, LiveViewMixin, _Base):
    """Live validation and submit for ``FormView``, ``CreateView`` and ``UpdateView``."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        runtime = self.live_runtime
        if runtime.connected or runtime.form_reset:
            # The form is bound to what its browser sent (live_form_data), never to the
            # request's POST: on the socket that is the same values while submit() runs, and
            # after reset_form() in form_valid() it is nothing, on either transport.
            kwargs.pop("data", None)
            kwargs.pop("files", None)
        if self.live_form_data is not None:
            kwargs["data"] = self.live_form_data
            kwargs["files"] = self._live_files(self.request)
            instance = kwargs.get("instance")
            if instance is not None and self.request.method != "POST":
                # Validating a ModelForm writes what the user typed into its instance: on a
                # copy, self.object stays as stored until a submit (whose post() is a POST)
                # saves it, however other events use it meanwhile.
                kwargs["instance"] = copy.copy(instance)
        return kwargs

    def get_form(self, form_class: type[forms.BaseForm] | None = None) -> forms.BaseForm:
        form: forms.BaseForm = super().get_form(form_class)
        self._make_live(form)
        return form

    def reset_form(self) -> None:
        """Show the form empty again: in ``form_valid()``, then render the page for the next
        entry (``return self.render_to_response(self.get_context_data())``), or from any event
        (a "Clear" button). It renders unbound, and the browser then resets the page's live form
        (not a live component's), so its fields show what was rendered, not what the user
        typed, and its file inputs are empty. The files it uploaded and did not submit go too,
        once the handler succeeded: a later submit does not attach them. A handler that then
        redirects leaves the page: the files go, no reset is sent. On a ``LiveCreateView`` the
        form is the one for a new row, whatever ``self.object`` holds. With JS off, the
        POST's render shows it empty."""
        super().reset_form()
        if not self.live_runtime.connected:
            # Serving an HTTP POST (JS off), post() goes on: the form renders empty all the same.
            self.live_runtime.form_reset = True

    def form_invalid(self, form: forms.BaseForm) -> HttpResponse:
        self._focus_first_error(form)
        response: HttpResponse = super().form_invalid(form)
        return response

    @live_event
    def submit(self, data: QueryDict) -> HttpResponseBase:
        """Submit over the socket: ``post()`` runs exactly as for an HTTP POST."""
        self._take_form(data)
        self.live_touched = None
        post: Callable[..., HttpResponseBase] = self.post  # type: ignore[attr-defined]
        request: HttpRequest = self.request
        uploads = self.live_uploads
        # The form's uploads are request.FILES while post() runs, as an HTTP POST has them.
        with posted(request, data), submitted.uploads_as_files(request, uploads):
            response = post(request, *self.args, **self.kwargs)
        if 300 <= response.status_code < 400:
            self._use_up(uploads)  # the form was valid; otherwise they wait for the next submit
        return response


@contextmanager
def posted(request: HttpRequest, data: QueryDict) -> Iterator[None]:
    """While ``post()`` runs, ``request`` is what an HTTP POST of ``data`` makes it: a view
    that reads ``request.POST`` (which submit button was pressed) or ``request.method`` sees
    what it sees over HTTP. The page's request is a GET's again after."""
    # Read before the method changes: a GET's POST (and FILES) is empty, a POST's is parsed.
    method, form = request.method, request.POST
    request.method = "POST"
    request.POST = data  # type: ignore[assignment]  # immutable, as form_querydict() makes it
    try:
        yield
    finally:
        request.method, request.POST = method, form


def add_validate_triggers(form: forms.BaseForm, trigger: str) -> None:
    """Make each visible field's widget send ``validate`` (with the whole form) on ``trigger``.

    Set on the server so ``{{ form }}`` and ``{{ field }}`` render live inputs unchanged; with
    JS off the attributes are inert.
    """
    url = upload_url() if form.is_multipart() else None
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.FileInput) and url is not None and not field.disabled:
            widget.attrs.update(upload_attrs(form.add_prefix(name), url))
            if not form.auto_id and "id" not in widget.attrs:
                # It is data-live-ignore: without an id, htmx's morph pairs it by tag and
                # place, and it can take the place of a new input of its kind.
                widget.attrs["id"] = f"lv-upload-{form.add_prefix(name)}"
            elif form.auto_id and "aria-describedby" not in widget.attrs:
                # data-live-ignore keeps the input as loaded, so Django's aria-describedby
                # never follows its errors: name the error list's id from the start (an id
                # not on the page describes nothing), and a refused file is read out.
                ident = form[name].auto_id
                helptext = f"{ident}_helptext " if field.help_text else ""
                widget.attrs["aria-describedby"] = f"{helptext}{ident}_error"
            continue
        if widget.is_hidden or isinstance(widget, forms.FileInput):
            continue
        widget.attrs.update(
            {
                "hx-ws:send": "",
                "hx-trigger": trigger,
                "data-live-event": "validate",
                # The widget escapes attribute values itself: the plain JSON goes in.
                "data-live-args": json.dumps(
                    {"field": form.add_prefix(name)}, separators=(",", ":")
                ),
            }
        )


class _ReadRecorder(dict[str, Any]):
    """``cleaned_data`` while ``clean()`` runs: notes which fields it looked at."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.reads: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.reads.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads.add(key)
        return super().__contains__(key)


class _Phases:
    """How many errors each field had before and after ``clean()``: what came from where."""

    def __init__(self) -> None:
        self.before_clean: dict[str, int] | None = None
        self.after_clean: dict[str, int] = {}
        self.clean_reads: set[str] | None = None


def _error_counts(errors: ErrorDict | None) -> dict[str, int]:
    return {name: len(items) for name, items in (errors or {}).items()}


def _record_phases(form: forms.BaseForm) -> _Phases:
    phases = _Phases()
    clean_form: Callable[[], None] = form._clean_form  # type: ignore[attr-defined]

    def recording_clean_form() -> None:
        phases.before_clean = _error_counts(form._errors)  # type: ignore[attr-defined]
        recorder = _ReadRecorder(form.cleaned_data)
        form.cleaned_data = recorder
        try:
            clean_form()
        finally:
            phases.clean_reads = recorder.reads
            phases.after_clean = _error_counts(form._errors)  # type: ignore[attr-defined]

    # An instance attribute: this one form records, its class is untouched.
    form._clean_form = recording_clean_form  # type: ignore[attr-defined]
    return phases


def show_touched_errors(form: forms.BaseForm, touched: Iterable[str]) -> None:
    """Validate ``form`` and keep on display only the errors the user has earned.

    - a field's own errors, and model validation's, once the user touched that field;
    - errors raised by ``clean()``, once the user touched every field ``clean()`` read (all
      fields if it read none we could see), and the field they are attached to;
    - other form-wide errors (e.g. ``unique_together``), once every field was touched.

    Hidden and disabled fields, which the user cannot touch, count as touched for the last two.
    ``form.is_valid()`` still answers for every error, shown or not.
    """
    touched = frozenset(touched)
    cleaned = form._errors is not None  # type: ignore[attr-defined]
    phases = _Phases() if cleaned else _record_phases(form)
    errors = form.errors  # runs full_clean() once, recording as it goes
    form.__dict__.pop("_clean_form", None)  # back to the class's method

    touched_fields = _touched_fields(form, touched)

    def is_touched(name: str) -> bool:
        return name in touched_fields

    # Hidden and disabled fields take no input: other errors never wait for them to be touched.
    untouchable = {
        name for name, field in form.fields.items() if field.disabled or field.widget.is_hidden
    }

    def is_done(name: str) -> bool:
        return name in touched_fields or name in untouchable

    every_field = all(is_done(name) for name in form.fields)
    # add_error() looks in cleaned_data too: only field names count as what clean() read.
    reads = {name for name in phases.clean_reads or () if name in form.fields}
    clean_deps_touched = all(is_done(name) for name in reads) if reads else every_field
    visible = ErrorDict(renderer=form.renderer)
    for name, items in errors.items():
        own_end = _phase_end(phases.before_clean, name, len(items))
        clean_end = phases.after_clean.get(name, own_end)
        field_ok = every_field if name == NON_FIELD else is_touched(name)
        shown = [
            error
            for index, error in enumerate(items.as_data())
            if _shown(index, own_end, clean_end, field_ok, clean_deps_touched, every_field, name)
        ]
        if shown:
            # field_id: Django renders the list's id, which the field's aria-describedby
            # names; without it a screen reader hears "invalid" but never the message.
            visible[name] = ErrorList(
                shown,
                error_class="nonfield" if name == NON_FIELD else None,
                renderer=form.renderer,
                field_id=items.field_id,  # type: ignore[attr-defined]  # Django 5.2+, unstubbed
            )
    form._errors = visible  # type: ignore[attr-defined]
    # Instance attribute: is_valid() keeps judging the whole form, not what is on display.
    form.is_valid = lambda: form.is_bound and not errors  # type: ignore[method-assign]


def _touched_fields(form: forms.BaseForm, touched: frozenset[str]) -> set[str]:
    """The fields the ``touched`` html names belong to."""
    fields = {form.add_prefix(name): name for name in form.fields}
    result = {fields[html_name] for html_name in touched if html_name in fields}
    for html_name in touched - fields.keys():
        # A widget of several inputs names them html_name_0, html_name_1 (MultiWidget) or
        # html_name_year (SelectDateWidget). The longest field name wins, so "email_confirm"
        # touches only its own field, not "email".
        owners = [f for f in fields if html_name.startswith(f + "_")]
        if owners:
            result.add(fields[max(owners, key=len)])
    return result


def _phase_end(counts: dict[str, int] | None, name: str, total: int) -> int:
    # Without a recording (the form was cleaned before us) every error counts as the field's own.
    return total if counts is None else counts.get(name, 0)


def _shown(
    index: int,
    own_end: int,
    clean_end: int,
    field_ok: bool,
    clean_deps_touched: bool,
    every_field: bool,
    name: str,
) -> bool:
    if index < own_end:
        return field_ok  # the field's own validation
    if index < clean_end:
        return clean_deps_touched and (name == NON_FIELD or field_ok)  # from clean()
    if name == NON_FIELD:
        return every_field  # model-wide validation after clean(): unique_together, constraints
    return field_ok  # model validation of one field (e.g. unique=True)


class LiveFormView(LiveFormMixin, FormView):  # type: ignore[type-arg]
    pass


class LiveCreateView(LiveFormMixin, CreateView):  # type: ignore[type-arg]
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        runtime = self.live_runtime
        if runtime.form_reset or runtime.effects.resets(runtime.address):
            # reset_form() asks for the form of a new row, as a GET of the page shows it (and as
            # the page's next render, whose get() sets it to None, will): not one bound to the
            # row form_valid() just saved, whichever of the two came first.
            self.object = None
        return super().get_context_data(**kwargs)


class LiveUpdateView(LiveFormMixin, UpdateView):  # type: ignore[type-arg]
    pass
