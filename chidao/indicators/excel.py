"""Excel export of the indicators: one sheet each for indicators (with their standing), targets and actuals."""

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from chidao.core.excel import write_table

from .selectors import IndicatorStatus


def indicators_export(*, statuses: list[IndicatorStatus], as_of: dt.date) -> bytes:
    wb = Workbook()
    title = _("Tính đến ngày %(d)s") % {"d": as_of.strftime("%d/%m/%Y")}
    ws = wb.active
    assert ws is not None
    ws.title = _("Chỉ số")
    write_table(
        ws, title_lines=[_("CÁC CHỈ SỐ, CHỈ TIÊU"), title],
        headers=[_("Mã"), _("Tên chỉ số"), _("Đơn vị tính"), _("Chiều tốt"), _("Giá trị gốc"), _("Thời điểm gốc"),
                 _("Đơn vị chịu trách nhiệm"), _("Số liệu mới nhất"), _("Ngày số liệu"), _("Chỉ tiêu hiện tại"),
                 _("Đánh giá"), _("Dự báo")],
        rows=[[s.indicator.code, s.indicator.name, s.indicator.unit_of_measure,
               _("càng cao càng tốt") if s.indicator.higher_is_better else _("càng thấp càng tốt"),
               s.indicator.baseline_value, s.indicator.baseline_date, s.indicator.responsible_unit.name,
               s.latest.value if s.latest else None, s.latest.as_of if s.latest else None, s.target_now,
               s.rating_label, s.forecast_text] for s in statuses],
        widths=[10, 50, 10, 16, 12, 14, 30, 14, 14, 14, 28, 50],
    )
    ws = wb.create_sheet(_("Chỉ tiêu"))
    write_table(
        ws, title_lines=[_("CHỈ TIÊU THEO KỲ"), title],
        headers=[_("Mã chỉ số"), _("Tên chỉ số"), _("Kỳ"), _("Từ ngày"), _("Đến ngày"), _("Chỉ tiêu"),
                 _("Đơn vị tính"), _("Ghi chú")],
        rows=[[s.indicator.code, s.indicator.name, t.period_code, t.period_start, t.period_end, t.value,
               s.indicator.unit_of_measure, t.note] for s in statuses for t in s.indicator.targets.all()],
        widths=[10, 50, 10, 14, 14, 12, 10, 30],
    )
    ws = wb.create_sheet(_("Thực hiện"))
    write_table(
        ws, title_lines=[_("SỐ LIỆU THỰC HIỆN"), title],
        headers=[_("Mã chỉ số"), _("Tên chỉ số"), _("Số liệu tại ngày"), _("Giá trị"), _("Đơn vị tính"),
                 _("Nguồn"), _("Đơn vị báo cáo"), _("Người báo cáo")],
        rows=[[s.indicator.code, s.indicator.name, a.as_of, a.value, s.indicator.unit_of_measure, a.source,
               a.reporting_unit.name, str(a.reported_by)] for s in statuses for a in s.indicator.actuals.all()
              if a.as_of <= as_of],
        widths=[10, 50, 14, 12, 10, 50, 30, 24],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
