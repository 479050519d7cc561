"""The plan of a round, from the solver to the service records (services and selectors).

draft → solving (a background task: `plan_solve`) → proposed (moves, each with its reasons and the
next-best alternatives; editable by hand, every rule re-checked) → approved (decision number) →
published (effective date; the .docx/.pdf plan posted inside the agency) → applied (assignments
written to the service history on the effective date). Every step writes a change record.

Who: personnel officers for rounds of their subtree, the standing office and administrators for
all (`RotationRound.objects.visible_to`); approval is for the office and administrators only.
"""

import datetime as dt
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate, Listing

from chidao.core import register
from chidao.core.audit import change_record_create, snapshot
from chidao.core.documents import (
    DEFAULT_TEMPLATES,
    GENERIC_HEAD,
    HEAD_TITLES,
    document_fields,
    document_format,
    vn_long_date,
)
from chidao.core.docx import docx_render
from chidao.core.limits import length_errors
from chidao.core.models import DocumentType, Issuer, OutgoingDocument, User
from chidao.core.signing import pdf_issue
from chidao.core.stamped import stamped
from chidao.personnel import services as personnel_services
from chidao.personnel.models import AccessLog, AssignmentKind, Person, Position
from chidao.personnel.permissions import can_manage_people

from .events import plan_published_notify
from .instance import (
    InstanceIndex,
    RoundContext,
    evaluate,
    instance_build,
    relation_label,
    unit_caps,
)
from .models import DueEntry, Move, MoveSource, RotationRound, RoundKind, RoundState
from .permissions import can_approve_plan, can_move_to_position

logger = logging.getLogger(__name__)

ROUND_FIELDS = ("state", "decision_number", "document", "effective_on", "solver_status", "solver_objective",
                "solver_lower_bound")
MOVE_FIELDS = ("to_position", "cost", "source", "violations", "override_reason", "unplaced_reason")
EDITABLE_STATES = (RoundState.DRAFT, RoundState.PROPOSED)
DOCUMENT_STATES = (RoundState.APPROVED, RoundState.PUBLISHED, RoundState.APPLIED)


# --- permission and reads ---------------------------------------------------------------------------


def _require_manager(actor: User, rnd: RotationRound) -> None:
    if not can_manage_people(actor):
        raise PermissionDenied(_("Bạn không có quyền lập, sửa phương án luân chuyển, chuyển đổi."))
    if not RotationRound.objects.visible_to(actor).filter(pk=rnd.pk).exists():
        raise PermissionDenied(_("Đợt này ngoài phạm vi quản lý của bạn."))


def plan_round_get(*, user: User, pk: int) -> RotationRound:
    """A round whose plan the user may see: 403 for those who manage no cadre records, 404 outside scope."""
    if not can_manage_people(user):
        raise PermissionDenied(_("Bạn không có quyền xem phương án luân chuyển, chuyển đổi."))
    rnd = RotationRound.objects.visible_to(user).select_related("scope").filter(pk=pk).first()
    if rnd is None:
        raise Http404(_("Không tìm thấy đợt hoặc bạn không có quyền xem."))
    return rnd


def _fresh(rnd: RotationRound) -> RotationRound:
    """The round locked for the write (PostgreSQL row lock; SQLite serialises writes anyway)."""
    return RotationRound.objects.select_for_update().select_related("scope").get(pk=rnd.pk)


def _touch(rnd: RotationRound, **changes: Any) -> None:
    """Write `changes` and mark the round changed: its `updated_at` keys the cached counts of its plan and due list
    (`plan_get`, `due.due_counts`)."""
    rnd.updated_at = timezone.now()
    RotationRound.objects.filter(pk=rnd.pk).update(updated_at=rnd.updated_at, **changes)
    for name, value in changes.items():
        setattr(rnd, name, value)


@dataclass
class MoveRow:
    move: Move
    # The posts the edit form offers: the current target, then the alternatives.
    options: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    # What the page adds to the row (the pickers of its edit area, rendered by the view).
    widgets: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanView:
    round: RotationRound
    moves: list[Move]
    placed: int
    unplaced: int
    with_violations: int
    due_included: int
    # What the user may do now (buttons shown).
    can_request: bool = False
    can_edit: bool = False
    can_approve: bool = False
    can_publish: bool = False
    can_apply: bool = False
    can_download: bool = False
    rows: list[MoveRow] = field(default_factory=list)
    page: Page | None = None  # the page of moves shown, when read a page at a time


def plan_get(*, user: User, round: RotationRound, page: int | str | None = None,  # noqa: A002
             per_page: int | None = None) -> PlanView:
    """The plan of a round as the page shows it: moves with people and posts, counts, and what may be done.

    With `per_page`, only that page of moves is read (`view.page` says which; a city-wide round has tens of
    thousands); the counts come from one aggregate query either way."""
    rnd = plan_round_get(user=user, pk=round.pk)
    ordered = Move.objects.filter(round=rnd).select_related(
        "person", "from_position__unit", "to_position__unit").order_by("person__sort_key", "pk")
    counts = stamped("plan_counts", (rnd.pk, rnd.updated_at), lambda: {
        **Move.objects.filter(round=rnd).aggregate(
            total=Count("pk"), placed=Count("pk", filter=Q(to_position__isnull=False)),
            with_violations=Count("pk", filter=~Q(violations=[]))),
        "due_included": DueEntry.objects.filter(round=rnd, included=True).count()})
    shown: Page | None = None
    if per_page is not None:
        paginator = Paginator(ordered, per_page)
        paginator.count = counts["total"]  # known: no second COUNT
        shown = paginator.get_page(page)
        moves = list(shown.object_list)
    else:
        moves = list(ordered)
    state = rnd.state
    view = PlanView(
        round=rnd, moves=moves, placed=counts["placed"], unplaced=counts["total"] - counts["placed"],
        with_violations=counts["with_violations"],
        due_included=counts["due_included"],
        can_request=state in EDITABLE_STATES, can_edit=state == RoundState.PROPOSED,
        can_approve=state == RoundState.PROPOSED and can_approve_plan(user) and counts["total"] > 0,
        can_publish=state == RoundState.APPROVED, can_download=state in DOCUMENT_STATES,
        can_apply=state == RoundState.PUBLISHED and rnd.effective_on is not None
        and rnd.effective_on <= timezone.localdate(),
        page=shown,
    )
    # Who the plan gives each alternative of the page to now (hand edits may have changed it since the solve).
    taken = _posts_taken(rnd, {alt["position_id"] for m in moves for alt in m.alternatives})
    for m in moves:
        opts = []
        if m.to_position_id:
            opts.append({"position_id": m.to_position_id, "label": str(m.to_position), "cost": m.cost, "taken_by": "",
                         "reasons": [], "current": True})
        for alt in m.alternatives:
            if alt["position_id"] != m.to_position_id:
                by = taken[alt["position_id"]].said(besides=m.pk) if alt["position_id"] in taken else ""
                opts.append({**alt, "label": f"{alt['title']}, {alt['unit']}", "taken_by": by,
                             "reasons": alt.get("reasons", []), "current": False})
        view.rows.append(MoveRow(move=m, options=opts))
    return view


TAKEN_NAMED = 3  # people named per post in "đang bố trí cho …"; the rest are counted


@dataclass
class PostTaken:
    """Who the plan gives a post to: the first few moves (pk, name) and how many in all."""

    named: list[tuple[int, str]]
    total: int

    def said(self, *, besides: int) -> str:
        names = [name for pk, name in self.named if pk != besides][:TAKEN_NAMED]
        rest = self.total - sum(1 for pk, _name in self.named if pk == besides) - len(names)
        text = ", ".join(names)
        if rest > 0:
            text = _("%(names)s và %(n)s người khác") % {"names": text, "n": number_format(rest, force_grouping=True)}
        return text


def _posts_taken(rnd: RotationRound, posts: set[int]) -> dict[int, PostTaken]:
    """`PostTaken` of each post in `posts` in two queries whatever the number of moves to each (a post of a
    national round may receive hundreds): per post, a count and the first few moves, each a short walk of the
    (round, post, id) index."""
    if not posts:
        return {}
    to_post = Move.objects.filter(round=rnd, to_position_id=OuterRef("pk")).order_by("pk")
    firsts = {f"m{i}": Subquery(to_post.values("pk")[i:i + 1]) for i in range(TAKEN_NAMED + 1)}
    rows = list(Position.objects.filter(pk__in=posts).order_by().annotate(
        total=Subquery(to_post.order_by().values("to_position_id").annotate(n=Count("pk")).values("n")),
        **firsts).values_list("pk", "total", *firsts))
    named = dict(Move.objects.filter(pk__in={m for row in rows for m in row[2:] if m}).order_by().values_list(
        "pk", "person__full_name"))
    return {row[0]: PostTaken(named=[(m, named[m]) for m in row[2:] if m], total=row[1]) for row in rows if row[1]}


# --- request and solve ------------------------------------------------------------------------------


@transaction.atomic
def plan_request(*, actor: User, round: RotationRound) -> RotationRound:  # noqa: A002
    """Queue a solver run (first run from draft, a re-run from proposed); the task writes its progress."""
    _require_manager(actor, round)
    rnd = _fresh(round)
    if rnd.state not in EDITABLE_STATES:
        raise ValidationError({"state": _("Chỉ lập phương án khi đợt ở tình trạng dự thảo hoặc đã có phương án "
                                          "(lập lại).")})
    if not DueEntry.objects.filter(round=rnd, included=True).exists():
        raise ValidationError({"due_entries": _("Chưa có người nào trong danh sách được đưa vào phương án.")})
    before = snapshot(rnd, ("state",))
    _touch(rnd, state=RoundState.SOLVING, progress=0, message=_("Đang chờ lập phương án"), solve_error="",
           solve_attempts=0, solve_task_id="")
    change_record_create(actor=actor, action="plan_request", obj=rnd, before=before, after={"state": rnd.state},
                         reason=_("Yêu cầu lập phương án"))
    from .tasks import plan_solve_task

    result = plan_solve_task.enqueue(rnd.pk, actor.pk)
    RotationRound.objects.filter(pk=rnd.pk, state=RoundState.SOLVING).update(solve_task_id=str(result.id)[:64])
    round.refresh_from_db()
    return round


def _solve(instance: dict[str, Any]) -> dict[str, Any]:
    """Run the solver. A mover's seat is free for another only if the mover is placed elsewhere, and the solver
    keeps that (the instance's `holds`), so its plan is lawful as it stands. A round must finish: past the time
    limit the solver returns its best lawful plan as "feasible", with its bound."""
    from chidao.optimizer import solve

    return solve(instance, time_limit=settings.CHIDAO_ROTATION["solver_seconds"])


def _alternative(index: InstanceIndex, cand: Any, taken_by: dict[str, str]) -> dict[str, Any]:
    """A ranked next candidate of a move, with why it fits (level, unit, expertise, free or left by whom)."""
    position = index.positions[cand.position]
    return {"position_id": position.pk, "title": position.title, "unit": position.unit.name, "cost": cand.cost,
            "taken_by": taken_by.get(cand.position, ""), "reasons": index.reasons(cand.official, cand.position)}


@transaction.atomic
def _plan_write(*, actor: User, rnd: RotationRound, index: InstanceIndex, plan: dict[str, Any]) -> None:
    """Replace the round's moves with the solver's plan: one move per included person."""
    shown = settings.CHIDAO_ROTATION["alternatives_shown"]
    assigned = {a["official"]: a for a in plan["assignments"]}
    unplaced = {u["official"]: u.get("reason", "") for u in plan.get("unplaced", [])}
    taken_by = {a["position"]: index.persons[a["official"]].full_name for a in plan["assignments"]}
    Move.objects.filter(round=rnd).delete()
    moves = []
    for oid, person in index.persons.items():
        cands = index.candidates.get(oid, [])
        chosen = assigned.get(oid)
        alternatives = [_alternative(index, c, taken_by) for c in cands
                        if chosen is None or c.position != chosen["position"]][:shown]
        move = Move(round=rnd, person=person, from_position=index.from_positions.get(oid),
                    alternatives=alternatives, source=MoveSource.SOLVER)
        if chosen is not None:
            cand = index.candidate(oid, chosen["position"])
            assert cand is not None, "the solver placed someone outside their candidates"
            cheapest = cands[0].cost
            if cand.cost <= cheapest:
                note = _("Vị trí phù hợp nhất trong %(n)s vị trí hợp lệ (%(c)s điểm khác biệt)") % {
                    "c": cand.cost, "n": len(cands)}
            else:
                note = _("Chọn để cả đợt bố trí được nhiều người nhất, phù hợp nhất: vị trí này %(c)s điểm khác "
                         "biệt; vị trí phù hợp hơn (%(m)s điểm) đã dành cho người khác hoặc vướng giới hạn tiếp "
                         "nhận của đơn vị; %(n)s vị trí hợp lệ") % {
                    "c": cand.cost, "m": cheapest, "n": len(cands)}
            move.to_position = index.positions[chosen["position"]]
            move.cost = cand.cost
            move.reasons = [*cand.reasons, note]
        elif oid in index.no_candidate_reason:
            move.unplaced_reason = index.no_candidate_reason[oid]
        elif unplaced.get(oid):
            # The solver's reason names officials by id; the page names people.
            said = re.sub(r"\bP\d+\b", lambda m: index.persons[m.group(0)].full_name
                          if m.group(0) in index.persons else m.group(0), unplaced[oid])
            move.unplaced_reason = _("Không bố trí được (%(n)s vị trí hợp lệ): %(r)s") % {"n": len(cands), "r": said}
        else:
            move.unplaced_reason = _(
                "Không bố trí được: %(n)s vị trí hợp lệ đều đã dành cho người khác, vượt giới hạn tiếp nhận của "
                "đơn vị hoặc vướng quan hệ gia đình") % {"n": len(cands)}
        moves.append(move)
    Move.objects.bulk_create(moves)
    placed = len(assigned)
    before = snapshot(rnd, ROUND_FIELDS)
    _touch(rnd, state=RoundState.PROPOSED, progress=100,
           message=_("Đã lập phương án: bố trí %(p)s/%(n)s người") % {
               "p": number_format(placed, force_grouping=True), "n": number_format(len(moves), force_grouping=True)},
           solver_status=str(plan.get("status", ""))[:16], solver_objective=plan.get("objective"),
           solver_lower_bound=plan.get("lower_bound"), solver_seconds=plan.get("seconds"))
    change_record_create(actor=actor, action="plan_solve", obj=rnd, before=before,
                         after={**snapshot(rnd, ROUND_FIELDS), "placed": placed, "unplaced": len(moves) - placed},
                         reason=_("Lập phương án"))


def plan_solve(*, round_id: int, actor_id: int, attempt: int = 1) -> None:
    """One attempt of the background task's body: build the instance, solve, write the moves; progress on
    the round row.

    Progress is written outside a transaction so the page sees it; only the final write is atomic, so an
    attempt that fails leaves the previous moves as they were. Raises on failure: the task (rotation.tasks)
    tries transient failures again and records the last one with `plan_solve_failed`.
    """
    rnd = RotationRound.objects.select_related("scope").get(pk=round_id)
    if rnd.state != RoundState.SOLVING:
        return
    actor = User.objects.get(pk=actor_id)

    def progress(pct: int, message: str) -> None:
        _touch(rnd, progress=pct, message=message)

    _touch(rnd, solve_attempts=attempt)
    progress(10, _("Đang chuẩn bị dữ liệu") if attempt == 1 else _("Đang thử lại (lần %(n)s)") % {"n": attempt})
    instance, index = instance_build(round=rnd)
    progress(40, _("Đang tìm phương án tốt nhất"))
    plan = _solve(instance)
    progress(80, _("Đang ghi phương án"))
    _plan_write(actor=actor, rnd=rnd, index=index, plan=plan)


@transaction.atomic
def plan_solve_failed(*, round_id: int, actor_id: int | None, message: str) -> RotationRound | None:
    """Record a solver run that failed (its last attempt, or its worker died): the round goes back to where it
    was (draft, or proposed with its previous moves) with the error on it, and a change record. A round no
    longer solving is left alone (None)."""
    rnd = RotationRound.objects.select_for_update().filter(pk=round_id).first()
    if rnd is None or rnd.state != RoundState.SOLVING:
        return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    previous = RoundState.PROPOSED if Move.objects.filter(round=rnd).exists() else RoundState.DRAFT
    message = message[:300]
    _touch(rnd, state=previous, progress=0, message=message, solve_error=message)
    change_record_create(actor=actor, action="plan_solve_failed", obj=rnd, before={"state": RoundState.SOLVING},
                         after={"state": previous, "solve_attempts": rnd.solve_attempts}, reason=message)
    return rnd


# --- manual edits ------------------------------------------------------------------------------------


def _moves_by_person(rnd: RotationRound) -> dict[int, Move]:
    return {m.person_id: m for m in Move.objects.filter(round=rnd).select_related(
        "person__position__unit", "person__unit", "person__hometown", "to_position__unit")}


def _move_check(ctx: RoundContext, moves: dict[int, Move], person: Person, to_position: Position | None) -> list[str]:
    """Every rule for one move given the rest of the plan (see instance.py for the rules themselves)."""
    if to_position is None:
        return [_("Người đến hạn nhưng không được bố trí vị trí mới")]

    def final(rel: Person) -> Position | None:
        move = moves.get(rel.pk)
        return move.to_position if move is not None and move.to_position_id else rel.position

    found = evaluate(ctx, person, to_position, relative_position=final).messages
    if person.pk not in ctx.movers:
        found.append(_("Người này không có trong danh sách đưa vào phương án"))
    found += _seat_check(moves, person, to_position)
    for relative, relation in ctx.relative_links(person):
        where = final(relative)
        if relative.pk in moves and where is not None and where.unit_id == to_position.unit_id:
            found.append(_("Cùng đơn vị với %(r)s là %(n)s (Luật Phòng, chống tham nhũng 2018, Điều 20)") % {
                "r": relation_label(relation), "n": relative.full_name})
    if ctx.round.kind == RoundKind.ROTATION:
        cap = unit_caps(unit_pks=[to_position.unit_id], percent=ctx.round.unit_cap_percent)[to_position.unit_id]
        incoming = 1 + sum(1 for m in moves.values() if m.person_id != person.pk and m.to_position is not None
                           and m.to_position.unit_id == to_position.unit_id)
        if incoming > cap:
            found.append(_("Vượt giới hạn tiếp nhận của %(u)s: %(n)s người, tối đa %(c)s (%(p)s%% số người)") % {
                "u": to_position.unit.name, "n": incoming, "c": cap, "p": ctx.round.unit_cap_percent})
    return found


def _seat_check(moves: dict[int, Move], person: Person, to_position: Position) -> list[str]:
    """The post's seats after the plan: its holders who stay (not moving, or not placed) and the others placed in it,
    plus this person, may not exceed its headcount."""
    staying = [h.full_name for h in Person.objects.filter(position=to_position).exclude(pk=person.pk)
               .only("pk", "full_name").order_by("sort_key")
               if (m := moves.get(h.pk)) is None or not m.to_position_id]
    arriving = [m.person.full_name for m in moves.values()
                if m.person_id != person.pk and m.to_position_id == to_position.pk]
    if len(staying) + len(arriving) + 1 <= to_position.headcount:
        return []
    found = []
    if to_position.headcount > 1:
        found.append(_("Chức danh đã đủ %(c)s người được giao") % {"c": to_position.headcount})
    if staying:
        found.append(_("Chức danh đang do %(n)s đảm nhiệm (không chuyển đi trong đợt)") % {
            "n": ", ".join(staying)})
    if arriving:
        found.append(_("Chức danh đã bố trí cho %(n)s trong phương án") % {"n": ", ".join(arriving)})
    return found


def plan_check(*, round: RotationRound, move_person: Person, to_position: Position | None) -> list[str]:  # noqa: A002
    """The rules a manual move would break, in Vietnamese (empty: it breaks none): scope, another unit,
    an equivalent post, no recent unit, home town for key leaders, conflict of interest with relatives
    (their posts and their moves), the unit's cap with the other moves, the post not taken, and the
    person's time left (rotation minimum duration; periodic-change retirement exemption)."""
    return _move_check(RoundContext(round), _moves_by_person(round), move_person, to_position)


@transaction.atomic
def move_edit(*, actor: User, move: Move, to_position: Position | None, reason: str = "") -> Move:
    """Change one move by hand. A change that breaks a rule needs a written reason; the broken rules are
    kept on the move, and the other moves are re-checked (an edit may take their post or fill a unit). A personnel
    officer moves people only into posts of their own subtree."""
    rnd = move.round
    _require_manager(actor, rnd)
    if to_position is not None and not can_move_to_position(actor, to_position):
        raise PermissionDenied(_("Chức danh này ngoài phạm vi quản lý của bạn."))
    too_long = length_errors(Move, override_reason=reason)
    if too_long:
        raise ValidationError({"reason": too_long["override_reason"]})
    rnd = _fresh(rnd)
    if rnd.state != RoundState.PROPOSED:
        raise ValidationError({"state": _("Chỉ điều chỉnh khi đợt đã có phương án và chưa phê duyệt.")})
    ctx = RoundContext(rnd)
    moves = _moves_by_person(rnd)
    move = moves[move.person_id]
    violations = _move_check(ctx, moves, move.person, to_position)
    reason = reason.strip()
    if violations and not reason:
        raise ValidationError({"reason": _("Thay đổi vi phạm: %(v)s; cần nêu lý do.") % {"v": "; ".join(violations)}})
    before = snapshot(move, MOVE_FIELDS)
    _move_set(ctx, move, to_position, violations=violations, reason=reason, note=_("Điều chỉnh thủ công"),
              unplaced=_("Điều chỉnh thủ công: không bố trí"))
    move.save()
    _others_recheck(ctx, moves, done={move.pk})
    change_record_create(actor=actor, action="move_edit", obj=move, before=before,
                         after=snapshot(move, MOVE_FIELDS), reason=reason)
    _touch(rnd)
    return move


def _move_set(ctx: RoundContext, move: Move, to_position: Position | None, *, violations: list[str], reason: str,
              note: str, unplaced: str) -> None:
    """Write a hand-made destination on a move (not saved): the rules it breaks, the reason, its figure and
    reasons (`note` says how it was made), or why the person is not placed."""
    move.to_position = to_position
    move.source = MoveSource.MANUAL
    move.violations = violations
    move.override_reason = reason
    if to_position is not None:
        evaluation = evaluate(ctx, move.person, to_position)
        move.cost = evaluation.cost
        move.reasons = [*evaluation.reasons, note]
        move.unplaced_reason = ""
    else:
        move.cost, move.reasons = None, [note]
        move.unplaced_reason = reason or unplaced


def _others_recheck(ctx: RoundContext, moves: dict[int, Move], *, done: set[int]) -> None:
    """Re-check the other placed moves after a hand edit (it may take their post or fill their unit)."""
    for other in moves.values():
        if other.pk not in done and other.to_position_id:
            again = _move_check(ctx, moves, other.person, other.to_position)
            if again != other.violations:
                other.violations = again
                other.save(update_fields=["violations"])


@transaction.atomic
def move_swap(*, actor: User, round: RotationRound, first: Move, second: Move,  # noqa: A002
              reason: str = "") -> tuple[Move, Move]:
    """Exchange the proposed destinations of two moves of one round: the first person gets the second's post and
    the second the first's (a side not placed passes "not placed" over). Both are checked with the rules of a hand
    edit (`_move_check`) with the pair's new posts together, so neither is "taken" by the other; a swap that
    breaks a rule needs a written reason. The other moves are re-checked; one change record per move
    ("move_swap"). Same permission and state as `move_edit`."""
    _require_manager(actor, round)
    if first.round_id != round.pk or second.round_id != round.pk:
        raise ValidationError({"second": _("Hai đề xuất phải thuộc cùng một đợt.")})
    if first.pk == second.pk:
        raise ValidationError({"second": _("Chọn một người khác để đổi chỗ.")})
    too_long = length_errors(Move, override_reason=reason)
    if too_long:
        raise ValidationError({"reason": too_long["override_reason"]})
    rnd = _fresh(round)
    if rnd.state != RoundState.PROPOSED:
        raise ValidationError({"state": _("Chỉ điều chỉnh khi đợt đã có phương án và chưa phê duyệt.")})
    ctx = RoundContext(rnd)
    moves = _moves_by_person(rnd)
    a, b = moves[first.person_id], moves[second.person_id]
    if a.to_position is None and b.to_position is None:
        raise ValidationError({"second": _("Cả hai người đều chưa được bố trí: không có chức danh nào để đổi.")})
    for target in (a.to_position, b.to_position):
        if target is not None and not can_move_to_position(actor, target):
            raise PermissionDenied(_("Chức danh này ngoài phạm vi quản lý của bạn."))
    before = {m.pk: snapshot(m, MOVE_FIELDS) for m in (a, b)}
    a_target, b_target = b.to_position, a.to_position
    # Both new posts in place before either is checked: the pair is judged together.
    a.to_position, b.to_position = a_target, b_target
    found = {m.pk: _move_check(ctx, moves, m.person, m.to_position) for m in (a, b)}
    reason = reason.strip()
    broken = [f"{m.person.full_name}: {v}" for m in (a, b) for v in found[m.pk]]
    if broken and not reason:
        raise ValidationError({"reason": _("Đổi chỗ vi phạm: %(v)s; cần nêu lý do.") % {"v": "; ".join(broken)}})
    for mine, other in ((a, b), (b, a)):
        said = _("Đổi chỗ với %(n)s") % {"n": other.person.full_name}
        _move_set(ctx, mine, mine.to_position, violations=found[mine.pk], reason=reason, note=said,
                  unplaced=_("%(s)s: không bố trí") % {"s": said})
        mine.save()
    _others_recheck(ctx, moves, done={a.pk, b.pk})
    for m in (a, b):
        change_record_create(actor=actor, action="move_swap", obj=m, before=before[m.pk],
                             after=snapshot(m, MOVE_FIELDS), reason=reason)
    _touch(rnd)
    return a, b


def move_check(*, user: User, move: Move, to_position: Position | None) -> list[str]:
    """What the page shows before a hand edit is saved: every rule moving the person of `move` to `to_position`
    would break (`plan_check`), or that the post lies outside the user's reach."""
    rnd = plan_round_get(user=user, pk=move.round_id)
    if to_position is not None and not can_move_to_position(user, to_position):
        return [_("Chức danh này ngoài phạm vi quản lý của bạn.")]
    return plan_check(round=rnd, move_person=move.person, to_position=to_position)


# --- approve, publish, document, apply -------------------------------------------------------------------


@transaction.atomic
def plan_approve(*, actor: User, round: RotationRound, decision_number: str) -> RotationRound:  # noqa: A002
    """Approve the proposed plan (the standing office and administrators only), with the decision's number.
    A move that breaks a rule without a written reason blocks the approval."""
    _require_manager(actor, round)
    if not can_approve_plan(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực hoặc quản trị hệ thống được phê duyệt phương án."))
    rnd = _fresh(round)
    if rnd.state != RoundState.PROPOSED:
        raise ValidationError({"state": _("Chỉ phê duyệt đợt đã có phương án.")})
    number = " ".join(decision_number.split())
    if not number:
        raise ValidationError({"decision_number": _("Nhập số quyết định phê duyệt.")})
    unexplained = [m.person.full_name for m in Move.objects.filter(round=rnd).select_related("person")
                   if m.violations and not m.override_reason]
    if unexplained:
        raise ValidationError({"moves": _("Còn đề xuất vi phạm quy định chưa nêu lý do: %(n)s.") % {
            "n": ", ".join(unexplained)}})
    before = snapshot(rnd, ROUND_FIELDS)
    _touch(rnd, state=RoundState.APPROVED, decision_number=number)
    change_record_create(actor=actor, action="plan_approve", obj=rnd, before=before,
                         after=snapshot(rnd, ROUND_FIELDS), reason=_("Phê duyệt phương án"))
    round.refresh_from_db()
    return round


@transaction.atomic
def plan_publish(*, actor: User, round: RotationRound, effective_on: dt.date) -> RotationRound:  # noqa: A002
    """Publish the approved plan inside the agency (Law on Anti-Corruption 2018 Art. 25: the annual plan
    is made public) with the date it takes effect (not before the round's as-of date)."""
    _require_manager(actor, round)
    rnd = _fresh(round)
    if rnd.state != RoundState.APPROVED:
        raise ValidationError({"state": _("Chỉ công khai phương án đã phê duyệt.")})
    if effective_on < rnd.as_of:
        raise ValidationError({"effective_on": _("Ngày có hiệu lực không được trước ngày %(d)s.") % {
            "d": rnd.as_of.strftime("%d/%m/%Y")}})
    before = snapshot(rnd, ROUND_FIELDS)
    document = _plan_document_issue(actor=actor, rnd=rnd)
    _touch(rnd, state=RoundState.PUBLISHED, effective_on=effective_on, document=document)
    change_record_create(actor=actor, action="plan_publish", obj=rnd, before=before,
                         after=snapshot(rnd, ROUND_FIELDS), reason=_("Công khai phương án"))
    plan_published_notify(actor=actor, round=rnd)
    round.refresh_from_db()
    return round


def _plan_type(rnd: RotationRound) -> str:
    return DocumentType.PLAN if rnd.kind == RoundKind.PERIODIC_CHANGE else DocumentType.DECISION


def _plan_issuer(*, actor: User | None, rnd: RotationRound) -> Issuer:
    """The round's scope unit issues the plan, under its own abbreviation (`register.unit_issuer_code`)."""
    return register.issuer_ensure(actor=actor, unit=rnd.scope, code=register.unit_issuer_code(rnd.scope),
                                  name=rnd.scope.name)


def _plan_document_issue(*, actor: User, rnd: RotationRound) -> OutgoingDocument:
    """The plan's own number from the register: KH for a periodic change plan, QĐ for a rotation decision."""
    periodic = rnd.kind == RoundKind.PERIODIC_CHANGE
    issuer = _plan_issuer(actor=actor, rnd=rnd)
    title = (_("Kế hoạch chuyển đổi vị trí công tác năm %(y)s") if periodic
             else _("Quyết định về việc luân chuyển cán bộ năm %(y)s")) % {"y": rnd.year}
    return register.document_issue(actor=actor, issuer=issuer, type_code=_plan_type(rnd), title=title, obj=rnd,
                                   signer=register.signer_default(issuer))


def _plan_number_context(rnd: RotationRound) -> dict[str, Any]:
    """What the register gives the plan document (`core.documents.document_fields`): its own number, draft False
    and its signer once published; before, a draft with the issuing body's first signer (if any). The approving
    decision's number is never the plan's (it is cited in the basis)."""
    document = OutgoingDocument.objects.select_related("issuer__unit", "signer").filter(
        pk=rnd.document_id).first() if rnd.document_id else None
    code = register.unit_issuer_code(rnd.scope)
    issuer = Issuer.objects.filter(unit=rnd.scope, code=code).first()
    return register.document_context(
        document=document, unit=rnd.scope, type_code=_plan_type(rnd), issuer_code=code,
        draft_signer=register.signer_default(issuer) if issuer is not None else None)


def plan_sequence(*, moves: list[Move]) -> list[tuple[Move, str]]:
    """The placed moves in the order a personnel office carries them out, each with its step in words: a move into
    a vacancy first, then whoever takes the seat it leaves (a chain); people taking each other's seats together on
    one day (a swap); a move into a post with no seat left is said to wait (`chidao.optimizer.sequence`)."""
    from chidao.optimizer.sequence import BLOCKED, CHAIN, SWAP, execution_order

    placed = {str(m.pk): m for m in moves if m.to_position_id}
    targets = {m.to_position_id for m in placed.values()}
    holders = dict(Person.objects.filter(position_id__in=targets).values("position_id").annotate(n=Count("id"))
                   .values_list("position_id", "n"))
    free = {str(p.pk): max(0, p.headcount - holders.get(p.pk, 0))
            for p in {m.to_position for m in placed.values() if m.to_position is not None}}
    groups = execution_order([(key, str(m.from_position_id) if m.from_position_id else None, str(m.to_position_id))
                              for key, m in placed.items()], free)
    ordered: list[tuple[Move, str]] = []
    for group in groups:
        people = [placed[k] for k in group.officials]
        for i, move in enumerate(people):
            if group.kind == SWAP:
                others = ", ".join(o.person.full_name for o in people if o is not move)
                step = _("Hoán đổi, thực hiện cùng ngày với %(n)s") % {"n": others}
            elif group.kind == BLOCKED:
                step = _("Chờ: chức danh đến chưa có chỗ trống")
            elif group.kind == CHAIN and i:
                step = _("Bước %(i)s/%(k)s: nhận chỗ của %(n)s") % {
                    "i": i + 1, "k": len(people), "n": people[i - 1].person.full_name}
            elif group.kind == CHAIN:
                step = _("Bước 1/%(k)s: nhận chỗ trống") % {"k": len(people)}
            else:
                step = _("Nhận chỗ trống")
            ordered.append((move, step))
    return ordered


def _document_context(rnd: RotationRound, moves: list[Move],
                      document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every string the plan document prints (Vietnamese whatever the UI language: an official paper). The moves
    are listed in the order they can be carried out (`plan_sequence`). The plan is the scope's own document, in
    its format (core.documents): it carries its own number (`document`, from the register), never the approving
    decision's, which it cites among its grounds."""
    periodic = rnd.kind == RoundKind.PERIODIC_CHANGE
    parent = rnd.scope.parent
    why = {e.person_id: e.reasons for e in DueEntry.objects.filter(round=rnd, included=True)}
    rows: list[dict[str, Any]] = []
    unplaced = [f"{m.person.full_name}: {m.unplaced_reason}" for m in moves if m.to_position is None]
    for m, step in plan_sequence(moves=moves):
        # The step, then why the person moves (the due list), or the reason of a manual change.
        note = m.override_reason or "; ".join(why.get(m.person_id) or m.reasons[-1:])
        rows.append({"stt": len(rows) + 1, "name": m.person.full_name,
                     "from": str(m.from_position) if m.from_position else "",
                     "to": str(m.to_position), "note": f"{step}. {note}"})
    year = rnd.year
    effective = rnd.effective_on.strftime("%d/%m/%Y") if rnd.effective_on else ""
    return {
        "issuing_body": parent.name.upper() if parent else "",
        "issuer": rnd.scope.name.upper(),
        "place_date": f"{settings.CHIDAO_REPORT_PLACE}, {vn_long_date(timezone.localdate())}",
        "title": _("KẾ HOẠCH") if periodic else _("QUYẾT ĐỊNH"),
        "subtitle": (_("Chuyển đổi vị trí công tác năm %(y)s") if periodic
                     else _("Về việc luân chuyển cán bộ năm %(y)s")) % {"y": year},
        "basis": [_("Căn cứ Luật Phòng, chống tham nhũng năm 2018 và Nghị định số 59/2019/NĐ-CP của Chính phủ;")
                  if periodic else _("Căn cứ Quy định số 65-QĐ/TW ngày 28/4/2022 của Bộ Chính trị về luân chuyển "
                                     "cán bộ;"),
                  _("Căn cứ %(d)s;") % {"d": _("Quyết định phê duyệt số %(n)s") % {"n": rnd.decision_number}}
                  if rnd.decision_number else _("Căn cứ phương án đã được phê duyệt;")],
        "opening": (_("%(n)s người thực hiện chuyển đổi vị trí công tác, có hiệu lực từ ngày %(d)s, theo thứ tự "
                      "trong bảng (người nhận chỗ trống trước, người nhận chỗ của người đã chuyển sau; các trường "
                      "hợp hoán đổi thực hiện cùng ngày), cụ thể:")
                    if periodic else _("%(n)s cán bộ thực hiện luân chuyển, có hiệu lực từ ngày %(d)s, theo thứ tự "
                                       "trong bảng (người nhận chỗ trống trước, người nhận chỗ của người đã chuyển "
                                       "sau; các trường hợp hoán đổi thực hiện cùng ngày), cụ thể:"))
        % {"n": len(rows), "d": effective},
        "rows": rows,
        "unplaced": unplaced,
        **document_fields(doc_format=document_format(rnd.scope.kind), type_code="KH" if periodic else "QĐ",
                          issuer_code=rnd.scope.short_name or rnd.scope.code,
                          head_title=HEAD_TITLES.get(rnd.scope.kind, GENERIC_HEAD),
                          given=document if document is not None else _plan_number_context(rnd)),
        "recipients": _("- Các cơ quan, đơn vị có liên quan;\n- Các cá nhân có tên trên;\n- Lưu VT, TCCB."),
    }


def plan_publish_document(*, user: User, round: RotationRound, fmt: str,  # noqa: A002
                          document: Mapping[str, Any] | None = None) -> tuple[bytes, str]:
    """The plan as a Word or PDF document in the scope's format (Party or State, like chidao.reports); `document`
    gives its number, draft state and signer. The export is logged (ADR 0005: every export of personnel data
    writes an AccessLog row)."""
    rnd = plan_round_get(user=user, pk=round.pk)
    if fmt not in ("docx", "pdf"):
        raise ValidationError({"format": _("Định dạng không hợp lệ.")})
    if rnd.state not in DOCUMENT_STATES:
        raise ValidationError({"state": _("Chỉ tải văn bản của phương án đã phê duyệt.")})
    moves = list(Move.objects.filter(round=rnd).select_related(
        "person", "from_position__unit", "to_position__unit").order_by("person__sort_key", "pk"))
    context = _document_context(rnd, moves, document)
    if fmt == "docx":
        tpl = DocxTemplate(str(DEFAULT_TEMPLATES / "rotation_plan.docx"))
        docx_render(tpl, {**context, "recipients": Listing(context["recipients"])})
        out = io.BytesIO()
        tpl.save(out)
        content = out.getvalue()
    else:
        content = pdf_issue(render_to_string("rotation/plan_pdf.html", context), draft=bool(context.get("draft")),
                            signer_name=context["issuer"], reason=_("Ban hành văn bản"),
                            location=settings.CHIDAO_REPORT_PLACE)
    AccessLog.objects.create(user=user, person=None, action="export",
                             detail=f"{_('Phương án')} {rnd.name} (.{fmt})"[:300])
    stem = "ke-hoach-chuyen-doi" if rnd.kind == RoundKind.PERIODIC_CHANGE else "quyet-dinh-luan-chuyen"
    return content, f"{stem}-{rnd.year}_{rnd.pk}.{fmt}"


@transaction.atomic
def plan_apply(*, actor: User, round: RotationRound, on: dt.date) -> RotationRound:  # noqa: A002
    """Write the published plan to the service history on its effective date: one assignment per placed
    move (the open one closes the day before), all or nothing."""
    _require_manager(actor, round)
    rnd = _fresh(round)
    if rnd.state != RoundState.PUBLISHED or rnd.effective_on is None:
        raise ValidationError({"state": _("Chỉ thực hiện phương án đã công khai.")})
    if on < rnd.effective_on:
        raise ValidationError({"on": _("Chưa đến ngày có hiệu lực (%(d)s).") % {
            "d": rnd.effective_on.strftime("%d/%m/%Y")}})
    kind = AssignmentKind.PERIODIC_CHANGE if rnd.kind == RoundKind.PERIODIC_CHANGE else AssignmentKind.ROTATION
    applied = 0
    for move in Move.objects.filter(round=rnd, to_position__isnull=False).select_related("person", "to_position__unit"):
        assert move.to_position is not None
        assignment = personnel_services.assignment_add(
            actor=actor, person=move.person, position=move.to_position, kind=kind, start=rnd.effective_on,
            decision=rnd.decision_number)
        move.applied_assignment = assignment
        move.save(update_fields=["applied_assignment"])
        applied += 1
    before = snapshot(rnd, ROUND_FIELDS)
    _touch(rnd, state=RoundState.APPLIED)
    change_record_create(actor=actor, action="plan_apply", obj=rnd, before=before,
                         after={**snapshot(rnd, ROUND_FIELDS), "applied": applied},
                         reason=_("Thực hiện phương án từ ngày %(d)s") % {"d": rnd.effective_on.strftime("%d/%m/%Y")})
    round.refresh_from_db()
    return round


@dataclass
class ApplyDueResult:
    applied: list[RotationRound] = field(default_factory=list)
    failed: list[tuple[RotationRound, str]] = field(default_factory=list)


def plan_apply_due(*, actor: User, on: dt.date) -> ApplyDueResult:
    """Apply every published round whose effective date has come (`chidao rotation apply-due`, daily).
    Each round is its own transaction: one that fails is reported and the others go on."""
    result = ApplyDueResult()
    for rnd in RotationRound.objects.filter(state=RoundState.PUBLISHED, effective_on__lte=on).order_by("effective_on",
                                                                                                       "pk"):
        try:
            plan_apply(actor=actor, round=rnd, on=on)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            result.failed.append((rnd, "; ".join(messages)))
        else:
            result.applied.append(rnd)
    return result

