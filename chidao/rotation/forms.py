"""Forms of the rotation pages: open a round, add a flagged person, take someone out of / into the plan; the
pickers of a hand edit of the plan (a post by name, another person of the plan to swap places with)."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from chidao.core.forms import date_field
from chidao.core.models import Unit
from chidao.core.widgets import PersonCodePicker, PickerMixin, UnitPicker

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


class _RoundPicker(PickerMixin, forms.TextInput):
    """A picker whose search belongs to one round's plan (and one of its moves): the plain text input holds the
    id the form posts; the picker (static/chidao/picker.js) fills it from the search's suggestions."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, round_pk: int, move_pk: int, **kwargs: Any) -> None:
        super().__init__(attrs, **kwargs)
        self.round_pk, self.move_pk = round_pk, move_pk


class PostPicker(_RoundPicker):
    """A post for a hand edit, found by title, unit or parent unit (`rotation.lookup_views.position_lookup`),
    each suggestion saying whether the plan leaves it free; posts the post's id."""

    url_name = "lookup_positions"
    default_placeholder = _("Gõ tên chức danh hoặc đơn vị, không cần dấu")

    def picker_url(self) -> str:
        return f"{reverse('lookup_positions', args=[self.round_pk])}?{urlencode({'de-xuat': self.move_pk})}"


class MoverPicker(_RoundPicker):
    """Another person of the round's plan, by name (`rotation.lookup_views.mover_lookup`); posts their move's id."""

    url_name = "lookup_round_movers"
    default_placeholder = _("Gõ họ tên người cùng đợt, không cần dấu")

    def picker_url(self) -> str:
        return f"{reverse('lookup_round_movers', args=[self.round_pk])}?{urlencode({'tru': self.move_pk})}"
