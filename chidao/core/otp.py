"""Second factor (TOTP, django-otp): enrolment, verification, recovery codes and the administrator's reset.

A user enrols one authenticator app: `totp_enrol_start` makes an unconfirmed TOTP device (its secret shown as a
QR code and as text), `totp_enrol_confirm` confirms it with a code from the app and makes ten one-time recovery
codes (a django-otp static device) shown once. From then on every sign-in (password or SSO) asks for a code
after the first factor (`otp_verify`: a TOTP code or an unused recovery code, which is then spent).
Administrators and personnel officers (settings.CHIDAO_OTP_REQUIRED_ROLES) must enrol before they can use
anything (`otp_required`; the sign-in flow and `core.middleware.OTPEnrolmentMiddleware` enforce it).
`otp_reset` (an administrator) removes a user's devices and ends their sessions. Every write is in the change log;
wrong codes are counted by the login lockout (django-axes) in the sign-in flow, and by django-otp's own
per-device throttling.
"""

import base64
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import change_record_create
from .errors import PermissionDenied, ValidationError
from .models import User
from .permissions import can_reset_otp

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã dự phòng"



# --- Reads ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OtpStatus:
    enrolled: bool  # a confirmed authenticator app
    recovery_left: int  # unused recovery codes
    required: bool  # the user's roles require a second factor
    pending: TOTPDevice | None  # an enrolment started and not confirmed yet


def otp_required(user: User) -> bool:
    """Whether any of the user's grants requires a second factor (a superuser counts as an administrator)."""
    return user.has_role(*settings.CHIDAO_OTP_REQUIRED_ROLES)


def otp_enrolled(user: User) -> bool:
    """Whether the user has a confirmed device (the sign-in then asks for a code)."""
    return any(True for _d in devices_for_user(user, confirmed=True))


def otp_status(*, user: User) -> OtpStatus:
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return OtpStatus(
        enrolled=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        recovery_left=static.token_set.count() if static else 0,
        required=otp_required(user),
        pending=TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first(),
    )


def totp_secret(device: TOTPDevice) -> str:
    """The device's secret in base32 (what an authenticator app asks for when it cannot scan the QR code),
    in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of the device as an inline SVG QR code (no image request, no script)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


# --- Writes -----------------------------------------------------------------------------------------------


def _clean_code(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def totp_enrol_start(*, actor: User) -> TOTPDevice:
    """Start enrolling an authenticator app for oneself: a new unconfirmed TOTP device (an earlier unconfirmed
    one is replaced). Refused while a confirmed one exists: an administrator resets it first."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Bạn không có quyền."))
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError({"code": _("Xác thực hai lớp đã được bật cho tài khoản này.")})
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name=TOTP_DEVICE_NAME, confirmed=False)
    change_record_create(actor=actor, action="otp_enrol_start", obj=actor, after={"device": device.name})
    return device


@transaction.atomic
def totp_enrol_confirm(*, actor: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm one's started enrolment with a code from the app; returns the device and the ten new recovery
    codes (shown once; django-otp stores them as they are and spends each at its first use)."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationError({"code": _("Chưa bắt đầu đăng ký xác thực hai lớp, hoặc đã đăng ký xong.")})
    if not device.verify_token(_clean_code(code)):
        raise ValidationError({"code": _("Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên "
                                         "ứng dụng xác thực.")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=actor).delete()
    static = StaticDevice.objects.create(user=actor, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        token = StaticToken.random_token()
        static.token_set.create(token=token)
        codes.append(token)
    change_record_create(actor=actor, action="otp_enrol", obj=actor,
                         after={"device": device.name, "recovery_codes": RECOVERY_CODE_COUNT})
    return device, codes


@transaction.atomic
def otp_verify(*, user: User, code: str) -> Device | None:
    """The user's confirmed device that accepts `code` (a TOTP code, or a recovery code, then spent), or None.
    A code already used (the same TOTP step) is refused; so are codes while django-otp throttles the device
    after wrong ones. Nothing else changes on a wrong code (the caller counts it toward the lockout)."""
    cleaned = _clean_code(code)
    if not cleaned or not user.is_active:
        return None
    # Six digits are an app's code, anything else a recovery code: each is tried on its own kind of device only,
    # so a recovery code does not count as a wrong code against the app (django-otp's throttling).
    model: type[Device] = TOTPDevice if cleaned.isdigit() and len(cleaned) == TOTP_DIGITS else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():  # type: ignore[attr-defined]
        if device.verify_token(cleaned):
            if isinstance(device, StaticDevice):
                change_record_create(actor=user, action="otp_recovery_used", obj=user,
                                     after={"recovery_left": device.token_set.count()})
            return device
    return None


@transaction.atomic
def otp_reset(*, actor: User, user: User) -> int:
    """An administrator removes every second-factor device of `user` (who enrols again at the next sign-in if
    their role requires it) and ends all of the user's sessions. Returns the number of devices removed."""
    if not can_reset_otp(actor, user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được đặt lại xác thực hai lớp."))
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    change_record_create(actor=actor, action="otp_reset", obj=user, before={"devices": removed},
                         after={"devices": 0}, reason=_("Đặt lại xác thực hai lớp; mọi phiên đăng nhập đã kết thúc."))
    return removed
