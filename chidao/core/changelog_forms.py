"""The change log page's filter form: it gives the selector's `ChangeRecordFilters` (the API's query gives the same)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .audit import action_choices
from .dates import format_date
from .forms import date_field
from .selectors import OBJECT_TYPE, ChangeRecordFilters, change_log_object_types

ALL = [("", _("Tất cả"))]


class ChangeLogFilterForm(forms.Form):
    who = forms.CharField(label=_("Người thực hiện"), required=False, max_length=100,
                          widget=forms.TextInput(attrs={"placeholder": _("tên đăng nhập hoặc họ tên"),
                                                        "autocomplete": "off"}))
    object_type = forms.ChoiceField(label=_("Loại hồ sơ"), required=False)
    object_id = forms.CharField(label=_("Số hiệu hồ sơ"), required=False, max_length=64,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    action = forms.ChoiceField(label=_("Thao tác"), required=False)
    since = date_field(_("Từ ngày"), required=False)
    until = date_field(_("Đến ngày"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = change_log_object_types()
        wanted = str(self.data.get("object_type", "")) if self.is_bound else ""
        if wanted and OBJECT_TYPE.match(wanted) and wanted not in dict(types):
            types.append((wanted, wanted))  # a record with no history yet: its link still filters (no rows)
        self.fields["object_type"].choices = ALL + types  # type: ignore[attr-defined]
        self.fields["action"].choices = ALL + action_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Đến ngày phải từ ngày %(d)s trở đi.") % {"d": format_date(since)})
        return data

    def filters(self) -> ChangeRecordFilters:
        """The filters chosen; call only on a valid form."""
        data = self.cleaned_data
        return ChangeRecordFilters(who=data["who"].strip(), object_type=data["object_type"],
                                   object_id=data["object_id"].strip(), action=data["action"],
                                   since=data["since"], until=data["until"])
