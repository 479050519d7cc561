"""The indicator rules as pure functions on dates and decimals: target path, rating, forecast.

House rules, not law: the numbers (amber tolerance, number of actuals the forecast uses) live in
`settings.CHIDAO_INDICATORS`. The rating reuses the stocktake's `Rating` values and labels
(`chidao.core.ratings.Rating`), so an indicator and a lead unit show the same red/amber/green.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from chidao.core.ratings import Rating

CENT = Decimal("0.01")
PERCENT_RANGE = (Decimal("0"), Decimal("100"))

Point = tuple[dt.date, Decimal]


def _decimal(value: Fraction | Decimal) -> Decimal:
    """A value to two decimals, half up (the precision of the stored figures)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def target_path(*, baseline_date: dt.date, baseline_value: Decimal, targets: Iterable[Point]) -> list[Point]:
    """The corners of the target path: the baseline, then each target at its period's end date.

    Targets are taken in date order; a target dated on or before the baseline is ignored (the
    baseline is where the path starts). With no target after the baseline the path is just the
    baseline, which sets no target (see `target_path_value`).
    """
    path: list[Point] = [(baseline_date, Decimal(baseline_value))]
    for day, value in sorted(targets):
        if day > baseline_date:
            path.append((day, Decimal(value)))
    return path


def target_path_value(path: Sequence[Point], on: dt.date) -> Decimal | None:
    """The target value on a date: linear interpolation between the path's corners, to two decimals.

    Between two corners (d0, v0) and (d1, v1) the value on day d is v0 + (v1 - v0) x (d - d0) / (d1 - d0),
    counted in calendar days. On a corner it is that corner's value. After the last target the last
    target stands (the value still to be reached). None before the baseline date, and when the path
    has no target at all (only the baseline): there is nothing to judge by.
    """
    if len(path) < 2 or on < path[0][0]:
        return None
    for (d0, v0), (d1, v1) in zip(path, path[1:], strict=False):
        if d0 <= on <= d1:
            share = Fraction((on - d0).days, (d1 - d0).days)
            return _decimal(Fraction(v0) + (Fraction(v1) - Fraction(v0)) * share)
    return _decimal(path[-1][1])


def indicator_rating(*, actual: Decimal | None, path_value: Decimal | None, higher_is_better: bool,
                     tolerance_percent: Decimal | int) -> str:
    """Red, amber, green or grey for an actual against the target path at the actual's date.

    Green: on the path or beyond it (above when higher is better, below when lower is better).
    Amber: short of the path by at most `tolerance_percent` % of the path value
    (`CHIDAO_INDICATORS["amber_tolerance_percent"]`), the edge included.
    Red: short by more than that.
    Grey: no actual, or no target path on that date.
    """
    if actual is None or path_value is None:
        return Rating.GREY
    shortfall = (path_value - actual) if higher_is_better else (actual - path_value)
    if shortfall <= 0:
        return Rating.GREEN
    if shortfall * 100 <= abs(path_value) * Decimal(tolerance_percent):
        return Rating.AMBER
    return Rating.RED


def linear_trend_value(points: Sequence[Point], on: dt.date) -> Decimal | None:
    """The least-squares line through the points (x = calendar day, y = value), evaluated on a date.

    Exact arithmetic (fractions), rounded to two decimals at the end. None with fewer than two
    distinct dates (no line can be drawn).
    """
    if len({d for d, _v in points}) < 2:
        return None
    origin = points[0][0]
    xs = [Fraction((d - origin).days) for d, _v in points]
    ys = [Fraction(v) for _d, v in points]
    n = len(points)
    mean_x, mean_y = Fraction(sum(xs), n), Fraction(sum(ys), n)
    sxy = Fraction(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)))
    sxx = Fraction(sum((x - mean_x) ** 2 for x in xs))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    return _decimal(intercept + slope * Fraction((on - origin).days))


@dataclass(frozen=True)
class Forecast:
    """The value the recent trend gives on the next target's end date, and whether it reaches the target."""

    day: dt.date
    value: Decimal
    target: Decimal
    meets: bool
    points: int


def indicator_forecast(*, actuals: Iterable[Point], targets: Iterable[Point], higher_is_better: bool,
                       points: int, bounds: tuple[Decimal, Decimal] | None = None) -> Forecast | None:
    """Forecast from the linear trend of the last `points` actuals (`CHIDAO_INDICATORS["forecast_points"]`).

    The trend (`linear_trend_value`) is evaluated on the end date of the next target after the latest
    actual; the forecast meets the target when it is on or beyond it (respecting the direction).
    `bounds` clamps the value (a percentage stays within 0-100). None when there are fewer than two
    actuals or no target after the latest actual.
    """
    recent = sorted(actuals)[-points:]
    if len(recent) < 2:
        return None
    last_day = recent[-1][0]
    upcoming = sorted((d, v) for d, v in targets if d > last_day)
    if not upcoming:
        return None
    day, target = upcoming[0]
    value = linear_trend_value(recent, day)
    if value is None:
        return None
    if bounds is not None:
        value = min(max(value, bounds[0]), bounds[1])
    meets = value >= target if higher_is_better else value <= target
    return Forecast(day=day, value=value, target=Decimal(target), meets=meets, points=len(recent))
