"""Processing figures: on-time rate, service-index points, the one-stop-shop import, summary and slowest
procedures, the pages and the command."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chidao.core.errors import PermissionDenied
from chidao.core.models import ChangeRecord
from chidao.procedures import excel, figures
from chidao.procedures.models import ProcessingFigure

Q4 = (dt.date(2021, 9, 15), dt.date(2021, 12, 14))  # Decree 09/2019: 2021-Q4
HEADER = ["STT", "Mã thủ tục", "Tên thủ tục", "Số hồ sơ tiếp nhận", "Đã giải quyết đúng hạn", "Giải quyết quá hạn",
          "Đang giải quyết"]


def workbook(rows: list[list], *, title: list[str] | None = None, header: list[str] | None = None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for line in title if title is not None else ["ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
                                                  "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ", ""]:
        ws.append([line])
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def procs(make_procedure):
    return {
        "a": make_procedure(code="A.01", name="Cấp phép A", field="Y tế"),
        "b": make_procedure(code="B.02", name="Cấp phép B", field="Y tế"),
        "c": make_procedure(code="C.03", name="Đăng ký C", field="Giáo dục", unit="sgd"),
    }


# --- Rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("on_time", "late", "rate"), [
    (0, 0, None), (2, 1, 66.7), (1, 2, 33.3), (3, 0, 100.0), (0, 5, 0.0), (1, 7, 12.5), (1, 0, 100.0),
    (199, 1, 99.5),
])
def test_on_time_rate(on_time, late, rate):
    assert figures.on_time_rate(on_time, late) == rate


@pytest.mark.parametrize(("on_time", "late", "points"), [
    (0, 0, 0.0), (2, 1, 13.33), (1, 2, 6.67), (3, 0, 20.0), (0, 4, 0.0), (9, 1, 18.0),
])
def test_service_index_points_from_settings(settings, on_time, late, points):
    settings.CHIDAO_SERVICE_INDEX = {**settings.CHIDAO_SERVICE_INDEX, "on_time_max_points": 20}
    assert figures.service_index_on_time_points(on_time=on_time, late=late) == points


def test_service_index_points_follow_the_settings_table(settings):
    settings.CHIDAO_SERVICE_INDEX = {**settings.CHIDAO_SERVICE_INDEX, "on_time_max_points": 18}
    assert figures.service_index_on_time_points(on_time=1, late=1) == 9.0
    assert figures.service_index_on_time_points(on_time=2, late=1) == 12.0


# --- Import --------------------------------------------------------------------------------------------


def test_import_reads_period_from_title_row_with_aliases_and_numbering_row(procs, reform_user):
    # Given an export with a title row stating the period, another header wording, a numbering row,
    # a field heading and a total row
    f = workbook([
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
        ["I", "", "Lĩnh vực Y tế", None, None, None, None],
        [1, "A.01", "Cấp phép A", 10, 6, 2, 2],
        [2, "b.02", "Cấp phép B", "1.200", 1000, "100", 50],
        ["", "", "Tổng cộng", 1210, 1006, 102, 52],
    ], title=["BÁO CÁO", "Từ ngày 15/09/2021 đến ngày 14/12/2021", ""],
        header=["STT", "Mã TTHC", "Tên TTHC", "Tiếp nhận", "Trước hạn, đúng hạn", "Trễ hạn", "Đang xử lý"])
    # When it is imported without a period
    result = excel.figures_import(actor=reform_user, file=f, source="mot-cua.xlsx")
    # Then both rows are written for that period
    assert result.errors == []
    assert (result.start, result.end, result.created, result.replaced) == (*Q4, 2, 0)
    rows = {f.procedure.code: (f.period_start, f.period_end, f.received, f.on_time, f.late, f.pending, f.source)
            for f in ProcessingFigure.objects.select_related("procedure")}
    assert rows == {"A.01": (*Q4, 10, 6, 2, 2, "mot-cua.xlsx"), "B.02": (*Q4, 1200, 1000, 100, 50, "mot-cua.xlsx")}
    assert ChangeRecord.objects.filter(action="import").count() == 1


def test_import_two_row_header_and_period_code(procs, reform_user):
    f = io.BytesIO()
    wb = Workbook()
    ws = wb.active
    ws.append(["KẾT QUẢ GIẢI QUYẾT"])
    ws.append(["STT", "Mã thủ tục", "Tên thủ tục", "Số hồ sơ tiếp nhận", "Đã giải quyết", None, "Đang giải quyết"])
    ws.append([None, None, None, None, "Đúng hạn", "Quá hạn", None])
    ws.merge_cells("E2:F2")
    ws.append([1, "C.03", "Đăng ký C", 5, 3, 1, 1])
    wb.save(f)
    f.seek(0)
    result = excel.figures_import(actor=reform_user, file=f, period="2021-Q4")
    assert result.errors == []
    fig = ProcessingFigure.objects.get()
    assert (fig.procedure.code, fig.period_start, fig.period_end, fig.received, fig.on_time, fig.late,
            fig.pending) == ("C.03", *Q4, 5, 3, 1, 1)


def test_every_error_is_reported_with_row_and_column_and_nothing_is_written(procs, reform_user):
    # Given a figure already recorded for A.01 in 2021-Q4 and one for C.03 over an overlapping month
    ProcessingFigure.objects.create(procedure=procs["a"], period_start=Q4[0], period_end=Q4[1], received=1,
                                    on_time=1, late=0, pending=0)
    ProcessingFigure.objects.create(procedure=procs["c"], period_start=dt.date(2021, 11, 15),
                                    period_end=dt.date(2021, 12, 14), received=1, on_time=1, late=0, pending=0)
    f = workbook([
        [1, "X.99", "Không có", 1, 1, 0, 0],  # row 5: unknown code
        [2, "B.02", "Cấp phép B", -1, 0, 0, 0],  # row 6: negative
        [3, "B.02", "Cấp phép B", 4, 2.5, 0, 0],  # row 7: not whole (and a duplicate of row 6)
        [4, "A.01", "Cấp phép A", 5, 3, 2, 1],  # row 8: 6 > 5, and already recorded for the period
        [5, "C.03", "Đăng ký C", 2, 1, 1, 0],  # row 9: overlapping period
        [6, "", "Không mã", 2, 1, 1, 0],  # row 10: missing code
        [7, "B.02", "Cấp phép B", "abc", 0, 0, 0],  # row 11: text
    ])
    before = ChangeRecord.objects.count()
    # When it is imported for 2021-Q4
    result = excel.figures_import(actor=reform_user, file=f, period="2021-Q4")
    # Then every error is reported where it is, and nothing is written
    got = [(e.sheet, e.row, e.column, e.message) for e in result.errors]
    assert got == [
        ("Sheet", 5, "Mã thủ tục", "Không có thủ tục mã “X.99” trong danh mục."),
        ("Sheet", 6, "Số hồ sơ tiếp nhận", "Số hồ sơ không được âm (-1)."),
        ("Sheet", 7, "Đã giải quyết đúng hạn", "“2.5” không phải số nguyên."),
        ("Sheet", 7, "Mã thủ tục", "Thủ tục B.02 trùng với dòng 6."),
        ("Sheet", 8, "Số hồ sơ tiếp nhận",
         "Số hồ sơ tiếp nhận (5) nhỏ hơn tổng đúng hạn, quá hạn và đang giải quyết (6)."),
        ("Sheet", 8, "Mã thủ tục", "Thủ tục A.01 đã có số liệu kỳ từ 15/09/2021 đến 14/12/2021; chọn “thay thế số "
                                   "liệu đã có” để ghi đè."),
        ("Sheet", 9, "Mã thủ tục", "Thủ tục C.03 đã có số liệu kỳ từ 15/11/2021 đến 14/12/2021, chồng lấn kỳ này "
                                   "(số liệu sẽ bị tính hai lần)."),
        ("Sheet", 10, "Mã thủ tục", "Thiếu mã thủ tục."),
        ("Sheet", 11, "Số hồ sơ tiếp nhận", "“abc” không phải số nguyên."),
        ("Sheet", 11, "Mã thủ tục", "Thủ tục B.02 trùng với dòng 6."),
    ]
    assert ProcessingFigure.objects.count() == 2
    assert ChangeRecord.objects.count() == before


def test_period_is_required_and_must_agree_with_the_title(procs, reform_user):
    rows = [[1, "A.01", "Cấp phép A", 1, 1, 0, 0]]
    result = excel.figures_import(actor=reform_user, file=workbook(rows))
    assert [e.message for e in result.errors] == [
        "Chưa có kỳ số liệu: chọn kỳ (ví dụ 2021-Q4) hoặc từ ngày, đến ngày; hoặc ghi trong tệp dòng “Từ ngày "
        "dd/mm/yyyy đến ngày dd/mm/yyyy”."]
    titled = workbook(rows, title=["Từ ngày 15/09/2021 đến ngày 14/12/2021", ""])
    result = excel.figures_import(actor=reform_user, file=titled, period="2021-Q3")
    assert [e.message for e in result.errors] == [
        "Kỳ ghi trong tệp (từ 15/09/2021 đến 14/12/2021) khác kỳ đã chọn (từ 15/06/2021 đến 14/09/2021)."]
    result = excel.figures_import(actor=reform_user, file=workbook(rows), period="2021-X")
    assert len(result.errors) == 1 and "2021-X" in result.errors[0].message
    assert ProcessingFigure.objects.count() == 0


def test_replace_flag_replaces_the_same_period(procs, reform_user):
    ProcessingFigure.objects.create(procedure=procs["a"], period_start=Q4[0], period_end=Q4[1], received=1,
                                    on_time=1, late=0, pending=0)
    rows = [[1, "A.01", "Cấp phép A", 9, 5, 3, 1], [2, "B.02", "Cấp phép B", 4, 4, 0, 0]]
    refused = excel.figures_import(actor=reform_user, file=workbook(rows), start=Q4[0], end=Q4[1])
    assert [e.row for e in refused.errors] == [5]
    result = excel.figures_import(actor=reform_user, file=workbook(rows), start=Q4[0], end=Q4[1], replace=True)
    assert (result.errors, result.created, result.replaced) == ([], 1, 1)
    got = ProcessingFigure.objects.values_list("procedure__code", "received", "on_time", "late", "pending")
    assert sorted(got) == [("A.01", 9, 5, 3, 1), ("B.02", 4, 4, 0, 0)]


def test_dry_run_writes_nothing(procs, reform_user):
    result = excel.figures_import(actor=reform_user, file=workbook([[1, "A.01", "A", 1, 1, 0, 0]]),
                                  period="2021-Q4", dry_run=True)
    assert (result.ok, result.created) == (True, 1)
    assert ProcessingFigure.objects.count() == 0


def test_only_reform_office_and_admins_import(procs, users):
    for user in (users["office"], users["steering"], users["auditor"], users["snv"]):
        with pytest.raises(PermissionDenied):
            excel.figures_import(actor=user, file=workbook([[1, "A.01", "A", 1, 1, 0, 0]]), period="2021-Q4")
    assert ProcessingFigure.objects.count() == 0
    assert excel.figures_import(actor=users["admin"], file=workbook([[1, "A.01", "A", 1, 1, 0, 0]]),
                                period="2021-Q4").ok


# --- Summary and slowest ------------------------------------------------------------------------------


@pytest.fixture
def recorded(procs):
    def add(p, start, end, received, on_time, late, pending):
        ProcessingFigure.objects.create(procedure=procs[p], period_start=start, period_end=end, received=received,
                                        on_time=on_time, late=late, pending=pending)

    oct_, nov, dec = ((dt.date(2021, 9, 15), dt.date(2021, 10, 14)), (dt.date(2021, 10, 15), dt.date(2021, 11, 14)),
                      (dt.date(2021, 11, 15), dt.date(2021, 12, 14)))
    add("a", *oct_, 10, 8, 2, 0)
    add("a", *nov, 12, 6, 4, 2)
    add("b", *oct_, 20, 19, 1, 0)
    add("b", *dec, 10, 5, 0, 5)
    add("c", *nov, 4, 1, 3, 0)
    add("c", dt.date(2021, 12, 15), dt.date(2022, 1, 14), 100, 0, 100, 0)  # outside 2021-Q4
    return procs


def test_figures_summary_exact(recorded, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        summary = figures.figures_summary(start=Q4[0], end=Q4[1])
    got = [(r.code, r.received, r.on_time, r.late, r.pending, r.rate, r.points) for r in summary.rows]
    assert got == [
        ("A.01", 22, 14, 6, 2, 70.0, 14.0),
        ("B.02", 30, 24, 1, 5, 96.0, 19.2),
        ("C.03", 4, 1, 3, 0, 25.0, 5.0),
    ]
    t = summary.totals
    assert (t.received, t.on_time, t.late, t.pending, t.rate, t.points) == (56, 39, 10, 7, 79.6, 15.92)
    assert summary.max_points == 20.0


def test_figures_summary_filters_by_unit_subtree_and_field(recorded, proc_units):
    by_unit = figures.figures_summary(start=Q4[0], end=Q4[1], unit=proc_units["sgd"])
    assert [r.code for r in by_unit.rows] == ["C.03"]
    by_parent = figures.figures_summary(start=Q4[0], end=Q4[1], unit=proc_units["ubnd"])
    assert [r.code for r in by_parent.rows] == ["A.01", "B.02", "C.03"]
    by_field = figures.figures_summary(start=Q4[0], end=Q4[1], field="Y tế")
    assert ([r.code for r in by_field.rows], by_field.totals.received) == (["A.01", "B.02"], 52)


def test_slowest_procedures_lowest_rate_then_most_late(recorded, make_procedure):
    # D has the same rate as A (70 %) but more late dossiers: it comes first
    d = make_procedure(code="D.04", name="D")
    ProcessingFigure.objects.create(procedure=d, period_start=Q4[0], period_end=Q4[1], received=40, on_time=21,
                                    late=9, pending=0)
    slowest = figures.slowest_procedures(start=Q4[0], end=Q4[1], min_resolved=1)
    assert [(r.code, r.rate, r.late) for r in slowest] == [
        ("C.03", 25.0, 3), ("D.04", 70.0, 9), ("A.01", 70.0, 6), ("B.02", 96.0, 1)]
    assert [r.code for r in figures.slowest_procedures(start=Q4[0], end=Q4[1], min_resolved=5)] == [
        "D.04", "A.01", "B.02"]
    assert [r.code for r in figures.slowest_procedures(start=Q4[0], end=Q4[1], limit=2, min_resolved=1)] == [
        "C.03", "D.04"]


# --- Pages ---------------------------------------------------------------------------------------------


def test_figures_page_shows_totals_slowest_and_rows(client, recorded, users):
    client.force_login(users["steering"])
    response = client.get("/thu-tuc/so-lieu/", {"year": 2021, "period": "2021-Q4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="rate">79,6 %' in html
    assert 'data-testid="points">15,92/20' in html
    assert "Nhập số liệu từ Excel" not in html
    dates = client.get("/thu-tuc/so-lieu/", {"year": 2021, "date_from": "15/09/2021", "date_to": "14/12/2021"})
    assert dates.context["summary"].totals.received == 56
    wrong = client.get("/thu-tuc/so-lieu/", {"year": 2021, "date_from": "15/09/2021"})
    assert wrong.status_code == 422


def upload(rows: list[list], name: str = "mot-cua.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook(rows).getvalue())


def test_figures_import_page_permissions_errors_and_success(client, procs, proc_users):
    rows = [[1, "A.01", "Cấp phép A", 3, 2, 1, 0]]
    for who in ("office", "auditor", "snv"):
        client.force_login(proc_users[who])
        assert client.get("/thu-tuc/so-lieu/nhap/").status_code == 403
        assert client.post("/thu-tuc/so-lieu/nhap/", {"file": upload(rows), "period": "2021-Q4"}).status_code == 403
    assert ProcessingFigure.objects.count() == 0
    client.force_login(proc_users["reform"])
    bad = client.post("/thu-tuc/so-lieu/nhap/", {"file": upload([[1, "X", "?", 1, 1, 0, 0]]), "period": "2021-Q4"})
    assert bad.status_code == 422
    assert "Không có thủ tục mã “X” trong danh mục." in bad.content.decode()
    assert ProcessingFigure.objects.count() == 0
    ok = client.post("/thu-tuc/so-lieu/nhap/", {"file": upload(rows), "date_from": "15/09/2021",
                                                "date_to": "14/12/2021"})
    assert ok.status_code == 200
    assert 'data-testid="count-created">1<' in ok.content.decode()
    assert ProcessingFigure.objects.get().source == "mot-cua.xlsx"


# --- Command -------------------------------------------------------------------------------------------


def test_command_figures_import(procs, users, tmp_path):
    path = tmp_path / "mot-cua.xlsx"
    path.write_bytes(workbook([[1, "A.01", "A", 3, 2, 1, 0], [2, "Z", "?", 1, 1, 0, 0]]).getvalue())
    with pytest.raises(CommandError, match="1 lỗi; chưa ghi dòng nào."):
        call_command("procedures", "figures-import", str(path), "--period", "2021-Q4")
    assert ProcessingFigure.objects.count() == 0
    path.write_bytes(workbook([[1, "A.01", "A", 3, 2, 1, 0]]).getvalue())
    out = io.StringIO()
    call_command("procedures", "figures-import", str(path), "--from", "15/09/2021", "--to", "14/12/2021", stdout=out)
    assert "kỳ từ 15/09/2021 đến 14/12/2021, 1 số liệu mới, 0 số liệu thay thế." in out.getvalue()
    call_command("procedures", "figures-import", str(path), "--period", "2021-Q4", "--replace", stdout=out)
    assert "0 số liệu mới, 1 số liệu thay thế." in out.getvalue()
    assert ProcessingFigure.objects.count() == 1
