"""Deliverables to and from Excel: export of the list as filtered, the import template, and the
all-or-nothing import with a row-by-row error report."""

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.excel import cell_text, find_header, parse_date, safe_cell, write_table
from chidao.core.models import Unit, User
from chidao.core.text import fold

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


def deliverables_export(*, program: Program, deliverables: Iterable[Deliverable]) -> bytes:
    """The list as filtered, as the user sees it, in an A4-landscape workbook."""
    today = timezone.localdate()
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách nội dung"
    rows = []
    for n, d in enumerate(deliverables, start=1):
        klass = deadline_class(status=d.status, deadline=d.deadline, completed_on=d.completed_on, as_of=today)
        rows.append([
            n, d.code, d.get_kind_display(), d.title, d.lead_unit.name,
            "; ".join(u.name for u in d.coordinating_units.all()), d.responsible_leader, d.original_deadline,
            d.deadline, d.get_status_display(), d.completed_on, d.approval_doc_number, d.approval_doc_date,
            str(DeadlineClass(klass).label) if klass else "",
        ])
    write_table(
        ws,
        title_lines=[f"CHƯƠNG TRÌNH SỐ {program.number}", "DANH SÁCH NỘI DUNG",
                     f"(Số liệu đến ngày {today.strftime('%d/%m/%Y')})"],
        headers=EXPORT_HEADERS, rows=rows, widths=[5, 8, 11, 50, 28, 30, 20, 12, 12, 18, 12, 16, 12, 22],
    )
    return _save(wb)


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
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: list[Deliverable] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    row: int
    code: str
    kind: str
    title: str
    lead_unit: Unit
    coordinating_units: list[Unit]
    responsible_leader: str
    original_deadline: dt.date
    description: str


def _unit_lookup() -> dict[str, Unit]:
    lookup: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        for key in (unit.code, unit.name, unit.short_name):
            if key:
                lookup.setdefault(fold(key), unit)
    return lookup


def deliverables_import(*, actor: User, program: Program, file: IO[bytes]) -> ImportResult:
    """Validate every row, then create all deliverables in one transaction, or none.

    Each error names its Excel row and column. Nothing is written when any row is wrong.
    """
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục nội dung."))
    result = ImportResult()
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        result.errors.append(RowError(0, "", _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")))
        return result
    ws = wb.worksheets[0]
    header = find_header(ws, IMPORT_COLUMNS, REQUIRED)
    if header is None:
        result.errors.append(RowError(0, "", _("Không tìm thấy dòng tiêu đề có đủ các cột: %(cols)s.") % {
            "cols": ", ".join(IMPORT_COLUMNS[f][0] for f in REQUIRED)}))
        return result
    # Workbooks are Vietnamese whatever the UI language; accept the codes and the current labels too.
    with translation.override("vi"):
        kinds = {fold(str(k.label)): k.value for k in Kind}
    kinds |= {fold(str(k.label)): k.value for k in Kind} | {k.value: k.value for k in Kind}
    units = _unit_lookup()
    existing = set(Deliverable.objects.filter(program=program).values_list("code", flat=True))
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    col = header.columns
    for r, values in enumerate(ws.iter_rows(min_row=header.row + 1, values_only=True), start=header.row + 1):
        def get(name: str, values: tuple = values) -> object:
            i = col.get(name)
            return values[i] if i is not None and i < len(values) else None

        if all(cell_text(v) == "" for v in values):
            continue
        errors: list[RowError] = []

        def err(column: str, message: str, r: int = r, errors: list[RowError] = errors) -> None:
            errors.append(RowError(r, IMPORT_COLUMNS[column][0], message))

        code = cell_text(get("code"))
        if not code:
            err("code", _("Thiếu số thứ tự."))
        elif code in existing:
            err("code", _("Số thứ tự %(code)s đã có trong chương trình.") % {"code": code})
        elif code in seen:
            err("code", _("Số thứ tự %(code)s trùng với dòng %(row)s.") % {"code": code, "row": seen[code]})
        else:
            seen[code] = r
        kind = kinds.get(fold(cell_text(get("kind"))))
        if kind is None:
            err("kind", _("Loại “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
                "v": cell_text(get("kind")), "all": ", ".join(str(k.label) for k in Kind)})
        title = cell_text(get("title"))
        if not title:
            err("title", _("Thiếu tên nội dung."))
        lead = units.get(fold(cell_text(get("lead_unit"))))
        if lead is None:
            err("lead_unit", _("Không tìm thấy đơn vị “%(v)s”.") % {"v": cell_text(get("lead_unit"))})
        coordinating: list[Unit] = []
        for name in cell_text(get("coordinating_units")).replace("\n", ";").split(";"):
            if name.strip():
                unit = units.get(fold(name))
                if unit is None:
                    err("coordinating_units", _("Không tìm thấy đơn vị “%(v)s”.") % {"v": name.strip()})
                else:
                    coordinating.append(unit)
        deadline: dt.date | None = None
        try:
            deadline = parse_date(get("original_deadline"))
            if deadline is None:
                err("original_deadline", _("Thiếu thời hạn."))
            elif deadline < program.issued_on:
                err("original_deadline", _("Thời hạn không được trước ngày ban hành chương trình (%(d)s).") % {
                    "d": program.issued_on.strftime("%d/%m/%Y")})
        except ValueError:
            err("original_deadline", _("Ngày “%(v)s” không đúng dạng dd/mm/yyyy.") % {
                "v": cell_text(get("original_deadline"))})
        if errors:
            result.errors.extend(errors)
            continue
        assert kind is not None and lead is not None and deadline is not None
        rows.append(_Row(r, code, kind, title, lead, coordinating, cell_text(get("responsible_leader")),
                         deadline, cell_text(get("description"))))
    if not rows and not result.errors:
        result.errors.append(RowError(0, "", _("Tệp không có dòng dữ liệu nào.")))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in rows:
                result.created.append(services.deliverable_create(
                    actor=actor, program=program, code=row.code, kind=row.kind, title=row.title,
                    lead_unit=row.lead_unit, coordinating_units=row.coordinating_units,
                    responsible_leader=row.responsible_leader, original_deadline=row.original_deadline,
                    description=row.description,
                ))
    except ValidationError as exc:
        result.created = []
        for column, messages in exc.message_dict.items():
            result.errors.extend(RowError(row.row, column, m) for m in messages)
    return result

