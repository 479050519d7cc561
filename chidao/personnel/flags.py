"""Warning flags on cadres, computed from ratings, discipline and overdue deliverables (rules 4-5 of DESIGN.md).

The overdue deliverables come from programs through the `overdue_duties_register` registry (ADR 0008).

`people_flagged` answers for a whole list in a fixed number of queries (ratings, disciplines,
deliverables), whatever its size; `person_flags` is the same for one person.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules
from .models import Assignment, Discipline, DisciplineSystem, Person, Rating, RatingLevel, ServiceKind
from .rulebook import Provision, rulebook_on

BASIS_SIGNS = "Kết luận Hội nghị tổng kết 2021: kịp thời luân chuyển khi có biểu hiện không hoàn thành nhiệm vụ"


# Overdue duties come from the apps that assign them (programs: the deliverables a person is responsible for),
# which sit above personnel and register a provider in their AppConfig.ready (ADR 0008): personnel imports none
# of them. A provider answers {person_id: [codes of their open duties overdue on `on`]} for `ids` (one query).
OverdueDuties = Callable[[list[int], dt.date], dict[int, list[str]]]
OVERDUE_DUTIES: dict[str, OverdueDuties] = {}


def overdue_duties_register(provider: OverdueDuties) -> OverdueDuties:
    """Count `provider`'s overdue duties in the "signs of not completing duties" flag (idempotent)."""
    OVERDUE_DUTIES[f"{provider.__module__}.{provider.__qualname__}"] = provider
    return provider


class FlagCode:
    NOT_COMPLETED_TWICE = "not_completed_twice"
    NOT_COMPLETED_TWICE_WITHIN = "not_completed_twice_within"
    DISCIPLINE_BLOCKING = "discipline_blocking"
    RATING_DROPPED = "rating_dropped"
    OVERDUE_DELIVERABLES = "overdue_deliverables"


class Severity:
    HIGH = "high"
    WARNING = "warning"


@dataclass
class Flag:
    code: str
    label: str
    basis: str
    detail: str
    severity: str
    # What the flag rests on (years, discipline ids, deliverable codes), for tests and exports.
    data: dict = field(default_factory=dict)


def ratings_by_person(person_ids: Iterable[int], *, up_to_year: int) -> dict[int, dict[int, str]]:
    """{person_id: {year: level}} for ratings of `up_to_year` and before (one query)."""
    result: dict[int, dict[int, str]] = defaultdict(dict)
    for pid, year, level in Rating.objects.filter(person_id__in=list(person_ids), year__lte=up_to_year).values_list(
            "person_id", "year", "level"):
        result[pid][year] = level
    return result


@dataclass(frozen=True)
class DisciplineBlocks:
    """Which of the three questions a discipline still answers "not yet" on a day: may the person be planned,
    be appointed or nominated to a higher post, be promoted in grade or salary. Each has its own period."""

    planning: bool
    appointment: bool
    grade: bool

    def __bool__(self) -> bool:
        return self.planning or self.appointment or self.grade


def discipline_blocks(d: Discipline, *, on: dt.date) -> DisciplineBlocks:
    """The questions `d` (decided by `on`) still blocks on `on` (`rules.discipline_blocks_planning`,
    `rules.discipline_blocks_appointment`, `rules.discipline_blocks_grade` on its stored bars; a Party bar is that of
    the regulation in force on `on`)."""
    return DisciplineBlocks(
        planning=rules.discipline_blocks_planning(form=d.form, planning_until=d.blocks_until, on=on,
                                                  decided_on=d.decided_on, system=d.system),
        appointment=rules.discipline_blocks_appointment(form=d.form, appointment_until=d.appointment_blocked_until,
                                                        on=on, decided_on=d.decided_on, system=d.system),
        grade=rules.discipline_blocks_grade(form=d.form, grade_until=d.grade_blocked_until, on=on))


def blocks_planning(d: Discipline, *, on: dt.date) -> bool:
    """Whether `d` (decided by `on`) still blocks planning on `on` (the planning question only)."""
    return d.decided_on <= on and rules.discipline_blocks_planning(form=d.form, planning_until=d.blocks_until, on=on,
                                                                   decided_on=d.decided_on, system=d.system)


def planning_bar_end(d: Discipline, *, on: dt.date) -> dt.date | None:
    """The last day `d` keeps its person out of planning as judged on `on` (`rules.planning_bar_end`)."""
    return rules.planning_bar_end(form=d.form, planning_until=d.blocks_until, decided_on=d.decided_on, on=on,
                                  system=d.system)


def appointment_bar_end(d: Discipline, *, on: dt.date) -> dt.date | None:
    """The last day `d` bars appointment to a higher post as judged on `on` (`rules.appointment_bar_end`)."""
    return rules.appointment_bar_end(form=d.form, appointment_until=d.appointment_blocked_until,
                                     decided_on=d.decided_on, on=on, system=d.system)


def blocking_disciplines_by_person(person_ids: Iterable[int], *, on: dt.date) -> dict[int, list[Discipline]]:
    """{person_id: [disciplines decided by `on` that still block planning, appointment to a higher post or
    promotion in grade on `on`]}, latest first (one query). Which of the three each blocks: `discipline_blocks`;
    the planning checks keep only those that block planning (`blocks_planning`)."""
    result: dict[int, list[Discipline]] = defaultdict(list)
    for d in Discipline.objects.filter(person_id__in=list(person_ids), decided_on__lte=on).order_by(
            "person_id", "-decided_on", "-id"):
        if discipline_blocks(d, on=on):
            result[d.person_id].append(d)
    return result


def discipline_basis(disciplines: Iterable[Discipline], *, on: dt.date, planning_only: bool = False) -> str:
    """The sources in force on `on` of the bars the disciplines still hold (`Provision.cite()`, overrides shown):
    the Party's planning and appointment periods, the state discipline periods, and whether a planning bar lapses."""
    book = rulebook_on(on)
    cited: list[str] = []
    for d in disciplines:
        blocks = discipline_blocks(d, on=on)
        if planning_only:
            blocks = DisciplineBlocks(planning=blocks.planning, appointment=False, grade=False)
        provisions: list[Provision[Any]] = []
        if d.system == DisciplineSystem.PARTY:
            if blocks.planning:
                provisions.append(book.party_planning_bar_months)
            if blocks.appointment:
                provisions.append(book.party_appointment_bar_months)
        elif blocks:  # the periods the law gave the decision when it was made
            provisions.append(rules.state_bar_provision(rulebook_on(d.decided_on), d.system))
        if blocks.planning:
            provisions.append(book.planning_bar_lapses)
        for p in provisions:
            if p.cite() not in cited:
                cited.append(p.cite())
    return "; ".join(cited)


def current_not_completed_run(ratings: dict[int, str]) -> tuple[int, int] | None:
    """Two consecutive "không hoàn thành nhiệm vụ" years still current: the run ends in the latest rated year.

    Decree 90/2020/NĐ-CP Art. 29 (as amended by Decree 48/2023/NĐ-CP); an old run followed by a better
    rating has already been dealt with and no longer raises the flag.
    """
    run = rules.two_consecutive_not_completed(ratings)
    if run is None or run[1] != max(ratings):
        return None
    return run


# The consequence of two consecutive years "không hoàn thành nhiệm vụ" for each kind of service (Law on Cadres and
# Civil Servants Art. 29 and 58, Law on Public Employees Art. 29, Decree 90/2020/NĐ-CP as amended by 48/2023).
CONSECUTIVE_CONSEQUENCE: dict[str, Any] = {
    ServiceKind.CADRE: gettext_lazy("miễn nhiệm hoặc cho thôi làm nhiệm vụ"),
    ServiceKind.CIVIL_SERVANT: gettext_lazy("cho thôi việc"),
    ServiceKind.PUBLIC_EMPLOYEE: gettext_lazy("chấm dứt hợp đồng làm việc"),
}


def _consecutive_consequence(kind: str) -> str:
    """What two consecutive years "không hoàn thành nhiệm vụ" lead to for this person; every kind's consequence
    when the record does not say whether they are a cán bộ, công chức or viên chức."""
    if kind in CONSECUTIVE_CONSEQUENCE:
        return _("xem xét %(what)s (người này là %(kind)s)") % {"kind": ServiceKind(kind).label,
                                                                "what": CONSECUTIVE_CONSEQUENCE[kind]}
    return _("xem xét miễn nhiệm hoặc cho thôi làm nhiệm vụ (đối với cán bộ), cho thôi việc (đối với công chức) hoặc "
             "chấm dứt hợp đồng làm việc (đối với viên chức); hồ sơ chưa ghi là cán bộ, công chức hay viên chức")


def _twice_consequence(kind: str, what: str) -> str:
    """`what` (the same consequence for every kind of service), naming the person's kind or saying it is not
    recorded."""
    if kind in CONSECUTIVE_CONSEQUENCE:
        return _("xem xét %(what)s (người này là %(kind)s)") % {"kind": ServiceKind(kind).label, "what": what}
    return _("xem xét %(what)s; hồ sơ chưa ghi là cán bộ, công chức hay viên chức") % {"what": what}


def leading_run_start(stints: Iterable[tuple[int, bool, dt.date, dt.date | None]], *, on: dt.date) -> dt.date | None:
    """The start of the appointment to the leading post held on `on`: the unbroken run of service in that post
    (a reappointment continuing the day after, or overlapping, belongs to the run). `stints` are the person's
    assignments as (position id, leading post, start, end). None when no leading post is held on `on`."""
    stints = list(stints)
    held = [s for s in stints if s[1] and s[2] <= on and (s[3] is None or s[3] >= on)]
    if not held:
        return None
    post, _lead, start, _end = max(held, key=lambda s: s[2])
    earlier = True
    while earlier:
        earlier = False
        for p, _l, s_start, s_end in stints:
            if p == post and s_start < start and s_end is not None and s_end >= start - dt.timedelta(days=1):
                start, earlier = s_start, True
    return start


def leading_runs_by_person(person_ids: Iterable[int], *, on: dt.date) -> dict[int, dt.date]:
    """{person_id: start of the run in the leading post held on `on`} (`leading_run_start`), for those who hold one
    (one query; none when `person_ids` is empty)."""
    ids = list(person_ids)
    if not ids:
        return {}
    stints: dict[int, list[tuple[int, bool, dt.date, dt.date | None]]] = defaultdict(list)
    for pid, post, start, end in Assignment.objects.filter(
            person_id__in=ids, position__is_leader=True, start__lte=on).values_list(
            "person_id", "position_id", "start", "end"):
        stints[pid].append((post, True, start, end))
    runs = {pid: leading_run_start(rows, on=on) for pid, rows in stints.items()}
    return {pid: start for pid, start in runs.items() if start is not None}


def _twice_candidate(ratings: Mapping[int, str]) -> bool:
    """Whether the non-consecutive rules may apply: the latest rated year and an earlier, not the year before, were
    rated "không hoàn thành nhiệm vụ" (only then is the person's leading post read)."""
    if not ratings:
        return False
    latest = max(ratings)
    nc = RatingLevel.NOT_COMPLETED
    return (ratings[latest] == nc and ratings.get(latest - 1) != nc
            and any(level == nc for y, level in ratings.items() if y < latest - 1))


def _twice_within_flag(person_ratings: Mapping[int, str], *, on: dt.date, kind: str,
                       leading_since: dt.date | None) -> Flag | None:
    """Two non-consecutive years "không hoàn thành nhiệm vụ", the later one the latest rated: within
    `not_completed_twice_within_years` without a leading post (`rules.not_completed_twice_within`), within one
    appointment term for a leader (`rules.not_completed_twice_in_term`); the consequence for the person's kind of
    service; the sources in force on `on`."""
    if not _twice_candidate(person_ratings):
        return None
    book = rulebook_on(on)
    if leading_since is None:
        within = book.not_completed_twice_within_years.value
        pair = rules.not_completed_twice_within(person_ratings, within=within)
        if pair is None:
            return None
        detail = _("Xếp loại “không hoàn thành nhiệm vụ” các năm %(a)s và %(b)s (hai năm không liên tiếp trong "
                   "%(n)s năm), không giữ chức vụ lãnh đạo: %(then)s.") % {
            "a": pair[0], "b": pair[1], "n": within,
            "then": _twice_consequence(kind, _("bố trí công tác khác có yêu cầu thấp hơn"))}
        basis = book.not_completed_twice_within_years.cite()
    else:
        pair = rules.not_completed_twice_in_term(person_ratings, term_start=leading_since,
                                                 term_months=book.appointment_term_months.value)
        if pair is None:
            return None
        detail = _("Xếp loại “không hoàn thành nhiệm vụ” các năm %(a)s và %(b)s (hai năm không liên tiếp trong một "
                   "thời hạn giữ chức vụ lãnh đạo, tính từ ngày bổ nhiệm %(d)s): %(then)s.") % {
            "a": pair[0], "b": pair[1], "d": leading_since.strftime("%d/%m/%Y"),
            "then": _twice_consequence(kind, _("bố trí công tác khác hoặc không bổ nhiệm lại"))}
        basis = f"{book.not_completed_twice_within_years.cite()}; {book.appointment_term_months.cite()}"
    return Flag(code=FlagCode.NOT_COMPLETED_TWICE_WITHIN, label=_("Hai năm không liên tiếp không hoàn thành nhiệm vụ"),
                basis=basis, detail=detail, severity=Severity.HIGH,
                data={"years": pair, "leading_since": leading_since, "service_kind": kind})


def _bar(day: dt.date | None, on: dt.date, *, ends: str, endless: str) -> str:
    """One bar as it holds on `on`: to its last day ("chưa được … đến hết ngày …"), or without end ("không
    được …": a form that ends the service, or a planning bar that does not lapse under the law in force on `on`)."""
    if day is None or day < on:
        return endless
    return ends % {"u": day.strftime("%d/%m/%Y")}


def discipline_bars_text(d: Discipline, *, on: dt.date, planning_only: bool = False) -> str:
    """What `d` still bars on `on`, each bar with its own end: "chưa được quy hoạch đến hết ngày …; chưa được bổ
    nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày …; chưa được nâng ngạch, nâng lương đến hết ngày …"
    (only the bars that hold; never one bar's end for another)."""
    blocks = discipline_blocks(d, on=on)
    parts = []
    if blocks.planning:
        parts.append(_bar(planning_bar_end(d, on=on), on, ends=_("chưa được quy hoạch đến hết ngày %(u)s"),
                          endless=_("không được quy hoạch")))
    if blocks.appointment and not planning_only:
        parts.append(_bar(appointment_bar_end(d, on=on), on,
                          ends=_("chưa được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày %(u)s"),
                          endless=_("không được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn")))
    if blocks.grade and not planning_only:
        parts.append(_bar(d.grade_blocked_until, on, ends=_("chưa được nâng ngạch, nâng lương đến hết ngày %(u)s"),
                          endless=_("không được nâng ngạch, nâng lương")))
    return "; ".join(parts)


def _latest(days: list[dt.date | None], on: dt.date) -> dt.date | None:
    """The last day of the bars that hold (None when one of them has no end, or none holds)."""
    if not days or any(u is None or u < on for u in days):
        return None
    return max(u for u in days if u is not None)


def _discipline_flag(disciplines: list[Discipline], *, on: dt.date) -> Flag:
    parts = []
    planning: list[dt.date | None] = []
    appointment: list[dt.date | None] = []
    grade: list[dt.date | None] = []
    for d in disciplines:
        blocks = discipline_blocks(d, on=on)
        parts.append(_("%(form)s (%(system)s) theo quyết định ngày %(d)s: %(bars)s.") % {
            "form": str(d.get_form_display()).capitalize(), "system": d.get_system_display(),
            "d": d.decided_on.strftime("%d/%m/%Y"), "bars": discipline_bars_text(d, on=on)})
        if blocks.planning:
            planning.append(planning_bar_end(d, on=on))
        if blocks.appointment:
            appointment.append(appointment_bar_end(d, on=on))
        if blocks.grade:
            grade.append(d.grade_blocked_until)
    held = [name for name, days in (("planning", planning), ("appointment", appointment), ("grade", grade)) if days]
    return Flag(
        code=FlagCode.DISCIPLINE_BLOCKING, label=_("Đang trong thời hạn kỷ luật"),
        basis=discipline_basis(disciplines, on=on), detail=" ".join(parts), severity=Severity.HIGH,
        data={"blocks": held, "planning_until": _latest(planning, on), "appointment_until": _latest(appointment, on),
              "grade_until": _latest(grade, on), "forms": [d.form for d in disciplines]},
    )


def people_flagged(*, people_qs: QuerySet[Person], on: dt.date) -> dict[int, list[Flag]]:
    """Flags of every person in `people_qs` on `on`: {person_id: [Flag]}, only people with a flag.

    Four queries in all: the ids with their kind of service, their ratings up to `on`'s year, their disciplines
    decided by `on`, and the deliverables they are responsible for that are open and overdue on `on`; a fifth, the
    leading posts held on `on`, only when someone has two non-consecutive years "không hoàn thành nhiệm vụ".
    """
    kinds = dict(people_qs.values_list("pk", "service_kind"))
    ids = list(kinds)
    return people_flags_from(ids, on=on, ratings=ratings_by_person(ids, up_to_year=on.year),
                             disciplines=blocking_disciplines_by_person(ids, on=on), kinds=kinds)


def people_flags_from(ids: list[int], *, on: dt.date, ratings: dict[int, dict[int, str]],
                      disciplines: dict[int, list[Discipline]], kinds: Mapping[int, str]) -> dict[int, list[Flag]]:
    """`people_flagged` for the people `ids` whose ratings (`ratings_by_person`), blocking disciplines
    (`blocking_disciplines_by_person`) and kinds of service ({id: Person.service_kind}) the caller already read
    (one query: the overdue deliverables; a second, the leading posts, only when the ratings need it)."""
    overdue = _overdue_by_person(ids, on=on)
    leading = leading_runs_by_person([pid for pid in ids if _twice_candidate(ratings.get(pid, {}))], on=on)
    result: dict[int, list[Flag]] = {}
    for pid in ids:
        flags = _flags_of(ratings.get(pid, {}), disciplines.get(pid, []), overdue.get(pid, []), on=on,
                          kind=kinds.get(pid, ""), leading_since=leading.get(pid))
        if flags:
            result[pid] = flags
    return result


def _overdue_by_person(ids: list[int], *, on: dt.date) -> dict[int, list[str]]:
    """{person_id: [codes of the open duties they are responsible for, overdue on `on`]}, from every registered
    provider (programs: one query, its deliverables)."""
    overdue: dict[int, list[str]] = defaultdict(list)
    for provider in OVERDUE_DUTIES.values():
        for pid, codes in provider(ids, on).items():
            overdue[pid].extend(codes)
    return overdue


def _flags_of(person_ratings: dict[int, str], blocking: list[Discipline], overdue: list[str], *,
              on: dt.date, kind: str = "", leading_since: dt.date | None = None) -> list[Flag]:
    """One person's flags from their ratings {year: level} up to `on`'s year, their disciplines blocking on `on`
    (latest first), the codes of their overdue deliverables, their kind of service (ServiceKind) and the start of
    the leading post they hold on `on` (`leading_run_start`; None: no leading post)."""
    flags: list[Flag] = []
    run = current_not_completed_run(person_ratings) if person_ratings else None
    if run is not None:
        flags.append(Flag(
            code=FlagCode.NOT_COMPLETED_TWICE, label=_("Hai năm liên tiếp không hoàn thành nhiệm vụ"),
            basis=rulebook_on(on).not_completed_consecutive_years.cite(),
            detail=_("Xếp loại “không hoàn thành nhiệm vụ” các năm %(a)s và %(b)s: %(then)s.") % {
                "a": run[0], "b": run[1], "then": _consecutive_consequence(kind)},
            severity=Severity.HIGH, data={"years": run},
        ))
    twice = _twice_within_flag(person_ratings, on=on, kind=kind, leading_since=leading_since)
    if twice is not None:
        flags.append(twice)
    if blocking:
        flags.append(_discipline_flag(blocking, on=on))
    if person_ratings:
        latest = max(person_ratings)
        if rules.rating_dropped(person_ratings, latest):
            flags.append(Flag(
                code=FlagCode.RATING_DROPPED, label=_("Xếp loại giảm"), basis=BASIS_SIGNS,
                detail=_("Năm %(y)s xếp loại “%(now)s”, thấp hơn năm %(p)s (“%(before)s”).") % {
                    "y": latest, "now": RatingLevel(person_ratings[latest]).label, "p": latest - 1,
                    "before": RatingLevel(person_ratings[latest - 1]).label},
                severity=Severity.WARNING, data={"year": latest},
            ))
    if overdue:
        codes = overdue
        flags.append(Flag(
            code=FlagCode.OVERDUE_DELIVERABLES, label=_("Phụ trách nội dung chưa hoàn thành quá hạn"),
            basis=BASIS_SIGNS,
            detail=_("Phụ trách %(n)s nội dung chưa hoàn thành quá hạn tại ngày %(d)s: %(codes)s.") % {
                "n": len(codes), "d": on.strftime("%d/%m/%Y"), "codes": ", ".join(codes)},
            severity=Severity.WARNING, data={"codes": codes},
        ))
    return flags


def person_flags(*, person: Person, on: dt.date, ratings: Iterable[Rating] | None = None,
                 disciplines: Iterable[Discipline] | None = None,
                 assignments: Iterable[Assignment] | None = None) -> list[Flag]:
    """The flags of one person on `on` (see `people_flagged`). Given the person's ratings and disciplines
    already read (the record page shows them), only the overdue deliverables are read (one query), and the leading
    posts when the ratings need them and `assignments` (with their posts) are not given."""
    if ratings is None or disciplines is None:
        return people_flagged(people_qs=Person.objects.filter(pk=person.pk), on=on).get(person.pk, [])
    by_year = {r.year: r.level for r in ratings if r.year <= on.year}
    leading_since = None
    if _twice_candidate(by_year):
        if assignments is None:
            leading_since = leading_runs_by_person([person.pk], on=on).get(person.pk)
        else:
            leading_since = leading_run_start(
                ((a.position_id, a.position.is_leader, a.start, a.end) for a in assignments), on=on)
    blocking = [d for d in sorted(disciplines, key=lambda d: (d.decided_on, d.pk), reverse=True)
                if d.decided_on <= on and discipline_blocks(d, on=on)]
    return _flags_of(by_year, blocking, _overdue_by_person([person.pk], on=on).get(person.pk, []), on=on,
                     kind=person.service_kind, leading_since=leading_since)
