"""Passwords: change one's own, and "forgot password" by an emailed link, on Django's own views in Vietnamese.

- `/tai-khoan/mat-khau/` (password_change): every signed-in user; the session stays open (Django's view calls
  `update_session_auth_hash`), every other session of the user ends (the password is part of their hash), and
  `must_change_password` is cleared (the first-login change: `core.middleware.PasswordChangeRequiredMiddleware`).
- `/mat-khau/quen/` (password_reset): the same answer, in the same time, whether the address is known or not
  (the mail goes out from the background worker: `core.password_mail`); at most PASSWORD_RESET_LIMIT requests
  an hour per client address and per email address (the next get the same answer and nothing is sent). The
  link starts with CHIDAO_SITE_URL, never with the request's Host header (a forged Host would otherwise send
  the user's link to another site).
- `/mat-khau/dat-lai/<uidb64>/<token>/` (password_reset_confirm, also used by the onboarding mail): the link
  works once (Django's token covers the password hash and expires after PASSWORD_RESET_TIMEOUT).
- With CHIDAO_PASSWORD_LOGIN off (single sign-on only), the four reset pages answer 404 (a password would not
  sign anyone in); changing one's own stays.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .audit import change_record_create
from .auth import client_ip
from .models import User
from .password_mail import ResetRequestForm, link_hours, password_reset_mail_task

# Requests of the forgot-password form per client address and per email address in PASSWORD_RESET_WINDOW
# seconds; beyond it the answer is the same and nothing is sent.
PASSWORD_RESET_LIMIT = 5
PASSWORD_RESET_WINDOW = 3600
LIMITS_CACHE = "limits"


def _password_set(user: User, *, how: str) -> None:
    """After a new password is saved: the first-login change is done, and the change log says so (never the
    password or its hash)."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    change_record_create(actor=user, action="update", obj=user, after={"password": how}, reason=how)


class OwnPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            _password_set(user, how=_("Tự đổi mật khẩu"))
        return user


class ResetSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            _password_set(user, how=_("Đặt mật khẩu qua liên kết gửi thư"))
        return user


def password_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 when password sign-in is switched off (CHIDAO_PASSWORD_LOGIN=0: single sign-on only)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.CHIDAO_PASSWORD_LOGIN:
            raise Http404(_("Đăng nhập bằng mật khẩu đã tắt."))
        return view(request, *args, **kwargs)

    return wrapped


def _over_limit(request: HttpRequest, email: str) -> bool:
    """Count this request against its client address and its email address; True once either has had more than
    PASSWORD_RESET_LIMIT in the window."""
    cache = caches[LIMITS_CACHE]
    keys = [f"pwreset:ip:{client_ip(request) or '-'}", f"pwreset:email:{email.strip().casefold()}"]
    over = False
    for key in keys:
        cache.add(key, 0, PASSWORD_RESET_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, PASSWORD_RESET_WINDOW)
            count = 1
        over = over or count > PASSWORD_RESET_LIMIT
    return over


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = OwnPasswordChangeForm
    template_name = "core/password_change.html"
    success_url = reverse_lazy("home")
    title = gettext_lazy("Đổi mật khẩu")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # saves, and keeps this session (update_session_auth_hash)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


@method_decorator(password_login_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "core/password_reset_form.html"
    title = gettext_lazy("Quên mật khẩu")

    def form_valid(self, form: Any) -> HttpResponse:
        """Enqueue the mail for the address, known or not (the worker finds the accounts: the answer takes the
        same time either way), unless over the limit; answer the same in every case."""
        email = form.cleaned_data["email"]
        if not _over_limit(self.request, email):
            password_reset_mail_task.enqueue(email=email, language=get_language() or settings.LANGUAGE_CODE)
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(password_login_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"
    title = gettext_lazy("Đã gửi yêu cầu")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "timeout_hours": link_hours()}


@method_decorator(password_login_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the forgot-password mail and of the onboarding mail: a good link is swapped for a form
    address without the token (Django keeps it in the session); a used or expired one says so and changes
    nothing."""

    form_class = ResetSetPasswordForm
    template_name = "core/password_reset_confirm.html"
    title = gettext_lazy("Đặt mật khẩu mới")


@method_decorator(password_login_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"
    title = gettext_lazy("Đã đặt mật khẩu")
