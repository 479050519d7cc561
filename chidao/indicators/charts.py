"""The indicator trajectory chart: target path, actuals, and the forecast dashed.

Drawn in the house style of `core.charts` (its fonts, print-friendly colours and PNG/SVG output), as the
deliverables' trajectory chart is, so the two look alike. The deliverables' `trajectory_build`
counts items per month end; an indicator is a value on dates against an interpolated path, so the
points come from `selectors.IndicatorStatus` instead.
"""

import matplotlib.dates as mdates
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from chidao.core.charts import COLORS, chart_cached, figure_bytes

from .selectors import IndicatorStatus


def indicator_chart(status: IndicatorStatus, fmt: str = "svg") -> bytes:
    """Target path (baseline to each target, straight lines), actuals (dots), forecast (dashed)."""
    fig = Figure(figsize=(6.3, 2.8))
    ax = fig.add_subplot()
    indicator = status.indicator
    path = status.path
    if len(path) > 1:
        ax.plot([mdates.date2num(d) for d, _v in path], [float(v) for _d, v in path], color="#546e7a",
                marker="s", markersize=3, label=_("Lộ trình chỉ tiêu"))
    actuals = [a for a in indicator.actuals.all() if a.as_of <= status.as_of]
    if actuals:
        ax.plot([mdates.date2num(a.as_of) for a in actuals], [float(a.value) for a in actuals],
                color=COLORS["completed"], marker="o", markersize=3, label=_("Thực hiện"))
    if status.forecast is not None and status.latest is not None:
        f = status.forecast
        ax.plot([mdates.date2num(status.latest.as_of), mdates.date2num(f.day)],
                [float(status.latest.value), float(f.value)], linestyle="--", color="#c62828", label=_("Dự báo"))
    ax.set_ylabel(indicator.unit_of_measure)
    fig.autofmt_xdate()
    for label in ax.get_xticklabels():
        label.set_fontsize(7)
    days = [d for d, _v in path] + [a.as_of for a in actuals]
    if days and (max(days) - min(days)).days > 2 * 366:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}".replace(".", ","))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", frameon=False, fontsize=8)
    return figure_bytes(fig, fmt)


def indicator_chart_cached(status: IndicatorStatus, fmt: str = "svg") -> bytes:
    """`indicator_chart` from the cache, keyed by what it draws (`core.charts.chart_cached`): the path, the actuals
    up to the cut-off, the forecast and the unit of measure."""
    indicator = status.indicator
    actuals = [(a.as_of, a.value) for a in indicator.actuals.all() if a.as_of <= status.as_of]
    latest = (status.latest.as_of, status.latest.value) if status.latest is not None else None
    forecast = (status.forecast.day, status.forecast.value) if status.forecast is not None else None
    stamp = (indicator.pk, indicator.unit_of_measure, list(status.path), actuals, latest, forecast)
    return chart_cached("indicator", stamp, fmt, lambda: indicator_chart(status, fmt))
