"""Writes on indicators, targets, actuals and task forces.

Each runs in a transaction, checks permission (the reform office and administrators edit; a lead
officer reports actuals only for indicators their unit is responsible for), validates, writes, and
records the change explicitly. A denial raises PermissionDenied before anything is written.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.limits import length_errors
from chidao.core.models import Role, Unit, User
from chidao.core.periods import period_parse
from chidao.procedures.models import Procedure
from chidao.programs.models import Deliverable

from .models import Actual, Indicator, ProjectStatus, Target, TaskForce, TaskForceMember, TaskForceProject
from .permissions import can_manage_indicators, can_report_actual
from .rules import CENT, PERCENT_RANGE

INDICATOR_FIELDS = (
    "code", "name", "unit_of_measure", "higher_is_better", "baseline_value", "baseline_date", "responsible_unit",
    "description", "source_description",
)
INDICATOR_EDITABLE = frozenset(INDICATOR_FIELDS)
TARGET_FIELDS = ("indicator", "period_code", "period_start", "period_end", "value", "note")
ACTUAL_FIELDS = ("indicator", "as_of", "value", "source", "reporting_unit", "reported_by", "note")
TASK_FORCE_FIELDS = ("name", "decision_number", "decision_date", "remit", "leader", "active_from", "active_to")
TASK_FORCE_EDITABLE = frozenset(TASK_FORCE_FIELDS)
MEMBER_KEYS = ("full_name", "position", "role", "unit", "user")
PROJECT_KEYS = ("name", "investor", "capital", "status", "note")


# --- Who may do what (permissions.py) ----------------------------------------------------------------


def _require_manage(actor: User, message: str) -> None:
    if not can_manage_indicators(actor):
        raise PermissionDenied(message)


# --- Validation ---------------------------------------------------------------------------------------


def _cents(value: Decimal) -> Decimal:
    """Values are kept to two decimals (as stored), so records and snapshots read alike."""
    return Decimal(value).quantize(CENT)


def value_errors(*, indicator_unit: str, value: Decimal | None, field: str) -> dict[str, str]:
    """A value must be given; a percentage lies within 0-100."""
    if value is None:
        return {field: _("Thiếu giá trị.")}
    if indicator_unit.strip() == "%" and not PERCENT_RANGE[0] <= value <= PERCENT_RANGE[1]:
        return {field: _("Tỷ lệ phần trăm phải từ 0 đến 100.")}
    return {}


def _indicator_errors(data: Mapping[str, Any], exclude_pk: int = 0) -> dict[str, str]:
    errors = length_errors(Indicator, **data)
    code = (data.get("code") or "").strip()
    if not code:
        errors["code"] = _("Thiếu mã chỉ số.")
    elif Indicator.objects.filter(code__iexact=code).exclude(pk=exclude_pk).exists():
        errors["code"] = _("Đã có chỉ số mã %(code)s.") % {"code": code}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Thiếu tên chỉ số.")
    if not (data.get("unit_of_measure") or "").strip():
        errors["unit_of_measure"] = _("Thiếu đơn vị tính.")
    else:
        errors |= value_errors(indicator_unit=data["unit_of_measure"], value=data.get("baseline_value"),
                               field="baseline_value")
    if data.get("baseline_date") is None:
        errors["baseline_date"] = _("Thiếu thời điểm gốc.")
    return errors


# --- Indicators ---------------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *, actor: User, code: str, name: str, unit_of_measure: str, baseline_value: Decimal, baseline_date: dt.date,
    responsible_unit: Unit, higher_is_better: bool = True, description: str = "", source_description: str = "",
) -> Indicator:
    _require_manage(actor, _("Bạn không có quyền tạo chỉ số."))
    data = {"code": code, "name": name, "unit_of_measure": unit_of_measure, "baseline_value": baseline_value,
            "baseline_date": baseline_date, "description": description, "source_description": source_description}
    errors = _indicator_errors(data)
    if errors:
        raise ValidationError(errors)
    indicator = Indicator.objects.create(
        code=code.strip(), name=name.strip(), unit_of_measure=unit_of_measure.strip(),
        higher_is_better=higher_is_better, baseline_value=_cents(baseline_value), baseline_date=baseline_date,
        responsible_unit=responsible_unit, description=description, source_description=source_description,
    )
    change_record_create(actor=actor, action="create", obj=indicator, after=snapshot(indicator, INDICATOR_FIELDS))
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, reason: str = "", **changes: Any) -> Indicator:
    _require_manage(actor, _("Bạn không có quyền sửa chỉ số."))
    unknown = sorted(set(changes) - INDICATOR_EDITABLE)
    if unknown:
        raise ValidationError({"__all__": _("Không sửa được: %(f)s.") % {"f": ", ".join(unknown)}})
    current = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(current, INDICATOR_FIELDS)
    data = {name: getattr(current, name) for name in INDICATOR_FIELDS} | changes
    errors = _indicator_errors(data, exclude_pk=current.pk)
    if errors:
        raise ValidationError(errors)
    if changes.get("baseline_value") is not None:
        changes["baseline_value"] = _cents(changes["baseline_value"])
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.save()
    change_record_create(actor=actor, action="update", obj=current, before=before,
                         after=snapshot(current, INDICATOR_FIELDS), reason=reason)
    return current


@transaction.atomic
def target_set(
    *, actor: User, indicator: Indicator, value: Decimal, period_end: dt.date | None = None,
    period_start: dt.date | None = None, period_code: str = "", note: str = "",
) -> Target:
    """Set the value to reach by a date (create, or replace the target with the same end date).

    The period is given by its dates, or by a Decree 09/2019 period code (`2021`, `2021-Q4`), whose
    start and cut-off then give the dates.
    """
    _require_manage(actor, _("Bạn không có quyền đặt chỉ tiêu."))
    errors = value_errors(indicator_unit=indicator.unit_of_measure, value=value, field="value")
    period_code = period_code.strip()
    if period_end is None and period_code:
        try:
            period = period_parse(period_code)
        except ValueError as exc:
            errors["period_code"] = str(exc)
        else:
            period_start, period_end = period_start or period.start, period.end
    if period_end is None:
        errors.setdefault("period_end", _("Thiếu thời điểm phải đạt chỉ tiêu."))
    elif period_end <= indicator.baseline_date:
        errors["period_end"] = _("Thời điểm phải đạt chỉ tiêu phải sau thời điểm gốc (%(d)s).") % {
            "d": indicator.baseline_date.strftime("%d/%m/%Y")}
    elif period_start is not None and period_start > period_end:
        errors["period_start"] = _("Ngày bắt đầu kỳ phải không sau ngày kết thúc.")
    if errors:
        raise ValidationError(errors)
    assert period_end is not None
    target = Target.objects.select_for_update().filter(indicator=indicator, period_end=period_end).first()
    before = snapshot(target, TARGET_FIELDS) if target else None
    if target is None:
        target = Target(indicator=indicator, period_end=period_end)
    target.value, target.period_start, target.period_code, target.note = _cents(value), period_start, period_code, note
    target.save()
    change_record_create(actor=actor, action="update" if before else "create", obj=target, before=before,
                         after=snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def actual_report(
    *, actor: User, indicator: Indicator, as_of: dt.date, value: Decimal, source: str,
    reporting_unit: Unit | None = None, note: str = "", reported_at: dt.datetime | None = None,
) -> Actual:
    """Report the value an indicator had on a date, with its source.

    Refuses a date in the future, a missing source, and a percentage outside 0-100. A second report
    for the same date corrects the first (the change record keeps both). The reporting unit is the
    reporter's unit unless a manager names another.
    """
    if not can_report_actual(actor, indicator):
        raise PermissionDenied(_("Bạn không có quyền báo cáo số liệu của chỉ số này."))
    errors = value_errors(indicator_unit=indicator.unit_of_measure, value=value, field="value")
    if as_of is None:
        errors["as_of"] = _("Thiếu ngày của số liệu.")
    elif as_of > timezone.localdate():
        errors["as_of"] = _("Ngày của số liệu không được sau hôm nay.")
    if not (source or "").strip():
        errors["source"] = _("Cần ghi nguồn số liệu (ví dụ: cơ quan công bố, số và ngày văn bản).")
    if not can_manage_indicators(actor) or reporting_unit is None:
        # A lead officer reports for the responsible unit when one of their grants is there.
        leads = indicator.responsible_unit_id in actor.units_with_role(Role.LEAD_OFFICER)
        reporting_unit = indicator.responsible_unit if leads else actor.unit or indicator.responsible_unit
    if errors:
        raise ValidationError(errors)
    actual = Actual.objects.select_for_update().filter(indicator=indicator, as_of=as_of).first()
    before = snapshot(actual, ACTUAL_FIELDS) if actual else None
    if actual is None:
        actual = Actual(indicator=indicator, as_of=as_of)
    actual.value, actual.source, actual.note = _cents(value), source.strip(), note
    actual.reporting_unit, actual.reported_by = reporting_unit, actor
    actual.reported_at = reported_at or timezone.now()
    actual.save()
    change_record_create(actor=actor, action="update" if before else "create", obj=actual, before=before,
                         after=snapshot(actual, ACTUAL_FIELDS))
    return actual


# --- Task forces --------------------------------------------------------------------------------------


def _task_force_errors(data: Mapping[str, Any]) -> dict[str, str]:
    errors = length_errors(TaskForce, **data)
    if not (data.get("name") or "").strip():
        errors["name"] = _("Thiếu tên tổ công tác.")
    if not (data.get("remit") or "").strip():
        errors["remit"] = _("Thiếu nhiệm vụ của tổ công tác.")
    start, end = data.get("active_from"), data.get("active_to")
    if start and end and end < start:
        errors["active_to"] = _("Ngày kết thúc hoạt động phải không trước ngày bắt đầu.")
    return errors


def _item_lengths(field: str, n: int, model: type[TaskForceMember | TaskForceProject], values: dict[str, Any]) -> None:
    """Refuse a member or project whose text is longer than its field holds, naming which one."""
    for name, message in length_errors(model, **values).items():
        raise ValidationError({field: _("Mục thứ %(n)s, %(f)s: %(m)s") % {
            "n": n, "f": getattr(model._meta.get_field(name), "verbose_name", name), "m": message}})


def _members_set(task_force: TaskForce, members: Iterable[Mapping[str, Any]]) -> None:
    task_force.members.all().delete()
    for i, m in enumerate(members, start=1):
        if not (m.get("full_name") or "").strip():
            raise ValidationError({"members": _("Thành viên thứ %(n)s thiếu họ tên.") % {"n": i}})
        _item_lengths("members", i, TaskForceMember, {k: m[k] for k in MEMBER_KEYS if k in m})
        TaskForceMember.objects.create(task_force=task_force, order=i, **{k: m[k] for k in MEMBER_KEYS if k in m})


def _projects_set(task_force: TaskForce, projects: Iterable[Mapping[str, Any]]) -> None:
    task_force.projects.all().delete()
    for i, p in enumerate(projects, start=1):
        if not (p.get("name") or "").strip():
            raise ValidationError({"projects": _("Dự án thứ %(n)s thiếu tên.") % {"n": i}})
        if p.get("status", ProjectStatus.BLOCKED) not in ProjectStatus.values:
            raise ValidationError({"projects": _("Dự án thứ %(n)s có tình trạng không hợp lệ.") % {"n": i}})
        _item_lengths("projects", i, TaskForceProject, {k: p[k] for k in PROJECT_KEYS if k in p})
        TaskForceProject.objects.create(task_force=task_force, order=i, **{k: p[k] for k in PROJECT_KEYS if k in p})


def _task_force_snapshot(task_force: TaskForce) -> dict[str, Any]:
    data = snapshot(task_force, [*TASK_FORCE_FIELDS, "procedures", "deliverables"])
    data["members"] = [str(m) for m in task_force.members.all()]
    data["projects"] = [p.name for p in task_force.projects.all()]
    return data


@transaction.atomic
def task_force_create(
    *, actor: User, name: str, remit: str, decision_number: str = "", decision_date: dt.date | None = None,
    leader: str = "", active_from: dt.date | None = None, active_to: dt.date | None = None,
    members: Iterable[Mapping[str, Any]] = (), projects: Iterable[Mapping[str, Any]] = (),
) -> TaskForce:
    """A task force with its members (full_name, position, role, unit, user) and projects (name, investor,
    capital in billion đồng, status, note)."""
    _require_manage(actor, _("Bạn không có quyền lập tổ công tác."))
    data = {"name": name, "remit": remit, "active_from": active_from, "active_to": active_to,
            "decision_number": decision_number, "leader": leader}
    errors = _task_force_errors(data)
    if errors:
        raise ValidationError(errors)
    task_force = TaskForce.objects.create(
        name=name.strip(), remit=remit.strip(), decision_number=decision_number.strip(), decision_date=decision_date,
        leader=leader.strip(), active_from=active_from, active_to=active_to,
    )
    _members_set(task_force, members)
    _projects_set(task_force, projects)
    change_record_create(actor=actor, action="create", obj=task_force, after=_task_force_snapshot(task_force))
    return task_force


@transaction.atomic
def task_force_update(
    *, actor: User, task_force: TaskForce, reason: str = "", members: Iterable[Mapping[str, Any]] | None = None,
    projects: Iterable[Mapping[str, Any]] | None = None, **changes: Any,
) -> TaskForce:
    """Edit the details; `members` or `projects`, when given, replace the lists."""
    _require_manage(actor, _("Bạn không có quyền sửa tổ công tác."))
    unknown = sorted(set(changes) - TASK_FORCE_EDITABLE)
    if unknown:
        raise ValidationError({"__all__": _("Không sửa được: %(f)s.") % {"f": ", ".join(unknown)}})
    current = TaskForce.objects.select_for_update().get(pk=task_force.pk)
    before = _task_force_snapshot(current)
    errors = _task_force_errors({name: getattr(current, name) for name in TASK_FORCE_FIELDS} | changes)
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.save()
    if members is not None:
        _members_set(current, members)
    if projects is not None:
        _projects_set(current, projects)
    change_record_create(actor=actor, action="update", obj=current, before=before,
                         after=_task_force_snapshot(current), reason=reason)
    return current


@transaction.atomic
def task_force_link_procedures(*, actor: User, task_force: TaskForce, procedures: Iterable[Procedure],
                               reason: str = "") -> TaskForce:
    """Set the procedures the task force works to clear (replaces the list)."""
    _require_manage(actor, _("Bạn không có quyền sửa tổ công tác."))
    before = snapshot(task_force, ["procedures"])
    task_force.procedures.set(list(procedures))
    change_record_create(actor=actor, action="update", obj=task_force, before=before,
                         after=snapshot(task_force, ["procedures"]), reason=reason)
    return task_force


@transaction.atomic
def task_force_link_deliverables(*, actor: User, task_force: TaskForce, deliverables: Iterable[Deliverable],
                                 reason: str = "") -> TaskForce:
    """Set the program deliverables the task force contributes to (replaces the list)."""
    _require_manage(actor, _("Bạn không có quyền sửa tổ công tác."))
    before = snapshot(task_force, ["deliverables"])
    task_force.deliverables.set(list(deliverables))
    change_record_create(actor=actor, action="update", obj=task_force, before=before,
                         after=snapshot(task_force, ["deliverables"]), reason=reason)
    return task_force
