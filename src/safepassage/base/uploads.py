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


# --- What an uploaded document really is ------------------------------------------------------

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
_SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


def document_type(content: bytes) -> str:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` when the bytes are one (their
    signature, then opened: a PDF must parse and have a page, an image must pass Pillow's
    verify in the format its signature names), else "". The file's name and the type the
    browser declared are never asked: a page renamed ``.pdf`` or a script sent as
    ``image/png`` is neither."""
    claimed = next((kind for magic, kind in _SIGNATURES if content.startswith(magic)), "")
    if claimed == PDF:
        return PDF if _opens_as_pdf(content) else ""
    if claimed:
        return claimed if _opens_as_image(content, claimed) else ""
    return ""


def _opens_as_pdf(content: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            # An encrypted PDF cannot be checked further, and no one could read it later.
            return False
        return len(reader.pages) > 0
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError):
        return False


def _opens_as_image(content: bytes, claimed: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    expected = {JPEG: "JPEG", PNG: "PNG"}[claimed]
    try:
        with Image.open(io.BytesIO(content), formats=[expected]) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def strip_image_metadata(content: bytes, content_type: str) -> bytes:
    """The picture alone, re-encoded from its pixels: EXIF (GPS, camera, time), comments
    and embedded profiles do not survive. A photo taken sideways is turned upright first,
    since the orientation that said so goes with the rest. ValueError if the bytes are not
    a readable JPEG or PNG."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if content_type == JPEG and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            out = io.BytesIO()
            clean.save(out, format="PNG" if content_type == PNG else "JPEG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValueError("not a readable image") from None
