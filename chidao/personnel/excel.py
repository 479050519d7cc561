"""Cadre records to and from Excel: the import template, the all-or-nothing import with a row-by-row
error report, and the export of what the user may see.

One workbook, four sheets, shaped like the ones personnel offices keep (title rows above the header,
merged header cells, dates as dates or as dd/mm/yyyy text):

- "Cán bộ": Mã hồ sơ, Họ và tên, Ngày sinh, Giới tính, Cán bộ/Công chức/Viên chức (blank while not recorded),
  Quê quán, Ngày vào Đảng, Trình độ chuyên môn, Điện thoại, Email;
- "Quá trình công tác": Mã hồ sơ, Mã đơn vị, Chức danh, Lãnh đạo (x), Cấp chức vụ, Hình thức, Từ ngày,
  Đến ngày, Số quyết định;
- "Xếp loại": Mã hồ sơ, Năm, Xếp loại;
- "Kỷ luật": Mã hồ sơ, Loại, Hình thức, Ngày quyết định, Cơ quan quyết định, Lý do (the export adds the three
  bars it derives, which the import recomputes: Chưa quy hoạch đến, Chưa bổ nhiệm chức vụ cao hơn đến, Chưa nâng
  ngạch, nâng lương đến).

The import (`imports`: the row specs and personnel rules on `core.imports`) and the template and export (`exports`)
live in their own modules; this one is their public face. The import is built for whole offices at once (150,000
people with 220,000 assignments in about 30 s, see bench/people_import.py): the workbook is read once, straight from
its XML (`core.imports.Book`; openpyxl's read-only mode is the fallback), every row is validated in memory against
units, posts and codes loaded once, and only when every row is valid is everything written in one transaction, as
multi-row inserts (COPY on PostgreSQL, executemany on SQLite; `core.bulk.rows_insert`). It does not go through the
per-record services (that would be a few queries per row); it applies the same rules itself:
`services.person_derive` for the derived fields, the current unit/post/time in post as
`services.person_refresh_current` computes it, `rules.discipline_form_refusal` and `rules.discipline_bars` for
discipline. The audit trail is ONE ChangeRecord (action "import") with the counts, not one per row. After a large
import the planner's statistics are refreshed (`core.bulk.tables_analyze`), so the person list is planned for the
new size at once."""

from django.core.exceptions import PermissionDenied

from chidao.core.imports import read_date

from .exports import people_export, people_filter, people_import_template
from .imports import (
    ASSIGNMENTS,
    COLUMNS,
    DISCIPLINES,
    PEOPLE,
    RATINGS,
    REQUIRED,
    SHEET_ALIASES,
    SHEETS,
    ImportResult,
    RowError,
    people_import,
)

__all__ = [
    "ASSIGNMENTS", "COLUMNS", "DISCIPLINES", "PEOPLE", "RATINGS", "REQUIRED", "SHEETS", "SHEET_ALIASES", "ImportResult",
    "PermissionDenied", "RowError", "people_export", "people_filter", "people_import", "people_import_template",
    "read_date",
]
