"""Procedures to and from Excel: processing figures from the one-stop shop's exports, and the registry
(procedures and publication decisions) as a two-sheet workbook. Every import is validated row by row and
written all-or-nothing, in one transaction, with bulk inserts and ONE change record with the counts.

Processing figures (`figures_import`): one sheet as the one-stop shop (bộ phận một cửa) exports it, title
rows above a header such as "STT | Mã thủ tục | Tên thủ tục | Số hồ sơ tiếp nhận | Đã giải quyết đúng hạn |
Giải quyết quá hạn | Đang giải quyết" (aliases accepted, compared without diacritics; a two-row header with
"Đã giải quyết" merged over "Đúng hạn | Quá hạn" too). The period is given (from-to dates or a Decree 09
period code such as 2021-Q4) or read from a title row "Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy".

Registry (`registry_import`, `registry_export`, `registry_template`): sheet "Thủ tục" (one row per
procedure) and sheet "Quyết định" (one row per decision item; rows with the same decision number form one
decision and must agree on its dates, issuer and title). Items are checked against the status of each
procedure on the decision's effective date, from the decisions already recorded and those earlier in the
file, by `item_problem` (Decree 63/2010 as amended by Decree 92/2017: new / amended / replaced / abolished).
"""

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.excel import DATE_FORMAT, HeaderMatch, cell_text, find_header, parse_date, safe_cell, write_table
from chidao.core.models import ChangeRecord, Unit, User
from chidao.core.periods import period_parse
from chidao.core.text import fold

from . import selectors, services
from .models import DecisionItem, ItemAction, Level, Procedure, ProcessingFigure

BATCH = 2000
MAX_ERRORS = 5000  # after this many, stop collecting (the file is clearly not the expected one)
SMALLINT_MAX = 32767


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Results ------------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, dòng {self.row}" if self.row else self.sheet
        return f"{where}{', cột ' + self.column if self.column else ''}: {self.message}" if where else self.message


@dataclass
class FiguresImportResult:
    """What a figures import found and wrote: the period, new and replaced figures, errors."""

    start: dt.date | None = None
    end: dt.date | None = None
    created: int = 0
    replaced: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RegistryImportResult:
    """What a registry import found and (when it has no errors) wrote."""

    counts: dict[str, int] = field(default_factory=lambda: {"procedures": 0, "decisions": 0, "items": 0})
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _TooManyErrors(Exception):
    pass


class _Errors:
    def __init__(self, errors: list[RowError], labels: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self.errors, self.labels = errors, labels

    def __call__(self, sheet: str, row: int, column: str, message: str) -> None:
        label = self.labels.get(sheet, {}).get(column, [column])[0] if column else ""
        self.errors.append(RowError(sheet, row, label, message))
        if len(self.errors) >= MAX_ERRORS:
            raise _TooManyErrors


# --- Reading ------------------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def _open(file: IO[bytes] | str) -> Any:
    return load_workbook(file, read_only=True, data_only=True)




def _rows(ws: Any, header: HeaderMatch, fields: Sequence[str]) -> Iterator[tuple[int, list[Any], tuple[Any, ...]]]:
    """(Excel row, values by field, the raw row) for each non-empty row under the header; a numbering row
    right under the header ((1), (2), ...) is skipped. Text is stripped, a leading apostrophe dropped."""
    index = [header.columns.get(f, -1) for f in fields]
    first = True
    for r, raw in enumerate(ws.iter_rows(min_row=header.row + 1, values_only=True), start=header.row + 1):
        width = len(raw)
        values = [raw[i] if 0 <= i < width else None for i in index]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        if first:
            first = False
            filled = [cell_text(v) for v in raw if v is not None and cell_text(v)]
            if len(filled) >= 3 and all(_NUMBERING.match(v) for v in filled):
                continue
        for i, v in enumerate(values):
            if isinstance(v, str):
                v = v.strip()
                values[i] = v[1:] if v.startswith("'") else v
        yield r, values, raw


def _int(value: Any) -> int | None:
    """A whole number from a cell (number, or text with optional thousands separators); None when empty.
    Raises ValueError for anything else (including 2.5)."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError(value)
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = str(value).strip()
    if not text:
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-").strip()
    if digits.isdigit():
        return sign * int(digits)
    if _GROUPED_INT.match(digits):
        return sign * int(re.sub(r"[.,\s]", "", digits))
    raise ValueError(text)


def _date(value: Any) -> dt.date | None:
    """A date cell or dd/mm/yyyy text (core.excel.parse_date); a number-looking cell is not a date."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(value)
    return parse_date(value.strip().lstrip("'") if isinstance(value, str) else value)


# --- Processing figures -------------------------------------------------------------------------------

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
_PERIOD_TITLE = re.compile(r"tu ngay\s*(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})\s*,?\s*den ngay\s*"
                           r"(\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})")


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


def figures_import(*, actor: User, file: IO[bytes] | str, start: dt.date | None = None, end: dt.date | None = None,
                   period: str = "", replace: bool = False, dry_run: bool = False,
                   source: str = "") -> FiguresImportResult:
    """Validate every row of a one-stop-shop export, then write all its figures in one transaction, or none.

    The period is `period` (a Decree 09/2019 code such as 2021-Q4) or `start`-`end`, else the title row
    "Từ ngày ... đến ngày ..."; when both are there they must agree. Errors (each with its row and
    column): unknown procedure code, a number that is negative or not whole, on time + late + pending more
    than received, a procedure twice in the file, a figure already recorded for the same procedure and period
    (unless `replace`, which replaces it) or for an overlapping period (figures of overlapping periods would
    be counted twice). Writes one ChangeRecord (action "import") with the counts.
    """
    if not services.can_edit(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu giải quyết hồ sơ."))
    result = FiguresImportResult(dry_run=dry_run)
    err = _Errors(result.errors, {FIGURES: FIGURE_COLUMNS})
    try:
        given = _given_period(start=start, end=end, period=period)
    except ValueError as exc:
        result.errors.append(RowError("", 0, "", str(exc)))
        return result
    try:
        wb = _open(file)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        result.errors.append(RowError("", 0, "", _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")))
        return result
    try:
        ws = wb.worksheets[0]
        header = find_header(ws, FIGURE_COLUMNS, FIGURE_REQUIRED)
        if header is None:
            result.errors.append(RowError(ws.title, 0, "", _(
                "Không tìm thấy dòng tiêu đề có đủ các cột: %(cols)s.") % {
                "cols": ", ".join(FIGURE_COLUMNS[f][0] for f in FIGURE_REQUIRED)}))
            return result
        sheet = ws.title
        err = _Errors(result.errors, {sheet: FIGURE_COLUMNS})
        titled = _title_period(ws, header.row)
        if given and titled and given != titled:
            result.errors.append(RowError(sheet, 0, "", _(
                "Kỳ ghi trong tệp (từ %(fs)s đến %(fe)s) khác kỳ đã chọn (từ %(s)s đến %(e)s).") % {
                "fs": _d(titled[0]), "fe": _d(titled[1]), "s": _d(given[0]), "e": _d(given[1])}))
            return result
        chosen = given or titled
        if chosen is None:
            result.errors.append(RowError(sheet, 0, "", _(
                "Chưa có kỳ số liệu: chọn kỳ (ví dụ 2021-Q4) hoặc từ ngày, đến ngày; hoặc ghi trong tệp dòng "
                "“Từ ngày dd/mm/yyyy đến ngày dd/mm/yyyy”.")))
            return result
        p_start, p_end = chosen
        if p_end < p_start:
            result.errors.append(RowError(sheet, 0, "", _("Đến ngày (%(e)s) không được trước từ ngày (%(s)s).") % {
                "e": _d(p_end), "s": _d(p_start)}))
            return result
        result.start, result.end = p_start, p_end
        procedures = dict(Procedure.objects.values_list("code", "id"))
        folded_codes = {fold(c): pk for c, pk in procedures.items()}
        existing: dict[int, list[tuple[int, dt.date, dt.date]]] = defaultdict(list)
        for pk, pid, s, e in ProcessingFigure.objects.filter(
                period_start__lte=p_end, period_end__gte=p_start).values_list(
                "pk", "procedure_id", "period_start", "period_end"):
            existing[pid].append((pk, s, e))
        seen: dict[int, int] = {}
        new: list[ProcessingFigure] = []
        to_replace: list[int] = []
        fields = list(FIGURE_COLUMNS)
        try:
            for r, (code_v, _name_v, *numbers), raw in _rows(ws, header, fields):
                n = len(result.errors)
                code = cell_text(code_v)
                if not code:
                    texts = fold(" ".join(cell_text(v) for v in raw))
                    if "tong" in texts.split() or "cong" in texts.split() or all(v in (None, "") for v in numbers):
                        continue  # a total row or a field heading ("I. Lĩnh vực hộ tịch")
                    err(sheet, r, "code", _("Thiếu mã thủ tục."))
                    continue
                proc_id = procedures.get(code) or folded_codes.get(fold(code))
                if proc_id is None:
                    err(sheet, r, "code", _("Không có thủ tục mã “%(c)s” trong danh mục.") % {"c": code})
                values: dict[str, int] = {}
                for name, value in zip(("received", "on_time", "late", "pending"), numbers, strict=True):
                    try:
                        count = _int(value)
                    except ValueError:
                        err(sheet, r, name, _("“%(v)s” không phải số nguyên.") % {"v": cell_text(value)})
                        continue
                    if count is not None and count < 0:
                        err(sheet, r, name, _("Số hồ sơ không được âm (%(v)s).") % {"v": count})
                        continue
                    values[name] = count if count is not None else 0
                if len(values) == 4:
                    handled = values["on_time"] + values["late"] + values["pending"]
                    if handled > values["received"]:
                        err(sheet, r, "received", _(
                            "Số hồ sơ tiếp nhận (%(r)s) nhỏ hơn tổng đúng hạn, quá hạn và đang giải quyết (%(h)s).")
                            % {"r": values["received"], "h": handled})
                if proc_id is not None:
                    if proc_id in seen:
                        err(sheet, r, "code", _("Thủ tục %(c)s trùng với dòng %(row)s.") % {
                            "c": code, "row": seen[proc_id]})
                        continue
                    seen[proc_id] = r
                    for pk, s, e in existing.get(proc_id, []):
                        if (s, e) == (p_start, p_end):
                            if replace:
                                to_replace.append(pk)
                            else:
                                err(sheet, r, "code", _(
                                    "Thủ tục %(c)s đã có số liệu kỳ từ %(s)s đến %(e)s; chọn “thay thế số liệu đã có” "
                                    "để ghi đè.") % {"c": code, "s": _d(s), "e": _d(e)})
                        else:
                            err(sheet, r, "code", _(
                                "Thủ tục %(c)s đã có số liệu kỳ từ %(s)s đến %(e)s, chồng lấn kỳ này (số liệu sẽ bị "
                                "tính hai lần).") % {"c": code, "s": _d(s), "e": _d(e)})
                if len(result.errors) > n or proc_id is None:
                    continue
                new.append(ProcessingFigure(procedure_id=proc_id, period_start=p_start, period_end=p_end,
                                            source=source[:200], **values))
        except _TooManyErrors:
            result.truncated = True
        if not new and not result.errors:
            result.errors.append(RowError(sheet, 0, "", _("Tệp không có dòng số liệu nào.")))
    finally:
        wb.close()
    if result.errors:
        return result
    result.created, result.replaced = len(new) - len(to_replace), len(to_replace)
    if dry_run:
        return result
    try:
        with transaction.atomic():
            ProcessingFigure.objects.filter(pk__in=to_replace).delete()
            ProcessingFigure.objects.bulk_create(new, batch_size=BATCH)
            ChangeRecord.objects.create(
                actor=actor if actor.pk else None, action="import",
                content_type=ContentType.objects.get_for_model(ProcessingFigure), object_id="",
                object_repr=_("Nhập số liệu giải quyết hồ sơ từ %(s)s đến %(e)s") % {"s": _d(p_start), "e": _d(p_end)},
                after={"start": p_start.isoformat(), "end": p_end.isoformat(), "created": result.created,
                       "replaced": result.replaced, "source": source},
                reason=_("Nhập từ tệp Excel"),
            )
    except IntegrityError:
        result.created = result.replaced = 0
        result.errors.append(RowError("", 0, "", _(
            "Số liệu vừa bị thay đổi trong khi nhập; chưa ghi gì, hãy nhập lại.")))
    return result


# --- Registry: procedures and decisions ----------------------------------------------------------------

PROCEDURES, DECISIONS = "Thủ tục", "Quyết định"
SHEETS = (PROCEDURES, DECISIONS)
SHEET_ALIASES: dict[str, list[str]] = {
    PROCEDURES: [PROCEDURES, "Thủ tục hành chính", "Danh mục thủ tục", "TTHC", "Danh mục TTHC"],
    DECISIONS: [DECISIONS, "Quyết định công bố", "Quyết định công bố TTHC"],
}
# Field -> labels; the first label is the canonical one (template, export, errors).
COLUMNS: dict[str, dict[str, list[str]]] = {
    PROCEDURES: {
        "code": ["Mã thủ tục", "Mã", "Mã TTHC", "Mã số TTHC", "Mã số thủ tục"],
        "name": ["Tên thủ tục", "Tên", "Tên TTHC", "Tên thủ tục hành chính"],
        "level": ["Cấp thực hiện", "Cấp", "Cấp (tỉnh/xã)", "Cấp giải quyết"],
        "field": ["Lĩnh vực"],
        "unit": ["Mã cơ quan thực hiện", "Mã đơn vị", "Mã cơ quan", "Cơ quan thực hiện"],
        "time_limit_days": ["Thời hạn (ngày)", "Thời hạn giải quyết (ngày)", "Thời hạn giải quyết",
                            "Thời hạn giải quyết (ngày làm việc)", "Thời hạn"],
        "fees": ["Phí, lệ phí", "Phí", "Lệ phí"],
        "legal_basis": ["Căn cứ pháp lý", "Căn cứ pháp lý của TTHC"],
        "steps": ["Trình tự thực hiện"],
        "method": ["Cách thức thực hiện"],
        "dossier": ["Thành phần hồ sơ", "Thành phần, số lượng hồ sơ"],
        "copies": ["Số lượng hồ sơ (bộ)", "Số bộ hồ sơ", "Số lượng hồ sơ"],
        "filers": ["Đối tượng thực hiện"],
        "deciding_agency": ["Cơ quan có thẩm quyền quyết định", "Cơ quan có thẩm quyền"],
        "forms": ["Mẫu đơn, tờ khai", "Mẫu đơn tờ khai"],
        "result": ["Kết quả thực hiện", "Kết quả"],
        "conditions": ["Yêu cầu, điều kiện", "Yêu cầu, điều kiện thực hiện", "Điều kiện"],
    },
    DECISIONS: {
        "number": ["Số quyết định", "Số QĐ", "Quyết định số", "Số hiệu"],
        "title": ["Trích yếu", "Tên quyết định"],
        "signed_on": ["Ngày ký", "Ngày ban hành"],
        "effective_on": ["Ngày hiệu lực", "Ngày có hiệu lực"],
        "issuer": ["Mã cơ quan ban hành", "Cơ quan ban hành", "Mã đơn vị ban hành"],
        "code": ["Mã thủ tục", "Mã TTHC"],
        "action": ["Nội dung", "Nội dung công bố", "Hình thức công bố"],
        "replaces": ["Thay thế thủ tục (mã)", "Thay thế thủ tục", "Mã thủ tục bị thay thế", "Thủ tục bị thay thế"],
    },
}
REQUIRED: dict[str, list[str]] = {
    PROCEDURES: ["code", "name", "level", "field", "unit"],
    DECISIONS: ["number", "signed_on", "effective_on", "issuer", "code", "action"],
}
TEXT_FIELDS = ("steps", "method", "dossier", "filers", "forms", "result", "conditions", "fees", "legal_basis")
MAX_LENGTHS = {"code": 32, "field": 200, "deciding_agency": 300}
PROCEDURE_EXPORT_FIELDS = ["code", "name", "level", "field", "unit", "time_limit_days", "fees", "legal_basis",
                           "steps", "method", "dossier", "copies", "filers", "deciding_agency", "forms", "result",
                           "conditions"]
PROCEDURE_WIDTHS = [6, 14, 50, 10, 24, 14, 30, 12, 30, 40, 40, 30, 40, 10, 30, 30, 30, 30, 30, 18]
DECISION_WIDTHS = [6, 18, 40, 12, 12, 14, 14, 50, 18, 16]
_LEVEL_EXTRA = {"tỉnh": Level.PROVINCE, "xã": Level.COMMUNE, "phường": Level.COMMUNE,
                "cấp xã, phường": Level.COMMUNE, "xã, phường, đặc khu": Level.COMMUNE,
                "cấp tỉnh, thành phố": Level.PROVINCE, "thành phố": Level.PROVINCE}
_ACTION_EXTRA = {"mới": ItemAction.NEW, "công bố mới": ItemAction.NEW, "ban hành mới": ItemAction.NEW,
                 "sửa đổi": ItemAction.AMENDED, "bổ sung": ItemAction.AMENDED, "sửa đổi bổ sung": ItemAction.AMENDED,
                 "sửa đổi, bổ sung": ItemAction.AMENDED, "được thay thế": ItemAction.REPLACED,
                 "bị bãi bỏ": ItemAction.ABOLISHED}


def _choice_lookup(choices: Any, extra: Mapping[str, str]) -> dict[str, str]:
    """Labels (Vietnamese and current language), values and extra words, folded."""
    lookup: dict[str, str] = {}
    with translation.override("vi"):
        for c in choices:
            lookup[fold(str(c.label))] = c.value
    for c in choices:
        lookup.setdefault(fold(str(c.label)), c.value)
        lookup.setdefault(fold(str(c.value)), c.value)
    for k, v in extra.items():
        lookup[fold(k)] = v
    return lookup


def _labels(choices: Any) -> dict[str, str]:
    with translation.override("vi"):
        return {c.value: str(c.label) for c in choices}


@dataclass
class _DecisionRows:
    number: str
    first_row: int
    title: str
    signed_on: dt.date
    effective_on: dt.date
    issuer: Unit
    items: list[tuple[int, str, str, str | None]] = field(default_factory=list)  # (row, code, action, replaces)


class _Rollback(Exception):
    pass


class _RegistryImporter:
    """One registry import: rows read and checked in memory, then written; decisions go through
    `services.decision_create`, so their items follow the registry's one set of rules."""

    def __init__(self, actor: User, result: RegistryImportResult) -> None:
        self.actor, self.result = actor, result
        self.err = _Errors(result.errors, COLUMNS)
        self.units: dict[str, Unit] = {}
        all_units = list(Unit.objects.only("id", "code", "name", "short_name"))
        for unit in all_units:
            self.units[unit.code] = unit
        for unit in all_units:
            for key in (unit.code, unit.name, unit.short_name):
                if key:
                    self.units.setdefault(fold(key), unit)
        self.levels = _choice_lookup(Level, _LEVEL_EXTRA)
        self.actions = _choice_lookup(ItemAction, _ACTION_EXTRA)
        self.db_codes: dict[str, int] = dict(Procedure.objects.values_list("code", "id"))
        self.sheet_codes: dict[str, int] = {}  # every code on the procedures sheet, even on a wrong row
        self.procedures: list[Procedure] = []
        self.decisions: dict[str, _DecisionRows] = {}

    def _unit(self, text: str) -> Unit | None:
        return self.units.get(text) or self.units.get(fold(text))

    def _known(self, code: str) -> bool:
        return code in self.sheet_codes or code in self.db_codes

    def read_procedures(self, rows: Iterable[tuple[int, list[Any], tuple[Any, ...]]]) -> None:
        """The checks of `services.procedure_create`, in memory (codes, units and levels loaded once)."""
        err = self.err
        s = PROCEDURES
        for r, values, _raw in rows:
            n = len(self.result.errors)
            v = dict(zip(COLUMNS[s], values, strict=True))
            code = cell_text(v["code"])
            if not code:
                err(s, r, "code", _("Thiếu mã thủ tục."))
            elif len(code) > MAX_LENGTHS["code"]:
                err(s, r, "code", _("Mã thủ tục dài quá %(n)s ký tự.") % {"n": MAX_LENGTHS["code"]})
            elif code in self.sheet_codes:
                err(s, r, "code", _("Mã thủ tục %(c)s trùng với dòng %(row)s.") % {
                    "c": code, "row": self.sheet_codes[code]})
            elif code in self.db_codes:
                err(s, r, "code", _("Đã có thủ tục mã %(code)s.") % {"code": code})
                self.sheet_codes[code] = r
            else:
                self.sheet_codes[code] = r
            name = " ".join(cell_text(v["name"]).split())
            if not name:
                err(s, r, "name", _("Thiếu tên thủ tục."))
            level = self.levels.get(fold(cell_text(v["level"])))
            if level is None:
                err(s, r, "level", _("Cấp thực hiện “%(v)s” không hợp lệ; ghi tỉnh hoặc xã.") % {
                    "v": cell_text(v["level"])})
            field_text = " ".join(cell_text(v["field"]).split())
            if not field_text:
                err(s, r, "field", _("Thiếu lĩnh vực."))
            elif len(field_text) > MAX_LENGTHS["field"]:
                err(s, r, "field", _("Lĩnh vực dài quá %(n)s ký tự.") % {"n": MAX_LENGTHS["field"]})
            unit_text = cell_text(v["unit"])
            unit = self._unit(unit_text) if unit_text else None
            if not unit_text:
                err(s, r, "unit", _("Thiếu mã cơ quan thực hiện."))
            elif unit is None:
                err(s, r, "unit", _("Không tìm thấy đơn vị mã “%(v)s”.") % {"v": unit_text})
            numbers: dict[str, int | None] = {}
            for name_ in ("time_limit_days", "copies"):
                try:
                    number = _int(v[name_])
                except ValueError:
                    err(s, r, name_, _("“%(v)s” không phải số nguyên.") % {"v": cell_text(v[name_])})
                    continue
                if number is not None and not 0 <= number <= SMALLINT_MAX:
                    err(s, r, name_, _("Số %(v)s không hợp lệ.") % {"v": number})
                    continue
                numbers[name_] = number
            agency = cell_text(v["deciding_agency"])
            if len(agency) > MAX_LENGTHS["deciding_agency"]:
                err(s, r, "deciding_agency", _("Cơ quan có thẩm quyền dài quá %(n)s ký tự.") % {
                    "n": MAX_LENGTHS["deciding_agency"]})
            if len(self.result.errors) > n:
                continue
            assert unit is not None and level is not None
            texts = {f: cell_text(v[f]) for f in TEXT_FIELDS}
            self.procedures.append(Procedure(
                code=code, name=name, level=level, field=field_text, unit=unit, deciding_agency=agency,
                time_limit_days=numbers.get("time_limit_days"), copies=numbers.get("copies"),
                search_text=services.search_text(code, name), **texts))

    def read_decisions(self, rows: Iterable[tuple[int, list[Any], tuple[Any, ...]]]) -> None:
        """Parse the rows and group them by decision number; the items' rules are `decision_create`'s."""
        err = self.err
        s = DECISIONS
        for r, values, _raw in rows:
            n = len(self.result.errors)
            v = dict(zip(COLUMNS[s], values, strict=True))
            number = cell_text(v["number"])
            if not number:
                err(s, r, "number", _("Thiếu số quyết định."))
            elif len(number) > 64:
                err(s, r, "number", _("Số quyết định dài quá 64 ký tự."))
            dates: dict[str, dt.date | None] = {}
            for name_ in ("signed_on", "effective_on"):
                try:
                    dates[name_] = _date(v[name_])
                except (ValueError, TypeError, OverflowError):
                    err(s, r, name_, _("Ngày “%(v)s” không hợp lệ; ghi dd/mm/yyyy.") % {"v": cell_text(v[name_])})
                    continue
                if dates[name_] is None:
                    err(s, r, name_, _("Thiếu %(col)s.") % {"col": COLUMNS[s][name_][0].lower()})
            signed, effective = dates.get("signed_on"), dates.get("effective_on")
            issuer_text = cell_text(v["issuer"])
            issuer = self._unit(issuer_text) if issuer_text else None
            if not issuer_text:
                err(s, r, "issuer", _("Thiếu mã cơ quan ban hành."))
            elif issuer is None:
                err(s, r, "issuer", _("Không tìm thấy đơn vị mã “%(v)s”.") % {"v": issuer_text})
            code = cell_text(v["code"])
            if not code:
                err(s, r, "code", _("Thiếu mã thủ tục."))
            elif not self._known(code):
                err(s, r, "code", _("Không có thủ tục mã “%(c)s” trong danh mục hoặc sheet Thủ tục.") % {"c": code})
            action = self.actions.get(fold(cell_text(v["action"])))
            if action is None:
                err(s, r, "action", _("Nội dung “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
                    "v": cell_text(v["action"]), "all": "; ".join(_labels(ItemAction).values())})
            replaces = cell_text(v["replaces"]) or None
            if replaces and not self._known(replaces):
                err(s, r, "replaces", _("Không có thủ tục mã “%(c)s” trong danh mục hoặc sheet Thủ tục.") % {
                    "c": replaces})
            title = cell_text(v["title"])
            if len(self.result.errors) > n:
                continue
            assert signed and effective and issuer and action
            group = self.decisions.get(number)
            if group is None:
                group = self.decisions[number] = _DecisionRows(number, r, title, signed, effective, issuer)
            else:
                wrong = False
                for name_, was, now in (("signed_on", group.signed_on, signed),
                                        ("effective_on", group.effective_on, effective)):
                    if was != now:
                        err(s, r, name_, _("Quyết định %(n)s đã ghi ở dòng %(row)s với %(col)s %(d)s.") % {
                            "n": number, "row": group.first_row, "col": COLUMNS[s][name_][0].lower(), "d": _d(was)})
                        wrong = True
                if group.issuer.pk != issuer.pk:
                    err(s, r, "issuer", _("Quyết định %(n)s đã ghi ở dòng %(row)s với cơ quan ban hành %(u)s.") % {
                        "n": number, "row": group.first_row, "u": group.issuer.code})
                    wrong = True
                if title and group.title and title != group.title:
                    err(s, r, "title", _("Quyết định %(n)s đã ghi ở dòng %(row)s với trích yếu khác.") % {
                        "n": number, "row": group.first_row})
                    wrong = True
                if wrong:
                    continue
                group.title = group.title or title
            group.items.append((r, code, action, replaces))

    def _decision_errors(self, group: _DecisionRows, exc: ValidationError) -> None:
        """`decision_create`'s errors, put back on the rows and columns they came from."""
        s = DECISIONS
        for key, errors in exc.error_dict.items():
            for e in errors:
                params = e.params or {}
                if key == "items" and "n" in params:
                    r, code, action, replaces = group.items[params["n"] - 1]
                    problem = str(params.get("problem", ""))
                    on_replaces = (action == ItemAction.REPLACED and (not replaces or replaces in problem)) or (
                        action != ItemAction.REPLACED and bool(replaces))
                    self.err(s, r, "replaces" if on_replaces else "code", _(
                        "Quyết định %(n)s, thủ tục %(c)s: %(p)s") % {"n": group.number, "c": code, "p": problem})
                else:
                    column = key if key in COLUMNS[s] else "number"
                    message = e.message % params if params else e.message
                    self.err(s, group.first_row, column, _("Quyết định %(n)s: %(m)s") % {
                        "n": group.number, "m": message})

    def write(self, *, dry_run: bool) -> None:
        """Create the procedures (bulk), then each decision in order of effective date through
        `services.decision_create`; any error (or a dry run) rolls everything back."""
        counts = self.result.counts
        try:
            with transaction.atomic():
                Procedure.objects.bulk_create(self.procedures, batch_size=BATCH)
                wanted = sorted({c for g in self.decisions.values() for _r, code, _a, rep in g.items
                                 for c in (code, rep) if c})
                procedures: dict[str, Procedure] = {}
                for i in range(0, len(wanted), 500):
                    procedures |= {p.code: p for p in Procedure.objects.filter(code__in=wanted[i:i + 500])}
                groups = sorted(self.decisions.values(), key=lambda g: (g.effective_on, g.signed_on, g.first_row))
                for group in groups:
                    try:
                        services.decision_create(
                            actor=self.actor, number=group.number, title=group.title, signed_on=group.signed_on,
                            effective_on=group.effective_on, issuer=group.issuer,
                            items=[(procedures[code], action, procedures[rep] if rep else None)
                                   for _r, code, action, rep in group.items])
                    except ValidationError as exc:
                        self._decision_errors(group, exc)
                counts.update(procedures=len(self.procedures), decisions=len(groups),
                              items=sum(len(g.items) for g in groups))
                if self.result.errors or dry_run:
                    raise _Rollback
                ChangeRecord.objects.create(
                    actor=self.actor, action="import", content_type=ContentType.objects.get_for_model(Procedure),
                    object_id="", object_repr=_("Nhập danh mục thủ tục từ Excel: %(p)s thủ tục, %(d)s quyết định") % {
                        "p": len(self.procedures), "d": len(groups)},
                    after=dict(counts), reason=_("Nhập từ tệp Excel"),
                )
        except _Rollback:
            pass


def _sheets(wb: Any) -> dict[str, tuple[Any, HeaderMatch | None]]:
    """Which worksheet holds which sheet: by name (without diacritics), else by its header."""
    found: dict[str, tuple[Any, HeaderMatch | None]] = {}
    names = {fold(a): sheet for sheet, aliases in SHEET_ALIASES.items() for a in aliases}
    unnamed: list[Any] = []
    for ws in wb.worksheets:
        sheet = names.get(fold(ws.title))
        if sheet and sheet not in found:
            found[sheet] = (ws, find_header(ws, COLUMNS[sheet], REQUIRED[sheet]))
        else:
            unnamed.append(ws)
    for ws in unnamed:
        for sheet in (DECISIONS, PROCEDURES):
            if sheet not in found:
                header = find_header(ws, COLUMNS[sheet], REQUIRED[sheet])
                if header is not None:
                    found[sheet] = (ws, header)
                    break
    return found


def registry_import(*, actor: User, file: IO[bytes] | str, dry_run: bool = False) -> RegistryImportResult:
    """Validate every row of both sheets, then create all procedures, decisions and items in one transaction,
    or nothing.

    Procedures are new (a code already in the registry is an error: content changes go through the
    registry's pages). Decision rows with the same number form one decision and must agree on its dates,
    issuer and title. Each decision is recorded by `services.decision_create`, in order of effective date
    (so a decision may rely on an earlier one in the file): the same checks as a decision entered on the
    page (new only for a procedure never published; amended and abolished only for one in force; replaced
    names an old procedure in force; an existing number; effective before signed), reported on the rows
    they concern. Any error rolls back everything, and a dry run always does. Each error names its sheet,
    Excel row and column. Writes one ChangeRecord (action "import") with the counts, besides the
    decisions' own.
    """
    if not services.can_edit(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập danh mục thủ tục hành chính."))
    result = RegistryImportResult(dry_run=dry_run)
    try:
        wb = _open(file)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        result.errors.append(RowError("", 0, "", _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")))
        return result
    importer = _RegistryImporter(actor, result)
    try:
        sheets = _sheets(wb)
        if not sheets:
            result.errors.append(RowError("", 0, "", _("Không tìm thấy sheet nào trong số: %(s)s.") % {
                "s": ", ".join(SHEETS)}))
            return result
        any_rows = False
        for sheet in SHEETS:
            if sheet not in sheets:
                continue
            ws, header = sheets[sheet]
            if header is None:
                result.errors.append(RowError(sheet, 0, "", _(
                    "Không tìm thấy dòng tiêu đề có đủ các cột: %(cols)s.") % {
                    "cols": ", ".join(COLUMNS[sheet][f][0] for f in REQUIRED[sheet])}))
                continue
            rows = list(_rows(ws, header, list(COLUMNS[sheet])))
            any_rows = any_rows or bool(rows)
            if sheet == PROCEDURES:
                importer.read_procedures(rows)
            else:
                importer.read_decisions(rows)
        if not any_rows and not result.errors:
            result.errors.append(RowError("", 0, "", _("Tệp không có dòng dữ liệu nào.")))
        if not result.errors:
            importer.write(dry_run=dry_run)
    except _TooManyErrors:
        result.truncated = True
    except IntegrityError:
        result.errors.append(RowError("", 0, "", _(
            "Dữ liệu vừa bị thay đổi trong khi nhập (trùng mã thủ tục hoặc số quyết định); chưa ghi gì, "
            "hãy nhập lại.")))
    finally:
        wb.close()
    order = {s: i for i, s in enumerate(SHEETS)}
    result.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
    if result.errors:
        result.counts = {"procedures": 0, "decisions": 0, "items": 0}
    return result


# --- Template and export ------------------------------------------------------------------------------

PROCEDURE_TITLE = ["DANH MỤC THỦ TỤC HÀNH CHÍNH",
                   "(Cấp: tỉnh hoặc xã; Mã cơ quan thực hiện theo Danh mục đơn vị; Thời hạn tính bằng ngày làm việc)"]
DECISION_TITLE = ["QUYẾT ĐỊNH CÔNG BỐ THỦ TỤC HÀNH CHÍNH",
                  "(Mỗi dòng một thủ tục; các dòng cùng số quyết định ghi cùng ngày ký, ngày hiệu lực, cơ quan ban "
                  "hành; ngày ghi dd/mm/yyyy; Nội dung: công bố mới, sửa đổi, bổ sung, thay thế, bãi bỏ)"]


def _procedure_headers() -> list[str]:
    return ["STT"] + [COLUMNS[PROCEDURES][f][0] for f in PROCEDURE_EXPORT_FIELDS]


def _decision_headers() -> list[str]:
    c = COLUMNS[DECISIONS]
    return ["STT", c["number"][0], c["title"][0], c["signed_on"][0], c["effective_on"][0], c["issuer"][0],
            c["code"][0], "Tên thủ tục", c["action"][0], c["replaces"][0]]


def _units_sheet(wb: Workbook) -> None:
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])


def registry_template() -> bytes:
    """The two sheets with their title rows, header and example rows, and the unit list."""
    unit = Unit.objects.filter(code="SNV").values_list("code", flat=True).first() or "SNV"
    actions = _labels(ItemAction)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(PROCEDURES)
    write_table(ws, title_lines=PROCEDURE_TITLE + [""], headers=_procedure_headers(), rows=[
        [1, "1.001234", "Thủ tục ví dụ: cấp giấy phép", "tỉnh", "Ví dụ: Đất đai", unit, 15, "Không",
         "Luật ...; Nghị định ...", "", "Trực tiếp hoặc trực tuyến", "", 1, "Tổ chức, cá nhân", "Ủy ban nhân dân tỉnh",
         "", "", ""]], widths=PROCEDURE_WIDTHS[:len(_procedure_headers())])
    ws = wb.create_sheet(DECISIONS)
    write_table(ws, title_lines=DECISION_TITLE + [""], headers=_decision_headers(), rows=[
        [1, "123/QĐ-UBND", "Công bố danh mục thủ tục hành chính ...", "05/01/2026", "05/01/2026", unit, "1.001234",
         "Thủ tục ví dụ: cấp giấy phép", actions[ItemAction.NEW], ""]], widths=DECISION_WIDTHS)
    _units_sheet(wb)
    return _save(wb)


def _table(ws: Any, *, title_lines: list[str], headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
    """Title rows and header as `write_table` draws them; the rows as plain cells (dates as dd/mm/yyyy,
    text made formula-safe). Styling every cell of a 20,000-row registry takes openpyxl minutes."""
    write_table(ws, title_lines=title_lines, headers=headers, rows=[], widths=widths)
    first = len(title_lines) + 3
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=safe_cell(value))
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT


def registry_export(*, user: User) -> bytes:
    """The registry as it stands: every procedure's current content and its status today, and every
    decision with its items, in the import's shape (an export imports back into an empty registry)."""
    today = timezone.localdate()
    levels, actions = _labels(Level), _labels(ItemAction)
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet(PROCEDURES)
    headers = _procedure_headers() + ["Cơ quan thực hiện (tên)", f"Tình trạng ngày {_d(today)}"]
    rows = []
    with translation.override("vi"):
        for n, p in enumerate(selectors.procedure_list(user=user), start=1):
            values: list[Any] = [n]
            for f in PROCEDURE_EXPORT_FIELDS:
                if f == "unit":
                    values.append(p.unit.code)
                elif f == "level":
                    values.append(levels.get(p.level, p.level))
                else:
                    values.append(getattr(p, f))
            values += [p.unit.name, selectors.status_label(selectors.status_of(p, today))]
            rows.append(values)
    _table(ws, title_lines=[PROCEDURE_TITLE[0], f"(Số liệu đến ngày {_d(today)})", ""], headers=headers,
           rows=rows, widths=PROCEDURE_WIDTHS)
    ws = wb.create_sheet(DECISIONS)
    items = DecisionItem.objects.select_related("decision__issuer", "procedure", "replaces").order_by(
        "decision__effective_on", "decision__signed_on", "decision__number", "id")
    rows = []
    for n, item in enumerate(items, start=1):
        d = item.decision
        rows.append([n, d.number, d.title, d.signed_on, d.effective_on, d.issuer.code, item.procedure.code,
                     item.procedure.name, actions.get(item.action, item.action),
                     item.replaces.code if item.replaces else ""])
    _table(ws, title_lines=[DECISION_TITLE[0], f"(Số liệu đến ngày {_d(today)})", ""],
           headers=_decision_headers(), rows=rows, widths=DECISION_WIDTHS)
    _units_sheet(wb)
    return _save(wb)
