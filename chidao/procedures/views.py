"""Registry pages: thin adapters over selectors (reads) and services (writes). Every logged-in user reads;
the reform office and administrators write (permissions.can_edit_procedures)."""

import os
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.http import AuthedRequest, stored_file_response

from . import permissions, selectors, services
from .forms import CountsForm, DecisionForm, ProcedureFilterForm, ProcedureForm
from .models import ItemAction, Proposal
from .status import STATUS_LABELS


def _page(request: AuthedRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, settings.CHIDAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _require_edit(request: AuthedRequest) -> None:
    if not permissions.can_edit_procedures(request.user):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính cập nhật thủ tục hành chính."))


@login_required
def procedure_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ProcedureFilterForm(request.GET or None, fields=selectors.procedure_fields(),
                               units=selectors.count_units())
    filters = form.filters()
    on = filters.status_on or today
    page, query = _page(request, selectors.procedure_list(user=request.user, filters=filters))
    rows = [(p, selectors.status_of(p, on)) for p in page]
    context = {"form": form, "page": page, "rows": rows, "query": query, "on": on, "labels": STATUS_LABELS,
               "can_edit": permissions.can_edit_procedures(request.user)}
    if request.htmx:
        return render(request, "procedures/procedure_list.html#results", context)
    return render(request, "procedures/procedure_list.html", context)


@login_required
def procedure_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = selectors.procedure_get(user=request.user, pk=pk)
    today = timezone.localdate()
    history = selectors.procedure_history(procedure=procedure)
    status = selectors.procedure_status(procedure=procedure, on=today)
    return render(request, "procedures/procedure_detail.html", {
        "p": procedure, "status": status, "today": today, "history": history,
        "can_edit": permissions.can_edit_procedures(request.user),
    })


@login_required
def procedure_create(request: AuthedRequest) -> HttpResponse:
    _require_edit(request)
    form = ProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = services.procedure_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm thủ tục %(code)s.") % {"code": procedure.code})
            return redirect("procedure_detail", pk=procedure.pk)
    return render(request, "procedures/procedure_form.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def procedure_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_edit(request)
    procedure = selectors.procedure_get(user=request.user, pk=pk)
    form = ProcedureForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("code", None)
        try:
            services.procedure_update(actor=request.user, procedure=procedure, **data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi; nội dung trước đó được lưu thành phiên bản."))
            return redirect("procedure_detail", pk=procedure.pk)
    return render(request, "procedures/procedure_form.html", {"form": form, "p": procedure},
                  status=422 if form.errors else 200)


@login_required
def decision_list(request: AuthedRequest) -> HttpResponse:
    page, query = _page(request, selectors.decision_list(user=request.user, q=request.GET.get("q", "")))
    return render(request, "procedures/decision_list.html", {
        "page": page, "query": query, "q": request.GET.get("q", ""),
        "can_edit": permissions.can_edit_procedures(request.user)})


@login_required
def decision_create(request: AuthedRequest) -> HttpResponse:
    _require_edit(request)
    form = DecisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            decision = services.decision_create(actor=request.user, **data)
        except ValidationError as exc:
            for name, errors in exc.update_error_dict({}).items():  # with or without fields
                for error in errors:
                    n = (error.params or {}).get("n")
                    message = " ".join(error.messages)
                    if n is not None and n <= len(form.line_numbers):
                        message = _("Dòng %(n)s: %(p)s") % {"n": form.line_numbers[n - 1], "p": message}
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("Đã ghi nhận quyết định %(n)s.") % {"n": decision.number})
            return redirect("decision_detail", pk=decision.pk)
    return render(request, "procedures/decision_form.html", {"form": form, "actions": ItemAction.choices},
                  status=422 if form.errors else 200)


@login_required
def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get(user=request.user, pk=pk)
    return render(request, "procedures/decision_detail.html", {
        "decision": decision, "items": selectors.decision_items(decision=decision)})


@login_required
def decision_file_download(request: AuthedRequest, pk: int) -> FileResponse:
    """The decision's scanned file, streamed from the file storage (disk or bucket) after the lookup's checks."""
    decision = selectors.decision_get(user=request.user, pk=pk)
    if not decision.file:
        raise Http404(_("Không tìm thấy tệp."))
    return stored_file_response(decision.file, os.path.basename(decision.file.name), missing=_("Không tìm thấy tệp."))


@login_required
def procedure_counts(request: AuthedRequest) -> HttpResponse:
    data = request.GET if request.GET else {"year": str(timezone.localdate().year)}
    form = CountsForm(data, fields=selectors.procedure_fields(), units=selectors.count_units())
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        unit, field = form.cleaned_data["unit"], form.cleaned_data["field"] or None
        start, end, label = form.period_bounds()
        if not form.errors:
            table = selectors.counts_table(start=start, end=end, unit=unit, field=field)
            context |= {"label": label, "start": start, "end": end, "counts": table.total,
                        "by_field": table.by_field, "by_unit": table.by_unit}
    return render(request, "procedures/counts.html", context, status=422 if form.errors else 200)


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "procedures/campaign_list.html", {"campaigns": selectors.campaign_list(user=request.user)})


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    group = request.GET.get("nhom", "")
    proposal = request.GET.get("de_xuat", "")
    findings = selectors.campaign_findings(campaign=campaign, group=int(group) if group.isdigit() else None,
                                           proposal=proposal if proposal in Proposal.values else "")
    page, query = _page(request, findings)
    return render(request, "procedures/campaign_detail.html", {
        "campaign": campaign, "groups": selectors.campaign_groups(campaign=campaign), "page": page, "query": query,
        "group": group, "proposal": proposal, "proposals": Proposal.choices})


urlpatterns: list = [
    path("thu-tuc/", procedure_list, name="procedure_list"),
    path("thu-tuc/them-moi/", procedure_create, name="procedure_create"),
    path("thu-tuc/<int:pk>/", procedure_detail, name="procedure_detail"),
    path("thu-tuc/<int:pk>/sua/", procedure_edit, name="procedure_edit"),
    path("thu-tuc/quyet-dinh/", decision_list, name="decision_list"),
    path("thu-tuc/quyet-dinh/them-moi/", decision_create, name="decision_create"),
    path("thu-tuc/quyet-dinh/<int:pk>/", decision_detail, name="decision_detail"),
    path("thu-tuc/quyet-dinh/<int:pk>/tep/", decision_file_download, name="decision_file"),
    path("thu-tuc/thong-ke/", procedure_counts, name="procedure_counts"),
    path("thu-tuc/ra-soat/", campaign_list, name="campaign_list"),
    path("thu-tuc/ra-soat/<int:pk>/", campaign_detail, name="campaign_detail"),
]
