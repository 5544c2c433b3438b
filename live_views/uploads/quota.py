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
import shutil
import time
from pathlib import Path

from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from live_views.conf import conf
from live_views.connect.owners import connection_owner
from live_views.uploads.store import DATA_SUFFIX, VISITOR, ledgers_root, uploads_root


class VisitorUploads:
    """The pending uploads of the visitor who sent ``request`` (none to count for a visitor
    the server gives no address, over a unix socket: as the connection cap)."""

    def __init__(self, request: HttpRequest) -> None:
        client = (request.META.get("REMOTE_ADDR") or "", 0)
        owner = connection_owner(
            {"client": client}, getattr(request, "session", None), getattr(request, "user", None)
        )
        self.ledger: Path | None = None
        if owner is not None:
            name = salted_hmac("live_views.uploads.visitor", owner, algorithm="sha256")
            self.ledger = ledgers_root() / name.hexdigest()[:40]

    @staticmethod
    def limit() -> int:
        # Never below one file: a visitor can always send the largest file a form takes.
        return max(conf.MAX_UPLOAD_BYTES_PER_VISITOR, conf.MAX_UPLOAD_BYTES)

    def held(self, *, leaving: Path | None = None) -> int:
        """Bytes of pending uploads in the visitor's pages, but those under ``leaving`` (a
        field whose files the coming upload replaces)."""
        if self.ledger is None:
            return 0
        try:
            names = os.listdir(self.ledger)
        except OSError:
            return 0
        total = 0
        for name in names:
            page = uploads_root() / name
            if not page.is_dir():
                with contextlib.suppress(OSError):
                    (self.ledger / name).unlink()
                continue
            for data in page.rglob(f"*{DATA_SUFFIX}"):
                if leaving is None or leaving not in data.parents:
                    with contextlib.suppress(OSError):
                        total += data.stat().st_size
        return total

    def refusal(self, name: str, size: int, *, leaving: Path | None = None) -> list[str]:
        """The error of a file of ``size`` bytes the visitor has no room left for (empty when
        it has)."""
        limit = self.limit()
        held = self.held(leaving=leaving)
        if held + size <= limit:
            return []
        message = gettext(
            "%(name)s does not fit: your files waiting to be sent take %(held)s, and together "
            "they may take at most %(limit)s. Send the form, or remove files, first."
        )
        return [
            message % {"name": name, "held": filesizeformat(held), "limit": filesizeformat(limit)}
        ]

    def note(self, page_directory: Path) -> None:
        """The visitor keeps files in ``page_directory`` (one of the uploads' page directories)."""
        if self.ledger is None:
            return
        self.ledger.mkdir(parents=True, exist_ok=True)
        (self.ledger / page_directory.name).touch()
        os.utime(self.ledger)  # its age is its last upload's (sweep_ledgers)
        # So the page's own cleanup tells the ledger (store.py, _leave_ledger).
        (page_directory / VISITOR).write_text(self.ledger.name, encoding="ascii")


def sweep_ledgers(now: float | None = None) -> None:
    """Delete the ledgers of visitors who sent nothing for ``UPLOAD_MAX_AGE``: their pages'
    uploads are gone by then too."""
    deadline = (time.time() if now is None else now) - conf.UPLOAD_MAX_AGE
    try:
        ledgers = list(os.scandir(ledgers_root()))
    except OSError:
        return
    for entry in ledgers:
        with contextlib.suppress(OSError):
            if entry.is_dir() and entry.stat().st_mtime < deadline:
                shutil.rmtree(entry.path, ignore_errors=True)
