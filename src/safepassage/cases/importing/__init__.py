"""Importing existing spreadsheets into cases.

``import_cases(file, team=..., actor=...)`` is the one entry point; the ``safepassage
import cases FILE --team NAME`` command and any upload page call it. See ``cases`` for
what it does, ``safepassage.base.csv_in`` for how a CSV file is read safely and
``vocabulary`` for the spellings it understands.
"""

from safepassage.base.csv_in.source import MAX_CELL, MAX_FILE_BYTES, RowError
from safepassage.cases.importing.cases import (
    COLUMNS,
    ImportRejected,
    ImportReport,
    full_name,
    import_cases,
)

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
