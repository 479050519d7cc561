"""Indicators (chỉ số, chỉ tiêu) with their targets and reported actuals; special task forces (tổ công tác).

An indicator such as the public investment disbursement rate or the PAR Index has a baseline, targets
(the value to reach by a date) and actuals reported by units with their source. The target path, the
red/amber/green rating and the forecast are computed by `rules.py` from these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chidao.core.models import Unit, User


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def visible_to(self, user: User) -> "IndicatorQuerySet":
        """Every signed-in, active user reads every indicator (they are published figures)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class Indicator(models.Model):
    code = models.CharField(_("mã chỉ số"), max_length=32, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=32, help_text=_("Ví dụ: %, điểm"))
    higher_is_better = models.BooleanField(_("càng cao càng tốt"), default=True)
    baseline_value = models.DecimalField(_("giá trị gốc"), max_digits=12, decimal_places=2)
    baseline_date = models.DateField(_("thời điểm gốc"))
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chịu trách nhiệm"), on_delete=models.PROTECT, related_name="indicators"
    )
    description = models.TextField(_("mô tả"), blank=True)
    source_description = models.TextField(_("nguồn số liệu"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["code"]
        # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
        constraints = [models.UniqueConstraint(Lower("code"), name="indicator_code_ci_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_percentage(self) -> bool:
        return self.unit_of_measure.strip() == "%"


class Target(models.Model):
    """The value to reach by `period_end` (the period may be named by a Decree 09/2019 code, e.g. 2021-Q4)."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ số"), on_delete=models.CASCADE,
                                  related_name="targets")
    period_code = models.CharField(_("kỳ"), max_length=16, blank=True)
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày"))
    value = models.DecimalField(_("chỉ tiêu"), max_digits=12, decimal_places=2)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["indicator", "period_end"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period_end"], name="target_one_per_end")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_end:%d/%m/%Y}: {self.value}"


class Actual(models.Model):
    """A value reported for a date, by whom, for which unit, and where it comes from."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("chỉ số"), on_delete=models.CASCADE,
                                  related_name="actuals")
    as_of = models.DateField(_("số liệu tại ngày"))
    value = models.DecimalField(_("giá trị thực hiện"), max_digits=12, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=500)
    reporting_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT,
                                       related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"),
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("báo cáo lúc"), default=timezone.now)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("số liệu thực hiện")
        verbose_name_plural = _("số liệu thực hiện")
        ordering = ["indicator", "as_of"]
        constraints = [models.UniqueConstraint(fields=["indicator", "as_of"], name="actual_one_per_date")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.as_of:%d/%m/%Y}: {self.value}"


class TaskForceQuerySet(models.QuerySet["TaskForce"]):
    def visible_to(self, user: User) -> "TaskForceQuerySet":
        """Every signed-in, active user reads every task force."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class TaskForce(models.Model):
    """A special task force (tổ công tác đặc biệt): its decision, remit, members, and what it follows."""

    name = models.CharField(_("tên tổ công tác"), max_length=500)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    remit = models.TextField(_("nhiệm vụ, quyền hạn"))
    leader = models.CharField(_("tổ trưởng"), max_length=300, blank=True)
    procedures = models.ManyToManyField("procedures.Procedure", verbose_name=_("thủ tục liên quan"), blank=True,
                                        related_name="task_forces")
    deliverables = models.ManyToManyField("programs.Deliverable", verbose_name=_("nội dung liên quan"), blank=True,
                                          related_name="task_forces")
    active_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    objects = TaskForceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổ công tác")
        verbose_name_plural = _("tổ công tác")
        ordering = ["-active_from", "name"]

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=300, blank=True)
    role = models.CharField(_("vai trò trong tổ"), max_length=64, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên tổ công tác")
        verbose_name_plural = _("thành viên tổ công tác")
        ordering = ["task_force", "order", "id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role})" if self.role else self.full_name


class ProjectStatus(models.TextChoices):
    BLOCKED = "blocked", _("đang vướng mắc")
    CLEARING = "clearing", _("đang tháo gỡ")
    CLEARED = "cleared", _("đã tháo gỡ")


class TaskForceProject(models.Model):
    """A public investment project the task force follows; capital in billion đồng (tỷ đồng)."""

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("tên dự án"), max_length=500)
    investor = models.CharField(_("chủ đầu tư"), max_length=300, blank=True)
    capital = models.DecimalField(_("tổng mức đầu tư (tỷ đồng)"), null=True, blank=True, max_digits=12,
                                  decimal_places=2)
    status = models.CharField(_("tình trạng"), max_length=16, choices=ProjectStatus.choices,
                              default=ProjectStatus.BLOCKED)
    note = models.TextField(_("vướng mắc, kết quả"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("dự án")
        verbose_name_plural = _("dự án")
        ordering = ["task_force", "order", "id"]

    def __str__(self) -> str:
        return self.name
