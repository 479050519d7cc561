"""Sign-in pages: the login page (password and single sign-on), the second-factor code page, enrolment of an
authenticator app, and the administrator's reset of a user's second factor. The flow is `core.signin`."""

from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .errors import PermissionDenied, ValidationError
from .forms import form_apply_errors
from .htmx import form_failure
from .http import AuthedRequest
from .models import User
from .oidc import oidc_enabled
from .otp import (
    otp_reset,
    otp_status,
    otp_verify,
    totp_enrol_confirm,
    totp_enrol_start,
    totp_qr_svg,
    totp_secret,
)
from .permissions import can_reset_otp
from .selectors import user_find
from .signin import (
    ENROL_KEY,
    PENDING_KEY,
    enrolment_done,
    first_factor_passed,
    pending_user,
    safe_next,
    second_factor_passed,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"), max_length=32, strip=True,
        help_text=gettext_lazy("Sáu chữ số trên ứng dụng xác thực, hoặc một mã dự phòng."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


def _login_context(request: HttpRequest, form: AuthenticationForm | None, next_url: str) -> dict[str, object]:
    return {"form": form, "next": next_url, "password_login": settings.CHIDAO_PASSWORD_LOGIN,
            "sso": oidc_enabled()}


@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """The login page: password (unless CHIDAO_PASSWORD_LOGIN=0) and the single sign-on button (when
    configured). A valid password goes on through `core.signin.first_factor_passed`."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        if not settings.CHIDAO_PASSWORD_LOGIN:
            messages.error(request, _("Đăng nhập bằng mật khẩu đã tắt; hãy đăng nhập bằng tài khoản một lần (SSO)."))
            return render(request, "core/login.html", _login_context(request, None, next_url), status=403)
        form = AuthenticationForm(request, data=request.POST)
        if form.is_valid():
            user = cast(User, form.get_user())
            request.session.pop(PENDING_KEY, None)
            return first_factor_passed(request, user, backend=user.backend,  # type: ignore[attr-defined]
                                       next_url=next_url)
    else:
        form = AuthenticationForm(request)
    shown = form if settings.CHIDAO_PASSWORD_LOGIN else None
    return render(request, "core/login.html", _login_context(request, shown, next_url))


@sensitive_post_parameters()
@csrf_protect
@never_cache
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The code after the first factor. A wrong code counts toward the login lockout (django-axes: five
    failures for a login name from one address), and changes nothing else."""
    found = pending_user(request)
    if found is None:
        messages.info(request, _("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại."))
        return redirect("login")
    user, pending = found
    credentials = {"username": user.username}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING_KEY, None)
        request.axes_locked_out = True  # type: ignore[attr-defined]  # AxesMiddleware shows the lockout page
        request.axes_credentials = credentials  # type: ignore[attr-defined]
        return HttpResponse(status=429)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            return second_factor_passed(request, user, device, pending)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return HttpResponse(status=429)
        form.add_error("code", _("Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã đang hiện trên ứng dụng "
                                 "xác thực, hoặc một mã dự phòng chưa dùng."))
    return render(request, "core/otp_verify.html", {"form": form, "pending_user": user},
                  status=422 if form.errors else 200)


@never_cache
@login_required
def otp_enrol_view(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: start (a new secret, shown as a QR code and as text), then confirm with a code;
    the recovery codes are shown once, on the answer to the confirmation."""
    form = CodeForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                totp_enrol_start(actor=request.user)
                return redirect("otp_enrol")
            if form.is_valid():
                device, codes = totp_enrol_confirm(actor=request.user, code=form.cleaned_data["code"])
                enrolment_done(request, device)
                status = otp_status(user=request.user)
                messages.success(request, _("Đã bật xác thực hai lớp."))
                return render(request, "core/otp_enrol.html", {"status": status, "recovery_codes": codes})
        except ValidationError as exc:
            form_apply_errors(form, exc)
    status = otp_status(user=request.user)
    context: dict[str, object] = {"status": status, "form": form, "forced": bool(request.session.get(ENROL_KEY))}
    if status.pending is not None and not status.enrolled:
        context.update(qr_svg=totp_qr_svg(status.pending), secret=totp_secret(status.pending))
    if form.errors:
        return form_failure(request, "core/otp_enrol.html", context)
    return render(request, "core/otp_enrol.html", context)


@login_required
@require_POST
def user_otp_reset_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """An administrator resets a user's second factor (the user enrols again; their sessions end)."""
    if not can_reset_otp(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được đặt lại xác thực hai lớp."))
    target = user_find(pk=pk)
    if target is None:
        raise Http404
    removed = otp_reset(actor=request.user, user=target)
    messages.success(request, _("Đã đặt lại xác thực hai lớp của %(user)s (%(count)s thiết bị); mọi phiên đăng "
                                "nhập của người này đã kết thúc.") % {"user": target, "count": removed})
    return redirect(safe_next(request, request.POST.get("next")))
