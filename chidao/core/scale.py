"""Scale data for benchmarks: `chidao demo --scale city|national` (sizes in `SCALES`).

`scale_load(sizes=...)` writes, on top of the regular demo (or into an empty database), programs with
their deliverables, people with their service records, and exactly `sizes.history` history rows:

- deliverable history: status changes (the first, "chưa triển khai", written at assignment as
  `services.deliverable_create` does), approved deadline extensions and notes (progress updates by the
  lead unit, comments by the standing office, directives by the steering committee on overdue work);
- personnel history: assignments (quá trình công tác), annual ratings, disciplines and deferrals.

The deliverables' history is generated first; the people's assignments, disciplines and deferrals
follow from their careers; the annual ratings take what is left of the budget (each person is rated
for their most recent years, as far back as the budget reaches, never before they started work), so
the total is exact. Everything else written (programs, deliverables, their coordinating units,
approval files, change records, meetings, report builds, reminder digests, people, relatives, the
access log, users) is counted and reported apart.

The data follows the app's rules: every status path is a path of `workflow.TRANSITIONS`, taken by a
user the workflow allows (the lead unit's officers draft and submit, the standing office approves,
returns and cancels); a completion carries its approval document and file; an extension is approved
while the deliverable is open and moves its deadline later; each deliverable's current status,
deadline, completion date and version are what its history says, so the dashboards' figures (computed
from history) agree with the lists (computed from the current fields). People are named, placed and
derived (`person_derive`) as the people demo does (`chidao.personnel.demo`), over the real Hà Nội units
(`core.reference`), and planned through `planning_entry_add`, which refuses what the rules forbid.

Rows are written with COPY on PostgreSQL and executemany on SQLite (`core.bulk.rows_insert`),
with ids chosen here so that rows can name each other without reading them back; people are generated
and written in chunks (a national-size run never holds them all in memory), in two passes with the same
seeds: the first only counts what the careers give, the second writes. The same seed and day give the
same data. Demo accounts all share the demo password (`programs.demo.DEMO_PASSWORD`).
"""

import datetime as dt
import json
import operator
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from chidao.core.bulk import rows_insert, tables_analyze
from chidao.core.models import ChangeRecord, Notification, NotificationKind, Role, Unit, UnitKind, User
from chidao.core.reference import units_load_reference
from chidao.core.text import fold
from chidao.personnel import demo as people_demo
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
    PlanningEntry,
    Position,
    PostLevel,
    Rating,
    RatingLevel,
    Relative,
)
from chidao.personnel.services import INVERSE, person_derive
from chidao.programs import demo as programs_demo
from chidao.programs.models import (
    AgendaItem,
    Attachment,
    DeadlineExtension,
    Deliverable,
    Kind,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    Status,
    StatusChange,
)
from chidao.programs.reminders import reminder_digest_text, reminder_items_by_unit
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


class _Writer:
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
        written = [m for m in _MODELS if self.counts.get(m._meta.db_table)]
        if written:
            tables_analyze(written)


def _through(model: type[models.Model], name: str) -> type[models.Model]:
    return model._meta.get_field(name).remote_field.through  # type: ignore[union-attr,return-value]


COORDINATING = _through(Deliverable, "coordinating_units")
AGENDA_UNITS = _through(AgendaItem, "units")
_MODELS: list[type[models.Model]] = [
    User, Program, Deliverable, COORDINATING, StatusChange, DeadlineExtension, Attachment, Note, ChangeRecord,
    Meeting, AgendaItem, AGENDA_UNITS, MeetingPoint, ReportJob, Notification, Position, Person, Assignment, Rating,
    Discipline, Deferral, Relative, PlanningEntry, AccessLog,
]


# --- Small helpers ----------------------------------------------------------------------------------


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1)) if end > start else start


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class _Clock:
    """Aware datetimes in the configured zone (Asia/Ho_Chi_Minh) at working hours."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)


def _users(writer: _Writer, specs: list[tuple[str, str, str, int | None]]) -> dict[str, int]:
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


# --- Programs and deliverables ----------------------------------------------------------------------

SCOPES = [
    "trong các cơ quan đảng", "tại các sở, ban, ngành", "ở cấp xã", "trong khối Mặt trận, đoàn thể",
    "tại các đơn vị sự nghiệp công lập", "trên địa bàn Thành phố", "đối với cán bộ trẻ", "ở chi bộ cơ sở",
]
PROGRESS_TEXTS = [
    "Đã thành lập tổ biên tập, xây dựng đề cương chi tiết.",
    "Đã tổ chức khảo sát, lấy ý kiến các đơn vị phối hợp.",
    "Đã hoàn thành dự thảo lần 1, đang tổng hợp ý kiến góp ý.",
    "Đang hoàn thiện dự thảo theo ý kiến của lãnh đạo đơn vị.",
    "Đã tổ chức hội thảo chuyên đề, tiếp thu ý kiến chuyên gia.",
]
COMMENTS = [
    "Đề nghị đơn vị chủ trì bổ sung số liệu so sánh với cùng kỳ.",
    "Cơ quan thường trực đề nghị làm rõ lộ trình thực hiện.",
    "Đề nghị phối hợp chặt chẽ với các đơn vị liên quan.",
]
DIRECTIVE = "Đề nghị đơn vị chủ trì khẩn trương hoàn thành, báo cáo Ban Chỉ đạo."
RETURN_REASON = "Đề nghị bổ sung số liệu và ý kiến các đơn vị phối hợp."
CANCEL_REASON = "Nội dung được lồng ghép vào đề án khác theo chỉ đạo của Ban Chỉ đạo."
EXTEND_REASON = "Cần thêm thời gian khảo sát ý kiến cơ sở."
ATTACHMENT_PATH = "demo/van-ban-phe-duyet-mau.pdf"
REPORT_PATH = "demo/bao-cao-mau.docx"


@dataclass
class _Program:
    pk: int
    number: str
    title: str
    issuer: Unit
    issued_on: dt.date
    term: str
    period: tuple[int, int]
    steering: Unit


@dataclass
class _Deliverables:
    """Rows of every table the deliverables fill, generated before anything is written."""

    programs: list[_Program] = field(default_factory=list)
    deliverables: list[tuple[Any, ...]] = field(default_factory=list)
    coordinating: list[tuple[int, int]] = field(default_factory=list)
    status_changes: list[tuple[Any, ...]] = field(default_factory=list)
    extensions: list[tuple[Any, ...]] = field(default_factory=list)
    attachments: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def history(self) -> int:
        return len(self.status_changes) + len(self.extensions) + len(self.notes)


def _split(total: int, parts: int, rng: random.Random, sigma: float = 0.7) -> list[int]:
    """`total` split into `parts` positive, uneven counts (log-normal weights, largest remainders)."""
    weights = [rng.lognormvariate(0, sigma) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    raw = [w * scale for w in weights]
    counts = [1 + int(r) for r in raw]
    left = total - sum(counts)
    for i in sorted(range(parts), key=lambda i: raw[i] - int(raw[i]), reverse=True)[:left]:
        counts[i] += 1
    return counts


class _DeliverableGen:
    def __init__(self, *, sizes: Sizes, seed: int, on: dt.date, writer: _Writer, users: "_Accounts",
                 units: dict[str, Unit], lead_units: list[Unit], ct_deliverable: int, ct_program: int) -> None:
        self.rng = random.Random(seed)
        self.sizes, self.on, self.writer, self.users = sizes, on, writer, users
        self.unit, self.lead_units = units, lead_units
        self.last = on - _days(1)  # history stops yesterday (nothing is recorded in the future)
        self.clock = _Clock()
        self.ct_deliverable, self.ct_program = ct_deliverable, ct_program
        self.out = _Deliverables()
        self.unit_names = {u.pk: u.name for u in lead_units}

    # Programs: term XVII (2021-2025) and, once under way, term XVIII (2025-2030).
    def programs(self) -> None:
        rng, on = self.rng, self.on
        xviii_from = dt.date(2025, 10, 20)
        tu, ubnd = self.unit["TU"], self.unit["UBND"]
        topics = programs_demo.TOPICS
        for i in range(self.sizes.programs):
            newer = on > xviii_from + _days(120) and rng.random() < 0.4
            if newer:
                term, period = "XVIII", (2025, 2030)
                issued = _day(rng, xviii_from, min(dt.date(2030, 6, 30), on - _days(60)))
            else:
                term, period = "XVII", (2021, 2025)
                issued = _day(rng, dt.date(2021, 2, 1), min(dt.date(2024, 12, 31), on - _days(60)))
            topic = topics[i % len(topics)]
            if rng.random() < 0.6:
                number, issuer, steering = f"{i + 2:02d}-CTr/TU", tu, self.unit["BTCTU"]
                title = f"Chương trình mẫu số {i + 2:02d} về {topic}, giai đoạn {period[0]}-{period[1]}"
            else:
                number, issuer, steering = f"{i + 100}/KH-UBND", ubnd, self.unit["VPUB"]
                title = f"Kế hoạch mẫu số {i + 100} thực hiện nhiệm vụ {topic}, giai đoạn {period[0]}-{period[1]}"
            self.out.programs.append(_Program(
                pk=self.writer.next_id(Program), number=number, title=title, issuer=issuer, issued_on=issued,
                term=term, period=period, steering=steering))

    def deliverables(self) -> None:
        rng = self.rng
        sizes = _split(self.sizes.deliverables, self.sizes.programs, rng)
        weights = [60 if u.kind != UnitKind.COMMUNE else 1 for u in self.lead_units]
        for program, n in zip(self.out.programs, sizes, strict=True):
            k = min(len(self.lead_units), max(3, n // 12))
            chosen: list[Unit] = []
            while len(chosen) < k:
                u = rng.choices(self.lead_units, weights)[0]
                if u not in chosen:
                    chosen.append(u)
            width = 3 if n >= 100 else 2
            for j in range(n):
                self._deliverable(program, f"{j + 1:0{width}d}", chosen[j % len(chosen)], chosen)

    def _deliverable(self, program: _Program, code: str, lead: Unit, chosen: list[Unit]) -> None:
        rng, out = self.rng, self.out
        pk = self.writer.next_id(Deliverable)
        kind = rng.choice(programs_demo.KINDS) if rng.random() < 0.93 else Kind.TASK
        topic = rng.choice(programs_demo.TOPICS)
        title = f"{str(Kind(kind).label).capitalize()} mẫu số {code}: {topic} {rng.choice(SCOPES)}"
        created = min(program.issued_on + _days(rng.randint(5, 75)), self.last - _days(1))
        created_at = self.clock.at(created, 9, rng.randint(0, 59))
        period_end = dt.date(program.period[1], 12, 31)
        deadline0 = min(created + _days(rng.randint(60, 720)), max(period_end, created + _days(60)))
        others = [u for u in chosen if u.pk != lead.pk]
        coordinating = sorted({rng.choice(others).pk for _ in range(rng.randint(0, 2))}) if others else []
        leader = rng.choice(programs_demo.PEOPLE)
        officer = self.users.lead[lead.pk]
        office, steering = self.users.office, self.users.steering

        # The life of the deliverable, planned in days, then cut at yesterday.
        steps: list[tuple[dt.date, str, int, str]] = []  # (day, to status, actor, reason)
        extension: tuple[dt.date, dt.date] | None = None
        if rng.random() < 0.02:
            steps.append((created + _days(rng.randint(30, 200)), Status.CANCELLED, rng.choice(office), CANCEL_REASON))
        else:
            start = created + _days(rng.randint(5, 75))
            slip = int(rng.gauss(-10, 45)) + (rng.randint(60, 300) if rng.random() < 0.2 else 0)
            done = max(deadline0 + _days(slip), start + _days(45))
            if done > deadline0 + _days(15) and rng.random() < 0.4 and deadline0 - _days(25) > start:
                extension = (deadline0 - _days(rng.randint(3, 20)), max(deadline0 + _days(30),
                                                                        done + _days(rng.randint(0, 45))))
            submit = max(done - _days(rng.randint(5, 25)), start + _days(20))
            who = rng.choice(officer)
            steps.append((start, Status.IN_PROGRESS, who, ""))
            if rng.random() < 0.7:
                steps.append((max(submit - _days(rng.randint(7, 40)), start + _days(10)), Status.DRAFT_DONE, who, ""))
            steps.append((submit, Status.SUBMITTED, who, ""))
            if rng.random() < 0.15:
                returned = submit + _days(rng.randint(5, 20))
                steps.append((returned, Status.RETURNED, rng.choice(office), RETURN_REASON))
                again = returned + _days(rng.randint(15, 60))
                if rng.random() < 0.5:
                    steps.append((returned + _days(rng.randint(2, 10)), Status.IN_PROGRESS, who, ""))
                steps.append((again, Status.SUBMITTED, who, ""))
                done = max(done, again) + _days(rng.randint(5, 30))
            if rng.random() < 0.03:
                cut = _day(rng, start + _days(1), done)
                steps = [s for s in steps if s[0] < cut]
                steps.append((cut, Status.CANCELLED, rng.choice(office), CANCEL_REASON))
            else:
                steps.append((done, Status.COMPLETED, rng.choice(office), ""))
        # Strictly later days, in order; nothing after yesterday.
        kept: list[tuple[dt.date, str, int, str]] = []
        previous = created
        for day, to, who, reason in steps:
            day = max(day, previous + _days(1))
            if day > self.last:
                break
            kept.append((day, to, who, reason))
            previous = day
        ended = kept[-1][0] if kept and kept[-1][1] in (Status.COMPLETED, Status.CANCELLED) else None
        if extension is not None and not (
                created < extension[0] <= self.last and (ended is None or extension[0] < ended)):
            extension = None

        # Rows, in the order the services would have written them.
        status, version, deadline = Status.NOT_STARTED, 1, deadline0
        completed_on: dt.date | None = None
        doc_number, doc_date = "", None
        lead_name = lead.name
        coordinating_names = sorted(self.unit_names.get(c) or "" for c in coordinating)
        repr_ = f"{code}. {title}"[:300]
        creator = rng.choice(office)
        out.status_changes.append((pk, "", Status.NOT_STARTED, created_at, creator, "", "", None, None))
        out.records.append((created_at, creator, "create", self.ct_deliverable, str(pk), repr_, None, json.dumps({
            "code": code, "kind": kind, "title": title, "description": "", "lead_unit": lead_name,
            "coordinating_units": coordinating_names, "responsible_leader": leader, "responsible_person": None,
            "original_deadline": deadline0.isoformat(), "deadline": deadline0.isoformat(),
            "status": Status.NOT_STARTED, "completed_on": None, "approval_doc_number": "",
            "approval_doc_date": None}, ensure_ascii=False), ""))
        events: list[tuple[dt.datetime, str, Any]] = [
            (self.clock.at(day, rng.randint(9, 16), rng.randint(0, 59)), "status", (to, who, reason))
            for day, to, who, reason in kept
        ]
        if extension is not None:
            events.append((self.clock.at(extension[0], 10, rng.randint(0, 59)), "extend", extension))
        started = next((d for d, to, _w, _r in kept if to == Status.IN_PROGRESS), None)
        if started is not None:
            until = ended or self.last
            percents = sorted(rng.sample(range(10, 95, 5), 3))
            for p in percents[:rng.choice([0, 1, 1, 1, 2, 2, 3])]:
                day = _day(rng, started + _days(1), until)
                events.append((self.clock.at(day, 15, rng.randint(0, 59)), Note.Kind.PROGRESS,
                               (rng.choice(officer), rng.choice(PROGRESS_TEXTS), p)))
        if rng.random() < 0.12:
            day = _day(rng, created + _days(1), ended or self.last)
            events.append((self.clock.at(day, 14, rng.randint(0, 59)), Note.Kind.COMMENT,
                           (rng.choice(office), rng.choice(COMMENTS), None)))
        events.sort(key=lambda e: (e[0], e[1] != "extend"))
        for at, what, data in events:
            before_status, before_deadline = status, deadline
            if what == "status":
                to, who, reason = data
                attachment = None
                if to == Status.COMPLETED:
                    attachment = self.writer.next_id(Attachment)
                    doc_number = f"{rng.randint(1, 999)}/QĐ-DEMO"
                    doc_date = max(timezone.localdate(at) - _days(rng.randint(0, 3)), created)
                    upload = at.replace(hour=8, minute=0)
                    out.attachments.append((attachment, pk, ATTACHMENT_PATH, f"van-ban-phe-duyet-mau-{code}.pdf",
                                            len(_PDF), Attachment.Purpose.APPROVAL, who, upload))
                    out.records.append((upload, who, "attach", self.ct_deliverable, str(pk), repr_, None,
                                        json.dumps({"attachment": f"van-ban-phe-duyet-mau-{code}.pdf",
                                                    "purpose": "văn bản phê duyệt", "size": len(_PDF)},
                                                   ensure_ascii=False), ""))
                    completed_on = timezone.localdate(at)
                out.status_changes.append((pk, status, to, at, who, reason, doc_number if attachment else "",
                                           doc_date if attachment else None, attachment))
                status = to
                version += 1
                after: dict[str, Any] = {"status": to}
                if to == Status.COMPLETED:
                    after |= {"completed_on": completed_on.isoformat() if completed_on else None,
                              "approval_doc_number": doc_number,
                              "approval_doc_date": doc_date.isoformat() if doc_date else None}
                out.records.append((at, who, "transition", self.ct_deliverable, str(pk), repr_,
                                    json.dumps({"status": before_status}), json.dumps(after), reason))
            elif what == "extend":
                approved_on, new_deadline = data
                recorder = rng.choice(office)
                out.extensions.append((pk, deadline, new_deadline, EXTEND_REASON, "Trưởng Ban Chỉ đạo", approved_on,
                                       recorder, at))
                deadline = new_deadline
                version += 1
                out.records.append((at, recorder, "extend", self.ct_deliverable, str(pk), repr_,
                                    json.dumps({"deadline": before_deadline.isoformat()}),
                                    json.dumps({"deadline": new_deadline.isoformat()}), EXTEND_REASON))
            else:
                author, text, percent = data
                out.notes.append((pk, what, text, percent, None, author, at))
                out.records.append((at, author, f"note_{what}", self.ct_deliverable, str(pk), repr_, None,
                                    json.dumps({"note": text, "percent": percent, "due_on": None},
                                               ensure_ascii=False), ""))
        # The steering committee's directive on work still open past its deadline.
        if status not in (Status.COMPLETED, Status.CANCELLED) and deadline < self.last and rng.random() < 0.6:
            day = _day(rng, deadline + _days(1), self.last)
            at = self.clock.at(day, 16, rng.randint(0, 59))
            due_on = day + _days(30)
            out.notes.append((pk, Note.Kind.DIRECTIVE, DIRECTIVE, None, due_on, steering, at))
            out.records.append((at, steering, "note_directive", self.ct_deliverable, str(pk), repr_, None,
                                json.dumps({"note": DIRECTIVE, "percent": None, "due_on": due_on.isoformat()},
                                           ensure_ascii=False), ""))
        search = fold(" ".join([code, title, leader, lead_name]))
        updated = max([created_at] + [e[0] for e in events if e[1] in ("status", "extend")])
        out.deliverables.append((
            pk, program.pk, code, kind, title, "", lead.pk, leader, None, deadline0, deadline, status, completed_on,
            doc_number if status == Status.COMPLETED else "", doc_date if status == Status.COMPLETED else None,
            version, search, created_at, updated))
        out.coordinating.extend((pk, c) for c in coordinating)

    def write(self) -> None:
        w, out = self.writer, self.out
        w.insert(Program, ["id", "number", "title", "issuing_body", "issued_on", "term", "period_start",
                           "period_end", "steering_unit"],
                 ((p.pk, p.number, p.title, p.issuer.pk, p.issued_on, p.term, p.period[0], p.period[1],
                   p.steering.pk) for p in out.programs))
        w.insert(ChangeRecord, ["at", "actor", "action", "content_type", "object_id", "object_repr", "before",
                                "after", "reason"],
                 ((self.clock.at(p.issued_on, 9), self.users.admin, "create", self.ct_program, str(p.pk),
                   f"Chương trình số {p.number}", None, json.dumps({
                       "number": p.number, "title": p.title, "issuing_body": p.issuer.name,
                       "issued_on": p.issued_on.isoformat(), "term": p.term, "period_start": p.period[0],
                       "period_end": p.period[1], "steering_unit": p.steering.name}, ensure_ascii=False), "")
                  for p in out.programs))
        w.insert(Deliverable, ["id", "program", "code", "kind", "title", "description", "lead_unit",
                               "responsible_leader", "responsible_person", "original_deadline", "deadline", "status",
                               "completed_on", "approval_doc_number", "approval_doc_date", "version", "search_text",
                               "created_at", "updated_at"], out.deliverables)
        w.insert(COORDINATING, ["deliverable", "unit"], out.coordinating)
        w.insert(Attachment, ["id", "deliverable", "file", "original_name", "size", "purpose", "uploaded_by",
                              "uploaded_at"], out.attachments)
        w.insert(StatusChange, ["deliverable", "from_status", "to_status", "at", "by", "reason", "doc_number",
                                "doc_date", "attachment"], out.status_changes)
        w.insert(DeadlineExtension, ["deliverable", "previous_deadline", "new_deadline", "reason", "approved_by",
                                     "approved_on", "recorded_by", "recorded_at"], out.extensions)
        w.insert(Note, ["deliverable", "kind", "text", "percent", "due_on", "author", "at"], out.notes)
        w.insert(ChangeRecord, ["at", "actor", "action", "content_type", "object_id", "object_repr", "before",
                                "after", "reason"], out.records)
        if out.attachments and not default_storage.exists(ATTACHMENT_PATH):
            default_storage.save(ATTACHMENT_PATH, ContentFile(_PDF))

    def meetings(self) -> None:
        """A year-end conference for each year under way and a quarterly review or two, with their points."""
        rng, w = self.rng, self.writer
        meetings, agenda, agenda_units, points = [], [], [], []
        creator = self.users.office[0]
        for p in self.out.programs:
            days = [dt.date(y, 12, 28) for y in range(p.issued_on.year, p.period[1] + 1)]
            days += [dt.date(y, 9, 30) for y in range(p.issued_on.year, p.period[1] + 1) if rng.random() < 0.5]
            for day in sorted(d for d in days if p.issued_on < d <= self.last):
                pk = w.next_id(Meeting)
                year_end = day.month == 12
                kind = Meeting.Kind.YEAR_END if year_end else Meeting.Kind.QUARTERLY
                title = (f"Hội nghị tổng kết năm {day.year} thực hiện {p.title[:1].lower()}{p.title[1:]}" if year_end
                         else f"Hội nghị sơ kết quý III năm {day.year} thực hiện Chương trình số {p.number}")
                meetings.append((pk, p.pk, kind, title, day, "Trụ sở Thành ủy (mẫu)",
                                 "Phó Bí thư Thành ủy, Phó Trưởng ban Chỉ đạo",
                                 "Thành viên Ban Chỉ đạo\nLãnh đạo các cơ quan, đơn vị chủ trì", "", creator,
                                 self.clock.at(day, 17)))
                item = w.next_id(AgendaItem)
                agenda.append((item, pk, 1, "Báo cáo tiến độ thực hiện các nội dung của Chương trình", ""))
                agenda_units.append((item, p.steering.pk))
                for order, (point_kind, text) in enumerate([
                    (MeetingPoint.Kind.LESSON, "Tăng cường kiểm tra, đôn đốc các đơn vị chủ trì (mẫu)."),
                    (MeetingPoint.Kind.DIFFICULTY, "Một số nội dung chậm do phải lấy ý kiến nhiều cơ quan (mẫu)."),
                    (MeetingPoint.Kind.RECOMMENDATION, "Đề nghị gia hạn các nội dung cần khảo sát thêm (mẫu)."),
                ], start=1):
                    points.append((pk, point_kind, text, "Thành viên Ban Chỉ đạo", order))
        w.insert(Meeting, ["id", "program", "kind", "title", "held_on", "location", "chair", "attendees", "minutes",
                           "created_by", "created_at"], meetings)
        w.insert(AgendaItem, ["id", "meeting", "order", "title", "notes"], agenda)
        w.insert(AGENDA_UNITS, ["agendaitem", "unit"], agenda_units)
        w.insert(MeetingPoint, ["meeting", "kind", "text", "speaker", "order"], points)


_PDF = programs_demo._demo_pdf("approval")


# --- Accounts ---------------------------------------------------------------------------------------


@dataclass
class _Accounts:
    admin: int
    office: list[int]
    steering: int
    lead: dict[int, list[int]]  # unit id -> lead officers
    personnel: dict[int, list[int]]  # unit id -> personnel officers


def _accounts(writer: _Writer, g: people_demo._Generator, units: dict[str, Unit], lead_units: list[Unit],
              people_units: list[Unit]) -> _Accounts:
    """The standing office, a steering member, lead officers of every lead unit and personnel officers of
    every unit with people (USERS_PER_UNIT each; usernames cb.<unit>.N and tccb.<unit>.N)."""
    had_admin = User.objects.filter(models.Q(is_superuser=True) | models.Q(role=Role.ADMIN), is_active=True).exists()
    admin = people_demo._actor()  # the demo's administrator, created if missing
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
    ids = _users(writer, specs)
    return _Accounts(
        admin=admin.pk, office=[ids["thuongtruc.1"], ids["thuongtruc.2"]], steering=ids["bcd.1"],
        lead={u.pk: [ids[f"cb.{u.code.lower()}.{i}"] for i in range(1, USERS_PER_UNIT + 1)] for u in lead_units},
        personnel={u.pk: [ids[f"tccb.{u.code.lower()}.{i}"] for i in range(1, USERS_PER_UNIT + 1)]
                   for u in people_units},
    )


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


class _PeopleGen:
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
                born = _day(rng, dt.date(1966, 1, 1), dt.date(1982, 12, 31))
            elif level >= PostLevel.DEPUTY_DIVISION:
                born = _day(rng, dt.date(1968, 1, 1), dt.date(1988, 12, 31))
            else:
                born = _day(rng, dt.date(1967, 1, 1), dt.date(2001, 12, 31))
            first_start = max(dt.date(1990, 1, 1),
                              _day(rng, rules.add_months(born, 22 * 12), rules.add_months(born, 26 * 12)))
            first_start = min(first_start, on - _days(200))
            # Leaders hold their post for up to 8 years; staff of the sectors that change periodically mostly
            # within their period (about one in five past it, and due); other staff since any time.
            if level:
                earliest = max(first_start, on - _days(8 * 365))
            elif post.change_period_months:
                earliest = max(first_start, on - _days(post.change_period_months * 38))
            else:
                earliest = first_start
            since = _day(rng, earliest, on - _days(60))
            previous = rng.randint(0, 3) if since > first_start + _days(400) else 0
            starts = sorted({_day(rng, first_start, since - _days(200)) for _ in range(previous - 1)}
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
class _PeopleCounts:
    assignments: int = 0
    disciplines: int = 0
    deferrals: int = 0
    capacity: Counter[int] = field(default_factory=Counter)  # how many people may be rated for c years

    def ratings(self, years: int) -> int:
        return sum(n * min(c, years) for c, n in self.capacity.items())


def _rating_budget(counts: _PeopleCounts, budget: int) -> tuple[int, int]:
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


def _people(writer: _Writer, gen: _PeopleGen, *, t: int, extra: int, seed: int, accounts: _Accounts,
            hometowns: list[Unit], planning_units: set[int]) -> list[Person]:
    """Second pass: write people and their history chunk by chunk; return planning candidates."""
    g = people_demo._Generator(count=gen.count, seed=seed, on=gen.on)
    on = gen.on
    base = writer.reserve(Person, gen.count)
    now = timezone.now()
    candidates: list[Person] = []
    per_unit: Counter[int] = Counter()
    bonus = extra
    person_fields = [f for f in Person._meta.concrete_fields]
    get = operator.attrgetter(*[f.attname for f in person_fields])
    tz = timezone.get_current_timezone()
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
            party = (_day(rng, rules.add_months(c.born, 24 * 12), rules.add_months(c.born, 32 * 12))
                     if level or rng.random() < 0.6 else None)
            town = rng.choice(hometowns)
            person = Person(
                pk=base + c.n, code=code, full_name=g.name(gender), birth_date=c.born, gender=gender, hometown=town,
                party_joined_on=party if party and party < on else None, education=rng.choice(people_demo.EDUCATION),
                phone=f"09{c.n + 1:08d}", email=f"{code.lower()}@demo.chidao.invalid",
                address=f"Số {rng.randint(1, 200)}, {rng.choice(hometowns).name}", id_number=f"000{c.n + 1:09d}",
                unit=c.unit, position=c.post, position_since=c.since, created_at=now, updated_at=now,
            )
            people.append(person)
            # Service history: earlier posts (lower posts of the unit, one in four elsewhere), then the current.
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
                    AssignmentKind.TRANSFER if prior.unit_id != c.unit.pk else AssignmentKind.PERIODIC_CHANGE)
                steps.append((prior, start, kind))
            now_kind: str = AssignmentKind.RECRUITMENT if not steps else (
                AssignmentKind.APPOINTMENT if level else (
                    AssignmentKind.TRANSFER if steps[-1][0].unit_id != c.unit.pk else AssignmentKind.PERIODIC_CHANGE))
            if level and steps and steps[-1][0].unit_id != c.unit.pk and rng.random() < 0.5:
                now_kind = AssignmentKind.ROTATION
            steps.append((c.post, c.since, now_kind))
            for i, (position, start, how) in enumerate(steps):
                end = steps[i + 1][1] - _days(1) if i + 1 < len(steps) else None
                assignments.append((person.pk, position.pk, how, start, end, f"{rng.randint(1, 999)}/QĐ-DEMO"))
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
                disciplines.append(_discipline_row(rng, person, c.n, on))
        # Family pairs first: they may rename people (a child takes the family name, a spouse's gender).
        pairs = people_demo._relatives_prepare(g, people)
        for c, person in zip(careers, people, strict=True):
            if c.deferred:
                kinds = list(DeferralKind)
                kind = kinds[(c.n // 33) % len(kinds)]
                if kind == DeferralKind.PREGNANCY_CHILD and person.gender != Gender.FEMALE:
                    kind = DeferralKind.STUDY
                start = _day(rng, on - _days(500), on - _days(30))
                months = {DeferralKind.PREGNANCY_CHILD: 36, DeferralKind.STUDY: 18,
                          DeferralKind.SECONDMENT: 24}.get(kind)
                deferrals.append((person.pk, kind, start, rules.add_months(start, months) if months else None,
                                  "Dữ liệu mẫu."))
        for person in people:
            person_derive(person)
        writer.insert(Person, [f.name for f in person_fields], (get(p) for p in people))
        writer.insert(Assignment, ["person", "position", "kind", "start", "end", "decision"], assignments)
        writer.insert(Rating, ["person", "year", "level"], ratings)
        writer.insert(Discipline, ["person", "system", "form", "decided_on", "decided_by", "reason", "blocks_until"],
                      disciplines)
        writer.insert(Deferral, ["person", "kind", "start", "end", "note"], deferrals)
        relatives = []
        for a, b, relation in pairs:
            relatives.append((people[a].pk, people[b].pk, relation))
            relatives.append((people[b].pk, people[a].pk, INVERSE[relation]))
        writer.insert(Relative, ["person", "relative", "relation"], relatives)
        # The access log: personnel officers opened about one record in ten of their unit.
        logs = []
        for person in people[::10]:
            officer = rng.choice(accounts.personnel[person.unit_id])  # type: ignore[index]
            day = on - _days(rng.randint(1, 90))
            at = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=tz)
            logs.append((officer, person.pk, "view", "page", at))
        writer.insert(AccessLog, ["user", "person", "action", "detail", "at"], logs)
        for person in people:
            if person.unit_id in planning_units and per_unit[person.unit_id] < 150:  # type: ignore[operator]
                per_unit[person.unit_id] += 1  # type: ignore[index]
                candidates.append(person)
    return candidates


def _discipline_row(rng: random.Random, person: Person, n: int, on: dt.date) -> tuple[Any, ...]:
    """As the people demo: one expulsion, a third expired, the rest in force."""
    unit = person.unit.name if person.unit else ""
    j = n // 25
    system: str
    if j == 0:
        form, system, day = DisciplineForm.EXPULSION, DisciplineSystem.PARTY, on - _days(400)
        by = "Ủy ban Kiểm tra Thành ủy"
        reason = "Vi phạm nghiêm trọng quy định về những điều đảng viên không được làm (mẫu)."
    elif j % 3 == 1:
        form = rng.choice([DisciplineForm.REPRIMAND, DisciplineForm.WARNING])
        system, day = rng.choice(DisciplineSystem.values), _day(rng, dt.date(2020, 1, 1), on - _days(500))
        by, reason = f"Đảng ủy {unit}", "Vi phạm quy chế làm việc (mẫu)."
    else:
        form = rng.choice([DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DEMOTION])
        system, day = DisciplineSystem.CIVIL_SERVICE, _day(rng, on - _days(300), on - _days(20))
        by, reason = f"Thủ trưởng {unit}", "Chậm thực hiện nhiệm vụ được giao (mẫu)."
    return (person.pk, system, form, day, by, reason, rules.discipline_blocks_until(form=form, decided_on=day))


# --- Reminder digests and report builds -------------------------------------------------------------


def _digests(writer: _Writer, accounts: _Accounts, on: dt.date) -> None:
    """The daily reminder digests of the last DIGEST_DAYS days for every lead officer (read but the last two),
    built by the reminders job's own functions (chidao.programs.reminders)."""
    from django.conf import settings

    days_ahead = settings.CHIDAO_REMINDER_DAYS_AHEAD
    tz = timezone.get_current_timezone()
    rows = []
    for back in range(DIGEST_DAYS, 0, -1):
        day = on - _days(back)
        created = dt.datetime.combine(day, dt.time(7, 0), tzinfo=tz)
        for unit_id, items in reminder_items_by_unit(on=day, days_ahead=days_ahead).items():
            subject, body = reminder_digest_text(on=day, items=items)
            for user in accounts.lead.get(unit_id, []):
                read = created + dt.timedelta(hours=2) if back > 2 else None
                rows.append((user, NotificationKind.REMINDER_DIGEST, day, subject[:255], body,
                             json.dumps(items, ensure_ascii=False), created, created, read))
    writer.insert(Notification, ["user", "kind", "day", "subject", "body", "items", "created_at", "emailed_at",
                                 "read_at"], rows)


def _report_jobs(writer: _Writer, accounts: _Accounts, programs: list[_Program], on: dt.date) -> None:
    """Past report builds: the standing office built a year-end report of each program in Word and PDF."""
    from docx import Document

    if not default_storage.exists(REPORT_PATH):
        document = Document()
        document.add_paragraph("Báo cáo mẫu (dữ liệu mẫu, không phải văn bản thật).")
        from io import BytesIO

        buffer = BytesIO()
        document.save(buffer)
        default_storage.save(REPORT_PATH, ContentFile(buffer.getvalue()))
    tz = timezone.get_current_timezone()
    rows = []
    for p in programs:
        year = min(on.year - 1, p.period[1])
        if year < p.issued_on.year:
            continue
        at = dt.datetime.combine(dt.date(year, 12, 29), dt.time(9, 0), tzinfo=tz)
        for fmt in (ReportJob.Format.DOCX, ReportJob.Format.PDF):
            requester = accounts.office[0]
            if fmt == ReportJob.Format.DOCX:
                file, name = REPORT_PATH, f"bao-cao-tong-ket-nam-{year}.docx"
                state, message = ReportJob.State.DONE, ""
            else:
                file, name = "", ""
                state, message = ReportJob.State.FAILED, "Không lập được báo cáo (dữ liệu mẫu)."
            rows.append((p.pk, ReportJob.Kind.YEAR_END, fmt, json.dumps({"year": year}), state, 100, message, file,
                         name, "", requester, at, at + dt.timedelta(seconds=5)))
    writer.insert(ReportJob, ["program", "kind", "format", "params", "state", "progress", "message", "file",
                              "filename", "task_id", "requested_by", "requested_at", "finished_at"], rows)


# --- Entry point ------------------------------------------------------------------------------------


def scale_tidy() -> None:
    """After a load and what follows it (the demo's rotation round writes 150,000 due entries at city size):
    refresh the planner's statistics, and on PostgreSQL the visibility map too (VACUUM), which lets counts be
    answered from an index alone. Outside a transaction."""
    from chidao.rotation.models import DueEntry, Move, RotationRound

    written: list[type[models.Model]] = [*_MODELS, DueEntry, Move, RotationRound]
    tables = [m._meta.db_table for m in written]
    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        if connection.vendor == "postgresql":
            # VACUUM cannot run in a transaction (e.g. a test's); ANALYZE can.
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {names}")
        else:
            cursor.execute("ANALYZE")


def _lead_units() -> list[Unit]:
    """Units that lead deliverables: the city's Party bodies, departments, Front and school, and the wards."""
    kinds = [UnitKind.PARTY_BODY, UnitKind.DEPARTMENT, UnitKind.MASS_ORGANIZATION, UnitKind.SCHOOL, UnitKind.COMMUNE]
    return list(Unit.objects.filter(kind__in=kinds, valid_to__isnull=True).order_by("code"))


@transaction.atomic
def scale_load(*, sizes: Sizes, seed: int = SEED, on: dt.date | None = None,
               progress: Callable[[str], None] | None = None) -> ScaleResult | None:
    """Write `sizes` worth of data (see the module docstring). Returns None, changing nothing, when people
    or programs other than the regular demo's already exist. Raises ScaleError for sizes that cannot hold
    (fewer deliverables than programs; a history budget the careers cannot match)."""
    if Person.objects.exists() or Program.objects.exclude(number=programs_demo.PROGRAM_NUMBER).exists():
        return None
    if sizes.programs < 1 or sizes.deliverables < sizes.programs or sizes.people < 1:
        raise ScaleError("need at least one program, one deliverable per program and one person")
    started = time.monotonic()
    say = progress or (lambda _m: None)
    on = on or timezone.localdate()
    if not Unit.objects.filter(code="HN").exists() or not Unit.objects.filter(kind=UnitKind.COMMUNE).exists():
        units_load_reference()
    unit = {u.code: u for u in Unit.objects.all()}
    if connection.vendor == "sqlite":
        # A large page cache for this connection: the one transaction writes hundreds of megabytes, and with
        # the default 2 MB SQLite keeps spilling index pages it will need again.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    writer = _Writer()
    g = people_demo._Generator(count=sizes.people, seed=seed, on=on)

    people_units = people_demo._units(sizes.people)
    positions = Position.objects.count()
    posts = people_demo._positions(people_units)
    writer.note(Position, Position.objects.count() - positions)
    lead_units = _lead_units()
    accounts = _accounts(writer, g, unit, lead_units, people_units)

    say("programs and deliverables")
    dgen = _DeliverableGen(
        sizes=sizes, seed=seed, on=on, writer=writer, users=accounts, units=unit, lead_units=lead_units,
        ct_deliverable=ContentType.objects.get_for_model(Deliverable).pk,
        ct_program=ContentType.objects.get_for_model(Program).pk,
    )
    dgen.programs()
    dgen.deliverables()

    say("people: first pass")
    pgen = _PeopleGen(count=sizes.people, seed=seed, on=on, units=people_units, posts=posts)
    pgen.prepare()
    counts = _PeopleCounts()
    for chunk in pgen.chunks:
        for c in pgen.careers(chunk):
            counts.assignments += len(c.starts) + 1
            counts.disciplines += c.disciplined
            counts.deferrals += c.deferred
            counts.capacity[len(c.rated_years)] += 1
    budget = sizes.history - dgen.out.history - counts.assignments - counts.disciplines - counts.deferrals
    t, extra = _rating_budget(counts, budget)

    say("writing programs and deliverables")
    dgen.write()
    dgen.meetings()
    say("writing people")
    hometowns = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True).order_by("code"))
    planning_units = {u.pk for u in people_units[:PLANNING_UNITS]}
    candidates = _people(writer, pgen, t=t, extra=extra, seed=seed, accounts=accounts, hometowns=hometowns,
                         planning_units=planning_units)
    say("reminders, reports, planning")
    _digests(writer, accounts, on)
    _report_jobs(writer, accounts, dgen.out.programs, on)
    writer.finish()
    before = PlanningEntry.objects.count(), ChangeRecord.objects.count()
    people_demo._planning(g, candidates, posts, people_units[:PLANNING_UNITS])
    writer.note(PlanningEntry, PlanningEntry.objects.count() - before[0])
    writer.note(ChangeRecord, ChangeRecord.objects.count() - before[1])
    result = ScaleResult(counts=dict(writer.counts), seconds=time.monotonic() - started, rating_years=t)
    if result.history != sizes.history:  # the budget above makes this impossible; say so if it ever is not
        raise ScaleError(f"wrote {result.history} history rows, {sizes.history} asked")
    return result

