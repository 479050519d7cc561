"""Forms parse and type the input (decimal comma, dd/mm/yyyy); the rules live in services."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import DATE_WIDGET
from chidao.core.models import Unit
from chidao.core.widgets import UnitPicker

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise



def _decimal(label: "StrOrPromise", required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, localize=True, required=required)


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("Mã chỉ số"), max_length=32)
    name = forms.CharField(label=_("Tên chỉ số"), max_length=300)
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=32, help_text=_("Ví dụ: %, điểm"))
    higher_is_better = forms.BooleanField(label=_("Càng cao càng tốt"), required=False, initial=True)
    baseline_value = _decimal(_("Giá trị gốc"))
    baseline_date = forms.DateField(label=_("Thời điểm gốc"), widget=DATE_WIDGET)
    responsible_unit = forms.ModelChoiceField(label=_("Đơn vị chịu trách nhiệm"), queryset=Unit.objects.none(),
                                              widget=UnitPicker())
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_description = forms.CharField(label=_("Nguồn số liệu"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.current()  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    period_code = forms.CharField(label=_("Kỳ (theo Nghị định 09/2019)"), max_length=16, required=False,
                                  help_text=_("Ví dụ: 2021, 2021-Q4; bỏ trống nếu nhập ngày"))
    period_end = forms.DateField(label=_("Phải đạt vào ngày"), required=False, widget=DATE_WIDGET)
    value = _decimal(_("Chỉ tiêu"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ActualForm(forms.Form):
    as_of = forms.DateField(label=_("Số liệu tại ngày"), widget=DATE_WIDGET)
    value = _decimal(_("Giá trị thực hiện"))
    source = forms.CharField(label=_("Nguồn"), max_length=500,
                             help_text=_("Ví dụ: Bộ Nội vụ công bố ngày 22/4/2022"))
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
