"""Forms of the unit pages (administrators): the unit picker is the tree in force, indented, searchable."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import date_field
from .models import UnitKind, UnitLevel, User
from .selectors import UnitFilters, unit_tree
from .widgets import UnitPicker, UnitsPicker


def unit_options(user: User, q: str = "", *, exclude: set[int] | None = None) -> list[tuple[int, str]]:
    """The units in force today in tree order, each indented by its depth; `q` ignores diacritics."""
    import datetime as dt

    units = unit_tree(user=user, filters=UnitFilters(q=q, on=dt.date.today()))
    return [(u.pk, f"{'— ' * u.depth}{u.name}") for u in units  # type: ignore[attr-defined]
            if not exclude or u.pk not in exclude]


def _unit_choice(label: Any, *, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, required=required, empty_value=None, widget=UnitPicker())


class UnitFields(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=32,
                           help_text=_("Chữ không dấu, chữ số và các dấu . _ / -; không trùng mã khác."))
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=64, required=False)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=UnitKind.choices,
                             help_text=_("Phòng, ban, văn phòng trong một cơ quan: chọn loại “Sở, ban, ngành; "
                                         "phòng, ban, văn phòng”."))
    level = forms.ChoiceField(label=_("Cấp"), choices=UnitLevel.choices)
    official_code = forms.CharField(label=_("Mã hành chính"), max_length=16, required=False)
    headcount = forms.IntegerField(label=_("Biên chế được giao"), min_value=0, max_value=1_000_000, required=False)


class UnitCreateForm(UnitFields):
    parent = _unit_choice(_("Đơn vị cấp trên"))
    valid_from = date_field(_("Hoạt động từ ngày"), required=False)

    # The parent first, right below its search box.
    field_order = ["parent", "code", "name", "short_name", "kind", "level"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = ("", _("(Không có: đơn vị cấp cao nhất)"))
        self.fields["parent"].choices = [top, *unit_options(user)]  # type: ignore[attr-defined]


class UnitMoveForm(forms.Form):
    parent = _unit_choice(_("Đơn vị cấp trên mới"))
    on = date_field(_("Từ ngày"))

    def __init__(self, *args: Any, user: User, exclude: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        top = ("", _("(Không có: đơn vị cấp cao nhất)"))
        self.fields["parent"].choices = [top, *unit_options(user, exclude=exclude)]  # type: ignore[attr-defined]


class UnitDissolveForm(forms.Form):
    on = date_field(_("Ngày cuối cùng hoạt động"))
    successors = forms.TypedMultipleChoiceField(label=_("Đơn vị tiếp nhận nhiệm vụ (nếu có)"), coerce=int,
                                                required=False, widget=UnitsPicker())
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, exclude: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successors"].choices = unit_options(user, exclude=exclude)  # type: ignore[attr-defined]


class UnitMergeForm(forms.Form):
    units = forms.TypedMultipleChoiceField(label=_("Các đơn vị khác cùng hợp nhất"), coerce=int, required=False,
                                           widget=UnitsPicker())
    on = date_field(_("Ngày cuối cùng hoạt động của các đơn vị hợp nhất"))
    successor = _unit_choice(_("Đơn vị kế thừa có sẵn"))
    new_code = forms.CharField(label=_("Mã đơn vị kế thừa mới"), max_length=32, required=False)
    new_name = forms.CharField(label=_("Tên đơn vị kế thừa mới"), max_length=255, required=False)
    new_kind = forms.ChoiceField(label=_("Loại đơn vị kế thừa mới"), choices=UnitKind.choices, required=False)
    new_level = forms.ChoiceField(label=_("Cấp đơn vị kế thừa mới"), choices=UnitLevel.choices, required=False)
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, exclude: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = unit_options(user, exclude=exclude)
        self.fields["units"].choices = options  # type: ignore[attr-defined]
        new = ("", _("(Tạo đơn vị kế thừa mới bên dưới)"))
        self.fields["successor"].choices = [new, *options]  # type: ignore[attr-defined]
