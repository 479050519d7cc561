"""Benchmark: the procedure registry's pages at 1,000 and at 20,000 procedures (5,000 decisions).

Requirement: the registry's list and count pages stay within a number of queries that does not grow with
the data, at 20,000 procedures and 5,000 decisions; this prints the figures (median / p95 ms, queries).

This is a measurement, not a test (pytest only collects tests/); it exits 0 unless it crashes.

What it does, for each engine (SQLite in a temp file; PostgreSQL with --engines sqlite,postgres, the database
of --pg-url dropped and created again), in a child process (settings are read once per process):
1. migrates, loads the real Hà Nội units, creates an administrator;
2. generates (bulk, seeded) a registry: N procedures over the departments and 12 wards with the demo's
   names, and M decisions on distinct days 2010-2024, whose items bring in every procedure (one in ten as a
   replacement naming an older procedure in force), abolish about one in eight and amend about one in
   ten; statuses follow the same rules as `services.decision_create` (each procedure ends at most once,
   amended only while in force);
3. measures through django.test.Client logged in as the administrator: 2 warm-ups, --requests timed
   requests (median, p95) and the SQL queries of one request, for the list, two searches, the list
   filtered by status, the counts page for 2021 (all units and UBND's subtree), the decisions list and the
   API counts endpoint;
4. empties the tables and does it again at the large size (default 1,000/250 then 20,000/5,000).
PASS per page: the same number of queries at both sizes.

Run:  .venv/bin/python bench/procedures_pages.py [--engines sqlite,postgres] [--procedures 20000]
      [--decisions 5000] [--small 1000] [--requests 20] [--pg-url postgres://postgres@127.0.0.1:5432/chidao_bench_proc]
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--procedures", type=int, default=20_000)
    p.add_argument("--decisions", type=int, default=5_000)
    p.add_argument("--small", type=int, default=1_000, help="procedures at the small size (decisions: a quarter)")
    p.add_argument("--engines", default="sqlite", help="sqlite, postgres or both, comma-separated (default sqlite)")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/chidao_bench_proc")
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    return p.parse_args()


# --- Child: one database ------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    work = Path(args.workdir)
    if args.engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    else:
        import psycopg

        name = args.pg_url.rsplit("/", 1)[1]
        admin_url = args.pg_url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.pg_url
    os.environ["CHIDAO_MEDIA_ROOT"] = str(work / "media")
    os.environ["CHIDAO_VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "chidao.settings"
    os.environ["CHIDAO_DEBUG"] = "0"
    # Production settings refuse to start without a secret key; a throwaway one for the benchmark.
    os.environ.setdefault("CHIDAO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["CHIDAO_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("CHIDAO_TASKS_BACKEND", "immediate")
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from chidao.core.models import Role, User
    from chidao.core.reference import units_load_reference

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    n_units = units_load_reference()
    admin = User.objects.create(username="bench-admin", full_name="Bench", role=Role.ADMIN, is_superuser=True,
                                is_staff=True)
    print(f"[{args.engine}] {connection.vendor} DEBUG={settings.DEBUG}; migrate + {n_units} units in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    out: dict[str, Any] = {"engine": args.engine, "sizes": []}
    for n, m in ((args.small, max(1, args.small // 4)), (args.procedures, args.decisions)):
        _empty()
        gen = generate(n, m, args.seed, admin)
        pages = measure(args, admin, label=f"{n:,}/{m:,}")
        out["sizes"].append({"procedures": n, "decisions": m, "generate": gen, "pages": pages})
    (work / f"result-{args.engine}.json").write_text(json.dumps(out))


def _empty() -> None:
    from django.db import transaction

    from chidao.procedures.models import DecisionItem, Procedure, ProcedureVersion, PublicationDecision

    with transaction.atomic():
        for model in (ProcedureVersion, DecisionItem, PublicationDecision, Procedure):
            model.objects.all()._raw_delete(model.objects.db)  # type: ignore[attr-defined]


def generate(n: int, m: int, seed: int, admin: Any) -> dict[str, Any]:
    """n procedures and m decisions with consistent items (see the module docstring)."""
    from django.db import connection, transaction

    from chidao.core.models import Unit, UnitKind
    from chidao.demo.procedures import FIELDS, OBJECTS
    from chidao.procedures.models import DecisionItem, Procedure, PublicationDecision
    from chidao.procedures.services import search_text

    rng = random.Random(seed + n)
    t0 = time.perf_counter()
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("code"))
    wards = list(Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("code")[:12])
    ubnd = Unit.objects.get(code="UBND")
    names = [(field, stem.format(x=obj)) for field, (_u, stems) in FIELDS.items() for stem in stems
             for obj in OBJECTS[field]]
    days = sorted(rng.sample(range((dt.date(2024, 12, 31) - dt.date(2010, 1, 1)).days), m))
    dates = [dt.date(2010, 1, 1) + dt.timedelta(days=d) for d in days]
    with transaction.atomic():
        decisions = PublicationDecision.objects.bulk_create([
            PublicationDecision(number=f"B-{k + 1:05d}/QĐ-UBND", title="Công bố danh mục thủ tục hành chính (bench)",
                                signed_on=dates[k], effective_on=dates[k], issuer=ubnd, created_by=admin)
            for k in range(m)], batch_size=1000)
        procs = []
        for i in range(n):
            field, name = names[rng.randrange(len(names))]
            commune = i % 5 == 0
            code = f"1.9{i:05d}.000.00.00.H26"
            procs.append(Procedure(
                code=code, name=name, level="commune" if commune else "province", field=field,
                unit=wards[i % len(wards)] if commune else departments[i % len(departments)],
                time_limit_days=(3, 5, 7, 10, 15, 20, 30)[i % 7], search_text=search_text(code, name)))
        procs = Procedure.objects.bulk_create(procs, batch_size=2000)
        intro = [i * m // n for i in range(n)]
        ended: dict[int, int] = {}
        rows: list[tuple[int, int, str, int | None]] = []
        for i in range(n):
            j = i - 15
            if i % 10 == 9 and j >= 0 and j not in ended and intro[j] < intro[i]:
                rows.append((intro[i], i, "replaced", j))
                ended[j] = intro[i]
            else:
                rows.append((intro[i], i, "new", None))
        for i in range(n):
            e = intro[i] + max(1, m // 10)
            if i % 8 == 3 and i not in ended and e < m:
                rows.append((e, i, "abolished", None))
                ended[i] = e
        for i in range(n):
            a = intro[i] + max(1, m // 20)
            if i % 10 == 6 and a < m and (i not in ended or ended[i] > a):
                rows.append((a, i, "amended", None))
        DecisionItem.objects.bulk_create([
            DecisionItem(decision=decisions[k], procedure=procs[i], action=action,
                         replaces=procs[r] if r is not None else None, effective_on=dates[k])
            for k, i, action, r in rows], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - t0
    counts = {a: sum(1 for r in rows if r[2] == a) for a in ("new", "replaced", "abolished", "amended")}
    print(f"  generated {n:,} procedures, {m:,} decisions, {len(rows):,} items {counts} in {seconds:.1f} s",
          flush=True)
    return {"seconds": seconds, "items": len(rows), **counts}


def measure(args: argparse.Namespace, admin: Any, *, label: str) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chidao.core.models import Unit

    client = Client()
    client.force_login(admin)
    ubnd = Unit.objects.get(code="UBND").pk
    urls = {
        "list /thu-tuc/": "/thu-tuc/",
        "search 'cap giay phep xay dung'": "/thu-tuc/?q=cap+giay+phep+xay+dung",
        "search one code": "/thu-tuc/?q=1.900777",
        "list in force 31/12/2021": "/thu-tuc/?status=in_force&status_on=31/12/2021",
        "counts 2021": "/thu-tuc/thong-ke/?year=2021",
        "counts 2021, UBND subtree": f"/thu-tuc/thong-ke/?year=2021&unit={ubnd}",
        "decisions /thu-tuc/quyet-dinh/": "/thu-tuc/quyet-dinh/",
        "API counts 2021": "/api/v1/procedures/counts?year=2021",
    }
    figures: dict[str, Any] = {}
    for name, url in urls.items():
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries = len(ctx.captured_queries)  # before reset_queries(): captured_queries reads the log lazily
        reset_queries()
        times.sort()
        figures[name] = {"median": statistics.median(times),
                         "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
                         "queries": queries}
        if name == "API counts 2021":
            figures[name]["body"] = response.json()
        f = figures[name]
        print(f"[{args.engine}] {label:>13} {name:<34} median {f['median']:7.1f} ms  p95 {f['p95']:7.1f} ms  "
              f"{f['queries']:2d} queries", flush=True)
    print(f"[{args.engine}] {label:>13} API counts 2021: {figures['API counts 2021']['body']}", flush=True)
    return figures


# --- Parent ---------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.engine:
        child(args)
        return
    work = Path(tempfile.mkdtemp(prefix="chidao-proc-bench-"))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; temp dir {work}")
    results = {}
    try:
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            cmd = [sys.executable, __file__, "--engine", engine, "--workdir", str(work), "--procedures",
                   str(args.procedures), "--decisions", str(args.decisions), "--small", str(args.small),
                   "--requests", str(args.requests), "--seed", str(args.seed), "--pg-url", args.pg_url]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            print(f"[{engine}] child finished in {time.perf_counter() - t0:.1f} s", flush=True)
            results[engine] = json.loads((work / f"result-{engine}.json").read_text())
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("Summary (queries must be equal at both sizes)")
    for engine, r in results.items():
        small, large = r["sizes"]
        head = (f"{small['procedures']:,}/{small['decisions']:,}", f"{large['procedures']:,}/{large['decisions']:,}")
        print(f"  {engine}: procedures/decisions {head[0]} -> {head[1]}")
        print(f"  {'page':<34} {'median ms':>16} {'p95 ms':>16} {'queries':>9}  verdict")
        for page, fig in large["pages"].items():
            s = small["pages"][page]
            verdict = "PASS" if s["queries"] == fig["queries"] else "MISS"
            print(f"  {page:<34} {s['median']:6.1f} -> {fig['median']:6.1f} {s['p95']:6.1f} -> {fig['p95']:6.1f} "
                  f"{s['queries']:3d} -> {fig['queries']:3d}  {verdict}")


if __name__ == "__main__":
    main()
