"""The rotation events that find their people: a published plan reaches the personnel officers of the units the
people it moves leave and join (chidao.core.notifications).

An officer who may see the round (`RotationRound.visible_to`) is told of the plan, with a link to it; an officer
of a unit below the round's scope, who may not, is told only of the moves that leave or join the units they look
after (the subtrees of their personnel grants: the published plan is public inside the agency), with a link to
the first such person's record they may open (`Person.visible_to`). One notification per officer and plan either
way: both share the event's key.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.models import NotificationKind, Role, RoleGrant, Unit, User
from chidao.core.notifications import Event, notify
from chidao.core.reference import user_role_subtree_ids
from chidao.personnel.models import Person, Position

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


def _post(position: Position | None) -> str:
    return f"{position.title} ({position.unit.name})" if position is not None else _("(chưa có chức danh)")


def _move_line(move: Move) -> str:
    return _("- %(name)s: từ %(from)s sang %(to)s") % {
        "name": move.person.full_name, "from": _post(move.from_position), "to": _post(move.to_position)}


def plan_published_notify(*, actor: User, round: RotationRound) -> None:  # noqa: A002
    """Inside `plan_publish`'s transaction: tell the personnel officers of the units the placed people leave
    and join (see the module's docstring for who reads what)."""
    moves = list(Move.objects.filter(round=round, to_position__isnull=False)
                 .select_related("person", "from_position__unit", "to_position__unit").order_by("person__sort_key"))
    units = {p.unit_id for m in moves for p in (m.from_position, m.to_position) if p is not None}
    if not units:
        return
    key = f"rotation_published:round:{round.pk}"
    officers = personnel_officers(units)
    see_round = [u for u in officers if RotationRound.objects.visible_to(u).filter(pk=round.pk).exists()]
    with translation.override(settings.LANGUAGE_CODE):
        effective = round.effective_on.strftime("%d/%m/%Y") if round.effective_on else ""
        subject = _("Phương án “%(name)s” đã được công khai") % {"name": round.name}
        body = ngettext(
            "Phương án của đợt “%(name)s” đã được công khai, có hiệu lực từ ngày %(d)s: %(n)d người được bố trí vị "
            "trí công tác mới. Đề nghị đơn vị thông báo cho người có tên và chuẩn bị bàn giao.",
            "Phương án của đợt “%(name)s” đã được công khai, có hiệu lực từ ngày %(d)s: %(n)d người được bố trí vị "
            "trí công tác mới. Đề nghị đơn vị thông báo cho người có tên và chuẩn bị bàn giao.",
            len(moves)) % {"name": round.name, "d": effective, "n": len(moves)}
        notify(event=Event(kind=NotificationKind.ROTATION_PUBLISHED, key=key, subject=subject, body=body,
                           link=reverse("rotation_plan", kwargs={"pk": round.pk})),
               recipients=see_round, actor=actor)
        for officer in officers:
            if officer in see_round:
                continue
            looked_after = user_role_subtree_ids(officer, Role.PERSONNEL)
            theirs = [m for m in moves
                      if any(p is not None and p.unit_id in looked_after for p in (m.from_position, m.to_position))]
            if not theirs:
                continue  # nothing of the plan is theirs
            visible = set(Person.objects.visible_to(officer).filter(pk__in=[m.person_id for m in theirs])
                          .values_list("pk", flat=True))
            record = next((m.person_id for m in theirs if m.person_id in visible), None)
            lines = [_("Phương án của đợt “%(name)s” đã được công khai, có hiệu lực từ ngày %(d)s. Người thuộc "
                       "đơn vị đồng chí quản lý được bố trí:") % {"name": round.name, "d": effective},
                     *[_move_line(m) for m in theirs]]
            notify(event=Event(kind=NotificationKind.ROTATION_PUBLISHED, key=key, subject=subject,
                               body="\n".join(lines),
                               link=reverse("person_detail", kwargs={"pk": record}) if record else ""),
                   recipients=[officer], actor=actor)
