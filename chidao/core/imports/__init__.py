"""The one Excel import framework: every importer (deliverables, cadre records, the procedure registry,
processing figures) is its row specs and domain rules on top of these pieces.

- `reader`: the streamed workbook reader (`workbook_open`), sheet and header finding, data rows;
- `columns`: typed column specs derived from model fields (`column`), cell readers, the per-column permission
  hook (`columns_refused`), choice lookups;
- `result`: the one result type (`ImportResult`: ok, counts, errors), `RowError`, the error collector;
- `write`: all-or-nothing writes with ONE audit record (`import_write`), `workbook_bytes`, `unit_lookup`.

Safe reading: `workbook_open` refuses a zip container over the unpacking limits (`core.uploads.zip_check`)
before anything is parsed; `import_open` turns that, and a file that is not a workbook, into a row-less error.
"""

from typing import IO, Any

from django.utils.translation import gettext as _

from ..uploads import ZipRefused
from .columns import (
    BOOL,
    CHOICE,
    DATE,
    EMAIL,
    INT,
    REF,
    TEXT,
    CellError,
    Column,
    cells_read,
    choice_labels,
    choice_lookup,
    column,
    columns_refused,
    day_text,
    key,
    read_date,
    read_int,
)
from .reader import Book, Sheet, data_rows, header_missing, sheets_find, sheets_read, workbook_open
from .result import MAX_ERRORS, Errors, ImportResult, RowError, TooManyErrors
from .write import Rollback, import_write, unit_lookup, workbook_bytes


def import_open(file: IO[bytes] | str, result: ImportResult) -> Any | None:
    """The workbook, or None with the reason added to `result` as a whole-file error (a zip bomb, or not a
    workbook at all)."""
    try:
        return workbook_open(file)
    except ZipRefused as exc:
        result.refuse(str(exc))
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        result.refuse(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))
    return None


__all__ = [
    "BOOL", "CHOICE", "DATE", "EMAIL", "INT", "MAX_ERRORS", "REF", "TEXT", "Book", "CellError", "Column", "Errors",
    "ImportResult", "Rollback", "RowError", "Sheet", "TooManyErrors", "cells_read", "choice_labels",
    "choice_lookup", "column", "columns_refused", "data_rows", "day_text", "header_missing", "import_open",
    "import_write", "key", "read_date", "read_int", "sheets_find", "sheets_read", "unit_lookup", "workbook_bytes",
    "workbook_open",
]
