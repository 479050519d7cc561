"""The posts (chức danh) of a unit: listed, added and edited by administrators and the unit's personnel officers.

URL patterns of this module are collected by personnel/urls.py."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core.errors import ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.htmx import form_failure, hx_redirect
from chidao.core.http import AuthedRequest
from chidao.core.selectors import unit_get

from . import positions, selectors
from .models import Position, PostLevel, Sector

TEMPLATE = "personnel/unit_posts.html"


class PositionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Chức danh"), max_length=200)
    level = forms.TypedChoiceField(label=gettext_lazy("Cấp chức vụ"), choices=PostLevel.choices, coerce=int,
                                   initial=PostLevel.STAFF)
    is_leader = forms.BooleanField(label=gettext_lazy("Lãnh đạo, quản lý"), required=False)
    is_key_post = forms.BooleanField(label=gettext_lazy("Chức danh chủ chốt"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Lĩnh vực phải định kỳ chuyển đổi"), choices=Sector.choices,
                               required=False)
    change_period_months = forms.IntegerField(label=gettext_lazy("Thời hạn định kỳ chuyển đổi (tháng)"),
                                              required=False, min_value=1, max_value=600)
    headcount = forms.IntegerField(label=gettext_lazy("Số người được giao"), min_value=1, max_value=1000, initial=1,
                                   required=False,
                                   help_text=gettext_lazy("Số người làm việc theo chức danh này; số chỗ còn trống là "
                                                          "số người được giao trừ số người đang giữ."))


    def clean_headcount(self) -> int:
        """Left empty, a post employs one person."""
        return self.cleaned_data.get("headcount") or 1


def _initial(position: Position) -> dict[str, Any]:
    return {name: getattr(position, name) for name in PositionForm.base_fields}


@login_required
def unit_posts(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The unit's posts with how many hold each now; the form below adds one."""
    unit = unit_get(user=request.user, pk=unit_id)
    posts = selectors.unit_posts(user=request.user, unit=unit)
    form = PositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            position = positions.position_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm chức danh “%(title)s”.") % {"title": position.title})
            return hx_redirect(request, reverse("unit_posts", args=[unit.pk]))
    return form_failure(request, TEMPLATE, {"unit": unit, "posts": posts, "form": form, "editing": None},
                        failed=request.method == "POST")


@login_required
def position_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    position = selectors.unit_post_get(user=request.user, pk=pk)
    form = PositionForm(request.POST or None, initial=_initial(position))
    if request.method == "POST" and form.is_valid():
        try:
            positions.position_update(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chức danh."))
            return hx_redirect(request, reverse("unit_posts", args=[position.unit_id]))
    posts = selectors.unit_posts(user=request.user, unit=position.unit)
    return form_failure(request, TEMPLATE, {"unit": position.unit, "posts": posts, "form": form,
                                            "editing": position}, failed=request.method == "POST")


urlpatterns = [
    path("can-bo/don-vi/<int:unit_id>/chuc-danh/", unit_posts, name="unit_posts"),
    path("can-bo/chuc-danh/<int:pk>/sua/", position_edit, name="position_edit"),
]
