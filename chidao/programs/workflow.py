"""The deliverable workflow: which status may follow which, for whom, and what each step needs.

Kept as data so the page, the API and the import apply the same rules.
"""

from dataclasses import dataclass

from chidao.core.models import Role, User

from .models import Deliverable, Status

OFFICE = frozenset({Role.ADMIN, Role.OFFICE})
LEAD = frozenset({Role.LEAD_OFFICER})
LEAD_OR_OFFICE = OFFICE | LEAD

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Status.NOT_STARTED: {Status.IN_PROGRESS: LEAD_OR_OFFICE, Status.CANCELLED: OFFICE},
    Status.IN_PROGRESS: {
        Status.DRAFT_DONE: LEAD_OR_OFFICE, Status.SUBMITTED: LEAD_OR_OFFICE, Status.CANCELLED: OFFICE,
    },
    Status.DRAFT_DONE: {
        Status.SUBMITTED: LEAD_OR_OFFICE, Status.IN_PROGRESS: LEAD_OR_OFFICE, Status.CANCELLED: OFFICE,
    },
    Status.SUBMITTED: {Status.COMPLETED: OFFICE, Status.RETURNED: OFFICE, Status.CANCELLED: OFFICE},
    Status.RETURNED: {
        Status.IN_PROGRESS: LEAD_OR_OFFICE, Status.DRAFT_DONE: LEAD_OR_OFFICE,
        Status.SUBMITTED: LEAD_OR_OFFICE, Status.CANCELLED: OFFICE,
    },
    Status.COMPLETED: {},
    Status.CANCELLED: {},
}

# "Trả lại" and "dừng" must say why; "đã hoàn thành" needs the approving document.
NEEDS_REASON = frozenset({Status.RETURNED, Status.CANCELLED})
NEEDS_APPROVAL_DOCUMENT = frozenset({Status.COMPLETED})

# Status groups the reports use (the seed's "8 drafted and submitted" = draft done + submitted).
AWAITING_APPROVAL = frozenset({Status.DRAFT_DONE, Status.SUBMITTED})
WORKING = frozenset({Status.IN_PROGRESS, Status.RETURNED})


@dataclass(frozen=True)
class Acting:
    """How a user stands towards one deliverable."""

    role: str
    is_lead: bool


def acting(user: User, deliverable: Deliverable) -> Acting:
    role = Role.ADMIN if user.is_superuser else user.role
    return Acting(role=role, is_lead=user.unit_id is not None and user.unit_id == deliverable.lead_unit_id)


def _role_allows(user: User, deliverable: Deliverable, roles: frozenset[str]) -> bool:
    who = acting(user, deliverable)
    if who.role in OFFICE:
        return who.role in roles
    return who.role in roles and who.is_lead


def allowed_transitions(user: User, deliverable: Deliverable) -> list[str]:
    return [
        to for to, roles in TRANSITIONS.get(deliverable.status, {}).items()
        if _role_allows(user, deliverable, roles)
    ]


def can_transition(user: User, deliverable: Deliverable, to_status: str) -> bool:
    roles = TRANSITIONS.get(deliverable.status, {}).get(to_status)
    return roles is not None and _role_allows(user, deliverable, roles)


def can_edit(user: User, deliverable: Deliverable) -> bool:
    """Office and administrators edit any deliverable; a lead officer edits their unit's."""
    return _role_allows(user, deliverable, LEAD_OR_OFFICE)


def can_manage(user: User) -> bool:
    """Create deliverables, import, extend deadlines, approve: the standing office and administrators."""
    return user.is_active and (user.is_superuser or user.role in OFFICE)


def can_report_progress(user: User, deliverable: Deliverable) -> bool:
    return can_edit(user, deliverable)


def can_comment(user: User) -> bool:
    """Everyone who reads may comment except auditors, who change nothing."""
    return user.is_active and (user.is_superuser or user.role != Role.AUDITOR)


def can_direct(user: User) -> bool:
    """Directives come from the steering committee (and administrators on its behalf)."""
    return user.is_active and (user.is_superuser or user.role in {Role.STEERING, Role.ADMIN})
