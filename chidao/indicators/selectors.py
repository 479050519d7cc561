"""Reads on indicators and task forces, through `visible_to(user)`; each indicator's standing as of a date."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from chidao.core.models import User
from chidao.core.ratings import Rating
from chidao.programs.models import Deliverable

from . import rules
from .models import Actual, Indicator, Target, TaskForce


@dataclass
class IndicatorStatus:
    """Where an indicator stands: its latest actual against the target path, and the forecast."""

    indicator: Indicator
    as_of: dt.date
    path: list[rules.Point]
    latest: Actual | None
    path_at_latest: Decimal | None
    target_now: Decimal | None
    next_target: Target | None
    rating: str
    forecast: rules.Forecast | None

    @property
    def rating_label(self) -> str:
        return Rating.label(self.rating)

    @property
    def gap(self) -> Decimal | None:
        """The latest actual minus the path at its date, signed so that positive is ahead of the path."""
        if self.latest is None or self.path_at_latest is None:
            return None
        gap = self.latest.value - self.path_at_latest
        return gap if self.indicator.higher_is_better else -gap

    @property
    def rating_reason(self) -> str:
        if self.latest is None:
            return _("Chưa có số liệu thực hiện.")
        if self.path_at_latest is None:
            return _("Chưa có chỉ tiêu tại ngày của số liệu.")
        gap = self.gap
        assert gap is not None
        values = {"a": _number(self.latest.value), "p": _number(self.path_at_latest), "g": _number(abs(gap)),
                  "u": self.indicator.unit_of_measure, "d": self.latest.as_of.strftime("%d/%m/%Y")}
        if gap >= 0:
            return _("Ngày %(d)s đạt %(a)s %(u)s, lộ trình chỉ tiêu %(p)s %(u)s (vượt %(g)s).") % values
        return _("Ngày %(d)s đạt %(a)s %(u)s, lộ trình chỉ tiêu %(p)s %(u)s (thiếu %(g)s).") % values

    @property
    def forecast_text(self) -> str:
        f = self.forecast
        if f is None:
            return _("Chưa dự báo được (cần ít nhất 2 số liệu và một chỉ tiêu sau số liệu mới nhất).")
        values = {"v": _number(f.value), "u": self.indicator.unit_of_measure, "d": f.day.strftime("%d/%m/%Y"),
                  "t": _number(f.target)}
        if f.meets:
            return _("Dự báo %(v)s %(u)s ngày %(d)s: đạt chỉ tiêu %(t)s %(u)s.") % values
        return _("Dự báo %(v)s %(u)s ngày %(d)s: không đạt chỉ tiêu %(t)s %(u)s.") % values


def _number(value: Decimal) -> str:
    """A decimal with a decimal comma, thousands separators and no trailing zeros (Vietnamese usage): 91.30 -> 91,3;
    12345.5 -> 12.345,5."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    places = len(text.partition(".")[2])
    return number_format(Decimal(text), decimal_pos=places, force_grouping=True)


def indicator_list(*, user: User) -> QuerySet[Indicator]:
    return (Indicator.objects.visible_to(user).select_related("responsible_unit")
            .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("period_end")),
                              Prefetch("actuals", queryset=Actual.objects.order_by("as_of")
                                       .select_related("reporting_unit", "reported_by")))
            .order_by("code"))


def indicator_get(*, user: User, pk: int) -> Indicator:
    indicator = indicator_list(user=user).filter(pk=pk).first()
    if indicator is None:
        raise Http404(_("Không có chỉ số này."))
    return indicator


def indicator_status(*, indicator: Indicator, as_of: dt.date | None = None) -> IndicatorStatus:
    """The standing as of a date (today by default): only actuals dated up to then count.

    The rating judges the latest actual against the target path at the actual's own date
    (`rules.indicator_rating`); the forecast extends the trend of the last actuals to the next target.
    """
    as_of = as_of or timezone.localdate()
    conf = settings.CHIDAO_INDICATORS
    targets = list(indicator.targets.all())
    actuals = [a for a in indicator.actuals.all() if a.as_of <= as_of]
    path = rules.target_path(baseline_date=indicator.baseline_date, baseline_value=indicator.baseline_value,
                             targets=[(t.period_end, t.value) for t in targets])
    latest = max(actuals, key=lambda a: a.as_of) if actuals else None
    path_at_latest = rules.target_path_value(path, latest.as_of) if latest else None
    rating = rules.indicator_rating(
        actual=latest.value if latest else None, path_value=path_at_latest,
        higher_is_better=indicator.higher_is_better, tolerance_percent=conf["amber_tolerance_percent"])
    forecast = rules.indicator_forecast(
        actuals=[(a.as_of, a.value) for a in actuals], targets=[(t.period_end, t.value) for t in targets],
        higher_is_better=indicator.higher_is_better, points=conf["forecast_points"],
        bounds=rules.PERCENT_RANGE if indicator.is_percentage else None)
    return IndicatorStatus(
        indicator=indicator, as_of=as_of, path=path, latest=latest, path_at_latest=path_at_latest,
        target_now=rules.target_path_value(path, as_of),
        next_target=next((t for t in targets if t.period_end >= as_of), None),
        rating=rating, forecast=forecast,
    )


def indicator_statuses(*, user: User, as_of: dt.date | None = None) -> list[IndicatorStatus]:
    return [indicator_status(indicator=i, as_of=as_of) for i in indicator_list(user=user)]


def task_force_list(*, user: User) -> QuerySet[TaskForce]:
    return TaskForce.objects.visible_to(user).prefetch_related("members", "projects")


def task_force_get(*, user: User, pk: int) -> TaskForce:
    task_force = (
        TaskForce.objects.visible_to(user)
        .prefetch_related("members__unit", "projects", "procedures__unit")
        .filter(pk=pk).first()
    )
    if task_force is None:
        raise Http404(_("Không có tổ công tác này."))
    return task_force


def task_force_deliverables(*, user: User, task_force: TaskForce) -> QuerySet[Deliverable]:
    """The linked deliverables the user may open (programs' own scope)."""
    return (task_force.deliverables.filter(pk__in=Deliverable.objects.visible_to(user).values("pk"))
            .select_related("program", "lead_unit").order_by("program__number", "code"))
