"""Pending uploads: files a page has sent and its form has not submitted yet, kept on disk.

One directory per page (named by a keyed hash of the page id its signed token carries), one per
form of the page inside it (the page's own, and each live component's, by its address), one per
field inside that, one data file and one JSON record per upload. Disk, not memory or the cache:
files can be large, and every process of one machine sees the same directory (FILE_UPLOAD_TEMP_DIR),
so the upload's HTTP worker and the page's socket worker need not be the same process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile
from django.utils.crypto import salted_hmac
from django.utils.datastructures import MultiValueDict

from live_views.conf import conf

MAX_FILES_PER_FIELD = 20  # a multiple file input's selection; more is refused
# A pending upload's ref: the bundled JS picks one per chosen file (so it can cancel a file still
# going up), the route one for a client that sends none. Only ever compared, never a path.
REF_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
DATA_SUFFIX = ".data"
_RECORD = ".json"
_REJECTED = "rejected.json"
VISITOR = ".visitor"  # in a page's directory: its visitor's ledger (uploads/quota.py)


def _temp_base() -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())


def uploads_root() -> Path:
    return _temp_base() / "live_views_uploads"


def ledgers_root() -> Path:
    """Where each visitor's ledger names the page directories holding its files
    (uploads/quota.py): beside the uploads, not among them, which the sweep deletes by age."""
    return _temp_base() / "live_views_upload_visitors"


def _digest(namespace: str, value: str) -> str:
    return salted_hmac(f"live_views.uploads.{namespace}", value, algorithm="sha256").hexdigest()


class StoredUpload(UploadedFile):  # type: ignore[type-arg]
    """A pending upload as Django's ``UploadedFile``: opened only when read, and with
    ``temporary_file_path()``, so ``FileSystemStorage`` moves it into place instead of copying
    and ``ImageField`` checks it from its path."""

    def __init__(self, path: Path, record: dict[str, Any]) -> None:
        self.path = path
        # What a remove button sends back (data-live-upload-cancel, cancel_upload()).
        self.ref = str(record.get("ref") or "")
        self._handle: IO[bytes] | None = None
        super().__init__(
            None,
            name=str(record["name"]),
            content_type=record.get("content_type"),
            size=int(record["size"]),
            charset=record.get("charset"),
        )

    # Django's File keeps its stream in ``file``; ours is opened on first use. A validation
    # render never closes its files: the handle is closed when this file goes, if not before.
    @property
    def file(self) -> IO[bytes]:
        if self._handle is None or self._handle.closed:
            self._handle = self.path.open("rb")
            weakref.finalize(self, self._handle.close)
        return self._handle

    @file.setter
    def file(self, value: IO[bytes] | None) -> None:
        self._handle = value

    @property
    def closed(self) -> bool:
        return self._handle is None or self._handle.closed

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> StoredUpload:
        self.file.seek(0)
        return self

    def seek(self, offset: int, whence: int = 0) -> int:
        if self.closed and offset == 0 and whence == 0:
            return 0  # ImageField's rewind: a file not yet opened is at its start already
        return self.file.seek(offset, whence)

    def close(self) -> None:
        image = self.image
        if image is not None:
            image.close()
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def temporary_file_path(self) -> str:
        return str(self.path)

    # forms.ImageField opens the file with Pillow from its path and keeps the image here, open.
    # A validation render never closes its files: the image is closed when this file goes.
    @property
    def image(self) -> Any:
        return self.__dict__.get("_image")

    @image.setter
    def image(self, value: Any) -> None:
        self.__dict__["_image"] = value
        close = getattr(value, "close", None)
        if close is not None:
            weakref.finalize(self, close)


class PageUploads:
    """The pending uploads of one form of one page (by the page id of its connect token): the
    page's own form, or with ``form`` the address of the live component whose form it is.
    Components' fields may share names with each other and with the page's: each form has a
    directory of its own. ``hidden`` names, as (field, ref), files still on disk that the form
    no longer holds: a handler's ``cancel_upload()`` took them out, and they are deleted when
    its update is sent."""

    def __init__(
        self, page_id: str, form: str = "", hidden: frozenset[tuple[str, str]] = frozenset()
    ) -> None:
        self.directory = uploads_root() / _digest("page", page_id)[:40]
        self.form_directory = self.directory / _digest("form", form)[:24]
        self.hidden = hidden

    def field_directory(self, field: str) -> Path:
        return self.form_directory / _digest("field", field)[:24]

    def _entries(self, field_dir: Path) -> list[Path]:
        try:
            return sorted(field_dir.glob(f"*{_RECORD}"))
        except OSError:
            return []

    def count(self, field: str) -> int:
        return len([p for p in self._entries(self.field_directory(field)) if p.name != _REJECTED])

    def add(self, field: str, uploaded: UploadedFile[Any], *, replace: bool, ref: str = "") -> str:
        """Keep ``uploaded`` (a file Django streamed to disk) for ``field``: moved, not copied.
        Its ref (``ref``, or a new one) is returned: ``remove()`` takes it."""
        if replace:
            self.discard_field(field)
        field_dir = self.field_directory(field)
        field_dir.mkdir(parents=True, exist_ok=True)
        (field_dir / _REJECTED).unlink(missing_ok=True)
        stem = f"{time.time_ns():020d}-{secrets.token_hex(4)}"  # sorts in arrival order
        data = field_dir / f"{stem}{DATA_SUFFIX}"
        path = getattr(uploaded, "temporary_file_path", None)
        if path is not None:
            file_move_safe(path(), str(data), allow_overwrite=False)
        else:
            with data.open("wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
        ref = ref if REF_RE.fullmatch(ref) else secrets.token_urlsafe(9)
        record = {
            "field": field,
            "ref": ref,
            "name": uploaded.name,
            "content_type": uploaded.content_type,
            "charset": uploaded.charset,
            "size": uploaded.size,
        }
        _write_json(field_dir / f"{stem}{_RECORD}", record)
        self._touch()
        return ref

    def holds(self, field: str, ref: str) -> bool:
        """Whether this form holds ``field``'s pending upload ``ref`` (one it hides it does not)."""
        return (field, ref) not in self.hidden and bool(
            _records_of(self._entries(self.field_directory(field)), field, ref)
        )

    def remove(self, field: str, ref: str) -> bool:
        """Forget ``field``'s pending upload ``ref`` (its file is deleted, hidden or not): the
        user removed it from the selection. False, and nothing changes, when this form has no
        such upload for that field (the ref comes from the browser: another page's, or made
        up)."""
        removed = False
        for path in _records_of(self._entries(self.field_directory(field)), field, ref):
            path.with_name(path.name.removesuffix(_RECORD) + DATA_SUFFIX).unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            removed = True
        if removed and not any(self.directory.rglob(f"*{DATA_SUFFIX}")):
            _leave_ledger(self.directory)
        return removed

    def reject(self, field: str, messages: list[str]) -> None:
        """``field``'s last file was refused: its earlier files go, the messages are kept for
        the form to show."""
        self.discard_field(field)
        field_dir = self.field_directory(field)
        field_dir.mkdir(parents=True, exist_ok=True)
        _write_json(field_dir / _REJECTED, {"field": field, "messages": messages})
        self._touch()

    def _touch(self) -> None:
        # The page directory's age is its last upload's, whichever form it was for (sweep()).
        os.utime(self.directory)

    def files(self) -> MultiValueDict[str, UploadedFile[Any]]:
        """Every pending upload, by field name, in arrival order: what ``request.FILES`` holds."""
        files: MultiValueDict[str, UploadedFile[Any]] = MultiValueDict()
        for field, path, record in self._records():
            data = path.with_name(path.name.removesuffix(_RECORD) + DATA_SUFFIX)
            if data.exists():
                files.appendlist(field, StoredUpload(data, record))
        return files

    def rejections(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        try:
            rejected = list(self.form_directory.glob(f"*/{_REJECTED}"))
        except OSError:
            return found
        for path in rejected:
            record = _read_json(path)
            if record is not None and isinstance(record.get("messages"), list):
                found[str(record["field"])] = [str(m) for m in record["messages"]]
        return found

    def _records(self) -> Iterator[tuple[str, Path, dict[str, Any]]]:
        try:
            field_dirs = sorted(p for p in self.form_directory.iterdir() if p.is_dir())
        except OSError:
            return
        for field_dir in field_dirs:
            for path in self._entries(field_dir):
                if path.name == _REJECTED:
                    continue
                record = _read_json(path)
                if record is not None and (record["field"], record.get("ref")) not in self.hidden:
                    yield str(record["field"]), path, record

    def discard_field(self, field: str) -> None:
        shutil.rmtree(self.field_directory(field), ignore_errors=True)

    def discard(self) -> None:
        """The form was submitted: nothing of its uploads stays on disk (the page's other
        forms keep theirs)."""
        shutil.rmtree(self.form_directory, ignore_errors=True)
        if not any(self.directory.rglob(f"*{DATA_SUFFIX}")):
            _leave_ledger(self.directory)

    def discard_page(self) -> None:
        """The page closed: nothing of any of its forms stays on disk."""
        _leave_ledger(self.directory)
        shutil.rmtree(self.directory, ignore_errors=True)


def _records_of(entries: list[Path], field: str, ref: str) -> list[Path]:
    """The records among a field directory's ``entries`` of ``field``'s upload ``ref``."""
    if not REF_RE.fullmatch(ref):
        return []
    return [
        path
        for path in entries
        if path.name != _REJECTED
        and (record := _read_json(path)) is not None
        and record.get("ref") == ref
        and record["field"] == field
    ]


def _leave_ledger(directory: Path) -> None:
    """The page holds no file any more: its visitor's ledger forgets it (a ledger that names
    a page gone is also mended when read, and swept by age)."""
    with contextlib.suppress(OSError):
        marker = directory / VISITOR
        name = marker.read_text(encoding="ascii")
        marker.unlink()
        if name.isalnum():
            ledger = ledgers_root() / name
            (ledger / directory.name).unlink(missing_ok=True)
            ledger.rmdir()  # only when it names no other page


async def discard_page_uploads(page_id: str | None) -> None:
    """The page's socket closed: its pending uploads go (off the event loop: disk work)."""
    if page_id is not None:
        await asyncio.to_thread(PageUploads(page_id).discard_page)


def sweep(now: float | None = None) -> int:
    """Delete pages whose uploads are older than ``UPLOAD_MAX_AGE``; how many were deleted."""
    swept = 0
    for page in aged_directories(uploads_root(), now):
        shutil.rmtree(page, ignore_errors=True)
        swept += 1
    return swept


def aged_directories(root: Path, now: float | None = None) -> Iterator[str]:
    """The directories in ``root`` untouched for ``UPLOAD_MAX_AGE`` (none when ``root`` is not
    there yet). One that vanishes under the scan, another process sweeping too, is left out."""
    deadline = (time.time() if now is None else now) - conf.UPLOAD_MAX_AGE
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_dir() and entry.stat().st_mtime < deadline:
                yield entry.path


def _write_json(path: Path, value: dict[str, Any]) -> None:
    # Written aside and renamed: a reader never sees half a record.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temporary.write_text(json.dumps(value), encoding="utf-8")
    os.replace(temporary, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) and "field" in value else None
