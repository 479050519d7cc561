"""Administrative procedures (thủ tục hành chính), the decisions that publish them, reviews, processing figures.

Decree 63/2010/NĐ-CP as amended by Decree 92/2017/NĐ-CP: a procedure has code, name, level, field, steps,
method, dossier and copies, time limit, who files, deciding agency and, where applicable, forms, result,
conditions, fees and legal basis. A publication decision lists procedures as new, amended, replaced (naming
what each replaces) or abolished; a procedure's status at any date derives from those items.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from chidao.core.models import Unit


class Level(models.TextChoices):
    PROVINCE = "province", _("cấp tỉnh")
    COMMUNE = "commune", _("cấp xã")


class Procedure(models.Model):
    """A procedure's identity and its current content (earlier contents are kept as versions)."""

    code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    name = models.TextField(_("tên thủ tục"))
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices)
    field = models.CharField(_("lĩnh vực"), max_length=200, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT,
                             related_name="procedures")
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    method = models.TextField(_("cách thức thực hiện"), blank=True)
    dossier = models.TextField(_("thành phần hồ sơ"), blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), null=True, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"), null=True,
                                                       blank=True)
    filers = models.TextField(_("đối tượng thực hiện"), blank=True)
    deciding_agency = models.CharField(_("cơ quan có thẩm quyền quyết định"), max_length=300, blank=True)
    forms = models.TextField(_("mẫu đơn, tờ khai"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    fees = models.TextField(_("phí, lệ phí"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [models.Index(fields=["unit", "code"]), models.Index(fields=["level", "field"])]
        # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
        constraints = [models.UniqueConstraint(Lower("code"), name="procedure_code_ci_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """The content a procedure had from `valid_from` (written when a decision amends it)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("lần"))
    valid_from = models.DateField(_("áp dụng từ"))
    content = models.JSONField(_("nội dung"))
    item = models.ForeignKey("DecisionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_unique")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


def decision_path(instance: "PublicationDecision", filename: str) -> str:
    return f"decisions/{instance.pk or 'new'}/{filename}"


class PublicationDecision(models.Model):
    """A quyết định công bố: its number, dates, issuer and file."""

    number = models.CharField(_("số quyết định"), max_length=64, unique=True)
    title = models.TextField(_("trích yếu"), blank=True)
    signed_on = models.DateField(_("ngày ký"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    issuer = models.ForeignKey(Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("tệp quyết định"), upload_to=decision_path, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        ordering = ["-effective_on", "number"]
        # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
        constraints = [models.UniqueConstraint(Lower("number"), name="decision_number_ci_unique")]
        indexes = [models.Index(fields=["effective_on"])]

    def __str__(self) -> str:
        return self.number


class ItemAction(models.TextChoices):
    NEW = "new", _("công bố mới")
    AMENDED = "amended", _("sửa đổi, bổ sung")
    REPLACED = "replaced", _("thay thế")
    ABOLISHED = "abolished", _("bãi bỏ")


class DecisionItem(models.Model):
    """One line of a decision. For "replaced", `procedure` is the new procedure and `replaces` the old one."""

    decision = models.ForeignKey(PublicationDecision, on_delete=models.CASCADE, related_name="items")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="items")
    action = models.CharField(_("nội dung công bố"), max_length=16, choices=ItemAction.choices)
    replaces = models.ForeignKey(Procedure, verbose_name=_("thay thế thủ tục"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="replaced_by_items")
    # Copied from the decision so status and counts filter on one table.
    effective_on = models.DateField(_("ngày có hiệu lực"), db_index=True)

    class Meta:
        verbose_name = _("thủ tục trong quyết định")
        verbose_name_plural = _("thủ tục trong quyết định")
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "procedure", "action"], name="decision_item_unique"),
            models.CheckConstraint(
                condition=(models.Q(action="replaced", replaces__isnull=False)
                           | (~models.Q(action="replaced") & models.Q(replaces__isnull=True))),
                name="decision_item_replaces_only_when_replaced"),
        ]
        indexes = [models.Index(fields=["procedure", "effective_on"]), models.Index(fields=["action", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.decision.number}: {self.get_action_display()} {self.procedure.code}"


class ReviewCampaign(models.Model):
    """A review (đợt rà soát) of groups of procedures, e.g. the five groups reviewed in 2021."""

    name = models.CharField(_("tên đợt rà soát"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    lead_unit = models.ForeignKey(Unit, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("đợt rà soát")
        verbose_name_plural = _("đợt rà soát")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class ReviewGroup(models.Model):
    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nhóm thủ tục"), max_length=300)
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="review_groups")

    class Meta:
        verbose_name = _("nhóm rà soát")
        verbose_name_plural = _("nhóm rà soát")
        ordering = ["campaign", "id"]

    def __str__(self) -> str:
        return self.name


class Proposal(models.TextChoices):
    KEEP = "keep", _("giữ nguyên")
    SIMPLIFY = "simplify", _("đơn giản hóa")
    REPLACE = "replace", _("thay thế")
    ABOLISH = "abolish", _("bãi bỏ")


class ReviewFinding(models.Model):
    """What the review found about one procedure, what it proposed, and the decision item that carried it out."""

    group = models.ForeignKey(ReviewGroup, on_delete=models.CASCADE, related_name="findings")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="findings")
    finding = models.TextField(_("kết quả rà soát"))
    proposal = models.CharField(_("đề xuất"), max_length=16, choices=Proposal.choices)
    outcome = models.ForeignKey(DecisionItem, verbose_name=_("đã thực hiện tại"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="findings")

    class Meta:
        verbose_name = _("kết quả rà soát")
        verbose_name_plural = _("kết quả rà soát")
        ordering = ["group", "procedure__code"]

    def __str__(self) -> str:
        return f"{self.procedure.code}: {self.get_proposal_display()}"


class ProcessingFigure(models.Model):
    """Dossiers of one procedure in one period, as exported by the one-stop shop (một cửa)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="figures")
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    received = models.PositiveIntegerField(_("tiếp nhận"))
    on_time = models.PositiveIntegerField(_("giải quyết đúng hạn"))
    late = models.PositiveIntegerField(_("giải quyết quá hạn"))
    pending = models.PositiveIntegerField(_("đang giải quyết"))
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("số liệu giải quyết hồ sơ")
        verbose_name_plural = _("số liệu giải quyết hồ sơ")
        ordering = ["procedure", "-period_start"]
        constraints = [models.UniqueConstraint(fields=["procedure", "period_start", "period_end"],
                                               name="processing_figure_unique")]
        indexes = [models.Index(fields=["period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.period_start:%d/%m/%Y}-{self.period_end:%d/%m/%Y}"
