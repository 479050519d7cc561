"""What every import returns: counts, row errors (sheet, Excel row, column label, message), dry run, truncated."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

MAX_ERRORS = 5000  # after this many, stop collecting (the file is clearly not the expected one)


@dataclass
class RowError:
    sheet: str
    row: int  # 0: the whole file or sheet
    column: str  # the column's label as the workbook shows it
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}, dòng {self.row}" if self.row else self.sheet
        return f"{where}{', cột ' + self.column if self.column else ''}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    """What an import found and (when it has no errors and is no dry run) wrote."""

    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    truncated: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, message: str, sheet: str = "") -> Self:
        """A whole-file error (no row, no column); returns the result, for `return result.refuse(...)`."""
        self.errors.append(RowError(sheet, 0, "", message))
        return self

    def sort(self, sheets: Sequence[str], labels: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> None:
        """Errors in the workbook's order: sheet, row, then (given the sheets' labels) column."""
        order = {s: i for i, s in enumerate(sheets)}
        place = {(s, names[0]): i for s, columns in (labels or {}).items() for i, names in enumerate(columns.values())}
        self.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row, place.get((e.sheet, e.column), -1)))


class TooManyErrors(Exception):
    """Raised by `Errors` at MAX_ERRORS; the import stops reading and marks its result truncated."""


class Errors:
    """Collects row errors into a result; columns are given by field name and shown by their label."""

    def __init__(self, result: ImportResult, labels: Mapping[str, Mapping[str, Sequence[str]]],
                 limit: int = MAX_ERRORS) -> None:
        self.result, self.labels, self.limit = result, labels, limit

    def __call__(self, sheet: str, row: int, column: str, message: str) -> None:
        label = self.labels.get(sheet, {}).get(column, [column])[0] if column else ""
        self.result.errors.append(RowError(sheet, row, label, message))
        if len(self.result.errors) >= self.limit:
            raise TooManyErrors

    def __len__(self) -> int:
        return len(self.result.errors)

