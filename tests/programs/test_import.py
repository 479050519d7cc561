"""Excel import: row-by-row errors, all-or-nothing; template and export round trip."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from chidao.core.errors import PermissionDenied
from chidao.core.models import ChangeRecord
from chidao.programs import excel
from chidao.programs.models import Deliverable, StatusChange

pytestmark = pytest.mark.django_db


def _office_workbook(rows: list[list]) -> io.BytesIO:
    """Shaped like an office's sheet: title rows, a merged header cell, dates typed as text or dates."""
    wb = Workbook()
    ws = wb.active
    ws.append(["THÀNH ỦY HÀ NỘI"])
    ws.append(["DANH MỤC NỘI DUNG THỰC HIỆN CHƯƠNG TRÌNH 01-CTr/TU"])
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Lãnh đạo phụ trách",
               "Thời hạn", "Ghi chú"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


GOOD = [
    ["01", "Đề án", "Đề án nâng cao chất lượng chi bộ", "Sở Nội vụ", "Sở Tài chính; STP", "Nguyễn Văn An",
     "30/06/2021", ""],
    ["02", "chuyen de", "Chuyên đề kiểm soát quyền lực", "STC", "", "", dt.datetime(2021, 12, 31), "ghi chú"],
]


def test_import_creates_every_row_with_history(program, users, units):
    result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(GOOD))
    assert result.errors == []
    first, second = Deliverable.objects.order_by("code")
    assert (first.kind, first.lead_unit, first.original_deadline) == ("de_an", units["snv"], dt.date(2021, 6, 30))
    assert sorted(u.code for u in first.coordinating_units.all()) == ["STC", "STP"]
    assert (second.kind, second.lead_unit, second.original_deadline, second.description) == (
        "chuyen_de", units["stc"], dt.date(2021, 12, 31), "ghi chú")
    assert StatusChange.objects.count() == 2
    assert ChangeRecord.objects.filter(action="create", content_type__model="deliverable").count() == 2


def test_a_code_longer_than_its_field_is_a_row_error_and_nothing_is_written(program, users):
    # Given a code of 40 characters (the field holds 16: PostgreSQL answered 500, SQLite stored it whole)
    rows = GOOD + [["C" * 40, "Đề án", "Quá dài", "SNV", "", "N" * 151, "30/06/2021", ""]]
    changes_before = ChangeRecord.objects.count()
    # When it is imported
    result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(rows))
    # Then the row says so, by column, and nothing is written
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (7, "Số thứ tự", "Số thứ tự dài quá 16 ký tự."),
        (7, "Lãnh đạo phụ trách", "Lãnh đạo phụ trách dài quá 150 ký tự."),
    ]
    assert (Deliverable.objects.count(), ChangeRecord.objects.count()) == (0, changes_before)


def test_one_bad_row_writes_nothing_and_every_error_names_its_row_and_column(program, users):
    rows = GOOD + [
        ["03", "Báo cáo", "", "Sở Không Có", "Sở Nội vụ; Ban Ma", "", "31/02/2021", ""],
        ["01", "Đề án", "Trùng số", "SNV", "", "", "01/01/2020", ""],
    ]
    changes_before = ChangeRecord.objects.count()
    result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (7, "Loại"), (7, "Tên nội dung"), (7, "Đơn vị chủ trì"), (7, "Đơn vị phối hợp"), (7, "Thời hạn"),
        (8, "Số thứ tự"), (8, "Thời hạn"),
    ]
    assert result.errors[5].message == "Số thứ tự 01 trùng với dòng 5."
    assert result.errors[6].message == "Thời hạn không được trước ngày ban hành chương trình (17/03/2021)."
    assert Deliverable.objects.count() == 0
    assert ChangeRecord.objects.count() == changes_before


def test_a_file_that_is_not_a_workbook_or_lacks_the_header_is_refused(program, users):
    result = excel.deliverables_import(actor=users["office"], program=program, file=io.BytesIO(b"not excel"))
    assert [e.message for e in result.errors] == ["Tệp không phải bảng tính Excel (.xlsx) hợp lệ."]
    wb = Workbook()
    wb.active.append(["Tên", "Khác"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.deliverables_import(actor=users["office"], program=program, file=buffer)
    assert result.errors[0].message.startswith("Không tìm thấy dòng tiêu đề")
    assert Deliverable.objects.count() == 0


def test_only_the_office_imports(program, users):
    with pytest.raises(PermissionDenied):
        excel.deliverables_import(actor=users["snv"], program=program, file=_office_workbook(GOOD))
    assert Deliverable.objects.count() == 0


def test_the_template_imports_as_it_is(program, users, units):
    from chidao.core.models import Unit

    Unit.objects.create(code="VPTU", name="Văn phòng Thành ủy", kind="party_body", level="province")
    template = io.BytesIO(excel.import_template())
    result = excel.deliverables_import(actor=users["office"], program=program, file=template)
    assert result.errors == []
    d = Deliverable.objects.get()
    assert (d.lead_unit, d.original_deadline) == (units["btc"], dt.date(2026, 6, 30))


def test_export_writes_the_filtered_list_with_real_dates(program, users, make_deliverable):
    make_deliverable(title="=HYPERLINK(\"http://x\")", deadline=dt.date(2021, 9, 30))
    data = excel.deliverables_export(program=program, deliverables=Deliverable.objects.all())
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "CHƯƠNG TRÌNH SỐ 01-CTr/TU"
    header = [c.value for c in ws[5]]
    assert header[:4] == ["STT", "Số thứ tự", "Loại", "Tên nội dung"]
    row = [c.value for c in ws[6]]
    assert row[3] == "'=HYPERLINK(\"http://x\")"  # formula injection neutralized
    assert row[7] == dt.datetime(2021, 9, 30)
    assert ws.cell(row=6, column=8).number_format == "dd/mm/yyyy"
    assert row[9] == "chưa triển khai"


def test_import_reads_vietnamese_kinds_when_the_ui_is_english(program, users):
    from django.utils import translation

    with translation.override("en"):
        result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(GOOD))
    assert result.errors == []
    assert Deliverable.objects.count() == 2
