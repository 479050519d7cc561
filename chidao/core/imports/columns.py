"""Typed column specs: what a column holds (type, required, choices, maximum length, from the model field
unless overridden), the labels it is found by, and who may write it.

A spec reads one cell (`Column.read`) and raises `CellError` with the message a user reads; every message can
be overridden by the app (its wording is part of the app's rules). The app keeps its domain rules (codes already
taken, dates in order, scope); the spec enforces what the database would (a 40-character code in a 32-character
field is a row error, never a 500 on PostgreSQL or a silent overflow on SQLite).
"""

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..dates import DateOutOfRange, date_in_range
from ..excel import cell_text
from ..limits import text_limit
from ..text import fold

TEXT, INT, DATE, CHOICE, BOOL, EMAIL, REF = "text", "int", "date", "choice", "bool", "email", "ref"
_TRUE = {"x", "co", "1", "true", "yes", "la lanh dao", "lanh dao"}
_FALSE = {"", "khong", "0", "false", "no"}
_DATE_SPLIT = re.compile(r"\s*[/.\-]\s*")
_GROUPED_INT = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_INT_RANGES = {
    "PositiveSmallIntegerField": (0, 32767), "SmallIntegerField": (-32768, 32767),
    "PositiveIntegerField": (0, 2147483647), "IntegerField": (-2147483648, 2147483647),
    "BigIntegerField": (-2**63, 2**63 - 1), "PositiveBigIntegerField": (0, 2**63 - 1),
}

# Cells of a column repeat few values ("Nam", "x", "bổ nhiệm"): fold each distinct one once.
key = functools.lru_cache(maxsize=65536)(fold)


def day_text(day: dt.date | None) -> str:
    """A date as the workbooks and their error messages write it: dd/mm/yyyy ("" for none)."""
    return day.strftime("%d/%m/%Y") if day else ""


class CellError(ValueError):
    """A cell that cannot be read; the message is what the user reads."""


def read_date(value: Any, *, serials: bool = True) -> dt.date | None:
    """A date cell, dd/mm/yyyy or d/m/yyyy text (also with - or .), yyyy-mm-dd, or (`serials`) an Excel serial
    number. Raises ValueError for anything else (including impossible dates such as 31/02/1975), and
    DateOutOfRange (its message names the range) for a date outside the one accepted range."""
    day = _read_day(value, serials=serials)
    return None if day is None else date_in_range(day)


def _read_day(value: Any, *, serials: bool = True) -> dt.date | None:
    if value is None:
        return None
    kind = type(value)
    if kind is dt.datetime:
        return value.date()  # type: ignore[no-any-return]
    if kind is dt.date:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        if not serials or not 1 <= value < 2958466:
            raise ValueError(value)
        return from_excel(value).date()  # type: ignore[no-any-return]
    if kind is bool:
        raise ValueError(value)
    text = str(value).strip().lstrip("'")
    if not text:
        return None
    parts = _DATE_SPLIT.split(text)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        year, month, day = parts if len(parts[0]) == 4 else parts[::-1]
        if len(year) == 4 and len(day) <= 2 and len(month) <= 2:
            return dt.date(int(year), int(month), int(day))
    raise ValueError(text)


def read_int(value: Any) -> int | None:
    """A whole number from a cell (number, or text with optional thousands separators); None when empty.
    Raises ValueError for anything else (including 2.5 and booleans)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
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


def choice_lookup(choices: Iterable[Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Labels (Vietnamese, and in the current language), values and extra words, folded -> value."""
    pairs = [(c.value, c.label) for c in choices] if not isinstance(choices, Mapping) else list(choices.items())
    lookup: dict[str, Any] = {}
    with translation.override("vi"):
        for value, label in pairs:
            lookup[fold(str(label))] = value
    for value, label in pairs:
        lookup.setdefault(fold(str(label)), value)
        lookup.setdefault(fold(str(value)), value)
    for k, v in (extra or {}).items():
        lookup[fold(k)] = v
    return lookup


def choice_labels(choices: Any) -> dict[Any, str]:
    """value -> Vietnamese label (workbooks are Vietnamese whatever the UI language)."""
    with translation.override("vi"):
        return {c.value: str(c.label) for c in choices}


@dataclass
class Column:
    """One column of a sheet: `name` (the field), `labels` (the first is the canonical one: template, export,
    errors), and how a cell is read."""

    name: str
    labels: Sequence[str]
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: Mapping[str, Any] | None = None  # folded word -> value
    choice_names: str = ""  # the accepted values, as the error message lists them
    bounds: tuple[int, int] | None = None
    squash: bool = False  # collapse runs of spaces (names, titles)
    serials: bool = True  # dates: accept an Excel serial number
    resolve: Callable[[str], Any] | None = None  # REF: the object a text names, or None
    may_write: Callable[[Any], bool] | None = None  # the actor may put a value in this column
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.labels[0]

    def _message(self, name: str, default: str, **params: Any) -> CellError:
        template = self.messages.get(name) or default
        return CellError(template % {"col": self.label.lower(), "label": self.label, **params})

    def read(self, value: Any) -> Any:
        """The cell as the field stores it (None or "" when empty); raises CellError."""
        reader = _READERS[self.kind]
        result = reader(self, value)
        if (result is None or result == "") and self.required:
            raise self._message("required", _("Thiếu %(col)s."), v="")
        return result


def _text(c: Column, value: Any) -> str:
    text = cell_text(value)
    if c.squash:
        text = " ".join(text.split())
    if c.max_length is not None and len(text) > c.max_length:
        raise c._message("max_length", _("%(label)s dài quá %(n)s ký tự."), n=c.max_length, v=text)
    return text


def _email(c: Column, value: Any) -> str:
    text = _text(c, value)
    if text:
        try:
            validate_email(text)
        except DjangoValidationError:
            raise c._message("invalid", _("Địa chỉ thư điện tử “%(v)s” không hợp lệ."), v=text) from None
    return text


def _int(c: Column, value: Any) -> int | None:
    try:
        number = read_int(value)
    except ValueError:
        raise c._message("invalid", _("“%(v)s” không phải số nguyên."), v=cell_text(value)) from None
    if number is not None and c.bounds is not None and not c.bounds[0] <= number <= c.bounds[1]:
        raise c._message("bounds", _("Số %(v)s không hợp lệ."), v=number)
    return number


def _date(c: Column, value: Any) -> dt.date | None:
    try:
        return read_date(value, serials=c.serials)
    except DateOutOfRange as exc:
        raise c._message("range", "%(m)s", m=str(exc)) from None
    except (ValueError, TypeError, OverflowError):
        raise c._message("invalid", _("Ngày “%(v)s” không hợp lệ; ghi dd/mm/yyyy."), v=cell_text(value)) from None


def _choice(c: Column, value: Any) -> Any:
    text = cell_text(value)
    found = (c.choices or {}).get(key(text))
    if found is None and (text or c.required):
        raise c._message("choice", _("%(label)s “%(v)s” không hợp lệ; chọn một trong: %(all)s."), v=text,
                         all=c.choice_names)
    return found


def _bool(c: Column, value: Any) -> bool:
    if value is True or value is False:
        return value
    text = key(cell_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise c._message("invalid", _("Cột %(col)s ghi x hoặc để trống (“%(v)s”)."), v=cell_text(value))


def _ref(c: Column, value: Any) -> Any:
    text = cell_text(value)
    if not text:
        return None
    assert c.resolve is not None
    found = c.resolve(text)
    if found is None:
        raise c._message("unknown", _("Không tìm thấy “%(v)s”."), v=text)
    return found


_READERS: dict[str, Callable[[Column, Any], Any]] = {
    TEXT: _text, EMAIL: _email, INT: _int, DATE: _date, CHOICE: _choice, BOOL: _bool, REF: _ref}


def column(model: type[models.Model], name: str, labels: Sequence[str], *, attr: str | None = None,
           **overrides: Any) -> Column:
    """A column for `model`'s field `attr` (default `name`): type, required, choices and maximum length from the
    field; anything given in `overrides` wins."""
    f = cast(models.Field, model._meta.get_field(attr or name))
    derived: dict[str, Any] = {"required": not (f.blank or f.null)}
    internal = f.get_internal_type()
    if f.choices:
        with translation.override("vi"):
            names = ", ".join(str(label) for _value, label in f.flatchoices)
        derived |= {"kind": CHOICE, "choices": choice_lookup(dict(f.flatchoices)),
                    "choice_names": names}
    elif isinstance(f, models.EmailField):
        derived |= {"kind": EMAIL, "max_length": f.max_length}
    elif isinstance(f, models.CharField | models.TextField):
        derived |= {"kind": TEXT, "max_length": text_limit(model, f.name)}  # TextField: its kind's (core.limits)
    elif internal in _INT_RANGES:
        derived |= {"kind": INT, "bounds": _INT_RANGES[internal]}
    elif isinstance(f, models.DateField):
        derived |= {"kind": DATE}
    elif isinstance(f, models.BooleanField):
        derived |= {"kind": BOOL, "required": False}
    elif f.is_relation:
        derived |= {"kind": REF}
    return Column(name=name, labels=list(labels), **(derived | overrides))



def columns_refused(columns: Iterable[Column], actor: Any) -> set[str]:
    """The columns `actor` may not write (their `may_write` hook says no), e.g. sensitive personnel fields."""
    return {c.name for c in columns if c.may_write is not None and not c.may_write(actor)}


def cells_read(columns: Sequence[Column], values: Sequence[Any], err: Callable[[str, int, str, str], None],
               sheet: str, row: int, refused: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every cell of a row read by its column spec; each unreadable cell (or a value in a column the actor may
    not write) is a row error and reads as None."""
    out: dict[str, Any] = {}
    for c, value in zip(columns, values, strict=True):
        if c.name in refused and cell_text(value):
            err(sheet, row, c.name, _("Bạn không được ghi cột “%(col)s” (thông tin nhạy cảm); để trống cột này.") % {
                "col": c.label})
            out[c.name] = None
            continue
        try:
            out[c.name] = c.read(value)
        except CellError as exc:
            err(sheet, row, c.name, str(exc))
            out[c.name] = None
    return out
