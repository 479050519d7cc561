"""API: the steering committee's meetings of a program, with their agenda, points and conclusions (split out
of `api.programs` along that seam; paths and operation ids unchanged)."""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate
from pydantic import Field

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.programs import permissions, selectors, services
from chidao.programs.models import (
    AgendaItem,
    Conclusion,
    Deliverable,
    Kind,
    Meeting,
    MeetingPoint,
)

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import (
    Date,
    Id,
    NotBool,
    Text,
    choice_check,
    not_null,
    units_in_force,
)

OPERATION_MODULE = "chidao.api.programs"  # operation ids as before the split
router = Router(tags=["programs"])


def _deliverables(request: AuthedRequest, field: str, ids: Iterable[int], program_id: int) -> list[Deliverable]:
    """Deliverables of the program that the caller may see (the page's picker), in the order given."""
    wanted = list(dict.fromkeys(ids))
    found = {d.pk: d for d in selectors.program_deliverables(user=request.user, program_id=program_id, pks=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({field: _("Không tìm thấy nội dung: %(ids)s.") % {"ids": ", ".join(missing)}})
    return [found[pk] for pk in wanted]


# --- Meetings and conclusions -----------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    program_id: int
    kind: str
    title: str
    held_on: dt.date
    location: str
    chair: str
    attendees: str
    minutes: str
    created_at: dt.datetime


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    deliverable_ids: list[int]
    unit_ids: list[int]
    notes: str

    @staticmethod
    def resolve_deliverable_ids(obj: AgendaItem) -> list[int]:
        return [d.pk for d in obj.deliverables.all()]

    @staticmethod
    def resolve_unit_ids(obj: AgendaItem) -> list[int]:
        return [u.pk for u in obj.units.all()]


class MeetingPointOut(Schema):
    id: int
    kind: str
    text: str
    speaker: str
    order: int


class ConclusionOut(Schema):
    """A conclusion and where it is tracked: a new deliverable, or a directive (`note_id`) on an existing one."""

    id: int
    order: int
    text: str
    lead_unit_id: int
    lead_unit: str
    deadline: dt.date
    track_as: str
    deliverable_id: int
    deliverable_code: str
    deliverable_status: str
    note_id: int | None

    @staticmethod
    def resolve_lead_unit(obj: Conclusion) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_track_as(obj: Conclusion) -> str:
        return services.TRACK_AS_DIRECTIVE if obj.tracked_as_directive else services.TRACK_AS_DELIVERABLE

    @staticmethod
    def resolve_deliverable_code(obj: Conclusion) -> str:
        return obj.deliverable.code

    @staticmethod
    def resolve_deliverable_status(obj: Conclusion) -> str:
        return obj.deliverable.status


class MeetingDetailOut(MeetingOut):
    agenda_items: list[AgendaItemOut]
    points: list[MeetingPointOut]
    conclusions: list[ConclusionOut]

    @staticmethod
    def resolve_agenda_items(obj: Meeting) -> list[AgendaItem]:
        return list(obj.agenda_items.all())

    @staticmethod
    def resolve_points(obj: Meeting) -> list[MeetingPoint]:
        return list(obj.points.all())

    @staticmethod
    def resolve_conclusions(obj: Meeting) -> list[Conclusion]:
        return list(obj.conclusions.all())


class MeetingFilters(Schema):
    kind: str = ""
    year: Annotated[int, Field(ge=1, le=9999), NotBool] | None = None


class MeetingIn(Schema):
    kind: str
    title: Text
    held_on: Date
    chair: Annotated[Text, Field(max_length=150)]
    location: Annotated[Text, Field(max_length=255)] = ""
    attendees: Text = ""
    minutes: Text = ""


class MeetingPatch(Schema):
    """Only the fields sent are changed."""

    reason: Annotated[Text, Field(max_length=500)] = ""
    kind: str | None = None
    title: Text | None = None
    held_on: Date | None = None
    chair: Annotated[Text, Field(max_length=150)] | None = None
    location: Annotated[Text, Field(max_length=255)] | None = None
    attendees: Text | None = None
    minutes: Text | None = None


class AgendaItemIn(Schema):
    title: Text
    deliverable_ids: list[Id] = []
    unit_ids: list[Id] = []
    notes: Text = ""


class MeetingPointIn(Schema):
    kind: str
    text: Text
    speaker: Annotated[Text, Field(max_length=150)] = ""


class ConclusionIn(Schema):
    """`track_as`: "deliverable" (a new deliverable, code KL<yy>.<n> unless `code`) or "directive" on
    `deliverable_id`, an existing deliverable the lead unit leads."""

    text: Text
    lead_unit_id: Id
    deadline: Date
    track_as: str = services.TRACK_AS_DELIVERABLE
    kind: str = Kind.TASK
    code: Annotated[Text, Field(max_length=16)] = ""
    deliverable_id: Id | None = None


def _meeting_manager(request: AuthedRequest) -> None:
    """The page's refusal for anyone but the standing office and administrators."""
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận hội nghị, cuộc họp và kết luận."))


@router.get(
    "/programs/{program_id}/meetings", response={200: list[MeetingOut], **READ_ERRORS}, tags=["meetings"])
@paginate(Pager)
def program_meetings(request: AuthedRequest, program_id: int, filters: Query[MeetingFilters]) -> Any:
    """The program's meetings, newest first (whoever may open the program); filter by `kind` and `year`."""
    program = selectors.program_get(user=request.user, pk=program_id)
    if filters.kind:
        choice_check("kind", filters.kind, Meeting.Kind.values)
    return selectors.meeting_list_filtered(user=request.user, program=program, kind=filters.kind,
                                           year=filters.year)


@router.post(
    "/programs/{program_id}/meetings", response={201: MeetingDetailOut, **WRITE_ERRORS}, tags=["meetings"])
def meeting_create(request: AuthedRequest, program_id: int, payload: MeetingIn) -> Any:
    """Record a meeting of the program's steering committee (standing office, administrators)."""
    program = selectors.program_get(user=request.user, pk=program_id)
    _meeting_manager(request)
    choice_check("kind", payload.kind, Meeting.Kind.values)
    meeting = services.meeting_create(actor=request.user, program=program, **payload.dict())
    return HttpStatus(201, selectors.meeting_get(user=request.user, pk=meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, tags=["meetings"])
def meeting_detail(request: AuthedRequest, meeting_id: int) -> Any:
    """One meeting with its agenda, points and conclusions (404 outside the caller's programs)."""
    return selectors.meeting_get(user=request.user, pk=meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **WRITE_ERRORS}, tags=["meetings"])
def meeting_update(request: AuthedRequest, meeting_id: int, payload: MeetingPatch) -> Any:
    """Correct a meeting's details (standing office, administrators); only the fields sent change."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    _meeting_manager(request)
    not_null(payload, ("kind", "title", "held_on", "chair"))
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason", "")
    if "kind" in data:
        choice_check("kind", data["kind"], Meeting.Kind.values)
    for name in ("location", "attendees", "minutes"):
        if name in data and data[name] is None:
            data[name] = ""
    services.meeting_update(actor=request.user, meeting=meeting, reason=reason, **data)
    return selectors.meeting_get(user=request.user, pk=meeting.pk)


@router.post(
    "/meetings/{meeting_id}/agenda-items", response={201: AgendaItemOut, **WRITE_ERRORS}, tags=["meetings"])
def meeting_agenda_add(request: AuthedRequest, meeting_id: int, payload: AgendaItemIn) -> Any:
    """Add an agenda item with the deliverables and units it concerns (standing office, administrators)."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    _meeting_manager(request)
    item = services.agenda_item_add(
        actor=request.user, meeting=meeting, title=payload.title, notes=payload.notes,
        deliverables=_deliverables(request, "deliverable_ids", payload.deliverable_ids, meeting.program_id),
        units=units_in_force("unit_ids", payload.unit_ids),
    )
    return HttpStatus(201, item)


@router.post(
    "/meetings/{meeting_id}/points", response={201: MeetingPointOut, **WRITE_ERRORS}, tags=["meetings"])
def meeting_point_add(request: AuthedRequest, meeting_id: int, payload: MeetingPointIn) -> Any:
    """Record a lesson, difficulty or recommendation raised at the meeting (standing office, administrators)."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    _meeting_manager(request)
    choice_check("kind", payload.kind, MeetingPoint.Kind.values)
    point = services.meeting_point_add(actor=request.user, meeting=meeting, kind=payload.kind, text=payload.text,
                                       speaker=payload.speaker)
    return HttpStatus(201, point)


@router.post(
    "/meetings/{meeting_id}/conclusions", response={201: ConclusionOut, **WRITE_ERRORS}, tags=["meetings"])
def meeting_conclusion_add(request: AuthedRequest, meeting_id: int, payload: ConclusionIn) -> Any:
    """Record a conclusion and track it as a new deliverable or a directive (standing office, administrators)."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    _meeting_manager(request)
    choice_check("track_as", payload.track_as, [services.TRACK_AS_DELIVERABLE, services.TRACK_AS_DIRECTIVE])
    choice_check("kind", payload.kind, Kind.values)
    existing = None
    if payload.track_as == services.TRACK_AS_DIRECTIVE and payload.deliverable_id is not None:
        existing = _deliverables(request, "deliverable_id", [payload.deliverable_id], meeting.program_id)[0]
    conclusion = services.conclusion_add(
        actor=request.user, meeting=meeting, text=payload.text,
        lead_unit=units_in_force("lead_unit_id", [payload.lead_unit_id])[0], deadline=payload.deadline,
        track_as=payload.track_as, deliverable=existing, kind=payload.kind, code=payload.code,
    )
    return HttpStatus(201, conclusion)
