"""Cadre records: people, positions, service history, ratings, discipline, deferring situations, planning.

Who may read a record is decided in one place, `PersonQuerySet.visible_to`; every view of a record is
written to `AccessLog` by the selectors that show it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from chidao.core.models import Role, Unit, User


class Gender(models.TextChoices):
    MALE = "male", _("nam")
    FEMALE = "female", _("nữ")


class ServiceKind(models.TextChoices):
    """Cán bộ, công chức or viên chức: the consequences of ratings and the forms of discipline differ."""

    UNKNOWN = "", _("chưa xác định")
    CADRE = "cadre", _("cán bộ")
    CIVIL_SERVANT = "civil_servant", _("công chức")
    PUBLIC_EMPLOYEE = "public_employee", _("viên chức")


class Sector(models.TextChoices):
    """Sectors whose non-leading staff change position periodically (Decree 59/2019 Art. 36)."""

    NONE = "", _("không thuộc diện")
    PERSONNEL = "personnel", _("tổ chức cán bộ")
    PUBLIC_FINANCE = "public_finance", _("quản lý tài chính công")
    PUBLIC_ASSETS = "public_assets", _("quản lý tài sản công")
    PUBLIC_INVESTMENT = "public_investment", _("đầu tư công")
    CITIZEN_FACING = "citizen_facing", _("trực tiếp tiếp xúc, giải quyết công việc của cơ quan, tổ chức, cá nhân")


class PostLevel(models.IntegerChoices):
    """How senior a post is (planning is only for higher posts)."""

    STAFF = 0, _("chuyên viên")
    DEPUTY_DIVISION = 1, _("phó trưởng phòng và tương đương")
    HEAD_DIVISION = 2, _("trưởng phòng và tương đương")
    DEPUTY_DEPARTMENT = 3, _("phó giám đốc sở và tương đương")
    HEAD_DEPARTMENT = 4, _("giám đốc sở và tương đương")
    CITY_LEADER = 5, _("lãnh đạo thành phố")


class Position(models.Model):
    """A post in a unit (chức danh): leading or not, its seniority, its sector for periodic change."""

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(_("chức danh"), max_length=200)
    is_leader = models.BooleanField(_("lãnh đạo, quản lý"), default=False)
    level = models.PositiveSmallIntegerField(_("cấp chức vụ"), choices=PostLevel.choices, default=PostLevel.STAFF)
    is_key_post = models.BooleanField(_("chức danh chủ chốt"), default=False)
    sector = models.CharField(_("lĩnh vực phải định kỳ chuyển đổi"), max_length=32, choices=Sector.choices,
                              blank=True)
    change_period_months = models.PositiveSmallIntegerField(_("thời hạn định kỳ chuyển đổi (tháng)"), null=True,
                                                            blank=True)
    # How many people the post title employs (số người làm việc theo vị trí): a title of 12 with 11 holders has one
    # vacancy, which a rotation or periodic change may fill.
    headcount = models.PositiveSmallIntegerField(_("số người được giao"), default=1)

    class Meta:
        verbose_name = _("chức danh")
        verbose_name_plural = _("chức danh")
        ordering = ["unit__name", "-level", "title"]
        constraints = [models.UniqueConstraint(fields=["unit", "title"], name="position_unit_title_unique")]

    def __str__(self) -> str:
        return f"{self.title}, {self.unit.name}"


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: User) -> "PersonQuerySet":
        """Personnel records: the standing office and administrators (in any grant) see all; a personnel
        officer sees the people of the subtrees of their personnel grants' units; nobody else sees any."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.ADMIN, Role.OFFICE):
            return self
        if user.units_with_role(Role.PERSONNEL):
            from chidao.core.reference import user_role_subtree_ids

            return self.filter(unit_id__in=user_role_subtree_ids(user, Role.PERSONNEL))
        return self.none()


class Person(models.Model):
    """A cadre, civil servant or public employee (cán bộ, công chức, viên chức)."""

    code = models.CharField(_("mã hồ sơ"), max_length=32, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices)
    hometown = models.ForeignKey(Unit, verbose_name=_("quê quán"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    party_joined_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    service_kind = models.CharField(_("cán bộ, công chức, viên chức"), max_length=16, choices=ServiceKind.choices,
                                    blank=True, default="")
    education = models.CharField(_("trình độ chuyên môn"), max_length=200, blank=True)
    expertise = models.TextField(_("chuyên môn, kỹ năng"), blank=True)
    # Sensitive: shown only to those who may read the record (see selectors.SENSITIVE_FIELDS).
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("nơi ở hiện nay"), max_length=300, blank=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    # Kept by the services from the service history, so lists filter and sort without joins.
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị công tác"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="people")
    position = models.ForeignKey(Position, verbose_name=_("chức danh hiện nay"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="holders")
    position_since = models.DateField(_("giữ chức danh từ"), null=True, blank=True)
    retirement_date = models.DateField(_("ngày nghỉ hưu"), null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    sort_key = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ cán bộ")
        verbose_name_plural = _("hồ sơ cán bộ")
        ordering = ["sort_key", "id"]
        indexes = [models.Index(fields=["unit", "sort_key"]), models.Index(fields=["retirement_date"])]
        # Identifiers compare without regard to case: "NFC-1" and "nfc-1" are one code.
        constraints = [models.UniqueConstraint(Lower("code"), name="person_code_ci_unique")]

    def __str__(self) -> str:
        return self.full_name


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("vợ, chồng")
    PARENT = "parent", _("cha, mẹ")
    CHILD = "child", _("con")
    SIBLING = "sibling", _("anh, chị, em ruột")


class Relative(models.Model):
    """`relative` is `person`'s <relation> (e.g. relation=parent: relative is person's parent)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("quan hệ"), max_length=16, choices=Relation.choices)

    class Meta:
        verbose_name = _("quan hệ gia đình")
        verbose_name_plural = _("quan hệ gia đình")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="relative_unique"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="relative_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_relation_display()}: {self.relative}"


class AssignmentKind(models.TextChoices):
    RECRUITMENT = "recruitment", _("tuyển dụng")
    APPOINTMENT = "appointment", _("bổ nhiệm")
    ROTATION = "rotation", _("luân chuyển")
    TRANSFER = "transfer", _("điều động")
    PERIODIC_CHANGE = "periodic_change", _("chuyển đổi vị trí công tác")
    SECONDMENT = "secondment", _("biệt phái")


class Assignment(models.Model):
    """One stretch of service in a post (quá trình công tác)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    position = models.ForeignKey(Position, verbose_name=_("chức danh"), on_delete=models.PROTECT,
                                 related_name="assignments")
    kind = models.CharField(_("hình thức"), max_length=16, choices=AssignmentKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.CharField(_("quyết định số"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")
        ordering = ["person", "-start", "-id"]
        indexes = [models.Index(fields=["person", "start"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.position} ({self.start:%d/%m/%Y})"


class RatingLevel(models.TextChoices):
    EXCELLENT = "excellent", _("hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("hoàn thành tốt nhiệm vụ")
    COMPLETED = "completed", _("hoàn thành nhiệm vụ")
    NOT_COMPLETED = "not_completed", _("không hoàn thành nhiệm vụ")


RATING_ORDER = [RatingLevel.NOT_COMPLETED, RatingLevel.COMPLETED, RatingLevel.GOOD, RatingLevel.EXCELLENT]


class Rating(models.Model):
    """The annual rating (xếp loại chất lượng) under Decree 90/2020 as amended by Decree 48/2023."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("xếp loại"), max_length=16, choices=RatingLevel.choices)

    class Meta:
        verbose_name = _("xếp loại hằng năm")
        verbose_name_plural = _("xếp loại hằng năm")
        ordering = ["person", "-year"]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="rating_one_per_year")]

    def __str__(self) -> str:
        return f"{self.person} {self.year}: {self.get_level_display()}"


class DisciplineSystem(models.TextChoices):
    """Who decided under which law: the forms that exist depend on it and on the date
    (`rules.discipline_form_refusal`)."""

    PARTY = "party", _("kỷ luật đảng viên")
    CADRE = "cadre", _("kỷ luật cán bộ")
    CIVIL_SERVICE = "civil_service", _("kỷ luật công chức")
    PUBLIC_EMPLOYEE = "public_employee", _("kỷ luật viên chức")


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", _("khiển trách")
    WARNING = "canh_cao", _("cảnh cáo")
    DEMOTION = "ha_bac_luong", _("hạ bậc lương")
    DEMOTION_POST = "giang_chuc", _("giáng chức")
    REMOVAL = "cach_chuc", _("cách chức")
    RECALL = "bai_nhiem", _("bãi nhiệm")
    EXPULSION = "khai_tru", _("khai trừ")
    DISMISSAL = "buoc_thoi_viec", _("buộc thôi việc")


class Discipline(models.Model):
    """A disciplinary decision. Its three bars (planning, appointment to a higher post, promotion in grade) are
    derived by `rules.discipline_bars` from the rulebook and kept current by `chidao rules rederive`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disciplines")
    system = models.CharField(_("loại kỷ luật"), max_length=16, choices=DisciplineSystem.choices)
    form = models.CharField(_("hình thức"), max_length=16, choices=DisciplineForm.choices)
    decided_on = models.DateField(_("ngày quyết định"))
    decided_by = models.CharField(_("cơ quan quyết định"), max_length=200)
    reason = models.TextField(_("lý do"), blank=True)
    blocks_until = models.DateField(_("chưa quy hoạch đến ngày"), null=True, blank=True)
    appointment_blocked_until = models.DateField(_("chưa bổ nhiệm chức vụ cao hơn đến ngày"), null=True, blank=True)
    grade_blocked_until = models.DateField(_("chưa nâng ngạch, nâng lương đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")
        ordering = ["person", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_form_display()} ({self.decided_on:%d/%m/%Y})"


class DeferralKind(models.TextChoices):
    """Situations that defer a periodic position change (Decree 59/2019 Art. 37)."""

    PREGNANCY_CHILD = "pregnancy_child", _("đang mang thai hoặc nuôi con dưới 36 tháng tuổi")
    STUDY = "study", _("đang học tập tập trung từ 12 tháng trở lên")
    ILLNESS = "illness", _("đang điều trị bệnh hiểm nghèo được xác nhận")
    SECONDMENT = "secondment", _("đang được biệt phái")
    UNDER_REVIEW = "under_review", _("đang bị xem xét kỷ luật, thanh tra, điều tra, truy tố, xét xử")


class Deferral(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deferrals")
    kind = models.CharField(_("trường hợp"), max_length=16, choices=DeferralKind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("trường hợp chưa chuyển đổi")
        verbose_name_plural = _("trường hợp chưa chuyển đổi")
        ordering = ["person", "-start"]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()}"


class PlanningTerm(models.Model):
    """A planning term (nhiệm kỳ quy hoạch), e.g. 2025-2030."""

    name = models.CharField(_("nhiệm kỳ"), max_length=32, unique=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))

    class Meta:
        verbose_name = _("nhiệm kỳ quy hoạch")
        verbose_name_plural = _("nhiệm kỳ quy hoạch")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.name


class PlanningEntry(models.Model):
    """A person planned for a higher post in a term; removal keeps the row with its reason."""

    term = models.ForeignKey(PlanningTerm, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="planning_entries")
    position = models.ForeignKey(Position, verbose_name=_("chức danh quy hoạch"), on_delete=models.PROTECT,
                                 related_name="planning_entries")
    added_on = models.DateField(_("ngày đưa vào quy hoạch"))
    added_reason = models.TextField(_("căn cứ"), blank=True)
    removed_on = models.DateField(_("ngày đưa ra khỏi quy hoạch"), null=True, blank=True)
    removed_reason = models.TextField(_("lý do đưa ra"), blank=True)

    class Meta:
        verbose_name = _("quy hoạch")
        verbose_name_plural = _("quy hoạch")
        ordering = ["term", "position", "person__sort_key"]
        constraints = [models.UniqueConstraint(fields=["term", "person", "position"],
                                               condition=Q(removed_on__isnull=True),
                                               name="planning_entry_active_unique")]

    def __str__(self) -> str:
        return f"{self.person} → {self.position} ({self.term})"


class AccessLog(models.Model):
    """Who looked at which personnel record, when, and how (page, export, API)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("thao tác"), max_length=32)
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập hồ sơ")
        verbose_name_plural = _("nhật ký truy cập hồ sơ")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.person}"
