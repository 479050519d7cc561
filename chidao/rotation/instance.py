"""The optimization instance of a round, built from the records (the optimizer never sees the ORM).

`instance_build(round=...)` gives the JSON-able instance `chidao.optimizer.solve` takes and an
`InstanceIndex` that maps its string ids back to people and posts and keeps, for every allowed move,
the reasons it is allowed and what it costs. `move_violations` re-checks one move against the same
rules (plus the rest of the plan) for a manual edit, so the solver and the hand edit never disagree.

Who moves: the round's due entries with `included=True`.

Where a mover may go (each is a named check below, with its basis):
- a post in the round's scope (the scope unit and every unit below it);
- a post with a seat for them: a post title employs `Position.headcount` people, so it has
  headcount − holders vacancies, and a seat another mover of the round leaves is free once that mover is
  placed elsewhere (the solver keeps every seat count; the plan is then a set of chains and swaps);
- by the kind of round:
  - periodic position change (Law on Anti-Corruption 2018 Art. 24; Decree 59/2019/NĐ-CP Art. 36): inside the
    agency (between its departments, or to a post of another sector) or to another agency of the same locality;
    a post of the same department and sector is no change; never back to a post held within
    `CHIDAO_ROTATION["recent_post_years"]` years (a house rule);
  - rotation (Regulation 65-QĐ/TW): not in the mover's current unit, and not in a unit they served in within
    `CHIDAO_ROTATION["recent_unit_years"]` years (a house rule);
- an equivalent post (Regulation 65-QĐ/TW: "normally to an equivalent post"): the same level and
  the same leading / non-leading kind. For a periodic position change (Decree 59/2019/NĐ-CP
  Art. 36-37) the target must be a non-leading post of the same level, in any sector: the change
  is meant to move the person away from the post, and Art. 36 allows moving to another field;
  expertise fit is priced, not required (below);
- for a key leader in a rotation round (a key post of its level on the round's date: no district level from
  01/07/2025), not in their home town (Regulation 65-QĐ/TW: key leaders are non-local), a home town that has
  since merged being the units that succeeded it;
- no conflict of interest (Law on Anti-Corruption 2018 Art. 20(2)(e), DESIGN rule 6): not into a
  personnel / finance / public-asset post of an agency where a spouse, parent, child or sibling is
  head or deputy, and not into a leading post of an agency where such a relative holds one of those
  posts. "The same agency" is the same unit, or a unit and a unit directly below it (a department
  and its division), a locality excepted. Two movers who are relatives may not land in the same
  unit (a conflict pair for the solver);
- the person has time left: a rotation lasts at least `rotation_min_duration_months`
  (Regulation 65-QĐ/TW); under `periodic_change_exempt_months_to_retirement` months to retirement
  nobody is changed (Decree 59/2019 Art. 37). Counted from the effective date (or the as-of date).

What a move costs (integers, lower is better; the solver minimises the sum):
- COST_BASE (10) for every move, so placing people is always preferred to explaining why not;
- COST_OTHER_PARENT (+20) when the target unit hangs under another parent than the current unit
  (distance from current duties); in a periodic change, when the target is in another agency;
- COST_OTHER_DEPTH (+10) when the target unit sits at another depth of the tree;
- COST_EXPERTISE_MISMATCH (+30) when the post belongs to a sector (Position.sector) and the
  person's expertise and education mention none of the sector's keywords (SECTOR_KEYWORDS);
  a match adds nothing: the plan rewards using a person's strengths.

Units: in a rotation round a unit receives at most max(1, ⌊unit_cap_percent % × its staff⌋) movers, staff
being the people whose current unit it is (a house rule against emptying a leadership). A periodic change has no
such cap: its moves are mostly swaps and chains inside an agency, bounded by the seats themselves.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import get_language, gettext

from chidao.core.models import Unit, UnitKind
from chidao.core.reference import unit_subtree_ids
from chidao.core.text import fold
from chidao.personnel import rules
from chidao.personnel.models import Assignment, Person, Position, PostLevel, Relation, Relative, Sector
from chidao.personnel.rulebook import rulebook_on

from .models import DueEntry, RotationRound, RoundKind

Found = list[tuple[str, str]]  # rule violations: (code, message in Vietnamese)

COST_BASE = 10
COST_OTHER_PARENT = 20
COST_OTHER_DEPTH = 10
COST_EXPERTISE_MISMATCH = 30

# Words that show a person's expertise fits a sector (matched on folded text: no accents, lower case).
SECTOR_KEYWORDS: dict[str, tuple[str, ...]] = {
    Sector.PERSONNEL: ("to chuc", "nhan su", "noi vu", "can bo", "hanh chinh", "quan tri nhan luc"),
    Sector.PUBLIC_FINANCE: ("tai chinh", "ke toan", "kinh te", "ngan sach", "kiem toan", "thue"),
    Sector.PUBLIC_ASSETS: ("tai san", "tai chinh", "ke toan", "kinh te", "quan ly cong"),
    Sector.PUBLIC_INVESTMENT: ("dau tu", "xay dung", "kinh te", "ke hoach", "kien truc"),
    Sector.CITIZEN_FACING: ("hanh chinh", "luat", "phap luat", "tiep cong dan", "mot cua"),
}
# Posts a head or deputy may not give their close relatives (Law on Anti-Corruption 2018 Art. 20(2)(e):
# personnel, accounting, treasurer, storekeeper).
SENSITIVE_SECTORS = frozenset({Sector.PERSONNEL, Sector.PUBLIC_FINANCE, Sector.PUBLIC_ASSETS})
CLOSE_RELATIONS = frozenset({Relation.SPOUSE, Relation.PARENT, Relation.CHILD, Relation.SIBLING})
LOCALITY_KINDS = frozenset({UnitKind.LOCALITY, UnitKind.DISTRICT, UnitKind.COMMUNE})
SEAT_NAMES_SHOWN = 3  # a seat left by more movers than this is said with their number


@lru_cache(maxsize=1024)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext, remembered per language: a city-wide round says the same few reasons for each of 100,000 pairs."""
    return _translated(get_language(), message)


class Holder(NamedTuple):
    pk: int
    full_name: str


def official_id(person_pk: int) -> str:
    return f"P{person_pk}"


def position_id(position_pk: int) -> str:
    return f"C{position_pk}"


def unit_id(unit_pk: int) -> str:
    return f"U{unit_pk}"


def pk_of(string_id: str) -> int:
    return int(string_id[1:])


@dataclass
class Candidate:
    official: str
    position: str
    cost: int
    reasons: list[str]


@dataclass
class InstanceIndex:
    """String ids ↔ records, and the explanation of every allowed move."""

    persons: dict[str, Person] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    # Per official, the allowed moves cheapest first.
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    # Why an official has no allowed move at all.
    no_candidate_reason: dict[str, str] = field(default_factory=dict)
    # Per official, free posts that were refused and why.
    excluded: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    # Each official's post before the round.
    from_positions: dict[str, Position | None] = field(default_factory=dict)
    # The movers holding each post: their seats are free only if they are placed elsewhere.
    vacated_by: dict[str, list[str]] = field(default_factory=dict)

    def candidate(self, official: str, position: str) -> Candidate | None:
        return next((c for c in self.candidates.get(official, []) if c.position == position), None)

    def reasons(self, official: str, position: str) -> list[str]:
        found = self.candidate(official, position)
        return list(found.reasons) if found else []


@dataclass
class Evaluation:
    violations: list[tuple[str, str]]  # (code, message in Vietnamese)
    reasons: list[str]
    cost: int

    @property
    def messages(self) -> list[str]:
        return [m for _code, m in self.violations]


class RoundContext:
    """Everything the checks need about a round, loaded with a fixed number of queries."""

    def __init__(self, rnd: RotationRound) -> None:
        self.round = rnd
        self.on: dt.date = rnd.effective_on or rnd.as_of
        self.scope_ids = unit_subtree_ids(rnd.scope)
        self.unit_parent: dict[int, int | None] = {}
        self.unit_kind: dict[int, str] = {}
        self.unit_name: dict[int, str] = {}
        self.unit_level: dict[int, str] = {}
        self._children: dict[int | None, list[int]] = defaultdict(list)
        for pk, parent_id, kind, name, level in Unit.objects.values_list("pk", "parent_id", "kind", "name", "level"):
            self.unit_parent[pk], self.unit_kind[pk], self.unit_name[pk] = parent_id, kind, name
            self.unit_level[pk] = level
            self._children[parent_id].append(pk)
        self.successors: dict[int, list[int]] = defaultdict(list)
        for old, new in Unit.successors.through.objects.values_list("from_unit_id", "to_unit_id"):
            self.successors[old].append(new)
        self._subtree: dict[int, set[int]] = {}
        self._depth: dict[int, int] = {}
        entries = list(DueEntry.objects.filter(round=rnd, included=True)
                       .select_related("person__position__unit", "person__unit", "person__hometown",
                                       "position__unit"))
        self.entries = entries
        self.movers: dict[int, Person] = {e.person_id: e.person for e in entries}
        self._entry_position: dict[int, Position | None] = {e.person_id: e.position for e in entries}
        self.years = settings.CHIDAO_ROTATION["recent_unit_years"]
        self.post_years = settings.CHIDAO_ROTATION["recent_post_years"]
        unit_cutoff = rules.add_months(rnd.as_of, -12 * self.years)
        post_cutoff = rules.add_months(rnd.as_of, -12 * self.post_years)
        self.recent_units: dict[int, set[int]] = defaultdict(set)
        self.recent_posts: dict[int, set[int]] = defaultdict(set)
        for person_id, post_pk, unit_pk, end in (
                Assignment.objects.filter(person_id__in=self.movers)
                .filter(Q(end__isnull=True) | Q(end__gte=min(unit_cutoff, post_cutoff)))
                .values_list("person_id", "position_id", "position__unit_id", "end")):
            if end is None or end >= unit_cutoff:
                self.recent_units[person_id].add(unit_pk)
            if end is None or end >= post_cutoff:
                self.recent_posts[person_id].add(post_pk)
        self.relatives: dict[int, list[tuple[Person, str]]] = defaultdict(list)
        for link in (Relative.objects.filter(person_id__in=self.movers, relation__in=CLOSE_RELATIONS)
                     .select_related("relative__position__unit")):
            self.relatives[link.person_id].append((link.relative, link.relation))
        self._hometown: dict[int, set[int]] = {}

    # --- helpers -------------------------------------------------------------------------------------

    def current_position(self, person: Person) -> Position | None:
        if person.position is not None:
            return person.position
        return self._entry_position.get(person.pk)

    def depth(self, unit_pk: int) -> int:
        if unit_pk not in self._depth:
            parent = self.unit_parent.get(unit_pk)
            self._depth[unit_pk] = 0 if parent is None else self.depth(parent) + 1
        return self._depth[unit_pk]

    def agency(self, unit_pk: int) -> int:
        """The agency a unit belongs to: a department (phòng, ban) inside a department-kind agency (sở, ban,
        ngành) belongs to the topmost one of that chain; any other unit is its own agency."""
        unit = unit_pk
        while (self.unit_kind.get(unit) == UnitKind.DEPARTMENT
               and (parent := self.unit_parent.get(unit)) is not None
               and self.unit_kind.get(parent) == UnitKind.DEPARTMENT):
            unit = parent
        return unit

    def locality(self, unit_pk: int) -> int | None:
        """The locality an agency serves: the nearest unit at or above it that is a province or city, a former
        district or a commune (None when there is none)."""
        unit: int | None = unit_pk
        while unit is not None:
            if self.unit_kind.get(unit) in LOCALITY_KINDS:
                return unit
            unit = self.unit_parent.get(unit)
        return None

    def same_agency(self, a: int, b: int) -> bool:
        """The same unit, or a unit and one directly below it (not below a locality)."""
        if a == b:
            return True
        for upper, lower in ((a, b), (b, a)):
            if self.unit_parent.get(lower) == upper and self.unit_kind.get(upper) != UnitKind.LOCALITY:
                return True
        return False

    def subtree(self, unit_pk: int) -> set[int]:
        """The unit and every unit below it (from the tree read once)."""
        if unit_pk not in self._subtree:
            ids, frontier = {unit_pk}, [unit_pk]
            while frontier:
                frontier = [c for u in frontier for c in self._children.get(u, []) if c not in ids]
                ids.update(frontier)
            self._subtree[unit_pk] = ids
        return self._subtree[unit_pk]

    def hometown_area(self, person: Person) -> set[int]:
        """The units inside the person's home town: its subtree and, for a home town that has since merged (a
        former district or commune), the subtrees of the units that succeeded it (the merge lineage)."""
        if person.hometown_id is None:
            return set()
        if person.hometown_id not in self._hometown:
            area: set[int] = set()
            seen, frontier = {person.hometown_id}, [person.hometown_id]
            while frontier:
                for u in frontier:
                    area |= self.subtree(u)
                frontier = [s for u in frontier for s in self.successors.get(u, []) if s not in seen]
                seen.update(frontier)
            self._hometown[person.hometown_id] = area
        return self._hometown[person.hometown_id]

    def is_local(self, person: Person, unit_pk: int) -> bool:
        """Whether a post of `unit_pk` is in the person's home town: the unit lies inside the home town's area, or
        the home town (or a unit that succeeded it) lies inside the unit's subtree, as the due list judges it
        (`rules.hometown_is_local`)."""
        return unit_pk in self.hometown_area(person) or rules.hometown_is_local(
            hometown_id=person.hometown_id, successors=self.successors, subtree=self.subtree(unit_pk))

    def is_key(self, position: Position | None) -> bool:
        """A post marked key that is a key-leader post of its unit's level on the round's date
        (`rules.key_post_applies`: no district level from 01/07/2025)."""
        return bool(position is not None and position.is_key_post
                    and rules.key_post_applies(unit_level=self.unit_level.get(position.unit_id, ""), on=self.on))

    def relative_links(self, person: Person) -> list[tuple[Person, str]]:
        if person.pk in self.movers:
            return self.relatives.get(person.pk, [])
        return [(link.relative, link.relation) for link in
                Relative.objects.filter(person=person, relation__in=CLOSE_RELATIONS)
                .select_related("relative__position__unit")]


def relation_label(relation: str) -> str:
    return str(Relation(relation).label)


def level_label(level: int) -> str:
    return _level_label(get_language(), level)


@lru_cache(maxsize=64)
def _level_label(language: str | None, level: int) -> str:
    return str(PostLevel(level).label) if level in PostLevel.values else str(level)


# --- the rules, one function each -----------------------------------------------------------------------


def person_violations(ctx: RoundContext, person: Person) -> Found:
    """Person-level rules (Regulation 65-QĐ/TW; Law on Anti-Corruption 2018 Art. 25 and Decree 59/2019/NĐ-CP
    Art. 37; retirement dates from Decree 135/2020):
    a rotation lasts at least `rotation_min_duration_months`; under
    `periodic_change_exempt_months_to_retirement` months to retirement a person is not changed."""
    book = rulebook_on(ctx.on)
    duration, exempt = book.rotation_min_duration_months, book.periodic_change_exempt_months_to_retirement
    found: list[tuple[str, str]] = []
    if ctx.current_position(person) is None:
        found.append(("no_post", _("Chưa có chức danh hiện nay trong hồ sơ")))
    if person.retirement_date is not None:
        left = rules.months_of_service_left(retirement_date=person.retirement_date, on=ctx.on)
        if ctx.round.kind == RoundKind.ROTATION and left < duration.value:
            found.append(("duration", _(
                "Còn %(m)s tháng công tác (nghỉ hưu ngày %(d)s), dưới thời gian luân chuyển tối thiểu %(n)s tháng "
                "(%(src)s)") % {"m": left, "d": person.retirement_date.strftime("%d/%m/%Y"), "n": duration.value,
                                "src": duration.cite()}))
        if ctx.round.kind == RoundKind.PERIODIC_CHANGE and left < exempt.value:
            found.append(("retirement", _(
                "Còn dưới %(n)s tháng đến tuổi nghỉ hưu (ngày %(d)s): không thực hiện chuyển đổi "
                "(%(src)s)") % {"n": exempt.value, "d": person.retirement_date.strftime("%d/%m/%Y"),
                                "src": exempt.cite()}))
    return found


def in_scope(ctx: RoundContext, position: Position) -> Found:
    """Only posts of the round's scope (the scope unit's subtree); no posts are created (Regulation 65-QĐ/TW)."""
    if position.unit_id in ctx.scope_ids:
        return []
    return [("scope", _("Chức danh ngoài phạm vi của đợt (%(u)s)") % {"u": ctx.round.scope.name})]


def other_unit(ctx: RoundContext, person: Person, current: Position | None, position: Position) -> Found:
    """A rotation leaves the current unit (Regulation 65-QĐ/TW: luân chuyển is to another place). A periodic change
    may stay inside the agency (`periodic_change_leaves_post`)."""
    if ctx.round.kind != RoundKind.ROTATION:
        return []
    unit_pk = current.unit_id if current else person.unit_id
    if unit_pk == position.unit_id:
        return [("same_unit", _("Cùng đơn vị đang công tác (%(u)s)") % {"u": position.unit.name})]
    return []


def periodic_change_leaves_post(ctx: RoundContext, current: Position | None, position: Position) -> Found:
    """A periodic change moves the person off the post (Law on Anti-Corruption 2018 Art. 24; Decree 59/2019/NĐ-CP
    Art. 36): to another post, and inside the same department only to a post of another sector; a post of the same
    department and the same sector (or none) is no change of position."""
    if ctx.round.kind != RoundKind.PERIODIC_CHANGE or current is None:
        return []
    if position.pk == current.pk:
        return [("same_post", _("Là vị trí đang giữ"))]
    if position.unit_id == current.unit_id and position.sector == current.sector:
        return [("same_post", _("Cùng phòng, cùng lĩnh vực với vị trí đang giữ (%(u)s): chưa phải chuyển đổi vị trí "
                                "công tác") % {"u": position.unit.name})]
    return []


def periodic_change_place(ctx: RoundContext, person: Person, current: Position | None, position: Position) -> Found:
    """Where a periodic change may go (Law on Anti-Corruption 2018 Art. 24; Decree 59/2019/NĐ-CP Art. 36): inside
    the agency (between its departments and between posts of different sectors) or to another agency of the same
    locality; an agency is a sở, ban, ngành with its departments, or any other unit by itself (`RoundContext.agency`),
    its locality the province, former district or commune it serves (`RoundContext.locality`)."""
    if ctx.round.kind != RoundKind.PERIODIC_CHANGE:
        return []
    from_unit = current.unit_id if current else person.unit_id
    if from_unit is None:
        return []
    here, there = ctx.agency(from_unit), ctx.agency(position.unit_id)
    if here == there or ctx.locality(here) == ctx.locality(there):
        return []
    return [("place", _("Ngoài cơ quan đang công tác và ngoài địa phương của cơ quan (%(u)s)") % {
        "u": ctx.unit_name.get(there, "")})]


def not_recent_post(ctx: RoundContext, person: Person, current: Position | None, position: Position) -> Found:
    """House rule (CHIDAO_ROTATION["recent_post_years"]): a periodic change never goes back to a post held within that
    many years (the post held now is judged by `periodic_change_leaves_post`)."""
    if ctx.round.kind != RoundKind.PERIODIC_CHANGE or (current is not None and position.pk == current.pk):
        return []
    if position.pk in ctx.recent_posts.get(person.pk, set()):
        return [("recent", _("Đã giữ vị trí này trong %(n)s năm gần đây") % {"n": ctx.post_years})]
    return []


def not_recent_unit(ctx: RoundContext, person: Person, position: Position) -> Found:
    """House rule (CHIDAO_ROTATION["recent_unit_years"]): a rotation does not go back to a unit served in recently."""
    if ctx.round.kind != RoundKind.ROTATION:
        return []
    current_unit = person.unit_id
    if position.unit_id != current_unit and position.unit_id in ctx.recent_units.get(person.pk, set()):
        return [("recent", _("Đã công tác tại %(u)s trong %(n)s năm gần đây") % {
            "u": position.unit.name, "n": ctx.years})]
    return []


def equivalent_post(ctx: RoundContext, current: Position | None, position: Position) -> Found:
    """Regulation 65-QĐ/TW: a rotation is normally to an equivalent post (same level, same leading kind).
    Decree 59/2019/NĐ-CP Art. 36: a periodic change is between non-leading posts (same level here)."""
    if current is None:
        return []
    found: list[tuple[str, str]] = []
    if ctx.round.kind == RoundKind.PERIODIC_CHANGE and position.is_leader:
        found.append(("leader", _("Chuyển đổi vị trí công tác định kỳ chỉ giữa các vị trí không giữ chức vụ "
                                  "lãnh đạo, quản lý")))
    elif ctx.round.kind == RoundKind.ROTATION and position.is_leader != current.is_leader:
        found.append(("leader", _("Không tương đương: khác tính chất lãnh đạo, quản lý với chức danh hiện nay")))
    if position.level != current.level:
        found.append(("level", _("Không tương đương chức danh hiện nay (cấp %(a)s → %(b)s)") % {
            "a": level_label(current.level), "b": level_label(position.level)}))
    return found


def non_local(ctx: RoundContext, person: Person, current: Position | None, position: Position) -> Found:
    """Regulation 65-QĐ/TW: key leaders (a key post of its level on the round's date, `RoundContext.is_key`) are
    rotated to places other than their home town, the merge lineage followed (`RoundContext.is_local`)."""
    if ctx.round.kind != RoundKind.ROTATION or not ctx.is_key(current):
        return []
    if ctx.is_local(person, position.unit_id):
        return [("hometown", _("Cán bộ chủ chốt không bố trí tại địa phương quê quán (%(u)s)") % {
            "u": person.hometown.name if person.hometown else ""})]
    return []


def conflict_of_interest(ctx: RoundContext, person: Person, position: Position,
                         relative_position: Callable[[Person], Position | None]) -> Found:
    """Law on Anti-Corruption 2018 Art. 20(2)(e) (DESIGN rule 6): a head or deputy may not place a spouse,
    parent, child or sibling in personnel, accounting, treasurer or storekeeper posts of the same agency.
    Both directions: the mover into such a post under a relative who leads, or into a leading post over a
    relative who holds one. `relative_position` says where each relative will be."""
    found: list[tuple[str, str]] = []
    for relative, relation in ctx.relative_links(person):
        where = relative_position(relative)
        if where is None or not ctx.same_agency(where.unit_id, position.unit_id):
            continue
        if position.sector in SENSITIVE_SECTORS and where.is_leader:
            found.append(("conflict", _(
                "Xung đột lợi ích (Luật Phòng, chống tham nhũng 2018, Điều 20 khoản 2 điểm e): %(r)s là %(n)s giữ "
                "chức vụ %(t)s") % {"r": relation_label(relation), "n": relative.full_name, "t": str(where)}))
        elif position.is_leader and where.sector in SENSITIVE_SECTORS:
            found.append(("conflict", _(
                "Xung đột lợi ích (Luật Phòng, chống tham nhũng 2018, Điều 20 khoản 2 điểm e): %(r)s là %(n)s làm "
                "%(t)s") % {"r": relation_label(relation), "n": relative.full_name, "t": str(where)}))
    return found


def expertise_fit(person: Person, position: Position) -> bool | None:
    """Whether the person's expertise or education mentions a keyword of the post's sector (None: no sector)."""
    keywords = SECTOR_KEYWORDS.get(position.sector)
    if not position.sector or not keywords:
        return None
    text = fold(f"{person.expertise} {person.education}")
    return any(k in text for k in keywords)


def _rotation_place_cost(ctx: RoundContext, from_unit: int, position: Position) -> tuple[int, list[str]]:
    """A rotation: another unit, not served in recently; dearer under another parent or at another depth."""
    reasons = [_("Khác đơn vị hiện nay, chưa công tác tại %(u)s trong %(n)s năm gần đây") % {
        "u": position.unit.name, "n": ctx.years}]
    cost = 0
    from_parent = ctx.unit_parent.get(from_unit)
    to_parent = ctx.unit_parent.get(position.unit_id)
    if from_parent == to_parent:
        reasons.append(_("Cùng đơn vị cấp trên (%(u)s)") % {"u": ctx.unit_name.get(to_parent or 0, "—")})
    else:
        cost += COST_OTHER_PARENT
        reasons.append(_("Khác đơn vị cấp trên (+%(c)s điểm khác biệt)") % {"c": COST_OTHER_PARENT})
    if ctx.depth(from_unit) != ctx.depth(position.unit_id):
        cost += COST_OTHER_DEPTH
        reasons.append(_("Khác cấp trong hệ thống tổ chức (+%(c)s điểm khác biệt)") % {"c": COST_OTHER_DEPTH})
    return cost, reasons


def _periodic_place_cost(ctx: RoundContext, from_unit: int, position: Position) -> tuple[int, list[str]]:
    """A periodic change: inside the agency is preferred; another agency of the locality costs more."""
    here, there = ctx.agency(from_unit), ctx.agency(position.unit_id)
    reasons = [_("Chưa giữ vị trí này trong %(n)s năm gần đây") % {"n": ctx.post_years}]
    if here == there:
        where = (_("sang %(u)s") % {"u": position.unit.name} if position.unit_id != from_unit
                 else _("cùng phòng, khác lĩnh vực"))
        reasons.append(_("Trong cùng cơ quan %(a)s (%(w)s)") % {"a": ctx.unit_name.get(here, ""), "w": where})
        return 0, reasons
    reasons.append(_("Sang cơ quan khác cùng địa phương: %(a)s (+%(c)s điểm khác biệt)") % {
        "a": ctx.unit_name.get(there, ""), "c": COST_OTHER_PARENT})
    return COST_OTHER_PARENT, reasons


def evaluate(ctx: RoundContext, person: Person, position: Position,
             relative_position: Callable[[Person], Position | None] | None = None) -> Evaluation:
    """Every rule for one (person, post) pair, then its cost and the reasons it is a fit."""
    current = ctx.current_position(person)
    where = relative_position or (lambda rel: None if rel.pk in ctx.movers else rel.position)
    violations = [
        *person_violations(ctx, person), *in_scope(ctx, position), *other_unit(ctx, person, current, position),
        *periodic_change_leaves_post(ctx, current, position), *periodic_change_place(ctx, person, current, position),
        *not_recent_post(ctx, person, current, position),
        *not_recent_unit(ctx, person, position), *equivalent_post(ctx, current, position),
        *non_local(ctx, person, current, position),
        *conflict_of_interest(ctx, person, position, where),
    ]
    cost = COST_BASE
    reasons = [_("Chức danh tương đương (%(l)s)") % {"l": level_label(position.level)}]
    from_unit = current.unit_id if current else person.unit_id
    if from_unit is not None:
        extra, said = (_periodic_place_cost if ctx.round.kind == RoundKind.PERIODIC_CHANGE
                       else _rotation_place_cost)(ctx, from_unit, position)
        cost += extra
        reasons += said
    fit = expertise_fit(person, position)
    sector = str(Sector(position.sector).label) if position.sector else ""
    if fit is True:
        reasons.append(_("Chuyên môn phù hợp lĩnh vực %(s)s") % {"s": sector})
    elif fit is False:
        cost += COST_EXPERTISE_MISMATCH
        reasons.append(_("Chuyên môn chưa phù hợp lĩnh vực %(s)s (+%(c)s điểm khác biệt)") % {
            "s": sector, "c": COST_EXPERTISE_MISMATCH})
    if ctx.round.kind == RoundKind.ROTATION and ctx.is_key(current):
        reasons.append(_("Ngoài địa phương quê quán"))
    return Evaluation(violations=violations, reasons=reasons, cost=cost)


# --- the instance ---------------------------------------------------------------------------------------


def _no_candidate_reason(person_level: list[tuple[str, str]], refused: Iterable[list[tuple[str, str]]]) -> str:
    if person_level:
        return "; ".join(m for _c, m in person_level)
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    total = 0
    for violations in refused:
        total += 1
        for code, message in dict(violations).items():
            counts[code] += 1
            example.setdefault(code, message)
    if not total:
        return _("Không có chức danh tương đương còn chỗ trống hoặc được để lại trong phạm vi đợt")
    parts = [f"{example[code]} ({n}/{total})" for code, n in counts.most_common(3)]
    return _("Không có vị trí hợp lệ trong %(n)s chức danh còn trống: %(p)s") % {"n": total, "p": "; ".join(parts)}


def unit_caps(*, unit_pks: Iterable[int], percent: int) -> dict[int, int]:
    """A unit receives at most max(1, ⌊percent % × its staff⌋) movers in one round (house rule;
    `RotationRound.unit_cap_percent`, defaulting to CHIDAO_ROTATION["unit_cap_percent"])."""
    pks = list(unit_pks)
    staff = dict(Person.objects.filter(unit_id__in=pks).values("unit_id").annotate(n=Count("id"))
                 .values_list("unit_id", "n"))
    return {pk: max(1, staff.get(pk, 0) * percent // 100) for pk in pks}


def seats_free(position: Position, holders: int) -> int:
    """Vacancies of a post title: its headcount less the people holding it now (never below 0)."""
    return max(0, position.headcount - holders)


def free_positions(ctx: RoundContext, stayers: set[int]) -> tuple[list[Position], dict[int, list[Holder]]]:
    """Posts of the scope with a seat a mover could take: a vacancy, or a seat held by a mover of this round who
    may be placed elsewhere (a mover who cannot move at all, `stayers`, frees nothing)."""
    positions = list(Position.objects.filter(unit_id__in=ctx.scope_ids).select_related("unit")
                     .order_by("unit__name", "-level", "title", "pk"))
    holders: dict[int, list[Holder]] = defaultdict(list)
    for pk, name, post in Person.objects.filter(position__in=[p.pk for p in positions]).values_list(
            "pk", "full_name", "position_id"):
        holders[post].append(Holder(pk, name))
    free = [p for p in positions
            if seats_free(p, len(holders.get(p.pk, []))) > 0
            or any(h.pk in ctx.movers and h.pk not in stayers for h in holders.get(p.pk, []))]
    return free, holders


class Pools:
    """The posts each mover is weighed against, in turns: a periodic change looks inside the person's agency first
    and at the other agencies of its locality only when the agency has no lawful post for them (Decree 59/2019/NĐ-CP
    Art. 36: the change is mostly made inside the agency, by its own plan); a rotation looks at the whole scope.
    Posts of another level, or of another leading kind, are not weighed at all (`equivalent_post` would refuse
    them), which keeps a city-wide round to a few posts per person."""

    def __init__(self, ctx: RoundContext, free: list[Position]) -> None:
        self.ctx = ctx
        self.by_key: dict[tuple[int, bool], list[Position]] = defaultdict(list)
        self.by_agency: dict[tuple[int, bool, int], list[Position]] = defaultdict(list)
        self.by_locality: dict[tuple[int, bool, int | None], list[Position]] = defaultdict(list)
        for p in free:
            key = (p.level, p.is_leader)
            agency = ctx.agency(p.unit_id)
            self.by_key[key].append(p)
            self.by_agency[(*key, agency)].append(p)
            self.by_locality[(*key, ctx.locality(agency))].append(p)

    def offered(self, person: Person, current: Position | None) -> Iterable[list[Position]]:
        """The pools to weigh in turn (the next only when the one before gave no lawful post); the post held now
        is never one of them."""
        ctx = self.ctx
        if current is None:
            return [[p for ps in self.by_key.values() for p in ps]]
        key = (current.level, current.is_leader if ctx.round.kind == RoundKind.ROTATION else False)
        if ctx.round.kind != RoundKind.PERIODIC_CHANGE:
            return [[p for p in self.by_key.get(key, []) if p.pk != current.pk]]
        agency = ctx.agency(current.unit_id)
        inside = [p for p in self.by_agency.get((*key, agency), []) if p.pk != current.pk]
        around = [p for p in self.by_locality.get((*key, ctx.locality(agency)), [])
                  if ctx.agency(p.unit_id) != agency]
        return [inside, around]


def _seat_reason(position: Position, held: int, leaving: list[str]) -> str:
    """Where the mover's seat comes from: a vacancy, or the seat a mover of the round leaves (named when few)."""
    vacant = seats_free(position, held)
    if vacant and position.headcount == 1:
        return _("Vị trí đang trống")
    if vacant:
        return _("Còn %(n)s chỗ trống (%(h)s/%(c)s người)") % {"n": vacant, "h": held, "c": position.headcount}
    if len(leaving) > SEAT_NAMES_SHOWN:
        return _("Chỗ do một trong %(n)s người cùng đợt để lại khi chuyển đi") % {"n": len(leaving)}
    return _("Chỗ do %(n)s để lại khi chuyển đi (cùng đợt)") % {"n": ", ".join(leaving)}


def instance_build(*, round: RotationRound) -> tuple[dict[str, Any], InstanceIndex]:  # noqa: A002
    """The optimization instance of a round and its index (see the module docstring for every term)."""
    ctx = RoundContext(round)
    index = InstanceIndex()
    person_level = {pk: person_violations(ctx, person) for pk, person in ctx.movers.items()}
    free, holders = free_positions(ctx, {pk for pk, found in person_level.items() if found})
    pools = Pools(ctx, free)
    leaving = {p.pk: [h.full_name for h in holders.get(p.pk, []) if h.pk in ctx.movers] for p in free}
    officials: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    used_positions: dict[str, Position] = {}
    for entry in ctx.entries:
        person = entry.person
        oid = official_id(person.pk)
        index.persons[oid] = person
        official: dict[str, Any] = {"id": oid}
        current = index.from_positions[oid] = ctx.current_position(person)
        if current is not None and current.unit_id in ctx.scope_ids:
            official["holds"] = position_id(current.pk)
            used_positions.setdefault(official["holds"], current)
        officials.append(official)
        allowed: list[Candidate] = []
        refused: dict[str, list[tuple[str, str]]] = {}
        if not person_level[person.pk]:
            for pool in pools.offered(person, current):
                for position in pool:
                    evaluation = evaluate(ctx, person, position)
                    pid = position_id(position.pk)
                    if evaluation.violations:
                        refused[pid] = evaluation.violations
                        continue
                    reasons = [*evaluation.reasons, _seat_reason(position, len(holders.get(position.pk, [])),
                                                                  leaving.get(position.pk, []))]
                    allowed.append(Candidate(official=oid, position=pid, cost=evaluation.cost, reasons=reasons))
                    used_positions[pid] = position
                if allowed:
                    break
        allowed.sort(key=lambda c: (c.cost, c.position))
        index.candidates[oid] = allowed
        index.excluded[oid] = {pid: [m for _c, m in v] for pid, v in refused.items()}
        if not allowed:
            index.no_candidate_reason[oid] = _no_candidate_reason(person_level[person.pk], refused.values())
        candidates.extend({"official": c.official, "position": c.position, "cost": c.cost} for c in allowed)
    index.positions = used_positions
    for pid, position in used_positions.items():
        if holders.get(position.pk):
            index.vacated_by[pid] = [official_id(h.pk) for h in holders[position.pk] if h.pk in ctx.movers]
    unit_pks = sorted({p.unit_id for p in used_positions.values()})
    # A unit's intake cap is a rotation's house rule (see the module docstring).
    caps = (unit_caps(unit_pks=unit_pks, percent=round.unit_cap_percent) if round.kind == RoundKind.ROTATION
            else {})
    for position in used_positions.values():
        index.units[unit_id(position.unit_id)] = position.unit
    conflicts: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for person_pk, links in ctx.relatives.items():
        for relative, relation in links:
            pair = (min(person_pk, relative.pk), max(person_pk, relative.pk))
            if relative.pk not in ctx.movers or pair in seen:
                continue
            seen.add(pair)
            person = ctx.movers[person_pk]
            conflicts.append({
                "officials": [official_id(pair[0]), official_id(pair[1])],
                "reason": _("%(a)s và %(b)s là %(r)s: không bố trí cùng đơn vị (Luật Phòng, chống tham nhũng "
                            "2018, Điều 20)") % {"a": person.full_name, "b": relative.full_name,
                                                 "r": relation_label(relation)},
            })
    instance = {
        "officials": officials,
        "positions": [{"id": pid, "unit": unit_id(p.unit_id), "seats": seats_free(p, len(holders.get(p.pk, [])))}
                      for pid, p in sorted(used_positions.items())],
        "units": [{"id": unit_id(pk), "cap": caps[pk]} if pk in caps else {"id": unit_id(pk)} for pk in unit_pks],
        "candidates": candidates,
        "conflicts": conflicts,
    }
    return instance, index
