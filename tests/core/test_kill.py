"""A process killed (SIGKILL) in the middle of an import or of a plan application leaves no partial data, and
the same work run again afterwards succeeds (no lock left behind).

pytest-django's SQLite test database lives in memory, so each test drives real processes against a database
of its own, on the engine of the test run: an SQLite file (WAL mode, as in production) or a PostgreSQL
database created for the test from a template. The template holds the demo (`chidao demo --people 300`) with
its rotation round approved and published.

The child process runs the real code path (the `chidao` command, or the service the page calls) under a
database execute-wrapper that, once the write has gone part of the way (after the Nth INSERT into a table,
inside the transaction), prints what the transaction sees and waits for a signal that never comes; the test
reads that line, kills the child with SIGKILL, and compares every table of the database with what it held
before. No application code is patched and no timer is used.
"""

import datetime as dt
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.conf import settings as django_settings
from openpyxl import Workbook

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
ENGINE = "postgresql" if "postgresql" in django_settings.DATABASES["default"]["ENGINE"] else "sqlite"
PEOPLE = 10_000
DELIVERABLES = 200

# Runs in the child: the code of spec["code"] under a wrapper that stops after the spec["nth"] INSERT into
# spec["table"], prints the row counts the open transaction sees, and waits to be killed.
CHILD = r"""
import json, signal, sys
import django
django.setup()
from django.db import connection

spec = json.loads(sys.argv[1])
prefix = 'INSERT INTO "%s"' % spec["table"]
state = {"n": 0, "busy": False}


def stop():
    state["busy"] = True
    seen = {}
    with connection.cursor() as cursor:
        for table in spec["count"]:
            cursor.execute('SELECT COUNT(*) FROM "%s"' % table)
            seen[table] = cursor.fetchone()[0]
    print(json.dumps({"in_transaction": connection.in_atomic_block, "seen": seen}), flush=True)
    signal.pause()


def hook(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not state["busy"] and sql.lstrip().startswith(prefix):
        state["n"] += 1
        if state["n"] == spec["nth"]:
            stop()
    return result


with connection.execute_wrapper(hook):
    exec(spec["code"])
print(json.dumps({"finished": True}), flush=True)
"""

PUBLISH = """
from chidao.core.models import User
from chidao.rotation import plan
from chidao.rotation.models import Move, RotationRound
office = User.objects.get(username="thuongtruc")
rnd = RotationRound.objects.get()
plan.plan_approve(actor=office, round=rnd, decision_number="99/QĐ-KT")
plan.plan_publish(actor=office, round=rnd, effective_on=rnd.as_of)
print(rnd.as_of.strftime("%d/%m/%Y"), Move.objects.filter(round=rnd, to_position__isnull=False).count())
"""

DELIVERABLES_IMPORT = """
from chidao.core.models import User
from chidao.programs import excel
from chidao.programs.models import Program
with open({path!r}, "rb") as f:
    result = excel.deliverables_import(actor=User.objects.get(username="admin"),
                                       program=Program.objects.get(number="01-CTr/TU"), file=f)
assert result.ok, result.errors[:3]
print(len(result.created))
"""


def _pg_url(name: str) -> str:
    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{name}"


def _pg_admin():
    import psycopg

    return psycopg.connect(_pg_url("postgres"), autocommit=True)


PG_NAME = dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://")).get("NAME") or "chidao"
PG_BASE, PG_KILL = f"{PG_NAME}_kill_base", f"{PG_NAME}_kill"


class Site:
    """One Chidao installation (a database and a media directory), driven by real processes."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root, self.url = root, database_url
        self.env = {**os.environ, "DATABASE_URL": database_url, "CHIDAO_MEDIA_ROOT": str(root / "media"),
                    "CHIDAO_VAR_DIR": str(root), "CHIDAO_DEBUG": "1", "CHIDAO_TASKS_BACKEND": "immediate",
                    "DJANGO_SETTINGS_MODULE": "chidao.settings", "PYTHONPATH": str(ROOT)}

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BIN / "chidao"), *args], env=self.env, capture_output=True, text=True,
                              cwd=ROOT, check=False)
        if ok:
            assert done.returncode == 0, done.stderr[-3000:]
        return done

    def python(self, code: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], env=self.env,
                              capture_output=True, text=True, cwd=ROOT, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    def _query(self, sql: str) -> list[tuple]:
        if self.url.startswith("sqlite"):
            db = sqlite3.connect(f"file:{self.url.removeprefix('sqlite:///')}?mode=ro", uri=True)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.url.startswith("sqlite"):
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return sorted(r[0] for r in self._query(sql))

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Every table: its row count and a hash of all its rows (exactly what the database holds)."""
        out = {}
        for table in self.tables():
            rows = self._query(f'SELECT * FROM "{table}" ORDER BY 1')
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out

    def count(self, table: str, where: str = "") -> int:
        return self._query(f'SELECT COUNT(*) FROM "{table}" {where}')[0][0]

    def kill_part_way(self, *, code: str, table: str, nth: int, count: list[str]) -> dict[str, Any]:
        """Run `code` in a child, stop it after its nth INSERT into `table`, kill it with SIGKILL; what its
        open transaction saw then."""
        spec = json.dumps({"code": code, "table": table, "nth": nth, "count": count})
        with (self.root / "child.err").open("w+") as err:
            child = subprocess.Popen([sys.executable, "-c", CHILD, spec], env=self.env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=err, text=True)
            assert child.stdout is not None
            line = child.stdout.readline()  # blocks until the child stops part-way (or ends)
            if not line.startswith('{"in_transaction"'):
                child.wait()
                err.seek(0)
                pytest.fail(f"the child did not stop part-way: {line!r}\n{err.read()[-3000:]}")
            during = self.fingerprint()  # what other connections see while the write is open
            child.send_signal(signal.SIGKILL)
            assert child.wait() == -signal.SIGKILL
            child.stdout.close()
        return {**json.loads(line), "outside": during}


def _people_file(path: Path) -> None:
    """PEOPLE people, each with one open post in a demo unit, in the import's shape (title rows first)."""
    rng = random.Random(7)
    wb = Workbook(write_only=True)
    people, posts = wb.create_sheet("Cán bộ"), wb.create_sheet("Quá trình công tác")
    for ws, title, headers in (
        (people, "DANH SÁCH CÁN BỘ", ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "Quê quán",
                                       "Ngày vào Đảng", "Trình độ chuyên môn", "Điện thoại", "Email"]),
        (posts, "QUÁ TRÌNH CÔNG TÁC", ["STT", "Mã hồ sơ", "Mã đơn vị", "Chức danh", "Lãnh đạo (x)", "Cấp chức vụ",
                                       "Hình thức", "Từ ngày", "Đến ngày", "Số quyết định"]),
    ):
        ws.append([title])
        ws.append(headers)
    for i in range(PEOPLE):
        code = f"KT{i + 1:06d}"
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 10_000))
        people.append([i + 1, code, f"Nguyễn Văn Thử {i + 1}", born.strftime("%d/%m/%Y"), "Nam", "", None,
                       "Cử nhân", "", ""])
        posts.append([i + 1, code, rng.choice(["SNV", "STC", "STP"]), f"Chuyên viên thử {i % 40}", "", 0,
                      "tuyển dụng", "01/09/2015", None, f"{i + 1}/QĐ-KT"])
    wb.save(path)


def _deliverables_file(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Thời hạn"])
    for i in range(DELIVERABLES):
        ws.append([f"KT{i + 1:03d}", "Đề án", f"Đề án thử số {i + 1}", "SNV", "31/12/2026"])
    wb.save(path)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The demo with its rotation round published, on the run's engine, and the two workbooks."""
    root = tmp_path_factory.mktemp("kill-base")
    if ENGINE == "sqlite":
        url = f"sqlite:///{root / 'chidao.sqlite3'}"
    else:
        admin = _pg_admin()
        for name in (PG_KILL, PG_BASE):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_BASE}"')
        url = _pg_url(PG_BASE)
    site = Site(root, url)
    site.run("migrate", "-v0")
    site.run("demo", "--people", "300")
    # the last line: the worker's console mail of the plan's notifications may come before it
    effective, placed = site.python(PUBLISH).stdout.strip().splitlines()[-1].split()
    if ENGINE == "sqlite":
        db = sqlite3.connect(root / "chidao.sqlite3")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    _people_file(root / "people.xlsx")
    _deliverables_file(root / "deliverables.xlsx")
    yield {"root": root, "effective": effective, "placed": int(placed)}
    if ENGINE == "postgresql":
        for name in (PG_KILL, PG_BASE):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def site(base, tmp_path) -> Site:
    """A private copy of the base installation."""
    if ENGINE == "sqlite":
        shutil.copy(base["root"] / "chidao.sqlite3", tmp_path / "chidao.sqlite3")
        return Site(tmp_path, f"sqlite:///{tmp_path / 'chidao.sqlite3'}")
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_KILL}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_KILL}" TEMPLATE "{PG_BASE}"')
    return Site(tmp_path, _pg_url(PG_KILL))


def test_a_people_import_killed_part_way_leaves_nothing_and_runs_again(site, base):
    # Given the database as it is, and a workbook of 10,000 people with their posts
    before = site.fingerprint()
    people = site.count("personnel_person")
    file = base["root"] / "people.xlsx"

    # When `chidao people import` is killed after it has written every row but before its transaction ends
    killed = site.kill_part_way(
        code=f"from django.core.management import call_command\ncall_command('people', 'import', {str(file)!r})",
        table="core_changerecord", nth=1, count=["personnel_person", "personnel_assignment"])

    # Then its transaction had written the people and their posts, which nobody else saw
    assert killed["in_transaction"] is True
    assert killed["seen"]["personnel_person"] == people + PEOPLE
    assert killed["seen"]["personnel_assignment"] == before["personnel_assignment"][0] + PEOPLE
    assert killed["outside"] == before
    # And after the kill the database holds exactly what it held before
    assert site.fingerprint() == before
    # And the same import then succeeds
    done = site.run("people", "import", str(file))
    assert f"Đã nhập: {PEOPLE} hồ sơ, {PEOPLE} quá trình công tác" in done.stdout
    assert site.count("personnel_person") == people + PEOPLE


def test_a_deliverables_import_killed_part_way_leaves_nothing_and_runs_again(site, base):
    before = site.fingerprint()
    deliverables = site.count("programs_deliverable")
    code = DELIVERABLES_IMPORT.format(path=str(base["root"] / "deliverables.xlsx"))

    # When the import the page runs is killed after its third deliverable
    killed = site.kill_part_way(code=code, table="programs_deliverable", nth=3,
                                count=["programs_deliverable", "core_changerecord"])

    assert killed["in_transaction"] is True
    assert killed["seen"]["programs_deliverable"] == deliverables + 3
    assert killed["seen"]["core_changerecord"] > before["core_changerecord"][0]
    assert killed["outside"] == before
    assert site.fingerprint() == before
    assert site.python(code).stdout.split()[-1] == str(DELIVERABLES)
    assert site.count("programs_deliverable") == deliverables + DELIVERABLES


def test_a_plan_application_killed_part_way_leaves_no_half_applied_assignment(site, base):
    # Given a published plan that takes effect today, with its placed moves
    before = site.fingerprint()
    assignments = site.count("personnel_assignment")
    assert base["placed"] >= 3
    assert site.count("rotation_rotationround", "WHERE state = 'published'") == 1

    # When `chidao rotation apply-due` is killed after writing its second new assignment
    killed = site.kill_part_way(
        code=f"from django.core.management import call_command\n"
             f"call_command('rotation', 'apply-due', '--date', {base['effective']!r})",
        table="personnel_assignment", nth=2, count=["personnel_assignment"])

    # Then two assignments were written inside the transaction, none of them seen outside
    assert killed["in_transaction"] is True
    assert killed["seen"]["personnel_assignment"] == assignments + 2
    assert killed["outside"] == before
    # And after the kill: no assignment, no applied move, the round still published, every table as before
    assert site.fingerprint() == before
    assert site.count("rotation_move", "WHERE applied_assignment_id IS NOT NULL") == 0
    assert site.count("rotation_rotationround", "WHERE state = 'published'") == 1
    # And applying it again succeeds, all of it
    done = site.run("rotation", "apply-due", "--date", base["effective"])
    assert "1 đợt đã thực hiện, 0 đợt lỗi." in done.stdout
    assert site.count("personnel_assignment") == assignments + base["placed"]
    assert site.count("rotation_move", "WHERE applied_assignment_id IS NOT NULL") == base["placed"]
    assert site.count("rotation_rotationround", "WHERE state = 'applied'") == 1
