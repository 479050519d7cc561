"""Spreadsheet helpers shared by every import and export.

Vietnamese offices' workbooks have title rows above the header, merged header cells and dates
typed either as dates or as dd/mm/yyyy text; these helpers read them and write back the same way.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .dates import parse_date as parse_date  # the one dd/mm/yyyy parser, re-exported for the importers
from .text import fold, nfc

DATE_FORMAT = "dd/mm/yyyy"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="999999")


def safe_cell(value: Any) -> Any:
    """Neutralize spreadsheet formula injection (OWASP "CSV injection"): text starting like a formula
    (= + - @ tab CR) gets a leading apostrophe, so it is stored and shown as text, never evaluated.
    Every exported text goes through here; `cell_text` takes the apostrophe off again on import.
    Control characters a worksheet cannot hold (openpyxl refuses them, e.g. a vertical tab pasted from Word)
    are dropped, so an export never fails on stored text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_PREFIXES):
            return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A cell as trimmed text; the apostrophe `safe_cell` put before formula-like text is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = nfc(str(value))  # a cell typed on a Mac or pasted from a PDF may come decomposed
    if text.startswith("'") and text[1:].startswith(_FORMULA_PREFIXES):
        text = text[1:]
    return text.strip()


@dataclass
class HeaderMatch:
    row: int  # 1-based row of the header
    columns: dict[str, int]  # field -> 0-based column index


def find_header(ws: Worksheet, aliases: Mapping[str, Sequence[str]], required: Iterable[str],
                scan_rows: int = 15) -> HeaderMatch | None:
    """Find the header row among the first rows: the first row where every required field's label appears,
    else a two-row header (merged group labels above sub-labels).

    Labels are compared without diacritics or case; merged header cells read as their top-left value.
    """
    wanted = {f: {fold(a) for a in names} for f, names in aliases.items()}
    rows = [tuple(r) for r in ws.iter_rows(min_row=1, max_row=scan_rows + 1, values_only=True)]

    def match(candidates: Sequence[tuple[Any, ...]]) -> dict[str, int]:
        columns: dict[str, int] = {}
        for row in candidates:
            for c, value in enumerate(row):
                label = fold(cell_text(value)).rstrip(" *:")
                for f, names in wanted.items():
                    if label in names and f not in columns and c not in columns.values():
                        columns[f] = c
        return columns

    for r, row in enumerate(rows[:scan_rows], start=1):
        columns = match([row])
        if all(f in columns for f in required):
            return HeaderMatch(row=r, columns=columns)
    # A two-row header: group labels merged over sub-labels; the sub-label wins, data starts below both.
    for r in range(min(len(rows), scan_rows + 1) - 1):
        columns = match([rows[r + 1], rows[r]])
        if all(f in columns for f in required):
            return HeaderMatch(row=r + 2, columns=columns)
    return None


def write_table(ws: Worksheet, *, title_lines: Sequence[str], headers: Sequence[str],
                rows: Iterable[Sequence[Any]], widths: Sequence[int]) -> None:
    """Title rows merged across the table, a bold header, bordered rows; dates as dd/mm/yyyy."""
    ncols = len(headers)
    for i, line in enumerate(title_lines, start=1):
        ws.cell(row=i, column=1, value=safe_cell(line)).font = Font(bold=i == 1, size=13 if i == 1 else 11)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
    header_row = len(title_lines) + 2
    for c, label in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=c, value=safe_cell(label))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    r = header_row
    # One style object shared by every cell: building them per cell made 20,000-row exports take minutes.
    border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    alignment = Alignment(vertical="top", wrap_text=True)
    for r, values in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=safe_cell(value))
            cell.border = border
            cell.alignment = alignment
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
