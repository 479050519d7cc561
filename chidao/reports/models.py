"""Report builds run in the background, and the Word templates an administrator may replace."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.core.models import OutgoingDocument, User
from chidao.programs.models import Program


class TemplateKind(models.TextChoices):
    PROGRAM_REPORT = "program_report", _("Báo cáo chương trình (tổng kết năm, định kỳ)")
    REMINDER_DISPATCH = "reminder_dispatch", _("Công văn đôn đốc")


def template_path(instance: "ReportTemplate", filename: str) -> str:
    return f"report-templates/{instance.kind}.docx"


class ReportTemplate(models.Model):
    """A replacement for one of the default Word templates (chidao/core/data/<kind>.docx)."""

    kind = models.CharField(_("loại mẫu"), max_length=32, choices=TemplateKind.choices, unique=True)
    file = models.FileField(_("tệp mẫu"), upload_to=template_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class JobQuerySet(models.QuerySet["ReportJob"]):
    def visible_to(self, user: User) -> "JobQuerySet":
        """A user sees the builds they asked for; nobody else's (a report carries its requester's scope)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


def job_path(instance: "ReportJob", filename: str) -> str:
    return f"reports/{instance.pk}/{filename}"


class ReportJob(models.Model):
    """One report build: what was asked, how far it got, and the file it produced."""

    class Kind(models.TextChoices):
        YEAR_END = "year_end", _("Báo cáo tổng kết năm")
        PERIODIC = "periodic", _("Báo cáo định kỳ")
        STOCKTAKE = "stocktake", _("Bộ tài liệu kiểm điểm tiến độ")
        DISPATCH = "dispatch", _("Công văn đôn đốc")

    class Format(models.TextChoices):
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF (.pdf)"
        XLSX = "xlsx", "Excel (.xlsx)"

    class State(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang lập")
        DONE = "done", _("xong")
        FAILED = "failed", _("lỗi")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="report_jobs")
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("định dạng"), max_length=8, choices=Format.choices)
    params = models.JSONField(_("tham số"), default=dict)
    state = models.CharField(_("tình trạng"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.TextField(_("thông báo"), blank=True)
    file = models.FileField(_("tệp"), upload_to=job_path, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # Background run (chidao.core.tasks): attempts made, and the last sign of life (a stale one is swept).
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    # Times the build was queued again because its worker died (at most CHIDAO_TASKS["lost_requeues"]).
    requeues = models.PositiveSmallIntegerField(_("số lần xếp lại hàng đợi"), default=0)
    heartbeat_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # Issued (ban hành) by the standing office: its entry in the register of outgoing documents; the file is then
    # built again with the number and the signer (a draft has none).
    document = models.ForeignKey(OutgoingDocument, verbose_name=_("số văn bản"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần lập báo cáo")
        verbose_name_plural = _("lần lập báo cáo")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.format})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
