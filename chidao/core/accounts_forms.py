"""The forms of the account administration pages; the services do every check that matters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .accounts_selectors import UserFilters
from .forms import filter_choices
from .models import Role, Unit
from .widgets import UnitPicker

ALL = [("", _("Tất cả"))]
ACTIVE_CHOICES = [("", _("Tất cả")), ("1", _("Đang hoạt động")), ("0", _("Đã ngừng"))]


def _units() -> Any:
    return Unit.objects.current().order_by("name")


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=ALL + filter_choices(UserFilters, "role"))
    unit = forms.ModelChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Tất cả"), widget=UnitPicker())
    active = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]

    def filters(self) -> UserFilters:
        """The filters chosen (none when the form is not valid); the API's query gives the same dataclass."""
        if not self.is_valid():
            return UserFilters()
        data = self.cleaned_data
        return UserFilters(q=data["q"], role=data["role"], unit=data["unit"].pk if data["unit"] else None,
                           active={"1": True, "0": False}.get(data["active"]))


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), required=False, max_length=150)
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Điện thoại"), required=False, max_length=32)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("(không gắn đơn vị)"), widget=UnitPicker())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]


class UserCreateForm(UserEditForm):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               help_text=_("Chữ cái, chữ số và các dấu . _ - ; không trùng tài khoản khác."))
    field_order = ["username", "full_name", "email", "phone", "role", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "Có thư điện tử: gửi liên kết đặt mật khẩu. Không có: cấp mật khẩu tạm thời, hiện một lần.")


class RoleGrantForm(forms.Form):
    # No role preselected: a click on "Thêm vai trò" must never grant the first role of the list (administrator).
    role = forms.ChoiceField(label=_("Vai trò"), choices=[("", _("— Chọn vai trò —")), *Role.choices])
    unit = forms.ModelChoiceField(label=_("Đơn vị"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("(không gắn đơn vị)"), widget=UnitPicker())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "grant")
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]
