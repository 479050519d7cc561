"""API: indicators (targets, actuals, the target path, rating and forecast) and special task forces.

Every signed-in user reads, as on the pages; the reform office and administrators write; a lead officer
reports actuals of the indicators their unit is responsible for. Decimal values are strings ("91.30")."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from chidao.core import selectors as core_selectors
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.indicators import excel, permissions, selectors, services
from chidao.indicators.models import ProjectStatus, TaskForce

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import XLSX, Id, In, binary, file_response, units_in_force

router = Router(tags=["indicators"])
# A value as stored (12 digits, 2 decimals), sent as a string like the values the API answers.
DECIMAL_TEXT = r"-?\d{1,10}(\.\d{1,2})?"


def _decimal_text(value: Any) -> Any:
    if isinstance(value, Decimal) or (isinstance(value, str) and re.fullmatch(DECIMAL_TEXT, value)):
        return value
    raise PydanticCustomError("float_parsing", "a decimal with at most 2 decimals, as a string")


Value = Annotated[Decimal, BeforeValidator(_decimal_text), WithJsonSchema({
    "type": "string", "pattern": f"^{DECIMAL_TEXT}$", "description": "a decimal as a string, e.g. \"91.30\""})]



def _require_manage(request: AuthedRequest, message: str) -> None:
    """The pages' own check, made before the input is looked at."""
    if not permissions.can_manage_indicators(request.user):
        raise PermissionDenied(message)


# --- Schemas ------------------------------------------------------------------------------------------


class ForecastOut(Schema):
    day: dt.date
    value: Decimal
    target: Decimal
    meets: bool
    points: int


class StandingOut(Schema):
    """Where the indicator stands on `as_of`: its latest actual against the target path, and the forecast."""

    as_of: dt.date
    latest_value: Decimal | None
    latest_as_of: dt.date | None
    path_at_latest: Decimal | None
    target_now: Decimal | None
    next_target_end: dt.date | None
    next_target_value: Decimal | None
    gap: Decimal | None = Field(description="latest actual minus the path at its date; positive is ahead")
    rating: str = Field(description="green, amber, red or grey")
    rating_label: str
    rating_reason: str
    forecast: ForecastOut | None
    forecast_text: str


def _standing(status: selectors.IndicatorStatus) -> dict[str, Any]:
    return {
        "as_of": status.as_of, "latest_value": status.latest.value if status.latest else None,
        "latest_as_of": status.latest.as_of if status.latest else None, "path_at_latest": status.path_at_latest,
        "target_now": status.target_now,
        "next_target_end": status.next_target.period_end if status.next_target else None,
        "next_target_value": status.next_target.value if status.next_target else None, "gap": status.gap,
        "rating": status.rating, "rating_label": status.rating_label, "rating_reason": status.rating_reason,
        "forecast": status.forecast, "forecast_text": status.forecast_text,
    }


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    unit_of_measure: str
    higher_is_better: bool
    baseline_value: Decimal
    baseline_date: dt.date
    responsible_unit_id: Id
    responsible_unit: str
    standing: StandingOut

    @staticmethod
    def resolve_responsible_unit(obj: Any) -> str:
        return obj["responsible_unit"] if isinstance(obj, dict) else obj.responsible_unit.name

    @staticmethod
    def resolve_standing(obj: Any, context: Any) -> Any:
        if isinstance(obj, dict):
            return obj["standing"]
        as_of = getattr((context or {}).get("request"), "indicators_as_of", None)
        return _standing(selectors.indicator_status(indicator=obj, as_of=as_of))


class TargetOut(Schema):
    id: int
    period_code: str
    period_start: dt.date | None
    period_end: dt.date
    value: Decimal
    note: str


class ActualOut(Schema):
    id: int
    as_of: dt.date
    value: Decimal
    source: str
    reporting_unit_id: int
    reporting_unit: str
    reported_by: str
    reported_at: dt.datetime
    note: str

    @staticmethod
    def resolve_reporting_unit(obj: Any) -> str:
        return obj.reporting_unit.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_reported_by(obj: Any) -> str:
        return str(obj.reported_by)


class PathPointOut(Schema):
    day: dt.date
    value: Decimal


class IndicatorDetailOut(IndicatorOut):
    description: str
    source_description: str
    targets: list[TargetOut]
    actuals: list[ActualOut]
    path: list[PathPointOut] = Field(description="the corners of the target path: the baseline, then each target")
    can_manage: bool
    can_report: bool


class IndicatorFilters(In):
    as_of: dt.date | None = Field(None, description="the date the standing is computed at (default today)")


class IndicatorFieldsIn(In):
    higher_is_better: bool = True
    description: str = ""
    source_description: str = ""


class IndicatorIn(IndicatorFieldsIn):
    code: str = Field(max_length=32)
    name: str = Field(max_length=300)
    unit_of_measure: str = Field(max_length=32, description="for example %, điểm")
    baseline_value: Value
    baseline_date: dt.date
    responsible_unit_id: Id


class IndicatorUpdateIn(IndicatorFieldsIn):
    """Only the fields sent change."""

    code: str = Field("", max_length=32)
    name: str = Field("", max_length=300)
    unit_of_measure: str = Field("", max_length=32)
    baseline_value: Value = Decimal(0)
    baseline_date: dt.date = dt.date(2000, 1, 1)
    responsible_unit_id: int = 0
    reason: str = ""


class TargetIn(In):
    period_code: str = Field("", max_length=16, description="a Decree 09/2019 period (2021, 2021-Q4) instead of "
                                                             "the dates")
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    value: Value
    note: str = Field("", max_length=500)


class ActualIn(In):
    as_of: dt.date
    value: Value
    source: str = Field(max_length=500)
    note: str = Field("", max_length=500)
    reporting_unit_id: Id | None = Field(None, description="another reporting unit (managers only)")


# --- Indicators ---------------------------------------------------------------------------------------


def _detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    status = selectors.indicator_status(indicator=indicator)
    return {
        **{name: getattr(indicator, name) for name in (
            "id", "code", "name", "unit_of_measure", "higher_is_better", "baseline_value", "baseline_date",
            "responsible_unit_id", "description", "source_description")},
        "responsible_unit": indicator.responsible_unit.name, "standing": _standing(status),
        "targets": list(indicator.targets.all()), "actuals": list(indicator.actuals.all()),
        "path": [{"day": day, "value": value} for day, value in status.path],
        "can_manage": permissions.can_manage_indicators(request.user),
        "can_report": permissions.can_report_actual(request.user, indicator),
    }


@router.get("/indicators", response={200: list[IndicatorOut], **READ_ERRORS})
@paginate(Pager)
def indicator_list(request: AuthedRequest, filters: Query[IndicatorFilters]) -> Any:
    """Indicators by code, each with where it stands (latest actual, target path, rating, forecast) on `as_of`
    (today by default); every signed-in user reads them."""
    request.indicators_as_of = filters.as_of  # type: ignore[attr-defined]
    return selectors.indicator_list(user=request.user)


@router.get("/indicators/export.xlsx", response=READ_ERRORS,
            openapi_extra=binary("Indicators, targets and actuals as Excel", XLSX))
def indicator_export(request: AuthedRequest) -> Any:
    """The indicators with their standing today, their targets and actuals (three sheets), as the page exports."""
    today = timezone.localdate()
    data = excel.indicators_export(statuses=selectors.indicator_statuses(user=request.user, as_of=today),
                                   as_of=today)
    return file_response(data, f"chi-so-{today:%Y%m%d}.xlsx", XLSX)


@router.post("/indicators", response={201: IndicatorDetailOut, **WRITE_ERRORS})
def indicator_create(request: AuthedRequest, payload: IndicatorIn) -> Any:
    """Create an indicator (reform office, administrators)."""
    _require_manage(request, _("Bạn không có quyền tạo chỉ số."))
    data = payload.dict()
    data["responsible_unit"] = units_in_force("responsible_unit_id", [data.pop("responsible_unit_id")])[0]
    indicator = services.indicator_create(actor=request.user, **data)
    return HttpStatus(201, _detail(request, indicator.pk))


@router.get("/indicators/{indicator_id}", response={200: IndicatorDetailOut, **READ_ERRORS})
def indicator_detail(request: AuthedRequest, indicator_id: int) -> Any:
    """One indicator with its targets, actuals, target path, rating (and why) and forecast, as the page shows."""
    return _detail(request, indicator_id)


@router.patch("/indicators/{indicator_id}", response={200: IndicatorDetailOut, **WRITE_ERRORS})
def indicator_update(request: AuthedRequest, indicator_id: int, payload: IndicatorUpdateIn) -> Any:
    """Change an indicator (reform office, administrators); only the fields sent change."""
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    _require_manage(request, _("Bạn không có quyền sửa chỉ số."))
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "responsible_unit_id" in changes:
        changes["responsible_unit"] = units_in_force("responsible_unit_id", [changes.pop("responsible_unit_id")])[0]
    services.indicator_update(actor=request.user, indicator=indicator, reason=reason, **changes)
    return _detail(request, indicator.pk)


@router.post("/indicators/{indicator_id}/targets", response={200: TargetOut, **WRITE_ERRORS})
def indicator_target_set(request: AuthedRequest, indicator_id: int, payload: TargetIn) -> Any:
    """Set the value to reach by a date (reform office, administrators): creates the target, or replaces the
    one with the same end date. The period is its dates or a Decree 09/2019 code."""
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    _require_manage(request, _("Bạn không có quyền đặt chỉ tiêu."))
    return services.target_set(actor=request.user, indicator=indicator, **payload.dict())


@router.post("/indicators/{indicator_id}/actuals", response={200: ActualOut, **WRITE_ERRORS})
def indicator_actual_report(request: AuthedRequest, indicator_id: int, payload: ActualIn) -> Any:
    """Report the value on a date with its source (managers; a lead officer for their unit's indicators); a
    second report for the same date corrects the first."""
    indicator = selectors.indicator_get(user=request.user, pk=indicator_id)
    if not permissions.can_report_actual(request.user, indicator):
        raise PermissionDenied(_("Bạn không có quyền báo cáo số liệu của chỉ số này."))
    data = payload.dict()
    unit_id = data.pop("reporting_unit_id")
    reporting_unit = units_in_force("reporting_unit_id", [unit_id])[0] if unit_id is not None else None
    return services.actual_report(actor=request.user, indicator=indicator, reporting_unit=reporting_unit, **data)


# --- Task forces --------------------------------------------------------------------------------------


class TaskForceOut(Schema):
    id: int
    name: str
    decision_number: str
    decision_date: dt.date | None
    remit: str
    leader: str
    active_from: dt.date | None
    active_to: dt.date | None
    member_count: int
    project_count: int

    @staticmethod
    def resolve_member_count(obj: Any) -> int:
        return obj["member_count"] if isinstance(obj, dict) else len(obj.members.all())  # type: ignore[no-any-return]

    @staticmethod
    def resolve_project_count(obj: Any) -> int:
        return obj["project_count"] if isinstance(obj, dict) else len(obj.projects.all())  # type: ignore[no-any-return]


class MemberOut(Schema):
    id: int
    full_name: str
    position: str
    role: str
    unit_id: int | None
    unit: str | None
    user_id: int | None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.unit.name if obj.unit else None


class ProjectOut(Schema):
    id: int
    name: str
    investor: str
    capital: Decimal | None = Field(description="total investment, billion đồng")
    status: str
    note: str


class LinkedProcedureOut(Schema):
    id: int
    code: str
    name: str
    field: str


class LinkedDeliverableOut(Schema):
    id: int
    program: str
    code: str
    title: str
    lead_unit: str


class TaskForceDetailOut(TaskForceOut):
    members: list[MemberOut]
    projects: list[ProjectOut]
    procedures: list[LinkedProcedureOut]
    deliverables: list[LinkedDeliverableOut] = Field(description="the linked deliverables the caller may open")


class MemberIn(In):
    full_name: str = Field(max_length=150)
    position: str = Field("", max_length=300)
    role: str = Field("", max_length=64)
    unit_id: Id | None = None
    user_id: Id | None = None


class ProjectIn(In):
    name: str = Field(max_length=500)
    investor: str = Field("", max_length=300)
    capital: Value | None = Field(None, description="total investment, billion đồng")
    status: str = Field(ProjectStatus.BLOCKED, description="blocked, clearing or cleared")
    note: str = ""


class TaskForceFieldsIn(In):
    decision_number: str = Field("", max_length=64)
    decision_date: dt.date | None = None
    leader: str = Field("", max_length=300)
    active_from: dt.date | None = None
    active_to: dt.date | None = None


class TaskForceIn(TaskForceFieldsIn):
    name: str = Field(max_length=500)
    remit: str
    members: list[MemberIn] = Field(default_factory=list, max_length=500)
    projects: list[ProjectIn] = Field(default_factory=list, max_length=500)


class TaskForceUpdateIn(TaskForceFieldsIn):
    """Only the fields sent change."""

    name: str = Field("", max_length=500)
    remit: str = ""
    reason: str = ""


class MembersIn(In):
    members: list[MemberIn] = Field(max_length=500)
    reason: str = ""


def _members(members: list[MemberIn]) -> list[dict[str, Any]]:
    """Members as the service takes them, their unit and account looked up (422 naming the member)."""
    out = []
    for n, m in enumerate(members, start=1):
        data = m.dict()
        unit_id, user_id = data.pop("unit_id"), data.pop("user_id")
        if unit_id is not None:
            data["unit"] = core_selectors.unit_find(pk=unit_id)
            if data["unit"] is None:
                raise ValidationError({"members": _("Thành viên thứ %(n)s: không có đơn vị id=%(v)s.") % {
                    "n": n, "v": unit_id}})
        if user_id is not None:
            data["user"] = core_selectors.user_find(pk=user_id)
            if data["user"] is None:
                raise ValidationError({"members": _("Thành viên thứ %(n)s: không có tài khoản id=%(v)s.") % {
                    "n": n, "v": user_id}})
        out.append(data)
    return out


def _projects(projects: list[ProjectIn]) -> list[dict[str, Any]]:
    for n, p in enumerate(projects, start=1):
        if p.status not in ProjectStatus.values:
            raise ValidationError({"projects": _("Dự án thứ %(n)s: %(problem)s") % {"n": n, "problem": _(
                "Giá trị “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {
                "value": p.status, "allowed": ", ".join(ProjectStatus.values)}}})
    return [p.dict() for p in projects]


def _task_force_detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    tf: TaskForce = selectors.task_force_get(user=request.user, pk=pk)
    members, projects = list(tf.members.all()), list(tf.projects.all())
    return {
        **{name: getattr(tf, name) for name in ("id", "name", "decision_number", "decision_date", "remit", "leader",
                                                "active_from", "active_to")},
        "member_count": len(members), "project_count": len(projects), "members": members, "projects": projects,
        "procedures": [{"id": p.pk, "code": p.code, "name": p.name, "field": p.field}
                       for p in tf.procedures.all().order_by("code")],
        "deliverables": [{"id": d.pk, "program": d.program.number, "code": d.code, "title": d.title,
                          "lead_unit": d.lead_unit.name}
                         for d in selectors.task_force_deliverables(user=request.user, task_force=tf)],
    }


@router.get("/task-forces", response={200: list[TaskForceOut], **READ_ERRORS}, tags=["task forces"])
@paginate(Pager)
def task_force_list(request: AuthedRequest) -> Any:
    """Special task forces, latest first, with their number of members and projects."""
    return selectors.task_force_list(user=request.user)


@router.post("/task-forces", response={201: TaskForceDetailOut, **WRITE_ERRORS}, tags=["task forces"])
def task_force_create(request: AuthedRequest, payload: TaskForceIn) -> Any:
    """Set up a task force with its members and projects (reform office, administrators)."""
    _require_manage(request, _("Bạn không có quyền lập tổ công tác."))
    data = payload.dict()
    data["members"] = _members(payload.members)
    data["projects"] = _projects(payload.projects)
    tf = services.task_force_create(actor=request.user, **data)
    return HttpStatus(201, _task_force_detail(request, tf.pk))


@router.get("/task-forces/{task_force_id}", response={200: TaskForceDetailOut, **READ_ERRORS},
            tags=["task forces"])
def task_force_detail(request: AuthedRequest, task_force_id: int) -> Any:
    """One task force: remit, members, projects, the procedures it clears and the deliverables it serves."""
    return _task_force_detail(request, task_force_id)


@router.patch("/task-forces/{task_force_id}", response={200: TaskForceDetailOut, **WRITE_ERRORS},
              tags=["task forces"])
def task_force_update(request: AuthedRequest, task_force_id: int, payload: TaskForceUpdateIn) -> Any:
    """Change a task force's details (reform office, administrators); only the fields sent change."""
    tf = selectors.task_force_get(user=request.user, pk=task_force_id)
    _require_manage(request, _("Bạn không có quyền sửa tổ công tác."))
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    services.task_force_update(actor=request.user, task_force=tf, reason=reason, **changes)
    return _task_force_detail(request, tf.pk)


@router.put("/task-forces/{task_force_id}/members", response={200: TaskForceDetailOut, **WRITE_ERRORS},
            tags=["task forces"])
def task_force_members(request: AuthedRequest, task_force_id: int, payload: MembersIn) -> Any:
    """Replace a task force's members, in the order given (reform office, administrators)."""
    tf = selectors.task_force_get(user=request.user, pk=task_force_id)
    _require_manage(request, _("Bạn không có quyền sửa tổ công tác."))
    services.task_force_update(actor=request.user, task_force=tf, reason=payload.reason,
                               members=_members(payload.members))
    return _task_force_detail(request, tf.pk)
