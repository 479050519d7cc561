"""Form helpers shared by every app's views."""

import dataclasses
import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import DATE_FORMAT, DATE_INPUT_FORMATS, DateOutOfRange, date_in_range
from .htmx import error_dict
from .models import TokenScope

# Every date input: dd/mm/yyyy shown, the spellings of `core.dates.parse_date` accepted.
DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}, format=DATE_FORMAT)


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    """A dd/mm/yyyy date field that reads what `core.dates.parse_date` reads (in the accepted range)."""
    return forms.DateField(label=label, required=required, input_formats=DATE_INPUT_FORMATS, widget=DATE_WIDGET)


def validate_date_range(value: Any) -> None:
    """Refuse a date outside the one accepted range (chidao.core.dates.date_bounds), naming the range."""
    if isinstance(value, dt.date):
        try:
            date_in_range(value)
        except DateOutOfRange as exc:
            raise ValidationError(str(exc), code="date_range") from None


def install_date_range() -> None:
    """Every form date field, in every app (page forms, filters, query parameters such as `as_of`), refuses a
    date outside the accepted range: called once from CoreConfig.ready."""
    if validate_date_range not in forms.DateField.default_validators:
        forms.DateField.default_validators = [*forms.DateField.default_validators, validate_date_range]


def choice_items(choices: Any) -> list[tuple[str, Any]]:
    """(value, label) pairs of a `choices` metadata: a TextChoices class or a {value: label} dict."""
    return list(choices.items()) if isinstance(choices, dict) else list(choices.choices)


def filter_choices(filters: type, name: str) -> list[tuple[str, Any]]:
    """The choices a list filter dataclass gives one of its fields (its `choices` metadata)."""
    return choice_items(next(f for f in dataclasses.fields(filters) if f.name == name).metadata["choices"])


def form_apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on the form."""
    for name, errors in error_dict(exc).items():
        form.add_error(name if name in form.fields else None, errors)


class ApiTokenForm(forms.Form):
    """A new API token for the signed-in user: a name to recognize it by, its scope and its life in days
    (1..CHIDAO_TOKEN_DAYS, the most when left empty; the service checks the range). A user who may not write
    is offered the read scope only."""

    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100)
    scope = forms.ChoiceField(label=_("Quyền"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(label=_("Thời hạn (ngày)"), required=False,
                              widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}))

    def __init__(self, *args: Any, may_write: bool = True, max_days: int = 90, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_write:
            # Offered the read scope only; a write posted anyway reaches the service, which says why not.
            self.fields["scope"].widget.choices = [(TokenScope.READ.value, TokenScope.READ.label)]
        days = self.fields["days"]
        days.widget.attrs.update({"max": max_days, "placeholder": str(max_days)})


class TokenListFilterForm(forms.Form):
    """The administrators' token list filter: whose tokens and in which state."""

    user = forms.TypedChoiceField(label=_("Người dùng"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("Tình trạng"), required=False)

    def __init__(self, *args: Any, users: list[tuple[int, str]], states: list[tuple[str, Any]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Tất cả"))] + users  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("Tất cả"))] + states  # type: ignore[attr-defined]


def share_model_choices(*fields: Any) -> None:
    """Model choice fields over the same queryset (two forms of one page picking from the program's deliverables
    or the units in force) read it once: the first field's choices are listed with one query and given to every
    field as a fixed list, each with its own empty option. Validation still goes through each field's queryset."""
    first = fields[0]
    empty = first.empty_label
    listed = list(iter(first.choices))  # iter(): no COUNT query first (list() would ask the length)
    shared = listed[1:] if empty is not None and listed and listed[0][0] == "" else listed
    for f in fields:
        f.choices = ([("", f.empty_label)] if f.empty_label is not None else []) + shared
