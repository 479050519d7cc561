"""Warning flags on cadres, computed from ratings, discipline and overdue deliverables (rules 4-5 of DESIGN.md).

The overdue deliverables come from programs through the `overdue_duties_register` registry (ADR 0008).

`people_flagged` answers for a whole list in a fixed number of queries (ratings, disciplines,
deliverables), whatever its size; `person_flags` is the same for one person.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from . import rules
from .models import Discipline, Person, Rating, RatingLevel

BASIS_NOT_COMPLETED = "Nghị định 90/2020/NĐ-CP, Điều 29 (sửa đổi bởi Nghị định 48/2023/NĐ-CP); Luật Cán bộ, công chức"
BASIS_DISCIPLINE = "Quy định 377-QĐ/TW; Nghị định 172/2025/NĐ-CP"
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


def blocking_disciplines_by_person(person_ids: Iterable[int], *, on: dt.date) -> dict[int, list[Discipline]]:
    """{person_id: [disciplines decided by `on` that still block on `on`]}, latest first (one query)."""
    result: dict[int, list[Discipline]] = defaultdict(list)
    for d in Discipline.objects.filter(person_id__in=list(person_ids), decided_on__lte=on).order_by(
            "person_id", "-decided_on", "-id"):
        if rules.discipline_is_blocking(form=d.form, blocks_until=d.blocks_until, on=on):
            result[d.person_id].append(d)
    return result


def current_not_completed_run(ratings: dict[int, str]) -> tuple[int, int] | None:
    """Two consecutive "không hoàn thành nhiệm vụ" years still current: the run ends in the latest rated year.

    Decree 90/2020/NĐ-CP Art. 29 (as amended by Decree 48/2023/NĐ-CP); an old run followed by a better
    rating has already been dealt with and no longer raises the flag.
    """
    run = rules.two_consecutive_not_completed(ratings)
    if run is None or run[1] != max(ratings):
        return None
    return run


def _discipline_flag(disciplines: list[Discipline]) -> Flag:
    parts = []
    for d in disciplines:
        if d.blocks_until is None:
            parts.append(_("%(form)s theo quyết định ngày %(d)s (không hết hạn)") % {
                "form": d.get_form_display(), "d": d.decided_on.strftime("%d/%m/%Y")})
        else:
            parts.append(_("%(form)s theo quyết định ngày %(d)s, còn hạn chế đến hết ngày %(u)s") % {
                "form": d.get_form_display(), "d": d.decided_on.strftime("%d/%m/%Y"),
                "u": d.blocks_until.strftime("%d/%m/%Y")})
    until = [d.blocks_until for d in disciplines]
    return Flag(
        code=FlagCode.DISCIPLINE_BLOCKING, label=_("Đang trong thời hạn kỷ luật"), basis=BASIS_DISCIPLINE,
        detail=_("%(list)s; chưa được quy hoạch, bổ nhiệm chức vụ cao hơn.") % {"list": "; ".join(parts)},
        severity=Severity.HIGH,
        data={"until": None if None in until else max(u for u in until if u is not None),
              "forms": [d.form for d in disciplines]},
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
        flags.append(_discipline_flag(blocking))
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
                if d.decided_on <= on and rules.discipline_is_blocking(form=d.form, blocks_until=d.blocks_until, on=on)]
    return _flags_of(by_year, blocking, _overdue_by_person([person.pk], on=on).get(person.pk, []), on=on)
