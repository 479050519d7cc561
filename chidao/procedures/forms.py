"""Forms parse and type the input; the rules live in services."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import DATE_WIDGET, filter_choices
from chidao.core.models import Unit
from chidao.core.widgets import UnitPicker

from .models import ItemAction, Procedure
from .selectors import ProcedureFilters

ALL = [("", _("Tất cả"))]

# Words accepted for an action on a decision line (Vietnamese and the stored values).
ACTION_WORDS = {
    "new": ItemAction.NEW, "moi": ItemAction.NEW, "công-bố-mới": ItemAction.NEW, "cong-bo-moi": ItemAction.NEW,
    "amended": ItemAction.AMENDED, "sua-doi": ItemAction.AMENDED, "sửa-đổi": ItemAction.AMENDED,
    "replaced": ItemAction.REPLACED, "thay-the": ItemAction.REPLACED, "thay-thế": ItemAction.REPLACED,
    "abolished": ItemAction.ABOLISHED, "bai-bo": ItemAction.ABOLISHED, "bãi-bỏ": ItemAction.ABOLISHED,
}


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False,
                              choices=ALL + filter_choices(ProcedureFilters, "level"))
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    unit = forms.ModelChoiceField(label=_("Cơ quan thực hiện"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Tất cả"), widget=UnitPicker())
    status = forms.ChoiceField(label=_("Tình trạng"), required=False,
                               choices=ALL + filter_choices(ProcedureFilters, "status"))
    status_on = forms.DateField(label=_("Vào ngày"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, fields: list[str] | None = None, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = ALL + [(f, f) for f in fields or []]  # type: ignore[attr-defined]
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def filters(self) -> ProcedureFilters:
        """The filters chosen (none when the form is not valid); the API's query gives the same dataclass."""
        if not self.is_valid():
            return ProcedureFilters()
        data = self.cleaned_data
        return ProcedureFilters(q=data["q"], level=data["level"], field=data["field"],
                                unit=data["unit"].pk if data["unit"] else None, status=data["status"],
                                status_on=data["status_on"])


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["code", "name", "level", "field", "unit", "steps", "method", "dossier", "copies",
                  "time_limit_days", "filers", "deciding_agency", "forms", "result", "conditions", "fees",
                  "legal_basis"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in
                   ["name", "steps", "method", "dossier", "filers", "forms", "result", "conditions", "fees",
                    "legal_basis"]} | {"unit": UnitPicker()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.current().order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["code"].disabled = True

    def validate_unique(self) -> None:  # the service checks the code
        pass


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=64)
    title = forms.CharField(label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_WIDGET)
    effective_on = forms.DateField(label=_("Ngày có hiệu lực"), widget=DATE_WIDGET)
    issuer = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Unit.objects.none(), widget=UnitPicker())
    file = forms.FileField(label=_("Tệp quyết định"), required=False)
    items = forms.CharField(
        label=_("Danh mục thủ tục"), widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=_("Mỗi dòng: MÃ_THỦ_TỤC nội_dung [MÃ_THỦ_TỤC_BỊ_THAY_THẾ]; nội dung: new (công bố mới), "
                    "amended (sửa đổi, bổ sung), replaced (thay thế), abolished (bãi bỏ). "
                    "Ví dụ: 1.900123.000.00.00.H26 replaced 1.900045.000.00.00.H26"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.current().order_by("name")  # type: ignore[attr-defined]
        self.line_numbers: list[int] = []

    def clean_items(self) -> list[tuple[Procedure, str, Procedure | None]]:
        """Parse the lines; every faulty line gets its own message ("Dòng n: ...")."""
        raw = [(n, line.split()) for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1)]
        raw = [(n, words) for n, words in raw if words]
        codes = {w for _n, words in raw for w in (words[0], *words[2:3])}
        by_code = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        lines: list[tuple[Procedure, str, Procedure | None]] = []
        errors: list[str] = []
        self.line_numbers = []
        for n, words in raw:
            problem = ""
            action = ACTION_WORDS.get(words[1].lower()) if len(words) > 1 else None
            if len(words) < 2 or len(words) > 3:
                problem = str(_("cần mã thủ tục, nội dung và (nếu thay thế) mã thủ tục bị thay thế."))
            elif words[0] not in by_code:
                problem = str(_("không có thủ tục mã %(code)s.")) % {"code": words[0]}
            elif action is None:
                problem = str(_("nội dung “%(a)s” không hợp lệ (new, amended, replaced, abolished).")) % {
                    "a": words[1]}
            elif len(words) == 3 and words[2] not in by_code:
                problem = str(_("không có thủ tục mã %(code)s.")) % {"code": words[2]}
            if problem:
                errors.append(str(_("Dòng %(n)s: %(p)s")) % {"n": n, "p": problem})
                continue
            assert action is not None
            lines.append((by_code[words[0]], action, by_code[words[2]] if len(words) == 3 else None))
            self.line_numbers.append(n)
        if errors:
            raise forms.ValidationError(errors)
        if not lines:
            raise forms.ValidationError(_("Chưa có dòng nào."))
        return lines


class CountsForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    period = forms.CharField(label=_("Kỳ báo cáo (Nghị định 09/2019)"), required=False, max_length=12,
                             help_text=_("Ví dụ: 2021-Q4, 2021-M11, 2021-H1, 2021-N"))
    unit = forms.ModelChoiceField(label=_("Cơ quan thực hiện"), required=False, queryset=Unit.objects.none(),
                                  empty_label=_("Tất cả"), widget=UnitPicker())
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)

    def __init__(self, *args: Any, fields: list[str] | None = None, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = ALL + [(f, f) for f in fields or []]  # type: ignore[attr-defined]
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def period_bounds(self) -> tuple[dt.date, dt.date, str]:
        """(start, end, label) from `period` (Decree 09/2019) or `year` (01/01-31/12; this year by default)."""
        from chidao.core.periods import period_parse

        data = self.cleaned_data
        if data.get("period"):
            try:
                p = period_parse(data["period"])
            except ValueError as exc:
                self.add_error("period", str(exc))
            else:
                return p.start, p.end, p.label
        year = data.get("year") or dt.date.today().year
        return dt.date(year, 1, 1), dt.date(year, 12, 31), str(_("năm %(y)s (từ 01/01/%(y)s đến 31/12/%(y)s)")
                                                                 % {"y": year})
