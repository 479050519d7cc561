"""API: "Việc của tôi", the caller's inbox across all programs (the page's sections, from the same selector)."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from chidao.core.http import AuthedRequest
from chidao.core.notifications import notifications_unread_count
from chidao.programs.inbox import DAYS_MAX, inbox_get

from .common import READ_ERRORS

router = Router(tags=["programs"])


class InboxFilters(Schema):
    days: int | None = Field(None, ge=0, le=DAYS_MAX, description="The \"due within\" window in days "
                             "(CHIDAO_REMINDER_DAYS_AHEAD by default).")


class ItemOut(Schema):
    """A deliverable: `days` is overdue by (overdue), left (due_soon), or waited since `event_at` (the
    submission or the return, with its `reason`)."""

    id: int = Field(alias="pk")
    program_id: int
    program_number: str
    code: str
    title: str
    lead_unit: str
    status: str
    deadline: dt.date
    days: int
    event_at: dt.datetime | None
    reason: str


class DirectiveOut(Schema):
    id: int = Field(alias="pk")
    deliverable_id: int
    program_number: str
    code: str
    title: str
    text: str
    due_on: dt.date | None
    at: dt.datetime
    author: str
    overdue: bool


class ChangeOut(Schema):
    kind: str = Field(description="status, approval, assignment, directive or extension")
    at: dt.datetime
    deliverable_id: int
    program_number: str
    code: str
    title: str
    detail: str
    by: str


class ItemSectionOut(Schema):
    total: int
    rows: list[ItemOut]


class DirectiveSectionOut(Schema):
    total: int
    rows: list[DirectiveOut]


class ChangeSectionOut(Schema):
    total: int
    more: bool
    since: dt.datetime
    rows: list[ChangeOut]


class InboxOut(Schema):
    """A section is null when none of the caller's roles has it. `count`: what waits for the caller's own action
    (the top bar's figure)."""

    today: dt.date
    days: int
    count: int
    unread_notifications: int
    overdue: ItemSectionOut | None
    due_soon: ItemSectionOut | None
    returned: ItemSectionOut | None
    directives: DirectiveSectionOut | None
    awaiting_approval: ItemSectionOut | None
    returned_office: ItemSectionOut | None
    changes: ChangeSectionOut | None


@router.get("/inbox", response={200: InboxOut, **READ_ERRORS})
def inbox(request: AuthedRequest, filters: Query[InboxFilters]) -> Any:
    """The caller's inbox: a lead officer's overdue, due-soon and returned items and directives to answer; the
    office's items awaiting approval and returned ones awaiting resubmission; a steering member's changes since
    their last visit of the page (reading here does not move that mark). At most 100 rows per section."""
    box = inbox_get(user=request.user, days=filters.days)
    changes = None
    if box.changes is not None:
        changes = {"total": box.changes.total, "more": box.changes.more, "since": box.since, "rows": box.changes.rows}
    return {
        "today": box.today, "days": box.days, "count": box.count,
        "unread_notifications": notifications_unread_count(user=request.user),
        "overdue": box.overdue, "due_soon": box.due_soon, "returned": box.returned, "directives": box.directives,
        "awaiting_approval": box.awaiting_approval, "returned_office": box.returned_office, "changes": changes,
    }
