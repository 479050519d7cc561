"""Turn a computed report (figures.py) into a Word, PDF or Excel file.

The same context feeds the Word template (docxtpl) and the PDF's HTML template (WeasyPrint), so the
two formats say the same thing; the workbook holds the same tables, one sheet each.
"""

import base64
import datetime as dt
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, Listing
from openpyxl import Workbook

from chidao.core.dates import format_date as _d
from chidao.core.documents import DEFAULT_TEMPLATES, document_fields, document_format, vn_long_date
from chidao.core.docx import docx_render
from chidao.core.excel import safe_cell, write_table
from chidao.core.http import DOCX, PDF, XLSX
from chidao.core.ratings import Rating
from chidao.core.signing import pdf_issue
from chidao.programs.models import DeadlineClass, Status

from . import charts
from .figures import ProgramReport, ReportKind
from .models import ReportTemplate, TemplateKind

Progress = Callable[[int, str], None]
CONTENT_TYPES = {"docx": DOCX, "pdf": PDF, "xlsx": XLSX}


def _noop(pct: int, message: str) -> None:
    return None




def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + "%"


def template_file(kind: str) -> Path | FieldFile:
    """The Word template in force: the administrator's replacement (in the file storage, which may be a bucket)
    if any, else the default shipped with the code."""
    custom = ReportTemplate.objects.filter(kind=kind).first()
    if custom is not None and custom.file:
        return custom.file
    return DEFAULT_TEMPLATES / f"{kind}.docx"


def template_content(kind: str) -> io.BytesIO:
    """The bytes of the Word template in force, read through the storage API (local disk or a bucket)."""
    source = template_file(kind)
    with source.open("rb") as f:
        return io.BytesIO(f.read())


def file_name(report: ProgramReport, fmt: str) -> str:
    number = report.program.number.replace("/", "-")
    if report.kind == ReportKind.YEAR_END:
        stem = f"tong-ket-nam-{report.year}_{number}"
    elif report.kind == ReportKind.PERIODIC:
        assert report.period is not None
        stem = f"bao-cao-{report.period.code}_{number}"
    elif report.kind == ReportKind.STOCKTAKE:
        stem = f"kiem-diem-tien-do_{number}_{report.as_of:%Y-%m-%d}"
    else:
        unit = report.unit.code if report.unit else ""
        stem = f"cong-van-don-doc_{unit}_{number}_{report.as_of:%Y-%m-%d}"
    return f"{stem}.{fmt}"


def _units(report: ProgramReport) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = []
    for n, u in enumerate(report.summary.units, start=1):
        rows.append({"stt": n, "name": u.name, "total": u.total, "completed": u.completed,
                     "awaiting": u.awaiting_approval, "in_progress": u.in_progress, "not_started": u.not_started,
                     "overdue": u.overdue, "rate": _rate(u.completion_rate)})
    s = report.summary
    totals = {"total": s.deliverables, "completed": s.completed, "awaiting": s.awaiting_approval,
              "in_progress": s.in_progress, "not_started": s.not_started,
              "overdue": s.deadline_classes["open_overdue"], "rate": _rate(s.completion_rate)}
    return rows, totals


def _activity_rows(report: ProgramReport) -> list[dict[str, Any]]:
    labels = {"assigned": _("Giao mới"), "submitted": _("Trình"), "completed": _("Hoàn thành"),
              "extended": _("Gia hạn")}
    rows = []
    for key in ("assigned", "submitted", "completed", "extended"):
        for a in report.activity.get(key, []):
            rows.append({**a, "what": labels[key], "date": _d(a["date"])})
    return rows


def report_context(report: ProgramReport, document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every string the documents print, formatted the Vietnamese way (dd/mm/yyyy, decimal comma). The format is
    the issuing body's (a program's steering committee writes as the body that issued the program: a Thành ủy in
    the Party's format); `document` may give the number, draft state and signer (see core.documents)."""
    program = report.program
    units, totals = _units(report)
    next_year = (report.year or report.as_of.year) + 1
    if report.kind == ReportKind.YEAR_END:
        subtitle = _("Tổng kết công tác năm %(y)s, phương hướng, nhiệm vụ năm %(n)s thực hiện Chương trình số "
                     "%(p)s") % {"y": report.year, "n": next_year, "p": program.number}
        period_line = _("Số liệu tính đến hết ngày %(d)s") % {"d": _d(report.as_of)}
        carried = _("2. Các nội dung chuyển tiếp thực hiện trong năm %(n)s") % {"n": next_year}
    elif report.kind == ReportKind.PERIODIC:
        assert report.period is not None
        subtitle = _("Kết quả thực hiện Chương trình số %(p)s %(period)s") % {
            "p": program.number, "period": report.period.name}
        period_line = _("Kỳ báo cáo từ %(a)s đến %(b)s (Nghị định số 09/2019/NĐ-CP); số liệu tính đến hết ngày "
                        "%(b)s") % {"a": _d(report.period.start), "b": _d(report.period.end)}
        carried = _("II. CÁC NỘI DUNG CHƯA HOÀN THÀNH")
    else:
        subtitle = _("Kiểm điểm tiến độ thực hiện Chương trình số %(p)s") % {"p": program.number}
        period_line = _("Số liệu tính đến hết ngày %(d)s") % {"d": _d(report.as_of)}
        carried = _("Các nội dung chưa hoàn thành")
    items_open = report.carried_over if report.kind != ReportKind.PERIODIC else [
        i for i in report.summary.items if i.status not in (Status.COMPLETED, Status.CANCELLED)]
    return {
        "issuing_body": program.issuing_body.name.upper(),
        "issuer": (_("Ban Chỉ đạo Chương trình số") + " ").upper() + program.number,
        "place_date": f"{settings.CHIDAO_REPORT_PLACE}, {vn_long_date(report.as_of)}",
        "subtitle": subtitle,
        "period_line": period_line,
        "paragraph": report.paragraph,
        "units": units,
        "totals": totals,
        "classes": [{"label": label[:1].upper() + label[1:], "n": n} for label, n in report.class_rows],
        "rate": _rate(report.summary.completion_rate),
        "forecast": report.trajectory.forecast_text,
        "is_year_end": report.kind == ReportKind.YEAR_END,
        "is_periodic": report.kind == ReportKind.PERIODIC,
        "activity": _activity_rows(report),
        "lessons": report.lessons,
        "difficulties": report.difficulties,
        "recommendations": report.recommendations,
        "next_year": next_year,
        "tasks": [{"stt": n, "text": t["text"], "lead_unit": t["lead_unit"], "deadline": _d(t["deadline"]),
                   "code": t["code"]} for n, t in enumerate(report.tasks, start=1)],
        "carried_heading": carried,
        "carried_over": [{"code": i.code, "title": i.title, "lead_unit": i.lead_unit_name, "deadline": _d(i.deadline),
                          "status": i.status_label, "days": (report.as_of - i.deadline).days}
                         for i in sorted(items_open, key=lambda i: (i.deadline, i.code))],
        **document_fields(doc_format=document_format(program.issuing_body.kind),
                          type_code="CV" if report.kind == ReportKind.DISPATCH else "BC", issuer_code="BCĐ",
                          head_title="TRƯỞNG BAN", given=document),
        "recipients": _("- Thường trực Thành ủy;\n- Các đồng chí thành viên Ban Chỉ đạo;\n"
                        "- Các cơ quan, đơn vị chủ trì;\n- Lưu VT."),
    }


def _dispatch_context(report: ProgramReport, document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    context = report_context(report, document)
    assert report.unit is not None
    items = context["carried_over"]
    context.update({
        "unit": report.unit.name,
        "subject": _("V/v đôn đốc thực hiện các nội dung quá hạn"),
        "opening": _("Thực hiện Chương trình số %(p)s, tính đến hết ngày %(d)s, %(u)s còn %(n)s nội dung chủ trì "
                     "đã quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:") % {
            "p": report.program.number, "d": _d(report.as_of), "u": report.unit.name, "n": len(items)},
        "items": items,
        "request": _("Ban Chỉ đạo đề nghị %(u)s tập trung chỉ đạo, khẩn trương hoàn thành các nội dung trên; "
                     "trường hợp cần gia hạn, báo cáo rõ lý do và đề xuất thời hạn mới gửi Ban Chỉ đạo (qua Ban Tổ "
                     "chức Thành ủy) trước ngày %(d)s.") % {
            "u": report.unit.name, "d": _d(report.as_of + dt.timedelta(days=7))},
        "recipients": _("- Như trên;\n- Thường trực Ban Chỉ đạo;\n- Lưu VT."),
    })
    return context


# --- Word ---------------------------------------------------------------------------------------------


def build_docx(report: ProgramReport, progress: Progress = _noop, document: Mapping[str, Any] | None = None) -> bytes:
    kind = TemplateKind.REMINDER_DISPATCH if report.kind == ReportKind.DISPATCH else TemplateKind.PROGRAM_REPORT
    tpl = DocxTemplate(template_content(kind))
    if report.kind == ReportKind.DISPATCH:
        context = _dispatch_context(report, document)
    else:
        context = report_context(report, document)
        progress(40, _("Đang vẽ biểu đồ"))
        context["chart"] = InlineImage(tpl, io.BytesIO(charts.units_chart(report, "png")), width=Mm(160))
        context["trajectory_chart"] = InlineImage(
            tpl, io.BytesIO(charts.trajectory_chart(report.trajectory, "png")), width=Mm(160))
    context["recipients"] = Listing(context["recipients"])
    progress(70, _("Đang ghép vào mẫu Word"))
    docx_render(tpl, context)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------------


def _svg_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def build_pdf(report: ProgramReport, progress: Progress = _noop, document: Mapping[str, Any] | None = None) -> bytes:
    if report.kind == ReportKind.DISPATCH:
        context = _dispatch_context(report, document)
        template = "reports/dispatch_pdf.html"
    else:
        context = report_context(report, document)
        progress(40, _("Đang vẽ biểu đồ"))
        context["chart"] = _svg_uri(charts.units_chart(report, "svg"))
        context["trajectory_chart"] = _svg_uri(charts.trajectory_chart(report.trajectory, "svg"))
        template = "reports/report_pdf.html"
        if report.kind == ReportKind.STOCKTAKE:
            template = "reports/stocktake_pdf.html"
            context["pages"] = [
                {"u": u, "rating_label": Rating.label(u.rating), "rate": _rate(u.row.completion_rate),
                 "chart": _svg_uri(charts.trajectory_chart(u.trajectory, "svg")),
                 "slipping": [{"code": s["item"].code, "title": s["item"].title, "deadline": _d(s["item"].deadline),
                               "status": s["item"].status_label, "why": s["why"]} for s in u.slipping]}
                for u in report.units
            ]
    progress(70, _("Đang dàn trang PDF"))
    html = render_to_string(template, {**context, "report": report})
    return pdf_issue(html, draft=bool(context.get("draft")), signer_name=context.get("issuer", ""),
                     reason=_("Ban hành văn bản"), location=settings.CHIDAO_REPORT_PLACE)


# --- Excel --------------------------------------------------------------------------------------------


def build_xlsx(report: ProgramReport, progress: Progress = _noop, document: Mapping[str, Any] | None = None) -> bytes:
    """The same figures, one sheet per table, each titled with the program and the cut-off."""
    context = report_context(report, document)
    title = [context["subtitle"], context["period_line"]]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Tổng hợp")[:31]
    s = report.summary
    write_table(ws, title_lines=title, headers=[_("Chỉ tiêu"), _("Số lượng")], widths=[60, 14], rows=[
        (_("Tổng số nội dung"), s.deliverables), (_("Số đơn vị chủ trì"), s.lead_units),
        *report.status_rows,
        (_("Tỷ lệ hoàn thành (%)"), s.completion_rate),
    ])
    ws.cell(row=len(title) + 12, column=1, value=safe_cell(report.paragraph))
    write_table(wb.create_sheet(_("Theo đơn vị")[:31]), title_lines=title, headers=[
        _("TT"), _("Đơn vị chủ trì"), _("Tổng số"), _("Đã hoàn thành"), _("Đã trình / dự thảo"),
        _("Đang thực hiện"), _("Chưa triển khai"), _("Quá hạn"), _("Tỷ lệ (%)")], widths=[6, 40, 10, 12, 14, 12, 12,
                                                                                   10, 10],
        rows=[(n, u.name, u.total, u.completed, u.awaiting_approval, u.in_progress, u.not_started, u.overdue,
               u.completion_rate) for n, u in enumerate(s.units, start=1)])
    write_table(wb.create_sheet(_("Theo thời hạn")[:31]), title_lines=title,
                headers=[_("Phân loại"), _("Số nội dung")], widths=[40, 14], rows=report.class_rows)
    write_table(wb.create_sheet(_("Danh sách nội dung")[:31]), title_lines=title, headers=[
        _("Số TT"), _("Tên nội dung"), _("Đơn vị chủ trì"), _("Thời hạn"), _("Trạng thái"), _("Ngày hoàn thành"),
        _("Phân loại thời hạn")], widths=[8, 60, 30, 12, 22, 14, 26],
        rows=[(i.code, i.title, i.lead_unit_name, i.deadline, i.status_label, i.completed_on,
               _class_label(i.deadline_class(report.as_of))) for i in s.items])
    progress(50, _("Đang ghi các bảng"))
    if report.kind == ReportKind.PERIODIC:
        write_table(wb.create_sheet(_("Diễn biến trong kỳ")[:31]), title_lines=title, headers=[
            _("Việc"), _("Số TT"), _("Tên nội dung"), _("Đơn vị chủ trì"), _("Ngày"), _("Ghi chú")],
            widths=[12, 8, 60, 30, 12, 24],
            rows=[(a["what"], a["code"], a["title"], a["lead_unit"], a["date"], a["doc"])
                  for a in context["activity"]])
    if report.kind == ReportKind.YEAR_END:
        points = ([(_("Bài học kinh nghiệm"), t) for t in report.lessons]
                  + [(_("Khó khăn, hạn chế"), t) for t in report.difficulties]
                  + [(_("Kiến nghị, đề xuất"), t) for t in report.recommendations])
        write_table(wb.create_sheet(_("Bài học, kiến nghị")[:31]), title_lines=title,
                    headers=[_("Loại"), _("Nội dung")], widths=[24, 90], rows=points)
        write_table(wb.create_sheet(_("Nhiệm vụ năm sau")[:31]), title_lines=title, headers=[
            _("TT"), _("Nhiệm vụ"), _("Đơn vị chủ trì"), _("Thời hạn"), _("Số TT theo dõi")],
            widths=[6, 70, 30, 12, 14],
            rows=[(t["stt"], t["text"], t["lead_unit"], t["deadline"], t["code"]) for t in context["tasks"]])
    if report.kind == ReportKind.STOCKTAKE:
        write_table(wb.create_sheet(_("Đánh giá đơn vị")[:31]), title_lines=title, headers=[
            _("Đơn vị chủ trì"), _("Đánh giá"), _("Lý do"), _("Dự báo hoàn thành"), _("Cần quyết định")],
            widths=[36, 30, 50, 16, 70],
            rows=[(u.name, Rating.label(u.rating), " ".join(u.reasons), u.trajectory.forecast,
                   "\n".join(u.decisions)) for u in report.units])
    write_table(wb.create_sheet(_("Quỹ đạo")[:31]), title_lines=title, headers=[
        _("Đến ngày"), _("Kế hoạch (cộng dồn)"), _("Thực tế (cộng dồn)")], widths=[14, 20, 20],
        rows=[(p.day, p.planned, p.actual) for p in report.trajectory.points])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _class_label(value: str | None) -> str:
    return str(DeadlineClass(value).label) if value else ""


BUILDERS: dict[str, Callable[[ProgramReport, Progress, Mapping[str, Any] | None], bytes]] = {
    "docx": build_docx, "pdf": build_pdf, "xlsx": build_xlsx,
}


def build(report: ProgramReport, fmt: str, progress: Progress = _noop,
          document: Mapping[str, Any] | None = None) -> tuple[bytes, str]:
    """The file's bytes and its download name; `document` gives the number, draft state and signer."""
    if fmt not in BUILDERS:
        raise ValueError(_("Định dạng “%(f)s” không hỗ trợ; chọn docx, pdf hoặc xlsx.") % {"f": fmt})
    return BUILDERS[fmt](report, progress, document), file_name(report, fmt)
