"""Scale data: the entry point (`scale_load`), reminder digests, past report builds, and the tidy-up."""



import datetime as dt
import json
import random
import time
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from chidao.core.models import ChangeRecord, EmailState, Notification, NotificationKind, Unit, UnitKind
from chidao.core.reference import units_load_reference
from chidao.demo import people as people_demo
from chidao.demo import program as programs_demo
from chidao.personnel.models import (
    Person,
    PlanningEntry,
    Position,
)
from chidao.programs.models import (
    Deliverable,
    Program,
)
from chidao.programs.reminders import reminder_digest_text, reminder_items_by_unit
from chidao.reports.models import ReportJob

from .base import (
    DIGEST_DAYS,
    PLANNING_UNITS,
    SEED,
    WRITTEN_MODELS,
    Accounts,
    ScaleError,
    ScaleResult,
    Sizes,
    Writer,
    accounts_create,
    span,
)
from .people import PeopleCounts, PeopleGen, people_write, rating_budget
from .programs import REPORT_PATH, DeliverableGen, ProgramRows

# --- Reminder digests and report builds -------------------------------------------------------------


def _digests(writer: Writer, accounts: Accounts, on: dt.date) -> None:
    """The daily reminder digests of the last DIGEST_DAYS days for every lead officer (read but the last two),
    built by the reminders job's own functions (chidao.programs.reminders): each with the items as they stood
    on its day, as the job would have written it that morning (and mailed: the officers have addresses)."""
    from django.conf import settings

    days_ahead = settings.CHIDAO_REMINDER_DAYS_AHEAD
    tz = timezone.get_current_timezone()
    rows = []
    for back in range(DIGEST_DAYS, 0, -1):
        day = on - span(back)
        created = dt.datetime.combine(day, dt.time(7, 0), tzinfo=tz)
        for unit_id, items in reminder_items_by_unit(on=day, days_ahead=days_ahead).items():
            subject, body = reminder_digest_text(on=day, items=items)
            for user in accounts.lead.get(unit_id, []):
                read = created + dt.timedelta(hours=2) if back > 2 else None
                rows.append((user, NotificationKind.REMINDER_DIGEST, day, subject[:255], body,
                             json.dumps(items, ensure_ascii=False), created, created, EmailState.SENT, read))
    writer.insert(Notification, ["user", "kind", "day", "subject", "body", "items", "created_at", "emailed_at",
                                 "email_state", "read_at"], rows)


def _report_jobs(writer: Writer, accounts: Accounts, programs: list[ProgramRows], on: dt.date) -> None:
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

    written: list[type[models.Model]] = [*WRITTEN_MODELS, DueEntry, Move, RotationRound]
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
    writer = Writer()
    g = people_demo.Generator(count=sizes.people, seed=seed, on=on)

    people_units = people_demo.people_units(sizes.people)
    positions = Position.objects.count()
    posts = people_demo.positions_create(people_units)
    writer.note(Position, Position.objects.count() - positions)
    lead_units = _lead_units()
    accounts = accounts_create(writer, g, unit, lead_units, people_units)

    say("programs and deliverables")
    dgen = DeliverableGen(
        sizes=sizes, seed=seed, on=on, writer=writer, users=accounts, units=unit, lead_units=lead_units,
        ct_deliverable=ContentType.objects.get_for_model(Deliverable).pk,
        ct_program=ContentType.objects.get_for_model(Program).pk,
    )
    dgen.programs()
    dgen.deliverables()

    say("people: first pass")
    pgen = PeopleGen(count=sizes.people, seed=seed, on=on, units=people_units, posts=posts)
    pgen.prepare()
    counts = PeopleCounts()
    for chunk in pgen.chunks:
        for c in pgen.careers(chunk):
            counts.assignments += len(c.starts) + 1
            counts.disciplines += c.disciplined
            counts.deferrals += c.deferred
            counts.capacity[len(c.rated_years)] += 1
    budget = sizes.history - dgen.out.history - counts.assignments - counts.disciplines - counts.deferrals
    t, extra = rating_budget(counts, budget)

    say("writing programs and deliverables")
    dgen.write()
    dgen.meetings()
    say("writing people")
    hometowns = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True).order_by("code"))
    planning_units = {u.pk for u in people_units[:PLANNING_UNITS]}
    candidates = people_write(writer, pgen, t=t, extra=extra, seed=seed, accounts=accounts, hometowns=hometowns,
                         planning_units=planning_units)
    say("reminders, reports, planning")
    _digests(writer, accounts, on)
    _report_jobs(writer, accounts, dgen.out.programs, on)
    writer.finish()
    before = PlanningEntry.objects.count(), ChangeRecord.objects.count()
    people_demo.planning_fill(g, candidates, posts, people_units[:PLANNING_UNITS])
    people_demo.headcounts_set(random.Random(seed), posts)
    writer.note(PlanningEntry, PlanningEntry.objects.count() - before[0])
    writer.note(ChangeRecord, ChangeRecord.objects.count() - before[1])
    result = ScaleResult(counts=dict(writer.counts), seconds=time.monotonic() - started, rating_years=t)
    if result.history != sizes.history:  # the budget above makes this impossible; say so if it ever is not
        raise ScaleError(f"wrote {result.history} history rows, {sizes.history} asked")
    return result

