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
    assert all(m.to_position.unit_id != m.from_position.unit_id for m in placed)
    assert "đề xuất điều chuyển" in capsys.readouterr().out
