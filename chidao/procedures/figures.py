"""Processing figures (số liệu giải quyết hồ sơ) of procedures: on-time rate, slowest procedures, and the
on-time component of the service index.

The figures come from the one-stop shop's exports (bộ phận một cửa), one row per procedure and period:
dossiers received, resolved on time (trước hạn và đúng hạn), resolved late (quá hạn) and still pending at
the end of the period. The service index is the "Chỉ số phục vụ người dân, doanh nghiệp" of Decision
766/QĐ-TTg of 23/6/2022 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh
nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử);
its numbers live in `settings.CHIDAO_SERVICE_INDEX`, never here.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chidao.core.models import Unit
from chidao.core.reference import unit_subtree_ids

from .models import ProcessingFigure


def _round(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def on_time_rate(on_time: int, late: int) -> float | None:
    """Dossiers resolved on time ÷ dossiers resolved, in percent with one decimal (half up).

    Decision 766/QĐ-TTg of 23/6/2022, Appendix (group "tiến độ giải quyết"): the share of resolved dossiers
    resolved before or on their due date. Pending dossiers do not count. None when nothing was resolved
    (a rate of nothing is not 0 %).
    """
    resolved = on_time + late
    if resolved <= 0:
        return None
    return _round(Decimal(on_time) * 100 / Decimal(resolved), 1)


def service_index_on_time_points(*, on_time: int, late: int) -> float:
    """The on-time component of the "Chỉ số phục vụ người dân, doanh nghiệp": rate × maximum points.

    Decision 766/QĐ-TTg of 23/6/2022, Appendix (group "tiến độ giải quyết"): points in proportion to the
    share of resolved dossiers resolved on time; the maximum is `CHIDAO_SERVICE_INDEX["on_time_max_points"]`
    (its source is noted there). The rate is taken unrounded; points have two decimals (half up). Nothing
    resolved earns no points.
    """
    resolved = on_time + late
    if resolved <= 0:
        return 0.0
    max_points = Decimal(str(settings.CHIDAO_SERVICE_INDEX["on_time_max_points"]))
    return _round(Decimal(on_time) * max_points / Decimal(resolved), 2)


@dataclass(frozen=True)
class FigureRow:
    """The figures of one procedure (or the totals, with `procedure_id` None) over a range of periods."""

    procedure_id: int | None
    code: str
    name: str
    field: str
    unit_name: str
    received: int
    on_time: int
    late: int
    pending: int

    @property
    def resolved(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return on_time_rate(self.on_time, self.late)

    @property
    def points(self) -> float:
        return service_index_on_time_points(on_time=self.on_time, late=self.late)


@dataclass(frozen=True)
class FiguresSummary:
    start: dt.date
    end: dt.date
    totals: FigureRow
    rows: list[FigureRow]  # one per procedure that has figures in the range, by code
    max_points: float
    source: str

    @property
    def procedure_count(self) -> int:
        return len(self.rows)


def figures_in_range(*, start: dt.date, end: dt.date, unit: Unit | None = None,
                     field: str | None = None) -> QuerySet[ProcessingFigure]:
    """Figures whose period lies within [start, end]; of procedures of `unit` (and the units below it) and
    of `field` when given."""
    qs = ProcessingFigure.objects.filter(period_start__gte=start, period_end__lte=end)
    if unit is not None:
        qs = qs.filter(procedure__unit_id__in=unit_subtree_ids(unit))
    if field:
        qs = qs.filter(procedure__field=field)
    return qs


def figures_summary(*, start: dt.date, end: dt.date, unit: Unit | None = None,
                    field: str | None = None) -> FiguresSummary:
    """Per procedure and in total, over the figures whose period lies within [start, end].

    Received, on time and late add up over the periods; pending is what was still pending at the end of the
    procedure's last period in the range (adding the pending of consecutive months would count the same
    dossier several times). Two queries: one grouped by procedure, one for the totals.
    """
    qs = figures_in_range(start=start, end=end, unit=unit, field=field)
    last_pending = Subquery(
        qs.filter(procedure_id=OuterRef("procedure_id")).order_by("-period_end", "-pk").values("pending")[:1])
    grouped = (
        qs.order_by().values("procedure_id", "procedure__code", "procedure__name", "procedure__field",
                             "procedure__unit__name")
        .annotate(received_sum=Sum("received"), on_time_sum=Sum("on_time"), late_sum=Sum("late"),
                  pending_last=last_pending)
        .order_by("procedure__code")
    )
    rows = [FigureRow(
        procedure_id=g["procedure_id"], code=g["procedure__code"], name=g["procedure__name"],
        field=g["procedure__field"], unit_name=g["procedure__unit__name"], received=g["received_sum"] or 0,
        on_time=g["on_time_sum"] or 0, late=g["late_sum"] or 0, pending=g["pending_last"] or 0,
    ) for g in grouped]
    sums = qs.aggregate(received=Coalesce(Sum("received"), 0), on_time=Coalesce(Sum("on_time"), 0),
                        late=Coalesce(Sum("late"), 0))
    totals = FigureRow(procedure_id=None, code="", name="", field="", unit_name="", received=sums["received"],
                       on_time=sums["on_time"], late=sums["late"], pending=sum(r.pending for r in rows))
    config = settings.CHIDAO_SERVICE_INDEX
    return FiguresSummary(start=start, end=end, totals=totals, rows=rows,
                          max_points=float(str(config["on_time_max_points"])), source=str(config["source"]))


def slowest_procedures(*, start: dt.date, end: dt.date, limit: int = 20, min_resolved: int | None = None,
                       unit: Unit | None = None, field: str | None = None,
                       summary: FiguresSummary | None = None) -> list[FigureRow]:
    """The procedures with the lowest on-time rate in [start, end] (exact, not rounded), then the most late
    dossiers, then by code.

    Only procedures with at least `min_resolved` resolved dossiers count (default
    `CHIDAO_SERVICE_INDEX["min_resolved"]`), so one late dossier out of one does not top the list. Pass
    `summary` (of the same range and filters) to avoid computing it again.
    """
    if min_resolved is None:
        min_resolved = int(str(settings.CHIDAO_SERVICE_INDEX["min_resolved"]))
    if summary is None:
        summary = figures_summary(start=start, end=end, unit=unit, field=field)
    candidates = [r for r in summary.rows if r.resolved >= max(min_resolved, 1)]
    candidates.sort(key=lambda r: (Fraction(r.on_time, r.resolved), -r.late, r.code))
    return candidates[:limit]


def latest_year() -> int:
    """The year of the latest figures' period end (this year when there are none), for the page's default."""
    last = ProcessingFigure.objects.order_by("-period_end").values_list("period_end", flat=True).first()
    return last.year if last else timezone.localdate().year
