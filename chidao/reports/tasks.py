"""Background tasks of the reports app (Django's tasks framework; `chidao db_worker` runs them).

Retries, failure records and the sweep of dead builds follow chidao.core.tasks (ADR 0004).
"""

import datetime as dt

from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_tasks import task

from chidao.core.tasks import local_time, sweeper, task_run, task_waiting

from .models import ReportJob
from .services import report_failure_message, report_job_fail, report_job_run


@task()
def report_build_task(job_id: int) -> None:
    """Build one queued report; progress and the file are written on the ReportJob row."""

    def failed(exc: BaseException, attempts: int) -> None:
        report_job_fail(job_id=job_id, message=report_failure_message(exc, attempts))

    task_run(label=f"report job {job_id}", body=lambda attempt: report_job_run(job_id=job_id, attempt=attempt),
             failed=failed)


@sweeper
def report_jobs_sweep(*, cutoff: dt.datetime) -> int:
    """Builds queued or running with no progress since `cutoff` whose task no longer waits in the queue: their
    worker died. Each is recorded as failed; the user asks again."""
    stale = (ReportJob.objects.filter(state__in=(ReportJob.State.QUEUED, ReportJob.State.RUNNING))
             .annotate(seen=Coalesce("heartbeat_at", "requested_at")).filter(seen__lt=cutoff))
    swept = 0
    for job in stale:
        if task_waiting(job.task_id):
            continue
        message = _("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ %(t)s); hãy yêu cầu lập "
                    "lại.") % {"t": local_time(job.heartbeat_at or job.requested_at)}
        if report_job_fail(job_id=job.pk, message=message) is not None:
            swept += 1
    return swept
