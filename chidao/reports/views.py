"""Report pages: thin adapters over reports.services (builds) and reports.figures (reads)."""

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.documents import DEFAULT_TEMPLATES
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.htmx import error_messages
from chidao.core.http import DOCX, AuthedRequest, stored_file_response
from chidao.programs import selectors as program_selectors
from chidao.programs.forms import AsOfForm
from chidao.reports import selectors as report_selectors

from . import charts, figures, services
from .builders import template_file
from .forms import ReportRequestForm, TemplateUploadForm
from .models import TemplateKind
from .permissions import can_manage_report_templates


def _jobs(request: AuthedRequest, program: Any) -> dict[str, Any]:
    """The user's last builds for the program; the list keeps polling while one is unfinished."""
    jobs = report_selectors.report_jobs_recent(user=request.user, program=program)
    return {"jobs": jobs, "polling": any(not j.finished for j in jobs), "issuable": services.ISSUABLE_KINDS}


def _svg(data: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode()


@login_required
def program_reports(request: AuthedRequest, pk: int) -> HttpResponse:
    """The reports page: ask for a build, follow it, and see the trajectory and the stocktake ratings."""
    program = program_selectors.program_get(user=request.user, pk=pk)
    units = report_selectors.report_lead_units(program=program)
    as_of_form = AsOfForm(request.GET or None)
    as_of = as_of_form.cleaned_data["as_of"] if as_of_form.is_valid() and as_of_form.cleaned_data["as_of"] else None
    stocktake = figures.stocktake_report_cached(user=request.user, program=program, as_of=as_of)
    unit_id = request.GET.get("unit", "")
    shown = next((u.trajectory for u in stocktake.units if str(u.unit_id) == unit_id), stocktake.trajectory)
    return render(request, "reports/program_reports.html", {
        "program": program, "form": ReportRequestForm(program=program, units=units), "as_of_form": as_of_form,
        **_jobs(request, program), "stocktake": stocktake, "trajectory": shown,
        "trajectory_chart": _svg(charts.trajectory_chart_cached(shown, "svg")), "unit_id": unit_id,
    })


@login_required
@require_POST
def report_request(request: AuthedRequest, pk: int) -> HttpResponse:
    program = program_selectors.program_get(user=request.user, pk=pk)
    form = ReportRequestForm(request.POST, program=program, units=report_selectors.report_lead_units(program=program))
    if form.is_valid():
        try:
            services.report_job_request(actor=request.user, program=program, kind=form.cleaned_data["kind"],
                                        fmt=form.cleaned_data["format"], params=form.params())
        except ValidationError as exc:
            for e in error_messages(exc):
                form.add_error(None, e)
    if form.errors:
        if request.htmx:
            return render(request, "reports/program_reports.html#request-form",
                          {"program": program, "form": form}, status=422)
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("program_reports", pk=program.pk)
    if request.htmx:
        response = render(request, "reports/program_reports.html#request-form", {
            "program": program,
            "form": ReportRequestForm(program=program, units=report_selectors.report_lead_units(program=program))})
        response["HX-Trigger"] = "report-requested"
        return response
    messages.success(request, _("Đã đưa vào hàng đợi lập báo cáo."))
    return redirect("program_reports", pk=program.pk)


@login_required
def report_jobs(request: AuthedRequest, pk: int) -> HttpResponse:
    """The list of the user's builds for a program (htmx polls it while one is running)."""
    program = program_selectors.program_get(user=request.user, pk=pk)
    return render(request, "reports/program_reports.html#jobs", {"program": program, **_jobs(request, program)})


@login_required
def report_download(request: AuthedRequest, pk: int) -> FileResponse:
    job = report_selectors.report_job_done_get(user=request.user, pk=pk)
    return stored_file_response(job.file, job.filename, missing=_("Không tìm thấy báo cáo."))


@login_required
@require_POST
def report_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue (ban hành) one of the user's finished reports: its number from the register, then built again."""
    job = report_selectors.report_job_done_get(user=request.user, pk=pk)
    try:
        job = services.report_job_issue(actor=request.user, job=job)
    except ValidationError as exc:
        for e in error_messages(exc):
            messages.error(request, e)
    else:
        assert job.document is not None
        messages.success(request, _("Đã ban hành, số %(n)s.") % {"n": job.document.number_text})
    return redirect("program_reports", pk=job.program_id)


# --- Word templates (administrators) --------------------------------------------------------------


def _require_admin(request: AuthedRequest) -> None:
    if not can_manage_report_templates(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được thay mẫu văn bản."))


@login_required
def report_templates(request: AuthedRequest) -> HttpResponse:
    _require_admin(request)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("reset"):
            services.report_template_reset(actor=request.user, kind=request.POST.get("kind", ""))
            messages.success(request, _("Đã dùng lại mẫu mặc định."))
            return redirect("report_templates")
        if form.is_valid():
            try:
                services.report_template_replace(actor=request.user, kind=form.cleaned_data["kind"],
                                                 upload=form.cleaned_data["file"])
            except ValidationError as exc:
                for e in error_messages(exc):
                    form.add_error(None, e)
            else:
                messages.success(request, _("Đã thay mẫu văn bản."))
                return redirect("report_templates")
    custom = report_selectors.report_templates_by_kind()
    rows = [{"kind": value, "label": label, "custom": custom.get(value)} for value, label in TemplateKind.choices]
    help_text = _("Tải mẫu về, sửa trong Word (giữ nguyên các thẻ {{ ... }} và {%% ... %%}), rồi tải lên để thay. "
                  "Mẫu lỗi sẽ bị từ chối, mẫu đang dùng giữ nguyên.").replace("%%", "%")
    return render(request, "reports/templates.html", {"rows": rows, "form": form, "help": help_text},
                  status=422 if form.errors else 200)


@login_required
def report_template_download(request: AuthedRequest, kind: str) -> FileResponse:
    """The template in force (or the default with ?mac-dinh=1), to edit in Word."""
    _require_admin(request)
    if kind not in TemplateKind.values:
        raise Http404
    path = DEFAULT_TEMPLATES / f"{kind}.docx" if request.GET.get("mac-dinh") else template_file(kind)
    return stored_file_response(path, f"{kind}.docx", missing=_("Không tìm thấy mẫu văn bản."), mime=DOCX)
