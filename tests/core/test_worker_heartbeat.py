"""A worker killed (SIGKILL) in the middle of a job: the next worker fails the job as soon as the killed one's
heartbeat is stale, not after CHIDAO_TASKS["stale_after_seconds"] (30 minutes) without progress (ADR 0004).

Real processes on an SQLite file of the test's own: `chidao worker`, under a settings module that beats every
0.5 s and takes a worker silent for 2 s for dead. The first worker runs the build with its rendering replaced by
one that reports progress, prints a line and waits for a signal that never comes; the test kills it then.
"""

import datetime as dt
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]

SETTINGS = """
from chidao.settings import *  # noqa: F403

CHIDAO_TASKS = {**CHIDAO_TASKS, "heartbeat_seconds": 0.5, "heartbeat_stale_seconds": 2,  # noqa: F405
                "lost_requeues": 0}  # the failure path; tests/multinode shows a lost build run again
"""

SETUP = """
import datetime as dt
import django
django.setup()
from django.utils import timezone
from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.programs import services
from chidao.reports.models import ReportJob
from chidao.reports.tasks import report_build_task

tu = Unit.objects.create(code="TU", name="Thành ủy Hà Nội", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.PROVINCE)
admin = User.objects.create(username="admin", role=Role.ADMIN, full_name="admin")
program = services.program_create(actor=admin, number="01-CTr/TU", title="Chương trình thử", issuing_body=tu,
                                  issued_on=dt.date(2021, 3, 17), term="XVII", period_start=2021, period_end=2025)
job = ReportJob.objects.create(program=program, kind="stocktake", format="xlsx", requested_by=admin,
                               requested_at=timezone.now())
job.task_id = str(report_build_task.enqueue(job.pk).id)
job.save()
print(job.pk, job.task_id)
"""

# The worker to be killed: its build reports 40 % and then hangs.
HANGING_WORKER = """
import signal
import django
django.setup()
from django.core.management import call_command
from chidao.reports import services


def hang(**kwargs):
    kwargs["progress"](40, "Đang lập")
    print("building", flush=True)
    signal.pause()


services.report_render = hang
call_command("worker", "--queue-name", "*", "--no-startup-delay", "--worker-id", "w-killed", verbosity=0)
"""


class Site:
    def __init__(self, root: Path) -> None:
        (root / "worker_settings.py").write_text(SETTINGS)
        self.db = root / "chidao.sqlite3"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{self.db}", "CHIDAO_MEDIA_ROOT": str(root / "media"),
                    "CHIDAO_VAR_DIR": str(root), "CHIDAO_DEBUG": "1", "CHIDAO_TASKS_BACKEND": "database",
                    "DJANGO_SETTINGS_MODULE": "worker_settings", "PYTHONPATH": f"{root}{os.pathsep}{ROOT}"}
        self.procs: list[subprocess.Popen] = []

    def run(self, *args: str) -> str:
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, cwd=ROOT, check=False, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        self.procs.append(proc)
        return proc

    def query(self, sql: str) -> list[tuple]:
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def wait_for(self, sql: str, expected: list[tuple], seconds: float) -> float:
        """Seconds until `sql` returns `expected` (polled every 0.2 s, failing after `seconds`)."""
        start = time.monotonic()
        while (rows := self.query(sql)) != expected:
            if time.monotonic() - start > seconds:
                pytest.fail(f"after {seconds} s: {rows!r} instead of {expected!r}")
            time.sleep(0.2)
        return time.monotonic() - start


def _line(proc: subprocess.Popen, seconds: float) -> str:
    """The process's next line of output, waiting at most `seconds`."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=seconds):
            pytest.fail(f"no output from {proc.args!r} in {seconds} s")
    return proc.stdout.readline()


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    yield site
    for proc in site.procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


@pytest.mark.parametrize("second_worker", ["started after the kill", "already running"])
def test_a_killed_workers_job_is_failed_by_the_next_worker_within_seconds(site, second_worker):
    # Given a database with one queued build
    site.run(str(BIN / "chidao"), "migrate", "-v0")
    job_id, task_id = site.run(sys.executable, "-c", SETUP).split()
    # And a worker that has started it (40 %) and beats
    first = site.start(sys.executable, "-c", HANGING_WORKER)
    assert _line(first, 120) == "building\n"
    assert site.query(f"SELECT state, progress FROM reports_reportjob WHERE id = {job_id}") == [("running", 40)]
    assert site.query("SELECT worker_id FROM core_workerheartbeat") == [("w-killed",)]

    # When the worker is killed, and another one is started then (it fails the dead workers' jobs as it starts)
    # or was already running (it looks for dead workers as it beats)
    worker = (str(BIN / "chidao"), "worker", "--queue-name", "*", "--no-reload", "--worker-id", "w-second")
    if second_worker == "already running":
        second = site.start(*worker)
        site.wait_for("SELECT worker_id FROM core_workerheartbeat ORDER BY worker_id", [("w-killed",), ("w-second",)],
                      120)
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    killed_at = time.monotonic()
    if second_worker == "started after the kill":
        second = site.start(*worker)

    # Then within seconds of the kill (its heartbeat stale after 2 s), the build is failed
    site.wait_for(f"SELECT state FROM reports_reportjob WHERE id = {job_id}", [("failed",)], 30)
    assert time.monotonic() - killed_at < 30  # not 30 minutes
    (message, seen), = site.query(f"SELECT message, heartbeat_at FROM reports_reportjob WHERE id = {job_id}")
    local = dt.datetime.fromisoformat(seen).replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert message == ("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ "
                       f"{local:%H:%M %d/%m/%Y}); hãy yêu cầu lập lại.")
    # And its queue row is FAILED, the killed worker lost
    task = task_id.replace("-", "")
    assert site.query(f"SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
                      f"WHERE replace(id, '-', '') = '{task}'") == [("FAILED", "chidao.core.tasks.WorkerLost")]
    # And the killed worker's heartbeat is gone, the new one's is there
    site.wait_for("SELECT worker_id FROM core_workerheartbeat", [("w-second",)], 10)

    # And the new worker, stopped cleanly, removes its heartbeat
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=30) == 0
    assert site.query("SELECT COUNT(*) FROM core_workerheartbeat") == [(0,)]
