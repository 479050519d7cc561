"""API: programs and their deliverables: list, figures, detail, transitions, attachments."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chidao.core.errors import ValidationError
from chidao.core.http import AuthedRequest
from chidao.programs import selectors, services, workflow
from chidao.programs.models import Attachment, Deliverable

from .common import READ_ERRORS, WRITE_ERRORS, Pager

router = Router(tags=["programs"])


class ProgramOut(Schema):
    id: int
    number: str
    title: str
    issued_on: dt.date
    term: str
    period_start: int
    period_end: int
    issuing_body: str

    @staticmethod
    def resolve_issuing_body(obj: Any) -> str:
        return obj.issuing_body.name


class DeliverableOut(Schema):
    id: int
    program_id: int
    code: str
    kind: str
    title: str
    lead_unit_id: int
    lead_unit: str
    coordinating_unit_ids: list[int]
    responsible_leader: str
    original_deadline: dt.date
    deadline: dt.date
    status: str
    completed_on: dt.date | None
    approval_doc_number: str
    approval_doc_date: dt.date | None
    version: int

    @staticmethod
    def resolve_lead_unit(obj: Deliverable) -> str:
        return obj.lead_unit.name

    @staticmethod
    def resolve_coordinating_unit_ids(obj: Deliverable) -> list[int]:
        return [u.pk for u in obj.coordinating_units.all()]


class DeliverableDetailOut(DeliverableOut):
    allowed_transitions: list[str]


class ListFilters(Schema):
    status: str = ""
    unit: int | None = None
    kind: str = ""
    deadline_class: str = ""
    q: str = ""


class TransitionIn(Schema):
    to_status: str
    version: int | None = None
    reason: str = ""
    doc_number: str = ""
    doc_date: dt.date | None = None
    attachment_id: int | None = None


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    purpose: str



@router.get("/programs", response={200: list[ProgramOut], **READ_ERRORS})
def programs(request: AuthedRequest) -> Any:
    return selectors.program_list(user=request.user)


@router.get("/programs/{program_id}/summary", response={200: dict[str, Any], **READ_ERRORS})
def program_summary(request: AuthedRequest, program_id: int, as_of: dt.date | None = None) -> Any:
    """Figures as of a date (default today) from the recorded history, over what the caller may see."""
    program = selectors.program_get(user=request.user, pk=program_id)
    return selectors.program_summary(user=request.user, program=program, as_of=as_of).as_dict()


@router.get(
    "/programs/{program_id}/deliverables", response={200: list[DeliverableOut], **READ_ERRORS}, tags=["deliverables"])
@paginate(Pager)
def program_deliverables(request: AuthedRequest, program_id: int, filters: Query[ListFilters]) -> Any:
    program = selectors.program_get(user=request.user, pk=program_id)
    return selectors.deliverable_list(
        user=request.user, program=program, filters=selectors.DeliverableFilters(**filters.dict())
    )


def _detail(request: AuthedRequest, deliverable: Deliverable) -> Deliverable:
    """The deliverable with what this caller may do next (DeliverableDetailOut)."""
    deliverable.allowed_transitions = workflow.allowed_transitions(request.user, deliverable)  # type: ignore[attr-defined]
    return deliverable


@router.get(
    "/deliverables/{deliverable_id}", response={200: DeliverableDetailOut, **READ_ERRORS}, tags=["deliverables"])
def deliverable(request: AuthedRequest, deliverable_id: int) -> Any:
    return _detail(request, selectors.deliverable_get(user=request.user, pk=deliverable_id))


@router.post(
    "/deliverables/{deliverable_id}/transition", tags=["deliverables"],
    response={200: DeliverableDetailOut, **WRITE_ERRORS},
)
def deliverable_transition(request: AuthedRequest, deliverable_id: int, payload: TransitionIn) -> Any:
    """Change status under the same rules as the page; "completed" needs `attachment_id` of an uploaded file."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    attachment = None
    if payload.attachment_id is not None:
        attachment = Attachment.objects.filter(pk=payload.attachment_id, deliverable=d).first()
        if attachment is None:
            raise ValidationError({"attachment_id": _("Tệp đính kèm không thuộc nội dung này.")})
    updated = services.deliverable_transition(
        actor=request.user, deliverable=d, to_status=payload.to_status, expected_version=payload.version,
        reason=payload.reason, doc_number=payload.doc_number, doc_date=payload.doc_date, attachment=attachment,
    )
    return _detail(request, selectors.deliverable_get(user=request.user, pk=updated.pk))


@router.post(
    "/deliverables/{deliverable_id}/attachments", tags=["deliverables"],
    response={201: AttachmentOut, **WRITE_ERRORS},
)
def deliverable_attach(
    request: AuthedRequest, deliverable_id: int, file: File[UploadedFile], purpose: Form[str] = Attachment.Purpose.OTHER
) -> Any:
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    if purpose not in Attachment.Purpose.values:
        raise ValidationError({"purpose": _("Mục đích tệp không hợp lệ.")})
    return HttpStatus(201, services.attachment_upload(actor=request.user, deliverable=d, file=file, purpose=purpose))


