"""Writes on the organization tree: create, edit (rename), move, merge, dissolve and delete units.

A unit is never rewritten into another: a rename keeps the record (and every record that names it), a merge or a
dissolution dates the units that cease (`valid_to`) and links them to the units that take over (`successors`), so
old records still resolve to the unit they were written for. Only a unit nothing refers to may be deleted.
Administrators only (`can_manage_units`). Core knows no app: what refers to a unit is found through the model's
relations (protected foreign keys, many-to-many links), never by importing the app.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .audit import change_record_create, snapshot
from .errors import PermissionDenied, ValidationError
from .models import Unit, UnitKind, UnitLevel, User
from .permissions import can_manage_units
from .reference import unit_subtree_ids
from .text import fold

RECORDED = ("code", "name", "short_name", "kind", "level", "parent", "valid_from", "valid_to", "official_code",
            "headcount", "successors")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# Higher up the tree first: a sub-unit's level is never above its parent's.
LEVEL_RANK = {UnitLevel.CENTRAL: 0, UnitLevel.PROVINCE: 1, UnitLevel.DISTRICT: 2, UnitLevel.COMMUNE: 3}
# Kinds bound to one level (the others, such as departments, exist at every level).
KIND_LEVELS = {
    UnitKind.LOCALITY: {UnitLevel.PROVINCE},
    UnitKind.DISTRICT: {UnitLevel.DISTRICT},
    UnitKind.COMMUNE: {UnitLevel.COMMUNE},
}


def _refuse_delete_message() -> str:
    return _("Đơn vị đã có người, chức danh hoặc nhiệm vụ; chỉ có thể giải thể")


def _require(actor: User) -> None:
    if not can_manage_units(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý đơn vị."))


def _search_text(unit: Unit) -> str:
    return fold(f"{unit.name} {unit.short_name} {unit.code}")


def _clean_text(value: str | None) -> str:
    return " ".join((value or "").split())


def _check_fields(unit: Unit, errors: dict[str, str]) -> None:
    """The unit's own fields: code (required, its characters, unique whatever its case), name, kind, level, the
    level against the kind and the parent, the dates."""
    if not unit.code:
        errors["code"] = _("Nhập mã đơn vị.")
    elif len(unit.code) > 32 or not CODE.match(unit.code):
        errors["code"] = _("Mã đơn vị gồm chữ không dấu, chữ số và các dấu . _ / -, tối đa 32 ký tự.")
    elif Unit.objects.filter(code__iexact=unit.code).exclude(pk=unit.pk).exists():
        errors["code"] = _("Mã đơn vị “%(code)s” đã được dùng (không phân biệt chữ hoa, chữ thường).") % {
            "code": unit.code}
    if not unit.name:
        errors["name"] = _("Nhập tên đơn vị.")
    elif len(unit.name) > 255:
        errors["name"] = _("Tên đơn vị tối đa 255 ký tự.")
    if len(unit.short_name) > 64:
        errors["short_name"] = _("Tên viết tắt tối đa 64 ký tự.")
    if len(unit.official_code) > 16:
        errors["official_code"] = _("Mã hành chính tối đa 16 ký tự.")
    if unit.kind not in UnitKind.values:
        errors["kind"] = _("Loại đơn vị không hợp lệ.")
    if unit.level not in UnitLevel.values:
        errors["level"] = _("Cấp đơn vị không hợp lệ.")
    elif unit.kind in KIND_LEVELS and unit.level not in KIND_LEVELS[UnitKind(unit.kind)]:
        errors["level"] = _("Cấp “%(level)s” không phù hợp với loại đơn vị “%(kind)s”.") % {
            "level": UnitLevel(unit.level).label, "kind": UnitKind(unit.kind).label}
    elif unit.parent is not None and unit.parent.level in LEVEL_RANK and (
            LEVEL_RANK[UnitLevel(unit.level)] < LEVEL_RANK[UnitLevel(unit.parent.level)]):
        errors["level"] = _("Đơn vị cấp “%(level)s” không thể trực thuộc đơn vị cấp “%(parent)s”.") % {
            "level": UnitLevel(unit.level).label, "parent": UnitLevel(unit.parent.level).label}
    if unit.headcount is not None and unit.headcount < 0:
        errors["headcount"] = _("Biên chế không được âm.")
    if unit.valid_from and unit.valid_to and unit.valid_to < unit.valid_from:
        errors["valid_to"] = _("Ngày thôi hoạt động không được trước ngày bắt đầu hoạt động.")


def _check_parent(unit: Unit, parent: Unit | None, errors: dict[str, str], *, on: dt.date | None = None) -> None:
    """The parent exists in force (on `on`, or at the unit's start) and is not the unit or one of its sub-units."""
    if parent is None:
        return
    if unit.pk is not None and parent.pk in unit_subtree_ids(unit):
        errors["parent"] = _("Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó.")
        return
    day = on or unit.valid_from or dt.date.today()
    if parent.valid_to is not None and parent.valid_to < day:
        errors["parent"] = _("Đơn vị cấp trên “%(name)s” đã thôi hoạt động từ %(day)s.") % {
            "name": parent.name, "day": parent.valid_to.strftime("%d/%m/%Y")}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


def _children_in_force_after(unit: Unit, day: dt.date) -> list[Unit]:
    return [c for c in unit.children.all() if c.valid_to is None or c.valid_to > day]


@transaction.atomic
def unit_create(*, actor: User, code: str, name: str, kind: str, level: str, parent: Unit | None = None,
                short_name: str = "", official_code: str = "", headcount: int | None = None,
                valid_from: dt.date | None = None) -> Unit:
    """A new unit anywhere in the tree (or a new root); a department, office or board inside an agency is a
    sub-unit of kind "department"."""
    _require(actor)
    unit = Unit(code=_clean_text(code), name=_clean_text(name), short_name=_clean_text(short_name), kind=kind,
                level=level, parent=parent, official_code=_clean_text(official_code), headcount=headcount,
                valid_from=valid_from)
    errors: dict[str, str] = {}
    _check_fields(unit, errors)
    _check_parent(unit, parent, errors)
    _raise(errors)
    unit.search_text = _search_text(unit)
    unit.save()
    change_record_create(actor=actor, action="create", obj=unit, after=snapshot(unit, RECORDED))
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, code: str, name: str, short_name: str = "", official_code: str = "",
                headcount: int | None = None, kind: str | None = None, level: str | None = None) -> Unit:
    """Rename or correct a unit: the same record, so its lineage and every record naming it stay."""
    _require(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, RECORDED)
    unit.code, unit.name = _clean_text(code), _clean_text(name)
    unit.short_name, unit.official_code = _clean_text(short_name), _clean_text(official_code)
    unit.headcount = headcount
    unit.kind = kind or unit.kind
    unit.level = level or unit.level
    errors: dict[str, str] = {}
    _check_fields(unit, errors)
    if "level" not in errors and unit.level in LEVEL_RANK:
        below = [c for c in unit.children.all() if c.level in LEVEL_RANK
                 and LEVEL_RANK[UnitLevel(c.level)] < LEVEL_RANK[UnitLevel(unit.level)]]
        if below:
            errors["level"] = _("Đơn vị trực thuộc “%(name)s” có cấp cao hơn cấp này.") % {"name": below[0].name}
    _raise(errors)
    unit.search_text = _search_text(unit)
    unit.save()
    change_record_create(actor=actor, action="update", obj=unit, before=before, after=snapshot(unit, RECORDED))
    return unit


@transaction.atomic
def unit_move(*, actor: User, unit: Unit, parent: Unit | None, on: dt.date) -> Unit:
    """Put the unit under another parent (or make it a root) from `on`; the date is kept in the change record.
    Refused under the unit itself or one of its sub-units, and outside the unit's dates."""
    _require(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, RECORDED)
    errors: dict[str, str] = {}
    if unit.valid_from and on < unit.valid_from:
        errors["on"] = _("Ngày chuyển không được trước ngày đơn vị bắt đầu hoạt động (%(day)s).") % {
            "day": unit.valid_from.strftime("%d/%m/%Y")}
    elif unit.valid_to and on > unit.valid_to:
        errors["on"] = _("Đơn vị đã thôi hoạt động từ %(day)s.") % {"day": unit.valid_to.strftime("%d/%m/%Y")}
    if parent is not None and parent.pk == unit.parent_id:
        errors["parent"] = _("Đơn vị đã trực thuộc “%(name)s”.") % {"name": parent.name}
    else:
        _check_parent(unit, parent, errors, on=on)
    if "parent" not in errors and parent is not None and parent.level in LEVEL_RANK and unit.level in LEVEL_RANK \
            and LEVEL_RANK[UnitLevel(unit.level)] < LEVEL_RANK[UnitLevel(parent.level)]:
        errors["parent"] = _("Đơn vị cấp “%(level)s” không thể trực thuộc đơn vị cấp “%(parent)s”.") % {
            "level": UnitLevel(unit.level).label, "parent": UnitLevel(parent.level).label}
    _raise(errors)
    unit.parent = parent
    unit.save(update_fields=["parent"])
    change_record_create(actor=actor, action="unit_move", obj=unit, before=before,
                         after={**snapshot(unit, RECORDED), "moved_on": on.isoformat()})
    return unit


def _check_successors(units: Sequence[Unit], successors: Iterable[Unit], after: dt.date,
                      errors: dict[str, str]) -> None:
    ceasing = {u.pk for u in units}
    for successor in successors:
        if successor.pk in ceasing:
            errors["successors"] = _("Đơn vị kế thừa không thể là đơn vị thôi hoạt động.")
            return
        if successor.valid_to is not None and successor.valid_to < after:
            errors["successors"] = _("Đơn vị kế thừa “%(name)s” đã thôi hoạt động từ %(day)s.") % {
                "name": successor.name, "day": successor.valid_to.strftime("%d/%m/%Y")}
            return


def _check_ceasing(unit: Unit, on: dt.date, errors: dict[str, str], *, ceasing: set[int]) -> None:
    """A unit may cease on `on` (its last day in force) only after it started, once, and with no sub-unit left
    in force after that day (other than the units ceasing with it)."""
    if unit.valid_to is not None:
        errors["on"] = _("Đơn vị “%(name)s” đã thôi hoạt động từ %(day)s.") % {
            "name": unit.name, "day": unit.valid_to.strftime("%d/%m/%Y")}
    elif unit.valid_from is not None and on < unit.valid_from:
        errors["on"] = _("Đơn vị “%(name)s” bắt đầu hoạt động từ %(day)s: không thể thôi hoạt động trước ngày đó.") % {
            "name": unit.name, "day": unit.valid_from.strftime("%d/%m/%Y")}
    else:
        left = [c for c in _children_in_force_after(unit, on) if c.pk not in ceasing]
        if left:
            errors["on"] = _("Đơn vị “%(name)s” còn đơn vị trực thuộc đang hoạt động (%(child)s): chuyển hoặc giải "
                             "thể các đơn vị đó trước.") % {"name": unit.name, "child": left[0].name}


def _cease(actor: User, unit: Unit, on: dt.date, successors: list[Unit], action: str, reason: str) -> None:
    before = snapshot(unit, RECORDED)
    unit.valid_to = on
    unit.save(update_fields=["valid_to"])
    unit.successors.add(*successors)
    change_record_create(actor=actor, action=action, obj=unit, before=before, after=snapshot(unit, RECORDED),
                         reason=reason)


@transaction.atomic
def unit_dissolve(*, actor: User, unit: Unit, on: dt.date, successors: Sequence[Unit] = (),
                  reason: str = "") -> Unit:
    """The unit ceases: `on` is its last day in force (`valid_to`); the units that take over its duties, if any,
    become its successors. Its records stay and still name it."""
    _require(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    errors: dict[str, str] = {}
    _check_ceasing(unit, on, errors, ceasing={unit.pk})
    _check_successors([unit], successors, on + dt.timedelta(days=1), errors)
    _raise(errors)
    _cease(actor, unit, on, list(successors), "unit_dissolve", _clean_text(reason))
    return unit


@transaction.atomic
def unit_merge(*, actor: User, units: Sequence[Unit], on: dt.date, successor: Unit | None = None,
               new_successor: dict[str, Any] | None = None, reason: str = "") -> Unit:
    """Several units cease on `on` (their last day in force) and one unit takes over from the next day: an
    existing one (`successor`) or a new one (`new_successor`: the fields of `unit_create`, in force from the
    next day). Each merged unit lists the successor, so its old records still resolve to it. Returns the
    successor."""
    _require(actor)
    if (successor is None) == (new_successor is None):
        raise ValidationError({"successor": [_("Chọn đơn vị kế thừa có sẵn hoặc nhập đơn vị kế thừa mới.")]})
    merged = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))
    errors: dict[str, str] = {}
    if not merged:
        errors["units"] = _("Chọn các đơn vị hợp nhất.")
    ceasing = {u.pk for u in merged}
    for unit in merged:
        _check_ceasing(unit, on, errors, ceasing=ceasing)
        if errors:
            break
    next_day = on + dt.timedelta(days=1)
    if successor is not None:
        _check_successors(merged, [successor], next_day, errors)
        if "successors" in errors:
            errors["successor"] = errors.pop("successors")
    _raise(errors)
    if successor is None:
        assert new_successor is not None
        successor = unit_create(actor=actor, **{**new_successor, "valid_from": next_day})
    for unit in merged:
        _cease(actor, unit, on, [successor], "unit_merge",
               _clean_text(reason) or _("Hợp nhất vào %(name)s") % {"name": successor.name})
    return successor


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit) -> None:
    """Delete a unit entered by mistake: only while nothing refers to it (no sub-unit, lineage, person, post,
    account, task or other record); otherwise it can only be dissolved. Nothing changes on a refusal."""
    _require(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.children.exists():
        raise ValidationError({"__all__": [_("Đơn vị còn đơn vị trực thuộc; chỉ có thể giải thể.")]})
    if unit.successors.exists() or unit.predecessors.exists():
        raise ValidationError({"__all__": [_("Đơn vị có quan hệ kế thừa (hợp nhất, giải thể); chỉ có thể giải thể.")]})
    if _linked_elsewhere(unit):
        raise ValidationError({"__all__": [_refuse_delete_message()]})
    before = snapshot(unit, RECORDED)
    pk = unit.pk
    try:
        with transaction.atomic():
            unit.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError({"__all__": [_refuse_delete_message()]}) from None
    unit.pk = pk
    change_record_create(actor=actor, action="delete", obj=unit, before=before)


def _linked_elsewhere(unit: Unit) -> bool:
    """Whether a many-to-many link of another model names the unit (a deletion would silently drop it)."""
    for relation in Unit._meta.get_fields(include_hidden=True):
        if relation.many_to_many and relation.auto_created and relation.related_model is not Unit:
            through = relation.through  # type: ignore[union-attr]
            column = relation.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            if through.objects.filter(**{column: unit.pk}).exists():
                return True
    return False
