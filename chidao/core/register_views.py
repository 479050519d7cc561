"""The register of outgoing documents (/van-ban-di/, its Excel export) and the signers' pages for administrators
and the standing office (/quan-tri/nguoi-ky/): thin adapters over core.register."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import register
from .errors import PermissionDenied, ValidationError
from .forms import form_apply_errors
from .htmx import form_failure, hx_redirect
from .http import XLSX, AuthedRequest, file_response
from .models import Issuer, Signer, Unit
from .register_forms import IssuerForm, RegisterFilterForm, SignerForm


def _filter_form(request: AuthedRequest) -> RegisterFilterForm:
    return RegisterFilterForm(request.GET or None, issuers=register.issuer_options(request.user),
                              years=register.document_years(user=request.user))


@login_required
@require_GET
def register_list(request: AuthedRequest) -> HttpResponse:
    """The register, newest first, searched and filtered; each reader sees the bodies of their scope."""
    if not register.can_read_register(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem sổ văn bản đi."))
    form = _filter_form(request)
    valid = not form.is_bound or form.is_valid()
    docs: Any = register.document_list(user=request.user, filters=form.filters()) if valid else []
    page = Paginator(docs, settings.CHIDAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/register/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "export_url": reverse("register_export") + (f"?{query.urlencode()}" if query else ""),
    }, status=200 if valid else 422)


@login_required
@require_GET
def register_export(request: AuthedRequest) -> HttpResponse:
    if not register.can_read_register(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem sổ văn bản đi."))
    form = _filter_form(request)
    content = register.document_export(user=request.user, filters=form.filters())
    return file_response(content, "so-van-ban-di.xlsx", XLSX)


# --- issuing bodies and signers ---------------------------------------------------------------------------


def _require(request: AuthedRequest) -> None:
    if not register.can_manage_signers(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống hoặc cơ quan thường trực được quản lý người ký."))


def _issuer(request: AuthedRequest, pk: int) -> Issuer:
    found = register.issuers_visible(request.user).select_related("unit").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Không tìm thấy cơ quan ban hành."))
    return found


@login_required
def signer_admin(request: AuthedRequest) -> HttpResponse:
    """Every issuing body with its signers; the form adds a body (a unit plus its code)."""
    _require(request)
    form = IssuerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.filter(code__iexact=data["unit_code"].strip()).first()
        if unit is None:
            form.add_error("unit_code", _("Không có đơn vị mã “%(c)s”.") % {"c": data["unit_code"]})
        else:
            try:
                issuer = register.issuer_create(actor=request.user, unit=unit, code=data["code"], name=data["name"])
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm cơ quan ban hành “%(n)s”.") % {"n": issuer.name})
                return hx_redirect(request, reverse("signer_admin"))
    issuers = [(i, register.signers_of(i)) for i in register.issuers_visible(request.user).select_related("unit")]
    return form_failure(request, "core/register/signers.html", {"issuers": issuers, "form": form},
                        failed=request.method == "POST")


def _signer_page(request: AuthedRequest, issuer: Issuer, signer: Signer | None) -> HttpResponse:
    initial = {"order": 0, "active": True} if signer is None else {
        k: getattr(signer, k) for k in ("form", "body", "title", "deputy_title", "name", "order", "active")}
    form = SignerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "form": form.cleaned_data["form"] or ""}
        try:
            if signer is None:
                register.signer_create(actor=request.user, issuer=issuer, **data)
            else:
                register.signer_update(actor=request.user, signer=signer, **data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu người ký."))
            return hx_redirect(request, reverse("signer_admin"))
    title = _("Thêm người ký của “%(n)s”") % {"n": issuer.name} if signer is None else _("Sửa người ký")
    return form_failure(request, "core/register/signer_form.html", {"form": form, "title": title, "issuer": issuer},
                        failed=request.method == "POST")


@login_required
def signer_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    return _signer_page(request, _issuer(request, pk), None)


@login_required
def signer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    signer = Signer.objects.filter(pk=pk).first()
    if signer is None:
        raise Http404(_("Không tìm thấy người ký."))
    return _signer_page(request, _issuer(request, signer.issuer_id), signer)


urlpatterns = [
    path("van-ban-di/", register_list, name="register_list"),
    path("van-ban-di/xuat.xlsx", register_export, name="register_export"),
    path("quan-tri/nguoi-ky/", signer_admin, name="signer_admin"),
    path("quan-tri/nguoi-ky/<int:pk>/them/", signer_add, name="signer_add"),
    path("quan-tri/nguoi-ky/sua/<int:pk>/", signer_edit, name="signer_edit"),
]
