"""Background tasks try transient failures again a bounded number of times, record every failure (on the job
and in the change log), leave nothing half-written, and `chidao tasks sweep` records the jobs whose worker
died (chidao.core.tasks, ADR 0004)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chidao.core import tasks as core_tasks
from chidao.core.models import ChangeRecord, Notification, WorkerHeartbeat
from chidao.programs import reminders
from chidao.programs.tasks import reminders_send_task
from chidao.reports import builders, services
from chidao.reports.models import ReportJob
from chidao.reports.tasks import report_build_task
from chidao.rotation import plan
from chidao.rotation.models import Move, RotationRound, RoundState
from chidao.rotation.tasks import plan_solve_task
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def waits(monkeypatch, settings):
    """The delays the retries asked for (nobody waits in a test)."""
    settings.CHIDAO_TASKS = {"max_attempts": 3, "retry_delay_seconds": 5, "retry_backoff": 2,
                             "retry_max_delay_seconds": 60, "stale_after_seconds": 1800, "heartbeat_seconds": 10,
                             "heartbeat_stale_seconds": 30}
    asked: list[float] = []
    monkeypatch.setattr(core_tasks, "sleep", asked.append)
    return asked


@pytest.fixture
def two_items(make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 9, 30))
    make_deliverable(lead="stc", deadline=dt.date(2022, 9, 30))


def failing(times: int | None, exc: Exception, then=None):
    """A stand-in that raises `exc` the first `times` calls (always when None), then calls `then`."""
    calls = {"n": 0}

    def call(*args, **kwargs):
        calls["n"] += 1
        if times is None or calls["n"] <= times:
            raise exc
        return then(*args, **kwargs)

    call.calls = calls  # type: ignore[attr-defined]
    return call


def media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def failures(action: str) -> list[tuple]:
    return list(ChangeRecord.objects.filter(action=action).values_list("actor", "object_repr", "reason", "after"))


# --- report builds ----------------------------------------------------------------------------------------


def test_a_transient_failure_is_tried_again_and_the_build_then_succeeds(users, program, two_items, monkeypatch,
                                                                        waits, settings):
    # Given a database that is locked for the first attempt
    monkeypatch.setattr(builders, "build", failing(1, OperationalError("database is locked"), builders.build))
    # When a build is asked for (the immediate backend runs the task at once)
    job = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                      params={})
    # Then the second attempt, 5 s later, builds it
    job.refresh_from_db()
    assert (job.state, job.progress, job.attempts, job.message) == ("done", 100, 2, "Đã lập xong")
    assert waits == [5.0]
    assert job.heartbeat_at is not None
    assert media_files(settings) == [f"reports/{job.pk}/{job.filename}"]
    assert failures("report_failed") == []


def test_a_lasting_failure_is_recorded_after_the_last_attempt_and_nothing_is_written(users, program, two_items,
                                                                                      monkeypatch, waits, settings):
    # Given a database that stays unreachable
    monkeypatch.setattr(builders, "build", failing(None, OperationalError("không kết nối được máy chủ")))
    # When a build is asked for
    job = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                      params={})
    # Then it was tried 3 times, waiting 5 s then 10 s, and the job says why in Vietnamese
    job.refresh_from_db()
    message = "Lỗi khi lập báo cáo (đã thử 3 lần): không kết nối được máy chủ"
    assert (job.state, job.attempts, job.message, bool(job.file)) == ("failed", 3, message, False)
    assert waits == [5.0, 10.0]
    # And the change log has the failure; no file was written
    assert failures("report_failed") == [(None, str(job), message, {"state": "failed", "attempts": 3})]
    assert media_files(settings) == []


def test_an_error_that_is_not_transient_is_recorded_at_once(users, program, two_items, monkeypatch, waits):
    broken = failing(None, RuntimeError("mẫu hỏng"))
    monkeypatch.setattr(builders, "build", broken)
    job = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                      params={})
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == ("failed", 1, "Lỗi khi lập báo cáo: mẫu hỏng")
    assert (broken.calls["n"], waits) == (1, [])
    # a duplicate task leaves a finished job alone
    result = report_build_task.enqueue(job.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert broken.calls["n"] == 1


def test_a_failed_final_save_leaves_no_stray_file(users, program, two_items, monkeypatch, waits, settings):
    # Given the row update that marks the build done fails once (the file is already saved by then)
    real_update = QuerySet.update
    state = {"failed": False}

    def update(self, **kwargs):
        if self.model is ReportJob and kwargs.get("state") == "done" and not state["failed"]:
            state["failed"] = True
            raise OperationalError("disk I/O error")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)
    # When the build runs
    job = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                      params={})
    # Then the second attempt is done, and only its file is on disk (the first one was removed)
    job.refresh_from_db()
    assert (job.state, job.attempts, state["failed"]) == ("done", 2, True)
    assert media_files(settings) == [job.file.name]


# --- rotation plans ------------------------------------------------------------------------------------------


def _moves(rnd):
    return sorted(Move.objects.filter(round=rnd).values_list("pk", "person_id", "to_position_id", "cost"))


def _failing_solve_record(monkeypatch, times):
    real = plan.change_record_create

    def record(**kwargs):
        if kwargs["action"] == "plan_solve" and (times is None or record.n < times):
            record.n += 1
            raise OperationalError("cơ sở dữ liệu đang bận")
        return real(**kwargs)

    record.n = 0
    # The last write of the plan (after the moves are replaced, inside its transaction) fails.
    monkeypatch.setattr(plan, "change_record_create", record)
    return record


def test_a_solve_interrupted_by_a_transient_failure_is_tried_again(world, users, monkeypatch, waits):  # noqa: F811
    # Given the plan's final write fails once
    record = _failing_solve_record(monkeypatch, 1)
    # When a plan is asked for
    plan.plan_request(actor=users["office"], round=world.round)
    # Then the second attempt writes it: one move per included person, not two
    rnd = RotationRound.objects.get(pk=world.round.pk)
    assert (rnd.state, rnd.solve_attempts, rnd.solve_error, record.n) == (RoundState.PROPOSED, 2, "", 1)
    assert Move.objects.filter(round=rnd).count() == 4
    assert waits == [5.0]
    assert failures("plan_solve_failed") == []


def test_a_solve_that_keeps_failing_puts_back_the_previous_plan(world, users, monkeypatch, waits):  # noqa: F811
    # Given a proposed plan
    plan.plan_request(actor=users["office"], round=world.round)
    before = _moves(world.round)
    assert len(before) == 4
    # When a new plan is asked for and every attempt's final write fails
    _failing_solve_record(monkeypatch, None)
    plan.plan_request(actor=users["office"], round=world.round)
    # Then the round is back to its previous plan, untouched, with the error on it
    rnd = RotationRound.objects.get(pk=world.round.pk)
    message = "Lỗi khi lập phương án (đã thử 3 lần): cơ sở dữ liệu đang bận"
    assert (rnd.state, rnd.solve_attempts, rnd.solve_error, rnd.message, rnd.progress) == (
        RoundState.PROPOSED, 3, message, message, 0)
    assert _moves(rnd) == before
    assert waits == [5.0, 10.0]
    # And the change log has the failure, by who asked
    assert failures("plan_solve_failed") == [
        (users["office"].pk, rnd.name, message, {"state": "proposed", "solve_attempts": 3})]


# --- reminders ---------------------------------------------------------------------------------------------


@pytest.fixture
def due_item(users, make_deliverable, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["snv"].email = "snv@example.vn"
    users["snv"].save()
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))


def test_reminders_are_tried_again_after_a_transient_failure(due_item, monkeypatch, waits):
    monkeypatch.setattr(reminders, "reminder_items_by_unit",
                        failing(1, OperationalError("database is locked"), reminders.reminder_items_by_unit))
    result = reminders_send_task.enqueue(on_iso="2021-07-12", days_ahead=3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert (result.return_value["digests_created"], Notification.objects.count(), len(mail.outbox)) == (1, 1, 1)
    assert waits == [5.0]
    assert failures("reminders_failed") == []


def test_reminders_that_keep_failing_are_recorded(due_item, monkeypatch, waits):
    monkeypatch.setattr(reminders, "reminder_items_by_unit", failing(None, OSError("mạng không truy cập được")))
    result = reminders_send_task.enqueue(on_iso="2021-07-12", days_ahead=3)
    assert result.status == TaskResultStatus.FAILED
    assert (Notification.objects.count(), len(mail.outbox)) == (0, 0)
    assert waits == [5.0, 10.0]
    assert failures("reminders_failed") == [
        (None, "Nhắc hạn ngày 12/07/2021", "Lỗi khi gửi nhắc hạn (đã thử 3 lần): mạng không truy cập được",
         {"attempts": 3})]


def test_the_delay_grows_up_to_its_ceiling(settings):
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "max_attempts": 6}
    assert [core_tasks.retry_delay(n) for n in range(1, 6)] == [5.0, 10.0, 20.0, 40.0, 60.0]


# --- the sweep of dead jobs --------------------------------------------------------------------------------


def _job(users, program, state: str, seen: dt.datetime | None, task_id: str = "") -> ReportJob:
    return ReportJob.objects.create(program=program, kind="stocktake", format="xlsx", requested_by=users["office"],
                                    requested_at=at(2021, 7, 12, 8), state=state, heartbeat_at=seen, task_id=task_id,
                                    progress=40 if state == "running" else 0)


def test_the_sweep_records_jobs_whose_worker_died(users, program, world, settings):  # noqa: F811
    # Given a build running with no progress since 12/07/2021 09:00, one queued then whose worker died,
    # a build running now, a build still waiting in the queue, a round solving since then, and the queue's
    # row of the dead build
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "lost_requeues": 0}  # lost builds are failed, not run again
    dead = _job(users, program, "running", at(2021, 7, 12, 9))
    lost = _job(users, program, "queued", None)
    alive = _job(users, program, "running", timezone.now())
    waiting = _job(users, program, "queued", None)
    waiting.task_id = str(report_build_task.enqueue(waiting.pk).id)
    waiting.save()
    row = report_build_task.enqueue(dead.pk)
    DBTaskResult.objects.filter(id=row.id).update(status=TaskResultStatus.RUNNING, started_at=at(2021, 7, 12, 9))
    RotationRound.objects.filter(pk=world.round.pk).update(state=RoundState.SOLVING, progress=40,
                                                           updated_at=at(2021, 7, 12, 9))
    # When the sweep runs
    out = io.StringIO()
    call_command("tasks", "sweep", stdout=out)
    # Then the dead jobs are failed with the time of their last progress, and the others are left alone
    assert out.getvalue() == ("Đã ghi lỗi cho 3 việc đang chạy dở và 1 tác vụ trong hàng đợi có tiến trình xử lý "
                              "đã dừng.\n")
    states = {j.pk: (j.state, j.message) for j in ReportJob.objects.all()}
    assert states == {
        dead.pk: ("failed", "Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ 09:00 12/07/2021); "
                            "hãy yêu cầu lập lại."),
        lost.pk: ("failed", "Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ 08:00 12/07/2021); "
                            "hãy yêu cầu lập lại."),
        alive.pk: ("running", ""),
        waiting.pk: ("queued", ""),
    }
    rnd = RotationRound.objects.get(pk=world.round.pk)
    message = ("Tiến trình lập phương án đã dừng giữa chừng (không còn tiến triển từ 09:00 12/07/2021); hãy yêu cầu "
               "lập lại.")
    assert (rnd.state, rnd.solve_error, rnd.progress) == (RoundState.DRAFT, message, 0)
    assert [r[2] for r in failures("report_failed")] == [states[dead.pk][1], states[lost.pk][1]]
    assert failures("plan_solve_failed") == [(None, rnd.name, message, {"state": "draft", "solve_attempts": 0})]
    assert DBTaskResult.objects.get(id=row.id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(id=waiting.task_id).status == TaskResultStatus.READY
    # And a second sweep finds nothing more
    out = io.StringIO()
    call_command("tasks", "sweep", stdout=out)
    assert out.getvalue().startswith("Đã ghi lỗi cho 0 việc đang chạy dở và 0 tác vụ")


def test_a_sweep_at_worker_start_takes_every_running_job(users, program, settings):
    # Given a build whose worker died a minute ago (under the default 30 minutes), lost builds not run again
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "lost_requeues": 0}
    job = _job(users, program, "running", timezone.now() - dt.timedelta(minutes=1))
    call_command("tasks", "sweep", stdout=io.StringIO())
    assert ReportJob.objects.get(pk=job.pk).state == "running"
    # When the worker starts (no worker runs yet: --older-than 0)
    call_command("tasks", "sweep", "--older-than", "0", stdout=io.StringIO())
    # Then it is failed
    assert ReportJob.objects.get(pk=job.pk).state == "failed"


def _claimed(result, worker_id: str) -> str:
    """The queue row of `result` as a worker claims it (RUNNING, its id last in worker_ids); its id."""
    row = DBTaskResult.objects.get(id=result.id)
    row.claim(worker_id)
    return str(row.id)


def _hhmm(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M %d/%m/%Y")


@pytest.mark.parametrize("when", ["worker", "sweep"])
@pytest.mark.django_db(transaction=True)  # the worker closes its connection, as in production
def test_the_jobs_of_a_worker_whose_heartbeat_stopped_are_failed_at_once(when, users, program, world,  # noqa: F811
                                                                        settings):
    # Given worker "w-dead" whose last heartbeat was 31 s ago (stale after 30 s) and worker "w-live" that beat
    # just now; a build "w-dead" runs, whose last progress was a minute ago (under the 30 minutes without
    # progress after which a job is taken for dead); a build "w-live" runs, with no progress since 2021; and a
    # round solving, a minute ago, in worker "w-gone" that has no heartbeat at all
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "lost_requeues": 0}  # lost builds are failed, not run again
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w-dead", host="may-1", pid=101, last_seen=now - dt.timedelta(seconds=31))
    WorkerHeartbeat.objects.create(worker_id="w-live", host="may-2", pid=202, last_seen=now)
    minute_ago = now - dt.timedelta(minutes=1)
    dead = _job(users, program, "running", minute_ago)
    dead.task_id = _claimed(report_build_task.enqueue(dead.pk), "w-dead")
    dead.save()
    alive = _job(users, program, "running", at(2021, 7, 12, 9))
    alive.task_id = _claimed(report_build_task.enqueue(alive.pk), "w-live")
    alive.save()
    solve_id = _claimed(plan_solve_task.enqueue(world.round.pk, users["office"].pk), "w-gone")
    RotationRound.objects.filter(pk=world.round.pk).update(state=RoundState.SOLVING, progress=40,
                                                           solve_task_id=solve_id, updated_at=minute_ago)
    # When a worker starts (and, having nothing to run, stops) / the sweep runs
    out = io.StringIO()
    if when == "worker":
        call_command("worker", "--batch", "--no-startup-delay", "--worker-id", "w-new", verbosity=0)
    else:
        call_command("tasks", "sweep", stdout=out)
    # Then the dead worker's build is failed, saying when it last progressed, and the round is back to draft
    message = ("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ "
               f"{_hhmm(minute_ago)}); hãy yêu cầu lập lại.")
    assert {j.pk: (j.state, j.message) for j in ReportJob.objects.all()} == {
        dead.pk: ("failed", message), alive.pk: ("running", "")}
    rnd = RotationRound.objects.get(pk=world.round.pk)
    solve_message = ("Tiến trình lập phương án đã dừng giữa chừng (không còn tiến triển từ "
                     f"{_hhmm(minute_ago)}); hãy yêu cầu lập lại.")
    assert (rnd.state, rnd.solve_error, rnd.progress) == (RoundState.DRAFT, solve_message, 0)
    # And their queue rows are FAILED (the worker was lost), the live worker's is still RUNNING
    rows = {str(r.id): (r.status, r.exception_class_path) for r in DBTaskResult.objects.all()}
    assert rows == {dead.task_id: (TaskResultStatus.FAILED, "chidao.core.tasks.WorkerLost"),
                    solve_id: (TaskResultStatus.FAILED, "chidao.core.tasks.WorkerLost"),
                    alive.task_id: (TaskResultStatus.RUNNING, "")}
    # And only the live worker's heartbeat is left (the dead one's removed; the new worker's on its clean exit)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w-live"]
    if when == "sweep":
        assert out.getvalue() == ("Đã ghi lỗi cho 2 việc đang chạy dở và 2 tác vụ trong hàng đợi có tiến trình xử lý "
                                  "đã dừng.\n")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task, as in production
def test_the_database_worker_retries_then_records(settings, program, users, two_items, monkeypatch, waits):
    # Given the database backend and a build that fails once with a locked database
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(builders, "build", failing(1, OperationalError("database is locked"), builders.build))
    good = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                       params={})
    # When the worker runs the queue
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # Then the build is done on its second attempt and the queue says successful
    good.refresh_from_db()
    assert (good.state, good.attempts) == ("done", 2)
    assert DBTaskResult.objects.get(id=good.task_id).status == TaskResultStatus.SUCCESSFUL
    # And a build that fails for good is failed on the job and in the queue
    monkeypatch.setattr(builders, "build", failing(None, RuntimeError("mẫu hỏng")))
    bad = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="xlsx",
                                      params={})
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    bad.refresh_from_db()
    assert (bad.state, bad.attempts, bad.message) == ("failed", 1, "Lỗi khi lập báo cáo: mẫu hỏng")
    failed_row = DBTaskResult.objects.get(id=bad.task_id)
    assert (failed_row.status, failed_row.exception_class_path) == (TaskResultStatus.FAILED, "builtins.RuntimeError")
    assert waits == [5.0]
