"""A build whose worker died is queued again once for any worker to take; lost a second time, it is failed
(CHIDAO_TASKS["lost_requeues"]; tests/multinode shows it with real workers killed)."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chidao.core.models import ChangeRecord, WorkerHeartbeat
from chidao.core.tasks import tasks_sweep
from chidao.reports import services
from chidao.reports.models import ReportJob
from chidao.reports.tasks import report_build_task

pytestmark = pytest.mark.django_db

AGAIN = ("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ {t}); đã tự động xếp lại hàng đợi để "
         "lập lại.")
FAILED = "Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ {t}); hãy yêu cầu lập lại."


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "lost_requeues": 1}


def _running_in(worker_id: str, job: ReportJob) -> str:
    """The job's task, claimed by `worker_id` (the queue row RUNNING, the worker last in its worker_ids)."""
    row = DBTaskResult.objects.get(id=report_build_task.enqueue(job.pk).id)
    row.claim(worker_id)
    ReportJob.objects.filter(pk=job.pk).update(task_id=str(row.id), state="running", progress=40)
    return str(row.id)


def _hhmm(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M %d/%m/%Y")


def test_a_build_lost_with_its_worker_is_queued_again_then_failed_when_lost_again(users, program, database_queue):
    # Given a build running in worker "w-dead", whose last heartbeat was 31 s ago (stale after 30 s), its last
    # progress a minute ago
    now = timezone.now()
    minute_ago = now - dt.timedelta(minutes=1)
    WorkerHeartbeat.objects.create(worker_id="w-dead", host="may-1", pid=101, last_seen=now - dt.timedelta(seconds=31))
    job = ReportJob.objects.create(program=program, kind="stocktake", format="xlsx", requested_by=users["office"],
                                   requested_at=minute_ago, heartbeat_at=minute_ago)
    first_task = _running_in("w-dead", job)

    # When the sweep runs (as every worker's heartbeat does)
    counts = tasks_sweep(heartbeats_only=True)

    # Then the build is queued again as a new task waiting for any worker, once, and the change log says so
    job.refresh_from_db()
    assert (job.state, job.progress, job.requeues, job.message) == (
        "queued", 0, 1, AGAIN.format(t=_hhmm(minute_ago)))
    assert job.task_id != first_task
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(id=first_task).status == TaskResultStatus.FAILED
    assert list(ChangeRecord.objects.filter(action="report_requeued").values_list("actor", "reason", "after")) == [
        (None, AGAIN.format(t=_hhmm(minute_ago)), {"state": "queued", "requeues": 1})]
    assert counts["chidao.reports.tasks.report_jobs_sweep"] == 1

    # When a worker "w-dead-too" takes the new task and dies as well
    seen = timezone.now() - dt.timedelta(seconds=40)
    WorkerHeartbeat.objects.create(worker_id="w-dead-too", host="may-2", pid=202, last_seen=seen)
    second_task = job.task_id
    row = DBTaskResult.objects.get(id=second_task)
    row.claim("w-dead-too")
    ReportJob.objects.filter(pk=job.pk).update(state="running", progress=40, heartbeat_at=seen)
    tasks_sweep(heartbeats_only=True)

    # Then it is failed, not queued a third time
    job.refresh_from_db()
    assert (job.state, job.requeues, job.message, job.task_id) == ("failed", 1, FAILED.format(t=_hhmm(seen)),
                                                                  second_task)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0


def test_a_finished_build_is_not_queued_again(users, program, database_queue):
    # Given a finished build whose (dead) worker's queue row was left RUNNING
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w-dead", host="may-1", pid=101, last_seen=now - dt.timedelta(seconds=31))
    job = ReportJob.objects.create(program=program, kind="stocktake", format="xlsx", requested_by=users["office"],
                                   requested_at=now)
    _running_in("w-dead", job)
    ReportJob.objects.filter(pk=job.pk).update(state="done", progress=100, finished_at=now)
    # When the sweep runs
    tasks_sweep(heartbeats_only=True)
    # Then nothing changes on the build and nothing is queued
    job.refresh_from_db()
    assert (job.state, job.requeues) == ("done", 0)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0
    assert not ChangeRecord.objects.filter(action="report_requeued").exists()


def test_two_workers_sweeping_the_same_lost_build_queue_it_once_and_do_not_fail_it(users, program, database_queue):
    # Given a build whose worker died, seen lost by two workers' sweeps at the same moment (same task id)
    job = ReportJob.objects.create(program=program, kind="stocktake", format="xlsx", requested_by=users["office"],
                                   requested_at=timezone.now())
    lost_task = _running_in("w-dead", job)
    # When both act on it, one after the other (the row's lock orders them)
    first = services.report_job_lost(job_id=job.pk, task_id=lost_task, again="lại", failed="lỗi")
    second = services.report_job_lost(job_id=job.pk, task_id=lost_task, again="lại", failed="lỗi")
    # Then the first queued it again and the second left it alone: queued once, not failed
    job.refresh_from_db()
    assert (first is not None, second, job.state, job.requeues, job.message) == (True, None, "queued", 1, "lại")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
