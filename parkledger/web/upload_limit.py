"""An upload handler that keeps a file over `PARKLEDGER_MAX_UPLOAD_BYTES` off the disk.

Django's own handlers spool every upload to a temporary file before a view can check its size.
This handler comes first in `FILE_UPLOAD_HANDLERS` and stops storing a file as soon as it is
known to be too big:

- when the request's Content-Length already exceeds the limit (plus a small allowance for the
  multipart envelope and the form's other fields), no later handler opens a file at all;
- otherwise it counts the bytes as they arrive; at the first chunk past the limit the partial
  temporary file is closed (and so deleted) and the rest is no longer handed on.

The rest of the body is still read (and dropped) so that the form's other fields arrive (the CSRF
token may come after the file) and the browser receives a page instead of a reset connection.
The view then gets a `RefusedUpload`: an empty file whose `size` is the number of bytes that were
sent, so the size check the upload views already make refuses it with their usual message.
"""
from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest

__all__ = ["UploadLimitHandler", "RefusedUpload", "ENVELOPE_BYTES"]

# room in a request's Content-Length for the multipart boundaries, part headers and the form's
# other (small) fields around the one file
ENVELOPE_BYTES = 64 << 10


class RefusedUpload(UploadedFile):
    """A file refused for its size: no content, `size` the bytes the client sent for it."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None) -> None:
        super().__init__(BytesIO(), name=name, content_type=content_type, size=size, charset=charset)


class UploadLimitHandler(FileUploadHandler):
    """Stops storing an upload once it passes the upload limit (see the module docstring)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = int(settings.PARKLEDGER_MAX_UPLOAD_BYTES)
        self.request_too_large = False
        self.received = 0
        self.refused = False

    def handle_raw_input(self, input_data: Any, META: dict, content_length: int, boundary: bytes,
                         encoding: str | None = None) -> None:
        self.request_too_large = content_length > self.limit + ENVELOPE_BYTES
        return None  # the parsing itself is Django's

    def new_file(self, field_name: str, file_name: str, content_type: str, content_length: int | None,
                 charset: str | None = None, content_type_extra: dict | None = None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.received = 0
        self.refused = self.request_too_large or (content_length is not None and content_length > self.limit)
        if self.refused:
            raise StopFutureHandlers  # no later handler opens a file for it

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if not self.refused and self.received > self.limit:
            self.refused = True
            self._drop_partial_files()
        return None if self.refused else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.refused:
            return None  # the next handler (memory or temporary file) gives the file
        return RefusedUpload(self.file_name or "", self.content_type or "", self.received, self.charset)

    def _drop_partial_files(self) -> None:
        """Close the later handlers' partial files (a temporary file is deleted when closed)."""
        for handler in getattr(self.request, "upload_handlers", ()):
            partial = getattr(handler, "file", None) if handler is not self else None
            if partial is not None:
                partial.close()
