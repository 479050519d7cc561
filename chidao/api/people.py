"""API: cadre records, posts, Excel import/export; planning (quy hoạch) and the access log are in `api.planning`.

The same scope as the pages (`Person.objects.visible_to`, 404 outside it) and the same services; the
sensitive fields (`selectors.SENSITIVE_FIELDS`) are null for those who may not see them and writable only
by those who may; every read that shows people is logged in AccessLog with via="api"."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.core.validators import validate_email
from django.http import HttpResponse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.personnel import excel, permissions, services
from chidao.personnel import selectors as people
from chidao.personnel.flags import Flag, person_flags
from chidao.personnel.import_views import PeopleImportForm
from chidao.personnel.models import (
    Assignment,
    AssignmentKind,
    DeferralKind,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    Position,
    RatingLevel,
    Relation,
    ServiceKind,
)

from .common import READ_ERRORS, WRITE_ERRORS, KeysetPager, Pager
from .imports import IMPORT_ERRORS, ImportOut, import_out, import_refused
from .inputs import XLSX, Choice, Id, In, binary, choice_check, file_response, filter_schema

router = Router(tags=["people"])

# Cán bộ, công chức or viên chức; "" while not recorded (ratings and discipline have different consequences).
if TYPE_CHECKING:
    Kind = str
else:
    Kind = Choice(ServiceKind.values)
KIND_DESCRIPTION = ("cadre (cán bộ), civil_servant (công chức), public_employee (viên chức); \"\" while not "
                    "recorded")

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY, description="YYYY-MM-DD, 1900-01-01 … 2100-12-31")]
SENSITIVE = set(people.SENSITIVE_FIELDS)


def _check_email(email: str | None) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc


# --- Personnel records (same scope as the pages; every record view is logged) ----------------------


class PersonFields(Schema):
    id: int
    code: str
    full_name: str
    birth_date: dt.date
    gender: str
    service_kind: Kind = Field(description=KIND_DESCRIPTION)
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
    id: int
    position_id: int
    position: str
    unit: str
    kind: str
    start: dt.date
    end: dt.date | None
    decision: str


class RatingOut(Schema):
    id: int
    year: int
    level: str


class DisciplineOut(Schema):
    """A disciplinary decision and its three bars, each its own last day (null: no such bar, or for khai trừ and
    buộc thôi việc, none that lapses): planning (`blocks_until`), appointment or nomination to a higher post
    (`appointment_blocked_until`), promotion in grade or salary (`grade_blocked_until`)."""

    id: int
    system: str
    form: str
    decided_on: dt.date
    decided_by: str
    blocks_until: dt.date | None
    appointment_blocked_until: dt.date | None
    grade_blocked_until: dt.date | None


class DeferralOut(Schema):
    id: int
    kind: str
    start: dt.date
    end: dt.date | None
    note: str


class RelativeOut(Schema):
    """`relative` is the person's <relation>; `linkable` when the caller may open the relative's record."""

    id: int
    relative_id: int
    full_name: str
    relation: str
    linkable: bool


class PlanningOut(Schema):
    id: int
    term: str
    position_id: int
    position: str
    added_on: dt.date
    removed_on: dt.date | None


class FlagOut(Schema):
    """A warning on a person with its legal basis (`basis`) and what raised it (`detail`)."""

    code: str
    label: str
    basis: str
    detail: str
    severity: str


class PersonDetailOut(PersonFields):
    """One record; the sensitive fields are null unless the caller may see them (`sensitive_shown`)."""

    party_joined_on: dt.date | None
    education: str
    expertise: str
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
    flags: list[FlagOut]


# The list's filter as the page has it (selectors.PersonFilters); its choices are listed in the schema.
if TYPE_CHECKING:
    class PeopleFilters(In): ...
else:
    PeopleFilters = filter_schema("PeopleFilters", people.PersonFilters, "The list page's filters; \"\" means all.",
                                  base=In, unit=Id | None)


def _assignment(a: Assignment) -> dict[str, Any]:
    return {"id": a.pk, "position_id": a.position_id, "position": a.position.title, "unit": a.position.unit.name,
            "kind": a.kind, "start": a.start, "end": a.end, "decision": a.decision}


def _discipline(d: Discipline) -> dict[str, Any]:
    return {"id": d.pk, "system": d.system, "form": d.form, "decided_on": d.decided_on, "decided_by": d.decided_by,
            "blocks_until": d.blocks_until, "appointment_blocked_until": d.appointment_blocked_until,
            "grade_blocked_until": d.grade_blocked_until}


def _flag(f: Flag) -> dict[str, Any]:
    return {"code": f.code, "label": f.label, "basis": f.basis, "detail": f.detail, "severity": f.severity}


def _relative(link: Any) -> dict[str, Any]:
    return {"id": link.pk, "relative_id": link.relative_id, "full_name": link.relative.full_name,
            "relation": link.relation, "linkable": bool(getattr(link, "linkable", False))}


def _record(request: AuthedRequest, person: Person) -> dict[str, Any]:
    """The record of a person already scoped and logged, as PersonDetailOut."""
    record = people.person_record(user=request.user, person=person, on=timezone.localdate())
    shown = record.sensitive_shown
    return {
        **PersonOut.model_validate(person).model_dump(),
        "party_joined_on": person.party_joined_on, "education": person.education, "expertise": person.expertise,
        "sensitive_shown": shown,
        **{name: (getattr(person, name) if shown else None) for name in people.SENSITIVE_FIELDS},
        "assignments": [_assignment(a) for a in record.assignments],
        "ratings": [{"id": r.pk, "year": r.year, "level": r.level} for r in record.ratings],
        "disciplines": [_discipline(d) for d in record.disciplines],
        "deferrals": [{"id": d.pk, "kind": d.kind, "start": d.start, "end": d.end, "note": d.note}
                      for d in record.deferrals],
        "relatives": [_relative(r) for r in record.relatives],
        "planning": [{"id": e.pk, "term": e.term.name, "position_id": e.position_id, "position": e.position.title,
                      "added_on": e.added_on, "removed_on": e.removed_on} for e in record.planning],
        "flags": [_flag(f) for f in record.flags or []],
    }


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS})
@paginate(KeysetPager, keys=("sort_key", "id"), name="people")
def people_list(request: AuthedRequest, filters: Query[PeopleFilters]) -> Any:
    """People the caller may see, in Vietnamese name order; `q` ignores diacritics. Logged once per call."""
    return people.person_list(user=request.user, filters=people.PersonFilters(**filters.dict()), via="api")


# --- Excel: import (all or nothing), export (logged), template ----------------------------------------
# Declared before `/people/{person_id}`: the first matching path wins.




@router.post("/people/import", response={200: ImportOut, **WRITE_ERRORS, **IMPORT_ERRORS})
def people_import(request: AuthedRequest, file: File[UploadedFile], dry_run: Form[bool] = False) -> Any:
    """Import a .xlsx workbook, all rows or none (422 lists each error); people managers, in their scope.
    Counts: people, assignments, positions, ratings, disciplines."""
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập hồ sơ cán bộ."))
    form = PeopleImportForm(data={"dry_run": dry_run}, files=MultiValueDict({"file": [file]}))
    if not form.is_valid():
        raise ValidationError({name: list(messages) for name, messages in form.errors.items()})
    result = excel.people_import(actor=request.user, file=form.cleaned_data["file"], dry_run=dry_run)
    return import_out(result) if result.ok else import_refused(result)


class ExportFilters(In):
    q: str = ""
    unit: Id | None = None


@router.get("/people/export", response=READ_ERRORS, openapi_extra=binary("The people workbook (.xlsx).", XLSX))
def people_export(request: AuthedRequest, filters: Query[ExportFilters]) -> HttpResponse:
    """The people the caller may see (filtered by `q`, `unit`) as the four-sheet workbook; logged (via="api")."""
    if not permissions.can_read_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ cán bộ."))
    qs = excel.people_filter(user=request.user, q=filters.q, unit=filters.unit)
    return file_response(excel.people_export(user=request.user, qs=qs, via="api"),
                         f"ho-so-can-bo-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@router.get("/people/template", response=READ_ERRORS, openapi_extra=binary("The import template (.xlsx).", XLSX))
def people_import_template(request: AuthedRequest) -> HttpResponse:
    """The import template: the four sheets with an example row, the unit list and the accepted values."""
    return file_response(excel.people_import_template(), "mau-nhap-ho-so-can-bo.xlsx", XLSX)


# --- One record and its sections --------------------------------------------------------------------------

@router.get("/people/{person_id}", response={200: PersonDetailOut, **READ_ERRORS})
def person_detail(request: AuthedRequest, person_id: int) -> Any:
    """One record (404 outside the caller's scope); the view is logged with via="api"."""
    return _record(request, people.person_get(user=request.user, pk=person_id, via="api"))


class PersonCreateIn(In):
    code: str = Field(min_length=1, max_length=32)
    full_name: str = Field(min_length=1, max_length=150)
    birth_date: Day
    gender: str
    service_kind: Kind = Field("", description=KIND_DESCRIPTION)
    unit_id: Id
    party_joined_on: Day | None = None
    education: str = Field("", max_length=200)
    expertise: str = ""
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=300)
    id_number: str = Field("", max_length=20)


class PersonUpdateIn(In):
    """Only the fields sent change; `reason` goes to the change record."""

    code: str | None = Field(None, min_length=1, max_length=32)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    birth_date: Day | None = None
    gender: str | None = None
    service_kind: Kind | None = Field(None, description=KIND_DESCRIPTION)
    party_joined_on: Day | None = None
    education: str | None = Field(None, max_length=200)
    expertise: str | None = None
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=300)
    id_number: str | None = Field(None, max_length=20)
    reason: str = ""


def _check_code(code: str | None) -> None:
    if code is not None and not code.strip():
        raise ValidationError({"code": _("Nhập mã hồ sơ.")})


@router.post("/people", response={201: PersonDetailOut, **WRITE_ERRORS})
def person_create(request: AuthedRequest, payload: PersonCreateIn) -> Any:
    """Create a record in a unit of the caller's scope (administrators, the standing office, personnel officers)."""
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ cán bộ."))
    choice_check("gender", payload.gender, Gender.values)
    _check_code(payload.code)
    _check_email(payload.email)
    data = payload.dict()
    unit = people.person_filter_unit_find(user=request.user, pk=data.pop("unit_id"))
    if unit is None:
        raise ValidationError({"unit_id": _("Không có đơn vị này trong phạm vi bạn quản lý.")})
    person = services.person_create(actor=request.user, unit=unit, **data)
    return HttpStatus(201, _record(request, people.person_get(user=request.user, pk=person.pk, via="api")))


@router.patch("/people/{person_id}", response={200: PersonDetailOut, **WRITE_ERRORS})
def person_update(request: AuthedRequest, person_id: int, payload: PersonUpdateIn) -> Any:
    """Change the fields sent; the sensitive ones only by those who may see them (403 otherwise)."""
    person = people.person_for_update(user=request.user, pk=person_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    required: dict[str, Any] = {name: _("Trường “%(field)s” bắt buộc phải có.") % {"field": name}
                for name in ("code", "full_name", "birth_date", "gender") if name in changes and changes[name] is None}
    if required:
        raise ValidationError(required)
    changes.update({name: "" for name, value in changes.items() if value is None and name != "party_joined_on"})
    choice_check("gender", changes.get("gender"), Gender.values)
    _check_code(changes.get("code"))
    _check_email(changes.get("email"))
    services.person_update(actor=request.user, person=person, reason=reason, **changes)
    return _record(request, people.person_get(user=request.user, pk=person.pk, via="api"))


@router.get("/people/{person_id}/flags", response={200: list[FlagOut], **READ_ERRORS})
def person_flag_list(request: AuthedRequest, person_id: int, on: Day | None = None) -> Any:
    """The person's warnings on `on` (default today) with their legal basis; the view is logged (via="api")."""
    person = people.person_get(user=request.user, pk=person_id, via="api")
    return [_flag(f) for f in person_flags(person=person, on=on or timezone.localdate())]


class AssignmentIn(In):
    position_id: Id
    kind: str
    start: Day
    end: Day | None = None
    decision: str = Field("", max_length=64)


@router.post("/people/{person_id}/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def person_assignment_add(request: AuthedRequest, person_id: int, payload: AssignmentIn) -> Any:
    """Record a stretch of service (the open one ends the day before); posts of the caller's scope only."""
    person = people.person_for_update(user=request.user, pk=person_id)
    choice_check("kind", payload.kind, AssignmentKind.values)
    position = people.person_position_find(user=request.user, pk=payload.position_id)
    if position is None:
        raise ValidationError({"position_id": _("Không có chức danh này trong phạm vi bạn quản lý.")})
    data = payload.dict()
    del data["position_id"]
    return HttpStatus(201, _assignment(services.assignment_add(
        actor=request.user, person=person, position=position, **data)))


class RatingIn(In):
    level: str


@router.put("/people/{person_id}/ratings/{year}", response={200: RatingOut, **WRITE_ERRORS})
def person_rating_set(request: AuthedRequest, person_id: int, year: int, payload: RatingIn) -> Any:
    """Set (or correct) the year's rating (xếp loại chất lượng); one per year."""
    person = people.person_for_update(user=request.user, pk=person_id)
    choice_check("level", payload.level, RatingLevel.values)
    rating = services.rating_set(actor=request.user, person=person, year=year, level=payload.level)
    return {"id": rating.pk, "year": rating.year, "level": rating.level}


class DisciplineIn(In):
    system: str
    form: str
    decided_on: Day
    decided_by: str = Field(max_length=200)
    reason: str = ""


@router.post("/people/{person_id}/disciplines", response={201: DisciplineOut, **WRITE_ERRORS})
def person_discipline_add(request: AuthedRequest, person_id: int, payload: DisciplineIn) -> Any:
    """Record a disciplinary decision. The form must exist in that system on the decision's date (and the forms for
    leaders need a leading post held that day): otherwise 422 with the reason and its source. Its three bars
    (planning, appointment to a higher post, promotion in grade) follow from the system, form and date."""
    person = people.person_for_update(user=request.user, pk=person_id)
    choice_check("system", payload.system, DisciplineSystem.values)
    choice_check("form", payload.form, DisciplineForm.values)
    d = services.discipline_add(actor=request.user, person=person, **payload.dict())
    return HttpStatus(201, _discipline(d))


class DeferralIn(In):
    kind: str
    start: Day
    end: Day | None = None
    note: str = ""


@router.post("/people/{person_id}/deferrals", response={201: DeferralOut, **WRITE_ERRORS})
def person_deferral_add(request: AuthedRequest, person_id: int, payload: DeferralIn) -> Any:
    """Record a situation that defers a periodic position change (Decree 59/2019 Art. 37)."""
    person = people.person_for_update(user=request.user, pk=person_id)
    choice_check("kind", payload.kind, DeferralKind.values)
    d = services.deferral_add(actor=request.user, person=person, **payload.dict())
    return HttpStatus(201, {"id": d.pk, "kind": d.kind, "start": d.start, "end": d.end, "note": d.note})


class RelativeIn(In):
    """`relative_id` is a record the caller may see; it is the person's <relation>."""

    relative_id: Id
    relation: str


@router.post("/people/{person_id}/relatives", response={201: RelativeOut, **WRITE_ERRORS})
def person_relative_link(request: AuthedRequest, person_id: int, payload: RelativeIn) -> Any:
    """Link a relative both ways (parent and child, spouses, siblings); both records in the caller's scope."""
    person = people.person_for_update(user=request.user, pk=person_id)
    choice_check("relation", payload.relation, Relation.values)
    relative = people.person_visible_find(user=request.user, pk=payload.relative_id)
    if relative is None:
        raise ValidationError({"relative_id": _("Không tìm thấy hồ sơ này trong phạm vi bạn được xem.")})
    link = services.relative_link(actor=request.user, person=person, relative=relative, relation=payload.relation)
    link.linkable = True  # type: ignore[attr-defined]
    return HttpStatus(201, _relative(link))


# --- Posts (chức danh) the caller may assign people to --------------------------------------------------


class PositionOut(Schema):
    id: int
    unit_id: int
    unit: str
    title: str
    is_leader: bool
    level: int
    is_key_post: bool
    sector: str
    change_period_months: int | None
    headcount: int

    @staticmethod
    def resolve_unit(obj: Position) -> str:
        return obj.unit.name


class PositionFilters(Schema):
    unit: Id | None = None


@router.get("/positions", response={200: list[PositionOut], **READ_ERRORS}, tags=["positions"])
@paginate(Pager)
def position_list(request: AuthedRequest, filters: Query[PositionFilters]) -> Any:
    """Posts of the caller's scope (all for administrators and the standing office; empty for other roles)."""
    return people.person_positions_of_unit(user=request.user, unit_id=filters.unit)


@router.get("/positions/{position_id}", response={200: PositionOut, **READ_ERRORS}, tags=["positions"])
def position_detail(request: AuthedRequest, position_id: int) -> Any:
    """One post of the caller's scope (404 otherwise)."""
    return people.person_position_get(user=request.user, pk=position_id)
