"""The one picker of units and people: a search box with suggestions, chips for what is chosen.

The widget renders the plain control (a <select> of the allowed units, or a text input for a record code), which
is what a browser without JavaScript shows and what the form posts; `static/chidao/picker.js` hides it behind a
combobox (ARIA 1.2 pattern: arrow keys, Enter, Escape) that asks the search endpoint of its kind as the user
types (diacritics ignored) and writes the choice back into the plain control. A select's options stay the
allowed set: a suggestion outside them is not offered, and the form's own validation decides as before.

    lead_unit = forms.ModelChoiceField(..., widget=UnitPicker())
    coordinating_units = forms.ModelMultipleChoiceField(..., widget=UnitsPicker())
    code = forms.CharField(..., widget=PersonCodePicker())        # posts the record code
    deliverables = forms.ModelMultipleChoiceField(..., widget=ChoicesPicker())  # searched in the page

Endpoints: `lookup_units` (core.lookup_views, every signed-in user) and `lookup_people`
(personnel.lookup_views, who may read people, inside their scope).
"""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class PickerMixin:
    """What every picker adds to its plain widget: the search URL, the key a suggestion gives the control
    (`id`, or `code` for a record code), whether several may be chosen, and the words of the box."""

    template_name = "core/widgets/picker.html"
    url_name: str | None = "lookup_units"  # None: the choices are searched in the page (a short list)
    value_key = "id"
    default_placeholder: Any = _("Gõ tên để tìm, không cần dấu")

    def __init__(self, attrs: dict[str, Any] | None = None, *, scope: int | None = None,
                 placeholder: Any = None, **kwargs: Any) -> None:
        super().__init__(attrs, **kwargs)  # type: ignore[call-arg]
        self.scope = scope
        self.placeholder = placeholder

    def picker_url(self) -> str:
        if self.url_name is None:
            return ""
        url = reverse(self.url_name)
        return f"{url}?{urlencode({'trong': self.scope})}" if self.scope else url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        context["widget"]["picker"] = {
            "url": self.picker_url(), "value_key": self.value_key,
            "multiple": getattr(self, "allow_multiple_selected", False),
            "placeholder": self.placeholder or self.default_placeholder,
            "source": super().template_name,  # type: ignore[misc]
        }
        return context


class UnitPicker(PickerMixin, forms.Select):
    """One unit among the field's choices (all units in force, or the form's scope)."""


class UnitsPicker(PickerMixin, forms.SelectMultiple):
    """Several units among the field's choices, each a chip with its remove button (no ctrl-click)."""


class ChoicePicker(PickerMixin, forms.Select):
    """One of a form's own choices (deliverables of a program, posts), searched in the page as one types."""

    url_name = None
    default_placeholder = _("Gõ để tìm, không cần dấu")


class ChoicesPicker(PickerMixin, forms.SelectMultiple):
    """Several of a form's own choices, searched in the page, each a chip with its remove button."""

    url_name = None
    default_placeholder = _("Gõ để tìm, không cần dấu")


class PersonCodePicker(PickerMixin, forms.TextInput):
    """A person named by record code: type a name (or the code), pick, and the code is posted; without
    JavaScript the code is typed. The search answers only the people the user may see."""

    url_name = "lookup_people"
    value_key = "code"
    default_placeholder = _("Gõ họ tên hoặc mã hồ sơ, không cần dấu")
