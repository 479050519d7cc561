"""Forms of the rotation pages: open a round, add a flagged person, take someone out of / into the plan."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import date_field
from chidao.core.models import Unit
from chidao.core.widgets import PersonCodePicker, UnitPicker

from .models import DueStatus, RoundKind


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt"), max_length=200)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Loại"), choices=RoundKind.choices)
    scope = forms.ModelChoiceField(label=_("Phạm vi (đơn vị và các đơn vị trực thuộc)"), queryset=Unit.objects.none(),
                                   widget=UnitPicker())
    as_of = date_field(_("Tính đến ngày"))
    unit_cap_percent = forms.IntegerField(label=_("Tỷ lệ tối đa tiếp nhận mỗi đơn vị (%)"), min_value=1,
                                          max_value=100, required=False,
                                          help_text=_("Chỉ áp dụng với đợt luân chuyển cán bộ; chuyển đổi vị trí "
                                                      "công tác bị giới hạn bởi số người được giao của từng chức "
                                                      "danh."))

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["scope"].queryset = units  # type: ignore[attr-defined]


class FlaggedAddForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=32, widget=PersonCodePicker())
    reason = forms.CharField(label=_("Lý do bổ sung"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class IncludeForm(forms.Form):
    included = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=1000, required=False)


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Kết quả"), required=False,
                               choices=[("", _("Tất cả")), *DueStatus.choices])
