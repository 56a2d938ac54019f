"""Importing existing spreadsheets into cases.

``import_cases(file, team=..., actor=...)`` is the one entry point; the ``safepassage
import cases FILE --team NAME`` command and any upload page call it. ``run`` says what it
does, ``reader`` how rows are checked, ``plan`` and ``report`` what it tells;
``safepassage.base.csv_in`` reads a CSV file safely and ``vocabulary`` knows the spellings.
The rows are written by ``cases.services.people_import``.
"""

from safepassage.base.csv_in.source import MAX_CELL, MAX_FILE_BYTES, RowError
from safepassage.cases.importing.reader import COLUMNS, full_name
from safepassage.cases.importing.report import ImportRejected, ImportReport
from safepassage.cases.importing.run import import_cases

__all__ = [
    "COLUMNS",
    "MAX_CELL",
    "MAX_FILE_BYTES",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "full_name",
    "import_cases",
]
