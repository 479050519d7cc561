"""Processing-figure pages (on-time rate, slowest procedures, the service-index component; figures import) and
the registry's Excel pages (import with its error report, template, export).

Every logged-in user reads; only the reform office and administrators import (permissions.can_edit_procedures). A
refused import answers 422 with the error table (sheet, row, column, message); nothing is written.
URL patterns of this module are collected by procedures/urls.py.
"""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core.dates import format_date
from chidao.core.errors import PermissionDenied
from chidao.core.forms import DATE_WIDGET
from chidao.core.http import XLSX, AuthedRequest, file_response, import_page
from chidao.core.imports.forms import ImportForm
from chidao.core.models import Unit
from chidao.core.periods import period_parse, periods_for_year
from chidao.core.widgets import UnitPicker

from . import excel, figures, permissions, selectors


def _require_edit(request: AuthedRequest) -> None:
    if not permissions.can_edit_procedures(request.user):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính nhập dữ liệu thủ tục hành chính."))


XlsxUploadForm = ImportForm  # the API's name for it


class FiguresImportForm(XlsxUploadForm):
    period = forms.CharField(label=gettext_lazy("Kỳ số liệu (Nghị định 09/2019)"), required=False, max_length=12,
                             help_text=gettext_lazy("Ví dụ: 2021-Q4, 2021-M11, 2021-H1, 2021"))
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE_WIDGET)
    replace = forms.BooleanField(label=gettext_lazy("Thay thế số liệu đã có của cùng kỳ"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period"):
            try:
                period_parse(data["period"])
            except ValueError as exc:
                self.add_error("period", str(exc))
        if bool(data.get("date_from")) != bool(data.get("date_to")):
            self.add_error("date_to", _("Ghi đủ từ ngày và đến ngày."))
        return data


class FiguresFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Năm"), required=False, min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=gettext_lazy("Kỳ (Nghị định 09/2019)"), required=False)
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE_WIDGET)
    unit = forms.ModelChoiceField(label=gettext_lazy("Cơ quan thực hiện"), required=False,
                                  queryset=Unit.objects.none(), empty_label=gettext_lazy("Tất cả"),
                                  widget=UnitPicker())
    field = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)

    def __init__(self, *args: Any, year: int, fields: list[str], units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.code, p.label) for p in periods_for_year(year)]  # type: ignore[attr-defined]
        self.fields["field"].choices = [("", _("Tất cả"))] + [(f, f) for f in fields]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if bool(start) != bool(end):
            self.add_error("date_to", _("Ghi đủ từ ngày và đến ngày."))
        elif start and end and end < start:
            self.add_error("date_to", _("Đến ngày không được trước từ ngày."))
        return data

    def bounds(self, year: int) -> tuple[dt.date, dt.date, str]:
        """From-to dates when given, else the chosen Decree 09 period, else the year's annual period."""
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to"):
            start, end = data["date_from"], data["date_to"]
            return start, end, _("từ %(s)s đến %(e)s") % {
                "s": format_date(start), "e": format_date(end)}
        p = period_parse(data.get("period") or str(year))
        return p.start, p.end, p.label


@login_required
def figures_page(request: AuthedRequest) -> HttpResponse:
    """Totals with the on-time rate and the service-index component, the slowest procedures, and the figures
    per procedure (paginated), for a period and optional unit and field."""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else figures.latest_year()
    form = FiguresFilterForm(request.GET or {"year": year}, year=year, fields=selectors.procedure_fields(),
                             units=selectors.count_units())
    context: dict[str, Any] = {"form": form, "can_edit": permissions.can_edit_procedures(request.user)}
    if form.is_valid():
        start, end, label = form.bounds(year)
        unit, field = form.cleaned_data["unit"], form.cleaned_data["field"] or None
        summary = figures.figures_summary(start=start, end=end, unit=unit, field=field)
        page = Paginator(summary.rows, settings.CHIDAO_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context |= {
            "label": label, "summary": summary, "page": page, "query": query.urlencode(),
            "slowest": figures.slowest_procedures(start=start, end=end, summary=summary),
            "min_resolved": settings.CHIDAO_SERVICE_INDEX["min_resolved"],
        }
    return render(request, "procedures/figures.html", context, status=422 if form.errors else 200)


@login_required
def figures_import(request: AuthedRequest) -> HttpResponse:
    """Upload a one-stop-shop export; any wrong row: the error table, status 422, nothing written."""
    _require_edit(request)
    form = FiguresImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = excel.figures_import(
            actor=request.user, file=data["file"], period=data["period"], start=data["date_from"],
            end=data["date_to"], replace=data["replace"], dry_run=data["dry_run"], source=data["file"].name or "")
    if result is None or not result.ok:
        return import_page(request, "procedures/figures_import.html", form, result)
    assert result.start is not None and result.end is not None  # an import that went through has its period
    start, end = result.start.strftime("%d/%m/%Y"), result.end.strftime("%d/%m/%Y")
    return import_page(
        request, "procedures/figures_import.html", form, result,
        labels={"created": _("Số liệu mới"), "replaced": _("Số liệu thay thế")},
        summary=_("Kỳ số liệu: từ %(s)s đến %(e)s.") % {"s": start, "e": end},
        next_url=reverse("procedure_figures") + "?" + urlencode(
            {"date_from": start, "date_to": end, "year": result.end.year}),
        next_label=_("Xem số liệu"))


@login_required
def registry_import(request: AuthedRequest) -> HttpResponse:
    """Upload the two-sheet workbook (procedures, decisions); any wrong row: the error table, 422."""
    _require_edit(request)
    form = XlsxUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.registry_import(actor=request.user, file=form.cleaned_data["file"],
                                       dry_run=form.cleaned_data["dry_run"])
    return import_page(request, "procedures/import.html", form, result, labels={
        "procedures": _("Thủ tục"), "decisions": _("Quyết định công bố"), "items": _("Thủ tục trong quyết định")})


@login_required
def registry_template(request: AuthedRequest) -> HttpResponse:
    return file_response(excel.registry_template(), "mau-nhap-thu-tuc-hanh-chinh.xlsx", XLSX)


@login_required
def registry_export(request: AuthedRequest) -> HttpResponse:
    name = f"thu-tuc-hanh-chinh-{timezone.localdate():%Y%m%d}.xlsx"
    return file_response(excel.registry_export(user=request.user), name, XLSX)


urlpatterns = [
    path("thu-tuc/so-lieu/", figures_page, name="procedure_figures"),
    path("thu-tuc/so-lieu/nhap/", figures_import, name="procedure_figures_import"),
    path("thu-tuc/nhap-excel/", registry_import, name="procedure_import"),
    path("thu-tuc/mau-nhap.xlsx", registry_template, name="procedure_import_template"),
    path("thu-tuc/xuat-excel/", registry_export, name="procedure_export"),
]
