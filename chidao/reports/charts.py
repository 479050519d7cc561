"""Charts for reports: one drawing code, PNG for Word and SVG for PDF and the web, in the house style of
`core.charts` (fonts, colours, output)."""

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from chidao.core.charts import COLORS, chart_cached, figure_bytes

if TYPE_CHECKING:
    from .figures import ProgramReport, Trajectory

def units_chart(report: "ProgramReport", fmt: str = "png") -> bytes:
    """Deliverables by lead unit, stacked by state (the results section's chart)."""
    units = list(reversed(report.summary.units))
    fig = Figure(figsize=(6.3, 0.32 * len(units) + 1.1))
    ax = fig.add_subplot()
    names = [u.name for u in units]
    left = [0] * len(units)
    series = [
        ("completed", _("Đã hoàn thành"), [u.completed for u in units]),
        ("awaiting", _("Đã hoàn thành dự thảo, đang trình"), [u.awaiting_approval for u in units]),
        ("in_progress", _("Đang thực hiện"), [u.in_progress for u in units]),
        ("not_started", _("Chưa triển khai"), [u.not_started for u in units]),
    ]
    for key, label, values in series:
        ax.barh(names, values, left=left, color=COLORS[key], label=label, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel(_("Số nội dung"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.5 / max(len(units), 1) / 10), ncol=2,
              frameon=False, fontsize=8)
    return figure_bytes(fig, fmt)


def trajectory_chart(trajectory: "Trajectory", fmt: str = "png") -> bytes:
    """Planned (deadlines) against actual completions, cumulative, with the forecast as a dashed line."""
    fig = Figure(figsize=(6.3, 2.8))
    ax = fig.add_subplot()
    days = [mdates.date2num(p.day) for p in trajectory.points]
    ax.step(days, [p.planned for p in trajectory.points], where="post", color="#546e7a",
            label=_("Kế hoạch (theo thời hạn)"))
    known = [p for p in trajectory.points if p.actual is not None]
    ax.plot([mdates.date2num(p.day) for p in known], [p.actual or 0 for p in known], color=COLORS["completed"],
            marker="o", markersize=3, label=_("Thực tế đã hoàn thành"))
    if trajectory.forecast is not None and trajectory.remaining and known:
        ax.plot([mdates.date2num(known[-1].day), mdates.date2num(trajectory.forecast)],
                [trajectory.completed, trajectory.total], linestyle="--",
                color="#c62828", label=_("Dự báo"))
    ax.set_ylabel(_("Số nội dung (cộng dồn)"))
    ax.set_ylim(0, max(trajectory.total, 1) * 1.08)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.autofmt_xdate()
    for label in ax.get_xticklabels():
        label.set_fontsize(7)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return figure_bytes(fig, fmt)


def trajectory_chart_cached(trajectory: "Trajectory", fmt: str = "svg") -> bytes:
    """`trajectory_chart` from the cache, keyed by what it draws (`core.charts.chart_cached`): the points, the
    totals and the forecast, so the day after a completion or on another cut-off date it is drawn again."""
    stamp = ([(p.day, p.planned, p.actual) for p in trajectory.points], trajectory.total, trajectory.completed,
             trajectory.remaining, trajectory.forecast)
    return chart_cached("trajectory", stamp, fmt, lambda: trajectory_chart(trajectory, fmt))
