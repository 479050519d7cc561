"""REST API v1 (django-ninja). Endpoints are thin: each calls one selector or service, the same the
pages call. Authentication: a session (with CSRF) or `Authorization: Bearer <token>`."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Query, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer, django_auth

from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.models import TokenScope, Unit, User
from chidao.core.tokens import api_token_authenticate
from chidao.personnel import selectors as people
from chidao.personnel.models import Person
from chidao.procedures import selectors as procedure_selectors
from chidao.programs import selectors, services, workflow
from chidao.programs.models import Attachment, Deliverable


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.token_scope = found.scope  # type: ignore[attr-defined]
        return found.user


api = NinjaAPI(
    title="Chidao API", version="1", urls_namespace="api_v1", auth=[TokenAuth(), django_auth],
    openapi_url="/openapi.json", docs_url="/docs",
)


def _require_write(request: AuthedRequest) -> None:
    if getattr(request, "token_scope", TokenScope.WRITE) != TokenScope.WRITE:
        raise PermissionDenied(_("Mã truy cập này chỉ có quyền đọc."))


@api.exception_handler(ValidationError)
def _validation(request: AuthedRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = "; ".join(m for msgs in errors.values() for m in msgs)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def _denied(request: AuthedRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Bạn không có quyền.")}, status=403)


@api.exception_handler(ConflictError)
def _conflict(request: AuthedRequest, exc: ConflictError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(Http404)
def _not_found(request: AuthedRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Không tìm thấy.")}, status=404)


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


class ErrorOut(Schema):
    detail: str


@api.get("/programs", response=list[ProgramOut], tags=["programs"])
def programs(request: AuthedRequest) -> Any:
    return selectors.program_list(user=request.user)


@api.get("/programs/{program_id}/summary", tags=["programs"], response={200: dict[str, Any], 404: ErrorOut})
def program_summary(request: AuthedRequest, program_id: int, as_of: dt.date | None = None) -> Any:
    """Figures as of a date (default today) from the recorded history, over what the caller may see."""
    program = selectors.program_get(user=request.user, pk=program_id)
    return selectors.program_summary(user=request.user, program=program, as_of=as_of).as_dict()


@api.get("/programs/{program_id}/deliverables", response=list[DeliverableOut], tags=["deliverables"])
@paginate(PageNumberPagination, page_size=50)
def program_deliverables(request: AuthedRequest, program_id: int, filters: Query[ListFilters]) -> Any:
    program = selectors.program_get(user=request.user, pk=program_id)
    return selectors.deliverable_list(
        user=request.user, program=program, filters=selectors.DeliverableFilters(**filters.dict())
    )


def _detail(request: AuthedRequest, deliverable: Deliverable) -> Deliverable:
    """The deliverable with what this caller may do next (DeliverableDetailOut)."""
    deliverable.allowed_transitions = workflow.allowed_transitions(request.user, deliverable)  # type: ignore[attr-defined]
    return deliverable


@api.get("/deliverables/{deliverable_id}", response={200: DeliverableDetailOut, 404: ErrorOut}, tags=["deliverables"])
def deliverable(request: AuthedRequest, deliverable_id: int) -> Any:
    return _detail(request, selectors.deliverable_get(user=request.user, pk=deliverable_id))


@api.post(
    "/deliverables/{deliverable_id}/transition", tags=["deliverables"],
    response={200: DeliverableDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: dict[str, Any]},
)
def deliverable_transition(request: AuthedRequest, deliverable_id: int, payload: TransitionIn) -> Any:
    """Change status under the same rules as the page; "completed" needs `attachment_id` of an uploaded file."""
    _require_write(request)
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


@api.post(
    "/deliverables/{deliverable_id}/attachments", tags=["deliverables"],
    response={201: AttachmentOut, 403: ErrorOut, 404: ErrorOut, 422: dict[str, Any]},
)
def deliverable_attach(
    request: AuthedRequest, deliverable_id: int, file: File[UploadedFile], purpose: Form[str] = Attachment.Purpose.OTHER
) -> Any:
    _require_write(request)
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    if purpose not in Attachment.Purpose.values:
        raise ValidationError({"purpose": _("Mục đích tệp không hợp lệ.")})
    return HttpStatus(201, services.attachment_upload(actor=request.user, deliverable=d, file=file, purpose=purpose))


# --- Personnel records (same scope as the pages; every record view is logged) ----------------------


class PersonFields(Schema):
    id: int
    code: str
    full_name: str
    birth_date: dt.date
    gender: str
    unit_id: int | None
    unit: str | None
    position_id: int | None
    position: str | None
    position_since: dt.date | None
    retirement_date: dt.date | None


class PersonOut(PersonFields):
    """A row of the people list: no sensitive field."""

    @staticmethod
    def resolve_unit(obj: Person) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_position(obj: Person) -> str | None:
        return obj.position.title if obj.position else None


class AssignmentOut(Schema):
    position_id: int
    position: str
    unit: str
    kind: str
    start: dt.date
    end: dt.date | None
    decision: str


class RatingOut(Schema):
    year: int
    level: str


class DisciplineOut(Schema):
    system: str
    form: str
    decided_on: dt.date
    decided_by: str
    blocks_until: dt.date | None


class DeferralOut(Schema):
    kind: str
    start: dt.date
    end: dt.date | None


class RelativeOut(Schema):
    relative_id: int
    full_name: str
    relation: str


class PlanningOut(Schema):
    term: str
    position_id: int
    position: str
    added_on: dt.date
    removed_on: dt.date | None


class PersonDetailOut(PersonFields):
    """One record; the sensitive fields are null unless the caller may see them (`sensitive_shown`)."""

    party_joined_on: dt.date | None
    education: str
    sensitive_shown: bool
    phone: str | None
    email: str | None
    address: str | None
    id_number: str | None
    assignments: list[AssignmentOut]
    ratings: list[RatingOut]
    disciplines: list[DisciplineOut]
    deferrals: list[DeferralOut]
    relatives: list[RelativeOut]
    planning: list[PlanningOut]


class PeopleFilters(Schema):
    q: str = ""
    unit: int | None = None
    gender: str = ""
    key_post: bool = False


@api.get("/people", response=list[PersonOut], tags=["people"])
@paginate(PageNumberPagination, page_size=50)
def people_list(request: AuthedRequest, filters: Query[PeopleFilters]) -> Any:
    """People the caller may see, in Vietnamese name order; `q` ignores diacritics. Logged once per call."""
    return people.person_list(user=request.user, filters=people.PersonFilters(**filters.dict()), via="api")


@api.get("/people/{person_id}", response={200: PersonDetailOut, 404: ErrorOut}, tags=["people"])
def person_detail(request: AuthedRequest, person_id: int) -> Any:
    """One record (404 outside the caller's scope); the view is logged with via="api"."""
    person = people.person_get(user=request.user, pk=person_id, via="api")
    record = people.person_record(user=request.user, person=person, on=timezone.localdate())
    shown = record.sensitive_shown
    return {
        **PersonOut.model_validate(person).model_dump(),
        "party_joined_on": person.party_joined_on, "education": person.education, "sensitive_shown": shown,
        **{name: (getattr(person, name) if shown else None) for name in people.SENSITIVE_FIELDS},
        "assignments": [
            {"position_id": a.position_id, "position": a.position.title, "unit": a.position.unit.name,
             "kind": a.kind, "start": a.start, "end": a.end, "decision": a.decision} for a in record.assignments],
        "ratings": [{"year": r.year, "level": r.level} for r in record.ratings],
        "disciplines": [
            {"system": d.system, "form": d.form, "decided_on": d.decided_on, "decided_by": d.decided_by,
             "blocks_until": d.blocks_until} for d in record.disciplines],
        "deferrals": [{"kind": d.kind, "start": d.start, "end": d.end} for d in record.deferrals],
        "relatives": [{"relative_id": r.relative_id, "full_name": r.relative.full_name, "relation": r.relation}
                      for r in record.relatives],
        "planning": [{"term": e.term.name, "position_id": e.position_id, "position": e.position.title,
                      "added_on": e.added_on, "removed_on": e.removed_on} for e in record.planning],
    }


# --- Administrative procedures (every authenticated user reads; counts as the registry's pages) ----------


class ProcedureOut(Schema):
    id: int
    code: str
    name: str
    level: str
    field: str
    unit_id: int
    unit: str
    status: str

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return obj["unit"] if isinstance(obj, dict) else obj.unit.name

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj["status"] if isinstance(obj, dict) else procedure_selectors.status_of(obj, timezone.localdate())


class ProcedureItemOut(Schema):
    decision_id: int
    decision: str
    effective_on: dt.date
    action: str
    procedure_code: str
    replaces_code: str | None


class ProcedureDetailOut(ProcedureOut):
    steps: str
    method: str
    dossier: str
    copies: int | None
    time_limit_days: int | None
    filers: str
    deciding_agency: str
    forms: str
    result: str
    conditions: str
    fees: str
    legal_basis: str
    status_on: dt.date
    status_decision: str | None
    items: list[ProcedureItemOut]


class ProcedureCountsOut(Schema):
    year: int
    unit: int | None
    start: dt.date
    end: dt.date
    published: int
    amended: int
    replaced: int
    abolished: int
    in_force: int


@api.get("/procedures/counts", response={200: ProcedureCountsOut, 422: dict[str, Any]}, tags=["procedures"])
def procedure_counts(request: AuthedRequest, year: str = "", unit: str = "") -> Any:
    """Items of the decisions effective in the year (01/01-31/12): published (new), amended, replaced and
    abolished; in_force: procedures in force on 31/12. `unit` takes the implementing unit's subtree."""
    if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2100):
        raise ValidationError({"year": _("Tham số year phải là năm có 4 chữ số, ví dụ year=2021 (nhận được “%(v)s”).")
                               % {"v": year}})
    scope = None
    if unit:
        scope = Unit.objects.filter(pk=int(unit)).first() if unit.isdigit() else None
        if scope is None:
            raise ValidationError({"unit": _("Không có đơn vị id=%(v)s.") % {"v": unit}})
    start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    counts = procedure_selectors.procedure_counts(start=start, end=end, unit=scope)
    return {"year": int(year), "unit": scope.pk if scope else None, "start": start, "end": end, **counts}


@api.get("/procedures", response=list[ProcedureOut], tags=["procedures"])
@paginate(PageNumberPagination, page_size=50)
def procedure_list(request: AuthedRequest, q: str = "") -> Any:
    """The registry by code; `q` matches code and name, diacritics ignored; `status` is today's."""
    return procedure_selectors.procedure_list(user=request.user, filters=procedure_selectors.ProcedureFilters(q=q))


@api.get("/procedures/{procedure_id}", response={200: ProcedureDetailOut, 404: ErrorOut}, tags=["procedures"])
def procedure_detail(request: AuthedRequest, procedure_id: int) -> Any:
    """One procedure with its status today (and the decision that decided it) and its decision items."""
    procedure = procedure_selectors.procedure_get(user=request.user, pk=procedure_id)
    today = timezone.localdate()
    status = procedure_selectors.procedure_status(procedure=procedure, on=today)
    history = procedure_selectors.procedure_history(procedure=procedure)
    return {
        **ProcedureOut.model_validate(procedure).model_dump(),
        **{name: getattr(procedure, name) for name in (
            "steps", "method", "dossier", "copies", "time_limit_days", "filers", "deciding_agency", "forms",
            "result", "conditions", "fees", "legal_basis")},
        "status": status.code, "status_on": today,
        "status_decision": status.item.decision.number if status.item else None,  # type: ignore[attr-defined]
        "items": [{"decision_id": i.decision_id, "decision": i.decision.number, "effective_on": i.effective_on,
                   "action": i.action, "procedure_code": i.procedure.code,
                   "replaces_code": i.replaces.code if i.replaces else None} for i in history.items],
    }
