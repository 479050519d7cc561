"""Forms parse and type the input on cadre records; the rules live in services."""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import DATE_WIDGET, filter_choices
from chidao.core.models import Unit
from chidao.core.widgets import PersonCodePicker, PickerMixin, UnitPicker

from .models import (
    AssignmentKind,
    DeferralKind,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    Person,
    Position,
    RatingLevel,
    Relation,
    ServiceKind,
)
from .selectors import PersonFilters

ANY = [("", _("Tất cả"))]


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Họ tên hoặc mã hồ sơ, gõ không dấu được")}))
    unit = forms.ModelChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Tất cả"), widget=UnitPicker())
    gender = forms.ChoiceField(label=_("Giới tính"), required=False,
                               choices=ANY + filter_choices(PersonFilters, "gender"))
    key_post = forms.BooleanField(label=_("Giữ chức danh chủ chốt"), required=False)

    def __init__(self, *args, units: QuerySet[Unit] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filters(self) -> PersonFilters:
        """The filters chosen (none when the form is not valid); the API's query gives the same dataclass."""
        if not self.is_valid():
            return PersonFilters()
        data = self.cleaned_data
        return PersonFilters(q=data["q"], unit=data["unit"].pk if data["unit"] else None, gender=data["gender"],
                             key_post=data["key_post"])


class PersonForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=32)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    birth_date = forms.DateField(label=_("Ngày sinh"), widget=DATE_WIDGET)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    service_kind = forms.ChoiceField(label=_("Cán bộ, công chức, viên chức"), choices=ServiceKind.choices,
                                     required=False, help_text=_("Hệ quả của xếp loại và hình thức kỷ luật khác nhau "
                                                                 "giữa cán bộ, công chức và viên chức."))
    unit = forms.ModelChoiceField(label=_("Đơn vị công tác"), queryset=Unit.objects.none(), widget=UnitPicker())
    party_joined_on = forms.DateField(label=_("Ngày vào Đảng"), required=False, widget=DATE_WIDGET)
    education = forms.CharField(label=_("Trình độ chuyên môn"), max_length=200, required=False)
    expertise = forms.CharField(label=_("Chuyên môn, kỹ năng"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("Điện thoại"), max_length=32, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Nơi ở hiện nay"), max_length=300, required=False)
    id_number = forms.CharField(label=_("Số định danh cá nhân"), max_length=20, required=False)

    def __init__(self, *args, units: QuerySet[Unit] | None = None, sensitive: bool = True,  # type: ignore[no-untyped-def]
                 **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if not sensitive:  # who may not see the sensitive fields may not fill them in either
            for name in ("phone", "email", "address", "id_number"):
                del self.fields[name]


class PositionPicker(PickerMixin, forms.TextInput):
    """A post of the user's scope, found by title, unit or parent unit as one types
    (`personnel.lookup_views.position_lookup`); posts the post's id. The page lists no post: a province has
    thousands."""

    url_name = "lookup_person_positions"
    default_placeholder = _("Gõ tên chức danh hoặc đơn vị, không cần dấu")


class AssignmentForm(forms.Form):
    position = forms.ModelChoiceField(label=_("Chức danh"), queryset=Position.objects.none(), widget=PositionPicker(),
                                      error_messages={"invalid_choice": _(
                                          "Không tìm thấy chức danh này trong phạm vi bạn được cập nhật.")})
    kind = forms.ChoiceField(label=_("Hình thức"), choices=AssignmentKind.choices)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)
    decision = forms.CharField(label=_("Quyết định số"), max_length=64, required=False)

    def __init__(self, *args, positions: QuerySet[Position] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if positions is not None:
            self.fields["position"].queryset = positions  # type: ignore[attr-defined]


def _years() -> list[tuple[int, int]]:
    this = dt.date.today().year
    return [(y, y) for y in range(this, this - 15, -1)]


class RatingForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, choices=_years)
    level = forms.ChoiceField(label=_("Xếp loại"), choices=RatingLevel.choices)


class DisciplineFormForm(forms.Form):
    system = forms.ChoiceField(label=_("Loại kỷ luật"), choices=DisciplineSystem.choices)
    form = forms.ChoiceField(label=_("Hình thức"), choices=DisciplineForm.choices, help_text=_(
        "Hình thức phải có trong loại kỷ luật đã chọn theo quy định tại ngày quyết định (từ 01/07/2025 công chức "
        "không còn hạ bậc lương, giáng chức); giáng chức, cách chức công chức, viên chức chỉ áp dụng với người giữ "
        "chức vụ lãnh đạo, quản lý."))
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE_WIDGET)
    decided_by = forms.CharField(label=_("Cơ quan quyết định"), max_length=200)
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("Trường hợp"), choices=DeferralKind.choices)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RelativeForm(forms.Form):
    """The relative is named by their record code, looked up among the records the user may see."""

    relative = forms.ModelChoiceField(
        label=_("Mã hồ sơ của người thân"), queryset=Person.objects.none(), to_field_name="code",
        widget=PersonCodePicker(), error_messages={
            "invalid_choice": _("Không tìm thấy hồ sơ có mã này trong phạm vi bạn được xem.")},
    )
    relation = forms.ChoiceField(label=_("Người thân là (của người này)"), choices=Relation.choices)

    def __init__(self, *args, people: QuerySet[Person] | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["relative"].queryset = people  # type: ignore[attr-defined]
