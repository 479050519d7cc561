"""Cadre records to and from Excel: the import template, the all-or-nothing import with a row-by-row
error report, and the export of what the user may see.

One workbook, four sheets, shaped like the ones personnel offices keep (title rows above the header,
merged header cells, dates as dates or as dd/mm/yyyy text):

- "Cán bộ": Mã hồ sơ, Họ và tên, Ngày sinh, Giới tính, Quê quán, Ngày vào Đảng, Trình độ chuyên môn,
  Điện thoại, Email;
- "Quá trình công tác": Mã hồ sơ, Mã đơn vị, Chức danh, Lãnh đạo (x), Cấp chức vụ, Hình thức, Từ ngày,
  Đến ngày, Số quyết định;
- "Xếp loại": Mã hồ sơ, Năm, Xếp loại;
- "Kỷ luật": Mã hồ sơ, Loại, Hình thức, Ngày quyết định, Cơ quan quyết định, Lý do.

The import is built for whole offices at once (150,000 people with 220,000 assignments in about 30 s,
see bench/people_import.py): the workbook is read once, straight from its XML (`_Book`; openpyxl's
read-only mode is the fallback), every row is validated in memory against units, posts and codes loaded
once, and only when every row is valid is everything written in one transaction, as multi-row inserts
(COPY on PostgreSQL, executemany on SQLite; `core.bulk.rows_insert`). It does not go through the per-record
services (that would be a few queries per row); it applies the same rules itself:
`services.person_derive` for the derived fields, the current unit/post/time in post as
`services.person_refresh_current` computes it, `rules.discipline_blocks_until` for discipline. The audit
trail is ONE ChangeRecord (action "import") with the counts, not one per row. After a large import the
planner's statistics are refreshed (`core.bulk.tables_analyze`), so the person list is planned for the new size at once.
"""

import datetime as dt
import functools
import io
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

from chidao.core.bulk import objects_insert, rows_insert, tables_analyze
from chidao.core.excel import HeaderMatch, cell_text, find_header, safe_cell, write_table
from chidao.core.models import ChangeRecord, Role, Unit, User
from chidao.core.reference import unit_subtree_ids
from chidao.core.text import fold

from . import rules, services
from .models import (
    AccessLog,
    Assignment,
    AssignmentKind,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    Position,
    PostLevel,
    Rating,
    RatingLevel,
)

BATCH = 2000
ANALYZE_FROM = 10_000  # rows written; a load this large refreshes the planner's statistics at once
MAX_ERRORS = 5000  # after this many, stop collecting (the file is clearly not the expected one)

PEOPLE, ASSIGNMENTS, RATINGS, DISCIPLINES = "Cán bộ", "Quá trình công tác", "Xếp loại", "Kỷ luật"
SHEETS = (PEOPLE, ASSIGNMENTS, RATINGS, DISCIPLINES)
SHEET_ALIASES: dict[str, list[str]] = {
    PEOPLE: [PEOPLE, "Danh sách cán bộ", "Hồ sơ cán bộ", "Cán bộ, công chức"],
    ASSIGNMENTS: [ASSIGNMENTS, "Quá trình công tác", "Công tác", "Quá trình"],
    RATINGS: [RATINGS, "Xếp loại chất lượng", "Đánh giá, xếp loại", "Đánh giá xếp loại"],
    DISCIPLINES: [DISCIPLINES, "Kỷ luật cán bộ"],
}

# Column labels per sheet and field; the first is the canonical label (template, export, errors).
COLUMNS: dict[str, dict[str, list[str]]] = {
    PEOPLE: {
        "code": ["Mã hồ sơ", "Mã cán bộ", "Số hiệu cán bộ", "Mã CB"],
        "full_name": ["Họ và tên", "Họ tên", "Họ và tên khai sinh"],
        "birth_date": ["Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Sinh ngày"],
        "gender": ["Giới tính", "Giới tính (Nam/Nữ)", "Nam/Nữ"],
        "hometown": ["Quê quán"],
        "party_joined_on": ["Ngày vào Đảng", "Ngày vào Đảng CSVN", "Ngày kết nạp Đảng"],
        "education": ["Trình độ chuyên môn", "Trình độ chuyên môn, nghiệp vụ", "Trình độ"],
        "phone": ["Điện thoại", "Số điện thoại"],
        "email": ["Email", "Thư điện tử", "E-mail"],
    },
    ASSIGNMENTS: {
        "code": ["Mã hồ sơ", "Mã cán bộ", "Số hiệu cán bộ", "Mã CB"],
        "unit": ["Mã đơn vị", "Đơn vị", "Đơn vị công tác"],
        "title": ["Chức danh", "Chức vụ", "Chức danh, chức vụ"],
        "is_leader": ["Lãnh đạo (x)", "Lãnh đạo", "Lãnh đạo, quản lý", "Là lãnh đạo"],
        "level": ["Cấp chức vụ", "Cấp"],
        "kind": ["Hình thức", "Hình thức bố trí"],
        "start": ["Từ ngày", "Từ"],
        "end": ["Đến ngày", "Đến"],
        "decision": ["Số quyết định", "Quyết định số", "Quyết định"],
    },
    RATINGS: {
        "code": ["Mã hồ sơ", "Mã cán bộ", "Số hiệu cán bộ", "Mã CB"],
        "year": ["Năm", "Năm đánh giá"],
        "level": ["Xếp loại", "Mức xếp loại", "Kết quả xếp loại"],
    },
    DISCIPLINES: {
        "code": ["Mã hồ sơ", "Mã cán bộ", "Số hiệu cán bộ", "Mã CB"],
        "system": ["Loại", "Loại kỷ luật"],
        "form": ["Hình thức", "Hình thức kỷ luật"],
        "decided_on": ["Ngày quyết định", "Ngày ký"],
        "decided_by": ["Cơ quan quyết định", "Cấp quyết định"],
        "reason": ["Lý do", "Nội dung vi phạm"],
    },
}
REQUIRED: dict[str, list[str]] = {
    PEOPLE: ["code", "full_name", "birth_date", "gender"],
    ASSIGNMENTS: ["code", "unit", "title", "start"],
    RATINGS: ["code", "year", "level"],
    DISCIPLINES: ["code", "system", "form", "decided_on"],
}
WIDTHS: dict[str, list[int]] = {
    PEOPLE: [6, 14, 28, 12, 10, 24, 12, 28, 14, 26],
    ASSIGNMENTS: [6, 14, 14, 40, 10, 26, 22, 12, 12, 18],
    RATINGS: [6, 14, 8, 34],
    DISCIPLINES: [6, 14, 14, 16, 14, 30, 40],
}
TITLE_LINES: dict[str, list[str]] = {
    PEOPLE: ["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC",
             "(Ngày ghi dd/mm/yyyy; Giới tính: Nam hoặc Nữ; Quê quán: mã hoặc tên đơn vị hành chính)"],
    ASSIGNMENTS: ["QUÁ TRÌNH CÔNG TÁC",
                  "(Mã đơn vị theo Danh mục đơn vị; Lãnh đạo: x nếu là chức danh lãnh đạo, quản lý; "
                  "Cấp chức vụ: 0-5 hoặc tên cấp; Đến ngày để trống nếu đang giữ)"],
    RATINGS: ["KẾT QUẢ XẾP LOẠI CHẤT LƯỢNG HẰNG NĂM", "(Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP)"],
    DISCIPLINES: ["KỶ LUẬT", "(Loại: Đảng hoặc hành chính; Ngày quyết định ghi dd/mm/yyyy)"],
}

_TRUE = {"x", "co", "1", "true", "yes", "la lanh dao", "lanh dao"}
_FALSE = {"", "khong", "0", "false", "no"}
_DATE_SPLIT = re.compile(r"\s*[/.\-]\s*")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _label(sheet: str, name: str) -> str:
    return COLUMNS[sheet][name][0]


def _d(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- Reading the workbook -----------------------------------------------------------------------------
# openpyxl's read-only mode parses about 130,000 cells a second (28 s for 150,000 people and 220,000
# assignments); this reader takes the same values straight from the sheet XML with lxml's iterparse, about
# three times faster. It reads values only (as `load_workbook(read_only=True, data_only=True)` does):
# shared and inline strings, numbers, booleans, and numbers in a date format as datetimes. Merged cells
# read as their top-left value and empty rows keep their numbers, as in openpyxl. A workbook it cannot
# read (another namespace, a missing part) falls back to openpyxl.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = "{" + _MAIN_NS + "}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLUMN_INDEX: dict[str, int] = {}


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = _COLUMN_INDEX[letters] = column_index_from_string(letters) - 1
    return index


class _Book:
    """The sheets of an .xlsx file, read lazily, values only."""

    def __init__(self, file: IO[bytes] | str) -> None:
        self.zip = zipfile.ZipFile(file)
        names = set(self.zip.namelist())
        book = etree.fromstring(self.zip.read("xl/workbook.xml"))
        if book.tag != _NS + "workbook":
            raise ValueError("not a transitional SpreadsheetML workbook")
        rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL_NS + "Relationship")}
        pr = book.find(_NS + "workbookPr")
        self.epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else None
        self.worksheets: list[_Sheet] = []
        for sheet in book.iter(_NS + "sheet"):
            target = targets.get(sheet.get(_REL_NS + "id"), "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if member in names:
                self.worksheets.append(_Sheet(self, sheet.get("name", ""), member))
        self.shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with self.zip.open("xl/sharedStrings.xml") as f:
                for _event, si in etree.iterparse(f, events=("end",), tag=_NS + "si"):
                    self.shared.append("".join(t.text or "" for t in si.iter(_NS + "t")
                                               if t.getparent().tag != _NS + "rPh"))
                    si.clear()
        self.date_styles: set[str] = set()
        if "xl/styles.xml" in names:
            styles = etree.fromstring(self.zip.read("xl/styles.xml"))
            codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(_NS + "numFmt")}
            xfs = styles.find(_NS + "cellXfs")
            for i, xf in enumerate(xfs if xfs is not None else []):
                fmt = int(xf.get("numFmtId", "0"))
                code = codes.get(fmt) or BUILTIN_FORMATS.get(fmt)
                if code and is_date_format(code):
                    self.date_styles.add(str(i))

    def close(self) -> None:
        self.zip.close()


class _Sheet:
    def __init__(self, book: _Book, title: str, member: str) -> None:
        self.book, self.title, self.member = book, title, member

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """Rows from `min_row` to `max_row` as tuples of values (like openpyxl's, values only)."""
        shared, date_styles, epoch = self.book.shared, self.book.date_styles, self.book.epoch
        tag_c, tag_v = _NS + "c", _NS + "v"
        expected = 1
        with self.book.zip.open(self.member) as f:
            for _event, row in etree.iterparse(f, events=("end",), tag=_NS + "row"):
                r = int(row.get("r") or expected)
                if max_row is not None and r > max_row:
                    break
                if r >= min_row:
                    for _gap in range(max(expected, min_row), r):
                        yield ()
                    values: list[Any] = []
                    for c in row.iterchildren(tag_c):
                        ref = c.get("r")
                        if ref:
                            index = _column(ref)
                            if index > len(values):
                                values.extend([None] * (index - len(values)))
                        kind = c.get("t")
                        if kind == "inlineStr":
                            value: Any = "".join(c.itertext()) or None  # empty reads as None, as in openpyxl
                        else:
                            text = c.findtext(tag_v)
                            if text is None:
                                value = None
                            elif kind == "s":
                                value = shared[int(text)]
                            elif kind is None or kind == "n":
                                value = float(text) if "." in text or "E" in text or "e" in text else int(text)
                                if c.get("s") in date_styles:
                                    value = from_excel(value, epoch) if epoch else from_excel(value)
                            elif kind == "b":
                                value = text == "1"
                            elif kind == "d":
                                value = dt.datetime.fromisoformat(text)
                            else:  # "str" (a formula's text), "e" (an error such as #N/A)
                                value = text
                        values.append(value)
                    yield tuple(values)
                expected = r + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]


def _open(file: IO[bytes] | str) -> Any:
    """The workbook through the fast reader, or openpyxl's read-only mode when the fast one cannot read it."""
    try:
        book = _Book(file)
        for sheet in book.worksheets[:1]:
            for _row in sheet.iter_rows(max_row=1):
                break
        return book
    except Exception:  # anything unexpected in the package: let openpyxl decide whether it is a workbook
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)


# --- Reading cells ------------------------------------------------------------------------------------


def read_date(value: Any) -> dt.date | None:
    """A date cell, dd/mm/yyyy or d/m/yyyy text (also with - or .), yyyy-mm-dd, or an Excel serial number.

    Raises ValueError for anything else (including impossible dates such as 31/02/1975).
    """
    if value is None:
        return None
    kind = type(value)
    if kind is dt.datetime:
        return value.date()
    if kind is dt.date:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        if not 1 <= value < 2958466:
            raise ValueError(value)
        value = from_excel(value)
    if type(value) is dt.datetime:
        return value.date()  # type: ignore[no-any-return]
    text = str(value).strip().lstrip("'")
    if not text:
        return None
    parts = _DATE_SPLIT.split(text)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        if len(parts[0]) == 4:
            year, month, day = parts
        else:
            day, month, year = parts
        if len(year) == 4 and len(day) <= 2 and len(month) <= 2:
            return dt.date(int(year), int(month), int(day))
    raise ValueError(text)


def _year_of(value: Any) -> int:
    if type(value) is int:
        return value  # type: ignore[no-any-return]
    text = cell_text(value)
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


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
class ImportResult:
    """What an import found and (when it has no errors) wrote: counts per kind, errors, timings (s)."""

    counts: dict[str, int] = field(default_factory=lambda: {
        "people": 0, "assignments": 0, "positions": 0, "ratings": 0, "disciplines": 0})
    errors: list[RowError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    truncated: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _TooManyErrors(Exception):
    pass


# --- Header detection ---------------------------------------------------------------------------------




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
        for sheet in (ASSIGNMENTS, DISCIPLINES, RATINGS, PEOPLE):
            if sheet not in found:
                header = find_header(ws, COLUMNS[sheet], REQUIRED[sheet])
                if header is not None:
                    found[sheet] = (ws, header)
                    break
    return found


def _rows(ws: Any, header: HeaderMatch, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, values by field index) for each non-empty data row; fields missing from the
    header read as None. A numbering row right under the header ((1), (2), ...) is skipped."""
    fields = list(COLUMNS[sheet])
    index = [header.columns.get(f, -1) for f in fields]
    first = True
    for r, raw in enumerate(ws.iter_rows(min_row=header.row + 1, values_only=True), start=header.row + 1):
        width = len(raw)
        values = [raw[i] if 0 <= i < width else None for i in index]
        if all(v is None or (type(v) is str and not v.strip()) for v in values):
            continue
        if first:
            first = False
            filled = [cell_text(v) for v in raw if v is not None and cell_text(v)]
            if len(filled) >= 3 and all(_NUMBERING.match(v) for v in filled):
                continue
        for i, v in enumerate(values):
            if type(v) is str:
                v = v.strip()
                values[i] = v if not v.startswith("'") else v[1:]
        yield r, values


# --- Import -------------------------------------------------------------------------------------------


@dataclass
class _NewAssignment:
    row: int
    code: str
    position_key: tuple[int, str]
    kind: str
    start: dt.date
    end: dt.date | None
    decision: str


@dataclass
class _Lookups:
    units: dict[str, Unit]
    positions: dict[tuple[int, str], Position]
    new_positions: dict[tuple[int, str], tuple[Position, int]]  # key -> (unsaved post, first row)
    scope: set[int] | None  # unit ids a personnel officer may import into; None: anywhere
    kinds: dict[str, str]
    levels: dict[str, int]
    ratings: dict[str, str]
    systems: dict[str, str]
    forms: dict[str, str]
    genders: dict[str, str]


def _choice_lookup(choices: Iterable[Any], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Labels (Vietnamese, and in the current language) and values, folded."""
    lookup: dict[str, str] = {}
    with translation.override("vi"):
        for c in choices:
            lookup[fold(str(c.label))] = c.value
    for c in choices:
        lookup.setdefault(fold(str(c.label)), c.value)
        lookup.setdefault(fold(str(c.value)), c.value)
    for k, v in (extra or {}).items():
        lookup[fold(k)] = v
    return lookup


def _lookups(actor: User) -> _Lookups:
    units: dict[str, Unit] = {}
    all_units = list(Unit.objects.only("id", "code", "name", "short_name"))
    for unit in all_units:
        units[unit.code] = unit
    for unit in all_units:
        for key in (unit.code, unit.name, unit.short_name):
            if key:
                units.setdefault(fold(key), unit)
    positions = {(p.unit_id, _title_key(p.title)): p for p in Position.objects.all()}
    scope = None
    if actor.role == Role.PERSONNEL and not actor.is_superuser:
        scope = unit_subtree_ids(actor.unit) if actor.unit is not None else set()
    levels: dict[str, int] = {str(v): v for v in PostLevel.values}
    with translation.override("vi"):
        levels |= {fold(str(c.label)): c.value for c in PostLevel}
    levels |= {fold(str(c.label)): c.value for c in PostLevel}
    return _Lookups(
        units=units, positions=positions, new_positions={}, scope=scope,
        kinds=_choice_lookup(AssignmentKind),
        levels=levels,
        ratings=_choice_lookup(RatingLevel, {
            "xuất sắc": RatingLevel.EXCELLENT, "tốt": RatingLevel.GOOD, "hoàn thành": RatingLevel.COMPLETED,
            "không hoàn thành": RatingLevel.NOT_COMPLETED, "HTXSNV": RatingLevel.EXCELLENT,
            "HTTNV": RatingLevel.GOOD, "HTNV": RatingLevel.COMPLETED, "KHTNV": RatingLevel.NOT_COMPLETED}),
        systems=_choice_lookup(DisciplineSystem, {
            "Đảng": DisciplineSystem.PARTY, "hành chính": DisciplineSystem.CIVIL_SERVICE,
            "chính quyền": DisciplineSystem.CIVIL_SERVICE}),
        forms=_choice_lookup(DisciplineForm),
        genders=_choice_lookup(Gender, {"Nam": Gender.MALE, "Nữ": Gender.FEMALE, "Nu": Gender.FEMALE}),
    )


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


# Cells of a column repeat few values ("Nam", "x", "bổ nhiệm"): fold each distinct one once.
_key = functools.lru_cache(maxsize=65536)(fold)


def _unit(lk: _Lookups, text: str) -> Unit | None:
    return lk.units.get(text) or lk.units.get(_key(text))


def _chunks(items: Sequence[Any], size: int = 5000) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class _Importer:
    """One import run: validation state, then the write."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.result = ImportResult()
        self.lk = _lookups(actor)
        self.today = timezone.localdate()
        self.people: dict[str, tuple[Person, int]] = {}  # code -> (unsaved person, row)
        self.people_codes: dict[str, int] = {}  # every code on the people sheet, even on a wrong row
        self.assignments: list[_NewAssignment] = []
        self.ratings: list[tuple[int, str, int, str]] = []  # (row, code, year, level)
        self.disciplines: list[tuple[int, str, Discipline]] = []  # (row, code, unsaved)
        self.refs: dict[str, list[tuple[str, int]]] = {}  # code -> [(sheet, row)] on other sheets
        self.db_people: dict[str, tuple[int, dt.date, int | None]] = {}  # code -> (id, birth, unit)

    def err(self, sheet: str, row: int, column: str, message: str) -> None:
        self.result.errors.append(RowError(sheet, row, _label(sheet, column) if column else "", message))
        if len(self.result.errors) >= MAX_ERRORS:
            raise _TooManyErrors

    def date(self, sheet: str, row: int, column: str, value: Any, required: bool = False) -> dt.date | None:
        try:
            day = read_date(value)
        except (ValueError, TypeError, OverflowError):
            self.err(sheet, row, column, _("Ngày “%(v)s” không hợp lệ; ghi dd/mm/yyyy, ví dụ 05/03/1975.") % {
                "v": cell_text(value)})
            return None
        if day is None:
            if required:
                self.err(sheet, row, column, _("Thiếu %(col)s.") % {"col": _label(sheet, column).lower()})
            return None
        if day.year < 1900 or day > self.today:
            self.err(sheet, row, column, _("Ngày %(d)s không hợp lệ (trước năm 1900 hoặc sau hôm nay).") % {
                "d": _d(day)})
            return None
        return day

    def ref(self, sheet: str, row: int, code: str) -> bool:
        if not code:
            self.err(sheet, row, "code", _("Thiếu mã hồ sơ."))
            return False
        self.refs.setdefault(code, []).append((sheet, row))
        return True

    # Sheets

    def read_people(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        s = PEOPLE
        lk = self.lk
        for r, (code_v, name_v, birth_v, gender_v, home_v, party_v, edu_v, phone_v, email_v) in rows:
            n = len(self.result.errors)
            code = cell_text(code_v)
            if not code:
                self.err(s, r, "code", _("Thiếu mã hồ sơ."))
            elif len(code) > 32:
                self.err(s, r, "code", _("Mã hồ sơ dài quá 32 ký tự."))
            elif code in self.people_codes:
                self.err(s, r, "code", _("Mã hồ sơ %(c)s trùng với dòng %(row)s.") % {
                    "c": code, "row": self.people_codes[code]})
            else:
                self.people_codes[code] = r
            name = " ".join(cell_text(name_v).split())
            if not name:
                self.err(s, r, "full_name", _("Thiếu họ và tên."))
            elif len(name) > 150:
                self.err(s, r, "full_name", _("Họ và tên dài quá 150 ký tự."))
            birth = self.date(s, r, "birth_date", birth_v, required=True)
            gender = lk.genders.get(_key(cell_text(gender_v)))
            if gender is None:
                self.err(s, r, "gender", _("Giới tính “%(v)s” không hợp lệ; ghi Nam hoặc Nữ.") % {
                    "v": cell_text(gender_v)})
            hometown = None
            home = cell_text(home_v)
            if home:
                hometown = _unit(lk, home)
                if hometown is None:
                    self.err(s, r, "hometown", _("Không tìm thấy đơn vị “%(v)s” (quê quán).") % {"v": home})
            party = self.date(s, r, "party_joined_on", party_v)
            if party and birth and party <= birth:
                self.err(s, r, "party_joined_on", _("Ngày vào Đảng phải sau ngày sinh."))
            education = cell_text(edu_v)
            if len(education) > 200:
                self.err(s, r, "education", _("Trình độ chuyên môn dài quá 200 ký tự."))
            phone = cell_text(phone_v)
            if len(phone) > 32:
                self.err(s, r, "phone", _("Số điện thoại dài quá 32 ký tự."))
            email = cell_text(email_v)
            if email:
                try:
                    validate_email(email)
                except DjangoValidationError:
                    self.err(s, r, "email", _("Địa chỉ thư điện tử “%(v)s” không hợp lệ.") % {"v": email})
            if len(self.result.errors) > n:
                continue
            assert birth is not None and gender is not None
            self.people[code] = (Person(
                code=code, full_name=name, birth_date=birth, gender=gender, hometown=hometown,
                party_joined_on=party, education=education, phone=phone, email=email,
            ), r)

    def read_assignments(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        s = ASSIGNMENTS
        lk = self.lk
        seen: dict[tuple[str, tuple[int, str], dt.date], int] = {}
        for r, (code_v, unit_v, title_v, leader_v, level_v, kind_v, start_v, end_v, decision_v) in rows:
            n = len(self.result.errors)
            code = cell_text(code_v)
            self.ref(s, r, code)
            unit_text = cell_text(unit_v)
            unit = _unit(lk, unit_text) if unit_text else None
            if not unit_text:
                self.err(s, r, "unit", _("Thiếu mã đơn vị."))
            elif unit is None:
                self.err(s, r, "unit", _("Không tìm thấy đơn vị mã “%(v)s”.") % {"v": unit_text})
            elif lk.scope is not None and unit.pk not in lk.scope:
                self.err(s, r, "unit", _("Đơn vị %(v)s ngoài phạm vi quản lý của bạn.") % {"v": unit_text})
            title = " ".join(cell_text(title_v).split())
            if not title:
                self.err(s, r, "title", _("Thiếu chức danh."))
            elif len(title) > 200:
                self.err(s, r, "title", _("Chức danh dài quá 200 ký tự."))
            leader_text = _key(cell_text(leader_v))
            is_leader = leader_text in _TRUE or leader_v is True
            if not is_leader and leader_text not in _FALSE and leader_v is not False:
                self.err(s, r, "is_leader", _("Cột lãnh đạo ghi x hoặc để trống (“%(v)s”).") % {
                    "v": cell_text(leader_v)})
            level_text = _key(cell_text(level_v))
            level = lk.levels.get(level_text) if level_text else PostLevel.STAFF
            if level is None:
                self.err(s, r, "level", _("Cấp chức vụ “%(v)s” không hợp lệ; ghi 0-5 hoặc tên cấp: %(all)s.") % {
                    "v": cell_text(level_v), "all": "; ".join(str(c.label) for c in PostLevel)})
            kind = lk.kinds.get(_key(cell_text(kind_v)))
            if kind is None:
                self.err(s, r, "kind", _("Hình thức “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
                    "v": cell_text(kind_v), "all": ", ".join(str(c.label) for c in AssignmentKind)})
            start = self.date(s, r, "start", start_v, required=True)
            end = self.date(s, r, "end", end_v)
            if start and end and end < start:
                self.err(s, r, "end", _("Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(s)s).") % {
                    "e": _d(end), "s": _d(start)})
            decision = cell_text(decision_v)
            if len(decision) > 64:
                self.err(s, r, "decision", _("Số quyết định dài quá 64 ký tự."))
            if len(self.result.errors) > n or unit is None or start is None or kind is None or level is None:
                continue
            key = (unit.pk, _title_key(title))
            if key not in lk.positions:
                new = lk.new_positions.get(key)
                if new is None:
                    lk.new_positions[key] = (Position(unit=unit, title=title, is_leader=is_leader, level=level), r)
                elif (new[0].is_leader, new[0].level) != (is_leader, level):
                    self.err(s, r, "level", _("Chức danh “%(t)s” tại %(u)s đã khai ở dòng %(row)s với cột lãnh đạo "
                                              "hoặc cấp chức vụ khác.") % {"t": title, "u": unit_text, "row": new[1]})
                    continue
            dup = (code, key, start)
            if dup in seen:
                self.err(s, r, "start", _("Quá trình công tác trùng với dòng %(row)s.") % {"row": seen[dup]})
                continue
            seen[dup] = r
            self.assignments.append(_NewAssignment(r, code, key, kind, start, end, decision))

    def read_ratings(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        s = RATINGS
        seen: dict[tuple[str, int], int] = {}
        this_year = self.today.year
        for r, (code_v, year_v, level_v) in rows:
            n = len(self.result.errors)
            code = cell_text(code_v)
            self.ref(s, r, code)
            year = 0
            try:
                year = _year_of(year_v)
            except ValueError:
                self.err(s, r, "year", _("Năm “%(v)s” không hợp lệ.") % {"v": cell_text(year_v)})
            else:
                if not 1990 <= year <= this_year:
                    self.err(s, r, "year", _("Năm xếp loại phải từ 1990 đến %(y)s.") % {"y": this_year})
            level = self.lk.ratings.get(_key(cell_text(level_v)))
            if level is None:
                self.err(s, r, "level", _("Xếp loại “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
                    "v": cell_text(level_v), "all": "; ".join(str(c.label) for c in RatingLevel)})
            if len(self.result.errors) > n or level is None:
                continue
            if (code, year) in seen:
                self.err(s, r, "year", _("Năm %(y)s của mã hồ sơ %(c)s đã xếp loại ở dòng %(row)s.") % {
                    "y": year, "c": code, "row": seen[(code, year)]})
                continue
            seen[(code, year)] = r
            self.ratings.append((r, code, year, level))

    def read_disciplines(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        s = DISCIPLINES
        lk = self.lk
        for r, (code_v, system_v, form_v, decided_v, by_v, reason_v) in rows:
            n = len(self.result.errors)
            code = cell_text(code_v)
            self.ref(s, r, code)
            system = lk.systems.get(_key(cell_text(system_v)))
            if system is None:
                self.err(s, r, "system", _("Loại kỷ luật “%(v)s” không hợp lệ; ghi Đảng hoặc hành chính.") % {
                    "v": cell_text(system_v)})
            form = lk.forms.get(_key(cell_text(form_v)))
            if form is None:
                self.err(s, r, "form", _("Hình thức kỷ luật “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
                    "v": cell_text(form_v), "all": ", ".join(str(c.label) for c in DisciplineForm)})
            decided_on = self.date(s, r, "decided_on", decided_v, required=True)
            decided_by = cell_text(by_v)
            if not decided_by:
                self.err(s, r, "decided_by", _("Thiếu cơ quan quyết định kỷ luật."))
            elif len(decided_by) > 200:
                self.err(s, r, "decided_by", _("Cơ quan quyết định dài quá 200 ký tự."))
            if len(self.result.errors) > n or system is None or form is None or decided_on is None:
                continue
            self.disciplines.append((r, code, Discipline(
                system=system, form=form, decided_on=decided_on, decided_by=decided_by, reason=cell_text(reason_v),
                blocks_until=rules.discipline_blocks_until(form=form, decided_on=decided_on))))

    # Cross-sheet checks, with the few bulk queries they need

    def check(self) -> None:
        codes = list(set(self.people_codes) | set(self.refs))
        in_db: dict[int, tuple[str, dt.date, int | None]] = {}
        for chunk in _chunks(codes):
            for pk, code, birth_day, unit in Person.objects.filter(code__in=chunk).values_list(
                    "pk", "code", "birth_date", "unit_id"):
                in_db[pk] = (code, birth_day, unit)
        found = sorted(in_db)
        for chunk in _chunks(found):
            for pk in Person.objects.visible_to(self.actor).filter(pk__in=chunk).values_list("pk", flat=True):
                self.db_people[in_db[pk][0]] = (pk, *in_db[pk][1:])
        in_db_codes = {v[0] for v in in_db.values()}
        for code in sorted(in_db_codes & set(self.people_codes), key=self.people_codes.__getitem__):
            self.err(PEOPLE, self.people_codes[code], "code", _("Mã hồ sơ %(c)s đã có.") % {"c": code})
            self.people.pop(code, None)
        for code, places in self.refs.items():
            if code not in self.people_codes and code not in self.db_people:
                for sheet, row in places:
                    self.err(sheet, row, "code", _("Không tìm thấy mã hồ sơ %(c)s trong sheet “%(s)s” hoặc trong cơ sở "
                                                   "dữ liệu.") % {"c": code, "s": PEOPLE})
        births: dict[str, dt.date | None] = {code: p.birth_date for code, (p, _r) in self.people.items()}
        births |= {code: v[1] for code, v in self.db_people.items()}
        for a in self.assignments:
            born = births.get(a.code)
            if born and a.start <= born:
                self.err(ASSIGNMENTS, a.row, "start", _("Ngày bắt đầu (%(s)s) phải sau ngày sinh (%(b)s).") % {
                    "s": _d(a.start), "b": _d(born)})
        if self.lk.scope is not None:
            # A personnel officer's new people must work in their subtree, or they could not see them.
            placed = {code for code, places in self.refs.items() if any(s == ASSIGNMENTS for s, _r in places)}
            for code, (_p, row) in self.people.items():
                if code not in placed:
                    self.err(PEOPLE, row, "code", _("Mã hồ sơ %(c)s chưa có quá trình công tác tại đơn vị thuộc phạm "
                                                    "vi quản lý của bạn.") % {"c": code})
        rated = [(self.db_people[c][0], y, row) for row, c, y, _l in self.ratings if c in self.db_people]
        if rated:
            pairs = {(pid, y): row for pid, y, row in rated}
            ids = sorted({pid for pid, _y, _r in rated})
            for chunk in _chunks(ids):
                for pid, year, code in Rating.objects.filter(person_id__in=chunk).values_list(
                        "person_id", "year", "person__code"):
                    if (pid, year) in pairs:
                        self.err(RATINGS, pairs[(pid, year)], "year", _(
                            "Năm %(y)s của mã hồ sơ %(c)s đã có xếp loại.") % {"y": year, "c": code})

    # Write

    def write(self) -> None:
        lk = self.lk
        counts = self.result.counts
        new_positions = [p for p, _r in lk.new_positions.values()]
        Position.objects.bulk_create(new_positions, batch_size=BATCH)
        if any(p.pk is None for p in new_positions):  # databases that do not return ids
            lk.positions = {(p.unit_id, _title_key(p.title)): p for p in Position.objects.all()}
        else:
            lk.positions |= {(p.unit_id, _title_key(p.title)): p for p in new_positions}
        # Current post: the open assignment that started last (file order breaks ties, as ids would).
        current: dict[str, _NewAssignment] = {}
        for a in self.assignments:
            if a.end is None:
                held = current.get(a.code)
                if held is None or a.start >= held.start:
                    current[a.code] = a
        people = []
        for code, (person, _row) in self.people.items():
            services.person_derive(person)
            now = current.get(code)
            if now is not None:
                post = lk.positions[now.position_key]
                person.position_id, person.position_since, person.unit_id = post.pk, now.start, post.unit_id
            people.append(person)
        max_before = Person.objects.aggregate(m=Max("pk"))["m"] or 0
        objects_insert(Person, people)
        ids = {code: pk for code, pk in Person.objects.filter(pk__gt=max_before).values_list("code", "pk")
               if code in self.people}
        ids |= {code: v[0] for code, v in self.db_people.items()}
        positions = {key: p.pk for key, p in lk.positions.items()}
        rows_insert(Assignment, ("person", "position", "kind", "start", "end", "decision"), (
            (ids[a.code], positions[a.position_key], a.kind, a.start, a.end, a.decision) for a in self.assignments))
        rows_insert(Rating, ("person", "year", "level"), ((ids[c], y, lv) for _r, c, y, lv in self.ratings))
        for _r, code, d in self.disciplines:
            d.person_id = ids[code]
        objects_insert(Discipline, [d for _r, _c, d in self.disciplines])
        self._refresh_existing()
        counts.update(people=len(people), assignments=len(self.assignments), positions=len(new_positions),
                      ratings=len(self.ratings), disciplines=len(self.disciplines))
        ChangeRecord.objects.create(
            actor=self.actor if self.actor.pk else None, action="import",
            content_type=ContentType.objects.get_for_model(Person), object_id="",
            object_repr=_("Nhập hồ sơ cán bộ từ Excel: %(n)s hồ sơ") % {"n": len(people)},
            after=dict(counts), reason=_("Nhập từ tệp Excel"),
        )

    def _refresh_existing(self) -> None:
        """People already in the database who got assignments: their current post, as
        `services.person_refresh_current` computes it (open assignment with the latest start, then id)."""
        touched = sorted({self.db_people[a.code][0] for a in self.assignments if a.code in self.db_people})
        if not touched:
            return
        changed = []
        for chunk in _chunks(touched):
            best: dict[int, tuple[dt.date, int, int, int]] = {}
            for pid, aid, start, post_id, unit_id in Assignment.objects.filter(
                    person_id__in=chunk, end__isnull=True).values_list(
                    "person_id", "id", "start", "position_id", "position__unit_id"):
                if pid not in best or (start, aid) > best[pid][:2]:
                    best[pid] = (start, aid, post_id, unit_id)
            for person in Person.objects.filter(pk__in=chunk):
                now = best.get(person.pk)
                if now is None:
                    person.position_id, person.position_since = None, None
                else:
                    person.position_since, _aid, person.position_id, person.unit_id = now
                changed.append(person)
        Person.objects.bulk_update(changed, ["unit", "position", "position_since"], batch_size=BATCH)


def people_import(*, actor: User, file: IO[bytes] | str, dry_run: bool = False) -> ImportResult:
    """Validate every row of every sheet, then write all of it in one transaction, or nothing.

    Each error names its sheet, Excel row and column. People already in the database (same code) may
    not be created again ("Mã hồ sơ ... đã có"), but the other sheets may add assignments, ratings and
    discipline to them. A personnel officer imports only into units of their own subtree and only for
    people they can see. `dry_run` validates and counts without writing. Writes one ChangeRecord
    (action "import") with the counts, not one per row.
    """
    if not services.can_manage_people(actor):
        raise PermissionDenied(_("Bạn không có quyền nhập hồ sơ cán bộ."))
    started = time.perf_counter()
    result = ImportResult(dry_run=dry_run)
    try:
        wb = _open(file)
    except Exception:  # openpyxl raises several types for a file that is not a workbook
        result.errors.append(RowError("", 0, "", _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")))
        return result
    importer = _Importer(actor)
    result = importer.result
    result.dry_run = dry_run
    try:
        sheets = _sheets(wb)
        if not sheets:
            result.errors.append(RowError("", 0, "", _("Không tìm thấy sheet nào trong số: %(s)s.") % {
                "s": ", ".join(SHEETS)}))
            return result
        readers = {PEOPLE: importer.read_people, ASSIGNMENTS: importer.read_assignments,
                   RATINGS: importer.read_ratings, DISCIPLINES: importer.read_disciplines}
        any_rows = False
        for sheet in SHEETS:
            if sheet not in sheets:
                continue
            ws, header = sheets[sheet]
            if header is None:
                result.errors.append(RowError(sheet, 0, "", _(
                    "Không tìm thấy dòng tiêu đề có đủ các cột: %(cols)s.") % {
                    "cols": ", ".join(_label(sheet, f) for f in REQUIRED[sheet])}))
                continue
            counted = _Counting(_rows(ws, header, sheet))
            readers[sheet](counted)
            any_rows = any_rows or counted.n > 0
        if not any_rows and not result.errors:
            result.errors.append(RowError("", 0, "", _("Tệp không có dòng dữ liệu nào.")))
        importer.check()
    except _TooManyErrors:
        result.truncated = True
    finally:
        wb.close()
    order = {s: i for i, s in enumerate(SHEETS)}
    result.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
    result.timings["read"] = time.perf_counter() - started
    counts = result.counts
    counts.update(people=len(importer.people), assignments=len(importer.assignments),
                  positions=len(importer.lk.new_positions), ratings=len(importer.ratings),
                  disciplines=len(importer.disciplines))
    if result.errors or dry_run:
        return result
    write_started = time.perf_counter()
    try:
        with transaction.atomic():
            importer.write()
    except IntegrityError:
        # Someone created the same code or post meanwhile: nothing was written.
        result.errors.append(RowError("", 0, "", _("Dữ liệu vừa bị thay đổi trong khi nhập (trùng mã hồ sơ, "
                                                   "chức danh hoặc xếp loại); chưa ghi gì, hãy nhập lại.")))
    else:
        if sum(counts.values()) >= ANALYZE_FROM:
            tables_analyze([Person, Position, Assignment, Rating, Discipline])
    result.timings["write"] = time.perf_counter() - write_started
    result.timings["total"] = time.perf_counter() - started
    return result


class _Counting:
    """Passes rows through and counts them."""

    def __init__(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        self.rows, self.n = rows, 0

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        for row in self.rows:
            self.n += 1
            yield row


# --- Template and export ------------------------------------------------------------------------------


def _headers(sheet: str, *, sensitive: bool = True) -> list[str]:
    return ["STT"] + [names[0] for f, names in COLUMNS[sheet].items() if sensitive or f not in ("phone", "email")]


def _widths(sheet: str, headers: list[str]) -> list[int]:
    all_headers = _headers(sheet)
    return [WIDTHS[sheet][all_headers.index(h)] for h in headers]


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _labels(choices: Any) -> dict[Any, str]:
    with translation.override("vi"):
        return {c.value: str(c.label) for c in choices}


def people_import_template() -> bytes:
    """The four sheets with their title rows, header and one example row each, and the unit list."""
    example_unit = Unit.objects.filter(code="SNV").values_list("code", flat=True).first() or "SNV"
    rows: dict[str, list[list[Any]]] = {
        PEOPLE: [[1, "CB00001", "Nguyễn Văn An", dt.date(1975, 3, 5), "Nam", "", "15/08/2000",
                  "Thạc sĩ Quản lý công", "0912345678", "an.nv@example.vn"]],
        ASSIGNMENTS: [[1, "CB00001", example_unit, "Chuyên viên", "", 0, "tuyển dụng", dt.date(2000, 9, 1),
                       dt.date(2015, 6, 30), "125/QĐ-UBND"],
                      [2, "CB00001", example_unit, "Phó Giám đốc Sở", "x", 3, "bổ nhiệm", dt.date(2015, 7, 1), None,
                       "1234/QĐ-UBND"]],
        RATINGS: [[1, "CB00001", 2024, "hoàn thành tốt nhiệm vụ"]],
        DISCIPLINES: [],
    }
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        headers = _headers(sheet)
        write_table(ws, title_lines=TITLE_LINES[sheet], headers=headers, rows=rows[sheet],
                    widths=_widths(sheet, headers))
    units = wb.create_sheet("Danh mục đơn vị")
    units.append(["Mã đơn vị", "Tên đơn vị"])
    for code, name in Unit.objects.current().order_by("name").values_list("code", "name"):
        units.append([safe_cell(code), safe_cell(name)])
    help_sheet = wb.create_sheet("Danh mục mã")
    help_sheet.append(["Danh mục", "Giá trị được chấp nhận"])
    for title, choices in (("Hình thức (quá trình công tác)", AssignmentKind), ("Cấp chức vụ", PostLevel),
                           ("Xếp loại", RatingLevel), ("Hình thức kỷ luật", DisciplineForm)):
        for value, label in _labels(choices).items():
            help_sheet.append([title, f"{value} - {label}" if choices is PostLevel else label])
    help_sheet.append(["Loại kỷ luật", "Đảng"])
    help_sheet.append(["Loại kỷ luật", "hành chính"])
    return _save(wb)


def people_filter(*, user: User, q: str = "", unit: int | None = None) -> QuerySet[Person]:
    """The people the user may see, filtered like the list page (folded words; a unit and its subtree)."""
    from chidao.core.text import search_terms

    qs = Person.objects.visible_to(user)
    for term in search_terms(q):
        qs = qs.filter(search_text__contains=term)
    if unit:
        found = Unit.objects.filter(pk=unit).first()
        qs = qs.filter(unit_id__in=unit_subtree_ids(found)) if found else qs.none()
    return qs


def _sensitive_check(user: User) -> Any:
    """Whether the user may see a person's phone and e-mail, decided once per unit."""
    from . import selectors

    @functools.cache
    def allowed(unit_id: int | None) -> bool:
        return selectors.can_see_sensitive(user, Person(unit_id=unit_id))

    return allowed


def people_export(*, user: User, qs: QuerySet[Person], via: str = "page") -> bytes:
    """The four sheets for the people of `qs` the user may see (the same columns the import reads, so an
    export imports back). Phone and e-mail only where `selectors.can_see_sensitive` allows (the columns
    are dropped when it allows none). Writes one AccessLog row (action "export"; its detail starts with
    `via` when that is not "page", e.g. "api 3 hồ sơ")."""
    people = list(qs.visible_to(user).select_related("hometown").order_by("sort_key", "id")  # type: ignore[attr-defined]
                  .only("id", "code", "full_name", "birth_date", "gender", "hometown__code", "party_joined_on",
                        "education", "phone", "email", "unit_id"))
    allowed = _sensitive_check(user)
    sensitive = any(allowed(p.unit_id) for p in people)
    genders = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
    kinds, levels = _labels(AssignmentKind), _labels(PostLevel)
    ratings, forms = _labels(RatingLevel), _labels(DisciplineForm)
    systems: dict[str, str] = {DisciplineSystem.PARTY: "Đảng", DisciplineSystem.CIVIL_SERVICE: "hành chính"}
    ids = [p.pk for p in people]
    codes = {p.pk: p.code for p in people}
    people_rows = []
    for n, p in enumerate(people, start=1):
        row: list[Any] = [n, p.code, p.full_name, p.birth_date, genders.get(p.gender, p.gender),
                          p.hometown.code if p.hometown else "", p.party_joined_on, p.education]
        if sensitive:
            show = allowed(p.unit_id)
            row += [p.phone if show else "", p.email if show else ""]
        people_rows.append(row)
    assignment_rows: list[list[Any]] = []
    rating_rows: list[list[Any]] = []
    discipline_rows: list[list[Any]] = []
    for chunk in _chunks(ids):
        for a in (Assignment.objects.filter(person_id__in=chunk).select_related("position__unit")
                  .order_by("person__sort_key", "person_id", "start", "id")):
            post = a.position
            assignment_rows.append([len(assignment_rows) + 1, codes[a.person_id], post.unit.code, post.title,
                                    "x" if post.is_leader else "", levels.get(post.level, post.level),
                                    kinds.get(a.kind, a.kind), a.start, a.end, a.decision])
        for rt in Rating.objects.filter(person_id__in=chunk).order_by("person__sort_key", "person_id", "year"):
            rating_rows.append([len(rating_rows) + 1, codes[rt.person_id], rt.year, ratings.get(rt.level, rt.level)])
        for d in Discipline.objects.filter(person_id__in=chunk).order_by("person__sort_key", "person_id",
                                                                         "decided_on"):
            discipline_rows.append([len(discipline_rows) + 1, codes[d.person_id], systems.get(d.system, d.system),
                                    forms.get(d.form, d.form), d.decided_on, d.decided_by, d.reason])
    today = timezone.localdate().strftime("%d/%m/%Y")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, rows in ((PEOPLE, people_rows), (ASSIGNMENTS, assignment_rows), (RATINGS, rating_rows),
                        (DISCIPLINES, discipline_rows)):
        ws = wb.create_sheet(sheet)
        headers = _headers(sheet, sensitive=sensitive)
        write_table(ws, title_lines=[TITLE_LINES[sheet][0], f"(Số liệu đến ngày {today})"], headers=headers,
                    rows=rows, widths=_widths(sheet, headers))
    detail = f"{len(people)} hồ sơ" if via == "page" else f"{via} {len(people)} hồ sơ"
    AccessLog.objects.create(user=user, person=None, action="export", detail=detail)
    return _save(wb)
