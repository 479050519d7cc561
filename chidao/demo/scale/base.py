"""Scale data: the sizes, the row writer (ids chosen here, rows counted per table), and the accounts."""

import datetime as dt
import json
import operator
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from chidao.core.bulk import rows_insert, tables_analyze
from chidao.core.models import ChangeRecord, Notification, Role, Unit, User
from chidao.demo import people as people_demo
from chidao.demo import program as programs_demo
from chidao.personnel.models import (
    AccessLog,
    Assignment,
    Deferral,
    Discipline,
    Gender,
    Person,
    PlanningEntry,
    Position,
    Rating,
    Relative,
)
from chidao.programs.models import (
    AgendaItem,
    Attachment,
    DeadlineExtension,
    Deliverable,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    StatusChange,
)
from chidao.reports.models import ReportJob


@dataclass(frozen=True)
class Sizes:
    programs: int
    deliverables: int
    people: int
    history: int


# `chidao demo --scale NAME`. National: ten times the people, and their history (the deliverables'
# history, about 0.1 million rows, stays that of 20,000 deliverables).
SCALES: dict[str, Sizes] = {
    "city": Sizes(programs=200, deliverables=20_000, people=150_000, history=1_000_000),
    "national": Sizes(programs=200, deliverables=20_000, people=1_500_000, history=9_000_000),
}

SEED = 20260701
CHUNK = 20_000  # people generated and written at a time
RATING_SPAN = 10  # years of annual ratings a record may go back
DIGEST_DAYS = 10  # reminder digests written for the last days
USERS_PER_UNIT = 2  # lead officers per lead unit, personnel officers per unit with people
PLANNING_UNITS = 10  # units whose leading posts are planned (through planning_entry_add)

HISTORY_MODELS: tuple[type[models.Model], ...] = (
    StatusChange, DeadlineExtension, Note, Assignment, Rating, Discipline, Deferral,
)


@dataclass
class ScaleResult:
    """Rows written per table (in the order written), and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rating_years: int = 0  # each person rated for (up to) their last `rating_years` years, some one more

    @property
    def history(self) -> int:
        return sum(self.counts.get(m._meta.db_table, 0) for m in HISTORY_MODELS)

    def count(self, model: type[models.Model]) -> int:
        return self.counts.get(model._meta.db_table, 0)


class ScaleError(ValueError):
    """Sizes that cannot be generated consistently (e.g. more history than the careers can hold)."""


# --- Writing ----------------------------------------------------------------------------------------


class Writer:
    """Inserts rows with the fast path and counts them per table; hands out ids."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.explicit: set[type[models.Model]] = set()
        self._next: dict[type[models.Model], int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self._next:
            self._next[model] = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
            self.explicit.add(model)
        value = self._next[model]
        self._next[model] = value + 1
        return value

    def reserve(self, model: type[models.Model], n: int) -> int:
        """The first of `n` consecutive ids."""
        first = self.next_id(model)
        self._next[model] = first + n
        return first

    def insert(self, model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        table = model._meta.db_table
        before = self.counts[table]
        # Fields not named take their model default (a field added later needs no change here).
        missing = [f for f in model._meta.concrete_fields
                   if not f.primary_key and f.name not in names and f.attname not in names]
        now = timezone.now()
        defaults = tuple(
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else json.dumps(f.get_default()) if isinstance(f, models.JSONField) else f.get_default()
            for f in missing
        )

        def counted() -> Iterator[Sequence[Any]]:
            for row in rows:
                self.counts[table] += 1
                yield (*row, *defaults) if defaults else row

        rows_insert(model, [*names, *(f.name for f in missing)], counted())
        return self.counts[table] - before

    def objects(self, model: type[models.Model], objs: Sequence[models.Model]) -> int:
        """Insert model instances whose ids are already set (every concrete field)."""
        fields = [f for f in model._meta.concrete_fields]
        get = operator.attrgetter(*[f.attname for f in fields])
        return self.insert(model, [f.name for f in fields], (get(o) for o in objs))

    def note(self, model: type[models.Model], n: int) -> None:
        """Count rows written by another path (services, bulk_create)."""
        self.counts[model._meta.db_table] += n

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids chosen here; refresh planner statistics."""
        if connection.vendor == "postgresql" and self.explicit:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), sorted(self.explicit, key=str)):
                    cursor.execute(sql)
        written = [m for m in WRITTEN_MODELS if self.counts.get(m._meta.db_table)]
        if written:
            tables_analyze(written)


def _through(model: type[models.Model], name: str) -> type[models.Model]:
    return model._meta.get_field(name).remote_field.through  # type: ignore[union-attr,return-value]


COORDINATING = _through(Deliverable, "coordinating_units")
AGENDA_UNITS = _through(AgendaItem, "units")
WRITTEN_MODELS: list[type[models.Model]] = [
    User, Program, Deliverable, COORDINATING, StatusChange, DeadlineExtension, Attachment, Note, ChangeRecord,
    Meeting, AgendaItem, AGENDA_UNITS, MeetingPoint, ReportJob, Notification, Position, Person, Assignment, Rating,
    Discipline, Deferral, Relative, PlanningEntry, AccessLog,
]


# --- Small helpers ----------------------------------------------------------------------------------


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1)) if end > start else start


def span(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class Clock:
    """Aware datetimes in the configured zone (Asia/Ho_Chi_Minh) at working hours."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)


def users_create(writer: Writer, specs: list[tuple[str, str, str, int | None]]) -> dict[str, int]:
    """Create the accounts that do not exist yet: (username, full name, role, unit id) -> {username: id}.

    One password hash for all (hashing hundreds of passwords would take minutes; these are demo accounts)."""
    existing = dict(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", "pk"))
    password = make_password(programs_demo.DEMO_PASSWORD)
    made = [
        User(username=u, full_name=name, role=role, unit_id=unit_id, email=f"{u}@chidao.invalid", password=password)
        for u, name, role, unit_id in specs if u not in existing
    ]
    User.objects.bulk_create(made, batch_size=500)
    writer.note(User, len(made))
    return dict(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", "pk"))



# --- Accounts ---------------------------------------------------------------------------------------


@dataclass
class Accounts:
    admin: int
    office: list[int]
    steering: int
    lead: dict[int, list[int]]  # unit id -> lead officers
    personnel: dict[int, list[int]]  # unit id -> personnel officers


def accounts_create(writer: Writer, g: people_demo.Generator, units: dict[str, Unit], lead_units: list[Unit],
              people_units: list[Unit]) -> Accounts:
    """The standing office, a steering member, lead officers of every lead unit and personnel officers of
    every unit with people (USERS_PER_UNIT each; usernames cb.<unit>.N and tccb.<unit>.N)."""
    had_admin = User.objects.filter(models.Q(is_superuser=True) | models.Q(role=Role.ADMIN), is_active=True).exists()
    admin = people_demo.demo_admin()  # the demo's administrator, created if missing
    writer.note(User, 0 if had_admin else 1)
    specs: list[tuple[str, str, str, int | None]] = [
        (f"thuongtruc.{i}", f"{g.name(Gender.FEMALE)} (mẫu)", Role.OFFICE, units["BTCTU"].pk) for i in (1, 2)
    ]
    specs.append(("bcd.1", f"{g.name(Gender.MALE)} (mẫu)", Role.STEERING, units["TU"].pk))
    for u in lead_units:
        specs += [(f"cb.{u.code.lower()}.{i}", f"{g.name(Gender.MALE if i % 2 else Gender.FEMALE)} (mẫu)",
                   Role.LEAD_OFFICER, u.pk) for i in range(1, USERS_PER_UNIT + 1)]
    for u in people_units:
        specs += [(f"tccb.{u.code.lower()}.{i}", f"{g.name(Gender.FEMALE if i % 2 else Gender.MALE)} (mẫu)",
                   Role.PERSONNEL, u.pk) for i in range(1, USERS_PER_UNIT + 1)]
    ids = users_create(writer, specs)
    return Accounts(
        admin=admin.pk, office=[ids["thuongtruc.1"], ids["thuongtruc.2"]], steering=ids["bcd.1"],
        lead={u.pk: [ids[f"cb.{u.code.lower()}.{i}"] for i in range(1, USERS_PER_UNIT + 1)] for u in lead_units},
        personnel={u.pk: [ids[f"tccb.{u.code.lower()}.{i}"] for i in range(1, USERS_PER_UNIT + 1)]
                   for u in people_units},
    )

