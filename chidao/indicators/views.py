"""Indicator and task force pages: thin adapters over selectors (reads) and services (writes)."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.http import XLSX, AuthedRequest, file_response

from . import charts, excel, permissions, selectors, services
from .forms import ActualForm, IndicatorForm, TargetForm
from .models import Indicator


@login_required
def indicator_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "indicators/indicator_list.html", {
        "statuses": selectors.indicator_statuses(user=request.user), "today": timezone.localdate(),
        "can_manage": permissions.can_manage_indicators(request.user),
    })


@login_required
def indicator_export(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    data = excel.indicators_export(statuses=selectors.indicator_statuses(user=request.user, as_of=today),
                                   as_of=today)
    return file_response(data, f"chi-so-{today:%Y%m%d}.xlsx", XLSX)


def _detail(request: AuthedRequest, indicator: Indicator, *, target_form: TargetForm | None = None,
            actual_form: ActualForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    state = selectors.indicator_status(indicator=indicator)
    can_manage = permissions.can_manage_indicators(user)
    can_report = permissions.can_report_actual(user, indicator)
    return render(request, "indicators/indicator_detail.html", {
        "s": state, "i": indicator, "can_manage": can_manage, "can_report": can_report,
        "chart": "data:image/svg+xml;base64," + base64.b64encode(charts.indicator_chart_cached(state, "svg")).decode(),
        "target_form": target_form or (TargetForm(prefix="target") if can_manage else None),
        "actual_form": actual_form or (ActualForm(prefix="actual") if can_report else None),
    }, status=status)


@login_required
def indicator_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.indicator_get(user=request.user, pk=pk))


@login_required
def indicator_create(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_indicators(request.user):
        raise PermissionDenied(_("Bạn không có quyền tạo chỉ số."))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo chỉ số."))
            return redirect("indicator_detail", pk=indicator.pk)
    return render(request, "indicators/indicator_form.html", {"form": form},
                  status=422 if form.errors else 200)


@login_required
def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    if not permissions.can_manage_indicators(request.user):
        raise PermissionDenied(_("Bạn không có quyền sửa chỉ số."))
    initial = {name: getattr(indicator, name) for name in services.INDICATOR_FIELDS}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("indicator_detail", pk=indicator.pk)
    return render(request, "indicators/indicator_form.html", {"form": form, "i": indicator},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def indicator_target_set(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    if not permissions.can_manage_indicators(request.user):
        raise PermissionDenied(_("Bạn không có quyền đặt chỉ tiêu."))
    form = TargetForm(request.POST, prefix="target")
    if form.is_valid():
        try:
            services.target_set(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi chỉ tiêu."))
            return redirect("indicator_detail", pk=indicator.pk)
    return _detail(request, indicator, target_form=form, status=422)


@login_required
@require_POST
def indicator_actual_report(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    if not permissions.can_report_actual(request.user, indicator):
        raise PermissionDenied(_("Bạn không có quyền báo cáo số liệu của chỉ số này."))
    form = ActualForm(request.POST, prefix="actual")
    if form.is_valid():
        try:
            services.actual_report(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi số liệu thực hiện."))
            return redirect("indicator_detail", pk=indicator.pk)
    return _detail(request, indicator, actual_form=form, status=422)


@login_required
def task_force_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "indicators/task_force_list.html",
                  {"task_forces": selectors.task_force_list(user=request.user)})


@login_required
def task_force_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task_force = selectors.task_force_get(user=request.user, pk=pk)
    return render(request, "indicators/task_force_detail.html", {
        "tf": task_force,
        "deliverables": selectors.task_force_deliverables(user=request.user, task_force=task_force),
    })
