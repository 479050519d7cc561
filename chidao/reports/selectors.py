"""Reads on report builds and Word templates, for the pages and the API alike. A build is seen only by
whoever asked for it (`ReportJob.objects.visible_to`)."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.models import Unit, User
from chidao.core.text import vn_collation_key
from chidao.programs.models import Program

from .models import ReportJob, ReportTemplate


def report_job_list(*, user: User, program_id: int | None = None, kind: str = "", state: str = ""
                    ) -> QuerySet[ReportJob]:
    """The user's own builds, newest first; filtered by program, kind and state when given."""
    jobs = ReportJob.objects.visible_to(user).order_by("-requested_at", "-id")
    if program_id is not None:
        jobs = jobs.filter(program_id=program_id)
    if kind:
        jobs = jobs.filter(kind=kind)
    if state:
        jobs = jobs.filter(state=state)
    return jobs


def report_jobs_recent(*, user: User, program: Program, limit: int = 10) -> list[ReportJob]:
    """The user's last builds for the program (the reports page polls them)."""
    return list(ReportJob.objects.visible_to(user).filter(program=program).select_related("document")[:limit])


def report_job_get(*, user: User, pk: int) -> ReportJob:
    """One of the user's builds; 404 for anyone else's."""
    job = ReportJob.objects.visible_to(user).filter(pk=pk).first()
    if job is None:
        raise Http404(_("Không tìm thấy báo cáo."))
    return job


def report_job_done_get(*, user: User, pk: int) -> ReportJob:
    """One of the user's finished builds with its file; 404 otherwise or while not done."""
    job = ReportJob.objects.visible_to(user).filter(pk=pk, state=ReportJob.State.DONE).first()
    if job is None or not job.file:
        raise Http404(_("Không tìm thấy báo cáo."))
    return job


def report_job_fresh(*, job: ReportJob) -> ReportJob:
    """The build as stored now (after a service wrote it)."""
    return ReportJob.objects.get(pk=job.pk)


def report_templates_by_kind() -> dict[str, ReportTemplate]:
    """The replacement templates in force, by kind."""
    return {t.kind: t for t in ReportTemplate.objects.select_related("uploaded_by")}


def report_lead_units(*, program: Program) -> list[Unit]:
    """The units leading a deliverable of the program, in Vietnamese order (a dispatch goes to one)."""
    units = Unit.objects.filter(led_deliverables__program=program).distinct()
    return sorted(units, key=lambda u: vn_collation_key(u.name))


def report_unit_leads(*, program: Program, unit_id: int) -> bool:
    """Whether the unit leads a deliverable of the program."""
    return Unit.objects.filter(pk=unit_id, led_deliverables__program=program).exists()
