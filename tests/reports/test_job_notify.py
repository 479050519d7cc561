"""A report build finished or failed reaches its requester: once per build, whatever the retries (issue 15)."""

import datetime as dt

import pytest
from django.core import mail
from django.db.utils import OperationalError

from chidao.core import tasks as core_tasks
from chidao.core.models import EmailState, Notification
from chidao.reports import builders, services
from chidao.reports.models import ReportJob
from chidao.reports.tasks import report_build_task, report_jobs_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_waits(monkeypatch, settings):
    settings.CHIDAO_TASKS = {"max_attempts": 3, "retry_delay_seconds": 5, "retry_backoff": 2,
                             "retry_max_delay_seconds": 60, "stale_after_seconds": 1800, "heartbeat_seconds": 10,
                             "heartbeat_stale_seconds": 30}
    settings.CHIDAO_SITE_URL = "https://chidao.example.vn"
    monkeypatch.setattr(core_tasks, "sleep", lambda seconds: None)


@pytest.fixture
def office(users, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 9, 30))
    users["office"].email = "office@example.vn"
    users["office"].save()
    return users["office"]


def _failing(times, exc, then=None):
    calls = {"n": 0}

    def call(*args, **kwargs):
        calls["n"] += 1
        if times is None or calls["n"] <= times:
            raise exc
        return then(*args, **kwargs)

    return call


def _request(office, program, capture):
    with capture(execute=True):
        job = services.report_job_request(actor=office, program=program, kind="stocktake", fmt="xlsx", params={})
    job.refresh_from_db()
    return job


def test_a_finished_build_tells_its_requester_once(office, program, django_capture_on_commit_callbacks):
    # When the office's build runs (the immediate backend runs it at once)
    job = _request(office, program, django_capture_on_commit_callbacks)
    # Then the office has one notification, with the download link, and one email
    n = Notification.objects.get()
    assert (n.user, n.kind, n.event_key, n.link, n.email_state) == (
        office, "report_finished", f"report:{job.pk}:done", f"/bao-cao/{job.pk}/tai-ve/", EmailState.SENT)
    assert n.subject == ("Báo cáo đã lập xong: Bộ tài liệu kiểm điểm tiến độ Chương trình số 01-CTr/TU, tệp Excel "
                         "(.xlsx)")
    requested = job.requested_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y %H:%M")
    assert n.body == (f"Báo cáo Bộ tài liệu kiểm điểm tiến độ Chương trình số 01-CTr/TU, tệp Excel (.xlsx) yêu cầu lúc "
                      f"{requested} đã lập xong; mở liên kết để tải về.")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["office@example.vn"], n.subject)]
    assert mail.outbox[0].body.endswith(f"\n\nhttps://chidao.example.vn/bao-cao/{job.pk}/tai-ve/")
    # When a duplicate task runs the finished job again, then nothing more is written or sent
    with django_capture_on_commit_callbacks(execute=True):
        report_build_task.enqueue(job.pk)
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)


def test_a_build_that_succeeds_on_a_retry_tells_only_that_it_is_done(office, program, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    monkeypatch.setattr(builders, "build", _failing(1, OperationalError("database is locked"), builders.build))
    job = _request(office, program, django_capture_on_commit_callbacks)
    assert (job.state, job.attempts) == ("done", 2)
    assert list(Notification.objects.values_list("event_key", flat=True)) == [f"report:{job.pk}:done"]
    assert len(mail.outbox) == 1


def test_a_failed_build_tells_why_and_where_to_ask_again(office, program, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    # Given a build that fails on every attempt
    monkeypatch.setattr(builders, "build", _failing(None, OperationalError("không kết nối được máy chủ")))
    job = _request(office, program, django_capture_on_commit_callbacks)
    assert (job.state, job.attempts) == ("failed", 3)
    # Then one notification after the last attempt, linking to the program's reports page
    n = Notification.objects.get()
    assert (n.user, n.event_key, n.link) == (office, f"report:{job.pk}:failed", f"/chuong-trinh/{program.pk}/bao-cao/")
    assert n.subject == ("Không lập được báo cáo: Bộ tài liệu kiểm điểm tiến độ Chương trình số 01-CTr/TU, tệp Excel "
                         "(.xlsx)")
    assert n.body.splitlines()[1:] == [
        "Lý do: Lỗi khi lập báo cáo (đã thử 3 lần): không kết nối được máy chủ",
        "Có thể yêu cầu lập lại trên trang báo cáo của chương trình."]
    assert len(mail.outbox) == 1
    # And recording the failure again (a second sweep) adds nothing
    assert services.report_job_fail(job_id=job.pk, message="lần nữa") is None
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 1)


def test_a_swept_build_tells_its_requester(office, program, django_capture_on_commit_callbacks, settings):
    # Given a build whose worker died long ago, lost builds not run again
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "lost_requeues": 0}
    job = ReportJob.objects.create(program=program, kind="stocktake", format="pdf", requested_by=office,
                                   requested_at=dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC),
                                   state=ReportJob.State.RUNNING, task_id="t-dead")
    # When the sweep runs twice
    with django_capture_on_commit_callbacks(execute=True):
        assert report_jobs_sweep(cutoff=None, dead=frozenset({"t-dead"})) == 1
        assert report_jobs_sweep(cutoff=None, dead=frozenset({"t-dead"})) == 0
    # Then one notification says it stopped
    n = Notification.objects.get()
    assert (n.event_key, n.kind) == (f"report:{job.pk}:failed", "report_finished")
    assert n.body.splitlines()[1] == ("Lý do: Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ "
                                      "15:00 01/01/2026); hãy yêu cầu lập lại.")


def test_a_requester_no_longer_active_is_not_told(office, program, django_capture_on_commit_callbacks):
    job = ReportJob.objects.create(program=program, kind="stocktake", format="pdf", requested_by=office,
                                   requested_at=dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC), state=ReportJob.State.QUEUED)
    office.is_active = False
    office.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_job_fail(job_id=job.pk, message="Lỗi.")
    assert (Notification.objects.count(), len(mail.outbox)) == (0, 0)
