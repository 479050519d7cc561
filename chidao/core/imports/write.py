"""Writing an import: all or nothing, in one transaction, with ONE audit record (through core.audit)."""

import io
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ..audit import import_record_create
from ..models import Unit, User
from ..text import fold
from .result import ImportResult


class Rollback(Exception):
    """Raised inside `import_write` to undo everything written so far (a dry run, or errors found while
    writing)."""


def import_write(result: ImportResult, *, actor: User, model: type[models.Model], summary: str,
                 write: Callable[[], dict[str, Any] | None], conflict: str = "") -> bool:
    """Run `write` in one transaction, then record the import once (action "import", the counts as `after`).

    Nothing stays written when `write` adds errors to the result, raises `Rollback`, or the result is a dry run
    (the writes run and are rolled back, so a dry run finds what only the database finds). An IntegrityError
    (someone wrote the same code meanwhile) becomes a whole-file error (`conflict`). True when written."""
    try:
        with transaction.atomic():
            after = write()
            if result.errors or result.dry_run:
                raise Rollback
            import_record_create(actor=actor, model=model, summary=summary, after=after or dict(result.counts))
    except Rollback:
        return False
    except IntegrityError:
        result.refuse(conflict or _("Dữ liệu vừa bị thay đổi trong khi nhập; chưa ghi gì, hãy nhập lại."))
        return False
    return True


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unit_lookup() -> Callable[[str], Unit | None]:
    """A unit by its code (exact), else its code, name or short name without diacritics or case."""
    units: dict[str, Unit] = {}
    all_units = list(Unit.objects.only("id", "code", "name", "short_name"))
    for unit in all_units:
        units[unit.code] = unit
    for unit in all_units:
        for name in (unit.code, unit.name, unit.short_name):
            if name:
                units.setdefault(fold(name), unit)
    from .columns import key

    def find(text: str) -> Unit | None:
        return units.get(text) or units.get(key(text))

    return find
