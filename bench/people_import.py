"""Benchmark: importing a whole personnel office from Excel, then the person list and search at that size.

Requirement: importing 150,000 people with their assignments from .xlsx takes at most 60 s on a 2-core
machine, all-or-nothing; the person list and search pages answer in at most 150 ms median at that size
with a number of queries that does not grow with the data; on SQLite and on PostgreSQL.

This is a measurement, not a test (pytest only collects tests/); it prints the figures and exits 0
unless it crashes.

What it does:
1. Writes three .xlsx files in a temp dir with openpyxl's write-only mode (timed on its own, not counted):
   N people (default 150,000) with 1-2 assignments each (a closed first post, then about half with an open
   later post) over the real Hà Nội units and 6 posts per unit, dates half as real dates and half as
   dd/mm/yyyy text, two title rows above the header; a small file (--small, default 1,000) of the same
   shape; and a file of --bad-people people (default: as many as --people, other codes) whose one bad row
   (31/02/1980 as a birth date) is among the last 10.
2. For each of SQLite (a temp file) and PostgreSQL (--pg-url, the database is dropped and created again)
   runs itself as a child process (`--engine sqlite|postgres`), because settings (DATABASE_URL, DEBUG off)
   are read once per process. The child migrates, loads the reference units, then
   a. imports the small file through `chidao.personnel.excel.people_import` and measures the pages;
   b. empties the personnel tables, imports the big file (timed: read+validate, write, total) and
      measures the pages again;
   c. imports the bad file: prints the errors and the row counts before and after (nothing written).
   Pages: `/can-bo/`, `/can-bo/?q=nguyen van`, `/can-bo/?q=<a name that occurs once>`, through
   django.test.Client logged in as an administrator: 2 warm-ups, 20 timed requests, median/p95 in ms,
   and the number of SQL queries of one request (CaptureQueriesContext).
3. Prints PASS/MISS with the margin against 60 s and 150 ms.

Run:  .venv/bin/python bench/people_import.py [--people 150000] [--small 1000] [--engines sqlite,postgres]
      [--pg-url postgres://postgres@127.0.0.1:5432/chidao_bench] [--profile] [--keep]
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
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
IMPORT_TARGET_S = 60.0
PAGE_TARGET_MS = 150.0
RARE_NAME = "Khổng Minh Triết"
BODY_CODES = ["TU", "BTCTU", "UBKTTU", "BNCTU", "VPTU", "TLHP", "HDND", "UBND", "VPUB", "SNV", "STC", "STP",
              "TTTP", "SKHCN", "SGDDT", "SYT", "MTTQ"]
POSTS = [("Chuyên viên", "", 0), ("Chuyên viên chính", "", 0), ("Phó Trưởng phòng", "x", 1),
         ("Trưởng phòng", "x", 2), ("Phó Giám đốc", "x", 3), ("Giám đốc", "x", 4)]
FAMILY = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 2 + ["Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                                                          "Ngô", "Dương", "Lý", "Phan", "Trịnh", "Đinh", "Mai"]
MIDDLE_M = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Hoàng", "Tuấn"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Mai", "Bích"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Long", "Nam", "Phong",
           "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Hiếu", "Kiên", "Lâm", "Nghĩa", "Tài"]
GIVEN_F = ["Anh", "Bích", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc",
           "Nhung", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Vân", "Yến", "Huyền", "Loan", "Oanh", "Tâm"]
KINDS_FIRST = ["tuyển dụng"]
KINDS_NEXT = ["bổ nhiệm", "điều động", "luân chuyển", "chuyển đổi vị trí công tác"]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--people", type=int, default=150_000, help="people in the big file (default 150000)")
    p.add_argument("--small", type=int, default=1_000, help="people in the small file (default 1000)")
    p.add_argument("--bad-people", type=int, default=0,
                   help="people in the file with one bad row among the last 10 (default: as many as --people)")
    p.add_argument("--engines", default="sqlite,postgres", help="sqlite, postgres or both (default both)")
    p.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/chidao_bench",
                   help="PostgreSQL database to drop and create (default %(default)s)")
    p.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    p.add_argument("--profile", action="store_true", help="cProfile the big import (top 20 by cumulative time)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (its path is printed)")
    p.add_argument("--seed", type=int, default=2025)
    # child mode
    p.add_argument("--engine", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    p.add_argument("--workdir", help=argparse.SUPPRESS)
    return p.parse_args()


# --- Files (parent process, no Django) ----------------------------------------------------------------


def _unit_codes() -> list[str]:
    from vietnam_provinces import ProvinceCode, Ward

    wards = sorted(Ward.iter_by_province(ProvinceCode(1)), key=lambda w: int(w.code))
    return BODY_CODES + [f"W{int(w.code):05d}" for w in wards]


def _day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def write_file(path: Path, n: int, seed: int, *, bad_row_from_end: int | None = None,
               code_prefix: str = "CB") -> dict[str, int]:
    """N people and their 1-2 assignments; returns the row counts."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    units = _unit_codes()
    wb = Workbook(write_only=True)
    people_ws = wb.create_sheet("Cán bộ")
    posts_ws = wb.create_sheet("Quá trình công tác")
    for ws, title, headers in (
        (people_ws, "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC",
         ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán", "Ngày vào Đảng",
          "Trình độ chuyên môn", "Điện thoại", "Email"]),
        (posts_ws, "QUÁ TRÌNH CÔNG TÁC",
         ["STT", "Mã hồ sơ", "Mã đơn vị", "Chức danh", "Lãnh đạo (x)", "Cấp chức vụ", "Hình thức", "Từ ngày",
          "Đến ngày", "Số quyết định"]),
    ):
        ws.append([title])
        ws.append(["(Số liệu bench, ngày ghi dd/mm/yyyy)"])
        ws.append(headers)
    n_posts = 0
    bad_at = n - bad_row_from_end if bad_row_from_end is not None else -1
    for i in range(n):
        male = rng.random() < 0.55
        if i == n // 2:
            name = RARE_NAME
        else:
            name = " ".join((rng.choice(FAMILY), rng.choice(MIDDLE_M if male else MIDDLE_F),
                             rng.choice(GIVEN_M if male else GIVEN_F)))
        born = _day(rng, dt.date(1966, 1, 1), dt.date(2001, 12, 31))
        born_cell: Any = born if i % 2 else born.strftime("%d/%m/%Y")
        if i == bad_at:
            born_cell = "31/02/1980"
        party = born + dt.timedelta(days=rng.randint(22 * 365, 30 * 365)) if rng.random() < 0.6 else None
        if party and party > dt.date(2025, 6, 1):
            party = None
        code = f"{code_prefix}{i + 1:06d}"
        hometown = rng.choice(units[:20]) if i % 3 else ""
        people_ws.append([i + 1, code, name, born_cell, "Nam" if male else "Nữ", hometown,
                          party.strftime("%d/%m/%Y") if party else None, rng.choice(["Cử nhân", "Thạc sĩ", "Tiến sĩ"]),
                          f"09{rng.randint(10_000_000, 99_999_999)}", ""])
        unit = rng.choice(units)
        start = min(born + dt.timedelta(days=rng.randint(22 * 365, 26 * 365)), dt.date(2024, 12, 31))
        title, leader, level = POSTS[rng.randint(0, 1)]
        if rng.random() < 0.5 or start > dt.date(2023, 6, 1):  # one open post
            n_posts += 1
            posts_ws.append([n_posts, code, unit, title, leader, level, "tuyển dụng", start if i % 2 else
                             start.strftime("%d/%m/%Y"), None, f"{rng.randint(1, 999)}/QĐ-UBND"])
        else:  # a first post, closed, then an open later one
            later = min(start + dt.timedelta(days=rng.randint(2 * 365, 12 * 365)), dt.date(2025, 6, 1))
            n_posts += 1
            posts_ws.append([n_posts, code, unit, title, leader, level, "tuyển dụng", start,
                             later - dt.timedelta(days=1), f"{rng.randint(1, 999)}/QĐ-UBND"])
            title, leader, level = POSTS[rng.randint(2, 5)]
            n_posts += 1
            posts_ws.append([n_posts, code, rng.choice(units), title, leader, level, rng.choice(KINDS_NEXT),
                             later.strftime("%d/%m/%Y"), None, f"{rng.randint(1, 999)}/QĐ-UBND"])
    wb.save(path)
    return {"people": n, "assignments": n_posts}


# --- Child: one database ------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    work = Path(args.workdir)
    if args.engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    else:
        import psycopg

        url = args.pg_url
        name = url.rsplit("/", 1)[1]
        admin_url = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    os.environ["CHIDAO_MEDIA_ROOT"] = str(work / "media")
    os.environ["CHIDAO_VAR_DIR"] = str(work / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "chidao.settings"
    os.environ["CHIDAO_DEBUG"] = "0"
    # Production settings refuse to start without a secret key; a throwaway one for the benchmark.
    os.environ.setdefault("CHIDAO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["CHIDAO_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("CHIDAO_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
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
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages use the hashed static names
    n_units = units_load_reference()
    admin = User.objects.create(username="bench-admin", full_name="Bench", role=Role.ADMIN, is_superuser=True,
                                is_staff=True)
    print(f"[{args.engine}] {connection.vendor} {connection.Database.sqlite_version if args.engine == 'sqlite' else ''}"
          f" DEBUG={settings.DEBUG}; migrate + {n_units} reference units in {time.perf_counter() - t0:.1f} s",
          flush=True)
    out: dict[str, Any] = {"engine": args.engine}
    out["small"] = _import(args, work / "small.xlsx", admin, label=f"small ({args.small:,})")
    out["small_pages"] = _pages(args, admin, label=f"{args.small:,} people")
    _empty()
    out["big"] = _import(args, work / "big.xlsx", admin, label=f"big ({args.people:,})", profile=args.profile)
    out["big_pages"] = _pages(args, admin, label=f"{args.people:,} people")
    out["bad"] = _bad(args, work / "bad.xlsx", admin)
    (work / f"result-{args.engine}.json").write_text(json.dumps(out))


def _counts() -> dict[str, int]:
    from chidao.personnel.models import Assignment, Person, Position

    return {"people": Person.objects.count(), "assignments": Assignment.objects.count(),
            "positions": Position.objects.count()}


def _empty() -> None:
    from django.db import transaction

    from chidao.personnel.models import Assignment, Discipline, Person, Position, Rating

    with transaction.atomic():
        for model in (Discipline, Rating, Assignment, Person, Position):
            model.objects.all()._raw_delete(model.objects.db)  # type: ignore[attr-defined]


def _import(args: argparse.Namespace, path: Path, admin: Any, *, label: str, profile: bool = False) -> dict[str, Any]:
    from chidao.personnel import excel

    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    with path.open("rb") as f:
        if profiler:
            profiler.enable()
        result = excel.people_import(actor=admin, file=f)
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - t0
    if not result.ok:
        print(f"[{args.engine}] import {label}: {len(result.errors)} errors, e.g. {result.errors[:3]}")
    t = result.timings
    print(f"[{args.engine}] import {label}: {result.counts['people']:,} people, "
          f"{result.counts['assignments']:,} assignments, {result.counts['positions']:,} new posts; "
          f"read+validate {t.get('read', 0):.1f} s, write {t.get('write', 0):.1f} s, total {wall:.1f} s", flush=True)
    if profiler:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(20)
        print(buffer.getvalue())
    return {"ok": result.ok, "counts": result.counts, "read": t.get("read", 0), "write": t.get("write", 0),
            "total": wall}


def _pages(args: argparse.Namespace, admin: Any, *, label: str) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chidao.core.text import fold

    client = Client()
    client.force_login(admin)
    rare = fold(RARE_NAME)
    urls = {"list": "/can-bo/", "search 'nguyen van'": "/can-bo/?q=nguyen+van",
            f"search '{rare}'": "/can-bo/?q=" + rare.replace(" ", "+")}
    figures: dict[str, Any] = {}
    for name, url in urls.items():
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.requests):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        queries = len(ctx.captured_queries)
        reset_queries()
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        figures[name] = {"median": median, "p95": p95, "queries": queries,
                         "bytes": len(response.content)}
        print(f"[{args.engine}] {label:>16} {name:<28} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
              f"{queries} queries", flush=True)
    return figures


def _bad(args: argparse.Namespace, path: Path, admin: Any) -> dict[str, Any]:
    from chidao.personnel import excel

    before = _counts()
    t0 = time.perf_counter()
    with path.open("rb") as f:
        result = excel.people_import(actor=admin, file=f)
    wall = time.perf_counter() - t0
    after = _counts()
    print(f"[{args.engine}] all-or-nothing: {args.bad_people:,}-people file, one bad row among the last 10 -> "
          f"{len(result.errors)} error(s): {'; '.join(str(e) for e in result.errors[:3])}; "
          f"counts before {before} after {after} -> {'NOTHING WRITTEN' if before == after else 'WRITTEN!'} "
          f"({wall:.1f} s)", flush=True)
    return {"errors": [str(e) for e in result.errors], "before": before, "after": after}


# --- Parent ---------------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    args.bad_people = args.bad_people or args.people
    if args.engine:
        child(args)
        return
    work = Path(tempfile.mkdtemp(prefix="chidao-people-bench-"))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}; temp dir {work}")
    try:
        t0 = time.perf_counter()
        big = write_file(work / "big.xlsx", args.people, args.seed)
        t_big = time.perf_counter() - t0
        small = write_file(work / "small.xlsx", args.small, args.seed + 1)
        write_file(work / "bad.xlsx", args.bad_people, args.seed + 2, bad_row_from_end=7, code_prefix="BAD")
        print(f"Generated (not counted): {big['people']:,} people + {big['assignments']:,} assignments in "
              f"{t_big:.1f} s ({(work / 'big.xlsx').stat().st_size / 1e6:.1f} MB); small file {small['people']:,} + "
              f"{small['assignments']:,}; bad file {args.bad_people:,} people", flush=True)
        results = {}
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            cmd = [sys.executable, __file__, "--engine", engine, "--workdir", str(work), "--people", str(args.people),
                   "--small", str(args.small), "--bad-people", str(args.bad_people), "--pg-url", args.pg_url,
                   "--requests", str(args.requests)] + (["--profile"] if args.profile else [])
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            print(f"[{engine}] child finished in {time.perf_counter() - t0:.1f} s", flush=True)
            results[engine] = json.loads((work / f"result-{engine}.json").read_text())
        summary(args, results)
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def summary(args: argparse.Namespace, results: dict[str, Any]) -> None:
    print()
    print(f"Summary ({args.people:,} people; targets: import <= {IMPORT_TARGET_S:.0f} s, pages <= "
          f"{PAGE_TARGET_MS:.0f} ms median, queries not growing with the data)")
    for engine, r in results.items():
        big = r["big"]
        verdict = "PASS" if big["ok"] and big["total"] <= IMPORT_TARGET_S else "MISS"
        print(f"  {engine:<9} import {big['total']:6.1f} s (read+validate {big['read']:.1f}, write {big['write']:.1f}) "
              f"{verdict}, margin {IMPORT_TARGET_S - big['total']:+.1f} s")
        for page, fig in r["big_pages"].items():
            small_q = r["small_pages"][page]["queries"]
            ok = fig["median"] <= PAGE_TARGET_MS and fig["queries"] == small_q
            print(f"  {engine:<9} {page:<28} median {fig['median']:6.1f} ms (p95 {fig['p95']:.1f}), "
                  f"queries {small_q} at {args.small:,} -> {fig['queries']} at {args.people:,}  "
                  f"{'PASS' if ok else 'MISS'}, margin {PAGE_TARGET_MS - fig['median']:+.1f} ms")
        bad = r["bad"]
        print(f"  {engine:<9} all-or-nothing: {'PASS' if bad['before'] == bad['after'] and bad['errors'] else 'MISS'}"
              f" ({len(bad['errors'])} error, rows unchanged: {bad['before'] == bad['after']})")


if __name__ == "__main__":
    main()
