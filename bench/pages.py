"""Benchmark: every list and dashboard page, and the main API lists, on a city-scale database.

Requirement: at most 12 SQL queries on any list or dashboard page whatever the data size, and at most 150 ms
median server time on PostgreSQL, at city scale (`chidao demo --scale city`: 200 programs, 20,000 deliverables,
150,000 people, 1,000,000 history rows).

This is a measurement, not a test (pytest only collects tests/); it exits 0 unless it crashes.

For each engine, in a child process (settings are read once per process; production settings, CHIDAO_DEBUG=0):
1. reuses the city database if it is there (SQLite: --sqlite-path, default /tmp/chidao-bench/city.sqlite3;
   PostgreSQL: --pg-url, default database chidao_bench), else (or with --rebuild) creates it: migrate, then
   `chidao demo --scale city` (the regular demo, then the scale data, the rotation round and the indicators),
   printing the rows written and the time; collects static files once (production templates need the
   manifest);
2. finds what the pages need: the largest program, a lead officer of the unit leading most of its deliverables,
   a personnel officer of the unit with most people, one of that unit's records, the planning term, the round,
   a task force, the reform office's login; creates read tokens for the API;
3. for each page and role: --warmup requests, then --requests timed requests through django.test.Client
   (in-process: middleware, view, queries, template), the median and p95 in ms, and the SQL queries of one
   more request (django.test.utils.CaptureQueriesContext). API lists are found in the router (every GET
   without a trailing path parameter that is not a file download), with their ids filled in.

PASS/MISS per row: queries within 12; median within 150 ms and p95 within 300 ms (PostgreSQL only; SQLite's times
are shown for information). A miss says by how much.

National scale (`--scale national`: 1,500,000 people, 9,000,000 history rows, 20,000 deliverables): the same
targets. Build it once in a database of its own, in the background (about an hour and several GB on a 2-core
machine), then measure subsets while it is reused:

      .venv/bin/python bench/pages.py --engines postgres --scale national --build-only \
          --pg-url postgres://postgres@127.0.0.1:5432/chidao_national
      .venv/bin/python bench/pages.py --engines postgres --scale national \
          --pg-url postgres://postgres@127.0.0.1:5432/chidao_national [--only people] [--skip API]

The deep rows (a late page of a long list: people, access log, change log, deliverables, due list) show whether
a list scans what it skips; the trigram indexes (migrations `*_search_trigram`) serve the searches there.

Run:  .venv/bin/python bench/pages.py [--engines sqlite,postgres] [--requests 15] [--warmup 2] [--rebuild]
      [--only deliverable] [--pg-url postgres://postgres@127.0.0.1:5432/chidao_bench]
      [--sqlite-path /tmp/chidao-bench/city.sqlite3] [--scale city] [--profile PAGE-SUBSTRING]
"""

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
MAX_QUERIES = 12
MAX_MS = 150.0
MAX_P95_MS = 300.0
WORK = Path("/tmp/chidao-bench")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--engines", default="sqlite,postgres", help="sqlite, postgres or both (default both)")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/chidao_bench")
    p.add_argument("--sqlite-path", default=str(WORK / "city.sqlite3"))
    p.add_argument("--scale", default="city", help="scale of the database built (default city)")
    p.add_argument("--requests", type=int, default=15, help="timed requests per page and role (default 15)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--slow", type=float, default=3.0, help="seconds above which a page is timed only once more")
    p.add_argument("--rebuild", action="store_true", help="drop the database and build it again")
    p.add_argument("--build-only", action="store_true", help="make sure the database is there, measure nothing")
    p.add_argument("--only", default="", help="only rows whose page name contains this text")
    p.add_argument("--skip", default="", help="leave out rows whose page name contains one of these (comma-separated)")
    p.add_argument("--profile", default="", help="cProfile one request of the rows whose name contains this")
    p.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    p.add_argument("--json", help=argparse.SUPPRESS)
    return p.parse_args()


def environment(engine: str, args: argparse.Namespace) -> dict[str, str]:
    """The settings of a production-like process on this machine (shared with bench/load.py)."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "chidao.settings",
        "DATABASE_URL": f"sqlite:///{args.sqlite_path}" if engine == "sqlite" else args.pg_url,
        "CHIDAO_DEBUG": "0",
        "CHIDAO_SECRET_KEY": env.get("CHIDAO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "CHIDAO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "CHIDAO_VAR_DIR": str(WORK / "var"),
        "CHIDAO_MEDIA_ROOT": str(WORK / "media"),
    })
    return env


# --- Child: one database ------------------------------------------------------------------------------


def _pg_prepare(url: str, rebuild: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def build(args: argparse.Namespace) -> None:
    """Reuse the database when it holds the scale data, else build it."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from chidao.demo.scale import SCALES
    from chidao.personnel.models import Person
    from chidao.programs.models import Program

    sizes = SCALES[args.scale]
    tables = connection.introspection.table_names()
    ready = ("personnel_person" in tables and Person.objects.count() >= sizes.people
             and Program.objects.count() > sizes.programs)
    if ready:
        call_command("migrate", verbosity=0)  # a reused database gets the migrations added since it was built
        print(f"  reusing the {args.scale} database: {Program.objects.count():,} programs, "
              f"{Person.objects.count():,} people", flush=True)
    else:
        if "personnel_person" in tables and Person.objects.exists():
            raise SystemExit("the database holds other data; run with --rebuild")
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"  building the {args.scale} database (chidao demo --scale {args.scale})…", flush=True)
        call_command("demo", scale=args.scale)
        print(f"  built in {time.monotonic() - started:.0f} s (migrate, demo, scale data, rotation round, "
              "indicators)", flush=True)
    # Every time: a static file added since the last run must be in the manifest the production pages read.
    call_command("collectstatic", interactive=False, verbosity=0)


def context() -> dict[str, Any]:
    """Ids and logins the pages need, found in the data."""
    from django.db.models import Count

    from chidao.core.models import Role, User
    from chidao.indicators.models import TaskForce
    from chidao.personnel.models import Person, PlanningTerm
    from chidao.programs.models import Deliverable, Meeting, Program
    from chidao.rotation.models import RotationRound

    program = Program.objects.annotate(n=Count("deliverables")).order_by("-n", "pk").first()
    assert program is not None
    lead_unit = (Deliverable.objects.filter(program=program).values("lead_unit").annotate(n=Count("pk"))
                 .order_by("-n", "lead_unit").first())
    assert lead_unit is not None
    lead = User.objects.filter(role=Role.LEAD_OFFICER, unit_id=lead_unit["lead_unit"]).order_by("pk").first()
    deliverable = Deliverable.objects.filter(program=program, lead_unit_id=lead_unit["lead_unit"]).order_by(
        "-version", "pk").first()
    biggest = Person.objects.values("unit").annotate(n=Count("pk")).order_by("-n", "unit").first()
    assert biggest is not None
    personnel = User.objects.filter(role=Role.PERSONNEL, unit_id=biggest["unit"]).order_by("pk").first()
    person = Person.objects.filter(unit_id=biggest["unit"], position__is_leader=True).order_by("pk").first()
    rare = Person.objects.values("full_name").annotate(n=Count("pk")).filter(n=1).order_by("full_name").first()
    meeting = Meeting.objects.filter(program=program).order_by("-held_on").first()
    # Cursors deep in the long lists (core.keyset), as the "Trang sau" links carry them; found once, by OFFSET.
    from chidao.core.keyset import cursor_make
    from chidao.personnel.models import AccessLog
    from chidao.personnel.selectors import PERSON_LIST_KEYS

    def deep(qs: Any, keys: tuple[str, ...], name: str, row: int) -> str:
        found = qs.order_by(*keys)[row - 1:row].first() or qs.order_by(*keys).last()
        return cursor_make(found, keys=keys, name=name) if found else ""

    rnd = RotationRound.objects.order_by("pk").first()
    due_row: Any = None
    if rnd is not None:
        from chidao.core.keyset import cursor_sign
        from chidao.rotation.due import due_entries

        entries = due_entries(user=User.objects.get(username="admin"), round=rnd)
        at = min(10_000, max(entries.count() - 10, 0))
        found = entries[at:at + 1] if entries.count() else []
        due_row = cursor_sign([found[0].status, found[0].person.sort_key, found[0].pk],
                              name=f"due-{rnd.pk}") if found else ""
    cursors = {
        "due": due_row or "",
        "people": deep(Person.objects.all(), PERSON_LIST_KEYS, "people", 12_500),
        "access": deep(AccessLog.objects.all(), ("-at", "-id"), "access-log", 10_000),
        "deliverables": deep(Deliverable.objects.filter(program=program), ("code", "id"),
                             f"deliverables-{program.pk}", max(program.n - 10, 1)),  # type: ignore[attr-defined]
    }
    return {
        "cursors": cursors,
        "program": program.pk, "program_number": program.number, "deliverables": program.n,  # type: ignore[attr-defined]
        "deliverable": deliverable.pk if deliverable else None, "unit": lead_unit["lead_unit"],
        "person": person.pk if person else None, "people_unit": biggest["unit"], "people_in_unit": biggest["n"],
        "rare_name": rare["full_name"] if rare else "Nguyễn Văn An",
        "term": PlanningTerm.objects.order_by("pk").values_list("pk", flat=True).first(),
        "round": RotationRound.objects.order_by("pk").values_list("pk", flat=True).first(),
        "task_force": TaskForce.objects.order_by("pk").values_list("pk", flat=True).first(),
        "meeting": meeting.pk if meeting else None,
        "logins": {
            "admin": "admin",
            "lead": lead.username if lead else None,
            "personnel": personnel.username if personnel else None,
            "office": "thuongtruc.1",
            "reform": User.objects.filter(role=Role.REFORM).order_by("pk").values_list("username", flat=True).first(),
            "steering": User.objects.filter(role=Role.STEERING).order_by("pk").values_list("username",
                                                                                         flat=True).first(),
        },
    }


def pages(c: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(name, url, roles) of every list and dashboard page (and the records people open from them)."""
    from urllib.parse import quote

    from chidao.core.text import fold

    p, u = c["program"], c["unit"]
    cur = {k: quote(v) for k, v in c["cursors"].items()}
    rows = [
        # "/": who may have work waiting (lead officers, office, administrators, steering) is sent to the inbox
        # (measured below); the others get the program list.
        ("home (program list)", "/", ["personnel", "reform"]),
        ("program list", "/chuong-trinh/", ["admin", "lead"]),
        ("program dashboard", f"/chuong-trinh/{p}/", ["admin", "lead"]),
        ("program dashboard as of 31/12/2024", f"/chuong-trinh/{p}/?as_of=31/12/2024", ["admin"]),
        ("deliverable list", f"/chuong-trinh/{p}/noi-dung/", ["admin", "lead"]),
        ("deliverable list: status in progress", f"/chuong-trinh/{p}/noi-dung/?status=in_progress", ["admin"]),
        ("deliverable list: overdue", f"/chuong-trinh/{p}/noi-dung/?deadline_class=open_overdue", ["admin", "lead"]),
        ("deliverable list: lead unit", f"/chuong-trinh/{p}/noi-dung/?unit={u}", ["admin"]),
        ("deliverable list: search", f"/chuong-trinh/{p}/noi-dung/?q=chuyen+doi+so", ["admin", "lead"]),
        ("deliverable list: page 3", f"/chuong-trinh/{p}/noi-dung/?page=3", ["admin"]),
        ("deliverable list: last page", f"/chuong-trinh/{p}/noi-dung/?page=99999", ["admin"]),
        ("deliverable list: cursor near the end", f"/chuong-trinh/{p}/noi-dung/?sau={cur['deliverables']}", ["admin"]),
        ("deliverable record", f"/noi-dung/{c['deliverable']}/", ["admin", "lead"]),
        ("meetings", f"/chuong-trinh/{p}/hoi-nghi/", ["admin", "lead"]),
        ("meeting record", f"/hoi-nghi/{c['meeting']}/", ["admin"]),
        ("reports", f"/chuong-trinh/{p}/bao-cao/", ["admin", "office"]),
        ("report jobs", f"/chuong-trinh/{p}/bao-cao/danh-sach/", ["admin", "office"]),
        ("notifications", "/thong-bao/", ["admin", "lead"]),
        # "Việc của tôi": every section of each role (the steering member's changes since the last visit).
        ("inbox", "/viec-cua-toi/", ["lead", "office", "admin", "steering"]),
        ("inbox: due within 30 days", "/viec-cua-toi/?days=30", ["lead"]),
        ("API /inbox (by role)", "/api/v1/inbox", ["lead", "office", "steering"]),
        ("people list", "/can-bo/", ["admin", "personnel"]),
        ("people: search nguyen van", "/can-bo/?q=nguyen+van", ["admin", "personnel"]),
        ("people: search a rare name", "/can-bo/?q=" + fold(c["rare_name"]).replace(" ", "+"), ["admin"]),
        ("people: unit filter", f"/can-bo/?unit={c['people_unit']}", ["admin"]),
        ("person record", f"/can-bo/{c['person']}/", ["admin", "personnel"]),
        ("planning terms", "/quy-hoach/", ["admin", "personnel"]),
        ("planning term", f"/quy-hoach/{c['term']}/", ["admin", "personnel"]),
        ("people list: page 500", "/can-bo/?page=500", ["admin"]),  # past 20 numbered pages: page 20
        ("people list: cursor after row 12,500", f"/can-bo/?sau={cur['people']}", ["admin"]),
        ("access log", "/can-bo/nhat-ky-truy-cap/", ["admin"]),
        ("access log: page 200", "/can-bo/nhat-ky-truy-cap/?page=200", ["admin"]),
        ("access log: cursor after row 10,000", f"/can-bo/nhat-ky-truy-cap/?sau={cur['access']}", ["admin"]),
        ("access log: search", "/can-bo/nhat-ky-truy-cap/?q=" + fold(c["rare_name"]).replace(" ", "+"), ["admin"]),
        ("change log", "/quan-tri/nhat-ky-thay-doi/", ["admin"]),
        ("change log: page 50", "/quan-tri/nhat-ky-thay-doi/?page=50", ["admin"]),
        ("register of outgoing documents", "/van-ban-di/", ["admin", "office"]),
        ("rotation rounds", "/luan-chuyen/", ["admin", "personnel"]),
        ("rotation due list", f"/luan-chuyen/{c['round']}/", ["admin", "office"]),
        ("rotation due list: page 200", f"/luan-chuyen/{c['round']}/?page=200", ["admin"]),
        ("rotation due list: cursor after entry 10,000", f"/luan-chuyen/{c['round']}/?sau={cur['due']}", ["admin"]),
        ("rotation due list: due only", f"/luan-chuyen/{c['round']}/?status=due&page=3", ["admin"]),
        ("rotation plan", f"/luan-chuyen/{c['round']}/phuong-an/", ["admin", "office"]),
        ("procedures registry", "/thu-tuc/", ["admin", "reform"]),
        ("procedures: search", "/thu-tuc/?q=cap+giay+phep", ["admin"]),
        ("procedure counts", "/thu-tuc/thong-ke/?year=2021", ["admin", "reform"]),
        ("procedure figures", "/thu-tuc/so-lieu/", ["admin", "reform"]),
        ("procedure decisions", "/thu-tuc/quyet-dinh/", ["admin"]),
        ("procedure reviews", "/thu-tuc/ra-soat/", ["admin"]),
        ("indicators", "/chi-so/", ["admin", "reform"]),
        ("task forces", "/to-cong-tac/", ["admin"]),
        ("task force", f"/to-cong-tac/{c['task_force']}/", ["admin"]),
    ]
    return rows + api_lists(c)


# Ids the API paths take, by parameter name.
API_IDS = {"program_id": "program", "round_id": "round", "term_id": "term", "deliverable_id": "deliverable",
           "person_id": "person", "meeting_id": "meeting", "task_force_id": "task_force"}
API_SKIP = ("export", "template", "file", "document", ".xlsx", ".docx", ".pdf", "/me", "/tokens")
API_WITH_PARAMS = {"/procedures/counts"}  # needs ?year=: measured below with one


def api_lists(c: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """GET endpoints of the API that list things (no trailing path parameter, not a file), ids filled in."""
    from chidao.api.api import api

    rows = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            if not any("GET" in op.methods for op in view.operations):
                continue
            full = f"{prefix}{path}"
            if full.rstrip("/").endswith("}") or any(s in full for s in API_SKIP) or full in API_WITH_PARAMS:
                continue
            params = [part[1:-1] for part in full.split("/") if part.startswith("{")]
            if any(p not in API_IDS or c.get(API_IDS[p]) is None for p in params):
                continue
            url = full
            for p in params:
                url = url.replace("{" + p + "}", str(c[API_IDS[p]]))
            roles = ["admin", "lead"] if params and params[0] in ("program_id", "deliverable_id") else ["admin"]
            rows.append((f"API {full}", f"/api/v1{url}", roles))
    rows.append(("API /people?q=nguyen van", "/api/v1/people?q=nguyen%20van", ["admin"]))
    rows.append(("API /procedures/counts?year=2021", "/api/v1/procedures/counts?year=2021", ["admin"]))
    return rows


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chidao.core.models import TokenScope, User
    from chidao.core.tokens import api_token_create

    c = context()
    print(f"  largest program {c['program_number']} ({c['deliverables']:,} deliverables); lead officer "
          f"{c['logins']['lead']}; personnel officer {c['logins']['personnel']} ({c['people_in_unit']:,} people)",
          flush=True)
    clients: dict[str, Client] = {}
    tokens: dict[str, str] = {}
    for role, username in c["logins"].items():
        user = User.objects.filter(username=username).first() if username else None
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        clients[role] = client
        tokens[role] = api_token_create(user=user, name="bench/pages.py", scope=TokenScope.READ)[1]
    # What the set-up loaded stays for the run: kept out of the collector's walks, as a production worker does
    # (scripts/gunicorn.conf.py, post_worker_init), so a full collection does not pause a timed request for it.
    gc.collect()
    gc.freeze()
    results = []
    for name, url, roles in pages(c):
        if args.only and args.only not in name:
            continue
        if any(s and s in name for s in args.skip.split(",")):
            continue
        for role in roles:
            if role not in clients:
                continue
            client = clients[role]
            headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[role]}"} if url.startswith("/api/") else {}

            def get() -> Any:
                return client.get(url, secure=True, **headers)  # noqa: B023 (HTTPS, as behind the proxy)

            times = []
            for _ in range(args.warmup):
                started = time.perf_counter()
                response = get()
                times.append((time.perf_counter() - started) * 1000)
            # A page over --slow seconds is timed once more only (the figure is then the median of the warm-ups
            # and that one request): its miss is plain and the run keeps moving.
            timed = 1 if max(times, default=0) > args.slow * 1000 else args.requests
            times = times if timed == 1 else []
            for _ in range(timed):
                started = time.perf_counter()
                response = get()
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                response = get()
            if args.profile and args.profile in name:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(get)
                print(f"\n--- profile: {name} as {role}")
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            times.sort()
            row = {"page": name, "url": url, "role": role, "status": response.status_code,
                   "median": statistics.median(times), "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
                   "queries": len(queries), "bytes": len(response.content)}
            results.append(row)
            print(f"  {name:<48} {role:<9} {row['median']:8.1f} ms {row['queries']:3d} q  HTTP {row['status']}",
                  flush=True)
    return results


def child(args: argparse.Namespace) -> None:
    os.environ.update(environment(args.engine, args))
    build(args)
    results = [] if args.build_only else measure(args)
    Path(args.json).write_text(json.dumps(results))


# --- Parent -------------------------------------------------------------------------------------------


def verdict(value: float, limit: float, unit: str) -> str:
    return "PASS" if value <= limit else f"MISS +{value - limit:.{0 if unit == 'q' else 1}f} {unit}"


def report(engine: str, results: list[dict[str, Any]]) -> None:
    print(f"\n{engine}: median / p95 server time (ms) and SQL queries; targets: <= {MAX_QUERIES} queries, "
          f"<= {MAX_MS:.0f} ms median, <= {MAX_P95_MS:.0f} ms p95{' (PostgreSQL)' if engine == 'sqlite' else ''}")
    print(f"| {'page':<52} | {'role':<9} | {'median':>7} | {'p95':>7} | {'queries':>7} | {'median':<16} | "
          f"{'p95':<16} | {'queries':<12} |")
    print(f"|{'-' * 54}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 18}|{'-' * 18}|{'-' * 14}|")
    misses = 0
    for r in results:
        time_verdict = verdict(r["median"], MAX_MS, "ms") if engine == "postgres" else "(info)"
        p95_verdict = verdict(r["p95"], MAX_P95_MS, "ms") if engine == "postgres" else "(info)"
        query_verdict = verdict(r["queries"], MAX_QUERIES, "q")
        if r["status"] != 200:
            query_verdict = f"HTTP {r['status']}"
        misses += (time_verdict.startswith("MISS") + p95_verdict.startswith("MISS")
                   + (not query_verdict.startswith("PASS")))
        print(f"| {r['page']:<52} | {r['role']:<9} | {r['median']:7.1f} | {r['p95']:7.1f} | {r['queries']:7d} | "
              f"{time_verdict:<16} | {p95_verdict:<16} | {query_verdict:<12} |")
    print(f"{len(results)} rows, {misses} misses")


def main() -> None:
    args = parse_args()
    if args.engine:
        child(args)
        return
    print(f"bench/pages.py: {platform.python_version()}, {os.cpu_count()} CPUs, scale {args.scale}, "
          f"{args.requests} timed requests after {args.warmup} warm-ups")
    WORK.mkdir(parents=True, exist_ok=True)
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        print(f"\n== {engine}", flush=True)
        if engine == "postgres":
            _pg_prepare(args.pg_url, args.rebuild)
        elif args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        # One file per database: two runs on different databases at once do not read each other's figures.
        db = args.pg_url.rsplit("/", 1)[1] if engine == "postgres" else Path(args.sqlite_path).stem
        out = WORK / f"pages-{engine}-{db}.json"
        command = [sys.executable, __file__, "--engine", engine, "--json", str(out), "--requests", str(args.requests),
                   "--warmup", str(args.warmup), "--slow", str(args.slow), "--pg-url", args.pg_url,
                   "--sqlite-path", args.sqlite_path, "--scale", args.scale, "--only", args.only, "--skip", args.skip,
                   "--profile", args.profile] + (["--build-only"] if args.build_only else [])
        subprocess.run(command, check=True, cwd=PROJECT_DIR, env=environment(engine, args))
        if not args.build_only:
            report(engine, json.loads(out.read_text()))


if __name__ == "__main__":
    main()
