"""Programs, their deliverables and everything recorded about a deliverable on its way to approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from chidao.core.models import Unit, User
from chidao.core.signing import SignatureState, signature_message


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, user: User) -> "ProgramQuerySet":
        """Programs a user may open: all for read-all roles; those where a unit of one of their grants leads
        or coordinates a deliverable."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.reads_all:
            return self
        units = user.unit_ids()
        if not units:
            return self.none()
        return self.filter(
            Q(deliverables__lead_unit_id__in=units) | Q(deliverables__coordinating_units__in=units)
        ).distinct()


class Program(models.Model):
    """A multi-year work program such as 01-CTr/TU."""

    number = models.CharField(_("số hiệu"), max_length=64, unique=True)
    title = models.TextField(_("tên chương trình"))
    issuing_body = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("ngày ban hành"))
    term = models.CharField(_("nhiệm kỳ, khóa"), max_length=32, blank=True)
    period_start = models.PositiveSmallIntegerField(_("từ năm"))
    period_end = models.PositiveSmallIntegerField(_("đến năm"))
    steering_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan thường trực"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["-issued_on", "number"]
        # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
        constraints = [models.UniqueConstraint(Lower("number"), name="program_number_ci_unique")]

    def __str__(self) -> str:
        return f"Chương trình số {self.number}"


class Kind(models.TextChoices):
    THEMATIC = "chuyen_de", _("chuyên đề")
    SCHEME = "de_an", _("đề án")
    STUDY = "de_tai", _("đề tài")
    PLAN = "ke_hoach", _("kế hoạch")
    TASK = "nhiem_vu", _("nhiệm vụ")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("chưa triển khai")
    IN_PROGRESS = "in_progress", _("đang thực hiện")
    DRAFT_DONE = "draft_done", _("đã hoàn thành dự thảo")
    SUBMITTED = "submitted", _("đã trình")
    COMPLETED = "completed", _("đã hoàn thành")
    RETURNED = "returned", _("trả lại")
    CANCELLED = "cancelled", _("dừng")


class DeadlineClass(models.TextChoices):
    """The Government Office's four classes of a task against its deadline."""

    DONE_ON_TIME = "done_on_time", _("hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("hoàn thành quá hạn")
    OPEN_ON_TIME = "open_on_time", _("chưa hoàn thành trong hạn")
    OPEN_OVERDUE = "open_overdue", _("chưa hoàn thành quá hạn")


class DeliverableQuerySet(models.QuerySet["Deliverable"]):
    def visible_to(self, user: User) -> "DeliverableQuerySet":
        """The one scope every page and endpoint reads deliverables through.

        Read-all roles (in any grant) see everything; a lead-agency officer sees what the units of their
        grants lead or coordinate; anyone else sees nothing.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.reads_all:
            return self
        units = user.unit_ids()
        if not units:
            return self.none()
        coordinated = Deliverable.coordinating_units.through.objects.filter(unit_id__in=units).values(
            "deliverable_id"
        )
        return self.filter(Q(lead_unit_id__in=units) | Q(pk__in=coordinated))


class Deliverable(models.Model):
    """A nội dung of a program: assigned to one lead unit, followed to approval."""

    program = models.ForeignKey(
        Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="deliverables"
    )
    code = models.CharField(_("số thứ tự"), max_length=16)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    title = models.TextField(_("tên nội dung"))
    description = models.TextField(_("mô tả"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="led_deliverables"
    )
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="coordinated_deliverables"
    )
    responsible_leader = models.CharField(_("lãnh đạo phụ trách"), max_length=150, blank=True)
    # The responsible leader's cadre record, when known: overdue deliverables flag that person
    # (personnel.flags, "signs of not completing duties").
    responsible_person = models.ForeignKey(
        "personnel.Person", verbose_name=_("lãnh đạo phụ trách (hồ sơ)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="responsible_for",
    )
    original_deadline = models.DateField(_("thời hạn ban đầu"))
    # Current values, kept by the services together with the history rows they summarize.
    deadline = models.DateField(_("thời hạn hiện hành"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    approval_doc_number = models.CharField(_("số văn bản phê duyệt"), max_length=64, blank=True)
    approval_doc_date = models.DateField(_("ngày văn bản phê duyệt"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("nội dung")
        verbose_name_plural = _("nội dung")
        ordering = ["program", "code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="deliverable_code_unique"),
            # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
            models.UniqueConstraint("program", Lower("code"), name="deliverable_code_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["program", "lead_unit"]),
            models.Index(fields=["program", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class StatusChange(models.Model):
    """Each status a deliverable reached, when, by whom and why: the history figures are computed from."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("từ trạng thái"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=16, choices=Status.choices)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("lý do"), blank=True)
    doc_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    doc_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    attachment = models.ForeignKey(
        "Attachment", verbose_name=_("tệp đính kèm"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chuyển trạng thái")
        verbose_name_plural = _("chuyển trạng thái")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class DeadlineExtension(models.Model):
    """A deadline extension the committee approved."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="extensions")
    previous_deadline = models.DateField(_("thời hạn trước"))
    new_deadline = models.DateField(_("thời hạn mới"))
    reason = models.TextField(_("lý do"))
    approved_by = models.CharField(_("người phê duyệt"), max_length=150)
    approved_on = models.DateField(_("ngày phê duyệt"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")
        ordering = ["approved_on", "id"]

    def __str__(self) -> str:
        return f"{self.previous_deadline} → {self.new_deadline}"


class ExtensionRequestQuerySet(models.QuerySet["DeadlineExtensionRequest"]):
    def visible_to(self, user: User) -> "ExtensionRequestQuerySet":
        """The requests of the deliverables the user may see (Deliverable.objects.visible_to)."""
        return self.filter(deliverable__in=Deliverable.objects.visible_to(user).values("pk"))


class DeadlineExtensionRequest(models.Model):
    """A lead unit's (or the office's) request to move a deliverable's deadline; the standing office grants it
    (which records the DeadlineExtension) or refuses it, saying why. One pending request per deliverable."""

    class State(models.TextChoices):
        PENDING = "pending", _("chờ quyết định")
        GRANTED = "granted", _("đồng ý gia hạn")
        REFUSED = "refused", _("không đồng ý")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đề nghị"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("đề nghị lúc"))
    requested_deadline = models.DateField(_("thời hạn đề nghị"))
    reason = models.TextField(_("lý do"))
    state = models.CharField(_("tình trạng"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người quyết định"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến khi quyết định"), blank=True)
    extension = models.ForeignKey(
        DeadlineExtension, verbose_name=_("gia hạn đã ghi nhận"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")

    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable"], condition=Q(state="pending"),
                                    name="extension_request_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.code}: {self.requested_deadline:%d/%m/%Y}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"deliverables/{instance.deliverable_id}/{filename}"


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        APPROVAL = "approval", _("văn bản phê duyệt")
        PROGRESS = "progress", _("báo cáo tiến độ")
        OTHER = "other", _("khác")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng"))
    purpose = models.CharField(_("mục đích"), max_length=16, choices=Purpose.choices, default=Purpose.OTHER)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    # The check of a PDF's digital signatures at upload (chidao.core.signing.pdf_verify); blank for other files.
    signature_state = models.CharField(_("chữ ký số"), max_length=16, choices=SignatureState.choices, blank=True)
    signature_signer = models.CharField(_("người ký"), max_length=255, blank=True)
    signature_signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    signature_checked_at = models.DateTimeField(_("kiểm tra chữ ký lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def signature_message(self) -> str:
        """The check's sentence ("Đã ký số bởi ... lúc ..., hợp lệ", ...), or "" for a file not checked."""
        if not self.signature_state:
            return ""
        return signature_message(self.signature_state, self.signature_signer, self.signature_signed_at)


class Note(models.Model):
    """Progress updates, comments and the committee's directives on a deliverable."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("cập nhật tiến độ")
        COMMENT = "comment", _("ý kiến")
        DIRECTIVE = "directive", _("chỉ đạo")

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    due_on = models.DateField(_("hạn thực hiện chỉ đạo"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("thời điểm"))
    attachments = models.ManyToManyField(Attachment, blank=True, related_name="notes")

    class Meta:
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> "MeetingQuerySet":
        """Meetings of the programs the user may open (Program.objects.visible_to)."""
        return self.filter(program__in=Program.objects.visible_to(user).values("pk"))


class Meeting(models.Model):
    """A steering committee meeting on a program: stocktake, quarterly review or year-end conference."""

    class Kind(models.TextChoices):
        STOCKTAKE = "stocktake", _("họp kiểm điểm tiến độ")
        QUARTERLY = "quarterly", _("sơ kết quý")
        YEAR_END = "year_end", _("tổng kết năm")

    program = models.ForeignKey(
        Program, verbose_name=_("chương trình"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("loại cuộc họp"), max_length=16, choices=Kind.choices)
    title = models.TextField(_("tên hội nghị, cuộc họp"))
    held_on = models.DateField(_("ngày họp"))
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair = models.CharField(_("chủ trì"), max_length=150)
    attendees = models.TextField(_("thành phần dự họp"), blank=True, help_text=_("Mỗi dòng một người hoặc đơn vị."))
    minutes = models.TextField(_("biên bản, tóm tắt"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"))

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("hội nghị, cuộc họp")
        verbose_name_plural = _("hội nghị, cuộc họp")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class AgendaItem(models.Model):
    """One item on a meeting's agenda, with the deliverables and units it concerns."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.TextField(_("nội dung họp"))
    deliverables = models.ManyToManyField(
        Deliverable, verbose_name=_("nội dung liên quan"), blank=True, related_name="agenda_items"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị báo cáo"), blank=True, related_name="+")
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nội dung họp")
        verbose_name_plural = _("nội dung họp")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class MeetingPoint(models.Model):
    """A lesson, difficulty or recommendation raised at a meeting; the reports quote them."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("bài học kinh nghiệm")
        DIFFICULTY = "difficulty", _("khó khăn, hạn chế")
        RECOMMENDATION = "recommendation", _("kiến nghị, đề xuất")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("loại ý kiến"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    speaker = models.CharField(_("người phát biểu"), max_length=150, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"))

    class Meta:
        verbose_name = _("ý kiến tại hội nghị")
        verbose_name_plural = _("ý kiến tại hội nghị")
        ordering = ["kind", "order", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class Conclusion(models.Model):
    """A kết luận of a meeting, tracked as a deliverable (new) or as a directive on an existing one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="conclusions")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung kết luận"))
    lead_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("thời hạn"))
    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("nội dung theo dõi"), on_delete=models.PROTECT, related_name="conclusions"
    )
    note = models.ForeignKey(
        Note, verbose_name=_("chỉ đạo"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("ngày tạo"))

    class Meta:
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"

    @property
    def tracked_as_directive(self) -> bool:
        return self.note_id is not None
