"""API: cadre planning (quy hoạch: terms, entries, yearly review, key-post coverage) and the access log of
personnel records (split out of `api.people` along that seam; paths and operation ids unchanged)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from chidao.core.errors import ValidationError
from chidao.core.http import AuthedRequest
from chidao.personnel import planning
from chidao.personnel import selectors as people
from chidao.personnel.access_labels import access_action_label, access_detail_text, access_entries_describe
from chidao.personnel.models import (
    AccessLog,
    PlanningEntry,
    PlanningTerm,
)

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import Id, In
from .people import Day

OPERATION_MODULE = "chidao.api.people"  # operation ids as before the split
router = Router(tags=["people"])


# --- Planning (quy hoạch): terms, entries, yearly review, key-post coverage ---------------------------


class TermOut(Schema):
    id: int
    name: str
    start_year: int
    end_year: int
    active_count: int


class TermIn(In):
    name: str = Field(max_length=32)
    start_year: int = Field(ge=1990, le=2100)
    end_year: int = Field(ge=1990, le=2100)


class EntryOut(Schema):
    """A person planned for a post in a term; `removed_on` and `removed_reason` once taken out."""

    id: int
    term_id: int
    person_id: int
    code: str
    full_name: str
    current_position: str | None
    position_id: int
    position: str
    position_unit: str
    level: int
    added_on: dt.date
    added_reason: str
    removed_on: dt.date | None
    removed_reason: str

    @staticmethod
    def resolve_code(obj: PlanningEntry) -> str:
        return obj.person.code

    @staticmethod
    def resolve_full_name(obj: PlanningEntry) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_current_position(obj: PlanningEntry) -> str | None:
        return obj.person.position.title if obj.person.position else None

    @staticmethod
    def resolve_position(obj: PlanningEntry) -> str:
        return obj.position.title

    @staticmethod
    def resolve_position_unit(obj: PlanningEntry) -> str:
        return obj.position.unit.name

    @staticmethod
    def resolve_level(obj: PlanningEntry) -> int:
        return obj.position.level


class EntryFilters(Schema):
    removed: bool = False


class EntryIn(In):
    person_id: Id
    position_id: Id
    on: Day
    reason: str = Field("", max_length=500)


class EntryRemoveIn(In):
    on: Day
    reason: str = Field(max_length=500)


class AsOf(Schema):
    on: Day | None = None


class ProposalOut(Schema):
    """A proposal of the yearly review to take an entry out, with its reason and legal basis."""

    entry_id: int
    person_id: int
    full_name: str
    position_id: int
    position: str
    kind: str
    reason: str
    basis: str


class CoverageRowOut(Schema):
    """People planned for a key post (or all of them, `position_id` null) against the women and young targets."""

    position_id: int | None
    position: str | None
    unit: str | None
    count: int
    max_people: int
    women: int
    young: int
    women_percent: float | None
    young_percent: float | None
    women_target: int
    young_target: int
    women_met: bool
    young_met: bool


class CoverageOut(Schema):
    on: dt.date
    rows: list[CoverageRowOut]
    total: CoverageRowOut


def _term(request: AuthedRequest, term_id: int) -> PlanningTerm:
    return planning.planning_term_get(user=request.user, pk=term_id)


@router.get("/planning/terms", response={200: list[TermOut], **READ_ERRORS}, tags=["planning"])
@paginate(Pager)
def planning_term_list(request: AuthedRequest) -> Any:
    """Planning terms with their count of active entries (people managers only)."""
    return planning.planning_terms(user=request.user)


@router.post("/planning/terms", response={201: TermOut, **WRITE_ERRORS}, tags=["planning"])
def planning_term_create(request: AuthedRequest, payload: TermIn) -> Any:
    """Open a planning term, e.g. 2025-2030 (people managers only)."""
    term = planning.planning_term_create(actor=request.user, **payload.dict())
    return HttpStatus(201, {"id": term.pk, "name": term.name, "start_year": term.start_year,
                            "end_year": term.end_year, "active_count": 0})


@router.get("/planning/terms/{term_id}", response={200: TermOut, **READ_ERRORS}, tags=["planning"])
def planning_term_detail(request: AuthedRequest, term_id: int) -> Any:
    """One planning term with its count of active entries (people managers only)."""
    return planning.planning_term_counted_get(user=request.user, pk=term_id)


@router.get("/planning/terms/{term_id}/entries", response={200: list[EntryOut], **READ_ERRORS}, tags=["planning"])
@paginate(Pager)
def planning_entry_list(request: AuthedRequest, term_id: int, filters: Query[EntryFilters]) -> Any:
    """Active entries by post (highest first), or with `removed` those taken out; the caller's scope; logged."""
    term = _term(request, term_id)
    if filters.removed:
        return planning.planning_removed_entries(user=request.user, term=term, via="api").select_related(
            "position__unit", "person__position")
    return [e for group in planning.planning_entries_by_post(user=request.user, term=term, via="api")
            for e in group.entries]


@router.post("/planning/terms/{term_id}/entries", response={201: EntryOut, **WRITE_ERRORS}, tags=["planning"])
def planning_entry_add(request: AuthedRequest, term_id: int, payload: EntryIn) -> Any:
    """Plan a person for a higher post if Regulation 377-QĐ/TW allows it (422 names the broken rule's numbers)."""
    term = _term(request, term_id)
    person = people.person_visible_find(user=request.user, pk=payload.person_id)
    position = planning.planning_position_find(user=request.user, pk=payload.position_id)
    errors = {}
    if person is None:
        errors["person_id"] = _("Không tìm thấy hồ sơ này trong phạm vi bạn quản lý.")
    if position is None:
        errors["position_id"] = _("Không có chức danh lãnh đạo, quản lý này để quy hoạch.")
    if person is None or position is None:
        raise ValidationError(errors)
    entry = planning.planning_entry_add(actor=request.user, term=term, person=person, position=position,
                                        on=payload.on, reason=payload.reason)
    return HttpStatus(201, entry)


@router.post("/planning/entries/{entry_id}/remove", response={200: EntryOut, **WRITE_ERRORS}, tags=["planning"])
def planning_entry_remove(request: AuthedRequest, entry_id: int, payload: EntryRemoveIn) -> Any:
    """Take a person out of planning on `on` with a reason (required); the entry is kept."""
    entry = planning.planning_entry_get(user=request.user, pk=entry_id)
    planning.planning_entry_remove(actor=request.user, entry=entry, on=payload.on, reason=payload.reason)
    return planning.planning_entry_get(user=request.user, pk=entry_id)


@router.get("/planning/terms/{term_id}/review", response={200: list[ProposalOut], **READ_ERRORS},
            tags=["planning"])
@paginate(Pager)
def planning_review(request: AuthedRequest, term_id: int, filters: Query[AsOf]) -> Any:
    """The yearly review on `on` (default today): entries to take out, with reason and basis; logged."""
    term = _term(request, term_id)
    proposals = planning.planning_review(term=term, on=filters.on or timezone.localdate(), user=request.user,
                                         via="api")
    return [{"entry_id": p.entry.pk, "person_id": p.entry.person_id, "full_name": p.entry.person.full_name,
             "position_id": p.entry.position_id, "position": p.entry.position.title, "kind": p.code,
             "reason": p.reason, "basis": p.basis} for p in proposals]


def _coverage_row(row: planning.CoverageRow) -> dict[str, Any]:
    post = row.position
    return {"position_id": post.pk if post else None, "position": post.title if post else None,
            "unit": post.unit.name if post else None, "count": row.count, "max_people": row.max_people,
            "women": row.women, "young": row.young, "women_percent": row.women_percent,
            "young_percent": row.young_percent, "women_target": row.women_target, "young_target": row.young_target,
            "women_met": row.women_met, "young_met": row.young_met}


@router.get("/planning/terms/{term_id}/coverage", response={200: CoverageOut, **READ_ERRORS}, tags=["planning"])
def planning_coverage(request: AuthedRequest, term_id: int, filters: Query[AsOf]) -> Any:
    """Key posts on `on` (default today): people planned, women and young shares against the targets."""
    term = _term(request, term_id)
    on = filters.on or timezone.localdate()
    rows = planning.planning_coverage(term=term, on=on, user=request.user)
    return {"on": on, "rows": [_coverage_row(r) for r in rows],
            "total": _coverage_row(planning.planning_coverage_total(rows))}


# --- The access log (administrators and auditors) ------------------------------------------------------


class AccessLogOut(Schema):
    id: int
    at: dt.datetime
    user_id: int
    username: str
    user_name: str
    person_id: int | None
    person: str | None
    action: str
    action_label: str
    detail: str
    detail_text: str

    @staticmethod
    def resolve_action_label(obj: AccessLog) -> str:
        return access_action_label(obj.action)

    @staticmethod
    def resolve_detail_text(obj: AccessLog) -> str:
        described = obj.__dict__.get("detail_text")  # given to a whole page by `_AccessPages`
        return described if described is not None else access_detail_text(obj.detail)

    @staticmethod
    def resolve_at(obj: AccessLog) -> dt.datetime:
        return timezone.localtime(obj.at)

    @staticmethod
    def resolve_username(obj: AccessLog) -> str:
        return obj.user.username

    @staticmethod
    def resolve_user_name(obj: AccessLog) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_person(obj: AccessLog) -> str | None:
        return obj.person.full_name if obj.person else None


class AccessLogFilters(In):
    q: str = ""
    person: Id | None = None
    start: Day | None = None
    end: Day | None = None
    who: str = ""
    action: str = ""


class _AccessPages:
    """The access log read a page (a slice) at a time, each page described with one query for every unit its
    entries name (`access_entries_describe`), as the page does; the pager counts it as a queryset."""

    def __init__(self, entries: Any) -> None:
        self.entries = entries

    def all(self) -> "_AccessPages":
        return self

    def count(self) -> int:
        return int(self.entries.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[AccessLog]:
        return access_entries_describe(self.entries[index])


@router.get("/access-log", response={200: list[AccessLogOut], **READ_ERRORS}, tags=["people"])
@paginate(Pager)
def access_log(request: AuthedRequest, filters: Query[AccessLogFilters]) -> Any:
    """Who read which record, when and how, latest first; filter by person and days (administrators, auditors)."""
    return _AccessPages(people.access_log_list(user=request.user, q=filters.q, person=filters.person,
                                               start=filters.start, end=filters.end, who=filters.who,
                                               action=filters.action))
