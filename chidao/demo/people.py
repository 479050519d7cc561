"""Demo cadre records: `chidao demo --people N`.

Names are drawn from lists of common Vietnamese family, middle and given names (no real person is
meant); contacts are fake (phones 0900…, e-mails @demo.chidao.invalid, ID numbers starting 000).
People are spread over the real departments and wards loaded by `units_load_reference`, each unit
with a few posts: leading posts at their `PostLevel` and staff posts in the sectors whose staff change
position periodically. The data exercises every rule: two consecutive years "không hoàn thành nhiệm
vụ", falling ratings, disciplines expired, in force and permanent (one khai trừ), deferring situations,
spouses, parents, children and siblings (some in the same agency, one of them a head with a spouse in
its accounting post), personnel officers, and a planning term 2025-2030 whose entries are added
through `planning_entry_add`, which refuses what Regulation 377-QĐ/TW forbids (the demo tries the
edges: a fourth person for a post, a fourth post at one level, disciplined or near-retirement people).

Rows are written with bulk_create (one transaction) after `person_derive`, so the derived fields are
exactly those the services keep; the same seed gives the same data.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from chidao.core.errors import ValidationError
from chidao.core.models import Role, Unit, UnitKind, User
from chidao.core.reference import units_load_reference
from chidao.core.text import fold
from chidao.personnel import rules
from chidao.personnel.models import (
    Assignment,
    AssignmentKind,
    Deferral,
    DeferralKind,
    Discipline,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    PlanningTerm,
    Position,
    PostLevel,
    Rating,
    RatingLevel,
    Relation,
    Relative,
    Sector,
    ServiceKind,
)
from chidao.personnel.planning import planning_entry_add, planning_term_create
from chidao.personnel.rulebook import REG_377_FROM
from chidao.personnel.services import INVERSE, person_derive

from .program import DEMO_PASSWORD

SEED = 20250701
DEFAULT_PEOPLE = 300
TERM_NAME = "2025-2030"
RATING_YEARS = range(2020, 2026)
PLANNING_MAX_POSTS = 150  # posts tried for planning (keeps a 150 000-person demo quick)

# Common family names with a rough share (per cent-ish weights).
FAMILY = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4), ("Vũ", 4), ("Bùi", 3),
    ("Đỗ", 3), ("Đặng", 2), ("Ngô", 2), ("Dương", 2), ("Đinh", 2), ("Huỳnh", 1), ("Võ", 1), ("Hồ", 1), ("Lý", 1),
    ("Đào", 1), ("Trịnh", 1), ("Tạ", 1), ("Lưu", 1), ("Mai", 1), ("Cao", 1), ("Kiều", 1), ("Chu", 1), ("Lương", 1),
]
MIDDLE: dict[str, list[str]] = {
    Gender.MALE: ["Văn", "Đức", "Minh", "Quang", "Hữu", "Tiến", "Công", "Thanh", "Xuân", "Ngọc", "Mạnh", "Quốc",
                  "Anh", "Duy", "Trung", "Hoàng", "Việt", "Đình", "Bá", "Huy"],
    Gender.FEMALE: ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Thùy", "Hồng", "Phương", "Kim", "Thị Thu", "Bích",
                    "Diệu", "Mai", "Hải", "Thị Thanh", "Khánh"],
}
GIVEN: dict[str, list[str]] = {
    Gender.MALE: ["An", "Bảo", "Bình", "Cường", "Chiến", "Dũng", "Duy", "Đạt", "Đông", "Giang", "Hải", "Hào",
                  "Hiếu", "Hòa", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc",
                  "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành",
                  "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ"],
    Gender.FEMALE: ["An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng",
                    "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga",
                    "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang",
                    "Uyên", "Vân", "Yến"],
}
EDUCATION = ["Cử nhân Luật", "Thạc sĩ Quản lý công", "Cử nhân Kinh tế", "Tiến sĩ Kinh tế", "Cử nhân Kế toán",
             "Thạc sĩ Luật", "Cử nhân Hành chính học", "Kỹ sư Xây dựng", "Thạc sĩ Tài chính - Ngân hàng"]
CHANGE_MONTHS: dict[str, int] = {Sector.PERSONNEL: 36, Sector.PUBLIC_FINANCE: 36, Sector.PUBLIC_ASSETS: 48,
                 Sector.PUBLIC_INVESTMENT: 60, Sector.CITIZEN_FACING: 24}


@dataclass(frozen=True)
class PostSpec:
    title: str
    level: int
    key: bool = False
    sector: str = ""
    department: str = ""  # the department (phòng) of the agency holding the post; "" for the agency itself


# The departments (phòng, văn phòng) of a sở, ban, ngành: (code suffix, name, short name); a unit's code is the
# agency's, a dot and the suffix ("STC.KHTC").
DEPARTMENTS = [("VP", "Văn phòng", "VP"), ("TCCB", "Phòng Tổ chức cán bộ", "TCCB"),
               ("KHTC", "Phòng Kế hoạch - Tài chính", "KHTC")]
# Sở Nội vụ's own departments (chidao.demo.accounts gives them their approved headcounts): its Văn phòng also keeps
# the plan and finance work.
OWN_DEPARTMENTS = {"SNV": {"VP": ("SNV-VP", "Văn phòng Sở Nội vụ"),
                           "TCCB": ("SNV-TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ"),
                           "KHTC": ("SNV-VP", "Văn phòng Sở Nội vụ")}}
# Share of the staff seats left vacant by the demo (the city-scale data's 5-10 %).
VACANCY_SHARE = 0.07


# Units whose leaders are elected (Party committees, People's councils and committees, the Front and mass
# organizations, and the communes' own): their leaders are cán bộ; schools and other public service units employ
# viên chức; everyone else in an agency is a công chức.
ELECTED_LEADERS = frozenset({UnitKind.PARTY_COMMITTEE, UnitKind.PEOPLES_COUNCIL, UnitKind.PEOPLES_COMMITTEE,
                             UnitKind.MASS_ORGANIZATION, UnitKind.COMMUNE})


def service_kind_for(unit_kind: str, post: Position) -> str:
    """A plausible kind of service for a demo person from their unit and post (no query): elected leaders of a
    Party committee, a People's council or committee (a commune's too) or a mass organization are cán bộ, a school's
    people viên chức, the others công chức."""
    if unit_kind == UnitKind.SCHOOL:
        return ServiceKind.PUBLIC_EMPLOYEE
    if post.is_leader and unit_kind in ELECTED_LEADERS:
        return ServiceKind.CADRE
    return ServiceKind.CIVIL_SERVANT


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _department_posts(unit: Unit) -> tuple[list[PostSpec], list[PostSpec]]:
    """(leading posts in fill order, staff posts) of a department."""
    head = "Chánh" if unit.name.startswith(("Văn phòng", "Thanh tra")) else "Giám đốc"
    name = _lower_first(unit.name) if head == "Chánh" else unit.name
    leaders = [
        PostSpec(f"{head} {name}", PostLevel.HEAD_DEPARTMENT, key=True),
        PostSpec(f"Phó {head} {name}", PostLevel.DEPUTY_DEPARTMENT, key=True),
        PostSpec("Trưởng phòng Tổ chức cán bộ", PostLevel.HEAD_DIVISION, department="TCCB"),
        PostSpec("Phó Trưởng phòng Tổ chức cán bộ", PostLevel.DEPUTY_DIVISION, department="TCCB"),
        PostSpec("Trưởng phòng Kế hoạch - Tài chính", PostLevel.HEAD_DIVISION, department="KHTC"),
        PostSpec("Phó Trưởng phòng Kế hoạch - Tài chính", PostLevel.DEPUTY_DIVISION, department="KHTC"),
    ]
    staff = [
        PostSpec("Kế toán", PostLevel.STAFF, sector=Sector.PUBLIC_FINANCE, department="KHTC"),
        PostSpec("Chuyên viên tổ chức cán bộ", PostLevel.STAFF, sector=Sector.PERSONNEL, department="TCCB"),
        PostSpec("Chuyên viên", PostLevel.STAFF, department="TCCB"),
        PostSpec("Thủ quỹ", PostLevel.STAFF, sector=Sector.PUBLIC_ASSETS, department="VP"),
        PostSpec("Chuyên viên quản lý đầu tư công", PostLevel.STAFF, sector=Sector.PUBLIC_INVESTMENT,
                 department="KHTC"),
        PostSpec("Chuyên viên tiếp nhận hồ sơ một cửa", PostLevel.STAFF, sector=Sector.CITIZEN_FACING,
                 department="VP"),
        PostSpec("Chuyên viên tổng hợp", PostLevel.STAFF, department="VP"),
    ]
    return leaders, staff


def _ward_posts(unit: Unit) -> tuple[list[PostSpec], list[PostSpec]]:
    name = _lower_first(unit.name)
    leaders = [
        PostSpec(f"Chủ tịch UBND {name}", PostLevel.HEAD_DIVISION, key=True),
        PostSpec(f"Phó Chủ tịch UBND {name}", PostLevel.DEPUTY_DIVISION),
    ]
    staff = [
        PostSpec("Công chức Tài chính - Kế toán", PostLevel.STAFF, sector=Sector.PUBLIC_FINANCE),
        PostSpec("Công chức Nội vụ", PostLevel.STAFF, sector=Sector.PERSONNEL),
        PostSpec("Công chức Văn phòng - Thống kê", PostLevel.STAFF),
        PostSpec("Công chức Tư pháp - Hộ tịch", PostLevel.STAFF, sector=Sector.CITIZEN_FACING),
        PostSpec("Công chức Địa chính - Xây dựng", PostLevel.STAFF, sector=Sector.CITIZEN_FACING),
    ]
    return leaders, staff


@dataclass
class DemoPeopleResult:
    people: int = 0
    positions: int = 0
    assignments: int = 0
    ratings: int = 0
    disciplines: int = 0
    deferrals: int = 0
    relatives: int = 0
    officers: list[str] = field(default_factory=list)
    planning_added: int = 0
    planning_refused: int = 0
    vacancies: int = 0


def in_agency(post: Position, agency: Unit) -> bool:
    """Whether a post is the agency's own or one of its departments' (the post's unit loaded)."""
    return post.unit_id == agency.pk or post.unit.parent_id == agency.pk


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


class Generator:
    def __init__(self, *, count: int, seed: int, on: dt.date) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.on = on
        self.families = [f for f, _w in FAMILY]
        self.family_weights = [w for _f, w in FAMILY]

    def name(self, gender: str, family: str | None = None) -> str:
        rng = self.rng
        family = family or rng.choices(self.families, self.family_weights)[0]
        middle = rng.choice(MIDDLE[gender])
        given = rng.choice([g for g in GIVEN[gender] if g != middle.split()[-1]])
        return f"{family} {middle} {given}"


def people_units(count: int) -> list[Unit]:
    """The real departments (agencies, not their own phòng), then the wards; as many units as suit `count` people
    (about 8 each)."""
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, valid_to__isnull=True)
                       .exclude(parent__kind=UnitKind.DEPARTMENT).order_by("code"))
    wards = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True).order_by("code"))
    every = departments + wards
    return every[:max(3, min(len(every), count // 8))]


def departments_create(agencies: list[Unit]) -> dict[tuple[int, str], int]:
    """The departments (phòng) inside each sở, ban, ngành (`DEPARTMENTS`, or the agency's `OWN_DEPARTMENTS`),
    created where missing: {(agency id, code suffix): department id}."""
    wanted: dict[tuple[int, str], tuple[str, str, str]] = {}
    for agency in agencies:
        if agency.kind != UnitKind.DEPARTMENT:
            continue
        own = OWN_DEPARTMENTS.get(agency.code, {})
        for suffix, name, short in DEPARTMENTS:
            code, full = own.get(suffix, (f"{agency.code}.{suffix}", f"{name} ({agency.name})"))
            wanted[(agency.pk, suffix)] = (code, full, short)
    agency_of = {a.pk: a for a in agencies}
    codes = {code for code, _n, _s in wanted.values()}
    have = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    new: dict[str, Unit] = {}
    for (agency_pk, _suffix), (code, name, short) in wanted.items():
        if code not in have and code not in new:
            agency = agency_of[agency_pk]
            new[code] = Unit(code=code, name=name, short_name=short, kind=UnitKind.DEPARTMENT, level=agency.level,
                             parent=agency, search_text=fold(f"{name} {short} {code}"))
    Unit.objects.bulk_create(new.values())
    by_code = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    return {key: by_code[code] for key, (code, _n, _s) in wanted.items()}


def positions_create(units: list[Unit]) -> dict[int, tuple[list[Position], list[Position]]]:
    """{agency id: (leading posts in fill order, staff posts)}, created where missing; a sở's division heads and
    staff sit in its departments (`departments_create`)."""
    specs = {u.pk: (_department_posts(u) if u.kind == UnitKind.DEPARTMENT else _ward_posts(u)) for u in units}
    departments = departments_create(units)

    def home(uid: int, spec: PostSpec) -> int:
        return departments[(uid, spec.department)] if spec.department else uid

    homes = {home(uid, s) for uid, (lead, staff) in specs.items() for s in lead + staff}
    existing = {(p.unit_id, p.title): p for p in Position.objects.filter(unit_id__in=homes)}
    missing = [
        Position(unit_id=home(uid, s), title=s.title, level=s.level, is_leader=s.level > PostLevel.STAFF,
                 is_key_post=s.key, sector=s.sector,
                 change_period_months=CHANGE_MONTHS.get(s.sector) if s.sector else None)
        for uid, (leaders, staff) in specs.items() for s in leaders + staff if (home(uid, s), s.title) not in existing
    ]
    Position.objects.bulk_create(missing, batch_size=1000)
    existing = {(p.unit_id, p.title): p for p in Position.objects.filter(unit_id__in=homes).select_related("unit")}
    return {uid: ([existing[(home(uid, s), s.title)] for s in leaders],
                  [existing[(home(uid, s), s.title)] for s in staff])
            for uid, (leaders, staff) in specs.items()}


def headcounts_set(rng: random.Random, posts: dict[int, tuple[list[Position], list[Position]]]) -> int:
    """Each post employs the people holding it; a staff post employs 5-10 % more (rounded at random, so a post of
    three holders has a vacancy about one time in five), leaving about `VACANCY_SHARE` of the staff seats vacant;
    a post nobody holds keeps its single seat, vacant. Returns the vacancies."""
    staff = {p.pk for _leaders, st in posts.values() for p in st}
    every = [p for leaders, st in posts.values() for p in leaders + st]
    held = dict(Person.objects.filter(position__in=[p.pk for p in every]).values("position_id")
                .annotate(n=Count("id")).values_list("position_id", "n"))
    for post in every:
        holders = held.get(post.pk, 0)
        post.headcount = max(1, holders)
        if post.pk in staff and holders:
            extra = holders * rng.uniform(VACANCY_SHARE - 0.02, VACANCY_SHARE + 0.03)
            post.headcount += int(extra) + (rng.random() < extra - int(extra))
    Position.objects.bulk_update(every, ["headcount"], batch_size=2000)
    return sum(p.headcount - held.get(p.pk, 0) for p in every)


def _officers(units: list[Unit]) -> list[str]:
    """Personnel officers (Role.PERSONNEL) of a few agencies and the first ward."""
    chosen = [u for u in units if u.code in ("SNV", "STC", "SYT")]
    chosen += [u for u in units if u.kind == UnitKind.COMMUNE][:1]
    made = []
    for unit in chosen:
        username = f"tccb.{unit.code.lower()}"
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=f"Cán bộ tổ chức {unit.short_name or unit.name} (mẫu)",
                    role=Role.PERSONNEL, unit=unit, email=f"{username}@chidao.invalid")
        user.set_password(DEMO_PASSWORD)
        user.save()
        made.append(username)
    return made


def demo_admin() -> User:
    """The demo's administrator: the first active one, created when there is none."""
    actor = (User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
             or User.objects.filter(is_active=True, role=Role.ADMIN).order_by("pk").first())
    if actor is None:
        actor = User(username="admin", full_name="Quản trị hệ thống", role=Role.ADMIN, is_superuser=True,
                     is_staff=True, email="admin@chidao.invalid")
        actor.set_password(DEMO_PASSWORD)
        actor.save()
    return actor


@transaction.atomic
def people_load(*, count: int = DEFAULT_PEOPLE, seed: int = SEED, on: dt.date | None = None) -> DemoPeopleResult | None:
    """Create `count` demo people with their history. Returns None, changing nothing, when people exist."""
    if Person.objects.exists():
        return None
    on = on or timezone.localdate()
    if not Unit.objects.filter(kind=UnitKind.COMMUNE).exists():
        units_load_reference()
    g = Generator(count=count, seed=seed, on=on)
    rng = g.rng
    units = people_units(count)
    posts = positions_create(units)
    result = DemoPeopleResult(positions=sum(len(a) + len(b) for a, b in posts.values()))
    hometowns = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True).order_by("code"))
    # Departments take three shares, wards one.
    cycle = [u for u in units for _ in range(3 if u.kind == UnitKind.DEPARTMENT else 1)]
    filled: dict[int, int] = defaultdict(int)

    people: list[Person] = []
    history: list[list[tuple[Position, dt.date, str]]] = []
    for n in range(count):
        unit = cycle[n % len(cycle)]
        k = filled[unit.pk]
        filled[unit.pk] += 1
        leaders, staff = posts[unit.pk]
        post = leaders[k] if k < len(leaders) else staff[(k - len(leaders)) % len(staff)]
        level = post.level
        female = rng.random() < (0.3 if level >= PostLevel.HEAD_DIVISION else 0.5)
        gender = Gender.FEMALE if female else Gender.MALE
        if level >= PostLevel.DEPUTY_DEPARTMENT:
            born = _day(rng, dt.date(1966, 1, 1), dt.date(1982, 12, 31))
        elif level >= PostLevel.DEPUTY_DIVISION:
            born = _day(rng, dt.date(1968, 1, 1), dt.date(1988, 12, 31))
        else:
            born = _day(rng, dt.date(1967, 1, 1), dt.date(2001, 12, 31))
        code = f"HN{n + 1:06d}"
        first_start = max(dt.date(1990, 1, 1),
                          _day(rng, rules.add_months(born, 22 * 12), rules.add_months(born, 26 * 12)))
        first_start = min(first_start, on - dt.timedelta(days=200))
        # The current post: leaders for 1-8 years, staff anywhere from their first job (some long past
        # their periodic change).
        earliest = max(first_start, on - dt.timedelta(days=8 * 365)) if level else first_start
        since = _day(rng, earliest, on - dt.timedelta(days=60))
        steps: list[tuple[Position, dt.date, str]] = []
        previous = rng.randint(0, 3) if since > first_start + dt.timedelta(days=400) else 0
        if previous:
            starts = sorted({_day(rng, first_start, since - dt.timedelta(days=200)) for _ in range(previous - 1)}
                            | {first_start})
            lower = [p for p in leaders if p.level < level] + [p for p in staff if p.pk != post.pk]
            for i, start in enumerate(starts):
                if rng.random() < 0.25:
                    other = posts[rng.choice(units).pk]
                    prior = rng.choice([p for p in other[0] if p.level < level] + other[1])
                else:
                    prior = rng.choice(lower)
                kind = AssignmentKind.RECRUITMENT if i == 0 else (
                    AssignmentKind.TRANSFER if not in_agency(prior, unit) else AssignmentKind.PERIODIC_CHANGE)
                steps.append((prior, start, kind))
        kind_now = AssignmentKind.RECRUITMENT if not steps else (
            AssignmentKind.APPOINTMENT if level else (
                AssignmentKind.TRANSFER if not in_agency(steps[-1][0], unit) else AssignmentKind.PERIODIC_CHANGE))
        if level and steps and not in_agency(steps[-1][0], unit) and rng.random() < 0.5:
            kind_now = AssignmentKind.ROTATION
        steps.append((post, since, kind_now))
        party = (_day(rng, rules.add_months(born, 24 * 12), rules.add_months(born, 32 * 12))
                 if level or rng.random() < 0.6 else None)
        person = Person(
            code=code, full_name=g.name(gender), birth_date=born, gender=gender,
            hometown=rng.choice(hometowns) if hometowns else None,
            party_joined_on=party if party and party < on else None,
            education=rng.choice(EDUCATION), phone=f"0900{n + 1:06d}", email=f"{code.lower()}@demo.chidao.invalid",
            address=f"Số {rng.randint(1, 200)}, {rng.choice(hometowns).name if hometowns else 'Hà Nội'}",
            id_number=f"000{n + 1:09d}", unit=post.unit, position=post, position_since=since,
            service_kind=service_kind_for(unit.kind, post),
        )
        people.append(person)
        history.append(steps)

    pairs = relatives_prepare(g, people)
    for person in people:
        person_derive(person)
    Person.objects.bulk_create(people, batch_size=2000)
    if people and people[0].pk is None:  # databases that do not return ids from a bulk insert
        ids = dict(Person.objects.values_list("code", "pk"))
        for person in people:
            person.pk = ids[person.code]
    result.people = len(people)
    result.vacancies = headcounts_set(rng, posts)

    assignments = []
    for person, steps in zip(people, history, strict=True):
        for i, (position, start, how) in enumerate(steps):
            end = steps[i + 1][1] - dt.timedelta(days=1) if i + 1 < len(steps) else None
            assignments.append(Assignment(person=person, position=position, kind=how, start=start, end=end,
                                          decision=f"{rng.randint(1, 999)}/QĐ-DEMO"))
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    result.assignments = len(assignments)

    result.ratings = _ratings(g, people, history)
    result.disciplines = _disciplines(g, people)
    result.deferrals = _deferrals(g, people)
    result.relatives = _relatives_link(people, pairs)
    result.officers = _officers(units)
    result.planning_added, result.planning_refused = planning_fill(g, people, posts, units)
    return result


# --- Ratings, discipline, deferrals ----------------------------------------------------------------

LEVELS = [RatingLevel.EXCELLENT, RatingLevel.GOOD, RatingLevel.COMPLETED, RatingLevel.NOT_COMPLETED]


def _ratings(g: Generator, people: list[Person], history: list[list[tuple[Position, dt.date, str]]]) -> int:
    """Mostly good; about 2 % "không hoàn thành nhiệm vụ" in the last two years; about 6 % a drop."""
    rng = g.rng
    rows = []
    # Rated for several years: those who started before 2023.
    eligible = [i for i in range(len(people)) if history[i][0][1] <= dt.date(2023, 1, 1)]
    twice = set(eligible[7::50])
    # Two non-consecutive years (Decree 90/2020 as amended by 48/2023): the last year and two years before.
    apart = set(eligible[11::50]) - twice
    drops = set(eligible[3::17]) - twice - apart
    for i, person in enumerate(people):
        started = history[i][0][1]
        years = [y for y in RATING_YEARS if dt.date(y, 12, 1) >= started and y <= g.on.year]
        usual = rng.choices(LEVELS[:3], [15, 65, 20])[0]
        for year in years:
            level = usual if rng.random() < 0.8 else rng.choices(LEVELS, [15, 60, 22, 3])[0]
            if i in twice and year >= years[-1] - 1:
                level = RatingLevel.NOT_COMPLETED
            elif i in apart and len(years) >= 3 and year in (years[-1], years[-1] - 2):
                level = RatingLevel.NOT_COMPLETED
            elif i in apart and len(years) >= 3 and year == years[-1] - 1:
                level = RatingLevel.COMPLETED
            elif i in drops and year == years[-1]:
                level = RatingLevel.COMPLETED if usual != RatingLevel.COMPLETED else RatingLevel.NOT_COMPLETED
            elif i in drops and year == years[-1] - 1:
                level = RatingLevel.EXCELLENT if usual == RatingLevel.EXCELLENT else RatingLevel.GOOD
            rows.append(Rating(person=person, year=year, level=level))
    Rating.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


STATE_IN_FORCE: list[tuple[str, str]] = [(DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REPRIMAND),
                  (DisciplineSystem.CIVIL_SERVICE, DisciplineForm.WARNING),
                  (DisciplineSystem.CIVIL_SERVICE, DisciplineForm.DEMOTION),
                  (DisciplineSystem.PUBLIC_EMPLOYEE, DisciplineForm.REPRIMAND)]
REMOVAL: list[tuple[str, str]] = [(DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REMOVAL)]
MINOR: list[str] = [DisciplineForm.REPRIMAND, DisciplineForm.WARNING]


def discipline_pick(rng: random.Random, options: list[tuple[str, str]], *, day: dt.date, is_leader: bool,
                    party_joined_on: dt.date | None, service_kind: str = "") -> tuple[str, str]:
    """A (system, form) among `options` that exists on `day` for this person (`rules.discipline_form_refusal`: no
    hạ bậc lương for công chức after 30/06/2025, no cách chức for someone without a leading post, only khiển trách
    or cảnh cáo for a probationary Party member); a công chức's khiển trách, a form at every date, when none is."""
    own = rules.state_system_of(service_kind)  # a state discipline follows the person's kind of service
    options = [(own if own and s != DisciplineSystem.PARTY else s, f) for s, f in options]
    valid = [o for o in options if rules.discipline_form_refusal(
        system=o[0], form=o[1], decided_on=day, is_leader=is_leader, party_joined_on=party_joined_on,
        service_kind=service_kind) is None]
    return rng.choice(valid) if valid else (own or DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REPRIMAND)


def discipline_decided_by(system: str, unit_name: str) -> str:
    if system == DisciplineSystem.PARTY:
        return f"Đảng ủy {unit_name}" if unit_name else "Ủy ban Kiểm tra Thành ủy"
    return f"Thủ trưởng {unit_name}" if unit_name else "Ủy ban nhân dân Thành phố"


def _discipline(person: Person, system: str, form: str, decided_on: dt.date, by: str, reason: str) -> Discipline:
    bars = rules.discipline_bars(system=system, form=form, decided_on=decided_on)
    return Discipline(person=person, system=system, form=form, decided_on=decided_on, decided_by=by, reason=reason,
                      blocks_until=bars.planning, appointment_blocked_until=bars.appointment,
                      grade_blocked_until=bars.grade)


def _disciplines(g: Generator, people: list[Person]) -> int:
    """About 4 %: some expired (decided years ago), some in force, one khai trừ (permanent); each a form that
    exists in its system on its date for that person (`discipline_pick`), with its three bars."""
    rng, on = g.rng, g.on
    rows = []
    chosen = [p for i, p in enumerate(people) if i % 16 == 11]
    stretches: dict[int, list[tuple[dt.date, dt.date | None, bool]]] = defaultdict(list)
    for pid, start, end, lead in Assignment.objects.filter(person__in=chosen).values_list(
            "person_id", "start", "end", "position__is_leader"):
        stretches[pid].append((start, end, lead))
    expelled = False
    options: list[tuple[str, str]]
    for j, person in enumerate(chosen):
        unit = person.unit.name if person.unit else ""
        expel_on = on - dt.timedelta(days=400)
        if not expelled and (person.party_joined_on is None or
                             rules.party_probation_ends(party_joined_on=person.party_joined_on) < expel_on):
            expelled = True
            rows.append(_discipline(person, DisciplineSystem.PARTY, DisciplineForm.EXPULSION, expel_on,
                                    "Ủy ban Kiểm tra Thành ủy",
                                    "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm (mẫu)."))
            continue
        if j % 3 == 1:  # expired khiển trách or cảnh cáo: no longer blocks under Regulation 377
            day = _day(rng, dt.date(2020, 1, 1), on - dt.timedelta(days=500))
            options = [(system, form) for system in DisciplineSystem.values for form in MINOR]
            reason = "Vi phạm quy chế làm việc (mẫu)."
        elif j % 6 == 5 and on - dt.timedelta(days=380) >= REG_377_FROM:
            # Party khiển trách or cảnh cáo of 12 to 24 months ago under Regulation 377: planning is free again,
            # appointment to a higher post still barred.
            day = _day(rng, max(REG_377_FROM, on - dt.timedelta(days=700)), on - dt.timedelta(days=380))
            options = [(DisciplineSystem.PARTY, form) for form in MINOR]
            reason = "Vi phạm quy chế làm việc của cấp ủy (mẫu)."
        else:  # in force: a state form (cách chức for one leader in ten), or a Party one
            day = _day(rng, on - dt.timedelta(days=300), on - dt.timedelta(days=20))
            options = STATE_IN_FORCE + (REMOVAL if rng.random() < 0.1 else []) + (
                [(DisciplineSystem.PARTY, form) for form in MINOR] if j % 3 == 2 else [])
            reason = "Chậm thực hiện nhiệm vụ được giao (mẫu)."
        system, form = discipline_pick(rng, options, day=day, party_joined_on=person.party_joined_on,
                                       service_kind=person.service_kind,
                                       is_leader=rules.held_leading_post(stretches=stretches[person.pk], on=day))
        rows.append(_discipline(person, system, form, day, discipline_decided_by(system, unit), reason))
    Discipline.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _deferrals(g: Generator, people: list[Person]) -> int:
    """About 3 % of staff in periodic-change sectors, one of each situation in turn."""
    rng, on = g.rng, g.on
    rows = []
    staff = [p for p in people if p.position is not None and p.position.sector]
    kinds = list(DeferralKind)
    for j, person in enumerate(staff[5::33]):
        kind = kinds[j % len(kinds)]
        if kind == DeferralKind.PREGNANCY_CHILD and person.gender != Gender.FEMALE:
            kind = DeferralKind.STUDY
        start = _day(rng, on - dt.timedelta(days=500), on - dt.timedelta(days=30))
        months = {DeferralKind.PREGNANCY_CHILD: 36, DeferralKind.STUDY: 18, DeferralKind.SECONDMENT: 24}.get(kind)
        end = rules.add_months(start, months) if months else None
        rows.append(Deferral(person=person, kind=kind, start=start, end=end, note="Dữ liệu mẫu."))
    Deferral.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Relatives ---------------------------------------------------------------------------------------

def _rename(g: Generator, person: Person, *, gender: str | None = None, family: str | None = None) -> None:
    gender = gender or person.gender
    family = family or person.full_name.split()[0]
    person.gender = gender
    person.full_name = g.name(gender, family)


def _holds(person: Person, *, key: bool = False, sectors: tuple[str, ...] = ()) -> bool:
    """Whether the person holds a key post (key=True) or a non-leading post of one of `sectors`."""
    post = person.position
    if post is None:
        return False
    return post.is_key_post if key else (post.sector in sectors and not post.is_leader)


def relatives_prepare(g: Generator, people: list[Person]) -> list[tuple[int, int, str]]:
    """Choose the family pairs before the rows are written, so names and genders agree (a child and
    siblings carry the family name; spouses are a man and a woman)."""
    rng = g.rng
    pairs: list[tuple[int, int, str]] = []
    used: set[int] = set()
    by_unit: dict[int, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        by_unit[p.unit_id or 0].append(i)
    # 1. In the same agency: a head or deputy whose spouse holds its accounting or personnel post.
    for idxs in by_unit.values():
        head = next((i for i in idxs if _holds(people[i], key=True)), None)
        clerk = next((i for i in idxs if _holds(people[i], sectors=(Sector.PUBLIC_FINANCE, Sector.PERSONNEL))), None)
        if head is not None and clerk is not None:
            other = Gender.FEMALE if people[head].gender == Gender.MALE else Gender.MALE
            _rename(g, people[clerk], gender=other)
            pairs.append((head, clerk, Relation.SPOUSE))
            used.update((head, clerk))
            break
    # 2. Siblings in the same unit (some), spouses, parents and children anywhere.
    order = list(range(len(people)))
    rng.shuffle(order)
    free = [i for i in order if i not in used]
    for a, b in zip(free[0::2], free[1::2], strict=False):
        if len(pairs) >= max(3, len(people) // 8):
            break
        pa, pb = people[a], people[b]
        gap = pa.birth_date.year - pb.birth_date.year
        if abs(gap) >= 22:
            parent, child = (a, b) if gap < 0 else (b, a)
            if people[parent].gender == Gender.MALE:
                _rename(g, people[child], family=people[parent].full_name.split()[0])
            pairs.append((child, parent, Relation.PARENT))
        elif abs(gap) <= 8 and pa.gender != pb.gender:
            pairs.append((a, b, Relation.SPOUSE))
        elif abs(gap) <= 10 and rng.random() < 0.4:
            _rename(g, pb, family=pa.full_name.split()[0])
            pairs.append((a, b, Relation.SIBLING))
        else:
            continue
        used.update((a, b))
    # 3. Siblings inside the same agency, in every tenth unit.
    for n, idxs in enumerate(by_unit.values()):
        left = [i for i in idxs if i not in used][:2]
        if len(left) == 2 and n % 10 == 0:
            _rename(g, people[left[1]], family=people[left[0]].full_name.split()[0])
            pairs.append((left[0], left[1], Relation.SIBLING))
            used.update(left)
    return pairs


def _relatives_link(people: list[Person], pairs: list[tuple[int, int, str]]) -> int:
    """Both directions of each pair (parent <-> child, spouse <-> spouse, sibling <-> sibling)."""
    rows = []
    for a, b, relation in pairs:
        rows.append(Relative(person=people[a], relative=people[b], relation=relation))
        rows.append(Relative(person=people[b], relative=people[a], relation=INVERSE[relation]))
    Relative.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# --- Planning ----------------------------------------------------------------------------------------


def planning_fill(g: Generator, people: list[Person], posts: dict[int, tuple[list[Position], list[Position]]],
              units: list[Unit]) -> tuple[int, int]:
    """Planning term 2025-2030 through planning.planning_entry_add; what the rules refuse is skipped.

    Tries the edges: four candidates per post (the fourth is refused once three are in), one strong
    candidate for four posts of one level (the fourth is refused), and whoever is disciplined or too
    close to retirement (refused)."""
    actor = demo_admin()
    term = PlanningTerm.objects.filter(name=TERM_NAME).first() or planning_term_create(
        actor=actor, name=TERM_NAME, start_year=2025, end_year=2030)
    rng, on = g.rng, g.on
    added = refused = 0

    def attempt(person: Person, position: Position) -> None:
        nonlocal added, refused
        try:
            planning_entry_add(actor=actor, term=term, person=person, position=position, on=on,
                               reason="Nghị quyết của Ban Thường vụ về quy hoạch nhiệm kỳ 2025-2030 (mẫu)")
        except ValidationError:
            refused += 1
        else:
            added += 1

    by_unit: dict[int, list[Person]] = defaultdict(list)
    for p in people:
        by_unit[p.unit_id or 0].append(p)
    # One young candidate for four posts of one level in different units: the fourth is refused.
    deputies = [posts[u.pk][0][1] for u in units if len(posts[u.pk][0]) > 1]
    same_level = [d for d in deputies if d.level == deputies[0].level][:4] if deputies else []
    if same_level:
        strong = sorted((p for p in people if p.position and p.position.level == same_level[0].level - 1),
                        key=lambda p: p.birth_date, reverse=True)
        for post in same_level if strong else []:
            attempt(strong[0], post)
    # Up to four candidates per leading post from the unit's lower posts: the fourth is refused when
    # three are in; the disciplined and those too close to retirement are refused.
    tried = 0
    for unit in units:
        for post in posts[unit.pk][0]:
            if tried >= PLANNING_MAX_POSTS:
                break
            tried += 1
            below = [p for p in by_unit[unit.pk] if p.position and p.position.level < post.level]
            rng.shuffle(below)
            for person in below[:4]:
                attempt(person, post)
    return added, refused
