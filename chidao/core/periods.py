"""Reporting periods under Decree 09/2019/NĐ-CP (statistical cut-offs for administrative reports).

A period is written `YYYY-Mn` (month), `YYYY-Qn` (quarter), `YYYY-H1` (half-year) or `YYYY`
(`YYYY-N`, annual). Figures for a period are taken as of its last day, from history.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


class PeriodKind:
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


ROMAN = ["I", "II", "III", "IV"]


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        prefix = {PeriodKind.MONTH: "M", PeriodKind.QUARTER: "Q", PeriodKind.HALF: "H"}.get(self.kind)
        return f"{self.year}-{prefix}{self.number}" if prefix else str(self.year)

    @property
    def name(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("tháng %(n)s năm %(y)s") % {"n": self.number, "y": self.year}
        if self.kind == PeriodKind.QUARTER:
            return _("quý %(n)s năm %(y)s") % {"n": ROMAN[self.number - 1], "y": self.year}
        if self.kind == PeriodKind.HALF:
            return _("6 tháng đầu năm %(y)s") % {"y": self.year}
        return _("năm %(y)s") % {"y": self.year}

    @property
    def label(self) -> str:
        return _("%(name)s (từ %(start)s đến %(end)s)") % {
            "name": self.name, "start": self.start.strftime("%d/%m/%Y"), "end": self.end.strftime("%d/%m/%Y")}


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def reporting_period(*, kind: str, year: int, number: int = 1) -> ReportPeriod:
    """The start and cut-off of a report period.

    Decree 09/2019/NĐ-CP on the reporting regime of state administrative agencies, Art. 12(1):
    monthly figures run from the 15th of the previous month to the 14th of the reporting month;
    quarterly from the 15th of the month before the quarter to the 14th of its last month;
    half-year from 15 December of the previous year to 14 June; annual from 15 December of the
    previous year to 14 December. The cut-off day is `CHIDAO_REPORTING["cutoff_day"]`.
    """
    cutoff = settings.CHIDAO_REPORTING["cutoff_day"]
    if kind == PeriodKind.MONTH:
        if not 1 <= number <= 12:
            raise ValueError(_("Tháng phải từ 1 đến 12."))
        last_month, months = number, 1
    elif kind == PeriodKind.QUARTER:
        if not 1 <= number <= 4:
            raise ValueError(_("Quý phải từ 1 đến 4."))
        last_month, months = 3 * number, 3
    elif kind == PeriodKind.HALF:
        if number != 1:
            raise ValueError(_("Báo cáo 6 tháng là 6 tháng đầu năm (H1); cuối năm dùng báo cáo năm."))
        last_month, months = 6, 6
    elif kind == PeriodKind.YEAR:
        last_month, months, number = 12, 12, 1
    else:
        raise ValueError(_("Loại kỳ báo cáo không hợp lệ."))
    first_month = last_month - months + 1
    start_year, start_month = _month_before(year, first_month)
    return ReportPeriod(
        kind=kind, year=year, number=number,
        start=dt.date(start_year, start_month, cutoff + 1), end=dt.date(year, last_month, cutoff),
    )


_SPEC = re.compile(r"^\s*(\d{4})(?:-([MQHN])(\d{0,2}))?\s*$", re.IGNORECASE)


def period_parse(spec: str) -> ReportPeriod:
    """`2021-Q4`, `2021-M11`, `2021-H1`, `2021` or `2021-N` → the period, or ValueError in words."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ValueError(_("Kỳ báo cáo “%(s)s” không hợp lệ; ví dụ: 2021-M11, 2021-Q4, 2021-H1, 2021.") % {"s": spec})
    year = int(match.group(1))
    letter = (match.group(2) or "N").upper()
    number = int(match.group(3)) if match.group(3) else 1
    if letter != "N" and not match.group(3):
        raise ValueError(_("Kỳ báo cáo “%(s)s” thiếu số tháng, quý hoặc nửa năm.") % {"s": spec})
    kind = {"M": PeriodKind.MONTH, "Q": PeriodKind.QUARTER, "H": PeriodKind.HALF, "N": PeriodKind.YEAR}[letter]
    return reporting_period(kind=kind, year=year, number=number)


def periods_for_year(year: int) -> list[ReportPeriod]:
    """Every period of a year, for pickers: 12 months, 4 quarters, the half-year and the year."""
    return (
        [reporting_period(kind=PeriodKind.MONTH, year=year, number=m) for m in range(1, 13)]
        + [reporting_period(kind=PeriodKind.QUARTER, year=year, number=q) for q in range(1, 5)]
        + [reporting_period(kind=PeriodKind.HALF, year=year), reporting_period(kind=PeriodKind.YEAR, year=year)]
    )
