"""Writes for reports: asking for a build, running it, replacing a Word template."""

import datetime as dt
import io
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from chidao.core import register
from chidao.core.audit import change_record_create, snapshot
from chidao.core.docx import docx_render
from chidao.core.models import DocumentType, Issuer, OutgoingDocument, Signer, Unit, User
from chidao.core.periods import period_parse
from chidao.core.tasks import error_text
from chidao.core.uploads import upload_check
from chidao.programs.models import Program

from . import builders, figures
from .events import report_job_notify
from .models import ReportJob, ReportTemplate, TemplateKind
from .permissions import can_issue_reports, can_manage_report_templates

logger = logging.getLogger(__name__)
TEMPLATE_FIELDS = ("kind", "original_name", "uploaded_at")

FORMATS_BY_KIND: dict[str, tuple[str, ...]] = {
    ReportJob.Kind.YEAR_END: ("docx", "pdf", "xlsx"),
    ReportJob.Kind.PERIODIC: ("docx", "pdf", "xlsx"),
    ReportJob.Kind.STOCKTAKE: ("pdf", "xlsx"),
    ReportJob.Kind.DISPATCH: ("docx", "pdf"),
}


def _parse_iso(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: _("Ngày không hợp lệ.")}) from exc


def report_compute(*, user: User, program: Program, kind: str, params: dict[str, Any]) -> figures.ProgramReport:
    """Validate a report's parameters and compute it (shared by the command line and the background task)."""
    as_of = _parse_iso(params.get("as_of"), "as_of")
    if kind == ReportJob.Kind.YEAR_END:
        try:
            year = int(params.get("year") or 0)
        except (TypeError, ValueError):
            year = 0
        if not program.period_start - 1 <= year <= program.period_end + 1:
            raise ValidationError({"year": _("Năm phải trong giai đoạn của chương trình (%(a)s-%(b)s).") % {
                "a": program.period_start, "b": program.period_end}})
        return figures.year_end_report(user=user, program=program, year=year, as_of=as_of)
    if kind == ReportJob.Kind.PERIODIC:
        try:
            period = period_parse(str(params.get("period", "")))
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        return figures.periodic_report(user=user, program=program, period=period)
    if kind == ReportJob.Kind.STOCKTAKE:
        return figures.stocktake_report(user=user, program=program, as_of=as_of)
    if kind == ReportJob.Kind.DISPATCH:
        raw = str(params.get("unit", ""))
        unit = Unit.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if unit is None:
            raise ValidationError({"unit": _("Chọn đơn vị chủ trì nhận công văn.")})
        return figures.dispatch_report(user=user, program=program, unit=unit, as_of=as_of)
    raise ValidationError({"kind": _("Loại báo cáo không hợp lệ.")})


def _check_format(kind: str, fmt: str) -> None:
    if fmt not in FORMATS_BY_KIND.get(kind, ()):
        raise ValidationError({"format": _("Báo cáo này không lập được ở định dạng “%(f)s”.") % {"f": fmt}})


# The reports the standing office issues with a number (the reminder dispatch goes out as it is).
ISSUABLE_KINDS = (ReportJob.Kind.YEAR_END, ReportJob.Kind.PERIODIC, ReportJob.Kind.STOCKTAKE)


def report_issuer(*, actor: User | None, program: Program) -> Issuer:
    """The program's steering committee as an issuing body: the program's issuing unit with the code "BCĐ"
    (`core.register.STEERING_CODE`); the programs of one unit share its committee's numbering."""
    return register.issuer_ensure(actor=actor, unit=program.issuing_body, code=register.STEERING_CODE,
                                  name=_("Ban Chỉ đạo (%(u)s)") % {"u": program.issuing_body.name})


def report_issue_context(*, program: Program, kind: str, document: OutgoingDocument | None) -> dict[str, Any]:
    """The number and signature keys of a report: the register's number and signer once issued; a draft's blank
    number and the committee's first signer (if any) before."""
    type_code = DocumentType.DISPATCH if kind == ReportJob.Kind.DISPATCH else DocumentType.REPORT
    issuer = Issuer.objects.filter(unit=program.issuing_body, code=register.STEERING_CODE).first()
    return register.document_context(
        document=document, unit=program.issuing_body, type_code=type_code, issuer_code=register.STEERING_CODE,
        draft_signer=register.signer_default(issuer) if issuer is not None else None)


def report_render(*, user: User, program: Program, kind: str, fmt: str, params: dict[str, Any],
                  progress: builders.Progress = builders._noop,
                  document: OutgoingDocument | None = None) -> tuple[bytes, str]:
    """Compute and build one report in this process: its bytes and its file name (with its number once issued)."""
    _check_format(kind, fmt)
    progress(10, _("Đang tính số liệu"))
    report = report_compute(user=user, program=program, kind=kind, params=params)
    issue = report_issue_context(program=program, kind=kind, document=document)
    return builders.build(report, fmt, progress, issue)


def _job_title(job: ReportJob) -> str:
    """The trích yếu entered in the register for an issued report."""
    number = job.program.number
    if job.kind == ReportJob.Kind.YEAR_END:
        return _("Báo cáo tổng kết năm %(y)s thực hiện Chương trình số %(p)s") % {"y": job.params.get("year"),
                                                                                  "p": number}
    if job.kind == ReportJob.Kind.PERIODIC:
        return _("Báo cáo kết quả thực hiện Chương trình số %(p)s, kỳ %(k)s") % {"p": number,
                                                                                "k": job.params.get("period")}
    return _("Báo cáo kiểm điểm tiến độ thực hiện Chương trình số %(p)s") % {"p": number}


@transaction.atomic
def report_job_issue(*, actor: User, job: ReportJob, signer: Signer | None = None) -> ReportJob:
    """Issue (ban hành) a finished year-end, periodic or stocktake report: the standing office takes its number
    from the register and the file is built again with the number and the signer."""
    if not can_issue_reports(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực hoặc quản trị hệ thống được ban hành báo cáo."))
    locked = ReportJob.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None or not ReportJob.objects.visible_to(actor).filter(pk=job.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền ban hành báo cáo này."))
    if locked.kind not in ISSUABLE_KINDS:
        raise ValidationError({"kind": _("Loại báo cáo này không ban hành có số.")})
    if locked.document_id is not None:
        raise ValidationError({"document": _("Báo cáo đã được ban hành.")})
    if locked.state != ReportJob.State.DONE:
        raise ValidationError({"state": _("Chỉ ban hành báo cáo đã lập xong.")})
    program = locked.program
    issuer = report_issuer(actor=actor, program=program)
    signer = signer or register.signer_default(issuer)
    document = register.document_issue(actor=actor, issuer=issuer, type_code=DocumentType.REPORT,
                                       title=_job_title(locked), obj=locked, signer=signer)
    before = {"state": locked.state, "document": None}
    old_file = locked.file.name
    ReportJob.objects.filter(pk=locked.pk).update(
        document=document, state=ReportJob.State.QUEUED, progress=0, message=_("Đang lập lại có số văn bản"),
        file="", filename="", finished_at=None)
    locked.refresh_from_db()
    change_record_create(actor=actor, action="report_issue", obj=locked, before=before,
                         after={"state": locked.state, "document": document.number_text}, reason=_("Ban hành"))
    if old_file:
        storage = locked.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    from .tasks import report_build_task

    report_build_task.enqueue(locked.pk)  # the queue row commits with the issue, or neither
    locked.refresh_from_db()
    return locked


@transaction.atomic
def report_job_request(*, actor: User, program: Program, kind: str, fmt: str, params: dict[str, Any]) -> ReportJob:
    """Queue a build. Parameters are checked now, so a bad request is refused before anything is queued."""
    if not Program.objects.visible_to(actor).filter(pk=program.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền lập báo cáo cho chương trình này."))
    _check_format(kind, fmt)
    # Validate the parameters the cheap way first (the figures are computed again by the worker).
    report_compute(user=actor, program=program, kind=kind, params=params)
    job = ReportJob.objects.create(
        program=program, kind=kind, format=fmt, params=params, requested_by=actor, requested_at=timezone.now(),
    )
    from .tasks import report_build_task

    result = report_build_task.enqueue(job.pk)
    ReportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def report_job_run(*, job_id: int, attempt: int = 1) -> None:
    """One attempt at a queued build, saving progress (and a heartbeat) as it goes so the page can show it.

    Raises on failure: the task (reports.tasks) tries transient failures again and records the last one with
    `report_job_fail`. The file is saved only with the row that says "done", so a failed attempt leaves
    neither a file nor a half-finished row. A job already finished (swept, or a duplicate task) is left alone.
    """
    job = ReportJob.objects.select_related("program", "requested_by", "document__issuer__unit",
                                           "document__signer").get(pk=job_id)
    if job.finished:
        return

    def progress(pct: int, message: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.RUNNING, progress=pct, message=message,
                                                   heartbeat_at=timezone.now())

    ReportJob.objects.filter(pk=job.pk).update(attempts=attempt)
    if attempt > 1:
        progress(0, _("Đang thử lại (lần %(n)s)") % {"n": attempt})
    content, name = report_render(user=job.requested_by, program=job.program, kind=job.kind, fmt=job.format,
                                  params=job.params, progress=progress, document=job.document)
    job.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():  # the job is done and its requester told, or neither
            ReportJob.objects.filter(pk=job.pk).update(
                state=ReportJob.State.DONE, progress=100, message=_("Đã lập xong"), file=job.file.name,
                filename=name, finished_at=timezone.now(), heartbeat_at=timezone.now(),
            )
            report_job_notify(job=ReportJob.objects.select_related("program", "requested_by").get(pk=job.pk))
    except Exception:
        job.file.delete(save=False)
        raise


@transaction.atomic
def report_job_fail(*, job_id: int, message: str) -> ReportJob | None:
    """Record a build that failed (its last attempt, or its worker died): state "failed" with the message the
    page shows, and a change record. A job already finished is left alone (None)."""
    job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.finished:
        return None
    before = {"state": job.state, "progress": job.progress}
    ReportJob.objects.filter(pk=job.pk).update(state=ReportJob.State.FAILED, message=message,
                                               finished_at=timezone.now())
    job.refresh_from_db()
    change_record_create(actor=None, action="report_failed", obj=job, before=before,
                         after={"state": job.state, "attempts": job.attempts}, reason=message)
    report_job_notify(job=job)
    return job


@transaction.atomic
def report_job_lost(*, job_id: int, task_id: str, again: str, failed: str) -> ReportJob | None:
    """A build whose worker died (killed, machine lost) while it held task `task_id`: queued again as a new task
    for any worker, with the message `again`, at most CHIDAO_TASKS["lost_requeues"] times (so a build that kills
    its worker is not run for ever); after that, recorded as failed with the message `failed`. Decided under the
    row's lock: a job finished meanwhile, or already queued again by another worker's sweep (its task is no longer
    `task_id`), is left alone (None)."""
    job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.finished or job.task_id != task_id:
        return None
    if job.requeues >= int(settings.CHIDAO_TASKS.get("lost_requeues", 0)):
        return report_job_fail(job_id=job_id, message=failed)
    before = {"state": job.state, "progress": job.progress, "requeues": job.requeues}
    from .tasks import report_build_task

    result = report_build_task.enqueue(job.pk)  # the queue row commits with the job's new state, or neither
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJob.State.QUEUED, progress=0, message=again, task_id=str(result.id),
        requeues=F("requeues") + 1, heartbeat_at=timezone.now())
    job.refresh_from_db()
    change_record_create(actor=None, action="report_requeued", obj=job, before=before,
                         after={"state": job.state, "requeues": job.requeues}, reason=again)
    return job


def report_failure_message(exc: BaseException, attempts: int) -> str:
    """What the page says about a failed build: the parameters' messages, or the error (with the number of
    attempts when it was tried again)."""
    if isinstance(exc, ValidationError):
        return error_text(exc)
    if attempts > 1:
        return _("Lỗi khi lập báo cáo (đã thử %(n)s lần): %(e)s") % {"n": attempts, "e": error_text(exc)}
    return _("Lỗi khi lập báo cáo: %(e)s") % {"e": error_text(exc)}


# --- Word templates -----------------------------------------------------------------------------------


def _template_sample_check(content: bytes) -> None:
    """A replacement template must open and render; errors come back in words, nothing is saved."""
    try:
        tpl = DocxTemplate(io.BytesIO(content))
        # Rendered without figures, in the sandbox: every name the template uses is an empty value that may be
        # followed, looped over or printed, so a sound template passes and a broken one (syntax) is refused,
        # and so is one that reaches outside its context.
        docx_render(tpl, {}, sample=True)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError({"file": _("Mẫu không hợp lệ: %(e)s") % {"e": exc}}) from exc


@transaction.atomic
def report_template_replace(*, actor: User, kind: str, upload: UploadedFile) -> ReportTemplate:
    """Replace a default Word template (administrators only)."""
    if not can_manage_report_templates(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay mẫu văn bản."))
    if kind not in TemplateKind.values:
        raise ValidationError({"kind": _("Loại mẫu không hợp lệ.")})
    upload_check(upload, extensions=[".docx"])
    content = upload.read()
    _template_sample_check(content)
    existing = ReportTemplate.objects.filter(kind=kind).first()
    before = snapshot(existing, TEMPLATE_FIELDS) if existing else None
    if existing:
        existing.file.delete(save=False)
    template = existing or ReportTemplate(kind=kind)
    template.original_name = (upload.name or "")[:255]
    template.uploaded_by = actor
    template.uploaded_at = timezone.now()
    template.file.save(f"{kind}.docx", ContentFile(content), save=False)
    template.save()
    change_record_create(actor=actor, action="update" if existing else "create", obj=template, before=before,
                         after=snapshot(template, TEMPLATE_FIELDS), reason=_("Thay mẫu văn bản"))
    return template


@transaction.atomic
def report_template_reset(*, actor: User, kind: str) -> None:
    """Go back to the default template."""
    if not can_manage_report_templates(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay mẫu văn bản."))
    existing = ReportTemplate.objects.filter(kind=kind).first()
    if existing is None:
        return
    before = snapshot(existing, TEMPLATE_FIELDS)
    change_record_create(actor=actor, action="delete", obj=existing, before=before, after=None,
                         reason=_("Dùng lại mẫu mặc định"))
    existing.file.delete(save=False)
    existing.delete()
