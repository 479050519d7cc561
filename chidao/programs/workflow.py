"""The deliverable workflow: which status may follow which, for whom, and what each step needs.

Kept as data so the page, the API and the import apply the same rules (permissions.py reads it).
"""


from chidao.core.models import Role

from .models import Status

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


# Who may take each step is decided in permissions.py (`can_transition`, `allowed_transitions`) from TRANSITIONS.
