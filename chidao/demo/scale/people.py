"""Scale data: people generated in chunks in two passes (count the careers, then write them with exactly the
history budget left)."""

import datetime as dt
import operator
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from chidao.core.models import Unit, UnitKind
from chidao.demo import people as people_demo
from chidao.personnel import rules
from chidao.personnel.models import (
    AccessLog,
    Assignment,
    AssignmentKind,
    Deferral,
    DeferralKind,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    Position,
    PostLevel,
    Rating,
    RatingLevel,
    Relative,
)
from chidao.personnel.services import INVERSE, person_derive

from .base import CHUNK, RATING_SPAN, Accounts, ScaleError, Writer, random_day, span

# --- People -----------------------------------------------------------------------------------------


@dataclass
class _Career:
    """What the first pass needs of a person: where, since when, how many posts, what is rated."""

    n: int
    unit: Unit
    post: Position
    born: dt.date
    first_start: dt.date
    since: dt.date
    starts: list[dt.date]  # earlier posts' start dates
    rated_years: list[int]  # years the person could have been rated, most recent first
    disciplined: bool
    deferred: bool


class PeopleGen:
    def __init__(self, *, count: int, seed: int, on: dt.date, units: list[Unit],
                 posts: dict[int, tuple[list[Position], list[Position]]]) -> None:
        self.count, self.seed, self.on = count, seed, on
        self.units, self.posts = units, posts
        self.cycle = [u for u in units for _ in range(3 if u.kind == UnitKind.DEPARTMENT else 1)]
        last = on.year if on >= dt.date(on.year, 12, 15) else on.year - 1
        self.years = list(range(last, last - RATING_SPAN, -1))

    def careers(self, chunk: int) -> Iterator[_Career]:
        """The careers of one chunk; the same for both passes (its own seeded stream)."""
        rng = random.Random(self.seed * 7919 + chunk)
        on = self.on
        for n in range(chunk * CHUNK, min(self.count, (chunk + 1) * CHUNK)):
            unit = self.cycle[n % len(self.cycle)]
            # How many of this unit came before (the cycle repeats; departments take three slots).
            k = n // len(self.cycle) * self._slots[unit.pk] + self._rank[n % len(self.cycle)]
            leaders, staff = self.posts[unit.pk]
            post = leaders[k] if k < len(leaders) else staff[(k - len(leaders)) % len(staff)]
            level = post.level
            if level >= PostLevel.DEPUTY_DEPARTMENT:
                born = random_day(rng, dt.date(1966, 1, 1), dt.date(1982, 12, 31))
            elif level >= PostLevel.DEPUTY_DIVISION:
                born = random_day(rng, dt.date(1968, 1, 1), dt.date(1988, 12, 31))
            else:
                born = random_day(rng, dt.date(1967, 1, 1), dt.date(2001, 12, 31))
            first_start = max(dt.date(1990, 1, 1),
                              random_day(rng, rules.add_months(born, 22 * 12), rules.add_months(born, 26 * 12)))
            first_start = min(first_start, on - span(200))
            # Leaders hold their post for up to 8 years; staff of the sectors that change periodically mostly
            # within their period (about one in five past it, and due); other staff since any time.
            if level:
                earliest = max(first_start, on - span(8 * 365))
            elif post.change_period_months:
                earliest = max(first_start, on - span(post.change_period_months * 38))
            else:
                earliest = first_start
            since = random_day(rng, earliest, on - span(60))
            previous = rng.randint(0, 3) if since > first_start + span(400) else 0
            starts = sorted({random_day(rng, first_start, since - span(200)) for _ in range(previous - 1)}
                            | {first_start}) if previous else []
            first = starts[0] if starts else since  # the first post held (no earlier post: the current one)
            rated = [y for y in self.years if dt.date(y, 12, 1) >= first]
            yield _Career(n=n, unit=unit, post=post, born=born, first_start=first_start, since=since,
                          starts=starts, rated_years=rated, disciplined=n % 25 == 11,
                          deferred=bool(post.sector) and not post.is_leader and n % 33 == 5)

    @property
    def chunks(self) -> range:
        return range((self.count + CHUNK - 1) // CHUNK)

    def prepare(self) -> None:
        """Each cycle slot's rank among its unit's slots, and each unit's number of slots."""
        seen: Counter[int] = Counter()
        self._rank: list[int] = []
        for u in self.cycle:
            self._rank.append(seen[u.pk])
            seen[u.pk] += 1
        self._slots = dict(seen)


@dataclass
class PeopleCounts:
    assignments: int = 0
    disciplines: int = 0
    deferrals: int = 0
    capacity: Counter[int] = field(default_factory=Counter)  # how many people may be rated for c years

    def ratings(self, years: int) -> int:
        return sum(n * min(c, years) for c, n in self.capacity.items())


def rating_budget(counts: PeopleCounts, budget: int) -> tuple[int, int]:
    """(t, extra): everyone is rated for their last t years (fewer if they started later) and `extra`
    people with more years behind them for one more, so that the ratings are exactly `budget`."""
    if budget < 0:
        raise ScaleError(f"history too small: the other history tables already take {-budget} rows more")
    most = counts.ratings(RATING_SPAN)
    if budget > most:
        raise ScaleError(f"history too large: the ratings can take at most {most} rows, {budget} asked")
    t = 0
    while t < RATING_SPAN and counts.ratings(t + 1) <= budget:
        t += 1
    return t, budget - counts.ratings(t)


LEVELS = [RatingLevel.EXCELLENT, RatingLevel.GOOD, RatingLevel.COMPLETED, RatingLevel.NOT_COMPLETED]


def people_write(writer: Writer, gen: PeopleGen, *, t: int, extra: int, seed: int, accounts: Accounts,
            hometowns: list[Unit], planning_units: set[int]) -> list[Person]:
    """Second pass: write people and their history chunk by chunk; return planning candidates."""
    g = people_demo.Generator(count=gen.count, seed=seed, on=gen.on)
    on = gen.on
    base = writer.reserve(Person, gen.count)
    now = timezone.now()
    candidates: list[Person] = []
    per_unit: Counter[int] = Counter()
    bonus = extra
    person_fields = [f for f in Person._meta.concrete_fields]
    get = operator.attrgetter(*[f.attname for f in person_fields])
    tz = timezone.get_current_timezone()
    leading = {p.pk for leaders, staff in gen.posts.values() for p in (*leaders, *staff) if p.is_leader}
    for chunk in gen.chunks:
        g.rng = rng = random.Random(seed * 104729 + chunk)
        people: list[Person] = []
        careers = list(gen.careers(chunk))
        assignments: list[tuple[Any, ...]] = []
        ratings: list[tuple[Any, ...]] = []
        disciplines: list[tuple[Any, ...]] = []
        deferrals: list[tuple[Any, ...]] = []
        for c in careers:
            level = c.post.level
            female = rng.random() < (0.3 if level >= PostLevel.HEAD_DIVISION else 0.5)
            gender = Gender.FEMALE if female else Gender.MALE
            code = f"HN{c.n + 1:07d}"
            party = (random_day(rng, rules.add_months(c.born, 24 * 12), rules.add_months(c.born, 32 * 12))
                     if level or rng.random() < 0.6 else None)
            town = rng.choice(hometowns)
            person = Person(
                pk=base + c.n, code=code, full_name=g.name(gender), birth_date=c.born, gender=gender, hometown=town,
                party_joined_on=party if party and party < on else None, education=rng.choice(people_demo.EDUCATION),
                phone=f"09{c.n + 1:08d}", email=f"{code.lower()}@demo.chidao.invalid",
                address=f"Số {rng.randint(1, 200)}, {rng.choice(hometowns).name}", id_number=f"000{c.n + 1:09d}",
                unit=c.post.unit, position=c.post, position_since=c.since, created_at=now, updated_at=now,
                service_kind=people_demo.service_kind_for(c.unit.kind, c.post),
            )
            people.append(person)
            history = _history_rows(rng, gen, c, person)
            assignments.extend(history)
            # Ratings for the most recent years the budget reaches.
            years = c.rated_years[:t]
            if bonus and len(c.rated_years) > t:
                years = c.rated_years[:t + 1]
                bonus -= 1
            usual = rng.choices(LEVELS[:3], [15, 65, 20])[0]
            for year in years:
                rating = usual if rng.random() < 0.8 else rng.choices(LEVELS, [15, 60, 22, 3])[0]
                ratings.append((person.pk, year, rating))
            if c.disciplined:
                disciplines.append(_discipline_row(rng, person, c.n, on, [
                    (start, end, post_id in leading) for _p, post_id, _k, start, end, _d in history]))
        # Family pairs first: they may rename people (a child takes the family name, a spouse's gender).
        pairs = people_demo.relatives_prepare(g, people)
        deferrals.extend(_deferral_row(rng, c, person, on) for c, person in zip(careers, people, strict=True)
                         if c.deferred)
        for person in people:
            person_derive(person)
        writer.insert(Person, [f.name for f in person_fields], (get(p) for p in people))
        writer.insert(Assignment, ["person", "position", "kind", "start", "end", "decision"], assignments)
        writer.insert(Rating, ["person", "year", "level"], ratings)
        writer.insert(Discipline, ["person", "system", "form", "decided_on", "decided_by", "reason", "blocks_until",
                                   "appointment_blocked_until", "grade_blocked_until"], disciplines)
        writer.insert(Deferral, ["person", "kind", "start", "end", "note"], deferrals)
        relatives = []
        for a, b, relation in pairs:
            relatives.append((people[a].pk, people[b].pk, relation))
            relatives.append((people[b].pk, people[a].pk, INVERSE[relation]))
        writer.insert(Relative, ["person", "relative", "relation"], relatives)
        # The access log: personnel officers opened about one record in ten of their unit.
        logs = [_access_row(rng, accounts, person, on, tz) for person in people[::10]]
        writer.insert(AccessLog, ["user", "person", "action", "detail", "at"], logs)
        for c, person in zip(careers, people, strict=True):
            if c.unit.pk in planning_units and per_unit[c.unit.pk] < 150:  # counted per agency
                per_unit[c.unit.pk] += 1
                candidates.append(person)
    return candidates


def _history_rows(rng: random.Random, gen: PeopleGen, c: Any, person: Person) -> list[tuple[Any, ...]]:
    """Service history: earlier posts (lower posts of the unit, one in four elsewhere), then the current."""
    level = c.post.level
    leaders, staff = gen.posts[c.unit.pk]
    lower = [p for p in leaders if p.level < level] + [p for p in staff if p.pk != c.post.pk]
    steps: list[tuple[Position, dt.date, str]] = []
    for i, start in enumerate(c.starts):
        if rng.random() < 0.25 or not lower:
            other = gen.posts[rng.choice(gen.units).pk]
            prior = rng.choice([p for p in other[0] if p.level < level] + other[1])
        else:
            prior = rng.choice(lower)
        kind: str = AssignmentKind.RECRUITMENT if i == 0 else (
            AssignmentKind.TRANSFER if not people_demo.in_agency(prior, c.unit) else AssignmentKind.PERIODIC_CHANGE)
        steps.append((prior, start, kind))
    now_kind: str = AssignmentKind.RECRUITMENT if not steps else (
        AssignmentKind.APPOINTMENT if level else (
            AssignmentKind.TRANSFER if not people_demo.in_agency(steps[-1][0], c.unit)
            else AssignmentKind.PERIODIC_CHANGE))
    if level and steps and not people_demo.in_agency(steps[-1][0], c.unit) and rng.random() < 0.5:
        now_kind = AssignmentKind.ROTATION
    steps.append((c.post, c.since, now_kind))
    rows = []
    for i, (position, start, how) in enumerate(steps):
        end = steps[i + 1][1] - span(1) if i + 1 < len(steps) else None
        rows.append((person.pk, position.pk, how, start, end, f"{rng.randint(1, 999)}/QĐ-DEMO"))
    return rows


def _deferral_row(rng: random.Random, c: Any, person: Person, on: dt.date) -> tuple[Any, ...]:
    """A deferring situation, its kind cycling through the kinds (pregnancy only for women)."""
    kinds = list(DeferralKind)
    kind = kinds[(c.n // 33) % len(kinds)]
    if kind == DeferralKind.PREGNANCY_CHILD and person.gender != Gender.FEMALE:
        kind = DeferralKind.STUDY
    start = random_day(rng, on - span(500), on - span(30))
    months = {DeferralKind.PREGNANCY_CHILD: 36, DeferralKind.STUDY: 18, DeferralKind.SECONDMENT: 24}.get(kind)
    return (person.pk, kind, start, rules.add_months(start, months) if months else None, "Dữ liệu mẫu.")


def _access_row(rng: random.Random, accounts: Accounts, person: Person, on: dt.date, tz: Any) -> tuple[Any, ...]:
    """The access log: personnel officers opened about one record in ten of their agency (a person of a department
    belongs to the agency above it)."""
    officers = accounts.personnel.get(person.unit_id) or accounts.personnel[person.unit.parent_id]  # type: ignore
    officer = rng.choice(officers)
    day = on - span(rng.randint(1, 90))
    at = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)
    return (officer, person.pk, "view", "page", at)


def _discipline_row(rng: random.Random, person: Person, n: int, on: dt.date,
                    stretches: list[tuple[dt.date, dt.date | None, bool]]) -> tuple[Any, ...]:
    """As the people demo: one expulsion, a third expired, the rest in force; each a form that exists in its system
    on its date for that person (`people_demo.discipline_pick`), with its three bars (computed here, no query)."""
    unit = person.unit.name if person.unit else ""
    j = n // 25
    system: str
    form: str
    options: list[tuple[str, str]]
    if j == 0 and (person.party_joined_on is None
                   or rules.party_probation_ends(party_joined_on=person.party_joined_on) < on - span(400)):
        form, system, day = DisciplineForm.EXPULSION, DisciplineSystem.PARTY, on - span(400)
        by = "Ủy ban Kiểm tra Thành ủy"
        reason = "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm (mẫu)."
    else:
        if j % 3 == 1:
            day = random_day(rng, dt.date(2020, 1, 1), on - span(500))
            options = [(s, f) for s in DisciplineSystem.values for f in people_demo.MINOR]
            reason = "Vi phạm quy chế làm việc (mẫu)."
        else:
            day = random_day(rng, on - span(300), on - span(20))
            options = people_demo.STATE_IN_FORCE + (people_demo.REMOVAL if rng.random() < 0.1 else []) + (
                [(DisciplineSystem.PARTY, f) for f in people_demo.MINOR] if j % 3 == 2 else [])
            reason = "Chậm thực hiện nhiệm vụ được giao (mẫu)."
        system, form = people_demo.discipline_pick(rng, options, day=day, party_joined_on=person.party_joined_on,
                                                   service_kind=person.service_kind,
                                                   is_leader=rules.held_leading_post(stretches=stretches, on=day))
        by = people_demo.discipline_decided_by(system, unit)
    bars = rules.discipline_bars(system=system, form=form, decided_on=day)
    return (person.pk, system, form, day, by, reason, bars.planning, bars.appointment, bars.grade)
