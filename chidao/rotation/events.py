"""The rotation events that find their people: a published plan reaches the personnel officers of the units the
people it moves leave and join (chidao.core.notifications)."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.models import NotificationKind, Role, RoleGrant, Unit, User
from chidao.core.notifications import Event, notify

from .models import Move, RotationRound


def _with_ancestors(unit_ids: set[int]) -> set[int]:
    """The units and every unit above them (a personnel officer of an agency looks after its departments)."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    for unit in unit_ids:
        current: int | None = unit
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def personnel_officers(unit_ids: set[int]) -> list[User]:
    """Active users with a personnel-officer grant (main or extra) in one of the units or a unit above them."""
    units = _with_ancestors(unit_ids)
    granted = RoleGrant.objects.filter(role=Role.PERSONNEL, unit_id__in=units).values("user_id")
    return list(User.objects.filter(is_active=True)
                .filter(Q(role=Role.PERSONNEL, unit_id__in=units) | Q(pk__in=granted))
                .prefetch_related("role_grants").order_by("username"))


def plan_published_notify(*, actor: User, round: RotationRound) -> None:  # noqa: A002
    """Inside `plan_publish`'s transaction: tell the personnel officers of the units the placed people leave
    and join, each only if the round is theirs to see (`RotationRound.visible_to`)."""
    placed = Move.objects.filter(round=round, to_position__isnull=False)
    units = {u for pair in placed.values_list("from_position__unit_id", "to_position__unit_id") for u in pair if u}
    if not units:
        return
    moved = placed.count()
    with translation.override(settings.LANGUAGE_CODE):
        effective = round.effective_on.strftime("%d/%m/%Y") if round.effective_on else ""
        event = Event(
            kind=NotificationKind.ROTATION_PUBLISHED, key=f"rotation_published:round:{round.pk}",
            subject=_("Phương án “%(name)s” đã được công khai") % {"name": round.name},
            body=ngettext(
                "Phương án của đợt “%(name)s” đã được công khai, có hiệu lực từ ngày %(d)s: %(n)d người được bố "
                "trí vị trí công tác mới. Đề nghị đơn vị thông báo cho người có tên và chuẩn bị bàn giao.",
                "Phương án của đợt “%(name)s” đã được công khai, có hiệu lực từ ngày %(d)s: %(n)d người được bố "
                "trí vị trí công tác mới. Đề nghị đơn vị thông báo cho người có tên và chuẩn bị bàn giao.",
                moved) % {"name": round.name, "d": effective, "n": moved},
            link=reverse("rotation_plan", kwargs={"pk": round.pk}),
        )
    notify(event=event, recipients=personnel_officers(units), actor=actor,
           in_scope=lambda user: RotationRound.objects.visible_to(user).filter(pk=round.pk).exists())
