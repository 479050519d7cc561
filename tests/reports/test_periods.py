"""Decree 09/2019 Art. 12 cut-offs: the 15th of the previous period's last month to the 14th."""

import datetime as dt

import pytest

from chidao.core.periods import PeriodKind, period_parse, periods_for_year, reporting_period

D = dt.date


@pytest.mark.parametrize(
    ("spec", "start", "end", "code"),
    [
        ("2021-M11", D(2021, 10, 15), D(2021, 11, 14), "2021-M11"),
        ("2022-M1", D(2021, 12, 15), D(2022, 1, 14), "2022-M1"),  # January starts in the previous year
        ("2021-Q4", D(2021, 9, 15), D(2021, 12, 14), "2021-Q4"),
        ("2022-Q1", D(2021, 12, 15), D(2022, 3, 14), "2022-Q1"),
        ("2021-H1", D(2020, 12, 15), D(2021, 6, 14), "2021-H1"),
        ("2021", D(2020, 12, 15), D(2021, 12, 14), "2021"),
        ("2021-N", D(2020, 12, 15), D(2021, 12, 14), "2021"),
        (" 2021-q4 ", D(2021, 9, 15), D(2021, 12, 14), "2021-Q4"),
    ],
)
def test_period_cutoffs(spec, start, end, code):
    period = period_parse(spec)
    assert (period.start, period.end, period.code) == (start, end, code)


def test_labels_are_vietnamese_with_dates():
    assert period_parse("2021-Q4").label == "quý IV năm 2021 (từ 15/09/2021 đến 14/12/2021)"
    assert period_parse("2021-H1").name == "6 tháng đầu năm 2021"
    assert period_parse("2021-M3").name == "tháng 3 năm 2021"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("2021-Q5", "Quý phải từ 1 đến 4."),
        ("2021-M13", "Tháng phải từ 1 đến 12."),
        ("2021-M0", "Tháng phải từ 1 đến 12."),
        ("2021-H2", "Báo cáo 6 tháng là 6 tháng đầu năm (H1); cuối năm dùng báo cáo năm."),
        ("2021-Q", "Kỳ báo cáo “2021-Q” thiếu số tháng, quý hoặc nửa năm."),
        ("quý 4", "Kỳ báo cáo “quý 4” không hợp lệ; ví dụ: 2021-M11, 2021-Q4, 2021-H1, 2021."),
    ],
)
def test_bad_periods_are_refused_in_words(spec, message):
    with pytest.raises(ValueError) as exc:
        period_parse(spec)
    assert str(exc.value) == message


def test_the_cutoff_day_lives_in_the_settings_table(settings):
    settings.CHIDAO_REPORTING = {**settings.CHIDAO_REPORTING, "cutoff_day": 20}
    period = reporting_period(kind=PeriodKind.QUARTER, year=2021, number=4)
    assert (period.start, period.end) == (D(2021, 9, 21), D(2021, 12, 20))


def test_a_year_offers_every_period():
    codes = [p.code for p in periods_for_year(2021)]
    assert codes == [f"2021-M{m}" for m in range(1, 13)] + [f"2021-Q{q}" for q in range(1, 5)] + ["2021-H1", "2021"]
