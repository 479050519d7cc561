"""Rotation rounds and their due lists: services for the writes and selectors for the reads.

A round's due list says, for every person of the round's scope (a unit and its subtree), whether
they are due under rule 1 (periodic position change, for a `periodic_change` round) or rule 2
(rotation, for a `rotation` round), and why (`rules.py`). People flagged for not completing their
duties may be added with a written reason (the 2021 review's "kịp thời luân chuyển"). The list is
built and changed only while the round is a draft or has a proposed plan; every write is audited.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import overload

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.dates import format_date as _d
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.limits import length_errors
from chidao.core.models import ChangeRecord, Unit, User
from chidao.core.reference import unit_subtree_ids
from chidao.core.stamped import stamped, stamped_get_many, stamped_set
from chidao.personnel import flags as personnel_flags
from chidao.personnel import rules as personnel_rules
from chidao.personnel.models import Assignment, Deferral, Person, PlanningEntry, Position
from chidao.personnel.permissions import can_manage_people, can_reach_unit, is_unit_scoped, personnel_scope_ids
from chidao.personnel.rules import months_between

from . import rules
from .models import DueEntry, DueStatus, RotationRound, RoundKind, RoundState

ROUND_FIELDS = ("name", "year", "kind", "scope", "state", "as_of", "unit_cap_percent")
ENTRY_FIELDS = ("person", "position", "status", "reasons", "basis", "due_on", "included", "added_reason")
EDITABLE_STATES = (RoundState.DRAFT, RoundState.PROPOSED)
# Flags that are signs of not completing duties (personnel/flags.py); a discipline flag is not one.
DUTY_FLAG_CODES = frozenset({personnel_flags.FlagCode.NOT_COMPLETED_TWICE,
                             personnel_flags.FlagCode.NOT_COMPLETED_TWICE_WITHIN,
                             personnel_flags.FlagCode.RATING_DROPPED, personnel_flags.FlagCode.OVERDUE_DELIVERABLES})
# The order in which the due list is shown and counted.
STATUS_ORDER = [DueStatus.DUE, DueStatus.DEFERRED, DueStatus.NOT_YET, DueStatus.EXEMPT, DueStatus.NOT_TARGET]


def _require_manager(user: User) -> None:
    if not can_manage_people(user):
        raise PermissionDenied(_("Bạn không có quyền quản lý luân chuyển, chuyển đổi vị trí công tác."))


def _require_round_writable(actor: User, round: RotationRound) -> RotationRound:
    """The actor manages people and sees the round; the round is still a draft or has a proposed plan.
    Returns the round, locked for the rest of the transaction."""
    _require_manager(actor)
    if not RotationRound.objects.visible_to(actor).filter(pk=round.pk).exists():
        raise PermissionDenied(_("Đợt này ngoài phạm vi quản lý của bạn."))
    locked = RotationRound.objects.select_for_update().get(pk=round.pk)
    if locked.state not in EDITABLE_STATES:
        raise ValidationError({"state": _("Đợt “%(n)s” đang ở tình trạng “%(s)s”: chỉ thay đổi danh sách khi đợt là "
                                          "dự thảo hoặc đã có phương án (chưa phê duyệt).") % {
            "n": locked.name, "s": locked.get_state_display()}})
    return locked


# --- Rounds ---------------------------------------------------------------------------------------

@transaction.atomic
def round_create(*, actor: User, name: str, year: int, kind: str, scope: Unit, as_of: dt.date,
                 unit_cap_percent: int | None = None) -> RotationRound:
    """Open a round (đợt) of periodic position change or rotation for a unit and its subtree.

    A personnel officer opens rounds only for units of their own subtree. The cap on the share of a
    unit's staff received in one round defaults to CHIDAO_ROTATION["unit_cap_percent"].
    """
    _require_manager(actor)
    if not can_reach_unit(actor, scope.pk):
        raise PermissionDenied(_("Đơn vị “%(u)s” ngoài phạm vi quản lý của bạn.") % {"u": scope.name})
    name = " ".join(name.split())
    cap = settings.CHIDAO_ROTATION["unit_cap_percent"] if unit_cap_percent is None else unit_cap_percent
    errors = length_errors(RotationRound, name=name)
    if not name:
        errors["name"] = _("Nhập tên đợt.")
    if kind not in RoundKind.values:
        errors["kind"] = _("Loại đợt không hợp lệ.")
    if not 2000 <= year <= 2100:
        errors["year"] = _("Năm phải từ 2000 đến 2100.")
    elif as_of.year not in (year - 1, year):
        errors["as_of"] = _("Ngày tính (%(d)s) phải thuộc năm %(y)s hoặc năm trước đó.") % {"d": _d(as_of), "y": year}
    if not 1 <= cap <= 100:
        errors["unit_cap_percent"] = _("Tỷ lệ tối đa phải từ 1 đến 100%.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rnd = RotationRound.objects.create(name=name, year=year, kind=kind, scope=scope, as_of=as_of,
                                       unit_cap_percent=cap, created_by=actor, created_at=now, updated_at=now)
    change_record_create(actor=actor, action="create", obj=rnd, after=snapshot(rnd, ROUND_FIELDS))
    return rnd


def round_list(*, user: User) -> list[RotationRound]:
    """The rounds the user sees, each with the size of its due list and how many are due and included
    (`entry_count`, `due_count`, `included_count`, from `due_counts_many`)."""
    _require_manager(user)
    rounds = list(RotationRound.objects.visible_to(user).select_related("scope")
                  .order_by("-year", "-created_at", "-id"))
    counts = due_counts_many(rounds)
    for rnd in rounds:
        found = counts[rnd.pk]
        setattr(rnd, "entry_count", found["total"])  # noqa: B010 (shown in the list)
        setattr(rnd, "due_count", found[str(DueStatus.DUE)])  # noqa: B010
        setattr(rnd, "included_count", found["included"])  # noqa: B010
    return rounds


def round_get(*, user: User, pk: int) -> RotationRound:
    """One round; 404 outside the user's scope (a denial reveals nothing)."""
    _require_manager(user)
    return get_object_or_404(RotationRound.objects.visible_to(user).select_related("scope", "created_by"), pk=pk)


def round_is_editable(rnd: RotationRound) -> bool:
    return rnd.state in EDITABLE_STATES


# --- Building the due list ------------------------------------------------------------------------

@dataclass
class _Current:
    position: Position | None
    in_post_since: dt.date | None
    months_as_head_in_same_place: int


def _run_start(history: list[Assignment], current: Assignment, continues: Callable[[Assignment], bool]) -> dt.date:
    """The start of the unbroken run of assignments ending with `current` whose earlier links satisfy
    `continues` (each ends the day before, or after, the next one starts). `history` is latest first."""
    since = current.start
    for a in history:
        if a.start >= current.start:
            continue
        if a.end is None or a.end < since - dt.timedelta(days=1) or not continues(a):
            break
        since = min(since, a.start)
    return since


def _current_post(history: list[Assignment], on: dt.date,
                  same_place: Callable[[int, int], bool] | None = None) -> _Current:
    """The post held on `on`; since when (an unbroken run of assignments to the same post counts as one);
    for a head post (cấp trưởng, `is_head_post`), the months of the unbroken run of head posts in the same place
    (Regulation 65-QĐ/TW counts the two consecutive terms as head, not as deputy). `same_place(earlier, later)`
    says whether an earlier unit is the same place as a later one (the same unit, or one merged into it)."""
    held = [a for a in history if a.start <= on and (a.end is None or a.end >= on)]
    if not held:
        return _Current(None, None, 0)
    current = held[0]
    post = current.position
    since = _run_start(history, current, lambda a: a.position_id == post.pk)
    def head(p: Position) -> bool:
        return p.is_leader and personnel_rules.is_head_post(level=p.level, title=p.title)

    if not head(post):
        return _Current(post, since, 0)
    def place(unit_id: int) -> bool:
        return unit_id == post.unit_id or (same_place is not None and same_place(unit_id, post.unit_id))

    place_since = _run_start(history, current, lambda a: place(a.position.unit_id) and head(a.position))
    return _Current(post, since, max(months_between(place_since, on), 0))


class _Subtrees:
    """Unit subtrees, levels and the merge lineage from two queries (for the 'local' and 'key post' tests of
    rule 2)."""

    def __init__(self) -> None:
        self.children: dict[int | None, list[int]] = defaultdict(list)
        self.level: dict[int, str] = {}
        for pk, parent_id, level in Unit.objects.order_by().values_list("pk", "parent_id", "level"):
            self.children[parent_id].append(pk)
            self.level[pk] = level
        self.successors: dict[int, list[int]] = defaultdict(list)
        for old, new in Unit.successors.through.objects.values_list("from_unit_id", "to_unit_id"):
            self.successors[old].append(new)
        self.cache: dict[int, set[int]] = {}

    def same_place(self, earlier: int, later: int) -> bool:
        """Whether `earlier` is `later` or merged into it, through every step of the lineage (a commune head who
        stayed head of the ward that replaced it on 01/07/2025 has headed one place throughout)."""
        seen, frontier = {earlier}, [earlier]
        while frontier:
            if later in frontier:
                return True
            frontier = [s for u in frontier for s in self.successors.get(u, ()) if s not in seen]
            seen.update(frontier)
        return False

    def is_local(self, hometown_id: int | None, unit_id: int) -> bool:
        return personnel_rules.hometown_is_local(hometown_id=hometown_id, successors=self.successors,
                                                 subtree=self.of(unit_id))

    def of(self, unit_id: int) -> set[int]:
        if unit_id not in self.cache:
            ids, frontier = {unit_id}, [unit_id]
            while frontier:
                frontier = [c for u in frontier for c in self.children.get(u, [])]
                ids.update(frontier)
            self.cache[unit_id] = ids
        return self.cache[unit_id]


def _in_scope_then(scope_ids: set[int], on: dt.date) -> QuerySet[Person]:
    """The people a list of `on` may hold: those who held a post of the scope on `on`, and those whose current unit
    is in the scope (`_results` then leaves out anyone whose post on `on` lay outside it)."""
    held = (Assignment.objects.filter(position__unit_id__in=scope_ids, start__lte=on)
            .filter(Q(end__isnull=True) | Q(end__gte=on)).values("person_id"))
    return Person.objects.filter(Q(unit_id__in=scope_ids) | Q(pk__in=held))


def _results(rnd: RotationRound, people_qs: QuerySet[Person], scope_ids: set[int]
             ) -> Iterable[tuple[Person, Position | None, rules.DueResult]]:
    """Each person of `people_qs` with their post on the round's date and the rule's answer (five
    queries: people, service history, then deferrals for rule 1, or planning and the unit tree for rule 2).
    A person whose post on that date lay outside the scope (`scope_ids`) is left out: the list is of the scope as it
    stood on that date."""
    for person, post, result in _judged(rnd, people_qs):
        if post is None or post.unit_id in scope_ids:
            yield person, post, result


def _judged(rnd: RotationRound, people_qs: QuerySet[Person]
            ) -> Iterable[tuple[Person, Position | None, rules.DueResult]]:
    on = rnd.as_of
    people = list(people_qs.only("pk", "hometown_id", "retirement_date", "unit_id"))
    history: dict[int, list[Assignment]] = defaultdict(list)
    for a in (Assignment.objects.filter(person__in=people_qs).select_related("position")
              .order_by("person_id", "-start", "-id")):
        history[a.person_id].append(a)

    if rnd.kind == RoundKind.PERIODIC_CHANGE:
        deferrals: dict[int, list[rules.Deferral]] = defaultdict(list)
        for pid, kind, start, end in Deferral.objects.filter(person__in=people_qs).values_list(
                "person_id", "kind", "start", "end"):
            deferrals[pid].append((kind, start, end))
        for person in people:
            cur = _current_post(history.get(person.pk, []), on)
            post = cur.position
            result = rules.periodic_change_status(
                is_leader=post.is_leader if post else False, sector=post.sector if post else "",
                change_period_months=post.change_period_months if post else None, in_post_since=cur.in_post_since,
                retirement_date=person.retirement_date, deferrals=deferrals.get(person.pk, []), on=on)
            yield person, post, result
        return

    planned = set(PlanningEntry.objects.filter(person__in=people_qs, added_on__lte=on)
                  .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on)).values_list("person_id", flat=True))
    subtrees = _Subtrees()
    for person in people:
        cur = _current_post(history.get(person.pk, []), on, subtrees.same_place)
        post = cur.position
        is_key = bool(post and post.is_key_post
                      and personnel_rules.key_post_applies(unit_level=subtrees.level.get(post.unit_id, ""), on=on))
        is_local = bool(post and subtrees.is_local(person.hometown_id, post.unit_id))
        result = rules.rotation_status(is_key_post=is_key, in_planning=person.pk in planned, is_local=is_local,
                                       months_as_head_in_same_place=cur.months_as_head_in_same_place,
                                       retirement_date=person.retirement_date, on=on)
        yield person, post, result


@transaction.atomic
def due_list_build(*, actor: User, round: RotationRound) -> dict[str, int]:
    """Compute the due list of `round` for every person whose post on `round.as_of` lay in the round's scope subtree
    (or, holding no post that day, whose unit lies in it): a list of a past date is of the people there then.

    Rule 1 (`rules.periodic_change_status`) for a periodic-change round, rule 2 (`rules.rotation_status`)
    for a rotation round, as of `round.as_of`, from the service history, deferrals, active planning and
    hometowns, in a fixed number of queries whatever the scope's size. The previous list is replaced;
    a person added for not completing duties stays as added, and the include / exclude choice made for
    a person whose status did not change is kept; anyone else is included exactly when due.
    Returns the counts per status with "total" and "included". One change record for the build.
    """
    rnd = _require_round_writable(actor, round)
    scope_ids = unit_subtree_ids(rnd.scope)
    people_qs = _in_scope_then(scope_ids, rnd.as_of)
    previous = {e.person_id: e for e in DueEntry.objects.filter(round=rnd)}

    entries: list[DueEntry] = []
    seen: set[int] = set()
    for person, post, result in _results(rnd, people_qs, scope_ids):
        seen.add(person.pk)
        old = previous.get(person.pk)
        if old is not None and old.added_reason:
            entries.append(DueEntry(round=rnd, person_id=person.pk, position=post, status=old.status,
                                    reasons=old.reasons, basis=old.basis, due_on=old.due_on, included=old.included,
                                    added_reason=old.added_reason))
            continue
        included = result.status == DueStatus.DUE
        if old is not None and old.status == result.status:
            included = old.included
        entries.append(DueEntry(round=rnd, person_id=person.pk, position=post, status=result.status,
                                reasons=list(result.reasons), basis=result.basis, due_on=result.due_on,
                                included=included))
    for pid, old in previous.items():
        if pid not in seen and old.added_reason:
            entries.append(DueEntry(round=rnd, person_id=pid, position_id=old.position_id, status=old.status,
                                    reasons=old.reasons, basis=old.basis, due_on=old.due_on, included=old.included,
                                    added_reason=old.added_reason))

    DueEntry.objects.filter(round=rnd).delete()
    DueEntry.objects.bulk_create(entries, batch_size=1000)
    counts = {status: 0 for status in STATUS_ORDER}
    for e in entries:
        counts[DueStatus(e.status)] += 1
    result_counts = {str(k): v for k, v in counts.items()}
    result_counts["total"] = len(entries)
    result_counts["included"] = sum(1 for e in entries if e.included)
    round_touch(rnd)
    change_record_create(actor=actor, action="due_list_build", obj=rnd,
                         before={"due_list": _counts_of(previous.values())} if previous else None,
                         after={"due_list": result_counts, "as_of": rnd.as_of.isoformat()})
    return result_counts


def _counts_of(entries: Iterable[DueEntry]) -> dict[str, int]:
    counts = {str(s): 0 for s in STATUS_ORDER}
    total = included = 0
    for e in entries:
        counts[e.status] += 1
        total += 1
        included += int(e.included)
    return {**counts, "total": total, "included": included}


# --- Changing the list ----------------------------------------------------------------------------

def duty_flags(*, person: Person, on: dt.date) -> list[personnel_flags.Flag]:
    """The person's flags that are signs of not completing duties on `on` (ratings, overdue deliverables)."""
    return [f for f in personnel_flags.person_flags(person=person, on=on) if f.code in DUTY_FLAG_CODES]


@transaction.atomic
def due_entry_add_flagged(*, actor: User, round: RotationRound, person: Person,
                          reason: str) -> DueEntry:
    """Add (or include) a person showing signs of not completing duties, as due, with a written reason.

    Conclusion of the 2021 review of Program 01-CTr/TU: "kịp thời luân chuyển khi có biểu hiện không
    hoàn thành nhiệm vụ". The person must be in the actor's scope and the round's scope; the written
    reason is always required, and it is what carries the decision when the person has no flag of
    not completing duties (`DUTY_FLAG_CODES`, `personnel.flags`) on the round's date.
    """
    rnd = _require_round_writable(actor, round)
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Hồ sơ này ngoài phạm vi quản lý của bạn."))
    if person.unit_id is None or person.unit_id not in unit_subtree_ids(rnd.scope):
        raise ValidationError({"code": _("%(p)s không thuộc phạm vi của đợt (%(u)s và các đơn vị trực thuộc).") % {
            "p": person.full_name, "u": rnd.scope.name}})
    found = duty_flags(person=person, on=rnd.as_of)
    reason = reason.strip()
    if not reason:
        if found:
            message = _("Ghi rõ lý do đưa %(p)s vào danh sách.") % {"p": person.full_name}
        else:
            message = _("%(p)s không có cảnh báo không hoàn thành nhiệm vụ tại ngày %(d)s: chỉ bổ sung khi ghi rõ lý "
                        "do bằng văn bản.") % {"p": person.full_name, "d": _d(rnd.as_of)}
        raise ValidationError({"reason": message})
    too_long = length_errors(DueEntry, added_reason=reason)
    if too_long:
        raise ValidationError({"reason": too_long["added_reason"]})

    reasons = [f"{f.label}: {f.detail}" for f in found] or [
        _("Không có cảnh báo tự động về việc không hoàn thành nhiệm vụ tại ngày %(d)s.") % {"d": _d(rnd.as_of)}]
    reasons.append(_("Lý do bổ sung: %(r)s") % {"r": reason})
    entry = DueEntry.objects.filter(round=rnd, person=person).first()
    before = snapshot(entry, ENTRY_FIELDS) if entry else None
    if entry is None:
        entry = DueEntry(round=rnd, person=person)
    entry.position = person.position
    entry.status = DueStatus.DUE
    entry.reasons = reasons
    entry.basis = rules.BASIS_FLAGGED
    entry.due_on = rnd.as_of
    entry.included = True
    entry.added_reason = reason
    entry.save()
    round_touch(rnd)
    change_record_create(actor=actor, action="due_entry_add" if before is None else "update", obj=entry,
                         before=before, after=snapshot(entry, ENTRY_FIELDS), reason=reason)
    return entry


@transaction.atomic
def due_entry_set_included(*, actor: User, entry: DueEntry, included: bool, reason: str) -> DueEntry:
    """Take a person out of the plan, or put them back, with a written reason.

    Only people who are due or not yet due may be put into the plan: the law forbids moving those
    exempt (under 18 months to retirement; under 10 years left for rotation) or deferred, and those who
    are not targets are added through `due_entry_add_flagged` with their reason.
    """
    _require_round_writable(actor, entry.round)
    entry = DueEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Ghi rõ lý do.")})
    if included and entry.status not in (DueStatus.DUE, DueStatus.NOT_YET):
        raise ValidationError({"included": _("%(p)s thuộc trường hợp “%(s)s” nên không đưa vào phương án.") % {
            "p": entry.person.full_name, "s": entry.get_status_display()}})
    if entry.included == included:
        return entry
    before = snapshot(entry, ENTRY_FIELDS)
    entry.included = included
    entry.save(update_fields=["included"])
    round_touch(entry.round)
    change_record_create(actor=actor, action="include" if included else "exclude", obj=entry, before=before,
                         after=snapshot(entry, ENTRY_FIELDS), reason=reason)
    return entry


# --- Reads ----------------------------------------------------------------------------------------

class DueList:
    """The due list in status order (STATUS_ORDER), then by Vietnamese name, read a slice at a time.

    A slice (a page) reads only its entries: knowing how many entries each status has (one grouped count),
    it asks each status it overlaps for its part, ordered by name alone, which PostgreSQL answers by walking
    the name index (17 ms for a page of a city-wide list of 150,000, where ordering by status rank and name
    took 0.5-1.5 s); then the reasons of the page's last choices (one query). Iterating reads it all."""

    def __init__(self, qs: QuerySet[DueEntry], *, status: str | None = None,
                 round_counts: dict[str, int] | None = None) -> None:
        self.qs = qs  # filtered, ordered by name
        self.status = status
        self._counts: dict[str, int] | None = None
        if round_counts is not None:  # the round's counts are this list's: no scope and no other filter
            self._counts = {str(s): round_counts.get(str(s), 0) for s in STATUS_ORDER if status in (None, s)}

    def all(self) -> "DueList":  # what pagers call before count()
        return self

    def by_status(self) -> dict[str, int]:
        """Entries per status (one grouped query, once)."""
        if self._counts is None:
            found = dict(self.qs.order_by().values_list("status").annotate(n=Count("pk")))
            self._counts = {str(s): found.get(str(s), 0) for s in STATUS_ORDER if self.status in (None, s)}
        return self._counts

    def count(self) -> int:
        return sum(self.by_status().values())

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> DueEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[DueEntry]: ...

    def __getitem__(self, index: int | slice) -> DueEntry | list[DueEntry]:
        if isinstance(index, int):
            found = self[index:index + 1] if index >= 0 else list(self)[index:][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(self.count())
        if step != 1:
            raise ValueError("step")
        entries: list[DueEntry] = []
        offset = 0
        for status, n in self.by_status().items():
            lo, hi = max(start - offset, 0), min(stop - offset, n)
            if lo < hi:
                entries += list(self.qs.filter(status=status)[lo:hi])
            offset += n
        return _with_choice_reasons(entries)

    def after(self, status: str, sort_key: str, pk: int, *, size: int) -> tuple[list[DueEntry], bool]:
        """The `size` entries after the entry (status, person's sort key, pk) in the list's order, and whether more
        follow (ADR 0015): the cursor's status read from its place on the name index, then the next statuses from
        their start; no entry before the cursor is read. ValueError for a status this list does not show."""
        statuses = list(self.by_status())
        if status not in statuses:
            raise ValueError(status)
        rows: list[DueEntry] = []
        for s in statuses[statuses.index(status):]:
            qs = self.qs.filter(status=s)
            if s == status:
                qs = qs.filter(Q(person__sort_key__gte=sort_key) & (
                    Q(person__sort_key__gt=sort_key) | Q(person__sort_key=sort_key, pk__gt=pk)))
            rows += list(qs[:size + 1 - len(rows)])
            if len(rows) > size:
                break
        return _with_choice_reasons(rows[:size]), len(rows) > size

    def __iter__(self) -> Iterator[DueEntry]:
        rank = Case(*[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
                    default=Value(len(STATUS_ORDER)))
        return iter(_with_choice_reasons(list(self.qs.alias(rank=rank).order_by("rank", "person__sort_key", "pk"))))


def _with_choice_reasons(entries: list[DueEntry]) -> list[DueEntry]:
    """Attach `choice_reason` to each entry: the reason given the last time someone took them out of or into
    the plan (one query for all)."""
    ct = ContentType.objects.get_for_model(DueEntry)
    reasons: dict[str, str] = {}
    if entries:
        for object_id, reason in (ChangeRecord.objects.filter(
                content_type=ct, object_id__in=[str(e.pk) for e in entries], action__in=["include", "exclude"])
                .order_by("at", "id").values_list("object_id", "reason")):
            reasons[object_id] = reason
    for e in entries:
        setattr(e, "choice_reason", reasons.get(str(e.pk), ""))  # noqa: B010 (shown next to the entry)
    return entries


def due_entries(*, user: User, round: RotationRound, status: str | None = None,
                entry_pk: int | None = None, round_counts: dict[str, int] | None = None) -> DueList:
    """The due list (or the one entry `entry_pk`), in status order then by Vietnamese name; each entry
    carries `choice_reason` (see `DueList`, which reads only the slice asked for). `round_counts`
    (`due_counts`), when the caller has them, spare a count for those who see every record."""
    _require_manager(user)
    qs = (DueEntry.objects.filter(round=round).select_related("person", "position", "position__unit")
          .order_by("person__sort_key", "pk"))
    people = Person.objects.visible_to(user)
    scoped = people.query.has_filters()
    if scoped:  # a personnel officer (those who read every record need no IN over everyone)
        qs = qs.filter(person__in=people)
    if status:
        qs = qs.filter(status=status)
    if entry_pk is not None:
        qs = qs.filter(pk=entry_pk)
    known = round_counts if not scoped and entry_pk is None else None
    return DueList(qs, status=status or None, round_counts=known)


def round_touch(rnd: RotationRound) -> None:
    """Mark the round changed: its stamp (`updated_at`) keys its cached counts (`due_counts`), so every write to
    its due list or its moves calls this in its transaction."""
    rnd.updated_at = timezone.now()
    RotationRound.objects.filter(pk=rnd.pk).update(updated_at=rnd.updated_at)


def _counts_read(rounds: list[int]) -> dict[int, dict[str, int]]:
    """Entries per status, "total" and "included", of each round (one grouped query from the (round, status,
    included) index)."""
    counts = {pk: {**{str(s): 0 for s in STATUS_ORDER}, "total": 0, "included": 0} for pk in rounds}
    for pk, status, n, k in DueEntry.objects.filter(round_id__in=rounds).order_by().values_list(
            "round", "status").annotate(n=Count("round"), k=Count("round", filter=Q(included=True))):
        counts[pk][status] = n
        counts[pk]["total"] += n
        counts[pk]["included"] += k
    return counts


def due_counts_many(rounds: list[RotationRound]) -> dict[int, dict[str, int]]:
    """`due_counts` of several rounds whose `updated_at` was just read: from the cache by that stamp, the others
    in one query (a national due list has 1,500,000 entries: counting them takes 150 ms)."""
    stamps = {rnd.pk: (rnd.pk, rnd.updated_at) for rnd in rounds}
    found = stamped_get_many("due_counts", stamps)
    missing = [pk for pk in stamps if pk not in found]
    if missing:
        for pk, counts in _counts_read(missing).items():
            stamped_set("due_counts", stamps[pk], counts)
            found[pk] = counts
    return found


def due_counts(*, round: RotationRound) -> dict[str, int]:
    """Entries per status, with "total" and "included", kept under the round's stamp as the database has it now
    (the caller's copy of the round may predate a write of this request)."""
    stamp = RotationRound.objects.filter(pk=round.pk).values_list("updated_at", flat=True).first()
    return stamped("due_counts", (round.pk, stamp), lambda: _counts_read([round.pk])[round.pk])


def due_entry_get(*, user: User, pk: int) -> DueEntry:
    """One entry of a round the user sees; 404 otherwise."""
    _require_manager(user)
    return get_object_or_404(DueEntry.objects.select_related("round", "person", "position", "position__unit"),
                             pk=pk, round__in=RotationRound.objects.visible_to(user),
                             person__in=Person.objects.visible_to(user))


def due_person_by_code(*, user: User, code: str) -> Person | None:
    """The person with this record code, if the user may see them."""
    return Person.objects.visible_to(user).select_related("position").filter(code=code.strip()).first()


def round_scope_units(*, user: User) -> QuerySet[Unit]:
    """Units a round may be opened for by the user: all, or a personnel officer's subtree."""
    _require_manager(user)
    units = Unit.objects.current()
    if is_unit_scoped(user):
        return units.filter(pk__in=personnel_scope_ids(user))
    return units
