"""Each report in the issuer's format: the Party's (Hướng dẫn 36-HD/VPTW) for a program of the Thành ủy, the
State's (Decree 30/2020/NĐ-CP) for one of the people's committee; in Word and PDF, with the number, the draft mark
and the signing block the register gives, and one embedded face (Liberation Serif) for all the PDF's text."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.demo.program import demo_load
from chidao.programs.models import Program
from chidao.reports import builders, services
from chidao.reports.services import report_compute
from tests.documents_check import (
    BLANK,
    assert_liberation_serif_only,
    docx_heading,
    docx_lines,
    docx_signature,
    pdf_text,
)

from .test_documents import READER

pytestmark = pytest.mark.django_db

PARAMS = {"year_end": {"year": 2021}, "periodic": {"period": "2021-Q4"}, "stocktake": {"as_of": "2021-12-28"},
          "dispatch": {"as_of": "2021-12-28"}}
DATES = {"year_end": "Hà Nội, ngày 28 tháng 12 năm 2021", "periodic": "Hà Nội, ngày 14 tháng 12 năm 2021",
         "stocktake": "Hà Nội, ngày 28 tháng 12 năm 2021", "dispatch": "Hà Nội, ngày 28 tháng 12 năm 2021"}
KINDS_FORMATS = [("year_end", "docx"), ("year_end", "pdf"), ("periodic", "docx"), ("periodic", "pdf"),
                 ("stocktake", "pdf"), ("dispatch", "docx"), ("dispatch", "pdf")]
SIGNED = {"number": "Số 12-BC/BCĐ", "draft": False,
          "signer": {"form": "K/T", "body": "Ban Chỉ đạo", "title": "Trưởng ban", "deputy_title": "Phó Trưởng ban",
                     "name": "Nguyễn Văn A"}}


def _program(fmt: str) -> Program:
    assert demo_load()
    program = Program.objects.get(number="01-CTr/TU")
    if fmt == "state":
        ubnd = Unit.objects.create(code="UBNDHN", name="Ủy ban nhân dân thành phố Hà Nội",
                                   kind=UnitKind.PEOPLES_COMMITTEE, level=UnitLevel.PROVINCE)
        Program.objects.filter(pk=program.pk).update(issuing_body=ubnd)
        program.refresh_from_db()
    return program


def _build(program: Program, kind: str, fmt: str, document=None) -> str | list[str]:
    params = dict(PARAMS[kind])
    if kind == "dispatch":
        params["unit"] = Unit.objects.get(code="STC").pk
    report = report_compute(user=READER, program=program, kind=kind, params=params)
    content, _name = builders.build(report, fmt, document=document)
    BUILT[kind, fmt] = content
    if fmt == "pdf":
        assert_liberation_serif_only(content)
        return pdf_text(content)
    return docx_lines(content)


BUILT: dict[tuple[str, str], bytes] = {}


def _has(out: str | list[str], line: str) -> bool:
    return line in out if isinstance(out, list) else " ".join(line.split()) in out


@pytest.mark.parametrize(("kind", "fmt"), KINDS_FORMATS)
def test_a_thanh_uy_program_writes_in_the_party_format_an_unnumbered_draft(kind, fmt):
    # Given the demo program, issued by the Thành ủy (a Party committee), and no number from the register
    out = _build(_program("party"), kind, fmt)
    # Then the heading is the Party's, the draft is marked and its number left blank, the head signs with no form
    code = "CV" if kind == "dispatch" else "BC"
    for line in ("DỰ THẢO", "ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH ỦY HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU",
                 "Nơi nhận:", "TRƯỞNG BAN", DATES[kind]):
        assert _has(out, line), line
    assert not _has(out, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") and not _has(out, "T/M")
    if fmt == "docx":
        left, right = docx_heading(BUILT[kind, fmt])
        subject = ["V/v đôn đốc thực hiện các nội dung quá hạn"] if kind == "dispatch" else []
        assert left == ["THÀNH ỦY HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "*", f"Số {BLANK}-{code}/BCĐ",
                        *subject]
        assert right == ["ĐẢNG CỘNG SẢN VIỆT NAM", DATES[kind]]
        to, by = docx_signature(BUILT[kind, fmt])
        assert to[0] == "Nơi nhận:" and by == ["TRƯỞNG BAN", "", "", "", ""]
    else:
        assert f"-{code}/BCĐ" in out and "Số 12" not in out


@pytest.mark.parametrize(("kind", "fmt"), KINDS_FORMATS)
def test_a_peoples_committee_program_writes_in_the_state_format(kind, fmt):
    # Given the program issued by the people's committee, numbered and signed by a deputy on the head's behalf
    out = _build(_program("state"), kind, fmt, document={**SIGNED, "number": "Số: 12/BC-BCĐ"})
    # Then the heading is the nation's, the number is the register's, the signing block "KT." (Decree 30)
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "Số: 12/BC-BCĐ",
                 DATES[kind], "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"):
        assert _has(out, line), line
    for line in ("ĐẢNG CỘNG SẢN VIỆT NAM", "DỰ THẢO", "K/T"):
        assert not _has(out, line), line
    if fmt == "docx":
        left, right = docx_heading(BUILT[kind, fmt])
        subject = ["V/v đôn đốc thực hiện các nội dung quá hạn"] if kind == "dispatch" else []
        # the short line under the issuer is an empty bordered paragraph
        assert left == ["ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "",
                        "Số: 12/BC-BCĐ", *subject]
        assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", DATES[kind]]
        _to, by = docx_signature(BUILT[kind, fmt])
        assert by == ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "", "", "", "Nguyễn Văn A"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_party_signing_forms_and_the_registered_number(fmt):
    out = _build(_program("party"), "year_end", fmt, document={
        **SIGNED, "signer": {"form": "T/M", "body": "Ban Chỉ đạo", "title": "Trưởng ban", "name": "Nguyễn Văn A"}})
    for line in ("Số 12-BC/BCĐ", "T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nguyễn Văn A"):
        assert _has(out, line), line
    assert not _has(out, "DỰ THẢO")
    if fmt == "docx":
        assert out.index("T/M BAN CHỈ ĐẠO") + 1 == out.index("TRƯỞNG BAN")


def test_a_draft_keeps_its_number_blank_even_when_one_is_given():
    out = _build(_program("state"), "dispatch", "docx", document={"number": "Số: 12/BCĐ", "draft": True})
    assert "DỰ THẢO" in out and f"Số: {BLANK}/BCĐ" in out and "Số: 12/BCĐ" not in out
    assert "V/v đôn đốc thực hiện các nội dung quá hạn" in out



def test_a_template_replaced_before_the_formats_still_renders_its_heading_and_signer():
    # Given the administrator's replacement is the old single-format template (the default before the two formats)
    program = _program("party")
    old = (Path(__file__).parent / "data" / "program_report_single_format.docx").read_bytes()
    admin = User.objects.create(username="admin_tpl", role=Role.ADMIN, is_active=True)
    services.report_template_replace(actor=admin, kind="program_report", upload=SimpleUploadedFile("cu.docx", old))
    # When the year-end review is built with a number and signer from the register
    out = _build(program, "year_end", "docx", document=SIGNED)
    # Then its fields still print: the bodies, the register's number and the signing block
    for line in ("THÀNH ỦY HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "Số 12-BC/BCĐ", "K/T TRƯỞNG BAN",
                 "PHÓ TRƯỞNG BAN", "Nguyễn Văn A", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert line in out, line
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in out


DATE_RUN = ("Hà Nội, ngày 28 tháng 12 năm 2021", False, True, False, 14.0)
HEADING_RUNS = {
    # Hướng dẫn 36-HD/VPTW: the Party's heading 15 pt bold underlined
    "party": [("ĐẢNG CỘNG SẢN VIỆT NAM", True, False, True, 15.0), DATE_RUN],
    # Decree 30/2020: the national name 12 pt bold, the motto 13 pt bold underlined
    "state": [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, False, 12.0),
              ("Độc lập - Tự do - Hạnh phúc", True, False, True, 13.0), DATE_RUN],
}


@pytest.mark.parametrize("fmt", ["party", "state"])
def test_the_word_heading_takes_its_guides_type(fmt):
    # Given the year-end review in each format
    _build(_program(fmt), "year_end", "docx")
    # Then the heading's runs have the guide's weight, slant, underline and size; place and date 14 pt italic
    cell = Document(io.BytesIO(BUILT["year_end", "docx"])).tables[0].rows[0].cells[1]
    runs = [(r.text, r.bold, r.italic, r.underline, r.font.size.pt) for p in cell.paragraphs for r in p.runs]
    assert runs == HEADING_RUNS[fmt]
