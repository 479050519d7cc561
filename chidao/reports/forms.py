"""Forms parse and type the report requests; the rules live in services."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chidao.core.periods import PeriodKind, periods_for_year
from chidao.core.widgets import UnitPicker
from chidao.programs.forms import DATE_WIDGET

from .models import ReportJob, TemplateKind


def _shown_for(*kinds: str) -> dict[str, str]:
    """The attribute that shows a field only with these kinds of report (static/chidao/picker.js)."""
    return {"data-show-when": "kind=" + ",".join(kinds)}


Kind = ReportJob.Kind


def default_year(program: Any, today: dt.date) -> int:
    """The year a year-end report is most likely asked for: this year, within the program's years."""
    return min(max(today.year, program.period_start), program.period_end)


def default_period(program: Any, today: dt.date) -> str:
    """The quarter a periodic report is most likely asked for (Decree 09 cut-offs): the one running today,
    else the last one ended (after 14 December, the year's fourth), within the program's years."""
    year = default_year(program, today)
    quarters = [p for p in periods_for_year(year) if p.kind == PeriodKind.QUARTER]
    running = next((p for p in quarters if p.start <= today <= p.end), None)
    if running is not None:
        return running.code
    return (quarters[-1] if today > quarters[-1].end else quarters[0]).code


class ReportRequestForm(forms.Form):
    """Each kind shows its own fields (the others hide as the kind changes); `params` keeps only the chosen
    kind's, and the service checks them."""

    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=Kind.choices)
    format = forms.ChoiceField(label=_("Định dạng"), choices=ReportJob.Format.choices)
    year = forms.IntegerField(label=_("Năm"), required=False,
                              widget=forms.NumberInput(attrs=_shown_for(Kind.YEAR_END)))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False,
                               widget=forms.Select(attrs=_shown_for(Kind.PERIODIC)))
    as_of = forms.DateField(label=_("Số liệu đến hết ngày"), required=False, widget=forms.DateInput(
        attrs={**DATE_WIDGET.attrs, **_shown_for(Kind.YEAR_END, Kind.STOCKTAKE, Kind.DISPATCH)},
        format=DATE_WIDGET.format), help_text=_("Để trống: ngày hội nghị tổng kết, hoặc hôm nay."))
    unit = forms.ChoiceField(label=_("Đơn vị nhận công văn"), required=False,
                             widget=UnitPicker(attrs=_shown_for(Kind.DISPATCH)))

    def __init__(self, *args, program=None, units=(), today=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if program is not None:
            today = today or timezone.localdate()
            years = range(program.period_start, program.period_end + 1)
            self.fields["period"].choices = [  # type: ignore[attr-defined]
                (p.code, p.label) for y in years for p in periods_for_year(y)]
            self.fields["year"].initial = default_year(program, today)
            self.fields["period"].initial = default_period(program, today)
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
