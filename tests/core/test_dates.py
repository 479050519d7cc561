"""The one dd/mm/yyyy parser and formatter."""

import datetime as dt

import pytest

from chidao.core.dates import format_date, parse_date


@pytest.mark.parametrize("text", ["05/07/2021", "5/7/2021", "05-07-2021", "05.07.2021", "2021-07-05", " 05/07/2021 "])
def test_parse_date_reads_every_spelling(text):
    assert parse_date(text) == dt.date(2021, 7, 5)


def test_parse_date_takes_dates_and_empties_and_refuses_the_rest():
    assert parse_date(dt.datetime(2021, 7, 5, 9, 30)) == dt.date(2021, 7, 5)
    assert parse_date(dt.date(2021, 7, 5)) == dt.date(2021, 7, 5)
    assert parse_date("") is None and parse_date(None) is None
    with pytest.raises(ValueError):
        parse_date("31/02/2021")


def test_format_date():
    assert format_date(dt.date(2021, 7, 5)) == "05/07/2021"
    assert format_date(None) == ""
