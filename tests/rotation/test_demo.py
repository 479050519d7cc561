"""The demo holds a periodic position change round whose plan the solver has proposed."""

import pytest
from django.core.management import call_command

from chidao.rotation.models import DueEntry, Move, RotationRound, RoundState

pytestmark = pytest.mark.django_db


def test_the_demo_proposes_a_plan_for_the_due_staff(capsys):
    call_command("demo", "--people", "120")
    rnd = RotationRound.objects.get()
    assert rnd.state == RoundState.PROPOSED and rnd.solver_status == "optimal"
    included = DueEntry.objects.filter(round=rnd, included=True).count()
    assert included > 0
    assert Move.objects.filter(round=rnd).count() == included  # one move (or an unplaced reason) per person
    placed = Move.objects.filter(round=rnd).exclude(to_position=None)
    # At least 90 % of the people due are placed; each one left out has a reason
    assert placed.count() >= 0.9 * included
    assert all(m.unplaced_reason for m in Move.objects.filter(round=rnd, to_position=None))
    # Every move changes the post, never to a post of the same department and sector
    assert all(m.to_position_id != m.from_position_id for m in placed)
    assert not [m for m in placed if m.to_position.unit_id == m.from_position.unit_id
                and m.to_position.sector == m.from_position.sector]
    out = capsys.readouterr().out
    assert f"{included} người đến hạn, bố trí được {placed.count()} người" in out
