"""Reads on programs and deliverables, all through `visible_to(user)`.

Figures "as of" a date are computed from the recorded history (status changes and approved
extensions), never from the current status, so a report for a past date does not move when later
changes are made.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, DateField, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from chidao.core.audit import action_label, change_records_for, change_rows
from chidao.core.dates import add_days
from chidao.core.models import Role, RoleGrant, Unit, User
from chidao.core.text import search_terms, vn_collation_key

from . import workflow
from .models import (
    AgendaItem,
    Attachment,
    Conclusion,
    DeadlineClass,
    DeadlineExtension,
    Deliverable,
    Kind,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    Status,
    StatusChange,
)


def program_list(*, user: User) -> QuerySet[Program]:
    return Program.objects.visible_to(user).select_related("issuing_body").order_by("-issued_on", "number")


def program_get(*, user: User, pk: int) -> Program:
    program = Program.objects.visible_to(user).select_related("issuing_body").filter(pk=pk).first()
    if program is None:
        raise Http404(_("Không tìm thấy chương trình."))
    return program


def deliverable_get(*, user: User, pk: int) -> Deliverable:
    deliverable = (
        Deliverable.objects.visible_to(user).select_related("program", "lead_unit")
        .prefetch_related("coordinating_units").filter(pk=pk).first()
    )
    if deliverable is None:
        raise Http404(_("Không tìm thấy nội dung hoặc bạn không có quyền xem."))
    return deliverable


def users_holding(*, roles: Iterable[str], unit_ids: Iterable[int] | None = None) -> QuerySet[User]:
    """Active users holding one of `roles` in any grant (the main one or an extra RoleGrant), in one of
    `unit_ids` when given; their grants are prefetched (the permission predicates read them)."""
    roles = list(roles)
    main, extra = Q(role__in=roles), RoleGrant.objects.filter(role__in=roles)
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        main &= Q(unit_id__in=unit_ids)
        extra = extra.filter(unit_id__in=unit_ids)
    return (User.objects.filter(is_active=True).filter(main | Q(pk__in=extra.values("user_id")))
            .prefetch_related("role_grants").order_by("username"))


def lead_officers(*, unit_ids: Iterable[int]) -> QuerySet[User]:
    """The active lead officers (main or extra grant) of the units: who acts for a lead or coordinating unit."""
    return users_holding(roles=[Role.LEAD_OFFICER], unit_ids=unit_ids)


@dataclass
class DeliverableFilters:
    """The deliverable list's filter, defined once: the page's form (`DeliverableFilterForm.filters`) and the
    API's query (`api.programs.ListFilters`, built from these fields) both produce it, and the choices of a
    field come from its `choices` metadata (so the OpenAPI schema lists them). "" means all."""

    status: str = field(default="", metadata={"choices": Status})
    unit: int | None = None
    kind: str = field(default="", metadata={"choices": Kind})
    deadline_class: str = field(default="", metadata={"choices": DeadlineClass})
    q: str = ""


def _deadline_class_q(deadline_class: str, today: dt.date) -> Q:
    done = Q(status=Status.COMPLETED)
    match deadline_class:
        case DeadlineClass.DONE_ON_TIME:
            return done & Q(completed_on__lte=F("deadline"))
        case DeadlineClass.DONE_LATE:
            return done & Q(completed_on__gt=F("deadline"))
        case DeadlineClass.OPEN_ON_TIME:
            return ~done & ~Q(status=Status.CANCELLED) & Q(deadline__gte=today)
        case DeadlineClass.OPEN_OVERDUE:
            return ~done & ~Q(status=Status.CANCELLED) & Q(deadline__lt=today)
    return Q()


def deliverable_list(*, user: User, program: Program, filters: DeliverableFilters) -> QuerySet[Deliverable]:
    """The deliverable list as filtered: current status; deadline class as of today."""
    qs = (
        Deliverable.objects.visible_to(user).filter(program=program)
        .select_related("lead_unit").prefetch_related("coordinating_units")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit:
        qs = qs.filter(lead_unit_id=filters.unit)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.deadline_class:
        qs = qs.filter(_deadline_class_q(filters.deadline_class, timezone.localdate()))
    for term in search_terms(filters.q):
        qs = qs.filter(search_text__contains=term)
    return qs.order_by("code", "id")


def deliverable_history(*, deliverable: Deliverable) -> dict[str, Any]:
    """Everything recorded about one deliverable, newest first (the caller has already scoped it)."""
    return {
        "status_changes": list(
            deliverable.status_changes.select_related("by", "attachment").order_by("-at", "-id")
        ),
        "extensions": list(deliverable.extensions.select_related("recorded_by").order_by("-approved_on", "-id")),
        "changes": [
            {"record": r, "action": action_label(r.action), "rows": change_rows(r, Deliverable)}
            for r in change_records_for(deliverable)[:200]
        ],
        "notes": list(
            deliverable.notes.select_related("author").prefetch_related("attachments").order_by("-at", "-id")
        ),
        "attachments": list(deliverable.attachments.select_related("uploaded_by").order_by("-uploaded_at")),
    }


# --- Figures as of a date -------------------------------------------------------------------------


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the configured time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(dt.datetime.combine(add_days(day, 1), dt.time.min))  # a far stored date: no overflow


@dataclass
class ItemState:
    """One deliverable as it stood on a date."""

    pk: int
    code: str
    title: str
    kind: str
    lead_unit_id: int
    lead_unit_name: str
    status: str
    deadline: dt.date
    completed_on: dt.date | None
    original_deadline: dt.date | None = None

    @property
    def slipped(self) -> bool:
        """The deadline in force is later than the one first set (an extension was approved)."""
        return self.original_deadline is not None and self.deadline > self.original_deadline

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    def deadline_class(self, as_of: dt.date) -> str | None:
        return deadline_class(status=self.status, deadline=self.deadline, completed_on=self.completed_on, as_of=as_of)


def deadline_class(*, status: str, deadline: dt.date, completed_on: dt.date | None, as_of: dt.date) -> str | None:
    """Classify a deliverable against its deadline as of a date (Government Office's four classes).

    Completed: on time if completed on or before the deadline in force, else late. Not completed:
    within the deadline while the deadline has not passed (deadline day included), else overdue.
    Cancelled (dừng) deliverables are in no class.
    """
    if status == Status.CANCELLED:
        return None
    if status == Status.COMPLETED and completed_on is not None:
        return DeadlineClass.DONE_ON_TIME if completed_on <= deadline else DeadlineClass.DONE_LATE
    return DeadlineClass.OPEN_ON_TIME if as_of <= deadline else DeadlineClass.OPEN_OVERDUE


def states_as_of(*, deliverables: QuerySet[Deliverable], as_of: dt.date) -> list[ItemState]:
    """Each deliverable's status and deadline as recorded by the end of `as_of`.

    Three queries whatever the size: the deliverables, their status changes up to that day, and the
    extensions approved by that day. Deliverables assigned after that day are left out.
    """
    end = end_of_day(as_of)
    rows = list(
        deliverables.filter(created_at__lt=end).values(
            "pk", "code", "title", "kind", "lead_unit_id", "lead_unit__name", "original_deadline"
        )
    )
    ids = [r["pk"] for r in rows]
    status: dict[int, str] = {}
    completed: dict[int, dt.date | None] = {}
    for pk, to_status, at in (
        StatusChange.objects.filter(deliverable_id__in=ids, at__lt=end)
        .order_by("deliverable_id", "at", "id").values_list("deliverable_id", "to_status", "at")
    ):
        status[pk] = to_status
        completed[pk] = timezone.localdate(at) if to_status == Status.COMPLETED else None
    deadline: dict[int, dt.date] = {}
    for pk, new_deadline in (
        DeadlineExtension.objects.filter(deliverable_id__in=ids, approved_on__lte=as_of)
        .order_by("deliverable_id", "approved_on", "id").values_list("deliverable_id", "new_deadline")
    ):
        deadline[pk] = new_deadline
    return [
        ItemState(
            pk=r["pk"], code=r["code"], title=r["title"], kind=r["kind"], lead_unit_id=r["lead_unit_id"],
            lead_unit_name=r["lead_unit__name"], status=status.get(r["pk"], Status.NOT_STARTED),
            deadline=deadline.get(r["pk"], r["original_deadline"]), completed_on=completed.get(r["pk"]),
            original_deadline=r["original_deadline"],
        )
        for r in rows
    ]


def _state_as_of(as_of: dt.date) -> tuple[Coalesce, Coalesce]:
    """The status and the deadline in force of a deliverable (OuterRef "pk") as recorded by the end of `as_of`."""
    last_status = (StatusChange.objects.filter(deliverable_id=OuterRef("pk"), at__lt=end_of_day(as_of))
                   .order_by("-at", "-id").values("to_status")[:1])
    last_extension = (DeadlineExtension.objects.filter(deliverable_id=OuterRef("pk"), approved_on__lte=as_of)
                      .order_by("-approved_on", "-id").values("new_deadline")[:1])
    return (Coalesce(Subquery(last_status), Value(str(Status.NOT_STARTED)), output_field=CharField()),
            Coalesce(Subquery(last_extension), F("original_deadline"), output_field=DateField()))


def with_state_as_of(deliverables: QuerySet[Deliverable], *, as_of: dt.date) -> QuerySet[Deliverable]:
    """`deliverables` assigned by the end of `as_of`, each annotated with `status_then` and `deadline_then`: its
    status and the deadline in force as recorded by the end of that day (ADR 0002).

    The same history and the same reading as `states_as_of` (the last status change before the day's end, or
    "chưa triển khai"; the last extension approved on or before the day, or the original deadline), as subqueries
    of the one query that reads the deliverables: for callers that need a filter, not the figures.
    """
    status_then, deadline_then = _state_as_of(as_of)
    return deliverables.filter(created_at__lt=end_of_day(as_of)).annotate(status_then=status_then,
                                                                        deadline_then=deadline_then)


def open_overdue_as_of(deliverables: QuerySet[Deliverable], *, as_of: dt.date) -> QuerySet[Deliverable]:
    """The deliverables of `deliverables` that were open and overdue on `as_of` as the records stood then
    (`deadline_class` OPEN_OVERDUE of `with_state_as_of`): neither completed nor cancelled by the end of that day,
    and past the deadline in force that day. One completed or extended later still counts on that day."""
    status_then, deadline_then = _state_as_of(as_of)
    return (deliverables.filter(created_at__lt=end_of_day(as_of))
            .alias(status_then=status_then, deadline_then=deadline_then)
            .filter(deadline_then__lt=as_of).exclude(status_then__in=[Status.COMPLETED, Status.CANCELLED]))


@dataclass
class UnitRow:
    unit_id: int
    name: str
    total: int = 0
    completed: int = 0
    awaiting_approval: int = 0
    in_progress: int = 0
    not_started: int = 0
    cancelled: int = 0
    overdue: int = 0
    due: int = 0

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed_due / self.due, 1) if self.due else None

    completed_due: int = 0


@dataclass
class Summary:
    as_of: dt.date
    deliverables: int
    lead_units: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    deadline_classes: dict[str, int]
    units: list[UnitRow]
    overdue: list[ItemState]
    items: list[ItemState] = field(repr=False)

    @property
    def completed(self) -> int:
        return self.by_status.get(Status.COMPLETED, 0)

    @property
    def awaiting_approval(self) -> int:
        return sum(self.by_status.get(s, 0) for s in workflow.AWAITING_APPROVAL)

    @property
    def in_progress(self) -> int:
        return sum(self.by_status.get(s, 0) for s in workflow.WORKING)

    @property
    def not_started(self) -> int:
        return self.by_status.get(Status.NOT_STARTED, 0)

    @property
    def cancelled(self) -> int:
        return self.by_status.get(Status.CANCELLED, 0)

    @property
    def due(self) -> int:
        """Deliverables that count towards the rate: completed ones and open ones past their deadline."""
        c = self.deadline_classes
        return c[DeadlineClass.DONE_ON_TIME] + c[DeadlineClass.DONE_LATE] + c[DeadlineClass.OPEN_OVERDUE]

    @property
    def completion_rate(self) -> float | None:
        """Completion rate = done ÷ due, in percent (one decimal); None when nothing is due yet."""
        c = self.deadline_classes
        done = c[DeadlineClass.DONE_ON_TIME] + c[DeadlineClass.DONE_LATE]
        return round(100 * done / self.due, 1) if self.due else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "deliverables": self.deliverables,
            "lead_units": self.lead_units,
            "completed": self.completed,
            "awaiting_approval": self.awaiting_approval,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "cancelled": self.cancelled,
            "by_status": {s: self.by_status.get(s, 0) for s in Status.values},
            "by_kind": {k: self.by_kind.get(k, 0) for k in Kind.values},
            "deadline_classes": {c: self.deadline_classes[c] for c in DeadlineClass.values},
            "completion_rate": self.completion_rate,
            "units": [
                {"unit_id": u.unit_id, "name": u.name, "total": u.total, "completed": u.completed,
                 "awaiting_approval": u.awaiting_approval, "in_progress": u.in_progress,
                 "not_started": u.not_started, "overdue": u.overdue, "completion_rate": u.completion_rate}
                for u in self.units
            ],
        }


def program_stamp(*, program: Program) -> tuple[Any, ...]:
    """What changes whenever a figure of the program may change (one query on its deliverables): the program's own
    fields, how many deliverables it has, the sum of their versions and the latest change. Every write to a
    deliverable goes through a service that raises its version (edit, transition, extension), and a new one
    raises the count; figures kept under this stamp (`reports.figures.stocktake_report_cached`) are never stale."""
    found = Deliverable.objects.filter(program=program).aggregate(n=Count("pk"), v=Sum("version"), u=Max("updated_at"))
    own = tuple(getattr(program, f.attname) for f in Program._meta.concrete_fields)
    return (own, found["n"], found["v"], found["u"])


def program_summary(*, user: User, program: Program, as_of: dt.date | None = None) -> Summary:
    """The program's figures as of a date (today by default), over the deliverables the user may see."""
    as_of = as_of or timezone.localdate()
    items = states_as_of(deliverables=Deliverable.objects.visible_to(user).filter(program=program), as_of=as_of)
    by_status = Counter(i.status for i in items)
    by_kind = Counter(i.kind for i in items)
    classes: Counter[str] = Counter({c: 0 for c in DeadlineClass.values})
    units: dict[int, UnitRow] = {}
    for item in items:
        row = units.setdefault(item.lead_unit_id, UnitRow(unit_id=item.lead_unit_id, name=item.lead_unit_name))
        row.total += 1
        if item.status == Status.COMPLETED:
            row.completed += 1
        elif item.status in workflow.AWAITING_APPROVAL:
            row.awaiting_approval += 1
        elif item.status in workflow.WORKING:
            row.in_progress += 1
        elif item.status == Status.NOT_STARTED:
            row.not_started += 1
        else:
            row.cancelled += 1
        klass = item.deadline_class(as_of)
        if klass is not None:
            classes[klass] += 1
        if klass == DeadlineClass.OPEN_OVERDUE:
            row.overdue += 1
            row.due += 1
        elif klass in (DeadlineClass.DONE_ON_TIME, DeadlineClass.DONE_LATE):
            row.due += 1
            row.completed_due += 1
    league = sorted(
        units.values(),
        key=lambda u: (-(u.completion_rate if u.completion_rate is not None else -1), u.overdue,
                       vn_collation_key(u.name)),
    )
    overdue = sorted(
        (i for i in items if i.deadline_class(as_of) == DeadlineClass.OPEN_OVERDUE),
        key=lambda i: (i.deadline, i.code),
    )
    return Summary(
        as_of=as_of, deliverables=len(items), lead_units=len(units), by_status=dict(by_status),
        by_kind=dict(by_kind), deadline_classes=dict(classes), units=league, overdue=overdue, items=items,
    )


KIND_ORDER = [Kind.THEMATIC, Kind.SCHEME, Kind.STUDY, Kind.PLAN, Kind.TASK]


def _kinds_phrase(kinds: set[str]) -> str:
    present = [str(Kind(k).label) for k in KIND_ORDER if k in kinds]
    return ", ".join(present) if present else str(_("nội dung"))


def summary_paragraph(summary: Summary) -> str:
    """The year-end review's summary sentence, in the source document's words, from the figures."""
    today = timezone.localdate()
    when = _("Đến nay") if summary.as_of >= today else _("Tính đến ngày %(d)s") % {
        "d": summary.as_of.strftime("%d/%m/%Y")}
    remaining = [i for i in summary.items if i.status in workflow.WORKING or i.status == Status.NOT_STARTED]

    def n(value: int) -> str:  # counts with the thousands separator (2.614)
        return number_format(value, force_grouping=True)

    parts = [
        _("Ban Chỉ đạo chương trình đã giao cho %(units)s cơ quan, đơn vị chủ trì triển khai thực hiện "
          "%(total)s %(kinds)s.") % {
            "units": n(summary.lead_units), "total": n(summary.deliverables),
            "kinds": _kinds_phrase({i.kind for i in summary.items})},
        _("%(when)s, có %(done)s nội dung đã hoàn thành, %(awaiting)s nội dung đã hoàn thành dự thảo, "
          "đang trình cấp có thẩm quyền xem xét phê duyệt.") % {
            "when": when, "done": n(summary.completed), "awaiting": n(summary.awaiting_approval)},
    ]
    if remaining:
        sentence = _("Còn lại %(n)s %(kinds)s đang được các cơ quan chủ trì triển khai thực hiện") % {
            "n": n(len(remaining)), "kinds": _kinds_phrase({i.kind for i in remaining})}
        if summary.not_started:
            sentence += _(" (trong đó %(n)s nội dung chưa triển khai)") % {"n": n(summary.not_started)}
        parts.append(sentence + ".")
    if summary.cancelled:
        parts.append(_("%(n)s nội dung đã dừng thực hiện.") % {"n": n(summary.cancelled)})
    return " ".join(parts)



# --- Meetings ------------------------------------------------------------------------------------


def meeting_list(*, user: User, program: Program) -> QuerySet[Meeting]:
    """The program's meetings the user may see, newest first."""
    return Meeting.objects.visible_to(user).filter(program=program).order_by("-held_on", "-id")


def _meeting_details(qs: QuerySet[Meeting], *, user: User) -> QuerySet[Meeting]:
    """A meeting as `user` may read it, the same on the page, in the API and in the reports: an agenda item lists
    only the deliverables the user sees, and a conclusion tracked on a deliverable outside the user's scope is
    left out (its text and code would tell what the deliverable says)."""
    scope = Deliverable.objects.visible_to(user)
    return qs.select_related("program", "created_by").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.prefetch_related(
            Prefetch("deliverables", queryset=scope), "units")),
        Prefetch("points", queryset=MeetingPoint.objects.order_by("kind", "order", "id")),
        Prefetch("conclusions", queryset=Conclusion.objects.filter(deliverable__in=scope.values("pk"))
                 .select_related("lead_unit", "deliverable", "note")),
    )


def meeting_get(*, user: User, pk: int) -> Meeting:
    """One meeting with its agenda, points and conclusions; 404 outside the user's scope."""
    meeting = _meeting_details(Meeting.objects.visible_to(user), user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("Không tìm thấy hội nghị, cuộc họp hoặc bạn không có quyền xem."))
    return meeting


def year_end_meeting(*, user: User, program: Program, year: int) -> Meeting | None:
    """The program's latest year-end conference (tổng kết năm) held in `year`, if any."""
    return (
        _meeting_details(Meeting.objects.visible_to(user), user=user)
        .filter(program=program, kind=Meeting.Kind.YEAR_END, held_on__year=year)
        .order_by("-held_on", "-id").first()
    )


def meeting_points_by_kind(meeting: Meeting) -> list[tuple[str, str, list[MeetingPoint]]]:
    """The meeting's points grouped by kind in a fixed order: (kind, label, points)."""
    points = list(meeting.points.all())
    return [
        (k.value, str(k.label), [p for p in points if p.kind == k.value])
        for k in MeetingPoint.Kind
    ]


# --- Lookups for the pages and the API (one per object, scoped as the pages are) ---------------------------


def attachment_get(*, user: User, pk: int) -> Attachment:
    """An attached file of a deliverable in the user's scope; 404 otherwise."""
    attachment = Attachment.objects.filter(pk=pk, deliverable__in=Deliverable.objects.visible_to(user)).first()
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    return attachment


def program_lead_units(*, program: Program) -> QuerySet[Unit]:
    """The units that lead a deliverable of the program (the list's and the reports' unit picker)."""
    return Unit.objects.filter(led_deliverables__program=program).distinct().order_by("name")


def program_deliverables(*, user: User, program_id: int, pks: Iterable[int] | None = None) -> QuerySet[Deliverable]:
    """The program's deliverables the user sees (a meeting's agenda and conclusion pickers), or those of them
    with these ids."""
    if pks is None:
        return Deliverable.objects.visible_to(user).filter(program_id=program_id)
    return Deliverable.objects.visible_to(user).filter(program_id=program_id, pk__in=list(pks))


def deliverable_attachment(*, deliverable: Deliverable, pk: int) -> Attachment | None:
    """An attachment of this deliverable (the document a completion cites), or None."""
    return Attachment.objects.filter(pk=pk, deliverable=deliverable).first()


def deliverable_notes(*, deliverable: Deliverable, kind: str = "") -> QuerySet[Note]:
    """The deliverable's notes, newest first; `kind` keeps one kind."""
    notes = deliverable.notes.select_related("author").prefetch_related("attachments").order_by("-at", "-id")
    return notes.filter(kind=kind) if kind else notes


def meeting_list_filtered(*, user: User, program: Program, kind: str = "", year: int | None = None
                          ) -> QuerySet[Meeting]:
    """The program's meetings (`meeting_list`), of one kind and one year when given."""
    meetings = meeting_list(user=user, program=program)
    if kind:
        meetings = meetings.filter(kind=kind)
    if year is not None:
        meetings = meetings.filter(held_on__year=year)
    return meetings
