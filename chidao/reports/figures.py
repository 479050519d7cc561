"""What each report says, computed from the records as of a cut-off date (selectors for reports).

Every number comes from `programs.selectors.program_summary` and the recorded history, so a report
for a past cut-off gives the same figures whenever it is re-run, and equals the API summary for the
same date.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.dates import add_days, date_bounds
from chidao.core.models import Unit, User
from chidao.core.periods import ReportPeriod
from chidao.core.ratings import Rating
from chidao.core.stamped import stamped
from chidao.core.text import vn_collation_key
from chidao.programs import selectors as program_selectors
from chidao.programs import workflow
from chidao.programs.models import DeadlineClass, DeadlineExtension, Deliverable, Program, Status, StatusChange
from chidao.programs.selectors import ItemState, Summary


class ReportKind:
    YEAR_END = "year_end"
    PERIODIC = "periodic"
    STOCKTAKE = "stocktake"
    DISPATCH = "dispatch"


# --- Trajectory and forecast ----------------------------------------------------------------------


@dataclass
class TrajectoryPoint:
    day: dt.date
    planned: int
    actual: int | None


@dataclass
class Trajectory:
    """Planned against actual completions over time, and when the rest will be done at the recent pace."""

    name: str
    unit_id: int | None
    points: list[TrajectoryPoint]
    total: int
    completed: int
    remaining: int
    recent_completions: int
    window_days: int
    forecast: dt.date | None
    latest_deadline: dt.date | None

    @property
    def forecast_misses(self) -> bool:
        return self.forecast is not None and self.latest_deadline is not None and self.forecast > self.latest_deadline

    @property
    def forecast_text(self) -> str:
        if self.total == 0:
            return _("Không có nội dung.")
        if self.remaining == 0:
            return _("Đã hoàn thành tất cả.")
        if self.forecast is None:
            return _("Chưa dự báo được: không có nội dung hoàn thành trong %(n)s ngày qua.") % {"n": self.window_days}
        return _("Dự báo hoàn thành: %(d)s (theo nhịp %(k)s nội dung trong %(n)s ngày qua).") % {
            "d": self.forecast.strftime("%d/%m/%Y"), "k": self.recent_completions, "n": self.window_days}


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    days = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        days.append(nxt - dt.timedelta(days=1))
        y, m = nxt.year, nxt.month
    return days


def trajectory_build(*, name: str, items: list[ItemState], as_of: dt.date, start: dt.date,
                     unit_id: int | None = None) -> Trajectory:
    """Cumulative planned (deadlines in force) and actual completions at each month end, with a forecast.

    The forecast assumes the remaining deliverables are completed at the pace of the last
    `CHIDAO_REPORTING["forecast_window_days"]` days; with no completion in that window there is none.
    """
    window = settings.CHIDAO_REPORTING["forecast_window_days"]
    active = [i for i in items if i.status != Status.CANCELLED]
    done = sorted(i.completed_on for i in active if i.status == Status.COMPLETED and i.completed_on)
    deadlines = sorted(i.deadline for i in active)
    open_deadlines = [i.deadline for i in active if i.status != Status.COMPLETED]
    # A stored far deadline (before the date range was enforced) must not make months without end.
    last = min(max([as_of, *deadlines]) if deadlines else as_of, date_bounds()[1])
    points = []
    for day in _month_ends(min(start, as_of), last):
        # Actual completions are known up to the cut-off: the month that holds it counts to that day.
        known = (day.year, day.month) <= (as_of.year, as_of.month)
        cut = min(day, as_of)
        points.append(TrajectoryPoint(
            day=day,
            planned=sum(1 for d in deadlines if d <= day),
            actual=sum(1 for d in done if d <= cut) if known else None,
        ))
    remaining = len(active) - len(done)
    recent = sum(1 for d in done if add_days(as_of, -window) < d <= as_of)
    if remaining == 0:
        forecast = done[-1] if done else None
    elif recent:
        forecast = add_days(as_of, math.ceil(remaining * window / recent))
    else:
        forecast = None
    return Trajectory(
        name=name, unit_id=unit_id, points=points, total=len(active), completed=len(done), remaining=remaining,
        recent_completions=recent, window_days=window, forecast=forecast,
        latest_deadline=max(open_deadlines) if open_deadlines else None,
    )


# --- Stocktake --------------------------------------------------------------------------------------


@dataclass
class UnitStocktake:
    unit_id: int
    name: str
    rating: str
    reasons: list[str]
    row: program_selectors.UnitRow
    trajectory: Trajectory
    slipping: list[dict[str, Any]]
    decisions: list[str]

    @property
    def rating_label(self) -> str:
        return Rating.label(self.rating)


def unit_rating(*, items: list[ItemState], trajectory: Trajectory, as_of: dt.date) -> tuple[str, list[str]]:
    """Red, amber, green or grey for one lead unit, with the reasons.

    Red: an open deliverable is past its deadline, or the forecast falls after the last deadline.
    Amber: an open deliverable is due within `at_risk_days` and not yet drafted (or was returned).
    Grey: nothing to judge by (no deliverable, or open ones and no recent completion to forecast from).
    Green: everything else (on track, or all done).
    """
    at_risk_days = settings.CHIDAO_REPORTING["at_risk_days"]
    active = [i for i in items if i.status != Status.CANCELLED]
    open_items = [i for i in active if i.status != Status.COMPLETED]
    if not active:
        return Rating.GREY, [_("Không có nội dung để đánh giá.")]
    if not open_items:
        return Rating.GREEN, [_("Đã hoàn thành tất cả nội dung.")]
    reasons = []
    overdue = [i for i in open_items if i.deadline < as_of]
    if overdue:
        reasons.append(_("%(n)s nội dung quá hạn.") % {"n": len(overdue)})
    if trajectory.forecast_misses:
        assert trajectory.forecast is not None and trajectory.latest_deadline is not None
        reasons.append(_("Dự báo hoàn thành %(f)s, sau thời hạn cuối %(d)s.") % {
            "f": trajectory.forecast.strftime("%d/%m/%Y"), "d": trajectory.latest_deadline.strftime("%d/%m/%Y")})
    if reasons:
        return Rating.RED, reasons
    horizon = add_days(as_of, at_risk_days)
    at_risk = [i for i in open_items if i.deadline <= horizon and i.status not in workflow.AWAITING_APPROVAL]
    if at_risk:
        return Rating.AMBER, [_("%(n)s nội dung đến hạn trong %(d)s ngày tới mà chưa hoàn thành dự thảo.") % {
            "n": len(at_risk), "d": at_risk_days}]
    if trajectory.forecast is None:
        return Rating.GREY, [_("Chưa có nội dung hoàn thành gần đây để dự báo; các nội dung còn trong hạn.")]
    return Rating.GREEN, [_("Các nội dung còn lại trong hạn; dự báo kịp thời hạn.")]


def _slipping(items: list[ItemState], as_of: dt.date) -> list[dict[str, Any]]:
    """Open deliverables that are overdue, at risk or whose deadline has been pushed back."""
    horizon = add_days(as_of, settings.CHIDAO_REPORTING["at_risk_days"])
    rows = []
    for i in sorted(items, key=lambda i: (i.deadline, i.code)):
        if i.status in (Status.COMPLETED, Status.CANCELLED):
            continue
        if i.deadline < as_of:
            days = (as_of - i.deadline).days
            why = ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", days) % {"n": days}
        elif i.deadline <= horizon and i.status not in workflow.AWAITING_APPROVAL:
            why = _("còn %(n)s ngày, chưa có dự thảo") % {"n": (i.deadline - as_of).days}
        elif i.slipped:
            why = _("đã gia hạn")
        else:
            continue
        rows.append({"item": i, "why": why})
    return rows


def _decisions(items: list[ItemState], trajectory: Trajectory, as_of: dt.date) -> list[str]:
    """What the steering committee is asked to decide for this unit."""
    out = []
    for i in sorted(items, key=lambda i: (i.deadline, i.code)):
        if i.status in workflow.AWAITING_APPROVAL:
            out.append(_("Xem xét, phê duyệt nội dung %(c)s “%(t)s” (%(s)s).") % {
                "c": i.code, "t": i.title, "s": i.status_label})
        elif i.status == Status.RETURNED:
            out.append(_("Chỉ đạo hoàn thiện nội dung %(c)s “%(t)s” đã bị trả lại.") % {"c": i.code, "t": i.title})
        elif i.status not in (Status.COMPLETED, Status.CANCELLED) and i.deadline < as_of:
            out.append(_("Gia hạn hoặc chỉ đạo đẩy nhanh nội dung %(c)s “%(t)s” (quá hạn %(n)s ngày).") % {
                "c": i.code, "t": i.title, "n": (as_of - i.deadline).days})
    if trajectory.forecast_misses:
        out.append(_("Xem xét điều chỉnh kế hoạch hoặc bổ sung nguồn lực cho đơn vị."))
    return out


# --- The reports ------------------------------------------------------------------------------------


@dataclass
class ProgramReport:
    kind: str
    program: Program
    as_of: dt.date
    summary: Summary
    paragraph: str
    trajectory: Trajectory
    year: int | None = None
    period: ReportPeriod | None = None
    unit: Unit | None = None
    meeting: Any = None
    lessons: list[str] = field(default_factory=list)
    difficulties: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    carried_over: list[ItemState] = field(default_factory=list)
    activity: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    units: list[UnitStocktake] = field(default_factory=list)

    @property
    def class_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.summary.deadline_classes[value]) for value, label in DeadlineClass.choices]

    @property
    def status_rows(self) -> list[tuple[str, int]]:
        s = self.summary
        return [
            (_("Đã hoàn thành"), s.completed),
            (_("Đã hoàn thành dự thảo, đang trình"), s.awaiting_approval),
            (_("Đang thực hiện"), s.in_progress),
            (_("Chưa triển khai"), s.not_started),
            (_("Dừng thực hiện"), s.cancelled),
        ]


def _program_start(program: Program) -> dt.date:
    return program.issued_on


def _trajectory_for(program: Program, summary: Summary) -> Trajectory:
    return trajectory_build(name=program.number, items=summary.items, as_of=summary.as_of,
                            start=_program_start(program))


def year_end_cutoff(*, user: User, program: Program, year: int) -> dt.date:
    """The year-end review's cut-off: the day of that year's review conference if recorded, else 31/12
    (or today, while the year is not over)."""
    meeting = program_selectors.year_end_meeting(user=user, program=program, year=year)
    if meeting is not None:
        return meeting.held_on
    return min(dt.date(year, 12, 31), timezone.localdate())


def year_end_report(*, user: User, program: Program, year: int, as_of: dt.date | None = None) -> ProgramReport:
    """The year-end review: results as of the cut-off, the conference's lessons, difficulties and
    recommendations, and next year's tasks (its conclusions, and the deliverables still open)."""
    as_of = as_of or year_end_cutoff(user=user, program=program, year=year)
    summary = program_selectors.program_summary(user=user, program=program, as_of=as_of)
    meeting = program_selectors.year_end_meeting(user=user, program=program, year=year)
    report = ProgramReport(
        kind=ReportKind.YEAR_END, program=program, as_of=as_of, summary=summary,
        paragraph=program_selectors.summary_paragraph(summary), trajectory=_trajectory_for(program, summary),
        year=year, meeting=meeting,
    )
    if meeting is not None:
        for point in meeting.points.all():
            bucket = {"lesson": report.lessons, "difficulty": report.difficulties,
                      "recommendation": report.recommendations}.get(point.kind)
            if bucket is not None:
                bucket.append(point.text)
        for c in meeting.conclusions.all():  # those of the user's scope (`year_end_meeting`)
            report.tasks.append({
                "text": c.text, "lead_unit": c.lead_unit.name, "deadline": c.deadline,
                "code": c.deliverable.code, "deliverable_id": c.deliverable_id,
            })
    report.carried_over = sorted(
        (i for i in summary.items if i.status not in (Status.COMPLETED, Status.CANCELLED)),
        key=lambda i: (i.deadline, i.code),
    )
    return report


def _activity(*, user: User, program: Program, start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
    """What happened inside a period, from the history rows dated inside it."""
    scope = Deliverable.objects.visible_to(user).filter(program=program)
    lo, hi = program_selectors.end_of_day(start - dt.timedelta(days=1)), program_selectors.end_of_day(end)
    changes = (
        StatusChange.objects.filter(deliverable__in=scope, at__gte=lo, at__lt=hi,
                                    to_status__in=[Status.COMPLETED, Status.SUBMITTED])
        .select_related("deliverable__lead_unit").order_by("at", "id")
    )
    out: dict[str, list[dict[str, Any]]] = {"completed": [], "submitted": [], "assigned": [], "extended": []}
    for ch in changes:
        key = "completed" if ch.to_status == Status.COMPLETED else "submitted"
        out[key].append({"code": ch.deliverable.code, "title": ch.deliverable.title,
                         "lead_unit": ch.deliverable.lead_unit.name, "date": timezone.localdate(ch.at),
                         "doc": ch.doc_number})
    for d in scope.filter(created_at__gte=lo, created_at__lt=hi).select_related("lead_unit").order_by("code"):
        out["assigned"].append({"code": d.code, "title": d.title, "lead_unit": d.lead_unit.name,
                                "date": timezone.localdate(d.created_at), "doc": ""})
    for ext in (DeadlineExtension.objects.filter(deliverable__in=scope, approved_on__gte=start, approved_on__lte=end)
                .select_related("deliverable__lead_unit").order_by("approved_on", "id")):
        out["extended"].append({"code": ext.deliverable.code, "title": ext.deliverable.title,
                                "lead_unit": ext.deliverable.lead_unit.name, "date": ext.approved_on,
                                "doc": f"{ext.previous_deadline:%d/%m/%Y} → {ext.new_deadline:%d/%m/%Y}"})
    return out


def periodic_report(*, user: User, program: Program, period: ReportPeriod) -> ProgramReport:
    """A monthly / quarterly / half-year / annual report: figures as of the period's cut-off (Decree
    09/2019), and what was assigned, submitted, completed and extended inside the period."""
    summary = program_selectors.program_summary(user=user, program=program, as_of=period.end)
    return ProgramReport(
        kind=ReportKind.PERIODIC, program=program, as_of=period.end, summary=summary,
        paragraph=program_selectors.summary_paragraph(summary), trajectory=_trajectory_for(program, summary),
        year=period.year, period=period,
        activity=_activity(user=user, program=program, start=period.start, end=period.end),
    )


def stocktake_report(*, user: User, program: Program, as_of: dt.date | None = None) -> ProgramReport:
    """The stocktake pack: per lead unit, its rating, the items slipping and the decisions needed."""
    summary = program_selectors.program_summary(user=user, program=program, as_of=as_of)
    report = ProgramReport(
        kind=ReportKind.STOCKTAKE, program=program, as_of=summary.as_of, summary=summary,
        paragraph=program_selectors.summary_paragraph(summary), trajectory=_trajectory_for(program, summary),
    )
    by_unit: dict[int, list[ItemState]] = {}
    for item in summary.items:
        by_unit.setdefault(item.lead_unit_id, []).append(item)
    for row in sorted(summary.units, key=lambda u: vn_collation_key(u.name)):
        items = by_unit.get(row.unit_id, [])
        traj = trajectory_build(name=row.name, items=items, as_of=summary.as_of, start=_program_start(program),
                                unit_id=row.unit_id)
        rating, reasons = unit_rating(items=items, trajectory=traj, as_of=summary.as_of)
        report.units.append(UnitStocktake(
            unit_id=row.unit_id, name=row.name, rating=rating, reasons=reasons, row=row, trajectory=traj,
            slipping=_slipping(items, summary.as_of), decisions=_decisions(items, traj, summary.as_of),
        ))
    return report


def stocktake_report_cached(*, user: User, program: Program, as_of: dt.date | None = None) -> ProgramReport:
    """`stocktake_report` as the reports page shows it, kept per user, cut-off day and program stamp
    (`programs.selectors.program_stamp`): the page is opened many times a day while the figures change only
    when a deliverable does (ADR 0015). Without a cut-off the key carries today's date, so the figures roll over
    at midnight."""
    stamp = (user.pk, as_of or timezone.localdate(), program_selectors.program_stamp(program=program))
    return stamped(f"stocktake:{program.pk}", stamp,
                   lambda: stocktake_report(user=user, program=program, as_of=as_of))


def unit_trajectories(*, user: User, program: Program, as_of: dt.date | None = None) -> list[Trajectory]:
    """The program's trajectory and each lead unit's, for the trajectory page."""
    report = stocktake_report(user=user, program=program, as_of=as_of)
    return [report.trajectory, *(u.trajectory for u in report.units)]


def dispatch_report(*, user: User, program: Program, unit: Unit, as_of: dt.date | None = None) -> ProgramReport:
    """The reminder dispatch (công văn đôn đốc) to one lead unit: its overdue deliverables that await its own
    action (not those it submitted, which wait on the approver; a returned one is back with the unit)."""
    summary = program_selectors.program_summary(user=user, program=program, as_of=as_of)
    report = ProgramReport(
        kind=ReportKind.DISPATCH, program=program, as_of=summary.as_of, summary=summary,
        paragraph=program_selectors.summary_paragraph(summary), trajectory=_trajectory_for(program, summary),
        unit=unit,
    )
    report.carried_over = [i for i in summary.overdue
                           if i.lead_unit_id == unit.pk and i.status not in workflow.AWAITING_APPROVAL]
    return report
