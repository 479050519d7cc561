"""Who may do what on programs, deliverables, notes and meetings.

The workflow's steps and the roles allowed on each are data in workflow.py (TRANSITIONS); the rules that read
it are here, with the rest of the app's predicates, so the pages, the API, the import and the services ask
the same questions. Who may *see* a record is `Deliverable.objects.visible_to`.
"""

from dataclasses import dataclass

from chidao.core.models import Role, User
from chidao.core.permissions import template_predicate

from .models import Deliverable
from .workflow import LEAD_OR_OFFICE, OFFICE, TRANSITIONS


@dataclass(frozen=True)
class Acting:
    """How a user stands towards one deliverable in one of their grants."""

    role: str
    is_lead: bool


def acting(user: User, deliverable: Deliverable) -> list[Acting]:
    """One `Acting` per grant: its role, and whether the grant's unit leads the deliverable (a superuser acts
    as an administrator)."""
    if user.is_superuser:
        return [Acting(role=Role.ADMIN, is_lead=False)]
    return [Acting(role=role, is_lead=unit is not None and unit == deliverable.lead_unit_id)
            for role, unit in user.grants()]


def _role_allows(user: User, deliverable: Deliverable, roles: frozenset[str]) -> bool:
    """The office and administrators act on every deliverable; the other roles only on those their grant's
    unit leads. Any one grant that allows is enough."""
    for who in acting(user, deliverable):
        if who.role in OFFICE:
            if who.role in roles:
                return True
        elif who.role in roles and who.is_lead:
            return True
    return False


def allowed_transitions(user: User, deliverable: Deliverable) -> list[str]:
    """The statuses the user may move the deliverable to now (the buttons shown)."""
    return [
        to for to, roles in TRANSITIONS.get(deliverable.status, {}).items()
        if _role_allows(user, deliverable, roles)
    ]


def can_transition(user: User, deliverable: Deliverable, to_status: str) -> bool:
    """Whether the workflow lets this user take the deliverable from its status to `to_status`."""
    roles = TRANSITIONS.get(deliverable.status, {}).get(to_status)
    return roles is not None and _role_allows(user, deliverable, roles)


def can_edit_deliverable(user: User, deliverable: Deliverable) -> bool:
    """Office and administrators edit any deliverable; a lead officer edits their unit's."""
    return _role_allows(user, deliverable, LEAD_OR_OFFICE)


@template_predicate("manage_programs")
def can_manage_programs(user: User) -> bool:
    """Create deliverables, import, extend deadlines, approve: the standing office and administrators."""
    return user.is_active and user.has_role(*OFFICE)


def can_attach_file(user: User, deliverable: Deliverable) -> bool:
    """Those who edit the deliverable, and the office and administrators, attach files to it."""
    return can_edit_deliverable(user, deliverable) or can_manage_programs(user)


def can_report_progress(user: User, deliverable: Deliverable) -> bool:
    """Progress is reported by those who edit the deliverable."""
    return can_edit_deliverable(user, deliverable)


@template_predicate("comment")
def can_comment(user: User) -> bool:
    """Everyone who reads may comment except auditors, who change nothing."""
    return user.is_active and (user.is_superuser or any(role != Role.AUDITOR for role, _unit in user.grants()))


@template_predicate("direct")
def can_direct(user: User) -> bool:
    """Directives come from the steering committee (and administrators on its behalf)."""
    return user.is_active and user.has_role(Role.STEERING, Role.ADMIN)


def can_request_extension(user: User, deliverable: Deliverable) -> bool:
    """A deadline extension is asked for by the lead unit's officers (and by the office on their behalf)."""
    return can_edit_deliverable(user, deliverable)


def can_decide_extension(user: User) -> bool:
    """Extension requests are granted or refused by the standing office (and administrators), who also record
    the extensions the committee approves."""
    return can_manage_programs(user)
