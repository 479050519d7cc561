"""Background tasks of the reports app (Django's tasks framework; `chidao db_worker` runs them)."""

from django_tasks import task

from .services import report_job_run


@task()
def report_build_task(job_id: int) -> None:
    """Build one queued report; progress and the file are written on the ReportJob row."""
    report_job_run(job_id=job_id)
