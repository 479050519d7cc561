"""Shared document concepts: the default Word templates (reports, dispatches, rotation plans) and the long
date a document is signed with. Apps above core fill the templates; core only knows where they are."""

import datetime as dt
from pathlib import Path

# The default Word templates (docxtpl), one per kind: chidao/core/data/<kind>.docx
# (written by scripts/make_report_templates.py; an administrator may replace one, see reports.builders).
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data"


def vn_long_date(day: dt.date) -> str:
    """"ngày 05 tháng 01 năm 2022": days under 10 and months 1-2 take a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I, on the place and date of a document)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
