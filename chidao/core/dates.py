"""Dates as people write and read them: dd/mm/yyyy. One parser (forms, commands, Excel cells) and one
formatter, so every entry point accepts the same spellings and every message shows the same shape."""

import datetime as dt
from typing import Any

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
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy; an unknown date is empty."""
    return day.strftime(DATE_FORMAT) if day else ""
