"""The rules on plain dates and decimals: target path, red/amber/green/grey, forecast."""

import datetime as dt
from decimal import Decimal

import pytest

from chidao.core.ratings import Rating
from chidao.indicators.rules import (
    PERCENT_RANGE,
    indicator_forecast,
    indicator_rating,
    linear_trend_value,
    target_path,
    target_path_value,
)

D = dt.date
START = D(2021, 1, 1)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


# --- Target path -----------------------------------------------------------------------------------


def test_target_path_interpolates_linearly_between_baseline_and_successive_targets():
    # Given a baseline of 10 and targets 60 (after 100 days) then 40 (100 days later)
    path = target_path(baseline_date=START, baseline_value=Decimal("10"),
                       targets=[(day(200), Decimal("40")), (day(100), Decimal("60"))])
    # Then the corners are in date order and the path runs straight between them
    assert path == [(START, Decimal("10")), (day(100), Decimal("60")), (day(200), Decimal("40"))]
    assert target_path_value(path, START) == Decimal("10.00")
    assert target_path_value(path, day(50)) == Decimal("35.00")
    assert target_path_value(path, day(100)) == Decimal("60.00")
    assert target_path_value(path, day(160)) == Decimal("48.00")
    assert target_path_value(path, day(200)) == Decimal("40.00")
    # After the last target, the last target stands; before the baseline there is no path
    assert target_path_value(path, day(400)) == Decimal("40.00")
    assert target_path_value(path, day(-1)) is None


def test_target_path_rounds_to_two_decimals_half_up():
    path = target_path(baseline_date=START, baseline_value=Decimal("0"), targets=[(day(3), Decimal("10"))])
    assert target_path_value(path, day(1)) == Decimal("3.33")
    assert target_path_value(path, day(2)) == Decimal("6.67")


def test_no_target_means_no_path_and_targets_before_the_baseline_are_ignored():
    path = target_path(baseline_date=START, baseline_value=Decimal("5"), targets=[(day(-10), Decimal("9"))])
    assert path == [(START, Decimal("5"))]
    assert target_path_value(path, day(10)) is None


# --- Ratings (tolerance 5 % of the path value) --------------------------------------------------------


@pytest.mark.parametrize(("actual", "expected"), [
    ("80.01", Rating.GREEN),   # beyond the path
    ("80.00", Rating.GREEN),   # exactly on the path
    ("76.00", Rating.AMBER),   # short by 4.00 = 5 % of 80: the edge is amber
    ("76.01", Rating.AMBER),
    ("75.99", Rating.RED),     # just outside the tolerance
    ("0", Rating.RED),
])
def test_rating_higher_is_better(actual, expected):
    assert indicator_rating(actual=Decimal(actual), path_value=Decimal("80.00"), higher_is_better=True,
                            tolerance_percent=5) == expected


@pytest.mark.parametrize(("actual", "expected"), [
    ("19.00", Rating.GREEN),   # below the path is good
    ("20.00", Rating.GREEN),   # on the path
    ("21.00", Rating.AMBER),   # above by 1.00 = 5 % of 20
    ("21.01", Rating.RED),
])
def test_rating_lower_is_better(actual, expected):
    assert indicator_rating(actual=Decimal(actual), path_value=Decimal("20.00"), higher_is_better=False,
                            tolerance_percent=5) == expected


def test_rating_is_grey_without_an_actual_or_a_target():
    assert indicator_rating(actual=None, path_value=Decimal("1"), higher_is_better=True,
                            tolerance_percent=5) == Rating.GREY
    assert indicator_rating(actual=Decimal("1"), path_value=None, higher_is_better=True,
                            tolerance_percent=5) == Rating.GREY


def test_rating_tolerance_comes_from_the_argument():
    assert indicator_rating(actual=Decimal("72"), path_value=Decimal("80"), higher_is_better=True,
                            tolerance_percent=10) == Rating.AMBER
    assert indicator_rating(actual=Decimal("72"), path_value=Decimal("80"), higher_is_better=True,
                            tolerance_percent=5) == Rating.RED


# --- Forecast -----------------------------------------------------------------------------------------


def test_linear_trend_of_an_exact_line_and_of_scattered_points():
    line = [(day(0), Decimal("10")), (day(10), Decimal("12")), (day(20), Decimal("14"))]
    assert linear_trend_value(line, day(50)) == Decimal("20.00")
    # Least squares through (0, 0), (1, 1), (2, 1): y = 1/6 + x/2, so 2.1666... at x = 4
    scattered = [(day(0), Decimal("0")), (day(1), Decimal("1")), (day(2), Decimal("1"))]
    assert linear_trend_value(scattered, day(4)) == Decimal("2.17")
    assert linear_trend_value(line[:1], day(4)) is None


def test_forecast_at_the_next_target_uses_the_last_n_actuals():
    # Given actuals 0, 10, 12, 14 and targets at day 15 (passed) and day 40
    actuals = [(day(0), Decimal("0")), (day(10), Decimal("10")), (day(20), Decimal("12")), (day(30), Decimal("14"))]
    targets = [(day(15), Decimal("5")), (day(40), Decimal("16"))]
    # When the last 3 are used (a line of 0.2 a day)
    f = indicator_forecast(actuals=actuals, targets=targets, higher_is_better=True, points=3)
    # Then the value on day 40 is 16: on the target, so it meets it
    assert f is not None
    assert (f.day, f.value, f.target, f.meets, f.points) == (day(40), Decimal("16.00"), Decimal("16"), True, 3)
    # With a target of 16.01 it does not
    f = indicator_forecast(actuals=actuals, targets=[(day(40), Decimal("16.01"))], higher_is_better=True, points=3)
    assert f is not None and f.meets is False


def test_forecast_lower_is_better_and_bounds():
    falling = [(day(0), Decimal("30")), (day(10), Decimal("20"))]
    f = indicator_forecast(actuals=falling, targets=[(day(20), Decimal("12"))], higher_is_better=False, points=6)
    assert f is not None and (f.value, f.meets) == (Decimal("10.00"), True)
    rising = [(day(0), Decimal("80")), (day(10), Decimal("95"))]
    f = indicator_forecast(actuals=rising, targets=[(day(30), Decimal("99"))], higher_is_better=True, points=6,
                           bounds=PERCENT_RANGE)
    assert f is not None and (f.value, f.meets) == (Decimal("100"), True)


def test_no_forecast_with_one_actual_or_no_target_ahead():
    assert indicator_forecast(actuals=[(day(0), Decimal("1"))], targets=[(day(9), Decimal("2"))],
                              higher_is_better=True, points=6) is None
    two = [(day(0), Decimal("1")), (day(5), Decimal("2"))]
    assert indicator_forecast(actuals=two, targets=[(day(5), Decimal("2"))], higher_is_better=True,
                              points=6) is None
