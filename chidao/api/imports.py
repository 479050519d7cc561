"""The one API shape of every Excel import endpoint (deliverables, people, the procedure registry, processing
figures): a valid file answers `{"dry_run", "counts", ...}` (the endpoint may add what it wrote), a refused one
422 with `{"detail", "errors": {"file": [...]}, "rows": [{sheet, row, column, message}], "truncated"}` (the first
1,000 errors), nothing written."""

from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from ninja import Status as HttpStatus

from chidao.core.http import SHOWN_IMPORT_ERRORS
from chidao.core.imports import ImportResult

from .common import ValidationErrorOut


class ImportOut(Schema):
    """A valid workbook: what was written (or, with `dry_run`, would be), counted by kind."""

    dry_run: bool
    counts: dict[str, int]


class ImportRowErrorOut(Schema):
    sheet: str
    row: int  # 0: the whole file or sheet
    column: str
    message: str


class ImportErrorOut(ValidationErrorOut):
    """A refused workbook: nothing written; `rows` names the sheet, Excel row and column of each error (the
    first 1,000; `truncated` when there were more, or the check stopped early)."""

    rows: list[ImportRowErrorOut] = []
    truncated: bool = False


IMPORT_ERRORS: dict[int, Any] = {422: ImportErrorOut}


def import_out(result: ImportResult, **extra: Any) -> dict[str, Any]:
    return {"dry_run": result.dry_run, "counts": dict(result.counts), **extra}


def import_refused(result: ImportResult) -> Any:
    """The 422 answer of an import with errors."""
    shown = result.errors[:SHOWN_IMPORT_ERRORS]
    return HttpStatus(422, {
        "detail": _("Tệp có %(n)s lỗi; chưa ghi dòng nào.") % {"n": len(result.errors)},
        "errors": {"file": [str(e) for e in shown]},
        "rows": [{"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message} for e in shown],
        "truncated": result.truncated or len(result.errors) > len(shown),
    })
