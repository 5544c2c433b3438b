"""The upload route: one file for one file field of one page, by HTTP POST.

The bundled JS sends each chosen file twice over: first its name and size alone (``check``),
which the field's rules can refuse before a byte is sent, then the file (``send``) as
``multipart/form-data``. Both carry the page's signed connect token (bound to the session, the
user and the page's path) and Django's CSRF token in headers. Answers are JSON:
``{"ok": true}`` or ``{"errors": [...]}`` with a 4xx status.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from live_views.conf import conf
from live_views.connect import wire
from live_views.connect.sessionless import read_page_token
from live_views.connect.tokens import ConnectTarget, TokenError
from live_views.every import Every
from live_views.uploads.handler import CappedUploadHandler
from live_views.uploads.language import in_page_language
from live_views.uploads.page_form import PageRefused, StandaloneMount, page_form
from live_views.uploads.quota import VisitorUploads, sweep_ledgers
from live_views.uploads.rules import (
    FileFieldRule,
    check_before_sending,
    check_received,
    file_field_rule,
)
from live_views.uploads.store import MAX_FILES_PER_FIELD, REF_RE, PageUploads, sweep

logger = logging.getLogger("live_views")

# Namespaced request headers (Django's request.headers spelling).
TOKEN_HEADER = "X-Live-Token"  # noqa: S105 - a header name
FIELD_HEADER = "X-Live-Upload-Field"
NAME_HEADER = "X-Live-Upload-Name"  # percent-encoded UTF-8 (encodeURIComponent)
SIZE_HEADER = "X-Live-Upload-Size"
STEP_HEADER = "X-Live-Upload-Step"  # "check", "send", "clear" (the input was emptied),
# "cancel" (the user removed one file, by its ref), or "too_large": a proxy in front answered
# the send 413, so the file never reached this route
STEPS = ("check", "send", "clear", "cancel", "too_large")
# Names one chosen file: the bundled JS picks it, so it can cancel a file still going up.
REF_HEADER = "X-Live-Upload-Ref"
APPEND_HEADER = "X-Live-Upload-Append"  # "1": a further file of one multiple selection
# The address of the live component whose form has the field (absent: the page's own form).
COMPONENT_HEADER = "X-Live-Upload-Component"
FILE_PART = "file"  # the multipart part that holds the file
MAX_NAME = 1024
MAX_FIELD = 200
# Multipart boundaries and part headers around the file: small, but not nothing.
MULTIPART_OVERHEAD = 16 * 1024
# A component's address, checked as the socket's frames check it.
ADDRESS_RE = re.compile(wire.COMPONENT_ADDRESS_PATTERN)


class UploadRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# The sweeps scan the disk, so a request runs them at most once a minute. Minutes matter, not
# seconds: what is swept has waited UPLOAD_MAX_AGE (an hour by default).
SWEEP_EVERY = 60.0
_sweeps = Every(SWEEP_EVERY)


def _sweep_now_and_then() -> None:
    if _sweeps.due():
        sweep()
        sweep_ledgers()


@csrf_exempt  # checked below, once our upload handler is installed (Django's documented way)
@require_POST
def receive_upload(
    request: HttpRequest, *, standalone: StandaloneMount | None = None
) -> HttpResponse:
    """``standalone``: how to mount a live component of a page that is not live (given by
    live_views/urls.py)."""
    _sweep_now_and_then()
    try:
        return _receive(request, standalone)
    except UploadRefused as exc:
        logger.info("live_views: refused an upload (%s): %s", exc.status, exc.message)
        return JsonResponse({"errors": [exc.message]}, status=exc.status)


def _receive(request: HttpRequest, standalone: StandaloneMount | None) -> HttpResponse:
    headers = _Headers(request)
    target = _target(request, headers.token)
    # Its refusals are shown on the page, and the page's URL resolves, in the page's language.
    with in_page_language(request, target.path):
        return _receive_for(request, headers, target, standalone)


def _receive_for(
    request: HttpRequest,
    headers: _Headers,
    target: ConnectTarget,
    standalone: StandaloneMount | None,
) -> HttpResponse:
    try:
        form = page_form(request, target, headers.component, standalone)
    except PageRefused as exc:
        raise UploadRefused(exc.status, f"The page cannot take uploads: {exc}.") from None
    rule = file_field_rule(form, headers.field)
    if rule is None:
        whose = "this page's form" if headers.component is None else "this component's form"
        raise UploadRefused(400, f"{headers.field!r} is not a file field of {whose}.")
    # Each form of the page keeps its own: a component's fields may share names with others'.
    uploads = PageUploads(target.page_id, form=headers.component or target.component or "")
    limit = conf.MAX_UPLOAD_BYTES
    if headers.append and not rule.multiple:
        raise UploadRefused(400, f"{headers.field!r} takes one file.")
    if headers.step != "send":
        _check_csrf(request)  # no body to read: checked before anything is recorded
    if headers.step == "cancel":
        return _cancel(uploads, rule.html_name, headers.ref)
    if headers.step == "too_large":
        return _refused_by_the_proxy(uploads, rule.html_name, headers.size, limit)
    if headers.append and uploads.count(rule.html_name) >= MAX_FILES_PER_FIELD:
        # Refused like a file the field refuses: kept for validate, so the form shows why and
        # cannot submit the first files of a selection as if they were all of it.
        errors = [
            ngettext(
                "At most %(count)d file per field.",
                "At most %(count)d files per field.",
                MAX_FILES_PER_FIELD,
            )
            % {"count": MAX_FILES_PER_FIELD}
        ]
        uploads.reject(rule.html_name, errors)
        return JsonResponse({"errors": errors}, status=422)
    if headers.step == "clear":
        uploads.discard_field(rule.html_name)  # the user emptied the input
        return JsonResponse({"ok": True})
    errors = check_before_sending(rule, headers.name, headers.size, limit)
    visitor = VisitorUploads.of(request)
    # The files this one replaces leave room: a visitor may choose again near its limit.
    leaving = None if headers.append else uploads.field_directory(rule.html_name)
    if not errors and headers.step == "check":
        errors = visitor.refusal(headers.name, headers.size, leaving=leaving)
    if errors:
        uploads.reject(rule.html_name, errors)
        return JsonResponse({"errors": errors}, status=422)
    if headers.step == "check":
        return JsonResponse({"ok": True})
    # The body bounds the file: claimed whole, the file never takes more than its claim.
    claim = visitor.claim(headers.name, _content_length(request), leaving=leaving)
    if claim.errors:
        uploads.reject(rule.html_name, claim.errors)
        return JsonResponse({"errors": claim.errors}, status=422)
    try:
        response = _store(request, rule, uploads, headers, limit)
        if response.status_code == 200:
            visitor.note(uploads.directory)
        return response
    finally:
        claim.release()


_proxy_warnings = Every(600.0)  # each refused file says it; the log, now and then


def _refused_by_the_proxy(
    uploads: PageUploads, html_name: str, size: int, limit: int
) -> HttpResponse:
    """A proxy in front refused the file's body (HTTP 413) after this route had accepted its
    size: the field says why, rather than "check your connection" (a retry fails the same), and
    the operator reads in the log which limit to raise. Only the page's own file is refused, as
    the browser could have refused it by not sending it."""
    if size <= limit and _proxy_warnings.due():
        logger.warning(
            "live_views: a proxy in front of the server refused an upload of %d bytes (HTTP "
            "413), under LIVE_VIEWS['MAX_UPLOAD_BYTES'] (%d): raise the proxy's body limit "
            "above it (nginx: client_max_body_size, 1 MB by default).",
            size,
            limit,
        )
    errors = [gettext("This file is larger than the server accepts.")]
    uploads.reject(html_name, errors)
    return JsonResponse({"errors": errors}, status=422)


def _store(
    request: HttpRequest, rule: FileFieldRule, uploads: PageUploads, headers: _Headers, limit: int
) -> HttpResponse:
    length = _content_length(request)
    if length > limit + MULTIPART_OVERHEAD:
        message = ngettext(
            "The request is %(length)d byte; files may be at most %(limit)d.",
            "The request is %(length)d bytes; files may be at most %(limit)d.",
            length,
        ) % {"length": length, "limit": limit}
        uploads.reject(rule.html_name, [message])
        raise UploadRefused(413, message)
    handler = CappedUploadHandler(limit, request)
    try:
        request.upload_handlers = [handler]
    except AttributeError:
        raise UploadRefused(500, "The request body was read before the upload route.") from None
    try:
        _check_csrf(request)  # reads the body through the handler
        uploaded = request.FILES.get(FILE_PART)
    except UploadRefused:
        handler.discard()
        raise
    except Exception:
        handler.discard()  # an aborted or malformed body: nothing of it stays
        logger.info("live_views: an upload was interrupted", exc_info=True)
        raise UploadRefused(400, "The upload was interrupted.") from None
    try:
        if handler.too_big:
            message = ngettext(
                "%(name)s is larger than %(limit)d byte.",
                "%(name)s is larger than %(limit)d bytes.",
                limit,
            ) % {"name": headers.name, "limit": limit}
            uploads.reject(rule.html_name, [message])
            raise UploadRefused(413, message)
        if uploaded is None:
            raise UploadRefused(400, f"The request has no {FILE_PART!r} part.")
        errors = check_received(rule, uploaded)
        if errors:
            uploads.reject(rule.html_name, errors)
            return JsonResponse({"errors": errors}, status=422)
        ref = uploads.add(rule.html_name, uploaded, replace=not headers.append, ref=headers.ref)
    finally:
        for files in request.FILES.lists():
            for file in files[1]:
                image = getattr(file, "image", None)  # ImageField's check opened it
                if image is not None:
                    image.close()
                file.close()  # a file not kept is deleted here (Django's temporary files)
    return JsonResponse({"ok": True, "name": uploaded.name, "size": uploaded.size, "ref": ref})


def _cancel(uploads: PageUploads, html_name: str, ref: str) -> HttpResponse:
    """The user removed one file of the field's selection: its upload is forgotten. A ref this
    form does not hold (another page's, a made-up one) changes nothing."""
    if not uploads.remove(html_name, ref):
        raise UploadRefused(
            404,
            f"{html_name!r} has no pending upload {ref!r} on this page: it was submitted, "
            "removed, or never finished uploading.",
        )
    return JsonResponse({"ok": True})


def _check_csrf(request: HttpRequest) -> None:
    middleware = CsrfViewMiddleware(_no_response)
    middleware.process_request(request)
    if middleware.process_view(request, _no_response, (), {}) is not None:
        raise UploadRefused(403, "CSRF verification failed: reload the page.")


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


def _target(request: HttpRequest, token: str) -> ConnectTarget:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    try:
        return read_page_token(token, session=session, user_pk=getattr(user, "pk", None))
    except TokenError as exc:
        message = f"The page's token was refused ({exc}): reload the page."
        raise UploadRefused(403, message) from None


def _content_length(request: HttpRequest) -> int:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        raise UploadRefused(411, "An upload needs a Content-Length.") from None
    if length < 0:
        raise UploadRefused(400, "Content-Length must not be negative.")
    return length


class _Headers:
    """The upload's namespaced headers, validated."""

    def __init__(self, request: HttpRequest) -> None:
        get = request.headers.get
        self.token = get(TOKEN_HEADER) or ""
        self.field = get(FIELD_HEADER) or ""
        self.step = get(STEP_HEADER) or ""
        self.append = get(APPEND_HEADER) == "1"
        self.component = get(COMPONENT_HEADER)
        raw_name = get(NAME_HEADER) or ""
        if not self.token:
            raise UploadRefused(403, f"An upload needs the page's token ({TOKEN_HEADER}).")
        if not self.field or len(self.field) > MAX_FIELD:
            raise UploadRefused(400, f"An upload names its field ({FIELD_HEADER}).")
        if self.step not in STEPS:
            raise UploadRefused(400, f"{STEP_HEADER} must be one of {', '.join(STEPS)}.")
        self.ref = get(REF_HEADER) or ""
        if (self.ref or self.step == "cancel") and not REF_RE.fullmatch(self.ref):
            raise UploadRefused(
                400,
                f"{REF_HEADER} must be 1 to 64 letters, digits, '-' or '_', not {self.ref[:80]!r}.",
            )
        if self.component is not None and not ADDRESS_RE.fullmatch(self.component):
            raise UploadRefused(
                400,
                f"{COMPONENT_HEADER} must be a live component's address, not {self.component!r}.",
            )
        if self.step in ("clear", "cancel"):
            self.name, self.size = "", 0
            return
        try:
            self.name = unquote(raw_name, errors="strict")
            self.size = int(get(SIZE_HEADER) or "")
        except (UnicodeDecodeError, ValueError):
            raise UploadRefused(400, f"{NAME_HEADER} and {SIZE_HEADER} are required.") from None
        if not self.name or len(self.name) > MAX_NAME or self.size < 0:
            raise UploadRefused(400, f"{NAME_HEADER} and {SIZE_HEADER} are required.")
