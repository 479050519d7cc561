"""Warning flags on cadres, computed from ratings, discipline and overdue deliverables (rules 4-5 of DESIGN.md).

The overdue deliverables come from programs through the `overdue_duties_register` registry (ADR 0008).

`people_flagged` answers for a whole list in a fixed number of queries (ratings, disciplines,
deliverables), whatever its size; `person_flags` is the same for one person.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from . import rules
from .models import Discipline, DisciplineSystem, Person, Rating, RatingLevel
from .rulebook import Provision, rulebook_on

BASIS_NOT_COMPLETED = "Nghị định 90/2020/NĐ-CP, Điều 29 (sửa đổi bởi Nghị định 48/2023/NĐ-CP); Luật Cán bộ, công chức"
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
    `rules.discipline_blocks_appointment`, `rules.discipline_blocks_grade` on its stored bars)."""
    return DisciplineBlocks(
        planning=rules.discipline_blocks_planning(form=d.form, planning_until=d.blocks_until, on=on),
        appointment=rules.discipline_blocks_appointment(form=d.form, appointment_until=d.appointment_blocked_until,
                                                        on=on),
        grade=rules.discipline_blocks_grade(form=d.form, grade_until=d.grade_blocked_until, on=on))


def blocks_planning(d: Discipline, *, on: dt.date) -> bool:
    """Whether `d` (decided by `on`) still blocks planning on `on` (the planning question only)."""
    return d.decided_on <= on and rules.discipline_blocks_planning(form=d.form, planning_until=d.blocks_until, on=on)


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
        elif blocks:
            provisions.append(book.state_discipline_bar_months)
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
        parts.append(_bar(d.blocks_until, on, ends=_("chưa được quy hoạch đến hết ngày %(u)s"),
                          endless=_("không được quy hoạch")))
    if blocks.appointment and not planning_only:
        parts.append(_bar(d.appointment_blocked_until, on,
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
            planning.append(d.blocks_until)
        if blocks.appointment:
            appointment.append(d.appointment_blocked_until)
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

    Four queries in all: the ids, their ratings up to `on`'s year, their disciplines decided by `on`,
    and the deliverables they are responsible for that are open and overdue on `on`.
    """
    ids = list(people_qs.values_list("pk", flat=True))
    return people_flags_from(ids, on=on, ratings=ratings_by_person(ids, up_to_year=on.year),
                             disciplines=blocking_disciplines_by_person(ids, on=on))


def people_flags_from(ids: list[int], *, on: dt.date, ratings: dict[int, dict[int, str]],
                      disciplines: dict[int, list[Discipline]]) -> dict[int, list[Flag]]:
    """`people_flagged` for the people `ids` whose ratings (`ratings_by_person`) and blocking disciplines
    (`blocking_disciplines_by_person`) the caller already read (one query: the overdue deliverables)."""
    overdue = _overdue_by_person(ids, on=on)
    result: dict[int, list[Flag]] = {}
    for pid in ids:
        flags = _flags_of(ratings.get(pid, {}), disciplines.get(pid, []), overdue.get(pid, []), on=on)
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
              on: dt.date) -> list[Flag]:
    """One person's flags from their ratings {year: level} up to `on`'s year, their disciplines blocking on `on`
    (latest first) and the codes of their overdue deliverables."""
    flags: list[Flag] = []
    run = current_not_completed_run(person_ratings) if person_ratings else None
    if run is not None:
        flags.append(Flag(
            code=FlagCode.NOT_COMPLETED_TWICE, label=_("Hai năm liên tiếp không hoàn thành nhiệm vụ"),
            basis=BASIS_NOT_COMPLETED,
            detail=_("Xếp loại “không hoàn thành nhiệm vụ” các năm %(a)s và %(b)s: xem xét miễn nhiệm (đối "
                     "với cán bộ) hoặc cho thôi việc (đối với công chức).") % {"a": run[0], "b": run[1]},
            severity=Severity.HIGH, data={"years": run},
        ))
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
                 disciplines: Iterable[Discipline] | None = None) -> list[Flag]:
    """The flags of one person on `on` (see `people_flagged`). Given the person's ratings and disciplines
    already read (the record page shows them), only the overdue deliverables are read (one query)."""
    if ratings is None or disciplines is None:
        return people_flagged(people_qs=Person.objects.filter(pk=person.pk), on=on).get(person.pk, [])
    by_year = {r.year: r.level for r in ratings if r.year <= on.year}
    blocking = [d for d in sorted(disciplines, key=lambda d: (d.decided_on, d.pk), reverse=True)
                if d.decided_on <= on and discipline_blocks(d, on=on)]
    return _flags_of(by_year, blocking, _overdue_by_person([person.pk], on=on).get(person.pk, []), on=on)
