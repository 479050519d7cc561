"""Forms of the register of outgoing documents and of the signers (core.register_views)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentType, SignForm
from .register import RegisterFilters


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo số, trích yếu, người ký (không cần dấu)"), required=False, max_length=200)
    issuer = forms.TypedChoiceField(label=_("Cơ quan ban hành"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    type_code = forms.ChoiceField(label=_("Loại văn bản"), required=False)

    def __init__(self, *args: Any, issuers: list[tuple[int, str]], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("Tất cả"))]
        self.fields["issuer"].choices = [*every, *issuers]  # type: ignore[attr-defined]
        self.fields["year"].choices = [*every, *((y, str(y)) for y in years)]  # type: ignore[attr-defined]
        self.fields["type_code"].choices = [*every, *DocumentType.choices]  # type: ignore[attr-defined]

    def filters(self) -> RegisterFilters:
        if not self.is_bound or not self.is_valid():
            return RegisterFilters()
        data = self.cleaned_data
        return RegisterFilters(q=data["q"], issuer=data["issuer"], year=data["year"], type_code=data["type_code"])


class IssuerForm(forms.Form):
    unit_code = forms.CharField(label=_("Mã đơn vị"), max_length=32)
    code = forms.CharField(label=_("Ký hiệu cơ quan ban hành (in sau loại văn bản, ví dụ BCĐ, UBND)"), max_length=32)
    name = forms.CharField(label=_("Tên cơ quan ban hành"), max_length=255)


class SignerForm(forms.Form):
    form = forms.ChoiceField(label=_("Hình thức ký"), choices=SignForm.choices, required=False)
    body = forms.CharField(label=_("Tập thể (khi ký T/M, ví dụ BAN CHỈ ĐẠO)"), max_length=120, required=False)
    title = forms.CharField(label=_("Chức danh người đứng đầu (ví dụ TRƯỞNG BAN)"), max_length=120)
    deputy_title = forms.CharField(label=_("Chức danh người ký thay, thừa lệnh (K/T, T/L)"), max_length=120,
                                   required=False)
    name = forms.CharField(label=_("Họ và tên người ký"), max_length=150)
    order = forms.IntegerField(label=_("Thứ tự"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)
