"""API: rotation rounds, their due lists and plans, over the same services as the pages (`rotation.due`,
`rotation.plan`). Only those who manage cadre records (personnel officers for their subtree, the standing
office and administrators) use it: others get 403; a round outside the caller's scope is 404."""

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from chidao.core import selectors as core_selectors
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.signing import pdf_signed
from chidao.personnel.models import Position
from chidao.personnel.services import can_manage_people
from chidao.rotation import due, plan
from chidao.rotation import selectors as rotation_selectors
from chidao.rotation.models import DueEntry, DueStatus, Move, RotationRound, RoundKind

from .common import MAX_PAGE, READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import DOCX, PDF, Id, In, binary, choice_check, file_response

router = Router(tags=["rotation"])

DOCUMENT_TYPES = {"docx": DOCX, "pdf": PDF}


# --- Schemas ------------------------------------------------------------------------------------------


class DueCountsOut(Schema):
    due: int
    deferred: int
    not_yet: int
    exempt: int
    not_target: int
    total: int
    included: int


class RoundOut(Schema):
    id: int
    name: str
    year: int
    kind: str
    scope_id: int
    scope: str
    state: str
    as_of: dt.date
    effective_on: dt.date | None
    unit_cap_percent: int
    decision_number: str
    entry_count: int
    due_count: int
    included_count: int

    @staticmethod
    def resolve_scope(obj: Any) -> str:
        return obj["scope"] if isinstance(obj, dict) else obj.scope.name


class RoundDetailOut(RoundOut):
    """The round with its due list counts per status and whether the list may still change."""

    editable: bool
    counts: DueCountsOut
    progress: int
    message: str
    solver_status: str
    solver_objective: int | None
    solver_lower_bound: int | None
    solver_seconds: float | None


class RoundIn(In):
    name: str = Field(max_length=200)
    year: int
    kind: str
    scope_id: Id
    as_of: dt.date
    unit_cap_percent: int | None = None


class DueEntryOut(Schema):
    id: int
    round_id: int
    person_id: int
    code: str
    full_name: str
    position_id: int | None
    position: str | None
    unit: str | None
    status: str
    reasons: list[str]
    basis: str
    due_on: dt.date | None
    included: bool
    added_reason: str
    choice_reason: str

    @staticmethod
    def resolve_code(obj: DueEntry) -> str:
        return obj.person.code

    @staticmethod
    def resolve_full_name(obj: DueEntry) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_position(obj: DueEntry) -> str | None:
        return obj.position.title if obj.position else None

    @staticmethod
    def resolve_unit(obj: DueEntry) -> str | None:
        return obj.position.unit.name if obj.position else None

    @staticmethod
    def resolve_choice_reason(obj: DueEntry) -> str:
        return getattr(obj, "choice_reason", "")


class DueFilters(In):
    status: str = ""


class FlaggedAddIn(In):
    code: str = Field(max_length=32)
    reason: str = Field("", max_length=1000)


class IncludeIn(In):
    included: bool
    reason: str = Field("", max_length=1000)


class AlternativeOut(Schema):
    position_id: int
    title: str
    unit: str
    cost: int
    taken_by: str
    reasons: list[str] = Field(default_factory=list, description="why the post fits (level, unit, expertise, free "
                                                                  "or left by whom); empty for plans made before")


class MoveOut(Schema):
    id: int
    person_id: int
    code: str
    full_name: str
    from_position_id: int | None
    from_position: str | None
    to_position_id: int | None
    to_position: str | None
    cost: int | None
    reasons: list[str]
    alternatives: list[AlternativeOut]
    unplaced_reason: str
    source: str
    violations: list[str]
    override_reason: str
    applied_assignment_id: int | None

    @staticmethod
    def resolve_code(obj: Move) -> str:
        return obj.person.code

    @staticmethod
    def resolve_full_name(obj: Move) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_from_position(obj: Move) -> str | None:
        return str(obj.from_position) if obj.from_position else None

    @staticmethod
    def resolve_to_position(obj: Move) -> str | None:
        return str(obj.to_position) if obj.to_position else None


class PlanOut(Schema):
    """The plan as the page shows it: the solver's figures, the moves with their reasons and alternatives (or
    why a person is not placed) and what the caller may do now."""

    round_id: int
    state: str
    decision_number: str
    document_number: str | None = Field(None, description="the plan's own number from the register, once published")
    effective_on: dt.date | None
    progress: int
    message: str
    solver_status: str
    solver_objective: int | None
    solver_lower_bound: int | None
    solver_seconds: float | None
    placed: int
    unplaced: int
    with_violations: int
    due_included: int
    can_request: bool
    can_edit: bool
    can_approve: bool
    can_publish: bool
    can_apply: bool
    can_download: bool
    moves_count: int = Field(description="all the plan's moves; `moves` holds one page of them")
    page: int
    page_size: int
    moves: list[MoveOut]


class PlanPaging(In):
    """A city-wide round proposes tens of thousands of moves: they come one page at a time, in name order
    (a page past the last gives the last page)."""

    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=200)


class MoveEditIn(In):
    position_id: Id | None = Field(description="the post to move to; null: not placed")
    reason: str = Field("", max_length=2000)


class MoveSwapIn(In):
    first_move_id: Id
    second_move_id: Id
    reason: str = Field("", max_length=2000, description="required when the swap breaks a rule")


class PostSearch(In):
    q: str = Field("", max_length=200, description="words of the post's title, unit or parent unit (no diacritics "
                                                   "needed)")
    move_id: Id | None = Field(None, description="the move being edited: its own post is not reported as taken")


class PostHitOut(Schema):
    id: int
    title: str
    unit: str
    parent_unit: str | None
    label: str = Field(description='"title — unit, parent unit"')
    status: str = Field(description="free (nobody holds it, or a mover leaves it), taken (the plan gives it to "
                                    "someone), held (its holder stays)")
    note: str = Field(description="the status in words")
    taken_by: str


class PostSearchOut(Schema):
    results: list[PostHitOut]
    more: bool


class MoveCheckIn(In):
    position_id: Id | None = Field(None, description="the post to check; none: not placed")


class MoveCheckOut(Schema):
    violations: list[str] = Field(description="every rule the edit would break; empty: none")


class ApproveIn(In):
    decision_number: str = Field(max_length=64)


class PublishIn(In):
    effective_on: dt.date


# --- Rounds -------------------------------------------------------------------------------------------


def _round_detail(rnd: RotationRound) -> dict[str, Any]:
    counts = due.due_counts(round=rnd)
    return {
        **{name: getattr(rnd, name) for name in (
            "id", "name", "year", "kind", "scope_id", "state", "as_of", "effective_on", "unit_cap_percent",
            "decision_number", "progress", "message", "solver_status", "solver_objective", "solver_lower_bound",
            "solver_seconds")},
        "scope": rnd.scope.name, "entry_count": counts["total"], "due_count": counts[DueStatus.DUE],
        "included_count": counts["included"], "counts": counts, "editable": due.round_is_editable(rnd),
    }


@router.get("/rotation/rounds", response={200: list[RoundOut], **READ_ERRORS})
@paginate(Pager)
def round_list(request: AuthedRequest) -> Any:
    """Rounds the caller sees (all for the office and administrators, their subtree's for a personnel
    officer), newest first, with the size of each due list; others get 403."""
    return due.round_list(user=request.user)


@router.post("/rotation/rounds", response={201: RoundDetailOut, **WRITE_ERRORS})
def round_create(request: AuthedRequest, payload: RoundIn) -> Any:
    """Open a round for a unit and its subtree (a personnel officer only within their own subtree)."""
    if not can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem, quản lý luân chuyển, chuyển đổi vị trí công tác."))
    choice_check("kind", payload.kind, RoundKind.values)
    scope = core_selectors.unit_in_force_find(pk=payload.scope_id)
    if scope is None:
        raise ValidationError({"scope_id": _("Không có đơn vị id=%(v)s.") % {"v": payload.scope_id}})
    rnd = due.round_create(actor=request.user, name=payload.name, year=payload.year, kind=payload.kind, scope=scope,
                           as_of=payload.as_of, unit_cap_percent=payload.unit_cap_percent)
    return HttpStatus(201, _round_detail(due.round_get(user=request.user, pk=rnd.pk)))


@router.get("/rotation/rounds/{round_id}", response={200: RoundDetailOut, **READ_ERRORS})
def round_detail(request: AuthedRequest, round_id: int) -> Any:
    """One round with its due list counts per status (404 outside the caller's scope)."""
    return _round_detail(due.round_get(user=request.user, pk=round_id))


@router.post("/rotation/rounds/{round_id}/due-list", response={200: RoundDetailOut, **WRITE_ERRORS})
def round_due_build(request: AuthedRequest, round_id: int) -> Any:
    """Compute (again) the due list as of the round's date, as "Lập danh sách đến hạn" does; only while the
    round is a draft or has a proposed plan."""
    rnd = due.round_get(user=request.user, pk=round_id)
    due.due_list_build(actor=request.user, round=rnd)
    return _round_detail(due.round_get(user=request.user, pk=round_id))


@router.get("/rotation/rounds/{round_id}/due-entries", response={200: list[DueEntryOut], **READ_ERRORS})
@paginate(Pager)
def due_entry_list(request: AuthedRequest, round_id: int, filters: Query[DueFilters]) -> Any:
    """The due list: each person with their status, reasons, legal basis, due date and whether they are in the
    plan, in status order then by Vietnamese name; `status` keeps one status."""
    rnd = due.round_get(user=request.user, pk=round_id)
    if filters.status:
        choice_check("status", filters.status, DueStatus.values)
    return due.due_entries(user=request.user, round=rnd, status=filters.status or None,
                           round_counts=due.due_counts(round=rnd))


def _entry(request: AuthedRequest, entry: DueEntry) -> DueEntry:
    """The entry as the list shows it (with the reason of the last choice)."""
    return next(iter(due.due_entries(user=request.user, round=entry.round, entry_pk=entry.pk)), entry)


@router.post("/rotation/rounds/{round_id}/due-entries", response={201: DueEntryOut, **WRITE_ERRORS})
def due_entry_add(request: AuthedRequest, round_id: int, payload: FlaggedAddIn) -> Any:
    """Add a person showing signs of not completing duties (by record code) as due, with a written reason."""
    rnd = due.round_get(user=request.user, pk=round_id)
    person = due.due_person_by_code(user=request.user, code=payload.code)
    if person is None:
        raise ValidationError({"code": _("Không tìm thấy hồ sơ mã %(c)s trong phạm vi bạn quản lý.") % {
            "c": payload.code}})
    entry = due.due_entry_add_flagged(actor=request.user, round=rnd, person=person, reason=payload.reason)
    entry = due.due_entry_get(user=request.user, pk=entry.pk)
    return HttpStatus(201, _entry(request, entry))


@router.post("/rotation/due-entries/{entry_id}/inclusion", response={200: DueEntryOut, **WRITE_ERRORS})
def due_entry_include(request: AuthedRequest, entry_id: int, payload: IncludeIn) -> Any:
    """Put a person into the plan (`included: true`) or take them out, with a written reason."""
    entry = due.due_entry_get(user=request.user, pk=entry_id)
    due.due_entry_set_included(actor=request.user, entry=entry, included=payload.included, reason=payload.reason)
    return _entry(request, due.due_entry_get(user=request.user, pk=entry_id))


# --- Plan ---------------------------------------------------------------------------------------------


def _plan(request: AuthedRequest, rnd: RotationRound, paging: PlanPaging | None = None) -> dict[str, Any]:
    paging = paging or PlanPaging(page=1, page_size=50)
    view = plan.plan_get(user=request.user, round=rnd, page=paging.page, per_page=paging.page_size)
    r = view.round
    shown = view.page
    return {
        "round_id": r.pk,
        "document_number": r.document.number_text if r.document_id and r.document else None,
        "moves_count": view.placed + view.unplaced,
        "page": shown.number if shown is not None else 1,
        "page_size": paging.page_size,
        **{name: getattr(r, name) for name in (
            "state", "decision_number", "effective_on", "progress", "message", "solver_status", "solver_objective",
            "solver_lower_bound", "solver_seconds")},
        **{name: getattr(view, name) for name in (
            "placed", "unplaced", "with_violations", "due_included", "can_request", "can_edit", "can_approve",
            "can_publish", "can_apply", "can_download", "moves")},
    }


@router.get("/rotation/rounds/{round_id}/plan", response={200: PlanOut, **READ_ERRORS})
def plan_detail(request: AuthedRequest, round_id: int, paging: Query[PlanPaging]) -> Any:
    """The round's plan: solver status, cost and lower bound, progress while solving, and one page of the moves
    (`page`, `page_size` ≤ 200) with their reasons, alternatives, rule breaks, or why the person is not placed."""
    return _plan(request, plan.plan_round_get(user=request.user, pk=round_id), paging)


@router.post("/rotation/rounds/{round_id}/plan/solve", response={202: PlanOut, **WRITE_ERRORS})
def plan_solve(request: AuthedRequest, round_id: int) -> Any:
    """Queue a solver run in the background, as "Lập phương án" does (a re-run from a proposed plan); poll the
    plan for its progress."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    plan.plan_request(actor=request.user, round=rnd)
    return HttpStatus(202, _plan(request, plan.plan_round_get(user=request.user, pk=round_id)))


def _target(position_id: int | None) -> Position | None:
    """The post a hand edit names (None: not placed); 422 when there is no such post."""
    if position_id is None:
        return None
    position = rotation_selectors.move_target_find(pk=position_id)
    if position is None:
        raise ValidationError({"position_id": _("Không có chức danh mã %(p)s.") % {"p": position_id}})
    return position


@router.patch("/rotation/rounds/{round_id}/plan/moves/{move_id}", response={200: PlanOut, **WRITE_ERRORS})
def move_edit(request: AuthedRequest, round_id: int, move_id: int, payload: MoveEditIn) -> Any:
    """Change one move by hand (`position_id` null: not placed). A change that breaks a rule needs a written
    `reason` (422 naming the rules otherwise); the rules it breaks are kept on the move."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    move = rotation_selectors.plan_move_get(round=rnd, pk=move_id)
    position = _target(payload.position_id)
    plan.move_edit(actor=request.user, move=move, to_position=position, reason=payload.reason)
    return _plan(request, rnd)


@router.get("/rotation/rounds/{round_id}/plan/positions", response={200: PostSearchOut, **READ_ERRORS})
def plan_position_search(request: AuthedRequest, round_id: int, filters: Query[PostSearch]) -> Any:
    """Posts a hand edit of the round may name, by words of the title, unit or parent unit (diacritics ignored; at
    most 20, `more` when there are others): inside the round's scope and the caller's reach (a personnel officer:
    their subtree), each with where it stands in the plan (free, taken by whom, held by whom)."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    move = rotation_selectors.plan_move_get(round=rnd, pk=filters.move_id) if filters.move_id else None
    hits, more = rotation_selectors.plan_position_search(user=request.user, round=rnd, q=filters.q, move=move)
    return {"more": more, "results": [{
        "id": h.position.pk, "title": h.position.title, "unit": h.position.unit.name,
        "parent_unit": h.position.unit.parent.name if h.position.unit.parent else None, "label": h.label,
        "status": h.status, "note": h.note, "taken_by": h.taken_by} for h in hits]}


@router.get("/rotation/rounds/{round_id}/plan/moves/{move_id}/check", response={200: MoveCheckOut, **READ_ERRORS})
def move_check(request: AuthedRequest, round_id: int, move_id: int, filters: Query[MoveCheckIn]) -> Any:
    """Every rule moving this move's person to `position_id` (none: not placed) would break, before the edit is
    made; empty when it breaks none."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    move = rotation_selectors.plan_move_get(round=rnd, pk=move_id)
    position = _target(filters.position_id)
    return {"violations": plan.move_check(user=request.user, move=move, to_position=position)}


@router.post("/rotation/rounds/{round_id}/plan/swap", response={200: PlanOut, **WRITE_ERRORS})
def move_swap(request: AuthedRequest, round_id: int, payload: MoveSwapIn) -> Any:
    """Swap the proposed posts of two people of the plan (a side not placed passes "not placed" over); both are
    re-checked together, and a swap that breaks a rule needs a written `reason` (422 naming the rules otherwise)."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    first = rotation_selectors.plan_move_get(round=rnd, pk=payload.first_move_id)
    second = rotation_selectors.plan_move_get(round=rnd, pk=payload.second_move_id)
    plan.move_swap(actor=request.user, round=rnd, first=first, second=second, reason=payload.reason)
    return _plan(request, rnd)


@router.post("/rotation/rounds/{round_id}/plan/approve", response={200: PlanOut, **WRITE_ERRORS})
def plan_approve(request: AuthedRequest, round_id: int, payload: ApproveIn) -> Any:
    """Approve the proposed plan with the decision's number (the standing office and administrators only)."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    plan.plan_approve(actor=request.user, round=rnd, decision_number=payload.decision_number)
    return _plan(request, rnd)


@router.post("/rotation/rounds/{round_id}/plan/publish", response={200: PlanOut, **WRITE_ERRORS})
def plan_publish(request: AuthedRequest, round_id: int, payload: PublishIn) -> Any:
    """Publish the approved plan inside the agency with the date it takes effect."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    plan.plan_publish(actor=request.user, round=rnd, effective_on=payload.effective_on)
    return _plan(request, rnd)


@router.post("/rotation/rounds/{round_id}/plan/apply", response={200: PlanOut, **WRITE_ERRORS})
def plan_apply(request: AuthedRequest, round_id: int) -> Any:
    """Write the published plan to the service history (today must be on or after its effective date)."""
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    plan.plan_apply(actor=request.user, round=rnd, on=timezone.localdate())
    return _plan(request, rnd)


def _document(request: AuthedRequest, round_id: int, fmt: str) -> HttpResponse:
    rnd = plan.plan_round_get(user=request.user, pk=round_id)
    content, name = plan.plan_publish_document(user=request.user, round=rnd, fmt=fmt)
    response = file_response(content, name, DOCUMENT_TYPES[fmt])
    if fmt == "pdf":  # whether the issuing body's digital signature is on it (no key configured: unsigned)
        response["X-Chidao-Signed"] = "1" if pdf_signed(content) else "0"
    return response


@router.get("/rotation/rounds/{round_id}/plan/document.docx", response=READ_ERRORS,
            openapi_extra=binary("The plan as Word", DOCUMENT_TYPES["docx"]))
def plan_document_docx(request: AuthedRequest, round_id: int) -> Any:
    """The approved (or published, applied) plan as a Word document; the export is logged."""
    return _document(request, round_id, "docx")


@router.get("/rotation/rounds/{round_id}/plan/document.pdf", response=READ_ERRORS,
            openapi_extra=binary("The plan as PDF", DOCUMENT_TYPES["pdf"]))
def plan_document_pdf(request: AuthedRequest, round_id: int) -> Any:
    """The approved (or published, applied) plan as a PDF document; the export is logged."""
    return _document(request, round_id, "pdf")
