"""The rulebook page: the law in force on a chosen day, with its sources, and the administrator's "recompute"
after a rule or an override changes (the same service as `chidao rules rederive`).

URL patterns of this module are collected by personnel/urls.py."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chidao.core.forms import date_field
from chidao.core.http import AuthedRequest
from chidao.core.permissions import can_manage_units

from .permissions import can_read_people
from .rederive import rules_rederive
from .rulebook import rulebook_on
from .rulebook_text import house_choices, override_warnings, rulebook_lines


class RulebookDayForm(forms.Form):
    ngay = date_field(gettext_lazy("Áp dụng ngày"), required=False)


@login_required
def rulebook_page(request: AuthedRequest) -> HttpResponse:
    """Every legal number the cadre rules use, as in force on the day asked (today by default)."""
    if not can_read_people(request.user):
        raise PermissionDenied
    form = RulebookDayForm(request.GET or None)
    on = (form.cleaned_data.get("ngay") if form.is_valid() else None) or dt.date.today()
    return render(request, "personnel/rulebook.html", {
        "form": form, "on": on, "lines": rulebook_lines(rulebook_on(on)), "house": house_choices(),
        "warnings": override_warnings(), "may_rederive": can_manage_units(request.user)})


@login_required
@require_POST
def rulebook_rederive(request: AuthedRequest) -> HttpResponse:
    """Administrators: recompute the stored retirement dates and discipline periods."""
    if not can_manage_units(request.user):
        raise PermissionDenied
    changed = rules_rederive(actor=request.user)
    people = sum(1 for r in changed if r.model == "person")
    messages.success(request, _("Đã tính lại %(p)s hồ sơ (ngày nghỉ hưu) và %(d)s quyết định kỷ luật theo bộ quy "
                                "định đang áp dụng.") % {"p": people, "d": len(changed) - people})
    return redirect("rulebook")


urlpatterns = [
    path("can-bo/quy-dinh/", rulebook_page, name="rulebook"),
    path("can-bo/quy-dinh/tinh-lai/", rulebook_rederive, name="rulebook_rederive"),
]
