"""Who may do what on rotation rounds and their plans.

Rounds and plans are kept by those who manage cadre records (`personnel.permissions.can_manage_people`),
each personnel officer inside their unit's subtree (`RotationRound.objects.visible_to`); these are the rules
particular to the plan.
"""

from chidao.core.models import User
from chidao.personnel.models import Position
from chidao.personnel.permissions import can_reach_unit


def can_approve_plan(user: User) -> bool:
    """Approval is for the standing office and administrators; a personnel officer proposes only."""
    return user.manages


def can_move_to_position(user: User, position: Position) -> bool:
    """A personnel officer edits moves only into the units of their own subtree; the office and
    administrators into any post."""
    return can_reach_unit(user, position.unit_id)
