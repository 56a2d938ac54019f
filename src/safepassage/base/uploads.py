"""Uploads stay in memory: never written to a temporary file in clear.

Django's default handlers spill an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a
temporary file; a bank statement or a receipt scan can name a person or a place. This
handler is the project's only one (``FILE_UPLOAD_HANDLERS``); a view that takes a larger or
smaller file installs its own instance with its limit before the body is read, and reads
``too_large`` to say why a file is missing.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class MemoryOnlyUpload(FileUploadHandler):
    """Keeps each uploaded file in memory up to ``limit`` bytes; a larger one is dropped."""

    def __init__(self, request=None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit if limit is not None else settings.MAX_UPLOAD_BYTES
        self.too_large = False
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            self.buffer = None
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def keep_in_memory(request, *, limit: int) -> MemoryOnlyUpload:
    """Install a handler with ``limit`` for this request; call before touching the body."""
    handler = MemoryOnlyUpload(request, limit=limit)
    request.upload_handlers = [handler]
    return handler
