"""Importing gifts: the giving platform's export, bank statements (CAMT.053, MT940) and any
CSV through a saved column mapping.

``import_donations(path_or_bytes=..., kind=..., actor=...)`` is the one entry point; the
``safepassage import donations FILE --format KIND`` command and the upload page call it.
``runner`` says what it does; each format's module documents what it reads, and
``FORMATS.md`` gathers that for people who prepare the files.
"""

from safepassage.funds.importing.rows import Problem
from safepassage.funds.importing.runner import FORMATS, PreviewRow, Report, import_donations

__all__ = ["FORMATS", "PreviewRow", "Problem", "Report", "import_donations"]
