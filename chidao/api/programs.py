"""API: programs and their deliverables (details, edits, history, notes, attachments, Excel); the
steering committee's meetings are in `api.meetings`.

Each endpoint calls the selector or service the page calls, in the same order of checks (scope,
then the page's permission, then the input)."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest, stored_file_response
from chidao.programs import excel, permissions, selectors, services
from chidao.programs.models import (
    Attachment,
    DeadlineExtension,
    Deliverable,
    Kind,
    Note,
    Program,
    Status,
    StatusChange,
)

from .common import READ_ERRORS, WRITE_ERRORS, KeysetPager, Pager
from .imports import IMPORT_ERRORS, ImportOut, import_out, import_refused
from .inputs import (
    XLSX,
    Date,
    Id,
    Int,
    NotBool,
    Required,
    Text,
    binary,
    choice_check,
    date_check,
    file_response,
    filter_schema,
    not_null,
    units_in_force,
)

router = Router(tags=["programs"])

# --- Programs ---------------------------------------------------------------------------------------


class ProgramOut(Schema):
    id: int
    number: str
    title: str
    issued_on: dt.date
    term: str
    period_start: int
    period_end: int
    issuing_body_id: int
    issuing_body: str
    steering_unit_id: int | None
    steering_unit: str | None

    @staticmethod
    def resolve_issuing_body(obj: Program) -> str:
        return obj.issuing_body.name

    @staticmethod
    def resolve_steering_unit(obj: Program) -> str | None:
        return obj.steering_unit.name if obj.steering_unit else None


class ProgramIn(Schema):
    number: Annotated[Required, Field(max_length=64)]
    title: Required
    issuing_body_id: Id
    issued_on: Date
    term: Annotated[Text, Field(max_length=32)] = ""
    period_start: Annotated[int, Field(ge=1945, le=2100), NotBool]
    period_end: Annotated[int, Field(ge=1945, le=2100), NotBool]
    steering_unit_id: Id | None = None


class UnitFiguresOut(Schema):
    unit_id: int
    name: str
    total: int
    completed: int
    awaiting_approval: int
    in_progress: int
    not_started: int
    overdue: int
    completion_rate: float | None


class SummaryOut(Schema):
    """Figures as of a date; `by_status`, `by_kind` and `deadline_classes` have one key per choice."""

    as_of: dt.date
    deliverables: int
    lead_units: int
    completed: int
    awaiting_approval: int
    in_progress: int
    not_started: int
    cancelled: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    deadline_classes: dict[str, int]
    completion_rate: float | None
    units: list[UnitFiguresOut]


@router.get("/programs", response={200: list[ProgramOut], **READ_ERRORS})
@paginate(Pager)
def programs(request: AuthedRequest) -> Any:
    """The programs the caller may open (all for read-all roles; else those their unit takes part in), newest first."""
    return selectors.program_list(user=request.user).select_related("steering_unit")


@router.post("/programs", response={201: ProgramOut, **WRITE_ERRORS})
def program_create(request: AuthedRequest, payload: ProgramIn) -> Any:
    """Create a program (the standing office and administrators, as on the page)."""
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Bạn không có quyền tạo chương trình."))
    issuing_body = units_in_force("issuing_body_id", [payload.issuing_body_id])[0]
    steering = units_in_force("steering_unit_id", [payload.steering_unit_id])[0] if payload.steering_unit_id else None
    program = services.program_create(
        actor=request.user, number=payload.number, title=payload.title, issuing_body=issuing_body,
        issued_on=payload.issued_on, term=payload.term.strip(), period_start=payload.period_start,
        period_end=payload.period_end, steering_unit=steering,
    )
    return HttpStatus(201, program)


@router.get("/programs/{program_id}", response={200: ProgramOut, **READ_ERRORS})
def program_detail(request: AuthedRequest, program_id: int) -> Any:
    """One program the caller may open (404 otherwise)."""
    return selectors.program_get(user=request.user, pk=program_id)


@router.get("/programs/{program_id}/summary", response={200: SummaryOut, **READ_ERRORS})
def program_summary(request: AuthedRequest, program_id: int, as_of: Date | None = None) -> Any:
    """Figures as of a date (default today) from the recorded history, over what the caller may see."""
    program = selectors.program_get(user=request.user, pk=program_id)
    date_check("as_of", as_of)
    return selectors.program_summary(user=request.user, program=program, as_of=as_of).as_dict()


# --- Deliverables -----------------------------------------------------------------------------------


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
    """One deliverable with its description and the statuses this caller may move it to."""

    description: str
    allowed_transitions: list[str]


# The list's filter as the page has it (selectors.DeliverableFilters); its choices are listed in the schema.
if TYPE_CHECKING:
    class ListFilters(Schema): ...
else:
    ListFilters = filter_schema("ListFilters", selectors.DeliverableFilters, "The list page's filters; \"\" means all.",
                                unit=Id | None)


class DeliverableIn(Schema):
    code: Annotated[Text, Field(max_length=16)]
    kind: str
    title: Text
    description: Text = ""
    lead_unit_id: Id
    coordinating_unit_ids: list[Id] = []
    responsible_leader: Annotated[Text, Field(max_length=150)] = ""
    original_deadline: Date


class DeliverablePatch(Schema):
    """Only the fields sent are changed; `version` as read is required and refuses a stale edit (409). A request
    that changes nothing answers the deliverable unchanged (same version, no change record)."""

    version: Int
    reason: Annotated[Text, Field(max_length=500)] = ""
    code: Annotated[Text, Field(max_length=16)] | None = None
    kind: str | None = None
    title: Text | None = None
    description: Text | None = None
    lead_unit_id: Id | None = None
    coordinating_unit_ids: list[Id] | None = None
    responsible_leader: Annotated[Text, Field(max_length=150)] | None = None
    original_deadline: Date | None = None


class TransitionIn(Schema):
    to_status: str
    version: Int  # as read: a transition changes the deliverable
    reason: Text = ""
    doc_number: Annotated[Text, Field(max_length=64)] = ""
    doc_date: Date | None = None
    attachment_id: Id | None = None


class ExtensionIn(Schema):
    new_deadline: Date
    reason: Text
    approved_by: Annotated[Text, Field(max_length=150)]
    approved_on: Date
    version: Int


class ExtensionOut(Schema):
    id: int
    deliverable_id: int
    previous_deadline: dt.date
    new_deadline: dt.date
    reason: str
    approved_by: str
    approved_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj: DeadlineExtension) -> str:
        return str(obj.recorded_by)


class StatusChangeOut(Schema):
    id: int
    from_status: str
    to_status: str
    at: dt.datetime
    by_id: int | None
    by: str | None
    reason: str
    doc_number: str
    doc_date: dt.date | None
    attachment_id: int | None

    @staticmethod
    def resolve_by(obj: StatusChange) -> str | None:
        return str(obj.by) if obj.by else None


class NoteIn(Schema):
    kind: str
    text: Text
    percent: Int | None = None
    due_on: Date | None = None


class NoteOut(Schema):
    id: int
    deliverable_id: int
    kind: str
    text: str
    percent: int | None
    due_on: dt.date | None
    author_id: int
    author: str
    at: dt.datetime
    attachment_ids: list[int]

    @staticmethod
    def resolve_author(obj: Note) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_attachment_ids(obj: Note) -> list[int]:
        return [a.pk for a in obj.attachments.all()]


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    purpose: str
    uploaded_by: str
    uploaded_at: dt.datetime
    signature_state: str = Field(description='Kiểm tra chữ ký số của tệp PDF khi tải lên: "valid", "altered", '
                                             '"untrusted", "invalid", "none", "unreadable"; "" với tệp khác PDF')
    signature_signer: str
    signature_signed_at: dt.datetime | None
    signature_message: str

    @staticmethod
    def resolve_uploaded_by(obj: Attachment) -> str:
        return str(obj.uploaded_by)


class DeliverableImportOut(ImportOut):
    """The import's shape (counts: deliverables) with the deliverables created."""

    items: list[DeliverableOut]


def _filtered(request: AuthedRequest, program: Program, filters: Any) -> QuerySet[Deliverable]:
    return selectors.deliverable_list(
        user=request.user, program=program, filters=selectors.DeliverableFilters(**filters.dict()))


@router.get(
    "/programs/{program_id}/deliverables", response={200: list[DeliverableOut], **READ_ERRORS}, tags=["deliverables"])
@paginate(KeysetPager, keys=("code", "id"), name="api-deliverables")
def program_deliverables(request: AuthedRequest, program_id: int, filters: Query[ListFilters]) -> Any:
    """The program's deliverables the caller may see, filtered as on the list page; `q` ignores diacritics."""
    program = selectors.program_get(user=request.user, pk=program_id)
    return _filtered(request, program, filters)


@router.get(
    "/programs/{program_id}/deliverables/export", response=READ_ERRORS, tags=["deliverables"],
    openapi_extra=binary("The list as filtered, as an Excel workbook.", XLSX),
)
def program_deliverables_export(request: AuthedRequest, program_id: int, filters: Query[ListFilters]) -> Any:
    """The list as filtered, as the page's Excel export (the caller's scope)."""
    program = selectors.program_get(user=request.user, pk=program_id)
    data = excel.deliverables_export(program=program, deliverables=_filtered(request, program, filters))
    return file_response(data, f"noi-dung-{program.pk}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@router.get(
    "/deliverable-import-template", response=READ_ERRORS, tags=["deliverables"],
    openapi_extra=binary("The import template.", XLSX),
)
def deliverable_import_template(request: AuthedRequest) -> Any:
    """The Excel template the import reads (any signed-in user, as on the page)."""
    return file_response(excel.import_template(), "mau-nhap-noi-dung.xlsx", XLSX)


@router.post(
    "/programs/{program_id}/deliverables/import", tags=["deliverables"],
    response={201: DeliverableImportOut, **WRITE_ERRORS, **IMPORT_ERRORS},
)
def program_deliverables_import(request: AuthedRequest, program_id: int, file: File[UploadedFile]) -> Any:
    """Import deliverables from an .xlsx (standing office, administrators): all rows or none; 422 lists row errors."""
    program = selectors.program_get(user=request.user, pk=program_id)
    result = excel.deliverables_import(actor=request.user, program=program, file=file)
    if not result.ok:
        return import_refused(result)
    created = selectors.program_deliverables(user=request.user, program_id=program.pk,
                                             pks=[d.pk for d in result.created])
    created = created.select_related("lead_unit").prefetch_related("coordinating_units").order_by("code", "id")
    return HttpStatus(201, import_out(result, items=list(created)))


@router.post(
    "/programs/{program_id}/deliverables", response={201: DeliverableDetailOut, **WRITE_ERRORS},
    tags=["deliverables"],
)
def deliverable_create(request: AuthedRequest, program_id: int, payload: DeliverableIn) -> Any:
    """Assign a new deliverable to a lead unit (standing office, administrators)."""
    program = selectors.program_get(user=request.user, pk=program_id)
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Bạn không có quyền giao nội dung."))
    choice_check("kind", payload.kind, Kind.values)
    created = services.deliverable_create(
        actor=request.user, program=program, code=payload.code, kind=payload.kind, title=payload.title,
        description=payload.description, lead_unit=units_in_force("lead_unit_id", [payload.lead_unit_id])[0],
        coordinating_units=units_in_force("coordinating_unit_ids", payload.coordinating_unit_ids),
        responsible_leader=payload.responsible_leader, original_deadline=payload.original_deadline,
    )
    return HttpStatus(201, _detail(request, selectors.deliverable_get(user=request.user, pk=created.pk)))


def _detail(request: AuthedRequest, deliverable: Deliverable) -> Deliverable:
    """The deliverable with what this caller may do next (DeliverableDetailOut)."""
    deliverable.allowed_transitions = permissions.allowed_transitions(request.user, deliverable)  # type: ignore[attr-defined]
    return deliverable


@router.get(
    "/deliverables/{deliverable_id}", response={200: DeliverableDetailOut, **READ_ERRORS}, tags=["deliverables"])
def deliverable(request: AuthedRequest, deliverable_id: int) -> Any:
    """One deliverable in the caller's scope (404 otherwise) with the transitions they may make."""
    return _detail(request, selectors.deliverable_get(user=request.user, pk=deliverable_id))


@router.patch(
    "/deliverables/{deliverable_id}", response={200: DeliverableDetailOut, **WRITE_ERRORS}, tags=["deliverables"])
def deliverable_update(request: AuthedRequest, deliverable_id: int, payload: DeliverablePatch) -> Any:
    """Edit details: a lead officer their unit's title, description, coordinating units, leader; the office more."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    if not permissions.can_edit_deliverable(request.user, d):
        raise PermissionDenied(_("Bạn không có quyền sửa nội dung này."))
    not_null(payload, ("code", "kind", "title", "lead_unit_id", "original_deadline"))
    data = payload.model_dump(exclude_unset=True)
    version, reason = data.pop("version"), data.pop("reason", "")
    if "kind" in data:
        choice_check("kind", data["kind"], Kind.values)
    if "lead_unit_id" in data:
        data["lead_unit"] = units_in_force("lead_unit_id", [data.pop("lead_unit_id")])[0]
    if "coordinating_unit_ids" in data:
        data["coordinating_units"] = units_in_force("coordinating_unit_ids", data.pop("coordinating_unit_ids") or [])
    for name in ("description", "responsible_leader"):
        if name in data and data[name] is None:
            data[name] = ""
    updated = services.deliverable_update(
        actor=request.user, deliverable=d, expected_version=version, reason=reason, **data)
    return _detail(request, selectors.deliverable_get(user=request.user, pk=updated.pk))


@router.post(
    "/deliverables/{deliverable_id}/transition", tags=["deliverables"],
    response={200: DeliverableDetailOut, **WRITE_ERRORS},
)
def deliverable_transition(request: AuthedRequest, deliverable_id: int, payload: TransitionIn) -> Any:
    """Change status under the same rules as the page; "completed" needs `attachment_id` of an uploaded file."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    choice_check("to_status", payload.to_status, Status.values)
    attachment = None
    if payload.attachment_id is not None:
        attachment = selectors.deliverable_attachment(deliverable=d, pk=payload.attachment_id)
        if attachment is None:
            raise ValidationError({"attachment_id": _("Tệp đính kèm không thuộc nội dung này.")})
    updated = services.deliverable_transition(
        actor=request.user, deliverable=d, to_status=payload.to_status, expected_version=payload.version,
        reason=payload.reason, doc_number=payload.doc_number, doc_date=payload.doc_date, attachment=attachment,
    )
    return _detail(request, selectors.deliverable_get(user=request.user, pk=updated.pk))


@router.get(
    "/deliverables/{deliverable_id}/status-changes", response={200: list[StatusChangeOut], **READ_ERRORS},
    tags=["deliverables"],
)
@paginate(Pager)
def deliverable_status_changes(request: AuthedRequest, deliverable_id: int) -> Any:
    """The deliverable's status history, newest first (who, when, why, approving document)."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    return d.status_changes.select_related("by").order_by("-at", "-id")


@router.get(
    "/deliverables/{deliverable_id}/extensions", response={200: list[ExtensionOut], **READ_ERRORS},
    tags=["deliverables"],
)
@paginate(Pager)
def deliverable_extensions(request: AuthedRequest, deliverable_id: int) -> Any:
    """The deadline extensions recorded on the deliverable, newest first."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    return d.extensions.select_related("recorded_by").order_by("-approved_on", "-id")


@router.post(
    "/deliverables/{deliverable_id}/extensions", response={201: ExtensionOut, **WRITE_ERRORS},
    tags=["deliverables"],
)
def deliverable_extend(request: AuthedRequest, deliverable_id: int, payload: ExtensionIn) -> Any:
    """Record a deadline extension the committee approved (standing office, administrators)."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    extension = services.deliverable_extend_deadline(
        actor=request.user, deliverable=d, expected_version=payload.version, new_deadline=payload.new_deadline,
        reason=payload.reason, approved_by=payload.approved_by, approved_on=payload.approved_on,
    )
    return HttpStatus(201, extension)


@router.get(
    "/deliverables/{deliverable_id}/notes", response={200: list[NoteOut], **READ_ERRORS}, tags=["deliverables"])
@paginate(Pager)
def deliverable_notes(request: AuthedRequest, deliverable_id: int, kind: str = "") -> Any:
    """Progress updates, comments and directives on the deliverable, newest first; `kind` filters."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    if kind:
        choice_check("kind", kind, Note.Kind.values)
    return selectors.deliverable_notes(deliverable=d, kind=kind)


@router.post(
    "/deliverables/{deliverable_id}/notes", response={201: NoteOut, **WRITE_ERRORS}, tags=["deliverables"])
def deliverable_note_add(request: AuthedRequest, deliverable_id: int, payload: NoteIn) -> Any:
    """Add a progress update (lead unit, office), a comment (any reader but auditors) or a directive (steering)."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    choice_check("kind", payload.kind, Note.Kind.values)
    note = services.note_add(actor=request.user, deliverable=d, kind=payload.kind, text=payload.text,
                             percent=payload.percent, due_on=payload.due_on)
    return HttpStatus(201, note)


@router.get(
    "/deliverables/{deliverable_id}/attachments", response={200: list[AttachmentOut], **READ_ERRORS},
    tags=["deliverables"],
)
@paginate(Pager)
def deliverable_attachments(request: AuthedRequest, deliverable_id: int) -> Any:
    """The files attached to the deliverable, newest first."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    return d.attachments.select_related("uploaded_by").order_by("-uploaded_at", "-id")


@router.post(
    "/deliverables/{deliverable_id}/attachments", tags=["deliverables"],
    response={201: AttachmentOut, **WRITE_ERRORS},
)
def deliverable_attach(
    request: AuthedRequest, deliverable_id: int, file: File[UploadedFile], purpose: Form[str] = Attachment.Purpose.OTHER
) -> Any:
    """Attach a file (lead unit of the deliverable, office); allowed types and size as on the page."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    choice_check("purpose", purpose, Attachment.Purpose.values)
    return HttpStatus(201, services.attachment_upload(actor=request.user, deliverable=d, file=file, purpose=purpose))


@router.get(
    "/attachments/{attachment_id}/file", response=READ_ERRORS, tags=["deliverables"],
    openapi_extra=binary("The attached file.", "application/octet-stream"),
)
def attachment_download(request: AuthedRequest, attachment_id: int) -> Any:
    """Download an attached file of a deliverable in the caller's scope (404 otherwise)."""
    attachment = selectors.attachment_get(user=request.user, pk=attachment_id)
    return stored_file_response(attachment.file, attachment.original_name, missing=_("Không tìm thấy tệp."),
                                mime="application/octet-stream")
