"""Reads of "Việc của tôi" (the inbox): what waits for each user across every program, by role.

Every read goes through `Deliverable.objects.visible_to(user)`; a user with several roles gets every section
that applies to one of them.

- A lead officer (the units of their LEAD_OFFICER grants) sees their units' open items that wait for the unit:
  items it leads in a status the unit moves on (not started, in progress, draft done, returned; a submitted item
  waits for the office), by urgency: overdue, due within `days` days (settings.CHIDAO_REMINDER_DAYS_AHEAD unless
  the page asks otherwise), returned to them (with the reason), and the directives still to answer.
  A directive (Note of kind DIRECTIVE) on an open item the unit leads is *to answer* until a progress update is
  recorded on that item after it. Only those who report the item's progress write progress updates (its lead
  unit's officers, or the office on the unit's behalf: `permissions.can_report_progress`), so a later progress
  update is the unit's answer.
- The standing office (office and administrators, who approve: `permissions.can_manage_programs`) sees
  "Chờ phê duyệt" (submitted items, oldest submission first, with the days waited) and the returned items
  waiting to be submitted again.
- A steering member sees what changed since their last visit (`User.inbox_seen_at`; on a first visit, the
  last FIRST_VISIT_DAYS days): status changes (approvals among them), directives and deadline extensions,
  newest first, others' doings only.
- Everyone: the count of their unread notifications (the top bar's, from core's context processor).

The top bar's count (`inbox_count`) is what waits for the user's own action: the lead officer's items (an item
counted once even when both overdue and returned) and directives to answer, and the office's submitted items;
two queries whatever the data size.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.dates import add_days, format_date
from chidao.core.models import Notification, Role, User

from . import permissions
from .models import DeadlineExtension, Deliverable, Note, Status, StatusChange

# A lead unit moves these on; a submitted item waits for the office, a completed or cancelled one for nobody.
LEAD_ACTION = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DRAFT_DONE, Status.RETURNED)
CLOSED = (Status.COMPLETED, Status.CANCELLED)
ROWS = 100  # rows shown per section (the count says how many there are)
FIRST_VISIT_DAYS = 7  # a steering member's first visit shows the changes of this many last days
DAYS_MAX = 366  # the widest "due within" the page accepts


@dataclass
class ItemRow:
    """One deliverable as a row of a section. `days`: overdue by (overdue), left (due soon), waited since the
    event (submitted, returned); `event_at` and `reason`: the submission or the return."""

    pk: int
    program_id: int
    program_number: str
    code: str
    title: str
    lead_unit: str
    status: str
    deadline: dt.date
    days: int
    event_at: dt.datetime | None = None
    reason: str = ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass
class DirectiveRow:
    """A directive still to answer, on an item of the user's unit."""

    pk: int
    deliverable_id: int
    program_number: str
    code: str
    title: str
    text: str
    due_on: dt.date | None
    at: dt.datetime
    author: str
    overdue: bool


@dataclass
class ChangeRow:
    """Something done on an item since the steering member's last visit. `kind`: "status", "approval",
    "assignment", "directive" or "extension"."""

    kind: str
    at: dt.datetime
    deliverable_id: int
    program_number: str
    code: str
    title: str
    detail: str
    by: str


@dataclass
class Section:
    """One table of the inbox: its key, how many there are in all, and the first ROWS of them."""

    key: str
    total: int
    rows: list[Any] = field(default_factory=list)
    more: bool = False  # there are more than `total` (the changes section counts only what it read)

    @property
    def truncated(self) -> bool:
        return self.more or self.total > len(self.rows)


@dataclass
class Inbox:
    """The user's inbox; a section is None when none of the user's roles has it."""

    today: dt.date
    days: int
    count: int
    overdue: Section | None = None
    due_soon: Section | None = None
    returned: Section | None = None
    directives: Section | None = None
    awaiting_approval: Section | None = None
    returned_office: Section | None = None
    changes: Section | None = None
    since: dt.datetime | None = None

    @property
    def sections(self) -> list[Section]:
        """The sections the user has, in the page's order."""
        order = (self.overdue, self.due_soon, self.returned, self.directives, self.awaiting_approval,
                 self.returned_office, self.changes)
        return [s for s in order if s is not None]

    @property
    def is_lead(self) -> bool:
        return self.overdue is not None

    @property
    def is_office(self) -> bool:
        return self.awaiting_approval is not None


def days_ahead(value: Any = None) -> int:
    """The "due within" window: a whole number of days from 0 to DAYS_MAX, else the reminders' setting."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return settings.CHIDAO_REMINDER_DAYS_AHEAD
    return days if 0 <= days <= DAYS_MAX else settings.CHIDAO_REMINDER_DAYS_AHEAD


def lead_units(user: User) -> set[int]:
    """The units whose open items wait for this user: those of their lead-officer grants."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return user.units_with_role(Role.LEAD_OFFICER)


def has_inbox(user: User) -> bool:
    """Whether work may wait for the user here: a lead officer, the office or an administrator, a steering member
    (they start at "Việc của tôi" after signing in)."""
    return bool(lead_units(user)) or _is_office(user) or (user.is_authenticated and user.has_role(Role.STEERING))


def _is_office(user: User) -> bool:
    return user.is_authenticated and permissions.can_manage_programs(user)


def _lead_q(units: set[int]) -> Q:
    return Q(lead_unit_id__in=units, status__in=LEAD_ACTION)


def _directives_to_answer(user: User, units: set[int]) -> QuerySet[Note]:
    """Directives on the open items the user's units lead with no progress update recorded after them."""
    answered = Note.objects.filter(deliverable_id=OuterRef("deliverable_id"), kind=Note.Kind.PROGRESS,
                                   at__gt=OuterRef("at"))
    items = Deliverable.objects.visible_to(user).filter(lead_unit_id__in=units).exclude(status__in=CLOSED)
    return (Note.objects.filter(kind=Note.Kind.DIRECTIVE, deliverable__in=items.values("pk"))
            .exclude(Exists(answered)))


def inbox_counts(*, user: User, days: int | None = None, today: dt.date | None = None) -> dict[str, int]:
    """Each deliverable section's size and `count` (what waits for the user's own action): one aggregate over
    the deliverables the user sees, and one count of the directives to answer."""
    today = today or timezone.localdate()
    horizon = add_days(today, settings.CHIDAO_REMINDER_DAYS_AHEAD if days is None else days)
    units = lead_units(user)
    office = _is_office(user)
    aggregates: dict[str, Any] = {}
    if units:
        mine = _lead_q(units)
        aggregates.update(
            overdue=Count("pk", filter=mine & Q(deadline__lt=today)),
            due_soon=Count("pk", filter=mine & Q(deadline__gte=today, deadline__lte=horizon)),
            returned=Count("pk", filter=mine & Q(status=Status.RETURNED)),
            lead_action=Count("pk", filter=mine & (Q(deadline__lte=horizon) | Q(status=Status.RETURNED))),
        )
    if office:
        aggregates.update(awaiting_approval=Count("pk", filter=Q(status=Status.SUBMITTED)),
                          returned_office=Count("pk", filter=Q(status=Status.RETURNED)))
    counts: dict[str, int] = {}
    if aggregates:
        counts = {k: v or 0 for k, v in Deliverable.objects.visible_to(user).aggregate(**aggregates).items()}
    if units:
        counts["directives"] = _directives_to_answer(user, units).count()
    counts["count"] = (counts.get("lead_action", 0) + counts.get("directives", 0)
                       + counts.get("awaiting_approval", 0))
    return counts


def inbox_count(*, user: User) -> int:
    """The top bar's figure: the items and directives awaiting the user's own action (two queries at most)."""
    if not user.is_authenticated or not user.is_active:
        return 0
    return inbox_counts(user=user)["count"]


def _count(qs: QuerySet[Any]) -> Subquery:
    """`SELECT COUNT(id) FROM ...` as a scalar subquery (no GROUP BY: COUNT here is a plain function)."""
    return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
                    .values("n"))


def top_bar_counts(*, user: User, today: dt.date | None = None) -> tuple[int, int]:
    """The top bar's two figures, the user's unread notifications and `inbox_count`, in ONE query (a row of the
    user with a count subquery for each: the notifications, the lead officer's items and directives, the items
    awaiting the office's approval); (0, 0) for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return 0, 0
    today = today or timezone.localdate()
    horizon = add_days(today, settings.CHIDAO_REMINDER_DAYS_AHEAD)
    units = lead_units(user)
    counts: dict[str, Any] = {
        "unread": _count(Notification.objects.filter(user_id=user.pk, read_at__isnull=True))}
    if units:
        counts["lead_action"] = _count(Deliverable.objects.visible_to(user).filter(
            _lead_q(units) & (Q(deadline__lte=horizon) | Q(status=Status.RETURNED))))
        counts["directives"] = _count(_directives_to_answer(user, units))
    if _is_office(user):
        counts["awaiting_approval"] = _count(Deliverable.objects.visible_to(user).filter(status=Status.SUBMITTED))
    row: dict[str, Any] = dict(User.objects.filter(pk=user.pk).values(**counts).first() or {})
    unread = row.pop("unread", 0) or 0
    return unread, sum(v or 0 for v in row.values())


def _last_step(to_status: str, column: str) -> Subquery:
    steps = StatusChange.objects.filter(deliverable=OuterRef("pk"), to_status=to_status).order_by("-at", "-id")
    return Subquery(steps.values(column)[:1])


def _item_rows(items: Any, days: Any) -> list[ItemRow]:
    """Rows of deliverables read with their program and lead unit; `days(d)` gives the row's day count."""
    return [
        ItemRow(pk=d.pk, program_id=d.program_id, program_number=d.program.number, code=d.code, title=d.title,
                lead_unit=d.lead_unit.name, status=d.status, deadline=d.deadline, days=days(d),
                event_at=getattr(d, "event_at", None), reason=getattr(d, "event_reason", "") or "")
        for d in items
    ]


def _first(qs: QuerySet[Deliverable]) -> QuerySet[Deliverable]:
    return qs.select_related("program", "lead_unit")[:ROWS]


def _waited(today: dt.date) -> Any:
    return lambda d: (today - timezone.localdate(d.event_at)).days if d.event_at else 0


def _lead_sections(inbox: Inbox, user: User, units: set[int], counts: dict[str, int]) -> None:
    today = inbox.today
    horizon = add_days(today, inbox.days)
    mine = Deliverable.objects.visible_to(user).filter(_lead_q(units))
    # Overdue and due soon, both by deadline, in one read when the overdue ones fit on the page (the usual case).
    upcoming = mine.filter(deadline__lte=horizon).select_related("program", "lead_unit").order_by(
        "deadline", "program__number", "code", "pk")
    if counts["overdue"] <= ROWS:
        both = list(upcoming[:counts["overdue"] + ROWS])
        overdue = [d for d in both if d.deadline < today][:ROWS]
        due_soon = [d for d in both if d.deadline >= today][:ROWS]
    else:
        overdue = list(upcoming.filter(deadline__lt=today)[:ROWS])
        due_soon = list(upcoming.filter(deadline__gte=today)[:ROWS])
    inbox.overdue = Section("overdue", counts["overdue"], _item_rows(overdue, lambda d: (today - d.deadline).days))
    inbox.due_soon = Section("due_soon", counts["due_soon"], _item_rows(due_soon, lambda d: (d.deadline - today).days))
    inbox.returned = Section("returned", counts["returned"], _item_rows(_first(
        mine.filter(status=Status.RETURNED).annotate(
            event_at=_last_step(Status.RETURNED, "at"), event_reason=_last_step(Status.RETURNED, "reason"),
        ).order_by("-event_at", "pk")), _waited(today)))
    notes = (_directives_to_answer(user, units).select_related("deliverable__program", "author")
             .order_by("-at", "-id")[:ROWS])
    inbox.directives = Section("directives", counts["directives"], [
        DirectiveRow(pk=n.pk, deliverable_id=n.deliverable_id, program_number=n.deliverable.program.number,
                     code=n.deliverable.code, title=n.deliverable.title, text=n.text, due_on=n.due_on, at=n.at,
                     author=str(n.author), overdue=n.due_on is not None and n.due_on < today)
        for n in notes
    ])


def _office_sections(inbox: Inbox, user: User, counts: dict[str, int]) -> None:
    today = inbox.today
    seen = Deliverable.objects.visible_to(user)
    inbox.awaiting_approval = Section("awaiting_approval", counts["awaiting_approval"], _item_rows(_first(
        seen.filter(status=Status.SUBMITTED).annotate(event_at=_last_step(Status.SUBMITTED, "at"))
        .order_by(F("event_at").asc(nulls_last=True), "pk")), _waited(today)))
    inbox.returned_office = Section("returned_office", counts["returned_office"], _item_rows(_first(
        seen.filter(status=Status.RETURNED).annotate(
            event_at=_last_step(Status.RETURNED, "at"), event_reason=_last_step(Status.RETURNED, "reason"),
        ).order_by(F("event_at").asc(nulls_last=True), "pk")), _waited(today)))


def _status_change_row(c: StatusChange) -> ChangeRow:
    d = c.deliverable
    if not c.from_status:
        kind, detail = "assignment", _("Giao nội dung, thời hạn %(d)s") % {"d": format_date(d.original_deadline)}
    else:
        kind = "approval" if c.to_status == Status.COMPLETED else "status"
        detail = f"{Status(c.from_status).label} → {Status(c.to_status).label}"
        if c.reason:
            detail += f" ({c.reason})"
    return ChangeRow(kind=kind, at=c.at, deliverable_id=d.pk, program_number=d.program.number, code=d.code,
                     title=d.title, detail=detail, by=str(c.by) if c.by else "")


def changes_since(*, user: User, since: dt.datetime) -> Section:
    """What others did since `since` on the items the user sees: status changes, directives, extensions; the
    newest ROWS of them (three queries); `more` says there were more."""
    seen = Deliverable.objects.visible_to(user).values("pk")
    steps = (StatusChange.objects.filter(at__gt=since, deliverable__in=seen).exclude(by=user)
             .select_related("deliverable__program", "by").order_by("-at", "-id")[:ROWS + 1])
    extensions = (DeadlineExtension.objects.filter(recorded_at__gt=since, deliverable__in=seen)
                  .exclude(recorded_by=user).select_related("deliverable__program", "recorded_by")
                  .order_by("-recorded_at", "-id")[:ROWS + 1])
    directives = (Note.objects.filter(kind=Note.Kind.DIRECTIVE, at__gt=since, deliverable__in=seen)
                  .exclude(author=user).select_related("deliverable__program", "author")
                  .order_by("-at", "-id")[:ROWS + 1])
    rows = [_status_change_row(c) for c in steps]
    rows += [ChangeRow(kind="extension", at=e.recorded_at, deliverable_id=e.deliverable_id,
                       program_number=e.deliverable.program.number, code=e.deliverable.code,
                       title=e.deliverable.title, by=str(e.recorded_by),
                       detail=_("Gia hạn từ %(a)s đến %(b)s: %(r)s") % {
                           "a": format_date(e.previous_deadline), "b": format_date(e.new_deadline),
                           "r": e.reason})
             for e in extensions]
    rows += [ChangeRow(kind="directive", at=n.at, deliverable_id=n.deliverable_id,
                       program_number=n.deliverable.program.number, code=n.deliverable.code,
                       title=n.deliverable.title, detail=n.text, by=str(n.author))
             for n in directives]
    rows.sort(key=lambda r: r.at, reverse=True)
    return Section("changes", min(len(rows), ROWS), rows[:ROWS], more=len(rows) > ROWS)


def inbox_get(*, user: User, days: int | None = None, now: dt.datetime | None = None) -> Inbox:
    """The user's inbox as of now; `days`: the "due within" window (the reminders' setting by default).
    Reads only: the page marks the visit afterwards (`inbox_services.inbox_seen_mark`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = settings.CHIDAO_REMINDER_DAYS_AHEAD if days is None else days
    counts = inbox_counts(user=user, days=days, today=today)
    inbox = Inbox(today=today, days=days, count=counts["count"])
    units = lead_units(user)
    if units:
        _lead_sections(inbox, user, units, counts)
    if _is_office(user):
        _office_sections(inbox, user, counts)
    if user.is_authenticated and user.is_active and user.has_role(Role.STEERING):
        inbox.since = user.inbox_seen_at or now - dt.timedelta(days=FIRST_VISIT_DAYS)
        inbox.changes = changes_since(user=user, since=inbox.since)
    return inbox


def inbox_selection(*, user: User, ids: list[int]) -> QuerySet[Deliverable]:
    """The selected deliverables the user sees (others are not found), by program and code: what the bulk
    actions work on."""
    return (Deliverable.objects.visible_to(user).filter(pk__in=ids)
            .select_related("program", "lead_unit").prefetch_related("coordinating_units")
            .order_by("program__number", "code", "pk"))
