"""Write the default Word templates under chidao/core/data/ (docxtpl: Jinja tags inside Word).

Run `.venv/bin/python scripts/make_report_templates.py` after changing the layout; the .docx files
are committed. An administrator replaces a template from the app (Báo cáo → Mẫu văn bản) by
downloading one of these, editing it in Word (keeping the {{ ... }} and {% ... %} tags) and
uploading it.

Each template holds both formats, kept by the `doc_format` context variable ("party" or "state", from the
issuing unit: chidao.core.documents): the Party's (Hướng dẫn 36-HD/VPTW of 03/4/2018: "ĐẢNG CỘNG SẢN VIỆT NAM"
on the right, the bodies, "*" and "Số 12-BC/BCĐ" on the left, "T/M", "K/T", "T/L") and the State's (Decree
30/2020/NĐ-CP Appendix I: the national name and motto on the right, the bodies with a short line and
"Số: 12/BC-UBND" on the left, "TM.", "KT.", "TL."). Both: A4, margins 20/20 mm top/bottom, 30 mm left, 15 mm
right, Times New Roman at each guide's sizes, place and date in italics under the heading, "DỰ THẢO" on top of a
draft (`draft`).
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent.parent / "chidao" / "core" / "data"


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(14 if name == "Normal" else 12)
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), "Times New Roman")
    normal = doc.styles["Normal"].paragraph_format
    normal.space_after = Pt(6)
    normal.line_spacing = 1.15
    return doc


def _p(container, text: str = "", *, bold=False, italic=False, size=None, align=None, underline=False,
       indent=False):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return p


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    tbl_pr.append(borders)


def _tight(p):
    p.paragraph_format.space_after = Pt(0)
    return p


def _rule(container) -> None:
    """The short line under a State issuer (Decree 30/2020): a bottom border on an indented empty paragraph."""
    p = _tight(container.add_paragraph())
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Mm(20)
    p.paragraph_format.line_spacing = Pt(4)
    p_pr = p._p.get_or_add_pPr()
    border = p_pr.makeelement(qn("w:pBdr"), {})
    border.append(border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1",
                                                      qn("w:color"): "000000"}))
    p_pr.append(border)


def _if_format(container, party, state) -> None:
    """Both variants, kept by `doc_format` at rendering: Party (Hướng dẫn 36-HD/VPTW) then State (Decree 30)."""
    _tight(_p(container, '{%p if doc_format == "party" %}'))
    party(container)
    _tight(_p(container, "{%p else %}"))
    state(container)
    _tight(_p(container, "{%p endif %}"))


def _draft(doc) -> None:
    _tight(_p(doc, "{%p if draft %}"))
    _p(doc, "DỰ THẢO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _tight(_p(doc, "{%p endif %}"))


def _heading(doc, *, kind: str) -> None:
    """Issuing body and number (left), the Party's or the nation's heading, place and date (right). Sizes: Party
    (Hướng dẫn 36-HD/VPTW) "ĐẢNG CỘNG SẢN VIỆT NAM" 15 pt bold underlined, the bodies, number, place and date
    14 pt; State (Decree 30/2020) the national name 12 pt bold, the motto 13 pt bold underlined, the bodies 13 pt,
    the number 13 pt, place and date 14 pt italic. `subject` is a letter's "V/v ..." line."""
    _draft(doc)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    center = WD_ALIGN_PARAGRAPH.CENTER

    def party_left(c) -> None:
        _tight(_p(c, "{{ issuing_body }}", size=14, align=center))
        _tight(_p(c, "{{ issuer }}", bold=True, size=14, align=center))
        _tight(_p(c, "*", size=14, align=center))
        _tight(_p(c, "{{ number }}", size=14, align=center))
        if kind == "dispatch":
            _tight(_p(c, "{%p if subject %}"))
            _p(c, "{{ subject }}", italic=True, size=12, align=center)
            _tight(_p(c, "{%p endif %}"))

    def state_left(c) -> None:
        _tight(_p(c, "{{ issuing_body }}", size=13, align=center))
        _tight(_p(c, "{{ issuer }}", bold=True, size=13, align=center))
        _rule(c)
        _tight(_p(c, "{{ number }}", size=13, align=center))
        if kind == "dispatch":
            _tight(_p(c, "{%p if subject %}"))
            _p(c, "{{ subject }}", size=12, align=center)
            _tight(_p(c, "{%p endif %}"))

    def party_right(c) -> None:
        _p(c, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, size=15, underline=True, align=center)
        _p(c, "{{ place_date }}", italic=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)

    def state_right(c) -> None:
        _tight(_p(c, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=center))
        _p(c, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True, align=center)
        _p(c, "{{ place_date }}", italic=True, size=14, align=WD_ALIGN_PARAGRAPH.RIGHT)

    _if_format(left, party_left, state_left)
    _if_format(right, party_right, state_right)
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)


def _title(doc, title: str, subtitle: str) -> None:
    """The kind of document and its summary: Party 16 pt and 15 pt bold, State 14 pt bold."""
    center = WD_ALIGN_PARAGRAPH.CENTER

    def party(d) -> None:
        _tight(_p(d, title, bold=True, size=16, align=center))
        _p(d, subtitle, bold=True, size=15, align=center)

    def state(d) -> None:
        _tight(_p(d, title, bold=True, size=14, align=center))
        _p(d, subtitle, bold=True, size=14, align=center)

    _if_format(doc, party, state)


def _row(row, texts: list[str], *, bold: bool = False) -> None:
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold
        run.font.size = Pt(11)


def _table(doc, headers: list[str], loop: str, cells: list[str], total: list[str] | None = None) -> None:
    """A bordered table: header, the repeated body row between docxtpl's `{%tr for %}` rows, a total."""
    table = doc.add_table(rows=4 + (1 if total else 0), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row(table.rows[0], headers, bold=True)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    _row(table.rows[2], cells)
    table.rows[3].cells[0].text = "{%tr endfor %}"
    if total:
        _row(table.rows[4], total, bold=True)
    doc.add_paragraph()


def _list(doc, items: str, *, empty: str, numbered: bool = False) -> None:
    _p(doc, "{%p if " + items + " %}")
    _p(doc, "{%p for x in " + items + " %}")
    _p(doc, ("{{ loop.index }}. " if numbered else "- ") + "{{ x }}", indent=True)
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p else %}")
    _p(doc, empty, italic=True, indent=True)
    _p(doc, "{%p endif %}")


def _signature(doc) -> None:
    """"Nơi nhận:" (Party 14 pt underlined, the list 12 pt; State 12 pt bold italic, the list 11 pt) and the signing
    block, 14 pt bold: the authority ("T/M BAN CHỈ ĐẠO", "TM. ỦY BAN NHÂN DÂN"), the title, the name."""
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells

    def party(c) -> None:
        _tight(_p(c, "Nơi nhận:", size=14, underline=True))
        _p(c, "{{ recipients }}", size=12)

    def state(c) -> None:
        _tight(_p(c, "Nơi nhận:", bold=True, italic=True, size=12))
        _p(c, "{{ recipients }}", size=11)

    _if_format(left, party, state)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _tight(_p(right, "{%p if signer_for %}"))
    _tight(_p(right, "{{ signer_for }}", bold=True, size=14, align=center))
    _tight(_p(right, "{%p endif %}"))
    _tight(_p(right, "{{ signer_title }}", bold=True, size=14, align=center))
    for _blank in range(3):
        _tight(_p(right))
    _tight(_p(right, "{{ signer_name }}", bold=True, size=14, align=center))
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)


UNIT_HEADERS = ["TT", "Đơn vị chủ trì", "Tổng số", "Đã hoàn thành", "Đã trình / dự thảo", "Đang thực hiện",
                "Chưa triển khai", "Quá hạn", "Tỷ lệ (%)"]
UNIT_CELLS = ["{{ u.stt }}", "{{ u.name }}", "{{ u.total }}", "{{ u.completed }}", "{{ u.awaiting }}",
              "{{ u.in_progress }}", "{{ u.not_started }}", "{{ u.overdue }}", "{{ u.rate }}"]
UNIT_TOTAL = ["", "Tổng cộng", "{{ totals.total }}", "{{ totals.completed }}", "{{ totals.awaiting }}",
              "{{ totals.in_progress }}", "{{ totals.not_started }}", "{{ totals.overdue }}", "{{ totals.rate }}"]


def _results(doc) -> None:
    _p(doc, "{{ paragraph }}", indent=True)
    _p(doc, "1. Kết quả theo đơn vị chủ trì", bold=True)
    _table(doc, UNIT_HEADERS, "u in units", UNIT_CELLS, UNIT_TOTAL)
    _p(doc, "2. Tiến độ so với thời hạn", bold=True)
    _table(doc, ["Phân loại", "Số nội dung"], "c in classes", ["{{ c.label }}", "{{ c.n }}"])
    _p(doc, "Tỷ lệ hoàn thành (đã hoàn thành ÷ đến hạn): {{ rate }}.", indent=True)
    _p(doc, "3. Biểu đồ", bold=True)
    _p(doc, "{{ chart }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{{ trajectory_chart }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{{ forecast }}", italic=True, indent=True)


def program_report() -> Document:
    doc = _document()
    _heading(doc, kind="report")
    _title(doc, "BÁO CÁO", "{{ subtitle }}")
    _p(doc, "{{ period_line }}", italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "I. KẾT QUẢ THỰC HIỆN", bold=True)
    _results(doc)
    _p(doc, "{%p if is_periodic %}")
    _p(doc, "4. Diễn biến trong kỳ", bold=True)
    _table(doc, ["Việc", "Số TT", "Tên nội dung", "Đơn vị chủ trì", "Ngày", "Ghi chú"], "a in activity",
           ["{{ a.what }}", "{{ a.code }}", "{{ a.title }}", "{{ a.lead_unit }}", "{{ a.date }}", "{{ a.doc }}"])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if is_year_end %}")
    _p(doc, "II. BÀI HỌC KINH NGHIỆM", bold=True)
    _list(doc, "lessons", empty="Chưa ghi nhận.")
    _p(doc, "III. KHÓ KHĂN, HẠN CHẾ VÀ KIẾN NGHỊ", bold=True)
    _p(doc, "1. Khó khăn, hạn chế", bold=True)
    _list(doc, "difficulties", empty="Chưa ghi nhận.")
    _p(doc, "2. Kiến nghị, đề xuất", bold=True)
    _list(doc, "recommendations", empty="Chưa ghi nhận.")
    _p(doc, "IV. NHIỆM VỤ NĂM {{ next_year }}", bold=True)
    _p(doc, "1. Nhiệm vụ theo kết luận của Hội nghị", bold=True)
    _p(doc, "{%p if tasks %}")
    _table(doc, ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"], "t in tasks",
           ["{{ t.stt }}", "{{ t.text }}", "{{ t.lead_unit }}", "{{ t.deadline }}"])
    _p(doc, "{%p else %}")
    _p(doc, "Chưa ghi nhận kết luận của Hội nghị tổng kết.", italic=True, indent=True)
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ carried_heading }}", bold=True)
    _p(doc, "{%p if carried_over %}")
    _table(doc, ["Số TT", "Tên nội dung", "Đơn vị chủ trì", "Thời hạn", "Trạng thái"], "i in carried_over",
           ["{{ i.code }}", "{{ i.title }}", "{{ i.lead_unit }}", "{{ i.deadline }}", "{{ i.status }}"])
    _p(doc, "{%p else %}")
    _p(doc, "Không còn nội dung chưa hoàn thành.", italic=True, indent=True)
    _p(doc, "{%p endif %}")
    _signature(doc)
    return doc


def reminder_dispatch() -> Document:
    doc = _document()
    _heading(doc, kind="dispatch")
    _p(doc, "Kính gửi: {{ unit }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _p(doc, "{{ opening }}", indent=True)
    _table(doc, ["Số TT", "Tên nội dung", "Thời hạn", "Số ngày quá hạn", "Trạng thái"], "i in items",
           ["{{ i.code }}", "{{ i.title }}", "{{ i.deadline }}", "{{ i.days }}", "{{ i.status }}"])
    _p(doc, "{{ request }}", indent=True)
    _signature(doc)
    return doc


def rotation_plan() -> Document:
    """The published plan of a rotation round (chidao.rotation.plan.plan_publish_document)."""
    doc = _document()
    _heading(doc, kind="report")
    _title(doc, "{{ title }}", "{{ subtitle }}")
    _p(doc, "{%p for b in basis %}")
    _p(doc, "{{ b }}", italic=True, indent=True)
    _p(doc, "{%p endfor %}")
    _p(doc, "{{ opening }}", indent=True)
    _table(doc, ["TT", "Họ và tên", "Từ chức danh, đơn vị", "Đến chức danh, đơn vị", "Ghi chú"], "r in rows",
           ["{{ r.stt }}", "{{ r.name }}", "{{ r.from }}", "{{ r.to }}", "{{ r.note }}"])
    _p(doc, "{%p if unplaced %}")
    _p(doc, "Chưa bố trí trong đợt này", bold=True)
    _list(doc, "unplaced", empty="")
    _p(doc, "{%p endif %}")
    _signature(doc)
    return doc


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    program_report().save(OUT / "program_report.docx")
    reminder_dispatch().save(OUT / "reminder_dispatch.docx")
    rotation_plan().save(OUT / "rotation_plan.docx")
    print(f"Wrote {OUT / 'program_report.docx'}, {OUT / 'reminder_dispatch.docx'} and {OUT / 'rotation_plan.docx'}")


if __name__ == "__main__":
    main()
