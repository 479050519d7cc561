"""Registry import and export: procedures and publication decisions, all-or-nothing, with row-by-row errors."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from chidao.core.errors import PermissionDenied
from chidao.core.models import ChangeRecord
from chidao.procedures import excel, selectors
from chidao.procedures.models import DecisionItem, Procedure, ProcedureVersion, PublicationDecision

P_HEAD = ["STT", "Mã thủ tục", "Tên thủ tục", "Cấp", "Lĩnh vực", "Mã cơ quan thực hiện", "Thời hạn (ngày)",
          "Phí, lệ phí", "Căn cứ pháp lý", "Thành phần hồ sơ"]
D_HEAD = ["STT", "Số quyết định", "Ngày ký", "Ngày hiệu lực", "Mã cơ quan ban hành", "Mã thủ tục", "Nội dung",
          "Thay thế thủ tục (mã)"]
PROCEDURES = [
    [1, "1.001", "Cấp giấy phép hành nghề", "tỉnh", "Y tế", "SYT", 15, "500.000 đồng", "Luật Khám bệnh", "Đơn"],
    [2, "1.002", "Cấp lại giấy phép", "Cấp tỉnh", "Y tế", "SYT", "10", "", "", ""],
    [3, "1.003", "Cấp giấy phép (mới)", "tỉnh", "Y tế", "SYT", 12, "", "", ""],
    [4, "2.001", "Đăng ký khai sinh", "xã", "Hộ tịch", "W00004", None, "Miễn", "Luật Hộ tịch", ""],
]
DECISIONS = [
    [1, "100/QĐ-UBND", "05/01/2021", "10/01/2021", "UBND", "1.001", "công bố mới", ""],
    [2, "100/QĐ-UBND", "05/01/2021", "10/01/2021", "UBND", "1.002", "Công bố mới", ""],
    [3, "100/QĐ-UBND", dt.date(2021, 1, 5), dt.datetime(2021, 1, 10), "UBND", "2.001", "mới", ""],
    [4, "200/QĐ-UBND", "01/06/2021", "15/06/2021", "UBND", "1.001", "sửa đổi, bổ sung", ""],
    [5, "200/QĐ-UBND", "01/06/2021", "15/06/2021", "UBND", "1.003", "thay thế", "1.002"],
    [6, "300/QĐ-UBND", "01/09/2021", "01/09/2021", "UBND", "2.001", "Bãi bỏ", ""],
]


def workbook(procedures: list[list] | None = None, decisions: list[list] | None = None) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    if procedures is not None:
        ws = wb.create_sheet("Thủ tục")
        ws.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH"])
        ws.append([])
        ws.append(P_HEAD)
        for row in procedures:
            ws.append(row)
    if decisions is not None:
        ws = wb.create_sheet("Quyết định")
        ws.append(["QUYẾT ĐỊNH CÔNG BỐ"])
        ws.append(D_HEAD)
        for row in decisions:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def registry() -> tuple[int, int, int, int]:
    return (Procedure.objects.count(), PublicationDecision.objects.count(), DecisionItem.objects.count(),
            ChangeRecord.objects.count())


def status(code: str, on: dt.date) -> str:
    return selectors.procedure_status(procedure=Procedure.objects.get(code=code), on=on).code


def test_import_happy_path(proc_units, reform_user):
    result = excel.registry_import(actor=reform_user, file=workbook(PROCEDURES, DECISIONS))
    assert result.errors == []
    assert result.counts == {"procedures": 4, "decisions": 3, "items": 6}
    p = Procedure.objects.get(code="1.001")
    assert (p.name, p.level, p.field, p.unit.code, p.time_limit_days, p.fees, p.legal_basis, p.dossier) == (
        "Cấp giấy phép hành nghề", "province", "Y tế", "SYT", 15, "500.000 đồng", "Luật Khám bệnh", "Đơn")
    assert Procedure.objects.get(code="2.001").level == "commune"
    assert Procedure.objects.get(code="1.002").time_limit_days == 10
    d = PublicationDecision.objects.get(number="200/QĐ-UBND")
    assert (d.signed_on, d.effective_on, d.issuer.code, d.created_by) == (
        dt.date(2021, 6, 1), dt.date(2021, 6, 15), "UBND", reform_user)
    assert sorted(DecisionItem.objects.values_list("decision__number", "procedure__code", "action",
                                                   "replaces__code")) == [
        ("100/QĐ-UBND", "1.001", "new", None), ("100/QĐ-UBND", "1.002", "new", None),
        ("100/QĐ-UBND", "2.001", "new", None), ("200/QĐ-UBND", "1.001", "amended", None),
        ("200/QĐ-UBND", "1.003", "replaced", "1.002"), ("300/QĐ-UBND", "2.001", "abolished", None)]
    on = dt.date(2021, 12, 31)
    assert [status(c, on) for c in ("1.001", "1.002", "1.003", "2.001")] == [
        "in_force", "replaced", "in_force", "abolished"]
    assert ProcedureVersion.objects.filter(procedure__code="1.001").count() == 1  # kept by decision_create
    assert ChangeRecord.objects.filter(action="import").count() == 1


def test_decisions_may_refer_to_procedures_already_in_the_registry(proc_units, reform_user, make_procedure,
                                                                   make_decision):
    old = make_procedure(code="9.001", name="Thủ tục cũ")
    make_decision("1/QĐ-UBND", dt.date(2020, 1, 1), [(old, "new", None)])
    result = excel.registry_import(actor=reform_user, file=workbook(decisions=[
        [1, "2/QĐ-UBND", "01/02/2021", "01/02/2021", "UBND", "9.001", "bãi bỏ", ""]]))
    assert (result.errors, result.counts) == ([], {"procedures": 0, "decisions": 1, "items": 1})
    assert status("9.001", dt.date(2021, 2, 1)) == "abolished"


def test_errors_are_reported_by_sheet_row_column_and_nothing_is_written(proc_units, reform_user):
    procedures = [
        [1, "1.001", "A", "tỉnh", "Y tế", "NOPE", 15, "", "", ""],  # row 4: unknown unit
        [2, "1.002", "B", "huyện", "Y tế", "SYT", "mười", "", "", ""],  # row 5: bad level, bad days
        [3, "1.001", "", "tỉnh", "", "SYT", None, "", "", ""],  # row 6: duplicate code, no name, no field
    ]
    decisions = [
        [1, "1/QĐ", "05/01/2021", "32/01/2021", "UBND", "1.001", "mới", ""],  # row 3: bad date
        [2, "2/QĐ", "05/01/2021", "05/01/2021", "UBND", "1.002", "huỷ", ""],  # row 4: bad action
        [3, "3/QĐ", "05/01/2021", "05/01/2021", "XX", "9.999", "mới", ""],  # row 5: unknown issuer, code
        [4, "4/QĐ", "05/01/2021", "05/01/2021", "UBND", "1.002", "mới", ""],  # row 6
        [5, "4/QĐ", "06/01/2021", "05/01/2021", "UBND", "1.001", "mới", ""],  # row 7: same number, other date
    ]
    before = registry()
    result = excel.registry_import(actor=reform_user, file=workbook(procedures, decisions))
    got = [(e.sheet, e.row, e.column, e.message) for e in result.errors]
    assert got == [
        ("Thủ tục", 4, "Mã cơ quan thực hiện", "Không tìm thấy đơn vị mã “NOPE”."),
        ("Thủ tục", 5, "Cấp thực hiện", "Cấp thực hiện “huyện” không hợp lệ; ghi tỉnh hoặc xã."),
        ("Thủ tục", 5, "Thời hạn (ngày)", "“mười” không phải số nguyên."),
        ("Thủ tục", 6, "Mã thủ tục", "Mã thủ tục 1.001 trùng với dòng 4."),
        ("Thủ tục", 6, "Tên thủ tục", "Thiếu tên thủ tục."),
        ("Thủ tục", 6, "Lĩnh vực", "Thiếu lĩnh vực."),
        ("Quyết định", 3, "Ngày hiệu lực", "Ngày “32/01/2021” không hợp lệ; ghi dd/mm/yyyy."),
        ("Quyết định", 4, "Nội dung",
         "Nội dung “huỷ” không hợp lệ; chọn một trong: công bố mới; sửa đổi, bổ sung; thay thế; bãi bỏ."),
        ("Quyết định", 5, "Mã cơ quan ban hành", "Không tìm thấy đơn vị mã “XX”."),
        ("Quyết định", 5, "Mã thủ tục", "Không có thủ tục mã “9.999” trong danh mục hoặc sheet Thủ tục."),
        ("Quyết định", 7, "Ngày ký", "Quyết định 4/QĐ đã ghi ở dòng 6 với ngày ký 05/01/2021."),
    ]
    assert registry() == before


def test_item_rules_come_from_decision_create_and_roll_everything_back(proc_units, reform_user, make_procedure,
                                                                       make_decision):
    # Given 9.001 in force since 2020, and a file whose procedures are fine but whose decisions break the rules
    old = make_procedure(code="9.001", name="Thủ tục cũ")
    make_decision("1/QĐ-UBND", dt.date(2020, 1, 1), [(old, "new", None)])
    decisions = [
        [1, "10/QĐ", "05/01/2021", "05/01/2021", "UBND", "1.001", "mới", ""],  # row 3: fine
        [2, "10/QĐ", "05/01/2021", "05/01/2021", "UBND", "1.003", "thay thế", ""],  # row 4: no old code
        [3, "11/QĐ", "05/02/2021", "05/02/2021", "UBND", "1.002", "bãi bỏ", ""],  # row 5: 1.002 not in force
        [4, "12/QĐ", "05/03/2021", "05/03/2021", "UBND", "9.001", "mới", ""],  # row 6: already published
        [5, "1/QĐ-UBND", "05/03/2021", "05/03/2021", "UBND", "9.001", "sửa đổi", ""],  # row 7: number exists
    ]
    before = registry()
    result = excel.registry_import(actor=reform_user, file=workbook(PROCEDURES[:3], decisions))
    got = [(e.sheet, e.row, e.column, e.message) for e in result.errors]
    assert got == [
        ("Quyết định", 4, "Thay thế thủ tục (mã)",
         "Quyết định 10/QĐ, thủ tục 1.003: thay thế phải ghi rõ thủ tục bị thay thế."),
        ("Quyết định", 5, "Mã thủ tục",
         "Quyết định 11/QĐ, thủ tục 1.002: thủ tục không có hiệu lực vào ngày 05/02/2021."),
        ("Quyết định", 6, "Mã thủ tục",
         "Quyết định 12/QĐ, thủ tục 9.001: thủ tục đã được công bố trước đó (không công bố mới lại)."),
        ("Quyết định", 7, "Số quyết định", "Quyết định 1/QĐ-UBND: Đã có quyết định số 1/QĐ-UBND."),
    ]
    assert registry() == before
    assert not Procedure.objects.filter(code="1.001").exists()


def test_replaced_needs_the_old_one_in_force(proc_units, reform_user):
    decisions = [[1, "10/QĐ", "05/01/2021", "05/01/2021", "UBND", "1.003", "thay thế", "1.002"]]
    result = excel.registry_import(actor=reform_user, file=workbook(PROCEDURES[:3], decisions))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Thay thế thủ tục (mã)",
         "Quyết định 10/QĐ, thủ tục 1.003: thủ tục bị thay thế 1.002 không có hiệu lực vào ngày 05/01/2021.")]
    assert Procedure.objects.count() == 0


def test_existing_code_is_refused_and_dry_run_writes_nothing(proc_units, reform_user, make_procedure):
    make_procedure(code="1.001")
    result = excel.registry_import(actor=reform_user, file=workbook(PROCEDURES[:1]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(4, "Mã thủ tục", "Đã có thủ tục mã 1.001.")]
    before = registry()
    dry = excel.registry_import(actor=reform_user, file=workbook(PROCEDURES[1:], DECISIONS[1:2]), dry_run=True)
    assert (dry.ok, dry.counts) == (True, {"procedures": 3, "decisions": 1, "items": 1})
    assert registry() == before


def test_not_a_workbook_and_no_sheet(proc_units, reform_user):
    result = excel.registry_import(actor=reform_user, file=io.BytesIO(b"not a zip"))
    assert [e.message for e in result.errors] == ["Tệp không phải bảng tính Excel (.xlsx) hợp lệ."]
    wb = Workbook()
    wb.active.append(["x", "y"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.registry_import(actor=reform_user, file=buffer)
    assert [e.message for e in result.errors] == ["Không tìm thấy sheet nào trong số: Thủ tục, Quyết định."]


def test_only_reform_office_and_admins_import(proc_units, users):
    for user in (users["office"], users["steering"], users["auditor"], users["snv"]):
        with pytest.raises(PermissionDenied):
            excel.registry_import(actor=user, file=workbook(PROCEDURES))
    assert Procedure.objects.count() == 0
    assert excel.registry_import(actor=users["admin"], file=workbook(PROCEDURES)).ok


def test_import_is_bulk(proc_units, reform_user, django_assert_max_num_queries):
    rows = [[i, f"X.{i:05d}", f"Thủ tục {i}", "tỉnh", "Y tế", "SYT", 5, "", "", ""] for i in range(1, 3001)]
    decisions = [[i, "1/QĐ", "01/01/2021", "01/01/2021", "UBND", f"X.{i:05d}", "mới", ""] for i in range(1, 3001)]
    # No query per row: bulk inserts (SQLite splits them by its variable limit, about 45 procedures a statement)
    # and one decision_create per decision.
    with django_assert_max_num_queries(150):
        result = excel.registry_import(actor=reform_user, file=workbook(rows, decisions))
    assert (result.errors, result.counts) == ([], {"procedures": 3000, "decisions": 1, "items": 3000})
    assert selectors.procedures_in_force(on=dt.date(2021, 1, 1)).count() == 3000


def test_export_round_trip(proc_units, reform_user):
    # Given a registry imported from a file
    assert excel.registry_import(actor=reform_user, file=workbook(PROCEDURES, DECISIONS)).ok
    first = excel.registry_export(user=reform_user)
    counts = registry()[:3]
    statuses = {p.code: selectors.status_of(p, dt.date(2021, 12, 31))
                for p in selectors.procedure_list(user=reform_user)}
    # When the registry is emptied and the export imported back
    ProcedureVersion.objects.all().delete()
    DecisionItem.objects.all().delete()
    PublicationDecision.objects.all().delete()
    Procedure.objects.all().delete()
    result = excel.registry_import(actor=reform_user, file=io.BytesIO(first))
    # Then the registry, its counts and statuses are the same, and so is a second export
    assert result.errors == []
    assert registry()[:3] == counts == (4, 3, 6)
    assert {p.code: selectors.status_of(p, dt.date(2021, 12, 31))
            for p in selectors.procedure_list(user=reform_user)} == statuses
    second = excel.registry_export(user=reform_user)
    for sheet in ("Thủ tục", "Quyết định"):
        a = [r for r in load_workbook(io.BytesIO(first))[sheet].iter_rows(values_only=True)]
        b = [r for r in load_workbook(io.BytesIO(second))[sheet].iter_rows(values_only=True)]
        assert a == b
    exported = list(load_workbook(io.BytesIO(first))["Thủ tục"].iter_rows(min_row=6, values_only=True))
    assert [(r[1], r[-1]) for r in exported] == [
        ("1.001", "đang có hiệu lực"), ("1.002", "đã bị thay thế"), ("1.003", "đang có hiệu lực"),
        ("2.001", "đã bãi bỏ")]


def test_template_imports_as_is(proc_units, reform_user):
    # The template's example rows use the unit SNV (shared fixtures) and import cleanly
    result = excel.registry_import(actor=reform_user, file=io.BytesIO(excel.registry_template()))
    assert (result.errors, result.counts) == ([], {"procedures": 1, "decisions": 1, "items": 1})


# --- Pages ---------------------------------------------------------------------------------------------


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("thu-tuc.xlsx", content)


def test_import_page_permissions_errors_and_success(client, proc_units, proc_users):
    content = workbook(PROCEDURES, DECISIONS).getvalue()
    for who in ("office", "auditor", "snv", "steering"):
        client.force_login(proc_users[who])
        assert client.get("/thu-tuc/nhap-excel/").status_code == 403
        assert client.post("/thu-tuc/nhap-excel/", {"file": upload(content)}).status_code == 403
    assert registry()[:3] == (0, 0, 0)
    client.force_login(proc_users["reform"])
    bad = client.post("/thu-tuc/nhap-excel/", {"file": upload(workbook([[1, "1.001", "A", "tỉnh", "Y tế", "NOPE"]])
                                                              .getvalue())})
    assert bad.status_code == 422
    assert "Không tìm thấy đơn vị mã “NOPE”." in bad.content.decode()
    assert registry()[:3] == (0, 0, 0)
    ok = client.post("/thu-tuc/nhap-excel/", {"file": upload(content)})
    assert ok.status_code == 200
    assert 'data-testid="count-procedures">4<' in ok.content.decode()
    assert registry()[:3] == (4, 3, 6)


def test_template_and_export_downloads(client, proc_units, proc_users):
    client.force_login(proc_users["auditor"])
    template = client.get("/thu-tuc/mau-nhap.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["Thủ tục", "Quyết định", "Danh mục đơn vị"]
    export = client.get("/thu-tuc/xuat-excel/")
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]


# --- Command -------------------------------------------------------------------------------------------


def test_command_import_export_template(proc_units, users, tmp_path):
    path = tmp_path / "thu-tuc.xlsx"
    path.write_bytes(workbook(PROCEDURES, DECISIONS + [
        [7, "300/QĐ-UBND", "01/09/2021", "01/09/2021", "UBND", "1.002", "bãi bỏ", ""]]).getvalue())
    with pytest.raises(CommandError, match="1 lỗi; chưa ghi dòng nào."):
        call_command("procedures", "import", str(path))
    assert registry()[:3] == (0, 0, 0)
    path.write_bytes(workbook(PROCEDURES, DECISIONS).getvalue())
    out = io.StringIO()
    call_command("procedures", "import", str(path), "--dry-run", stdout=out)
    assert "Tệp hợp lệ (chưa ghi): 4 thủ tục, 3 quyết định, 6 thủ tục trong quyết định." in out.getvalue()
    assert registry()[:3] == (0, 0, 0)
    call_command("procedures", "import", str(path), stdout=out)
    assert registry()[:3] == (4, 3, 6)
    assert PublicationDecision.objects.filter(created_by=users["admin"]).count() == 3
    call_command("procedures", "export", "-o", str(tmp_path / "out.xlsx"), stdout=out)
    call_command("procedures", "template", "-o", str(tmp_path / "mau.xlsx"), stdout=out)
    assert load_workbook(tmp_path / "out.xlsx")["Quyết định"].max_row == 5 + 6
    assert (tmp_path / "mau.xlsx").stat().st_size > 0
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("procedures", "import", str(tmp_path / "none.xlsx"))
