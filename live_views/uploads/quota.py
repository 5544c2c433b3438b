"""What one visitor holds in pending uploads, over all its pages (``MAX_UPLOAD_BYTES_PER_VISITOR``).

Each page load is a new page id, with room for 20 files per file field: without a bound per
visitor, a script that loads a page and uploads to it, again and again, never opening a socket
(whose close would delete the files), fills the disk until ``UPLOAD_MAX_AGE``. The visitor is
whom its sockets count against (connect/owners.py: the user, else the session, else the client
address). A ledger per visitor, beside the uploads, names the page directories it sent files
to; what it holds is the size of their files now. A page's cleanup (its socket's close, a submit)
takes its name out of the ledger; the sweep deletes pages without telling it, and a name whose
directory is gone is dropped when next read.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from live_views.conf import conf
from live_views.connect.owners import connection_owner
from live_views.uploads.store import (
    DATA_SUFFIX,
    VISITOR,
    aged_directories,
    ledgers_root,
    uploads_root,
)

CLAIM = ".claim"  # in a ledger: the size of an upload under way
# What a file costs at least: a block on disk (and an inode). Counted as its size, empty files
# would cost nothing, and a script could make them until the disk has no inode left.
FILE_FLOOR = 4096


def cost(size: int) -> int:
    """What a file of ``size`` bytes counts against the visitor's room."""
    return max(size, FILE_FLOOR)


class VisitorUploads:
    """The pending uploads of one visitor, named by its ledger (``None``: a visitor with none to
    count, one the server gives no address, over a unix socket, as the connection cap)."""

    def __init__(self, ledger: Path | None) -> None:
        self.ledger = ledger

    @classmethod
    def of(cls, request: HttpRequest) -> VisitorUploads:
        """The visitor who sent ``request``."""
        client = (request.META.get("REMOTE_ADDR") or "", 0)
        owner = connection_owner(
            {"client": client}, getattr(request, "session", None), getattr(request, "user", None)
        )
        if owner is None:
            return cls(None)
        name = salted_hmac("live_views.uploads.visitor", owner, algorithm="sha256")
        return cls(ledgers_root() / name.hexdigest()[:40])

    @staticmethod
    def limit() -> int:
        # Never below one file: a visitor can always send the largest file a form takes.
        return max(conf.MAX_UPLOAD_BYTES_PER_VISITOR, cost(conf.MAX_UPLOAD_BYTES))

    def held(self, *, leaving: Path | None = None, own: Path | None = None) -> int:
        """What the visitor's pending uploads and its claims for uploads under way count (their
        ``cost``), but the files under ``leaving`` (a field whose files the coming upload
        replaces) and the claim ``own``."""
        if self.ledger is None:
            return 0
        try:
            entries = list(os.scandir(self.ledger))
        except OSError:
            return 0
        deadline = time.time() - conf.UPLOAD_MAX_AGE
        total = 0
        for entry in entries:
            with contextlib.suppress(OSError, ValueError):
                if entry.name.endswith(CLAIM):
                    if own is not None and entry.name == own.name:
                        continue
                    if entry.stat().st_mtime < deadline:  # its process died mid-upload
                        os.unlink(entry.path)
                        continue
                    total += int(Path(entry.path).read_text(encoding="ascii"))
                    continue
                page = uploads_root() / entry.name
                if not page.is_dir():
                    os.unlink(entry.path)  # the page's uploads were deleted
                    continue
                for data in page.rglob(f"*{DATA_SUFFIX}"):
                    if leaving is None or leaving not in data.parents:
                        total += cost(data.stat().st_size)
        return total

    def refusal(
        self, name: str, size: int, *, leaving: Path | None = None, own: Path | None = None
    ) -> list[str]:
        """The error of a file of ``size`` bytes the visitor has no room left for (empty when
        it has)."""
        limit = self.limit()
        held = self.held(leaving=leaving, own=own)
        if held + cost(size) <= limit:
            return []
        message = gettext(
            "%(name)s does not fit: your files waiting to be sent take %(held)s, and together "
            "they may take at most %(limit)s. Send the form, or remove files, first."
        )
        return [
            message % {"name": name, "held": filesizeformat(held), "limit": filesizeformat(limit)}
        ]

    def claim(self, name: str, size: int, *, leaving: Path | None = None) -> Claim:
        """Room for a file of ``size`` bytes about to be received, or the error saying there is
        none. The claim is written before the room is counted: of two uploads of one visitor
        at once (two processes, two threads), the one that counts last sees the other's claim,
        so they never both take the last room."""
        if self.ledger is None:
            return Claim(None, [])
        path = self.ledger / f"{secrets.token_hex(8)}{CLAIM}"
        self._write(path, str(cost(size)))
        errors = self.refusal(name, size, leaving=leaving, own=path)
        if errors:
            path.unlink(missing_ok=True)
            return Claim(None, errors)
        return Claim(path, [])

    def note(self, page_directory: Path) -> None:
        """The visitor keeps files in ``page_directory`` (one of the uploads' page directories)."""
        if self.ledger is None:
            return
        self._write(self.ledger / page_directory.name, "")
        # So the page's own cleanup tells the ledger (store.py, _leave_ledger).
        (page_directory / VISITOR).write_text(self.ledger.name, encoding="ascii")

    def _write(self, path: Path, text: str) -> None:
        assert self.ledger is not None
        for _ in range(3):  # another process may remove the ledger the moment it is empty
            self.ledger.mkdir(parents=True, exist_ok=True)
            try:
                path.write_text(text, encoding="ascii")
                os.utime(self.ledger)  # its age is its last upload's (sweep_ledgers)
                return
            except FileNotFoundError:
                continue
        raise FileNotFoundError(path)


class Claim:
    """Room claimed for one upload under way: released once its file is kept (the file then
    counts) or refused."""

    def __init__(self, path: Path | None, errors: list[str]) -> None:
        self.path = path
        self.errors = errors

    def release(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def sweep_ledgers(now: float | None = None) -> None:
    """Mend the ledgers of visitors who sent nothing for ``UPLOAD_MAX_AGE``: names of pages
    whose uploads are gone go, and a ledger left empty goes. A page kept longer (refused
    uploads touch it) is still counted."""
    for ledger in aged_directories(ledgers_root(), now):
        with contextlib.suppress(OSError):
            VisitorUploads(Path(ledger)).held()  # drops what is gone
            os.rmdir(ledger)  # only when nothing is left
