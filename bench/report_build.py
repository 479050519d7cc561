"""Benchmark: how long the year-end report takes to build for a large program.

Requirement: for a program of 1,000 deliverables with history, the year-end .docx builds in at most
3 s and the .pdf in at most 5 s on a 2-core machine. This script measures it and prints the figures;
it is a measurement, not a test (pytest only collects tests/), and always exits 0 unless it crashes.

What it does:
1. Creates a throwaway SQLite database and media directory in a temp dir (DATABASE_URL and
   CHIDAO_MEDIA_ROOT are set before django.setup()), migrates it, loads the real Hà Nội units.
2. Writes a program of N deliverables (default 1,000) led by 30 units, ALL THROUGH THE SERVICES the
   product uses (program_create, deliverable_create, deliverable_extend_deadline, attachment_upload,
   deliverable_transition, meeting_create, meeting_point_add, agenda_item_add, conclusion_add), with
   backdated history: assigned in 2021; most moved in_progress -> draft_done -> submitted -> completed
   (with an approval document number, date and attached file), some returned, some cancelled, some
   extended, some overdue, some completed only in 2022; a year-end conference on 28/12/2021 with lessons,
   difficulties, recommendations and conclusions tracked from 10/01/2022. No history row is bulk-inserted,
   so the figures are exactly what the product would compute. The whole set-up runs in one transaction.
3. Times report_render(kind="year_end", params={"year": 2021}) for docx, pdf and xlsx: one cold build
   (the first in the process: lazy imports, fonts, templates) then --repeat timed builds, each computing
   the figures afresh from the database on a fresh connection.

Run:  .venv/bin/python bench/report_build.py [--deliverables 1000] [--repeat 5] [--profile] [--keep]
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
TARGETS = {"docx": 3.0, "pdf": 5.0}  # seconds; xlsx has no target (measured for information)
FORMATS = ("docx", "pdf", "xlsx")
YEAR = 2021
REVIEW_DAY = dt.date(2021, 12, 28)
NOTICE_DAY = dt.date(2022, 1, 10)
# 15 provincial bodies; the other 15 lead units are wards (communes) from the reference list.
BODY_CODES = ["BTCTU", "UBKTTU", "BNCTU", "VPTU", "TLHP", "VPUB", "SNV", "STC", "STP", "TTTP", "SKHCN",
              "SGDDT", "SYT", "MTTQ", "HDND"]
LEAD_UNIT_COUNT = 30

TOPICS = [
    "nâng cao chất lượng sinh hoạt chi bộ", "quy hoạch cán bộ các cấp", "luân chuyển, điều động cán bộ",
    "kiểm tra, giám sát của cấp ủy", "phòng, chống tham nhũng, tiêu cực", "cải cách thủ tục hành chính",
    "chuyển đổi số trong cơ quan đảng", "đánh giá, xếp loại cán bộ", "đào tạo, bồi dưỡng cán bộ trẻ",
    "tổ chức bộ máy tinh gọn", "kỷ luật, kỷ cương hành chính", "công tác dân vận của chính quyền",
    "tiếp công dân, giải quyết khiếu nại", "giải ngân vốn đầu tư công", "nâng cao chỉ số PAR Index",
    "phân cấp, ủy quyền trong quản lý", "chi bộ địa bàn dân cư", "văn hóa công vụ",
    "vị trí việc làm và tinh giản biên chế", "công khai, minh bạch ngân sách", "một cửa liên thông cấp xã",
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Cường", "Phạm Thu Dung", "Hoàng Văn Giang", "Vũ Thị Hạnh"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--deliverables", type=int, default=1000, help="deliverables in the program (default 1000)")
    p.add_argument("--repeat", type=int, default=5, help="timed builds per format after the cold one (default 5)")
    p.add_argument("--seed", type=int, default=2021, help="random seed for the history (default 2021)")
    p.add_argument("--profile", action="store_true",
                   help="also profile one build of each format (cProfile, top 25 by cumulative time)")
    p.add_argument("--profile-misses", action="store_true",
                   help="profile only the formats that miss their target")
    p.add_argument("--as-of", default="",
                   help="report cut-off YYYY-MM-DD (default: the conference day 28/12/2021); an earlier one leaves "
                        "more deliverables open, so a longer 'carried over' table (a stress case)")
    p.add_argument("--keep", action="store_true", help="keep the temp database (its path is printed)")
    p.add_argument("--debug", action="store_true",
                   help="run with DEBUG on (the settings' default in development); off by default, as deployed")
    return p.parse_args()


def django_setup(tmpdir: Path, debug: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench.sqlite3"
    os.environ["CHIDAO_MEDIA_ROOT"] = str(tmpdir / "media")
    os.environ["CHIDAO_VAR_DIR"] = str(tmpdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "chidao.settings"
    # A worker runs with DEBUG off: no query log, cached template loader.
    os.environ["CHIDAO_DEBUG"] = "1" if debug else "0"
    # Production settings refuse to start without a secret key; a throwaway one for the benchmark.
    os.environ.setdefault("CHIDAO_SECRET_KEY", "bench-only-" + "x" * 50)
    # In-process tasks: nothing is queued here, but never touch a real queue.
    os.environ.setdefault("CHIDAO_TASKS_BACKEND", "immediate")
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- Data -------------------------------------------------------------------------------------------


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _rand_day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def _plan(rng: random.Random) -> dict[str, Any]:
    """One deliverable's life: when assigned, its deadline, and its dated steps (status or extension).

    Shares as of 28/12/2021 (roughly): 55% completed (a quarter of them late), 20% drafted or submitted
    (most approved in 2022), 17% in progress (some returned, many overdue), 6% not started, 2% cancelled.
    About 1 in 10 has its deadline extended before it is completed.
    """
    created = _rand_day(rng, dt.date(2021, 3, 25), dt.date(2021, 7, 31))
    r = rng.random()
    steps: list[tuple[dt.date, str]] = []  # (day, what): a status, or "extend"
    extend: tuple[dt.date, dt.date] | None = None  # (approved on, new deadline)
    if r < 0.55:  # completed in 2021
        completed = _rand_day(rng, created + dt.timedelta(days=75), dt.date(2021, 12, 24))
        submitted = completed - dt.timedelta(days=rng.randint(7, 20))
        drafted = submitted - dt.timedelta(days=rng.randint(5, 20))
        started = _rand_day(rng, created + dt.timedelta(days=3), min(drafted - dt.timedelta(days=5),
                                                                      created + dt.timedelta(days=30)))
        steps = [(started, "in_progress"), (drafted, "draft_done"), (submitted, "submitted")]
        if rng.random() < 0.12:  # returned once, then resubmitted
            returned = submitted + dt.timedelta(days=2)
            steps += [(returned, "returned"), (returned + dt.timedelta(days=2), "submitted")]
        steps.append((completed, "completed"))
        late = rng.random() < 0.25
        deadline = (completed - dt.timedelta(days=rng.randint(5, 40)) if late
                    else completed + dt.timedelta(days=rng.randint(0, 60)))
        deadline = max(deadline, created + dt.timedelta(days=30))
        if late and rng.random() < 0.4 and started + dt.timedelta(days=10) < deadline:
            extend = (deadline - dt.timedelta(days=5), completed + dt.timedelta(days=rng.randint(0, 10)))
    elif r < 0.75:  # drafted or submitted by the review; most approved in 2022
        started = created + dt.timedelta(days=rng.randint(5, 30))
        drafted = _rand_day(rng, dt.date(2021, 10, 1), dt.date(2021, 12, 10))
        steps = [(started, "in_progress"), (drafted, "draft_done")]
        if rng.random() < 0.6:
            steps.append((drafted + dt.timedelta(days=rng.randint(3, 15)), "submitted"))
            if rng.random() < 0.8:
                steps.append((_rand_day(rng, dt.date(2022, 1, 5), dt.date(2022, 4, 30)), "completed"))
        else:
            sub = _rand_day(rng, dt.date(2022, 1, 5), dt.date(2022, 2, 28))
            steps += [(sub, "submitted"), (sub + dt.timedelta(days=rng.randint(10, 60)), "completed")]
        deadline = rng.choice([dt.date(2021, 11, 30), dt.date(2021, 12, 31), dt.date(2022, 3, 31)])
    elif r < 0.92:  # in progress on the review day
        started = created + dt.timedelta(days=rng.randint(5, 60))
        steps = [(started, "in_progress")]
        deadline = rng.choice([dt.date(2021, 9, 30), dt.date(2021, 10, 31), dt.date(2021, 12, 31),
                               dt.date(2022, 6, 30)])
        if rng.random() < 0.25:  # submitted, returned for revision in 2021
            sub = _rand_day(rng, dt.date(2021, 10, 1), dt.date(2021, 11, 30))
            steps += [(sub, "submitted"), (sub + dt.timedelta(days=rng.randint(5, 20)), "returned")]
        if rng.random() < 0.35 and deadline < dt.date(2022, 1, 1):
            approved = deadline - dt.timedelta(days=rng.randint(3, 20))
            extend = (max(approved, started + dt.timedelta(days=1)), dt.date(2022, 6, 30))
    elif r < 0.98:  # not started
        deadline = rng.choice([dt.date(2021, 12, 15), dt.date(2022, 6, 30), dt.date(2022, 12, 31)])
    else:  # cancelled in 2021
        started = created + dt.timedelta(days=rng.randint(5, 30))
        steps = [(started, "in_progress"), (_rand_day(rng, dt.date(2021, 9, 1), dt.date(2021, 12, 1)), "cancelled")]
        deadline = dt.date(2021, 12, 31)
    if extend is not None:
        steps.append((extend[0], "extend"))
    steps.sort(key=lambda s: s[0])
    return {"created": created, "deadline": deadline, "steps": steps, "extend": extend}


def _approval_file(code: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"phe-duyet-{code}.pdf", b"%PDF-1.4\n% bench approval " + code.encode() + b"\n",
                              content_type="application/pdf")


def build_data(n: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from chidao.core.models import Role, Unit, UnitKind, User
    from chidao.core.reference import units_load_reference
    from chidao.programs import services
    from chidao.programs.models import Attachment, Kind, Meeting, MeetingPoint

    rng = random.Random(seed)
    with transaction.atomic():
        units_load_reference()
        by_code = {u.code: u for u in Unit.objects.all()}
        wards = list(Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("code")[: LEAD_UNIT_COUNT - len(BODY_CODES)])
        leads = [by_code[c] for c in BODY_CODES] + wards

        def user(username: str, role: str, unit: Unit | None, superuser: bool = False) -> User:
            u = User(username=username, full_name=username, role=role, unit=unit, is_superuser=superuser,
                     is_staff=superuser, email=f"{username}@chidao.invalid")
            u.set_unusable_password()
            u.save()
            return u

        admin = user("admin", Role.ADMIN, None, superuser=True)
        office = user("office", Role.OFFICE, by_code["BTCTU"])
        user("steering", Role.STEERING, by_code["TU"])
        officers = {u.pk: user(f"cb.{u.code.lower()}", Role.LEAD_OFFICER, u) for u in leads}

        program = services.program_create(
            actor=admin, number="99-CTr/TU", title="Chương trình đo hiệu năng (1.000 nội dung, dữ liệu mẫu)",
            issuing_body=by_code["TU"], issued_on=dt.date(2021, 3, 17), term="XVII", period_start=2021,
            period_end=2025, steering_unit=by_code["BTCTU"],
        )
        kinds = [Kind.THEMATIC, Kind.SCHEME, Kind.STUDY, Kind.PLAN]
        t0 = time.perf_counter()
        for i in range(1, n + 1):
            plan = _plan(rng)
            lead = leads[i % len(leads)]
            others = [u for u in leads if u.pk != lead.pk]
            kind = kinds[i % len(kinds)]
            d = services.deliverable_create(
                actor=office, program=program, code=f"{i:04d}", kind=kind,
                title=f"{str(Kind(kind).label).capitalize()} số {i:04d}: {TOPICS[i % len(TOPICS)]}",
                lead_unit=lead, coordinating_units=rng.sample(others, 2), responsible_leader=PEOPLE[i % len(PEOPLE)],
                original_deadline=plan["deadline"], at=_at(plan["created"], 8),
            )
            officer = officers[lead.pk]
            for day, what in plan["steps"]:
                if what == "extend":
                    _approved_on, new_deadline = plan["extend"]
                    services.deliverable_extend_deadline(
                        actor=office, deliverable=d, new_deadline=new_deadline, approved_on=day,
                        reason="Cần thêm thời gian khảo sát ý kiến cơ sở.", approved_by="Trưởng Ban Chỉ đạo",
                        at=_at(day, 10),
                    )
                    d.refresh_from_db()
                elif what == "completed":
                    att = services.attachment_upload(actor=office, deliverable=d, purpose=Attachment.Purpose.APPROVAL,
                                                     file=_approval_file(d.code), at=_at(day, 8))
                    d = services.deliverable_transition(
                        actor=office, deliverable=d, to_status=what, at=_at(day, 11),
                        doc_number=f"{i}-QĐ/BCĐ (mẫu)", doc_date=day, attachment=att,
                    )
                elif what in ("returned", "cancelled"):
                    d = services.deliverable_transition(
                        actor=office, deliverable=d, to_status=what, at=_at(day, 11),
                        reason="Đề nghị bổ sung số liệu." if what == "returned" else "Lồng ghép vào đề án khác.",
                    )
                else:
                    d = services.deliverable_transition(actor=officer, deliverable=d, to_status=what,
                                                        at=_at(day, 11))
            if i % 250 == 0:
                rate = i / (time.perf_counter() - t0)
                print(f"  ... {i}/{n} deliverables written ({rate:.0f}/s)", flush=True)

        meeting = services.meeting_create(
            actor=office, program=program, kind=Meeting.Kind.YEAR_END, held_on=REVIEW_DAY,
            title="Hội nghị tổng kết công tác năm 2021 của Ban Chỉ đạo Chương trình số 99-CTr/TU (mẫu)",
            chair="Bí thư Thành ủy, Trưởng ban Chỉ đạo", location="Trụ sở Thành ủy (mẫu)",
            attendees="Thành viên Ban Chỉ đạo\nLãnh đạo các cơ quan, đơn vị chủ trì",
            minutes="Hội nghị nghe báo cáo kết quả thực hiện Chương trình năm 2021 (dữ liệu mẫu).",
            at=_at(REVIEW_DAY, 17),
        )
        services.agenda_item_add(actor=office, meeting=meeting, title="Báo cáo tổng kết năm 2021",
                                 units=[by_code["BTCTU"]])
        for kind, text in [
            (MeetingPoint.Kind.LESSON, "Kịp thời luân chuyển cán bộ khi có biểu hiện không hoàn thành nhiệm vụ."),
            (MeetingPoint.Kind.LESSON, "Đổi mới tổ chức họp trong bối cảnh dịch COVID-19."),
            (MeetingPoint.Kind.LESSON, "Kiểm tra, xử lý ngay cán bộ có biểu hiện sai phạm."),
            (MeetingPoint.Kind.DIFFICULTY, "Việc phân cấp còn chưa rõ đầu mối, cơ quan kiểm soát."),
            (MeetingPoint.Kind.DIFFICULTY, "Việc thực hiện một số thủ tục hành chính còn chậm."),
            (MeetingPoint.Kind.RECOMMENDATION, "Có cơ chế thu hút nhân sự chuyên môn cao về cấp xã."),
        ]:
            services.meeting_point_add(actor=office, meeting=meeting, kind=kind, text=text,
                                       speaker="Thành viên Ban Chỉ đạo")
        for k, lead in enumerate(leads[:5], start=1):
            services.conclusion_add(
                actor=office, meeting=meeting, text=f"Nhiệm vụ trọng tâm năm 2022 số {k} giao {lead.name}.",
                lead_unit=lead, deadline=dt.date(2022, 3 * k if k < 5 else 12, 28 if k < 5 else 31),
                track_as=services.TRACK_AS_DELIVERABLE, kind=Kind.TASK, at=_at(NOTICE_DAY, 10),
            )
    return {"program": program, "user": office, "seconds": time.perf_counter() - t0}


def data_figures(program: Any, user: Any, as_of: dt.date) -> dict[str, Any]:
    from chidao.programs import selectors
    from chidao.programs.models import DeadlineExtension, Deliverable, StatusChange

    summary = selectors.program_summary(user=user, program=program, as_of=as_of)
    scope = Deliverable.objects.filter(program=program)
    return {
        "deliverables": scope.count(),
        "status_changes": StatusChange.objects.filter(deliverable__in=scope).count(),
        "extensions": DeadlineExtension.objects.filter(deliverable__in=scope).count(),
        "summary": summary,
    }


# --- Timing -----------------------------------------------------------------------------------------


PARAMS: dict[str, Any] = {"year": YEAR}


def render(program: Any, user: Any, fmt: str) -> tuple[float, int, int]:
    """One build from a fresh database connection: (seconds, bytes, queries)."""
    from django.db import connection, reset_queries

    from chidao.reports.services import report_render

    connection.close()
    reset_queries()
    queries = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    t = time.perf_counter()
    with connection.execute_wrapper(count):
        content, _name = report_render(user=user, program=program, kind="year_end", fmt=fmt,
                                       params=PARAMS)
    elapsed = time.perf_counter() - t
    return elapsed, len(content), queries


def profile(program: Any, user: Any, fmt: str) -> str:
    from django.db import connection

    from chidao.reports.services import report_render

    connection.close()
    prof = cProfile.Profile()
    prof.enable()
    report_render(user=user, program=program, kind="year_end", fmt=fmt, params=PARAMS)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def verdict(fmt: str, median: float) -> str:
    target = TARGETS.get(fmt)
    if target is None:
        return "(no target)"
    if median <= target:
        return f"PASS ({target - median:.2f} s under, {median / target:.0%} of target)"
    return f"MISS ({median - target:.2f} s over, {median / target:.0%} of target)"


def main() -> int:
    args = parse_args()
    tmpdir = Path(tempfile.mkdtemp(prefix="chidao-bench-"))
    try:
        print("Chidao year-end report build benchmark")
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"machine: {platform.platform()} | python {platform.python_version()} | "
              f"os.cpu_count()={os.cpu_count()} | CPUs usable by this process={cpus}")
        print(f"processor: {platform.processor() or platform.machine()}")
        print(f"database: {tmpdir}/bench.sqlite3 (throwaway); DEBUG={'on' if args.debug else 'off'}")
        t = time.perf_counter()
        django_setup(tmpdir, args.debug)
        print(f"django.setup() + migrate: {time.perf_counter() - t:.1f} s")

        print(f"writing {args.deliverables} deliverables through the services ...", flush=True)
        t = time.perf_counter()
        data = build_data(args.deliverables, args.seed)
        print(f"set-up: {time.perf_counter() - t:.1f} s (all rows through chidao.programs.services)")

        program, user = data["program"], data["user"]
        if args.as_of:
            PARAMS["as_of"] = args.as_of
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else REVIEW_DAY
        figs = data_figures(program, user, as_of)
        s = figs["summary"]
        print()
        print(f"data: {figs['deliverables']} deliverables in the program ({s.deliverables} assigned by "
              f"{as_of:%d/%m/%Y}, the rest are the conference's conclusions), {s.lead_units} lead units, "
              f"{figs['status_changes']} status changes, {figs['extensions']} deadline extensions")
        print(f"figures as of {s.as_of:%d/%m/%Y}: completed {s.completed} | drafted/awaiting approval "
              f"{s.awaiting_approval} | in progress {s.in_progress} | not started {s.not_started} | "
              f"cancelled {s.cancelled} | overdue {s.deadline_classes['open_overdue']} | "
              f"completion rate {s.completion_rate}% | carried over (open) "
              f"{s.deliverables - s.completed - s.cancelled}")
        print()

        results: dict[str, dict[str, Any]] = {}
        for fmt in FORMATS:
            cold, size, queries = render(program, user, fmt)
            runs = [render(program, user, fmt)[0] for _ in range(args.repeat)]
            results[fmt] = {"cold": cold, "runs": runs, "size": size, "queries": queries}

        print(f"year-end report {YEAR}, report_render(kind='year_end', params={PARAMS}); "
              f"{args.repeat} timed builds per format after one cold build")
        print("cold = first build of that format in this process (a worker builds a report once); formats "
              "are built in the order docx, pdf, xlsx, so pdf's cold build does not pay matplotlib's start-up")
        header = f"{'format':<6} {'cold':>7} {'min':>7} {'median':>7} {'max':>7} {'target':>7}  {'size':>9} " \
                 f"{'queries':>7}  verdict (median)"
        print(header)
        print("-" * len(header))
        for fmt, r in results.items():
            runs = r["runs"]
            target = TARGETS.get(fmt)
            print(f"{fmt:<6} {r['cold']:>6.2f}s {min(runs):>6.2f}s {statistics.median(runs):>6.2f}s "
                  f"{max(runs):>6.2f}s {(f'{target:.0f}s' if target else '-'):>7}  {r['size'] / 1024:>7.0f}KB "
                  f"{r['queries']:>7}  {verdict(fmt, statistics.median(runs))}")
        print()
        for fmt, target in TARGETS.items():
            r = results[fmt]
            worst = max([r["cold"], *r["runs"]])
            status = "PASS" if worst <= target else "MISS"
            print(f"{fmt}: worst build including the cold one {worst:.2f} s vs {target:.0f} s -> {status}")
        misses = [f for f, tg in TARGETS.items() if statistics.median(results[f]["runs"]) > tg]
        print("RESULT: " + ("all targets met" if not misses else f"MISS on {', '.join(misses)}"))

        to_profile = list(FORMATS) if args.profile else (misses if args.profile_misses else [])
        for fmt in to_profile:
            print()
            print(f"=== cProfile, one warm {fmt} build, top 25 by cumulative time ===")
            print(profile(program, user, fmt))
        return 0
    finally:
        if args.keep:
            print(f"kept {tmpdir}")
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
