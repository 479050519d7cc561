"""Who may do what on indicators, targets, actuals and task forces (every signed-in user reads them)."""

from chidao.core.models import Role, User
from chidao.core.permissions import template_predicate

from .models import Indicator

# The reform office keeps the indicators (with administrators).
EDIT_ROLES = frozenset({Role.ADMIN, Role.REFORM})


@template_predicate("manage_indicators")
def can_manage_indicators(user: User) -> bool:
    """The reform office and administrators create and edit indicators, targets and task forces."""
    return user.is_authenticated and user.is_active and user.has_role(*EDIT_ROLES)


def can_report_actual(user: User, indicator: Indicator) -> bool:
    """Managers report any indicator; a lead officer only those the unit of their lead-officer grant is
    responsible for."""
    if can_manage_indicators(user):
        return True
    return (user.is_authenticated and user.is_active
            and indicator.responsible_unit_id in user.units_with_role(Role.LEAD_OFFICER))
