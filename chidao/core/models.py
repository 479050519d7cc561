"""Organization tree, accounts with roles, change records and API tokens."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    LOCALITY = "locality", _("Tỉnh, thành phố")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy đảng")
    PARTY_BODY = "party_body", _("Ban, cơ quan tham mưu của cấp ủy")
    PEOPLES_COUNCIL = "peoples_council", _("Hội đồng nhân dân")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành; phòng, ban, văn phòng")
    MASS_ORGANIZATION = "mass_organization", _("Mặt trận, đoàn thể")
    SCHOOL = "school", _("Trường, đơn vị sự nghiệp")
    DISTRICT = "district", _("Quận, huyện, thị xã (trước 01/7/2025)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    PARTY_CELL = "party_cell", _("Chi bộ")


class UnitLevel(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Cấp huyện (đến 30/6/2025)")
    COMMUNE = "commune", _("Cấp xã")


class UnitQuerySet(models.QuerySet["Unit"]):
    def current(self, on: dt.date | None = None) -> "UnitQuerySet":
        """Units in force on a date (today by default): dated units keep old records resolvable."""
        on = on or dt.date.today()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )


class Unit(models.Model):
    """An agency or locality; a dated node of the organization tree."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    level = models.CharField(_("cấp"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Merge lineage: a unit that ceased lists the units that took over its area or duties.
    successors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )
    official_code = models.CharField(_("mã hành chính"), max_length=16, blank=True)
    # Approved staffing (biên chế được giao) of an agency or of a department inside it.
    headcount = models.PositiveIntegerField(_("biên chế được giao"), null=True, blank=True)
    search_text = models.CharField(max_length=600, blank=True, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("code"), name="unit_code_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    STEERING = "steering", _("Thành viên Ban Chỉ đạo")
    OFFICE = "office", _("Cơ quan thường trực")
    LEAD_OFFICER = "lead_officer", _("Cán bộ đơn vị chủ trì")
    PERSONNEL = "personnel", _("Cán bộ tổ chức")
    REFORM = "reform", _("Cơ quan cải cách hành chính")
    AUDITOR = "auditor", _("Kiểm tra, giám sát")


# Roles that read every program record (scoping: core.permissions).
READ_ALL_ROLES = frozenset({Role.ADMIN, Role.STEERING, Role.OFFICE, Role.AUDITOR})
MANAGE_ROLES = frozenset({Role.ADMIN, Role.OFFICE})


class User(AbstractUser):
    """An account. `role` in `unit` is the main grant; `RoleGrant` rows add more (a personnel officer for two
    agencies, a lead officer who also coordinates for a department). Permission predicates and scope querysets
    read every grant through `grants()`, `has_role()` and `units_with_role()`, never `role`/`unit` alone."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.LEAD_OFFICER)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    # A temporary password shown once to an administrator must be replaced at the first sign-in.
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    # Part of the session hash: bumping it (deactivation, second factor reset) ends every session at once.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # When the user last opened "Việc của tôi": a steering member's inbox shows what changed since then.
    inbox_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        # Login names and e-mail addresses are unique whatever their case (the services also ignore diacritics).
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_session_auth_hash(self) -> str:
        """Django's hash of the password, salted with the epoch: a session signed before a bump is refused."""
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "chidao.core.models.User.get_session_auth_hash", f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def grants(self) -> list[tuple[str, int | None]]:
        """Every (role, unit id) the user acts with: the main one first, then the extra grants. The extra grants
        are read once per user object (once per request for `request.user`); `grants_clear()` after changing
        them."""
        extra: list[tuple[str, int | None]] | None = getattr(self, "_grants", None)
        if extra is None:
            extra = [(g.role, g.unit_id) for g in self.role_grants.all()] if self.pk is not None else []
            self._grants = extra
        # The main grant is read live: a role or unit changed on this object counts at once.
        return [(self.role, self.unit_id), *extra]

    def grants_clear(self) -> None:
        for attr in ("_grants", "_unit_subtree", "_role_subtrees"):
            self.__dict__.pop(attr, None)

    def has_role(self, *roles: str) -> bool:
        """Whether any grant carries one of `roles` (a superuser counts as an administrator)."""
        if self.is_superuser and Role.ADMIN in roles:
            return True
        return any(role in roles for role, _unit in self.grants())

    def units_with_role(self, *roles: str) -> set[int]:
        """The units where the user holds one of `roles` (the units themselves, not their subtrees)."""
        return {unit for role, unit in self.grants() if role in roles and unit is not None}

    def unit_ids(self) -> set[int]:
        """Every unit the user acts in, whatever the role."""
        return {unit for _role, unit in self.grants() if unit is not None}

    @property
    def reads_all(self) -> bool:
        return self.is_superuser or self.has_role(*READ_ALL_ROLES)

    @property
    def manages(self) -> bool:
        return self.is_superuser or self.has_role(*MANAGE_ROLES)


class RoleGrant(models.Model):
    """One more role in one more unit for a user, with the same scope rules as the main grant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("vai trò bổ sung")
        verbose_name_plural = _("vai trò bổ sung")
        ordering = ["user_id", "role", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="role_grant_unique")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.unit_id}"


class ChangeRecord(models.Model):
    """One audited write: who, when, what it was before and after, and why."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=32)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("bản ghi thay đổi")
        verbose_name_plural = _("bản ghi thay đổi")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


class TokenScope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")


def token_default_expiry() -> dt.datetime:
    """A token lives CHIDAO_TOKEN_DAYS days (90 unless set) unless its owner chooses a shorter life."""
    return timezone.now() + dt.timedelta(days=settings.CHIDAO_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("quyền"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), default=token_default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class NotificationKind(models.TextChoices):
    """What a notification tells; each user chooses per kind how it reaches them by email."""

    REMINDER_DIGEST = "reminder_digest", _("nhắc việc hằng ngày")
    ASSIGNED = "assigned", _("được giao nội dung")
    SUBMITTED = "submitted", _("nội dung trình phê duyệt")
    RETURNED = "returned", _("nội dung bị trả lại")
    APPROVED = "approved", _("nội dung được phê duyệt")
    DIRECTIVE = "directive", _("ý kiến chỉ đạo")
    EXTENSION_REQUESTED = "extension_requested", _("đề nghị gia hạn")
    EXTENSION_DECIDED = "extension_decided", _("gia hạn được chấp thuận hoặc không")
    CONCLUSION_TASK = "conclusion_task", _("kết luận giao nhiệm vụ")
    ROTATION_PUBLISHED = "rotation_published", _("phương án luân chuyển được ban hành")
    REPORT_FINISHED = "report_finished", _("báo cáo đã lập xong hoặc bị lỗi")


class EmailMode(models.TextChoices):
    """How one kind of notification reaches a user by email (it always shows in the app)."""

    IMMEDIATE = "immediate", _("gửi thư ngay")
    DIGEST = "digest", _("gộp vào thư nhắc việc hằng ngày")
    OFF = "off", _("không gửi thư")


class EmailState(models.TextChoices):
    """Where a notification's email is: the worker claims PENDING rows one by one (pending -> sending -> sent),
    so a retried task or a second worker never mails the same row twice."""

    NONE = "none", _("không gửi thư")
    PENDING = "pending", _("chờ gửi")
    SENDING = "sending", _("đang gửi")
    DIGEST = "digest", _("chờ thư hằng ngày")
    SENT = "sent", _("đã gửi")
    FAILED = "failed", _("gửi lỗi")


class Notification(models.Model):
    """An in-app message to one user; reminder digests are also emailed.

    At most one per user, kind and day (the constraint, not the code, is what keeps two workers
    from sending the same digest twice).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=32, choices=NotificationKind.choices)
    day = models.DateField(_("ngày"))
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    # Each item: deliverable_id, program_number, code, title, deadline (ISO), days_overdue, days_left.
    items = models.JSONField(default=list, blank=True)
    # An event's notifications share its key (e.g. "submitted:deliverable:12:status:345"): one row per user and
    # key, whatever retries or races happen (the constraint decides). Digests have none.
    event_key = models.CharField(max_length=120, blank=True, default="")
    link = models.CharField(_("liên kết"), max_length=300, blank=True, default="")
    email_state = models.CharField(
        _("thư"), max_length=16, choices=EmailState.choices, default=EmailState.NONE
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-day", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "day"], condition=models.Q(kind="reminder_digest"),
                name="notification_one_per_day",
            ),
            models.UniqueConstraint(
                fields=["user", "event_key"], condition=~models.Q(event_key=""), name="notification_one_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["event_key"], name="notification_event_idx"),
            models.Index(fields=["email_state", "user"], name="notification_email_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    def entries(self) -> list[dict[str, object]]:
        """The items with their deadline as a date (stored as ISO text in JSON), for templates."""
        return [{**item, "deadline": dt.date.fromisoformat(item["deadline"])} for item in self.items]


class NotificationPreference(models.Model):
    """A user's choice of how one kind of notification reaches them by email (no row: immediately)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("loại"), max_length=32, choices=NotificationKind.choices)
    email = models.CharField(_("thư điện tử"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.email}"


class WorkerHeartbeat(models.Model):
    """A running `chidao worker` (chidao.core.tasks): it beats every CHIDAO_TASKS["heartbeat_seconds"] and removes
    its row when it stops cleanly, so a row silent for CHIDAO_TASKS["heartbeat_stale_seconds"] is a worker that
    died (killed, machine down), and the jobs it held are failed at once instead of after
    CHIDAO_TASKS["stale_after_seconds"] without progress."""

    worker_id = models.CharField(max_length=64, unique=True)  # the id it claims queue rows with (db_worker's)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("tiến trình xử lý nền")
        verbose_name_plural = _("tiến trình xử lý nền")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


# --- The register of outgoing documents (sổ văn bản đi) and its signers ------------------------------------


class DocumentType(models.TextChoices):
    """The kind of an outgoing document, by the abbreviation printed in its number (Decree 30/2020/NĐ-CP,
    Appendix III; Hướng dẫn 36-HD/VPTW)."""

    REPORT = "BC", _("Báo cáo")
    PLAN = "KH", _("Kế hoạch")
    DECISION = "QĐ", _("Quyết định")
    DISPATCH = "CV", _("Công văn")
    NOTICE = "TB", _("Thông báo")
    SUBMISSION = "TTr", _("Tờ trình")
    GUIDANCE = "HD", _("Hướng dẫn")
    CONCLUSION = "KL", _("Kết luận")


class Issuer(models.Model):
    """An issuing body (cơ quan ban hành) and the key of its numbering: a unit plus the code printed after the
    document type. The unit itself issues with its own abbreviation ("UBND", "TU"); a body working under it with a
    numbering of its own — a program's steering committee, "BCĐ" — is the same unit with another code. The
    format (Party or State) follows the unit's kind (`core.documents.document_format`)."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="issuers")
    code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=32)
    name = models.CharField(_("tên cơ quan ban hành"), max_length=255)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("cơ quan ban hành")
        verbose_name_plural = _("cơ quan ban hành")
        ordering = ["name", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="issuer_unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SignForm(models.TextChoices):
    NONE = "", _("Ký trực tiếp")
    ON_BEHALF = "T/M", _("T/M (thay mặt tập thể)")
    DEPUTY = "K/T", _("K/T (ký thay người đứng đầu)")
    BY_ORDER = "T/L", _("T/L (thừa lệnh)")


class Signer(models.Model):
    """A signing line of an issuing body: the form (T/M, K/T, T/L or none), the collective body signed for
    (T/M "BAN CHỈ ĐẠO"), the head's title, the title of whoever signs in the head's stead (K/T, T/L), and the name."""

    issuer = models.ForeignKey(Issuer, verbose_name=_("cơ quan ban hành"), on_delete=models.CASCADE,
                               related_name="signers")
    form = models.CharField(_("hình thức ký"), max_length=4, choices=SignForm.choices, blank=True, default="")
    body = models.CharField(_("tập thể (khi ký T/M)"), max_length=120, blank=True)
    title = models.CharField(_("chức danh"), max_length=120)
    deputy_title = models.CharField(_("chức danh người ký thay, thừa lệnh"), max_length=120, blank=True)
    name = models.CharField(_("họ và tên người ký"), max_length=150)
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("người ký")
        verbose_name_plural = _("người ký")
        ordering = ["issuer_id", "order", "id"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.form, self.body, self.deputy_title or self.title, self.name) if part)


class DocumentCounter(models.Model):
    """The last number given per issuing body, year and type: locked (select_for_update) while the next is taken."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    type_code = models.CharField(max_length=8, choices=DocumentType.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year", "type_code"], name="document_counter_unique")]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.year}/{self.type_code}: {self.last}"


class OutgoingDocument(models.Model):
    """One entry of the register of outgoing documents: its number, never given twice (the constraint decides)."""

    issuer = models.ForeignKey(Issuer, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT,
                               related_name="documents")
    year = models.PositiveSmallIntegerField(_("năm"))
    type_code = models.CharField(_("loại văn bản"), max_length=8, choices=DocumentType.choices)
    number = models.PositiveIntegerField(_("số"))
    number_text = models.CharField(_("số, ký hiệu"), max_length=80)
    title = models.TextField(_("trích yếu"))
    issued_on = models.DateField(_("ngày ban hành"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người vào sổ"), on_delete=models.PROTECT,
                                  related_name="+")
    signer = models.ForeignKey(Signer, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="documents")
    signer_text = models.CharField(_("người ký"), max_length=300, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    search_text = models.CharField(max_length=1000, blank=True, editable=False)
    created_at = models.DateTimeField(_("vào sổ lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("sổ văn bản đi")
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["issuer", "year", "type_code", "number"],
                                               name="outgoing_document_number_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="outgoing_document_obj_idx")]

    def __str__(self) -> str:
        return self.number_text
