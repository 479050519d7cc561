"""API: cadre records, in the same scope as the pages; every record view is logged."""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from chidao.core.http import AuthedRequest
from chidao.personnel import selectors as people
from chidao.personnel.models import Person

from .common import READ_ERRORS, Pager

router = Router(tags=["people"])

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


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS})
@paginate(Pager)
def people_list(request: AuthedRequest, filters: Query[PeopleFilters]) -> Any:
    """People the caller may see, in Vietnamese name order; `q` ignores diacritics. Logged once per call."""
    return people.person_list(user=request.user, filters=people.PersonFilters(**filters.dict()), via="api")


@router.get("/people/{person_id}", response={200: PersonDetailOut, **READ_ERRORS})
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


