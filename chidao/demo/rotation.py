"""Demo rotation round: a periodic position change round for the whole city, due list built and solved.

Written through the services, so the round's history shows each step; the solver runs in-process here
(the queued task then finds the round already proposed and does nothing).
"""

import datetime as dt

from django.utils import timezone

from chidao.core.models import Role, Unit, User
from chidao.rotation.due import due_list_build, round_create
from chidao.rotation.models import RotationRound, RoundKind
from chidao.rotation.plan import plan_request, plan_solve


def rounds_load(*, on: dt.date | None = None) -> RotationRound | None:
    """One round "Chuyển đổi vị trí công tác định kỳ năm <year>" over Hà Nội; None if a round exists."""
    if RotationRound.objects.exists():
        return None
    actor = User.objects.filter(role=Role.OFFICE, is_active=True).order_by("pk").first()
    scope = Unit.objects.filter(code="HN").first()
    if actor is None or scope is None:
        return None
    on = on or timezone.localdate()
    rnd = round_create(actor=actor, name=f"Chuyển đổi vị trí công tác định kỳ năm {on.year} (mẫu)", year=on.year,
                       kind=RoundKind.PERIODIC_CHANGE, scope=scope, as_of=on)
    counts = due_list_build(actor=actor, round=rnd)
    if counts.get("included"):
        plan_request(actor=actor, round=rnd)
        plan_solve(round_id=rnd.pk, actor_id=actor.pk)
    rnd.refresh_from_db()
    return rnd
