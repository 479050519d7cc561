"""Rotation rounds: who is due and why, the proposed plan (moves), and its way to the service records.

A round moves draft → proposed (the optimizer's plan, editable) → approved → published → applied.
Every step is a service that writes a change record (who, when, what).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chidao.core.models import OutgoingDocument, Role, Unit, User
from chidao.personnel.models import Person, Position


class RoundKind(models.TextChoices):
    PERIODIC_CHANGE = "periodic_change", _("chuyển đổi vị trí công tác định kỳ")
    ROTATION = "rotation", _("luân chuyển cán bộ")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("dự thảo")
    SOLVING = "solving", _("đang lập phương án")
    PROPOSED = "proposed", _("đã có phương án")
    APPROVED = "approved", _("đã phê duyệt")
    PUBLISHED = "published", _("đã công khai")
    APPLIED = "applied", _("đã thực hiện")


class RoundQuerySet(models.QuerySet["RotationRound"]):
    def visible_to(self, user: User) -> "RoundQuerySet":
        """Administrators and the standing office (in any grant) see every round; a personnel officer the
        rounds whose scope lies in the subtrees of their personnel grants' units; nobody else any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.ADMIN, Role.OFFICE):
            return self
        if user.units_with_role(Role.PERSONNEL):
            from chidao.core.reference import user_role_subtree_ids

            return self.filter(scope_id__in=user_role_subtree_ids(user, Role.PERSONNEL))
        return self.none()


class RotationRound(models.Model):
    name = models.CharField(_("tên đợt"), max_length=200)
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại"), max_length=20, choices=RoundKind.choices)
    scope = models.ForeignKey(Unit, verbose_name=_("phạm vi (đơn vị và các đơn vị trực thuộc)"),
                              on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("tình trạng"), max_length=16, choices=RoundState.choices, default=RoundState.DRAFT)
    as_of = models.DateField(_("tính đến ngày"))
    effective_on = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    unit_cap_percent = models.PositiveSmallIntegerField(_("tỷ lệ tối đa tiếp nhận mỗi đơn vị (%)"), default=20)
    # The last solver run (the plan's figures and the progress the page shows).
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    solver_status = models.CharField(max_length=16, blank=True)
    solver_objective = models.BigIntegerField(null=True, blank=True)
    solver_lower_bound = models.BigIntegerField(null=True, blank=True)
    solver_seconds = models.FloatField(null=True, blank=True)
    # The background run of the solver (chidao.core.tasks): its queue id, attempts made, the last failure.
    solve_task_id = models.CharField(max_length=64, blank=True)
    solve_attempts = models.PositiveSmallIntegerField(default=0)
    solve_error = models.CharField(_("lỗi lần lập phương án gần nhất"), max_length=300, blank=True)
    decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=64, blank=True)
    # The plan's own number (kế hoạch KH for a periodic change, quyết định QĐ for a rotation), taken from the
    # register of outgoing documents when it is published; `decision_number` stays the approving decision's.
    document = models.ForeignKey(OutgoingDocument, verbose_name=_("số văn bản"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt luân chuyển, chuyển đổi")
        verbose_name_plural = _("đợt luân chuyển, chuyển đổi")
        ordering = ["-year", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class DueStatus(models.TextChoices):
    DUE = "due", _("đến hạn")
    EXEMPT = "exempt", _("không thuộc diện (miễn)")
    DEFERRED = "deferred", _("chưa thực hiện (tạm hoãn)")
    NOT_YET = "not_yet", _("chưa đến hạn")
    NOT_TARGET = "not_target", _("không thuộc đối tượng")


class DueEntry(models.Model):
    """One person's place on a round's due list, with the reasons and the legal basis."""

    round = models.ForeignKey(RotationRound, on_delete=models.CASCADE, related_name="due_entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, verbose_name=_("chức danh hiện nay"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("kết quả"), max_length=16, choices=DueStatus.choices)
    reasons = models.JSONField(_("lý do"), default=list)
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    due_on = models.DateField(_("đến hạn ngày"), null=True, blank=True)
    included = models.BooleanField(_("đưa vào phương án"), default=False)
    added_reason = models.TextField(_("lý do bổ sung"), blank=True)

    class Meta:
        verbose_name = _("danh sách đến hạn")
        verbose_name_plural = _("danh sách đến hạn")
        ordering = ["round", "status", "person__sort_key"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="due_entry_unique")]
        # A round's counts per status and of those included (round list, due list, plan) without reading rows.
        indexes = [models.Index(fields=["round", "status", "included"], name="due_entry_round_status")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class MoveSource(models.TextChoices):
    SOLVER = "solver", _("đề xuất của hệ thống")
    MANUAL = "manual", _("điều chỉnh thủ công")


class Move(models.Model):
    """One proposed move of the plan: who, from which post to which, why, and what else was possible."""

    round = models.ForeignKey(RotationRound, on_delete=models.CASCADE, related_name="moves")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    from_position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_position = models.ForeignKey(Position, verbose_name=_("chức danh đến"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    cost = models.IntegerField(_("điểm khác biệt"), null=True, blank=True)
    reasons = models.JSONField(_("lý do"), default=list)
    alternatives = models.JSONField(_("phương án khác"), default=list)
    unplaced_reason = models.TextField(_("lý do chưa bố trí"), blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=MoveSource.choices, default=MoveSource.SOLVER)
    violations = models.JSONField(_("vi phạm quy định"), default=list)
    override_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    applied_assignment = models.ForeignKey("personnel.Assignment", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")

    class Meta:
        verbose_name = _("đề xuất điều chuyển")
        verbose_name_plural = _("đề xuất điều chuyển")
        ordering = ["round", "person__sort_key"]
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="move_one_per_person")]
        # Who the plan gives a post to (`plan._posts_taken`, the hand edit's checks) without reading every move.
        indexes = [models.Index(fields=["round", "to_position", "id"], name="move_round_to_position")]

    def __str__(self) -> str:
        return f"{self.person} → {self.to_position or '—'}"
