"""Cadre planning (quy hoạch cán bộ) under Regulation 377-QĐ/TW (2025): services for the writes and
selectors for the reads, including the yearly review and the coverage of key posts.

The numbers (3 people per post, 3 posts per person at one level, 60 months before retirement, the
women and young targets) are in the dated rulebook (`rulebook.py`); the rules themselves are named functions in
`rules.py` and `flags.py`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.dates import format_date as _d
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.limits import length_errors
from chidao.core.models import User

from . import flags, rules
from .models import AccessLog, Assignment, Discipline, Gender, Person, PlanningEntry, PlanningTerm, Position, PostLevel
from .permissions import can_manage_people, is_unit_scoped, personnel_scope_ids
from .rulebook import Rulebook, rulebook_on
from .services import _require_person

TERM_FIELDS = ("name", "start_year", "end_year")
ENTRY_FIELDS = ("term", "person", "position", "added_on", "added_reason", "removed_on", "removed_reason")

def planning_basis(on: dt.date) -> str:
    """The planning regulation in force on `on` (Regulation 377-QĐ/TW from 08/10/2025, Regulation 50-QĐ/TW
    before): planning is only for higher posts, with the caps and the term it sets."""
    return str(rulebook_on(on).planning_max_people_per_post.source)


def _today_book() -> Rulebook:
    return rulebook_on(dt.date.today())


def _level_label(level: int) -> str:
    return str(PostLevel(level).label)


def _require_manager(actor: User) -> None:
    if not can_manage_people(actor):
        raise PermissionDenied(_("Bạn không có quyền quản lý quy hoạch cán bộ."))


# --- Services -------------------------------------------------------------------------------------

@transaction.atomic
def planning_term_create(*, actor: User, name: str, start_year: int, end_year: int) -> PlanningTerm:
    """Open a planning term (nhiệm kỳ quy hoạch), e.g. 2025-2030."""
    _require_manager(actor)
    name = " ".join(name.split())
    errors = length_errors(PlanningTerm, name=name)
    if not name:
        errors["name"] = _("Nhập tên nhiệm kỳ quy hoạch.")
    elif PlanningTerm.objects.filter(name=name).exists():
        errors["name"] = _("Nhiệm kỳ %(n)s đã có.") % {"n": name}
    if end_year <= start_year:
        errors["end_year"] = _("Năm kết thúc (%(e)s) phải sau năm bắt đầu (%(s)s).") % {"e": end_year, "s": start_year}
    if errors:
        raise ValidationError(errors)
    term = PlanningTerm.objects.create(name=name, start_year=start_year, end_year=end_year)
    change_record_create(actor=actor, action="create", obj=term, after=snapshot(term, TERM_FIELDS))
    return term


def _blocking_disciplines(person: Person, on: dt.date) -> list[Discipline]:
    """The person's disciplines that block planning on `on` (the planning question only: an appointment or grade
    bar does not keep anyone out of planning)."""
    return [d for d in flags.blocking_disciplines_by_person([person.pk], on=on).get(person.pk, [])
            if flags.blocks_planning(d, on=on)]


@transaction.atomic
def planning_entry_add(*, actor: User, term: PlanningTerm, person: Person, position: Position, on: dt.date,
                       reason: str = "") -> PlanningEntry:
    """Plan `person` for `position` in `term` from `on`, if Regulation 377-QĐ/TW allows it.

    Refused with the numbers named (the rulebook in force on `on`): a post already holding
    `planning_max_people_per_post` people; a person already planned for `planning_max_posts_per_person` posts
    of that level; a post not higher than the person's current post (or no current post); fewer than
    `planning_min_months_before_retirement` months to retirement (`rules.can_serve_full_term`);
    a discipline blocking planning on `on` (`rules.discipline_blocks_planning` on its planning bar).
    """
    _require_person(actor, person)
    r = rulebook_on(on).values()
    # Row locks (PostgreSQL) so two officers cannot both take the last place of a post or a person.
    person = Person.objects.select_for_update(of=("self",)).select_related("position").get(pk=person.pk)
    position = Position.objects.select_for_update().get(pk=position.pk)
    errors: dict[str, list[str]] = defaultdict(list)
    for name, message in length_errors(PlanningEntry, added_reason=reason).items():
        errors["reason" if name == "added_reason" else name].append(message)

    current = person.position
    if current is None:
        errors["person"].append(_("%(p)s chưa giữ chức danh nào nên không thể quy hoạch (chỉ quy hoạch vào chức "
                                  "danh cao hơn chức danh hiện nay).") % {"p": person.full_name})
    elif position.level <= current.level:
        errors["position"].append(_(
            "Chỉ quy hoạch vào chức danh cao hơn: “%(post)s” (%(level)s) không cao hơn chức danh hiện nay "
            "“%(current)s” (%(current_level)s).") % {
            "post": position.title, "level": _level_label(position.level), "current": current.title,
            "current_level": _level_label(current.level)})

    active = PlanningEntry.objects.filter(term=term, removed_on__isnull=True)
    if active.filter(person=person, position=position).exists():
        errors["position"].append(_("%(p)s đã có trong quy hoạch chức danh “%(post)s” nhiệm kỳ %(t)s.") % {
            "p": person.full_name, "post": position.title, "t": term.name})
    else:
        per_post = active.filter(position=position).count()
        if per_post >= r["planning_max_people_per_post"]:
            errors["position"].append(_(
                "Chức danh “%(post)s” đã có %(n)s người trong quy hoạch nhiệm kỳ %(t)s; mỗi chức danh quy hoạch "
                "không quá %(max)s người.") % {"post": position.title, "n": per_post, "t": term.name,
                                               "max": r["planning_max_people_per_post"]})
        per_level = active.filter(person=person, position__level=position.level).count()
        if per_level >= r["planning_max_posts_per_person"]:
            errors["position"].append(_(
                "%(p)s đã được quy hoạch %(n)s chức danh cấp “%(level)s” trong nhiệm kỳ %(t)s; mỗi người quy "
                "hoạch không quá %(max)s chức danh ở cùng một cấp.") % {
                "p": person.full_name, "n": per_level, "level": _level_label(position.level), "t": term.name,
                "max": r["planning_max_posts_per_person"]})

    retirement = person.retirement_date or rules.retirement_date(birth_date=person.birth_date, gender=person.gender)
    if not rules.can_serve_full_term(retirement_date=retirement, on=on):
        errors["person"].append(_(
            "Không đủ thời gian công tác ít nhất một nhiệm kỳ: từ ngày %(on)s đến ngày nghỉ hưu %(r)s còn "
            "%(left)s tháng, cần ít nhất %(min)s tháng.") % {
            "on": _d(on), "r": _d(retirement), "left": rules.months_of_service_left(retirement_date=retirement, on=on),
            "min": r["planning_min_months_before_retirement"]})

    for d in _blocking_disciplines(person, on):
        end = flags.planning_bar_end(d, on=on)
        if end is None:  # never lapses
            errors["person"].append(_("Đã bị kỷ luật %(form)s (quyết định ngày %(d)s): không được quy hoạch.") % {
                "form": d.get_form_display(), "d": _d(d.decided_on)})
        else:
            errors["person"].append(_(
                "Đang trong thời hạn kỷ luật %(form)s (quyết định ngày %(d)s): chưa được quy hoạch đến hết ngày "
                "%(u)s.") % {"form": d.get_form_display(), "d": _d(d.decided_on), "u": _d(end)})

    if errors:
        raise ValidationError(dict(errors))
    entry = PlanningEntry.objects.create(term=term, person=person, position=position, added_on=on,
                                         added_reason=reason.strip())
    change_record_create(actor=actor, action="create", obj=entry, after=snapshot(entry, ENTRY_FIELDS),
                         reason=reason.strip())
    return entry


@transaction.atomic
def planning_entry_remove(*, actor: User, entry: PlanningEntry, on: dt.date, reason: str) -> PlanningEntry:
    """Take a person out of planning on `on`; the reason is required and the row is kept (Regulation 377-QĐ/TW:
    the yearly review adds and removes, with reasons)."""
    _require_person(actor, entry.person)
    entry = PlanningEntry.objects.select_for_update().get(pk=entry.pk)
    too_long = length_errors(PlanningEntry, removed_reason=reason)
    errors = {"reason": too_long["removed_reason"]} if too_long else {}
    if not reason.strip():
        errors["reason"] = _("Nhập lý do đưa ra khỏi quy hoạch.")
    if entry.removed_on is not None:
        errors["removed_on"] = _("Người này đã được đưa ra khỏi quy hoạch ngày %(d)s.") % {"d": _d(entry.removed_on)}
    elif on < entry.added_on:
        errors["removed_on"] = _("Ngày đưa ra (%(on)s) không được trước ngày đưa vào quy hoạch (%(a)s).") % {
            "on": _d(on), "a": _d(entry.added_on)}
    if errors:
        raise ValidationError(errors)
    before = snapshot(entry, ENTRY_FIELDS)
    entry.removed_on, entry.removed_reason = on, reason.strip()
    entry.save(update_fields=["removed_on", "removed_reason"])
    change_record_create(actor=actor, action="update", obj=entry, before=before,
                         after=snapshot(entry, ENTRY_FIELDS), reason=reason.strip())
    return entry


# --- Selectors ------------------------------------------------------------------------------------

def _people(user: User | None) -> QuerySet[Person]:
    return Person.objects.all() if user is None else Person.objects.visible_to(user)


def planning_terms(*, user: User) -> QuerySet[PlanningTerm]:
    """Planning terms with their count of active entries (managers only)."""
    _require_manager(user)
    return PlanningTerm.objects.annotate(active_count=Count("entries", filter=Q(entries__removed_on__isnull=True)))


def planning_term_get(*, user: User, pk: int) -> PlanningTerm:
    _require_manager(user)
    term = PlanningTerm.objects.filter(pk=pk).first()
    if term is None:
        raise Http404(_("Không tìm thấy nhiệm kỳ quy hoạch."))
    return term


def planning_entry_get(*, user: User, pk: int) -> PlanningEntry:
    _require_manager(user)
    entry = (PlanningEntry.objects.select_related("person", "term", "position")
             .filter(pk=pk, person__in=Person.objects.visible_to(user)).first())
    if entry is None:
        raise Http404(_("Không tìm thấy mục quy hoạch hoặc bạn không có quyền xem."))
    return entry


def planning_person_by_code(*, user: User, code: str) -> Person | None:
    """The person with this record code, if the user may see them."""
    return Person.objects.visible_to(user).select_related("position").filter(code=code.strip()).first()


def planning_positions(*, user: User) -> QuerySet[Position]:
    """Posts one may plan for: leading posts above staff level."""
    _require_manager(user)
    return (Position.objects.filter(level__gt=PostLevel.STAFF).select_related("unit")
            .order_by("-level", "unit__name", "title"))


def planning_page_posts(*, user: User) -> list[Position]:
    """The term page's posts in one query: those one may plan for (`planning_positions`) and the key posts of the
    coverage (`planning_coverage(posts=...)` keeps the key ones of the user's scope), in the same order."""
    _require_manager(user)
    return list(Position.objects.filter(Q(level__gt=PostLevel.STAFF) | Q(is_key_post=True)).select_related("unit")
                .order_by("-level", "unit__name", "title"))


@dataclass
class PostGroup:
    position: Position
    entries: list[PlanningEntry]
    max_people: int

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def full(self) -> bool:
        return self.count >= self.max_people


def _log_planning_view(*, user: User, detail: str, via: str) -> None:
    """One AccessLog row (action "planning_view") for a read that lists planned people; `via` other than
    "page" (e.g. "api") starts the detail, as the people list logs it."""
    text = detail if via == "page" else f"{via} {detail}"
    AccessLog.objects.create(user=user, action="planning_view", detail=text[:300])


def planning_entries_by_post(*, user: User, term: PlanningTerm, via: str = "page") -> list[PostGroup]:
    """The term's active entries the user may see, grouped by post (highest level first); logged as a view."""
    return planning_term_entries(user=user, term=term, via=via, removed=False)[0]


def planning_term_entries(*, user: User, term: PlanningTerm, via: str = "page", removed: bool = True
                          ) -> tuple[list[PostGroup], list[PlanningEntry]]:
    """The term page's entries in one query, logged as one view: the active entries grouped by post (as
    `planning_entries_by_post`) and, with `removed`, those taken out (as `planning_removed_entries`)."""
    _require_manager(user)
    entries = PlanningEntry.objects.filter(term=term, person__in=_people(user)).select_related(
        "person", "person__position", "person__unit", "position", "position__unit").order_by(
        "-position__level", "position__unit__name", "position__title", "person__sort_key", "id")
    if not removed:
        entries = entries.filter(removed_on__isnull=True)
    groups: dict[int, PostGroup] = {}
    taken_out: list[PlanningEntry] = []
    for e in entries:
        if e.removed_on is not None:
            taken_out.append(e)
            continue
        group = groups.setdefault(e.position_id, PostGroup(
            position=e.position, entries=[], max_people=_today_book().planning_max_people_per_post.value))
        group.entries.append(e)
    _log_planning_view(user=user, detail=_("Quy hoạch nhiệm kỳ %(t)s") % {"t": term.name}, via=via)
    taken_out.sort(key=lambda e: (e.removed_on, e.pk), reverse=True)  # latest first, as planning_removed_entries
    return list(groups.values()), taken_out


def planning_removed_entries(*, user: User, term: PlanningTerm, via: str | None = None) -> QuerySet[PlanningEntry]:
    """Entries taken out of the term, latest first; with `via` (the API) the read is logged on its own (the
    page logs once for the whole term page, in `planning_entries_by_post`)."""
    _require_manager(user)
    if via is not None:
        _log_planning_view(user=user, detail=_("Đưa ra khỏi quy hoạch nhiệm kỳ %(t)s") % {"t": term.name}, via=via)
    return (PlanningEntry.objects.filter(term=term, removed_on__isnull=False, person__in=_people(user))
            .select_related("person", "position").order_by("-removed_on", "-id"))


class ProposalCode:
    DISCIPLINE = "discipline"
    RETIREMENT = "retirement"
    NOT_HIGHER = "not_higher"
    NOT_COMPLETED = "not_completed"


@dataclass
class Proposal:
    """An automatic proposal to take an entry out of planning, with its reason and legal basis."""

    entry: PlanningEntry
    code: str
    reason: str
    basis: str


def _posts_held_on(ids: set[int], *, on: dt.date) -> dict[int, Position] | None:
    """{person_id: the post held on `on`} from the service history, for a review of a past day (one query); None
    for today or later, when the stored current post is the one held."""
    if on >= dt.date.today() or not ids:
        return None
    held: dict[int, Position] = {}
    for a in (Assignment.objects.filter(person_id__in=ids, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
              .select_related("position").order_by("person_id", "-start", "-id")):
        held.setdefault(a.person_id, a.position)
    return held


def planning_review(*, term: PlanningTerm, on: dt.date, user: User | None = None,
                    via: str | None = None, entries: list[PlanningEntry] | None = None,
                    ratings: dict[int, dict[int, str]] | None = None,
                    disciplines: dict[int, list[Discipline]] | None = None) -> list[Proposal]:
    """The yearly review (Regulation 377-QĐ/TW): active entries whose conditions no longer hold on `on`.

    Proposes removal when a discipline now blocks planning (`rules.discipline_blocks_planning`), when the person can
    no longer serve a full term before retirement (`rules.can_serve_full_term`), when the planned post is
    no longer higher than the current one, and when the person was rated "không hoàn thành nhiệm vụ" in the
    year reviewed, one year being enough from 08/10/2025 (Regulation 377-QĐ/TW) and two consecutive years
    needed before (Regulation 50-QĐ/TW; `rules.planning_removal_not_completed`). A few queries whatever the size; with
    `user`, only the people that user may see, and with `via` too (the API) the read is logged. The term
    page passes the active `entries` it shows (with person and position) and their people's `ratings` and
    blocking `disciplines` (`flags.ratings_by_person`, `flags.blocking_disciplines_by_person`): no query then.
    """
    if user is not None and via is not None:
        _log_planning_view(user=user, detail=_("Rà soát quy hoạch nhiệm kỳ %(t)s") % {"t": term.name}, via=via)
    if entries is None:  # the entries active on `on`
        entries = list(PlanningEntry.objects.filter(term=term, person__in=_people(user), added_on__lte=on)
                       .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
                       .select_related("person", "person__position", "position"))
    entries = sorted(entries, key=lambda e: (-e.position.level, e.position.title, e.person.sort_key, e.pk))
    ids = {e.person_id for e in entries}
    held = _posts_held_on(ids, on=on)
    if disciplines is None:
        disciplines = flags.blocking_disciplines_by_person(ids, on=on)
    if ratings is None:
        ratings = flags.ratings_by_person(ids, up_to_year=on.year)
    proposals: list[Proposal] = []
    for e in entries:
        person = e.person
        for d in disciplines.get(person.pk, []):
            if not flags.blocks_planning(d, on=on):  # an appointment or grade bar alone keeps the entry
                continue
            proposals.append(Proposal(e, ProposalCode.DISCIPLINE, _(
                "Bị kỷ luật %(form)s theo quyết định ngày %(d)s (%(until)s).") % {
                "form": d.get_form_display(), "d": _d(d.decided_on),
                "until": flags.discipline_bars_text(d, on=on, planning_only=True)},
                flags.discipline_basis([d], on=on, planning_only=True)))
        retirement = person.retirement_date or rules.retirement_date(birth_date=person.birth_date,
                                                                     gender=person.gender)
        if not rules.can_serve_full_term(retirement_date=retirement, on=on):
            proposals.append(Proposal(e, ProposalCode.RETIREMENT, _(
                "Không còn đủ thời gian công tác một nhiệm kỳ: còn %(left)s tháng đến ngày nghỉ hưu %(r)s (cần "
                "ít nhất %(min)s tháng).") % {
                "left": rules.months_of_service_left(retirement_date=retirement, on=on), "r": _d(retirement),
                "min": rulebook_on(on).planning_min_months_before_retirement.value},
                rulebook_on(on).planning_min_months_before_retirement.cite()))
        current = held.get(person.pk) if held is not None else person.position
        if current is None:
            proposals.append(Proposal(e, ProposalCode.NOT_HIGHER, _(
                "Không còn giữ chức danh nào, nên “%(post)s” không còn là chức danh cao hơn.") % {
                "post": e.position.title}, planning_basis(on)))
        elif e.position.level <= current.level:
            proposals.append(Proposal(e, ProposalCode.NOT_HIGHER, _(
                "Chức danh quy hoạch “%(post)s” (%(level)s) không còn cao hơn chức danh hiện nay “%(current)s” "
                "(%(current_level)s).") % {
                "post": e.position.title, "level": _level_label(e.position.level), "current": current.title,
                "current_level": _level_label(current.level)}, planning_basis(on)))
        proposal = _not_completed_proposal(e, ratings.get(person.pk, {}), on=on)
        if proposal is not None:
            proposals.append(proposal)
    return proposals


def _not_completed_proposal(entry: PlanningEntry, ratings: dict[int, str], *, on: dt.date) -> Proposal | None:
    """Removal for "không hoàn thành nhiệm vụ" in the year reviewed (`rules.planning_removal_not_completed`): one
    year under Regulation 377-QĐ/TW, two consecutive under Regulation 50-QĐ/TW, citing the source in force on `on`."""
    years = rules.planning_removal_not_completed(ratings, on=on)
    if years is None:
        return None
    if len(years) == 1:
        reason = _("Năm %(y)s xếp loại “không hoàn thành nhiệm vụ”.") % {"y": years[0]}
    else:
        reason = _("Các năm liên tiếp %(years)s xếp loại “không hoàn thành nhiệm vụ”.") % {
            "years": _(" và ").join(str(y) for y in years)}
    return Proposal(entry, ProposalCode.NOT_COMPLETED, reason,
                    rulebook_on(on).planning_removal_not_completed_years.cite())


@dataclass
class CoverageRow:
    """Planning of one key post (or, with position None, all of them) against the targets."""

    position: Position | None
    count: int
    women: int
    young: int
    max_people: int = field(default_factory=lambda: _today_book().planning_max_people_per_post.value)
    women_target: int = field(default_factory=lambda: _today_book().planning_target_women_percent.value)
    young_target: int = field(default_factory=lambda: _today_book().planning_target_young_percent.value)

    @staticmethod
    def _percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def women_percent(self) -> float | None:
        return self._percent(self.women, self.count)

    @property
    def young_percent(self) -> float | None:
        return self._percent(self.young, self.count)

    @property
    def women_met(self) -> bool:
        return self.count > 0 and 100 * self.women >= self.women_target * self.count

    @property
    def young_met(self) -> bool:
        return self.count > 0 and 100 * self.young >= self.young_target * self.count


def planning_coverage(*, term: PlanningTerm, on: dt.date, user: User | None = None,
                      entries: list[PlanningEntry] | None = None,
                      posts: list[Position] | None = None) -> list[CoverageRow]:
    """Key posts (is_key_post) and the people planned for each on `on`: count, women and young shares
    against the targets of Regulation 377-QĐ/TW (the rulebook's planning_target_women_percent,
    planning_target_young_percent). Young per `rules.is_young`: under the age of the rulebook's
    planning_young_under_age for the level of the planned post's unit (45 central, 40 below), measured at the
    term's start (1 January of its first year, `term_start_day`). Posts with nobody planned count 0.
    A personnel officer sees the key posts of their unit's subtree. Two queries; none when the term page passes
    the term's `entries` it read (every entry the user sees, active or taken out, with its person) and the `posts`
    it read (`planning_page_posts`).
    """
    if posts is None:
        qs = Position.objects.filter(is_key_post=True).select_related("unit").order_by("-level", "unit__name", "title")
        if user is not None and is_unit_scoped(user):
            qs = qs.filter(unit_id__in=personnel_scope_ids(user))
        posts_list = list(qs)
    else:
        scope = personnel_scope_ids(user) if user is not None and is_unit_scoped(user) else None
        posts_list = [p for p in posts if p.is_key_post and (scope is None or p.unit_id in scope)]
    people: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    if entries is None:
        planned = list(
            PlanningEntry.objects.filter(term=term, position__in=posts_list, person__in=_people(user), added_on__lte=on)
            .filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
            .values_list("position_id", "person__gender", "person__birth_date"))
    else:
        keys = {p.pk for p in posts_list}
        planned = [(e.position_id, e.person.gender, e.person.birth_date) for e in entries
                   if e.position_id in keys and e.added_on <= on and (e.removed_on is None or e.removed_on > on)]
    for position_id, gender, birth in planned:
        people[position_id].append((gender, birth))
    start = term_start_day(term)
    book = rulebook_on(on)  # the targets and caps in force on the day the coverage is asked for
    rows = []
    for p in posts_list:
        held = people.get(p.pk, [])
        rows.append(CoverageRow(
            position=p, count=len(held), women=sum(1 for g, _b in held if g == Gender.FEMALE),
            young=sum(1 for _g, b in held if rules.is_young(birth_date=b, on=start, level=p.unit.level)),
            max_people=book.planning_max_people_per_post.value, women_target=book.planning_target_women_percent.value,
            young_target=book.planning_target_young_percent.value))
    return rows


def term_start_day(term: PlanningTerm) -> dt.date:
    """The day a planning term starts (1 January of its first year): the day age is measured for the young share."""
    return dt.date(term.start_year, 1, 1)


def planning_coverage_total(rows: list[CoverageRow]) -> CoverageRow:
    """All key posts together (a person planned for two posts counts twice, once per post), against the same
    targets as the rows."""
    if not rows:
        return CoverageRow(position=None, count=0, women=0, young=0)
    return CoverageRow(position=None, count=sum(r.count for r in rows), women=sum(r.women for r in rows),
                       young=sum(r.young for r in rows), max_people=rows[0].max_people,
                       women_target=rows[0].women_target, young_target=rows[0].young_target)


def planning_term_counted_get(*, user: User, pk: int) -> PlanningTerm:
    """A planning term with its count of active entries (`planning_terms`); 404 when there is none."""
    term = planning_terms(user=user).filter(pk=pk).first()
    if term is None:
        raise Http404(_("Không tìm thấy nhiệm kỳ quy hoạch."))
    return term


def planning_position_find(*, user: User, pk: int) -> Position | None:
    """A post one may plan for (`planning_positions`), or None."""
    return planning_positions(user=user).filter(pk=pk).first()
