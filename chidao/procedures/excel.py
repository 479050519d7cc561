"""Procedures to and from Excel: processing figures from the one-stop shop's exports, and the registry
(procedures and publication decisions) as a two-sheet workbook. Every import is validated row by row and
written all-or-nothing, in one transaction, with bulk inserts and ONE change record with the counts, on
`core.imports`: the figures import lives in `figures_import`, the registry import in `registry_import`; this module
writes the registry's template and export and is the public face of all three.

Processing figures (`figures_import`): one sheet as the one-stop shop (bộ phận một cửa) exports it, title
rows above a header such as "STT | Mã thủ tục | Tên thủ tục | Số hồ sơ tiếp nhận | Đã giải quyết đúng hạn |
Giải quyết quá hạn | Đang giải quyết" (aliases accepted, compared without diacritics; a two-row header with
"Đã giải quyết" merged over "Đúng hạn | Quá hạn" too). The period is given (from-to dates or a Decree 09
period code such as 2021-Q4) or read from a title row "Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy".

Registry (`registry_import`, `registry_export`, `registry_template`): sheet "Thủ tục" (one row per
procedure) and sheet "Quyết định" (one row per decision item; rows with the same decision number form one
decision and must agree on its dates, issuer and title). Items are checked against the status of each
procedure on the decision's effective date, from the decisions already recorded and those earlier in the
file, by `item_problem` (Decree 63/2010 as amended by Decree 92/2017: new / amended / replaced / abolished).
"""

import datetime as dt
from typing import Any

from django.utils import timezone, translation
from openpyxl import Workbook

from chidao.core.excel import DATE_FORMAT, safe_cell, write_table
from chidao.core.imports import ImportResult, RowError
from chidao.core.imports import choice_labels as _labels
from chidao.core.imports import day_text as _d
from chidao.core.imports import workbook_bytes as _save
from chidao.core.models import Unit, User

from . import selectors
from .figures_import import FIGURE_COLUMNS, FIGURE_REQUIRED, FIGURES, FiguresImportResult, figures_import
from .models import DecisionItem, ItemAction, Level
from .registry_import import (
    COLUMNS,
    DECISION_WIDTHS,
    DECISIONS,
    PROCEDURE_EXPORT_FIELDS,
    PROCEDURE_WIDTHS,
    PROCEDURES,
    REQUIRED,
    SHEETS,
    registry_import,
)

RegistryImportResult = ImportResult

__all__ = [
    "COLUMNS", "DECISIONS", "FIGURES", "FIGURE_COLUMNS", "FIGURE_REQUIRED", "PROCEDURES", "REQUIRED", "SHEETS",
    "FiguresImportResult", "ImportResult", "RegistryImportResult", "RowError", "figures_import", "registry_export",
    "registry_import", "registry_template",
]



# --- Template and export ------------------------------------------------------------------------------

PROCEDURE_TITLE = ["DANH MỤC THỦ TỤC HÀNH CHÍNH",
                   "(Cấp: tỉnh hoặc xã; Mã cơ quan thực hiện theo Danh mục đơn vị; Thời hạn tính bằng ngày làm việc)"]
DECISION_TITLE = ["QUYẾT ĐỊNH CÔNG BỐ THỦ TỤC HÀNH CHÍNH",
                  "(Mỗi dòng một thủ tục; các dòng cùng số quyết định ghi cùng ngày ký, ngày hiệu lực, cơ quan ban "
                  "hành; ngày ghi dd/mm/yyyy; Nội dung: công bố mới, sửa đổi, bổ sung, thay thế, bãi bỏ)"]


def _procedure_headers() -> list[str]:
    return ["STT"] + [COLUMNS[PROCEDURES][f][0] for f in PROCEDURE_EXPORT_FIELDS]


def _decision_headers() -> list[str]:
    c = COLUMNS[DECISIONS]
    return ["STT", c["number"][0], c["title"][0], c["signed_on"][0], c["effective_on"][0], c["issuer"][0],
            c["code"][0], "Tên thủ tục", c["action"][0], c["replaces"][0]]


def _units_sheet(wb: Workbook) -> None:
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])


def registry_template() -> bytes:
    """The two sheets with their title rows, header and example rows, and the unit list."""
    unit = Unit.objects.filter(code="SNV").values_list("code", flat=True).first() or "SNV"
    actions = _labels(ItemAction)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(PROCEDURES)
    write_table(ws, title_lines=PROCEDURE_TITLE + [""], headers=_procedure_headers(), rows=[
        [1, "1.001234", "Thủ tục ví dụ: cấp giấy phép", "tỉnh", "Ví dụ: Đất đai", unit, 15, "Không",
         "Luật ...; Nghị định ...", "", "Trực tiếp hoặc trực tuyến", "", 1, "Tổ chức, cá nhân", "Ủy ban nhân dân tỉnh",
         "", "", ""]], widths=PROCEDURE_WIDTHS[:len(_procedure_headers())])
    ws = wb.create_sheet(DECISIONS)
    write_table(ws, title_lines=DECISION_TITLE + [""], headers=_decision_headers(), rows=[
        [1, "123/QĐ-UBND", "Công bố danh mục thủ tục hành chính ...", "05/01/2026", "05/01/2026", unit, "1.001234",
         "Thủ tục ví dụ: cấp giấy phép", actions[ItemAction.NEW], ""]], widths=DECISION_WIDTHS)
    _units_sheet(wb)
    return _save(wb)


def _table(ws: Any, *, title_lines: list[str], headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    """Title rows and header as `write_table` draws them; the rows as plain cells (dates as dd/mm/yyyy,
    text made formula-safe). Styling every cell of a 20,000-row registry takes openpyxl minutes."""
    write_table(ws, title_lines=title_lines, headers=headers, rows=[], widths=widths)
    first = len(title_lines) + 3
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT


def registry_export(*, user: User) -> bytes:
    """The registry as it stands: every procedure's current content and its status today, and every
    decision with its items, in the import's shape (an export imports back into an empty registry)."""
    today = timezone.localdate()
    levels, actions = _labels(Level), _labels(ItemAction)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(PROCEDURES)
    headers = _procedure_headers() + ["Cơ quan thực hiện (tên)", f"Tình trạng ngày {_d(today)}"]
    rows = []
    with translation.override("vi"):
        for n, p in enumerate(selectors.procedure_list(user=user), start=1):
            values: list[Any] = [n]
            for f in PROCEDURE_EXPORT_FIELDS:
                if f == "unit":
                    values.append(p.unit.code)
                elif f == "level":
                    values.append(levels.get(p.level, p.level))
                else:
                    values.append(getattr(p, f))
            values += [p.unit.name, selectors.status_label(selectors.status_of(p, today))]
            rows.append(values)
    _table(ws, title_lines=[PROCEDURE_TITLE[0], f"(Số liệu đến ngày {_d(today)})", ""], headers=headers,
           rows=rows, widths=PROCEDURE_WIDTHS)
    ws = wb.create_sheet(DECISIONS)
    items = DecisionItem.objects.select_related("decision__issuer", "procedure", "replaces").order_by(
        "decision__effective_on", "decision__signed_on", "decision__number", "id")
    rows = []
    for n, item in enumerate(items, start=1):
        d = item.decision
        rows.append([n, d.number, d.title, d.signed_on, d.effective_on, d.issuer.code, item.procedure.code,
                     item.procedure.name, actions.get(item.action, item.action),
                     item.replaces.code if item.replaces else ""])
    _table(ws, title_lines=[DECISION_TITLE[0], f"(Số liệu đến ngày {_d(today)})", ""],
           headers=_decision_headers(), rows=rows, widths=DECISION_WIDTHS)
    _units_sheet(wb)
    return _save(wb)
