"""The sign-in flow between the first factor (a password or single sign-on) and a full session.

A user with a confirmed second-factor device is NOT logged in after the first factor: the session keeps only the
pending user (id, the backend that vouched, where to go next, the session hash of the account at that moment,
and the time) and the code page (`otp_verify`) finishes the login once a code is verified (`login` then
`django_otp.login`). The pending step lasts PENDING_SECONDS and dies if the password or the session epoch
changes meanwhile.

A user whose role requires a second factor (`core.otp.otp_required`) and who has none is logged in, but the
session carries ENROL_KEY: `core.middleware.OTPEnrolmentMiddleware` then keeps them on the enrolment page until
they enrol. The flag is set only here, so sessions opened otherwise (tests' `force_login`) are unaffected.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device

from .models import User
from .otp import otp_enrolled, otp_required

PENDING_KEY = "chidao_otp_pending"
ENROL_KEY = "chidao_otp_enrol"
PENDING_SECONDS = 300


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it is an address on this site, else the page after login."""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def first_factor_passed(request: HttpRequest, user: User, *, backend: str, next_url: str) -> HttpResponse:
    """The password (or the provider) vouched for `user`: ask for the code, or log in (and send to enrolment
    when the role requires a second factor the user does not have)."""
    if otp_enrolled(user):
        request.session[PENDING_KEY] = {
            "user": user.pk, "backend": backend, "next": next_url, "hash": user.get_session_auth_hash(),
            "at": time.time(),
        }
        return redirect("otp_verify")
    auth_login(request, user, backend=backend)
    if otp_required(user):
        request.session[ENROL_KEY] = True
        messages.info(request, _("Vai trò của bạn bắt buộc xác thực hai lớp: hãy đăng ký ứng dụng xác thực để "
                                 "tiếp tục."))
        return redirect("otp_enrol")
    return HttpResponseRedirect(next_url)


def pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The user waiting for the second factor in this session, while the pending step is still valid."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if (user is None or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS
            or pending.get("hash") != user.get_session_auth_hash()):
        request.session.pop(PENDING_KEY, None)
        return None
    return user, pending


def second_factor_passed(request: HttpRequest, user: User, device: Device, pending: dict[str, Any]) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)
    return HttpResponseRedirect(pending["next"])


def enrolment_done(request: HttpRequest, device: Device) -> None:
    """The user just enrolled: the session counts as verified and the enrolment restriction ends."""
    request.session.pop(ENROL_KEY, None)
    otp_login(request, device)
