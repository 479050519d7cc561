"""Reading a workbook for an import: values only, streamed, after the zip container passed its limits.

openpyxl's read-only mode parses about 130,000 cells a second (28 s for 150,000 people and 220,000 assignments);
`Book` takes the same values straight from the sheet XML with lxml's iterparse, about three times faster, reading
each zip member as a stream (never a whole member in memory; the shared strings are kept, as openpyxl keeps
them). It reads values only (as `load_workbook(read_only=True, data_only=True)` does): shared and inline strings,
numbers, booleans, and numbers in a date format as datetimes. Merged cells read as their top-left value and empty
rows keep their numbers, as in openpyxl. A workbook it cannot read (another namespace, a missing part) falls back
to openpyxl's read-only mode. Before either is used, `core.uploads.zip_check` refuses a zip bomb.
"""

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

from ..excel import HeaderMatch, cell_text, find_header
from ..text import fold, nfc
from ..uploads import zip_check
from .result import ImportResult

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS = "{" + _MAIN_NS + "}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COLUMN_INDEX: dict[str, int] = {}
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
# A parser that resolves no entities and reads no network: workbook XML needs neither.
_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=True)


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = _COLUMN_INDEX[letters] = column_index_from_string(letters) - 1
    return index


def _parse(archive: zipfile.ZipFile, name: str) -> Any:
    """A small part (workbook, relationships, styles) parsed from a stream."""
    with archive.open(name) as f:
        return etree.parse(f, etree.XMLParser(**_PARSER)).getroot()  # type: ignore[arg-type]


class Book:
    """The sheets of an .xlsx file, read lazily, values only."""

    def __init__(self, file: IO[bytes] | str) -> None:
        self.zip = zipfile.ZipFile(file)
        names = set(self.zip.namelist())
        book = _parse(self.zip, "xl/workbook.xml")
        if book.tag != _NS + "workbook":
            raise ValueError("not a transitional SpreadsheetML workbook")
        rels = _parse(self.zip, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PKG_REL_NS + "Relationship")}
        pr = book.find(_NS + "workbookPr")
        self.epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else None
        self.worksheets: list[Sheet] = []
        for sheet in book.iter(_NS + "sheet"):
            target = targets.get(sheet.get(_REL_NS + "id"), "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            if member in names:
                self.worksheets.append(Sheet(self, sheet.get("name", ""), member))
        self.shared = self._shared() if "xl/sharedStrings.xml" in names else []
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else set()

    def _shared(self) -> list[str]:
        shared: list[str] = []
        with self.zip.open("xl/sharedStrings.xml") as f:
            for _event, si in etree.iterparse(f, events=("end",), tag=_NS + "si", **_PARSER):
                shared.append("".join(t.text or "" for t in si.iter(_NS + "t") if t.getparent().tag != _NS + "rPh"))
                si.clear()
        return shared

    def _date_styles(self) -> set[str]:
        styles = _parse(self.zip, "xl/styles.xml")
        codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(_NS + "numFmt")}
        xfs = styles.find(_NS + "cellXfs")
        found = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            fmt = int(xf.get("numFmtId", "0"))
            code = codes.get(fmt) or BUILTIN_FORMATS.get(fmt)
            if code and is_date_format(code):
                found.add(str(i))
        return found

    def close(self) -> None:
        self.zip.close()


class Sheet:
    def __init__(self, book: Book, title: str, member: str) -> None:
        self.book, self.title, self.member = book, title, member

    def _value(self, c: Any) -> Any:
        kind = c.get("t")
        if kind == "inlineStr":
            return "".join(c.itertext()) or None  # empty reads as None, as in openpyxl
        text = c.findtext(_NS + "v")
        if text is None:
            return None
        if kind == "s":
            return self.book.shared[int(text)]
        if kind is None or kind == "n":
            value = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if c.get("s") in self.book.date_styles:
                epoch = self.book.epoch
                return from_excel(value, epoch) if epoch else from_excel(value)
            return value
        if kind == "b":
            return text == "1"
        if kind == "d":
            return dt.datetime.fromisoformat(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def _values(self, row: Any) -> tuple[Any, ...]:
        values: list[Any] = []
        for c in row.iterchildren(_NS + "c"):
            ref = c.get("r")
            if ref:
                index = _column(ref)
                if index > len(values):
                    values.extend([None] * (index - len(values)))
            values.append(self._value(c))
        return tuple(values)

    def iter_rows(self, min_row: int = 1, max_row: int | None = None,
                  values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        """Rows from `min_row` to `max_row` as tuples of values (like openpyxl's, values only)."""
        expected = 1
        with self.book.zip.open(self.member) as f:
            for _event, row in etree.iterparse(f, events=("end",), tag=_NS + "row", **_PARSER):
                r = int(row.get("r") or expected)
                if max_row is not None and r > max_row:
                    break
                if r >= min_row:
                    for _gap in range(max(expected, min_row), r):
                        yield ()
                    yield self._values(row)
                expected = r + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]


def workbook_open(file: IO[bytes] | str) -> Any:
    """The workbook through the fast reader, or openpyxl's read-only mode when the fast one cannot read it.

    Raises `core.uploads.ZipRefused` (before any part is parsed) for a container over the unpacking limits,
    anything else for a file that is not a workbook."""
    if isinstance(file, str):
        with open(file, "rb") as f:
            zip_check(f)
    else:
        zip_check(file)
    try:
        book = Book(file)
        for sheet in book.worksheets[:1]:
            for _row in sheet.iter_rows(max_row=1):
                break
        return book
    except Exception:  # anything unexpected in the package: let openpyxl decide whether it is a workbook
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)


def sheets_find(wb: Any, aliases: Mapping[str, Sequence[str]], labels: Mapping[str, Mapping[str, Sequence[str]]],
                required: Mapping[str, Sequence[str]],
                by_header: Sequence[str]) -> dict[str, tuple[Any, HeaderMatch | None]]:
    """Which worksheet holds which sheet: by name (without diacritics), else by its header (trying the sheets of
    `by_header` in that order)."""
    found: dict[str, tuple[Any, HeaderMatch | None]] = {}
    names = {fold(a): sheet for sheet, names_ in aliases.items() for a in names_}
    unnamed: list[Any] = []
    for ws in wb.worksheets:
        sheet = names.get(fold(ws.title))
        if sheet and sheet not in found:
            found[sheet] = (ws, find_header(ws, labels[sheet], required[sheet]))
        else:
            unnamed.append(ws)
    for ws in unnamed:
        for sheet in by_header:
            if sheet not in found:
                header = find_header(ws, labels[sheet], required[sheet])
                if header is not None:
                    found[sheet] = (ws, header)
                    break
    return found


def _numbering(raw: Sequence[Any]) -> bool:
    filled = [cell_text(v) for v in raw if v is not None and cell_text(v)]
    return len(filled) >= 3 and all(_NUMBERING.match(v) for v in filled)


def data_rows(ws: Any, header: HeaderMatch, fields: Sequence[str], *,
              blank_by_fields: bool = True) -> Iterator[tuple[int, list[Any], tuple[Any, ...]]]:
    """(Excel row, values by field, the raw row) for each non-empty row under the header; fields missing from
    the header read as None. A numbering row right under the header ((1), (2), ...) is skipped. Text is
    stripped, a leading apostrophe dropped. A row is empty when its fields are (`blank_by_fields`), else when
    every cell is."""
    index = [header.columns.get(f, -1) for f in fields]
    first = True
    for r, raw in enumerate(ws.iter_rows(min_row=header.row + 1, values_only=True), start=header.row + 1):
        width = len(raw)
        values = [raw[i] if 0 <= i < width else None for i in index]
        if all(v is None or (type(v) is str and not v.strip()) for v in (values if blank_by_fields else raw)):
            continue
        if first:
            first = False
            if _numbering(raw):
                continue
        for i, v in enumerate(values):
            if type(v) is str:
                v = nfc(v.strip())  # one Unicode form for every text, as the request middleware gives
                values[i] = v[1:] if v.startswith("'") else v
        yield r, values, raw


def header_missing(labels: Mapping[str, Sequence[str]], required: Sequence[str]) -> str:
    """The whole-sheet error of a sheet without a header row holding every required column."""
    return _("Không tìm thấy dòng tiêu đề có đủ các cột: %(cols)s.") % {
        "cols": ", ".join(labels[f][0] for f in required)}


class _Counting:
    """Passes rows through and counts them."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.rows, self.n = rows, 0

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            self.n += 1
            yield row


def sheets_read(wb: Any, result: ImportResult, *, sheets: Sequence[str], aliases: Mapping[str, Sequence[str]],
                labels: Mapping[str, Mapping[str, Sequence[str]]], required: Mapping[str, Sequence[str]],
                by_header: Sequence[str], readers: Mapping[str, Callable[[Iterable[Any]], None]],
                blank_by_fields: bool = True) -> bool:
    """Find each sheet (`sheets_find`) and hand its data rows to its reader, in `sheets` order; a sheet without
    its header, a workbook without any sheet or without any row are whole-file errors. False: no sheet found."""
    found = sheets_find(wb, aliases, labels, required, by_header)
    if not found:
        result.refuse(_("Không tìm thấy sheet nào trong số: %(s)s.") % {"s": ", ".join(sheets)})
        return False
    any_rows = False
    for sheet in (s for s in sheets if s in found):
        ws, header = found[sheet]
        if header is None:
            result.refuse(header_missing(labels[sheet], required[sheet]), sheet)
            continue
        counted = _Counting(data_rows(ws, header, list(labels[sheet]), blank_by_fields=blank_by_fields))
        readers[sheet](counted)
        any_rows = any_rows or counted.n > 0
    if not any_rows and not result.errors:
        result.refuse(_("Tệp không có dòng dữ liệu nào."))
    return True
