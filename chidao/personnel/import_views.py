"""Excel pages of the cadre records: import (with its error report), the import template, export.

URL patterns of this module are collected by personnel/urls.py.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.errors import PermissionDenied
from chidao.core.http import XLSX, AuthedRequest, file_response, import_page
from chidao.core.imports.forms import ImportForm

from . import excel, permissions

PeopleImportForm = ImportForm  # the API's name for it


@login_required
def people_import(request: AuthedRequest) -> HttpResponse:
    """Upload a workbook; any wrong row: the error table (sheet, row, column, message), status 422,
    nothing written; otherwise the counts."""
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền nhập hồ sơ cán bộ."))
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.people_import(actor=request.user, file=form.cleaned_data["file"],
                                     dry_run=form.cleaned_data["dry_run"])
    return import_page(request, "personnel/import.html", form, result, labels={
        "people": _("Hồ sơ cán bộ"), "assignments": _("Quá trình công tác"), "positions": _("Chức danh mới"),
        "ratings": _("Xếp loại"), "disciplines": _("Kỷ luật")})


@login_required
def people_import_template(request: AuthedRequest) -> HttpResponse:
    return file_response(excel.people_import_template(), "mau-nhap-ho-so-can-bo.xlsx", XLSX)


@login_required
def people_export(request: AuthedRequest) -> HttpResponse:
    """The people of the current filter (?q=&unit=) the user may see; others get 403."""
    if not permissions.can_read_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ cán bộ."))
    unit = request.GET.get("unit", "")
    qs = excel.people_filter(user=request.user, q=request.GET.get("q", ""),
                             unit=int(unit) if unit.isdigit() else None)
    name = f"ho-so-can-bo-{timezone.localdate():%Y%m%d}.xlsx"
    return file_response(excel.people_export(user=request.user, qs=qs), name, XLSX)


urlpatterns = [
    path("can-bo/nhap-excel/", people_import, name="person_import"),
    path("can-bo/mau-nhap.xlsx", people_import_template, name="person_import_template"),
    path("can-bo/xuat-excel/", people_export, name="person_export"),
]
