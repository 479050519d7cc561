"""Reports built from the demo records: the same numbers as the API, the right words, the right layout."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from chidao.core.models import Role, Unit, User
from chidao.demo.program import demo_load
from chidao.programs import selectors
from chidao.programs.models import Program
from chidao.programs.workflow import AWAITING_APPROVAL
from chidao.reports.builders import vn_long_date
from chidao.reports.services import report_render

pytestmark = pytest.mark.django_db
D = dt.date
READER = User(username="reader", role=Role.ADMIN, is_active=True)


@pytest.fixture
def demo() -> Program:
    assert demo_load()
    return Program.objects.get(number="01-CTr/TU")


def _docx_text(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(content))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    for t in doc.tables:  # the heading and signature tables hold paragraphs too
        for row in t.rows:
            for c in row.cells:
                paragraphs.extend(p.text for p in c.paragraphs)
    return paragraphs, tables


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_vietnamese_long_dates_follow_decree_30():
    assert vn_long_date(D(2021, 12, 28)) == "ngày 28 tháng 12 năm 2021"
    assert vn_long_date(D(2022, 1, 5)) == "ngày 05 tháng 01 năm 2022"
    assert vn_long_date(D(2022, 3, 9)) == "ngày 09 tháng 3 năm 2022"


def test_year_end_docx_holds_the_summary_paragraph_and_the_administrative_layout(demo):
    # Given the demo program and its year-end conference of 28/12/2021
    summary = selectors.program_summary(user=READER, program=demo, as_of=D(2021, 12, 28))
    paragraph = selectors.summary_paragraph(summary)
    # When the year-end review is built as Word
    content, name = report_render(user=READER, program=demo, kind="year_end", fmt="docx", params={"year": 2021})
    # Then it is read back with python-docx: the heading, the paragraph, the tables and the conference's points
    assert name == "tong-ket-nam-2021_01-CTr-TU.docx"
    paragraphs, tables = _docx_text(content)
    assert paragraph in paragraphs
    assert "16 nội dung đã hoàn thành, 8 nội dung đã hoàn thành dự thảo" in paragraph
    # (the Thành ủy's program: the Party's heading, Hướng dẫn 36-HD/VPTW)
    for line in ("ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH ỦY HÀ NỘI", "*", "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/BCĐ",
                 "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "Hà Nội, ngày 28 tháng 12 năm 2021", "BÁO CÁO",
                 "I. KẾT QUẢ THỰC HIỆN", "II. BÀI HỌC KINH NGHIỆM", "IV. NHIỆM VỤ NĂM 2022",
                 "- Việc phân cấp còn chưa rõ đầu mối, cơ quan kiểm soát."):
        assert line in paragraphs, line
    units = next(t for t in tables if t[0][1] == "Đơn vị chủ trì")
    assert len(units) == 1 + 11 + 1  # header, 11 lead units, total
    assert units[-1][1:8] == ["Tổng cộng", "34", "16", "8", "10", "0", "7"]
    classes = next(t for t in tables if t[0] == ["Phân loại", "Số nội dung"])
    assert classes[1:] == [["Hoàn thành đúng hạn", "12"], ["Hoàn thành quá hạn", "4"],
                           ["Chưa hoàn thành trong hạn", "11"], ["Chưa hoàn thành quá hạn", "7"]]
    tasks = next(t for t in tables if t[0] == ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"])
    assert len(tasks) - 1 == demo.meetings.get(held_on=D(2021, 12, 28)).conclusions.count() == 5
    # A4 portrait, Times New Roman
    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert len(doc.inline_shapes) == 2  # the chart by unit and the trajectory


def test_year_end_pdf_text_keeps_the_diacritics(demo):
    content, name = report_render(user=READER, program=demo, kind="year_end", fmt="pdf", params={"year": 2021})
    assert content.startswith(b"%PDF") and name.endswith(".pdf")
    text = _pdf_text(content)
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH ỦY HÀ NỘI",
                  "có 16 nội dung đã hoàn thành, 8 nội dung đã hoàn thành dự thảo", "Ủy ban Kiểm tra Thành ủy",
                  "Kiểm tra, xử lý ngay cán bộ, công chức có biểu hiện sai phạm"):
        assert words in text, words


def test_report_numbers_equal_the_api_summary_for_the_same_date(demo, client):
    client.force_login(User.objects.get(username="thuongtruc"))
    api = client.get(f"/api/v1/programs/{demo.pk}/summary", {"as_of": "2021-12-14"}).json()
    content, _name = report_render(user=User.objects.get(username="thuongtruc"), program=demo, kind="periodic",
                                   fmt="xlsx", params={"period": "2021-Q4"})
    wb = load_workbook(io.BytesIO(content))
    totals = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert totals["Tổng số nội dung"] == api["deliverables"]
    assert totals["Số đơn vị chủ trì"] == api["lead_units"]
    assert totals["Đã hoàn thành"] == api["completed"]
    assert totals["Đã hoàn thành dự thảo, đang trình"] == api["awaiting_approval"]
    assert totals["Đang thực hiện"] == api["in_progress"]
    assert totals["Tỷ lệ hoàn thành (%)"] == api["completion_rate"]
    by_unit = {r[1]: r[2:9] for r in wb["Theo đơn vị"].iter_rows(min_row=5, values_only=True) if r[1]}
    assert by_unit == {
        u["name"]: (u["total"], u["completed"], u["awaiting_approval"], u["in_progress"], u["not_started"],
                    u["overdue"], u["completion_rate"]) for u in api["units"]}
    classes = [r[1] for r in wb["Theo thời hạn"].iter_rows(min_row=5, values_only=True)]
    assert classes == list(api["deadline_classes"].values())
    assert wb.sheetnames == ["Tổng hợp", "Theo đơn vị", "Theo thời hạn", "Danh sách nội dung", "Diễn biến trong kỳ",
                             "Quỹ đạo"]


def _sheet_values(content: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_a_report_for_a_past_cutoff_ignores_later_changes(demo):
    from chidao.programs import services
    from chidao.programs.models import Deliverable, Kind, Status

    office = User.objects.get(username="thuongtruc")
    before = _sheet_values(report_render(user=office, program=demo, kind="periodic", fmt="xlsx",
                                         params={"period": "2021-Q4"})[0])
    # When, today, a deliverable moves on, a deadline is extended and a new one is assigned
    moving = Deliverable.objects.filter(program=demo, status=Status.IN_PROGRESS).order_by("code").first()
    assert moving is not None
    services.deliverable_transition(actor=office, deliverable=moving, to_status=Status.DRAFT_DONE)
    services.deliverable_extend_deadline(actor=office, deliverable=moving, new_deadline=D(2030, 1, 1),
                                         reason="Thử", approved_by="Trưởng ban", approved_on=dt.date.today())
    services.deliverable_create(actor=office, program=demo, code="99", kind=Kind.TASK, title="Nhiệm vụ mới",
                                lead_unit=moving.lead_unit, original_deadline=D(2030, 1, 1))
    after = _sheet_values(report_render(user=office, program=demo, kind="periodic", fmt="xlsx",
                                        params={"period": "2021-Q4"})[0])
    # Then the 2021-Q4 report says exactly what it said before
    assert after == before
    assert before["Tổng hợp"][4:7] == [("Tổng số nội dung", 34), ("Số đơn vị chủ trì", 11), ("Đã hoàn thành", 16)]


def test_periodic_docx_lists_what_happened_inside_the_period(demo):
    content, name = report_render(user=READER, program=demo, kind="periodic", fmt="docx", params={"period": "2021-Q4"})
    assert name == "bao-cao-2021-Q4_01-CTr-TU.docx"
    paragraphs, tables = _docx_text(content)
    assert ("Kỳ báo cáo từ 15/09/2021 đến 14/12/2021 (Nghị định số 09/2019/NĐ-CP); "
            "số liệu tính đến hết ngày 14/12/2021") in paragraphs
    assert "Hà Nội, ngày 14 tháng 12 năm 2021" in paragraphs
    activity = next(t for t in tables if t[0][0] == "Việc")
    dates = [dt.datetime.strptime(r[4], "%d/%m/%Y").date() for r in activity[1:]]
    assert dates and all(D(2021, 9, 15) <= d <= D(2021, 12, 14) for d in dates)


def test_stocktake_pdf_has_a_page_per_lead_unit_with_its_rating(demo):
    content, _name = report_render(user=READER, program=demo, kind="stocktake", fmt="pdf",
                                   params={"as_of": "2021-12-28"})
    reader = PdfReader(io.BytesIO(content))
    pages = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    unit_pages = [p for p in pages if re.search(r"Đề nghị Ban Chỉ đạo quyết định", p)]
    assert len(unit_pages) == 11
    text = " ".join(pages)
    assert "Đỏ: quá hạn hoặc dự báo không kịp" in text
    assert "Nội dung chậm, có nguy cơ chậm" in text


def test_dispatch_lists_only_the_units_overdue_items(demo):
    unit = Unit.objects.get(code="STC")
    summary = selectors.program_summary(user=READER, program=demo, as_of=D(2021, 12, 28))
    # Overdue and awaiting the unit's own action (what it submitted waits on the approver).
    overdue = [i.code for i in summary.overdue if i.lead_unit_id == unit.pk and i.status not in AWAITING_APPROVAL]
    content, name = report_render(user=READER, program=demo, kind="dispatch", fmt="docx",
                                  params={"unit": unit.pk, "as_of": "2021-12-28"})
    paragraphs, tables = _docx_text(content)
    assert "Kính gửi: Sở Tài chính" in paragraphs
    items = next(t for t in tables if t[0][0] == "Số TT")
    assert [r[0] for r in items[1:]] == overdue and len(overdue) == 1
    assert name == "cong-van-don-doc_STC_01-CTr-TU_2021-12-28.docx"


def test_the_command_line_writes_each_report(demo, tmp_path, capsys):
    out = tmp_path / "ye.docx"
    call_command("report", "year-end", "--program", "01-CTr/TU", "--year", "2021", "--format", "docx", "-o", str(out))
    assert "Đã ghi" in capsys.readouterr().out
    paragraphs, _tables = _docx_text(out.read_bytes())
    assert any(p.startswith("Ban Chỉ đạo chương trình đã giao cho 11 cơ quan, đơn vị") for p in paragraphs)
    call_command("report", "periodic", "--program", "01-CTr/TU", "--period", "2021-Q4", "--format", "pdf",
                 "-o", str(tmp_path / "q4.pdf"))
    call_command("report", "stocktake", "--program", "01-CTr/TU", "--as-of", "28/12/2021", "-o",
                 str(tmp_path / "st.pdf"))
    call_command("report", "dispatch", "--program", "01-CTr/TU", "--unit", "STC", "-o", str(tmp_path / "d.docx"))
    assert (tmp_path / "q4.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "st.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "d.docx").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["year-end", "--program", "99-CTr/TU", "--year", "2021"], "Không có chương trình số “99-CTr/TU”."),
        (["year-end", "--program", "01-CTr/TU", "--year", "2040"],
         "Năm phải trong giai đoạn của chương trình (2021-2025)."),
        (["periodic", "--program", "01-CTr/TU", "--period", "2021-Q9"], "Quý phải từ 1 đến 4."),
        (["stocktake", "--program", "01-CTr/TU", "--as-of", "31/02/2021"],
         "Ngày “31/02/2021” không hợp lệ; viết dd/mm/yyyy, ví dụ 28/12/2021."),
        (["dispatch", "--program", "01-CTr/TU", "--unit", "XYZ"], "Không có đơn vị mã “XYZ”."),
    ],
)
def test_the_command_line_refuses_bad_input_in_words(demo, tmp_path, args, message):
    out = tmp_path / "x.docx"
    with pytest.raises(CommandError) as exc:
        call_command("report", *args, "-o", str(out))
    assert str(exc.value) == message
    assert not out.exists()
