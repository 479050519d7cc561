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


PARTY = "party"
STATE = "state"
# Units whose documents follow the Party's format (Hướng dẫn 36-HD/VPTW of 03/4/2018): Party committees, their
# boards and offices (a board under a committee, e.g. a steering committee of the Thành ủy, counts as one), cells.
PARTY_KINDS = frozenset({"party_committee", "party_body", "party_cell"})


def document_format(unit_kind: str) -> str:
    """"party" for a Party body (Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM", the number as "Số 12-BC/BCĐ"),
    "state" for a State body (Decree 30/2020/NĐ-CP: the national motto, the number as "Số: 12/BC-UBND"). A committee
    with no unit of its own is judged by the body it works under (its superior)."""
    return PARTY if unit_kind in PARTY_KINDS else STATE


def number_text(fmt: str, number: int | None, type_code: str, issuer_code: str) -> str:
    """The document's number line: Party "Số 12-BC/BCĐ" (Hướng dẫn 36-HD/VPTW, Part II), State "Số: 12/BC-UBND"
    (Decree 30/2020/NĐ-CP, Appendix I); an unissued draft leaves the number blank ("Số       -BC/BCĐ")."""
    shown = str(number) if number else "\u00a0" * 6
    if fmt == PARTY:
        return f"Số {shown}-{type_code}/{issuer_code}"
    return f"Số: {shown}/{type_code}-{issuer_code}"
