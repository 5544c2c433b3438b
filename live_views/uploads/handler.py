"""The upload handler of the upload route: Django's temporary-file handler with a size cap.

Django's ``TemporaryFileUploadHandler`` streams each file into ``FILE_UPLOAD_TEMP_DIR`` in
64 KiB chunks, so a file is never whole in memory. This one also stops the moment a file grows
past the cap, whatever the request's Content-Length claimed, and deletes what it wrote.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class CappedUploadHandler(TemporaryFileUploadHandler):
    def __init__(self, max_bytes: int, request: Any = None) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.too_big = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_big = True
            self.discard()
            # connection_reset: the parser stops reading; the rest of the body is not wanted.
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)

    def discard(self) -> None:
        """Close and so delete the temporary file written so far (interrupted or refused)."""
        file = getattr(self, "file", None)
        if file is not None:
            file.close()
