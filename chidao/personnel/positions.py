"""Writes on the posts (chức danh) of a unit: add and edit, by administrators and the unit's personnel officers.

A post that people held stays (their service history names it); only its description changes."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import Unit, User

from .models import Position, PostLevel, Sector
from .permissions import can_manage_posts
from .rulebook import rulebook_on

RECORDED = ("unit", "title", "is_leader", "level", "is_key_post", "sector", "change_period_months", "headcount")
MAX_HEADCOUNT = 1000


def _check(position: Position) -> None:
    errors: dict[str, list[str]] = {}
    if not position.title:
        errors["title"] = [_("Nhập tên chức danh.")]
    elif len(position.title) > 200:
        errors["title"] = [_("Tên chức danh tối đa 200 ký tự.")]
    elif Position.objects.filter(unit_id=position.unit_id, title__iexact=position.title).exclude(
            pk=position.pk).exists():
        errors["title"] = [_("Đơn vị đã có chức danh “%(title)s”.") % {"title": position.title}]
    if position.level not in PostLevel.values:
        errors["level"] = [_("Cấp chức vụ không hợp lệ.")]
    if position.sector not in Sector.values:
        errors["sector"] = [_("Lĩnh vực không hợp lệ.")]
    # Decree 59/2019/ND-CP Art. 37(1): a full 2 to 5 years (the rulebook of today; rotation.rules clamps older data).
    book = rulebook_on(dt.date.today())
    low = book.periodic_change_min_period_months.value
    high = book.periodic_change_max_period_months.value
    if position.change_period_months is not None and not low <= position.change_period_months <= high:
        errors["change_period_months"] = [_("Thời hạn định kỳ chuyển đổi từ %(low)s đến %(high)s tháng.") % {
            "low": low, "high": high}]
    if not 1 <= position.headcount <= MAX_HEADCOUNT:
        errors["headcount"] = [_("Số người được giao từ 1 đến %(n)s.") % {"n": MAX_HEADCOUNT}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def position_create(*, actor: User, unit: Unit, title: str, is_leader: bool = False, level: int = PostLevel.STAFF,
                    is_key_post: bool = False, sector: str = "", change_period_months: int | None = None,
                    headcount: int = 1) -> Position:
    """A new post in a unit of the actor's reach, with the number of people it employs (its seats)."""
    if not can_manage_posts(actor, unit.pk):
        raise PermissionDenied(_("Bạn không có quyền quản lý chức danh của đơn vị này."))
    position = Position(unit=unit, title=" ".join(title.split()), is_leader=is_leader, level=level,
                        is_key_post=is_key_post, sector=sector or "", change_period_months=change_period_months,
                        headcount=headcount)
    _check(position)
    position.save()
    change_record_create(actor=actor, action="create", obj=position, after=snapshot(position, RECORDED))
    return position


@transaction.atomic
def position_update(*, actor: User, position: Position, title: str, is_leader: bool = False,
                    level: int = PostLevel.STAFF, is_key_post: bool = False, sector: str = "",
                    change_period_months: int | None = None, headcount: int = 1) -> Position:
    """Correct a post's title, description and headcount; its holders and their history keep it."""
    if not can_manage_posts(actor, position.unit_id):
        raise PermissionDenied(_("Bạn không có quyền quản lý chức danh của đơn vị này."))
    position = Position.objects.select_for_update().select_related("unit").get(pk=position.pk)
    before = snapshot(position, RECORDED)
    position.title, position.is_leader, position.level = " ".join(title.split()), is_leader, level
    position.is_key_post, position.sector = is_key_post, sector or ""
    position.change_period_months, position.headcount = change_period_months, headcount
    _check(position)
    position.save()
    change_record_create(actor=actor, action="update", obj=position, before=before, after=snapshot(position, RECORDED))
    return position
