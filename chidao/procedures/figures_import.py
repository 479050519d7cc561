"""Processing figures from the one-stop shop's exports (`figures_import`), on `core.imports`.

One sheet as the one-stop shop (bộ phận một cửa) exports it, title rows above a header such as "STT | Mã thủ tục |
Tên thủ tục | Số hồ sơ tiếp nhận | Đã giải quyết đúng hạn | Giải quyết quá hạn | Đang giải quyết" (aliases accepted,
compared without diacritics; a two-row header with "Đã giải quyết" merged over "Đúng hạn | Quá hạn" too). The
period is given (from-to dates or a Decree 09 period code such as 2021-Q4) or read from a title row "Từ ngày
dd/mm/yyyy đến ngày dd/mm/yyyy".
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from chidao.core import imports as ci
from chidao.core.errors import PermissionDenied
from chidao.core.excel import HeaderMatch, cell_text, find_header, parse_date
from chidao.core.models import User
from chidao.core.periods import period_parse
from chidao.core.text import fold

from . import permissions
from .models import Procedure, ProcessingFigure

_d = ci.day_text
BATCH = 2000
FIGURES = "Số liệu"
FIGURE_COLUMNS: dict[str, list[str]] = {
    "code": ["Mã thủ tục", "Mã TTHC", "Mã số TTHC", "Mã thủ tục hành chính", "Mã số thủ tục", "Mã"],
    "name": ["Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính"],
    "received": ["Số hồ sơ tiếp nhận", "Tiếp nhận", "Hồ sơ tiếp nhận", "Tổng số hồ sơ tiếp nhận", "Số hồ sơ nhận",
                 "Tổng số hồ sơ", "Số hồ sơ", "Tổng số"],
    "on_time": ["Đã giải quyết đúng hạn", "Giải quyết đúng hạn", "Đúng hạn", "Trước hạn, đúng hạn",
                "Đúng hạn, trước hạn", "Giải quyết trước hạn, đúng hạn", "Đã giải quyết trước hạn, đúng hạn",
                "Trước hạn và đúng hạn", "Đã giải quyết trước và đúng hạn", "Trong hạn", "Đã giải quyết trong hạn"],
    "late": ["Giải quyết quá hạn", "Đã giải quyết quá hạn", "Quá hạn", "Trễ hạn", "Giải quyết trễ hạn",
             "Đã giải quyết trễ hạn"],
    "pending": ["Đang giải quyết", "Chưa giải quyết", "Đang xử lý", "Đang giải quyết (trong hạn và quá hạn)",
                "Hồ sơ đang giải quyết", "Tồn"],
}
FIGURE_REQUIRED = ["code", "received", "on_time", "late", "pending"]
NUMBERS = ("received", "on_time", "late", "pending")
_PERIOD_TITLE = re.compile(r"tu ngay\s*(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})\s*,?\s*den ngay\s*"
                           r"(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})")
_SPECS = [ci.Column("code", FIGURE_COLUMNS["code"]), ci.Column("name", FIGURE_COLUMNS["name"])] + [
    ci.column(ProcessingFigure, n, FIGURE_COLUMNS[n], required=False, bounds=None) for n in NUMBERS]
_INT_MAX = 2147483647



@dataclass
class FiguresImportResult(ci.ImportResult):
    """The framework's result with the period; counts: figures created and replaced."""

    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def created(self) -> int:
        return self.counts.get("created", 0)

    @property
    def replaced(self) -> int:
        return self.counts.get("replaced", 0)


def _title_period(ws: Any, before_row: int) -> tuple[dt.date, dt.date] | None:
    """The period a title row states ("Từ ngày 15/09/2021 đến ngày 14/12/2021"), if any."""
    for row in ws.iter_rows(min_row=1, max_row=max(before_row - 1, 1), values_only=True):
        for value in row:
            match = _PERIOD_TITLE.search(fold(cell_text(value)))
            if match:
                try:
                    start = parse_date(re.sub(r"\s", "", match.group(1)))
                    end = parse_date(re.sub(r"\s", "", match.group(2)))
                except ValueError:
                    continue
                if start and end:
                    return start, end
    return None


def _given_period(*, start: dt.date | None, end: dt.date | None, period: str) -> tuple[dt.date, dt.date] | None:
    """The period chosen by the user: a Decree 09 code, or from-to dates. Raises ValueError in words."""
    if period:
        p = period_parse(period)
        return p.start, p.end
    if start or end:
        if not (start and end):
            raise ValueError(_("Ghi đủ từ ngày và đến ngày."))
        if end < start:
            raise ValueError(_("Đến ngày (%(e)s) không được trước từ ngày (%(s)s).") % {"e": _d(end), "s": _d(start)})
        return start, end
    return None


def _period(result: FiguresImportResult, given: tuple[dt.date, dt.date] | None, ws: Any,
            header: HeaderMatch) -> bool:
    """Settle the period (given, or from the title rows; both must agree) on the result; False: refused."""
    sheet = ws.title
    titled = _title_period(ws, header.row)
    if given and titled and given != titled:
        result.refuse(_("Kỳ ghi trong tệp (từ %(fs)s đến %(fe)s) khác kỳ đã chọn (từ %(s)s đến %(e)s).") % {
            "fs": _d(titled[0]), "fe": _d(titled[1]), "s": _d(given[0]), "e": _d(given[1])}, sheet)
        return False
    chosen = given or titled
    if chosen is None:
        result.refuse(_("Chưa có kỳ số liệu: chọn kỳ (ví dụ 2021-Q4) hoặc từ ngày, đến ngày; hoặc ghi trong tệp dòng "
                        "“Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy”."), sheet)
        return False
    if chosen[1] < chosen[0]:
        result.refuse(_("Đến ngày (%(e)s) không được trước từ ngày (%(s)s).") % {
            "e": _d(chosen[1]), "s": _d(chosen[0])}, sheet)
        return False
    result.start, result.end = chosen
    return True


class _Reader:
    """The rows of one figures import, checked against the registry and the figures already recorded."""

    def __init__(self, result: FiguresImportResult, sheet: str, *, replace: bool, source: str) -> None:
        assert result.start is not None and result.end is not None
        self.result, self.sheet, self.replace, self.source = result, sheet, replace, source
        self.start, self.end = result.start, result.end
        self.err = ci.Errors(result, {sheet: FIGURE_COLUMNS})
        self.procedures = dict(Procedure.objects.values_list("code", "id"))
        self.folded = {fold(c): pk for c, pk in self.procedures.items()}
        self.existing: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
        for pk, pid, s, e in ProcessingFigure.objects.filter(
                period_start__lte=self.end, period_end__gte=self.start).values_list(
                "pk", "procedure_id", "period_start", "period_end"):
            self.existing[pid].append((pk, s, e))
        self.seen: dict[int, int] = {}
        self.new: list[ProcessingFigure] = []
        self.to_replace: list[int] = []

    def row(self, r: int, values: list[Any], raw: tuple[Any, ...]) -> None:
        n = len(self.err)
        code = ci.cells_read(_SPECS[:1], values[:1], self.err, self.sheet, r)["code"]
        if not code:
            words = fold(" ".join(cell_text(x) for x in raw)).split()
            if "tong" not in words and "cong" not in words and any(x not in (None, "") for x in values[2:]):
                self.err(self.sheet, r, "code", _("Thiếu mã thủ tục."))
            return  # else a total row or a field heading ("I. Lĩnh vực hộ tịch")
        proc_id = self.procedures.get(code) or self.folded.get(fold(code))
        if proc_id is None:
            self.err(self.sheet, r, "code", _("Không có thủ tục mã “%(c)s” trong danh mục.") % {"c": code})
        numbers = self._numbers(r, values[2:])
        if proc_id is not None and not self._once(r, code, proc_id):
            return
        if len(self.err) > n or proc_id is None:
            return
        self.new.append(ProcessingFigure(procedure_id=proc_id, period_start=self.start, period_end=self.end,
                                         source=self.source, **numbers))

    def _numbers(self, r: int, cells: list[Any]) -> dict[str, int]:
        numbers: dict[str, int] = {}
        for spec, value in zip(_SPECS[2:], cells, strict=True):
            try:
                count = spec.read(value)
            except ci.CellError as exc:
                self.err(self.sheet, r, spec.name, str(exc))
                continue
            if count is not None and count < 0:
                self.err(self.sheet, r, spec.name, _("Số hồ sơ không được âm (%(v)s).") % {"v": count})
            elif count is not None and count > _INT_MAX:
                self.err(self.sheet, r, spec.name, _("Số %(v)s không hợp lệ.") % {"v": count})
            else:
                numbers[spec.name] = count or 0
        if len(numbers) == 4:
            handled = numbers["on_time"] + numbers["late"] + numbers["pending"]
            if handled > numbers["received"]:
                self.err(self.sheet, r, "received", _(
                    "Số hồ sơ tiếp nhận (%(r)s) nhỏ hơn tổng đúng hạn, quá hạn và đang giải quyết (%(h)s).")
                    % {"r": numbers["received"], "h": handled})
        return numbers

    def _once(self, r: int, code: str, proc_id: int) -> bool:
        """Not twice in the file; a figure already recorded for the period is replaced (`replace`) or an error,
        one for an overlapping period always is. False: a duplicate row (skipped)."""
        if proc_id in self.seen:
            self.err(self.sheet, r, "code", _("Thủ tục %(c)s trùng với dòng %(row)s.") % {
                "c": code, "row": self.seen[proc_id]})
            return False
        self.seen[proc_id] = r
        for pk, s, e in self.existing.get(proc_id, []):
            if (s, e) == (self.start, self.end) and self.replace:
                self.to_replace.append(pk)
            elif (s, e) == (self.start, self.end):
                self.err(self.sheet, r, "code", _(
                    "Thủ tục %(c)s đã có số liệu kỳ từ %(s)s đến %(e)s; chọn “thay thế số liệu đã có” để ghi đè.") % {
                    "c": code, "s": _d(s), "e": _d(e)})
            else:
                self.err(self.sheet, r, "code", _(
                    "Thủ tục %(c)s đã có số liệu kỳ từ %(s)s đến %(e)s, chồng lấn kỳ này (số liệu sẽ bị tính hai "
                    "lần).") % {"c": code, "s": _d(s), "e": _d(e)})
        return True


def _read(result: FiguresImportResult, wb: Any, given: tuple[dt.date, dt.date] | None, *, replace: bool,
          source: str) -> "_Reader | None":
    ws = wb.worksheets[0]
    header = find_header(ws, FIGURE_COLUMNS, FIGURE_REQUIRED)
    if header is None:
        result.refuse(ci.header_missing(FIGURE_COLUMNS, FIGURE_REQUIRED), ws.title)
        return None
    if not _period(result, given, ws, header):
        return None
    reader = _Reader(result, ws.title, replace=replace, source=source)
    try:
        for r, values, raw in ci.data_rows(ws, header, list(FIGURE_COLUMNS), blank_by_fields=False):
            reader.row(r, values, raw)
    except ci.TooManyErrors:
        result.truncated = True
    if not reader.new and not result.errors:
        result.refuse(_("Tệp không có dòng số liệu nào."), ws.title)
    return reader


def figures_import(*, actor: User, file: IO[bytes] | str, start: dt.date | None = None, end: dt.date | None = None,
                   period: str = "", replace: bool = False, dry_run: bool = False,
                   source: str = "") -> FiguresImportResult:
    """Validate every row of a one-stop-shop export, then write all its figures in one transaction, or none.

    The period is `period` (a Decree 09/2019 code such as 2021-Q4) or `start`-`end`, else the title row
    "Từ ngày ... đến ngày ..."; when both are there they must agree. Errors (each with its row and
    column): unknown procedure code, a number that is negative or not whole, on time + late + pending more
    than received, a procedure twice in the file, a figure already recorded for the same procedure and period
    (unless `replace`, which replaces it) or for an overlapping period (figures of overlapping periods would
    be counted twice). Writes one change record (action "import") with the counts.
    """
    if not permissions.can_edit_procedures(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu giải quyết hồ sơ."))
    result = FiguresImportResult(counts={"created": 0, "replaced": 0}, dry_run=dry_run)
    try:
        given = _given_period(start=start, end=end, period=period)
    except ValueError as exc:
        return result.refuse(str(exc))  # type: ignore[return-value]
    source = source[:ProcessingFigure._meta.get_field("source").max_length or 200]
    wb = ci.import_open(file, result)
    if wb is None:
        return result
    try:
        reader = _read(result, wb, given, replace=replace, source=source)
    finally:
        wb.close()
    if reader is None or result.errors:
        return result
    result.counts.update(created=len(reader.new) - len(reader.to_replace), replaced=len(reader.to_replace))
    if dry_run:
        return result

    def write() -> dict[str, Any]:
        ProcessingFigure.objects.filter(pk__in=reader.to_replace).delete()
        ProcessingFigure.objects.bulk_create(reader.new, batch_size=BATCH)
        return {"start": reader.start, "end": reader.end, **result.counts, "source": source}

    if not ci.import_write(result, actor=actor, model=ProcessingFigure, write=write, summary=_(
            "Nhập số liệu giải quyết hồ sơ từ %(s)s đến %(e)s") % {"s": _d(reader.start), "e": _d(reader.end)},
            conflict=_("Số liệu vừa bị thay đổi trong khi nhập; chưa ghi gì, hãy nhập lại.")):
        result.counts.update(created=0, replaced=0)
    return result
