"""Dates as people write and read them: dd/mm/yyyy. One parser (forms, commands, Excel cells) and one
formatter, so every entry point accepts the same spellings and every message shows the same shape."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# What a date may be typed as: dd/mm/yyyy first (also d/m/yyyy), then the other spellings seen in
# spreadsheets, then ISO. Forms take the same list (`input_formats`).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_FORMAT = "%d/%m/%Y"


def parse_date(value: Any) -> dt.date | None:
    """A date cell, or text in dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd); None when
    empty. Raises ValueError on anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return date_in_range(day)
    raise ValueError(text)


class DateOutOfRange(ValueError):
    """A well-formed date outside the accepted range; the message names the range."""


def date_bounds() -> tuple[dt.date, dt.date]:
    """The one range of dates the system accepts (settings CHIDAO_DATE_MIN, CHIDAO_DATE_MAX): wide enough for
    cadres born in the 1940s and historic decisions, narrow enough that date arithmetic never overflows."""
    return settings.CHIDAO_DATE_MIN, settings.CHIDAO_DATE_MAX


def date_range_message() -> str:
    low, high = date_bounds()
    return _("Ngày phải trong khoảng từ %(a)s đến %(b)s.") % {"a": format_date(low), "b": format_date(high)}


def date_in_range(day: dt.date) -> dt.date:
    """The day itself when inside the accepted range; raises DateOutOfRange (message naming the range) else."""
    low, high = date_bounds()
    if not low <= day <= high:
        raise DateOutOfRange(date_range_message())
    return day


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, held at the calendar's ends instead of overflowing (a stored far date must not
    turn a page into a 500)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy; an unknown date is empty."""
    return day.strftime(DATE_FORMAT) if day else ""
