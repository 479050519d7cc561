"""Forms parse and type the report requests; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.periods import periods_for_year
from chidao.core.widgets import UnitPicker
from chidao.programs.forms import DATE_WIDGET

from .models import ReportJob, TemplateKind


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=ReportJob.Kind.choices)
    format = forms.ChoiceField(label=_("Định dạng"), choices=ReportJob.Format.choices)
    year = forms.IntegerField(label=_("Năm"), required=False)
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    as_of = forms.DateField(label=_("Số liệu đến hết ngày"), required=False, widget=DATE_WIDGET,
                            help_text=_("Để trống: ngày hội nghị tổng kết, hoặc hôm nay."))
    unit = forms.ChoiceField(label=_("Đơn vị nhận công văn"), required=False, widget=UnitPicker())

    def __init__(self, *args, program=None, units=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if program is not None:
            years = range(program.period_start, program.period_end + 1)
            self.fields["period"].choices = [  # type: ignore[attr-defined]
                (p.code, p.label) for y in years for p in periods_for_year(y)]
            self.fields["year"].initial = program.period_start
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]

    def params(self) -> dict[str, object]:
        data = self.cleaned_data
        out: dict[str, object] = {}
        if data["kind"] == ReportJob.Kind.YEAR_END:
            out["year"] = data.get("year")
        if data["kind"] == ReportJob.Kind.PERIODIC:
            out["period"] = data.get("period") or ""
        if data["kind"] != ReportJob.Kind.PERIODIC and data.get("as_of"):
            out["as_of"] = data["as_of"].isoformat()
        if data["kind"] == ReportJob.Kind.DISPATCH:
            out["unit"] = data.get("unit") or ""
        return out


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại mẫu"), choices=TemplateKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Tệp mẫu Word (.docx)"))
