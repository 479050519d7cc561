"""Deliverables to and from Excel: export of the list as filtered, the import template, and the
all-or-nothing import with a row-by-row error report."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from chidao.core import imports as ci
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.excel import find_header, safe_cell, write_table
from chidao.core.models import Unit, User

from . import permissions, services
from .models import DeadlineClass, Deliverable, Kind, Program
from .selectors import deadline_class

EXPORT_HEADERS = [
    "STT", "Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Lãnh đạo phụ trách",
    "Thời hạn ban đầu", "Thời hạn hiện hành", "Trạng thái", "Ngày hoàn thành", "Số văn bản phê duyệt",
    "Ngày văn bản phê duyệt", "Tiến độ so với thời hạn",
]

# Column labels the import accepts (compared without diacritics), per field.
IMPORT_COLUMNS: dict[str, list[str]] = {
    "code": ["Số thứ tự", "Mã", "Số TT nội dung"],
    "kind": ["Loại", "Loại nội dung"],
    "title": ["Tên nội dung", "Nội dung", "Tên chuyên đề, đề án, đề tài, kế hoạch"],
    "lead_unit": ["Đơn vị chủ trì", "Cơ quan chủ trì"],
    "coordinating_units": ["Đơn vị phối hợp", "Cơ quan phối hợp"],
    "responsible_leader": ["Lãnh đạo phụ trách", "Người chịu trách nhiệm"],
    "original_deadline": ["Thời hạn", "Thời hạn hoàn thành", "Thời hạn ban đầu"],
    "description": ["Mô tả", "Ghi chú"],
}
REQUIRED = ["code", "kind", "title", "lead_unit", "original_deadline"]
TEMPLATE_HEADERS = ["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp",
                    "Lãnh đạo phụ trách", "Thời hạn", "Mô tả"]


def deliverables_export(*, program: Program | None, deliverables: Iterable[Deliverable]) -> bytes:
    """The list as filtered, as the user sees it, in an A4-landscape workbook. Without a program (a selection
    across programs, from "Việc của tôi"), each row names its program."""
    today = timezone.localdate()
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách nội dung"
    rows = []
    for n, d in enumerate(deliverables, start=1):
        klass = deadline_class(status=d.status, deadline=d.deadline, completed_on=d.completed_on, as_of=today)
        rows.append([
            n, *([] if program else [d.program.number]), d.code, d.get_kind_display(), d.title, d.lead_unit.name,
            "; ".join(u.name for u in d.coordinating_units.all()), d.responsible_leader, d.original_deadline,
            d.deadline, d.get_status_display(), d.completed_on, d.approval_doc_number, d.approval_doc_date,
            str(DeadlineClass(klass).label) if klass else "",
        ])
    widths = [5, 8, 11, 50, 28, 30, 20, 12, 12, 18, 12, 16, 12, 22]
    headers = EXPORT_HEADERS
    heading = [f"CHƯƠNG TRÌNH SỐ {program.number}", "DANH SÁCH NỘI DUNG"] if program else ["DANH SÁCH NỘI DUNG ĐÃ CHỌN"]
    if program is None:
        headers, widths = [headers[0], "Chương trình", *headers[1:]], [widths[0], 14, *widths[1:]]
    write_table(ws, title_lines=[*heading, f"(Số liệu đến ngày {today.strftime('%d/%m/%Y')})"], headers=headers,
                rows=rows, widths=widths)
    return ci.workbook_bytes(wb)


def import_template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Nội dung"
    write_table(
        ws, title_lines=["DANH MỤC NỘI DUNG GIAO THỰC HIỆN CHƯƠNG TRÌNH",
                         "(Thời hạn ghi dd/mm/yyyy; nhiều đơn vị phối hợp cách nhau bằng dấu ;)"],
        headers=TEMPLATE_HEADERS,
        rows=[["01", "Đề án", "Ví dụ: Đề án nâng cao chất lượng sinh hoạt chi bộ", "Ban Tổ chức Thành ủy",
               "Sở Nội vụ; Văn phòng Thành ủy", "Nguyễn Văn A", "30/06/2026", ""]],
        widths=[10, 14, 60, 30, 36, 22, 12, 30],
    )
    kinds = DataValidation(type="list", formula1='"' + ",".join(str(k.label) for k in Kind) + '"', allow_blank=False)
    ws.add_data_validation(kinds)
    kinds.add("B5:B2000")
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])
    return ci.workbook_bytes(wb)


@dataclass
class ImportResult(ci.ImportResult):
    """The framework's result, with the deliverables created (the API answers with them)."""

    created: list[Deliverable] = field(default_factory=list)


def _specs(units: Any) -> list[ci.Column]:
    with translation.override("vi"):
        kinds = ci.choice_lookup(Kind)
    return [
        ci.column(Deliverable, "code", IMPORT_COLUMNS["code"]),
        ci.column(Deliverable, "kind", IMPORT_COLUMNS["kind"], choices=kinds,
                  choice_names=", ".join(str(k.label) for k in Kind)),
        ci.column(Deliverable, "title", IMPORT_COLUMNS["title"]),
        ci.Column("lead_unit", IMPORT_COLUMNS["lead_unit"], kind=ci.REF, required=True, resolve=units,
                  messages={"unknown": _UNKNOWN_UNIT, "required": _UNKNOWN_UNIT}),
        ci.Column("coordinating_units", IMPORT_COLUMNS["coordinating_units"]),
        ci.column(Deliverable, "responsible_leader", IMPORT_COLUMNS["responsible_leader"]),
        ci.column(Deliverable, "original_deadline", IMPORT_COLUMNS["original_deadline"], serials=False,
                  messages={"required": "Thiếu thời hạn.", "invalid": "Ngày “%(v)s” không đúng dạng dd/mm/yyyy."}),
        ci.column(Deliverable, "description", IMPORT_COLUMNS["description"]),
    ]


_UNKNOWN_UNIT = "Không tìm thấy đơn vị “%(v)s”."


class _Reader:
    """The rows of one import, read by their specs and checked against the program."""

    def __init__(self, program: Program, result: ImportResult, sheet: str) -> None:
        self.program, self.result, self.sheet = program, result, sheet
        self.err = ci.Errors(result, {sheet: IMPORT_COLUMNS})
        self.units = ci.unit_lookup()
        self.specs = _specs(self.units)
        self.existing = set(Deliverable.objects.filter(program=program).values_list("code", flat=True))
        self.seen: dict[str, int] = {}
        self.rows: list[tuple[int, dict[str, Any]]] = []

    def row(self, r: int, values: list[Any]) -> None:
        n = len(self.err)
        v = ci.cells_read(self.specs, values, self.err, self.sheet, r)
        code, deadline = v["code"], v["original_deadline"]
        if code in self.existing:
            self.err(self.sheet, r, "code", _("Số thứ tự %(code)s đã có trong chương trình.") % {"code": code})
        elif code in self.seen:
            self.err(self.sheet, r, "code", _("Số thứ tự %(code)s trùng với dòng %(row)s.") % {
                "code": code, "row": self.seen[code]})
        elif code:
            self.seen[code] = r
        v["coordinating_units"] = self._coordinating(r, v["coordinating_units"] or "")
        if deadline is not None and deadline < self.program.issued_on:
            self.err(self.sheet, r, "original_deadline", _(
                "Thời hạn không được trước ngày ban hành chương trình (%(d)s).") % {
                "d": self.program.issued_on.strftime("%d/%m/%Y")})
        if len(self.err) == n:
            self.rows.append((r, v))

    def _coordinating(self, r: int, text: str) -> list[Unit]:
        found: list[Unit] = []
        for name in text.replace("\n", ";").split(";"):
            if name.strip():
                unit = self.units(name.strip())
                if unit is None:
                    self.err(self.sheet, r, "coordinating_units", _(_UNKNOWN_UNIT) % {"v": name.strip()})
                else:
                    found.append(unit)
        return found


def deliverables_import(*, actor: User, program: Program, file: IO[bytes]) -> ImportResult:
    """Validate every row, then create all deliverables in one transaction, or none.

    Each error names its Excel row and column. Nothing is written when any row is wrong. Each deliverable is
    created by `services.deliverable_create` (its own rules and change record); the import adds ONE record.
    """
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục nội dung."))
    result = ImportResult(counts={"deliverables": 0})
    wb = ci.import_open(file, result)
    if wb is None:
        return result
    try:
        ws = wb.worksheets[0]
        header = find_header(ws, IMPORT_COLUMNS, REQUIRED)
        if header is None:
            return result.refuse(ci.header_missing(IMPORT_COLUMNS, REQUIRED))
        reader = _Reader(program, result, ws.title)
        try:
            for r, values, _raw in ci.data_rows(ws, header, list(IMPORT_COLUMNS), blank_by_fields=False):
                reader.row(r, values)
        except ci.TooManyErrors:
            result.truncated = True
    finally:
        wb.close()
    if not reader.rows and not result.errors:
        result.refuse(_("Tệp không có dòng dữ liệu nào."))
    result.sort([reader.sheet], {reader.sheet: IMPORT_COLUMNS})
    if not result.errors:
        _write(result, actor=actor, program=program, sheet=reader.sheet, rows=reader.rows)
    return result


def _write(result: ImportResult, *, actor: User, program: Program, sheet: str,
           rows: list[tuple[int, dict[str, Any]]]) -> None:
    def write() -> None:
        for r, v in rows:
            try:
                result.created.append(services.deliverable_create(actor=actor, program=program, **v))
            except ValidationError as exc:
                for column, messages in exc.message_dict.items():
                    label = IMPORT_COLUMNS.get(column, [column])[0]
                    result.errors.extend(ci.RowError(sheet, r, label, m) for m in messages)
        result.counts["deliverables"] = len(result.created)

    if not ci.import_write(result, actor=actor, model=Deliverable, write=write, summary=_(
            "Nhập nội dung Chương trình số %(p)s từ Excel: %(n)s nội dung") % {"p": program.number, "n": len(rows)}):
        result.created = []
        result.counts["deliverables"] = 0
