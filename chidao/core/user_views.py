"""Pages of the account administration (/quan-tri/nguoi-dung/): the list, a new account, one account (edit, extra
grants, stop and restart, a new password link or temporary password) and the Excel import. Administrators only
(403 for anyone else); a temporary password is shown once, on the answer that made it, never cached."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import accounts
from .accounts_forms import RoleGrantForm, UserCreateForm, UserEditForm, UserFilterForm
from .accounts_import import users_import, users_import_template
from .accounts_selectors import role_grant_get, user_get, user_list
from .errors import PermissionDenied, ValidationError
from .forms import form_apply_errors
from .htmx import error_messages, hx_redirect
from .http import XLSX, AuthedRequest, file_response, import_page
from .imports.forms import ImportForm
from .models import User
from .otp import otp_status
from .permissions import can_manage_users


def _require(request: AuthedRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý tài khoản người dùng."))


def _detail_url(user: User) -> str:
    return reverse("user_detail", kwargs={"pk": user.pk})


@login_required
@require_GET
def user_list_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = UserFilterForm(request.GET or None)
    page = Paginator(user_list(actor=request.user, filters=form.filters()),
                     settings.CHIDAO_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx:
        return render(request, "core/users/list.html#results", context)
    return render(request, "core/users/list.html", context)


def _onboarding_page(request: AuthedRequest, onboarding: accounts.Onboarding, *, created: bool) -> HttpResponse:
    """The one answer that shows a temporary password (never cached); a sent link is a message."""
    if onboarding.temporary_password is None:
        messages.success(request, _("Đã gửi liên kết đặt mật khẩu tới %(email)s.") % {
            "email": onboarding.link_sent_to})
        return hx_redirect(request, _detail_url(onboarding.user))
    return render(request, "core/users/password.html", {"onboarding": onboarding, "created": created})


@never_cache
@login_required
def user_create_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding = accounts.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            if onboarding.temporary_password is None:
                messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": onboarding.user.username})
            return _onboarding_page(request, onboarding, created=True)
    return render(request, "core/users/form.html", {"form": form}, status=422 if form.errors else 200)


def _detail(request: AuthedRequest, user: User, *, form: UserEditForm | None = None,
            grant_form: RoleGrantForm | None = None, status: int = 200) -> HttpResponse:
    if form is None:
        form = UserEditForm(initial={"full_name": user.full_name, "email": user.email, "phone": user.phone,
                                     "role": user.role, "unit": user.unit_id})
    return render(request, "core/users/detail.html", {
        "account": user, "form": form, "grant_form": grant_form or RoleGrantForm(),
        "grants": list(user.role_grants.all()), "is_self": user.pk == request.user.pk,
        "otp": otp_status(user=user),
    }, status=status)


@login_required
def user_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The account; a POST saves its full name, e-mail, phone, main role and unit."""
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    if request.method != "POST":
        return _detail(request, user)
    form = UserEditForm(request.POST)
    if form.is_valid():
        try:
            accounts.user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin tài khoản."))
            return hx_redirect(request, _detail_url(user))
    return _detail(request, user, form=form, status=422)


def _act(request: AuthedRequest, user: User, done: str, action: Callable[[], object]) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, done)
    return hx_redirect(request, _detail_url(user))


@login_required
@require_POST
def user_deactivate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    return _act(request, user, _("Đã ngừng tài khoản %(u)s; các phiên đăng nhập và mã truy cập API của tài khoản "
                                 "đã bị hủy.") % {"u": user.username},
                lambda: accounts.user_deactivate(actor=request.user, user=user, reason=reason))


@login_required
@require_POST
def user_reactivate_view(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    return _act(request, user, _("Đã cho dùng lại tài khoản %(u)s.") % {"u": user.username},
                lambda: accounts.user_reactivate(actor=request.user, user=user))


@login_required
@require_POST
def user_grant_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        try:
            accounts.role_grant_add(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm vai trò."))
            return hx_redirect(request, _detail_url(user))
    return _detail(request, user, grant_form=form, status=422)


@login_required
@require_POST
def user_grant_remove_view(request: AuthedRequest, pk: int, grant_pk: int) -> HttpResponse:
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    grant = role_grant_get(actor=request.user, user=user, pk=grant_pk)
    return _act(request, user, _("Đã bỏ vai trò %(role)s.") % {"role": grant.get_role_display()},
                lambda: accounts.role_grant_remove(actor=request.user, grant=grant))


@never_cache
@login_required
@require_POST
def user_password_reset_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """A new "set your password" link by e-mail, or (asked, or no address) a temporary password shown once."""
    _require(request)
    user = user_get(actor=request.user, pk=pk)
    try:
        onboarding = accounts.user_password_reset_by_admin(
            actor=request.user, user=user, temporary=request.POST.get("temporary") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
        return hx_redirect(request, _detail_url(user))
    return _onboarding_page(request, onboarding, created=False)


@never_cache
@login_required
def user_import_view(request: AuthedRequest) -> HttpResponse:
    """Accounts from Excel, all or nothing; the result lists the new accounts (temporary passwords shown once)."""
    _require(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = users_import(actor=request.user, file=form.cleaned_data["file"],
                              dry_run=form.cleaned_data["dry_run"])
    return import_page(request, "core/users/import.html", form, result,
                       labels={"created": _("Tài khoản mới")}, next_url=reverse("user_list"),
                       next_label=_("Về danh sách tài khoản"))


@login_required
@require_GET
def user_import_template_view(request: AuthedRequest) -> HttpResponse:
    _require(request)
    return file_response(users_import_template(), f"mau-nhap-tai-khoan-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
