"""Background tasks of the reports app (Django's tasks framework; `chidao worker` runs them).

Retries, failure records and the sweep of dead builds follow chidao.core.tasks (ADR 0004).
"""

import datetime as dt

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_tasks import task

from chidao.core.tasks import job_lost, local_time, sweeper, task_run

from .models import ReportJob
from .services import report_failure_message, report_job_fail, report_job_lost, report_job_run


@task()
def report_build_task(job_id: int) -> None:
    """Build one queued report; progress and the file are written on the ReportJob row."""

    def failed(exc: BaseException, attempts: int) -> None:
        report_job_fail(job_id=job_id, message=report_failure_message(exc, attempts))

    task_run(label=f"report job {job_id}", body=lambda attempt: report_job_run(job_id=job_id, attempt=attempt),
             failed=failed)


@sweeper
def report_jobs_sweep(*, cutoff: dt.datetime | None, dead: frozenset[str] = frozenset(),
                      alive: frozenset[str] = frozenset()) -> int:
    """Builds queued or running whose worker died (`job_lost`: its heartbeat stopped, or no progress since
    `cutoff` and the task no longer waits in the queue). Each is queued again once (CHIDAO_TASKS["lost_requeues"]),
    for any worker to take; lost again, it is recorded as failed and the user asks again. Returns how many were
    failed or queued again."""
    lost = Q(task_id__in=dead) | Q(seen__lt=cutoff) if cutoff is not None else Q(task_id__in=dead)
    stale = (ReportJob.objects.filter(state__in=(ReportJob.State.QUEUED, ReportJob.State.RUNNING))
             .annotate(seen=Coalesce("heartbeat_at", "requested_at")).filter(lost))
    swept = 0
    for job in stale:
        if not job_lost(job.task_id, job.seen, cutoff=cutoff, dead=dead, alive=alive):  # type: ignore[attr-defined]
            continue
        since = {"t": local_time(job.heartbeat_at or job.requested_at)}
        again = _("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ %(t)s); đã tự động xếp lại "
                  "hàng đợi để lập lại.") % since
        failed = _("Tiến trình lập báo cáo đã dừng giữa chừng (không còn tiến triển từ %(t)s); hãy yêu cầu lập "
                   "lại.") % since
        if report_job_lost(job_id=job.pk, task_id=job.task_id, again=again, failed=failed) is not None:
            swept += 1
    return swept
