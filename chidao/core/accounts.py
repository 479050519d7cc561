"""Account administration: create, change, deactivate and reactivate accounts, extra role grants, and the
first-password onboarding (a one-time "set your password" link by e-mail, or a temporary password shown once).

Every write is an administrator's (`permissions.can_manage_users`), validated with Vietnamese messages (nothing
changes on an error) and recorded in the change log. Password hashes, temporary passwords and links are never
logged. Nobody may deactivate or demote the last active administrator, themselves included.
"""

import logging
import re
import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .audit import change_record_create, snapshot
from .errors import PermissionDenied, ValidationError
from .models import ApiToken, Role, RoleGrant, Unit, UnitKind, User
from .permissions import can_manage_users
from .text import fold, nfc

logger = logging.getLogger(__name__)

USERNAME_MAX = 150
FULL_NAME_MAX = 150
PHONE_MAX = 32
EMAIL_MAX = 254
TEMPORARY_PASSWORD_LENGTH = 14
# Letters (Vietnamese ones too), digits and . _ -
_USERNAME_EXTRA = frozenset("._-")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,32}$")
# What the change log keeps of an account: never the password (its hash) or the session epoch.
AUDITED_FIELDS = ("username", "full_name", "email", "phone", "role", "unit", "is_active", "must_change_password")
EDITABLE_FIELDS = ("full_name", "email", "phone", "role", "unit")

# --- The rule: which role fits which kind of unit -----------------------------------------------------------

_AGENCIES = frozenset(UnitKind.values) - {UnitKind.LOCALITY}
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    # The system is run from the locality's leading bodies or the department in charge of digital work.
    Role.ADMIN: frozenset({UnitKind.LOCALITY, UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_BODY,
                           UnitKind.PEOPLES_COUNCIL, UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT}),
    # Members of a steering committee sit for the Party committee, the People's Council or Committee.
    Role.STEERING: frozenset({UnitKind.LOCALITY, UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_BODY,
                              UnitKind.PEOPLES_COUNCIL, UnitKind.PEOPLES_COMMITTEE}),
    # The standing office: a Party body (Ban Tổ chức, Văn phòng Tỉnh ủy), the People's Committee's office, or a
    # department (Sở Nội vụ is the standing agency of administrative reform).
    Role.OFFICE: frozenset({UnitKind.LOCALITY, UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_BODY,
                            UnitKind.PEOPLES_COUNCIL, UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT}),
    # Inspection and supervision: Party inspection committees, the People's Council, the inspectorate.
    Role.AUDITOR: frozenset({UnitKind.LOCALITY, UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_BODY,
                             UnitKind.PEOPLES_COUNCIL, UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT}),
    # A lead officer reports for an agency; a locality as a whole leads nothing itself.
    Role.LEAD_OFFICER: _AGENCIES,
    # Personnel work is done where cadres are managed (Decision 80-QĐ/TW decentralisation; Decree 138/2020).
    Role.PERSONNEL: frozenset({UnitKind.LOCALITY, UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_BODY,
                               UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT, UnitKind.DISTRICT,
                               UnitKind.COMMUNE}),
    # Administrative reform is the People's Committee's and its departments' duty (Resolution 76/NQ-CP).
    Role.REFORM: frozenset({UnitKind.PEOPLES_COMMITTEE, UnitKind.DEPARTMENT}),
}
# Roles that read and act province-wide need no unit; the others act for their unit and must name one.
UNITLESS_ROLES = frozenset({Role.ADMIN, Role.STEERING, Role.OFFICE, Role.AUDITOR})


def role_fits_unit(role: str, unit_kind: str | None) -> bool:
    """Whether `role` may be held in a unit of `unit_kind` (None: no unit).

    - administrator: the locality, Party committees and bodies, the People's Council and Committee, a department
      (the one in charge of digital transformation usually runs the system);
    - steering committee member: the locality, Party committees and bodies, the People's Council and Committee;
    - standing office and inspection/supervision: as the administrator (Sở Nội vụ is the standing agency of
      administrative reform; the inspectorate is a department);
    - lead officer: any agency, never the locality itself (a locality leads nothing, its agencies do);
    - personnel officer: where cadres are managed: the locality, Party committees and bodies, the People's
      Committee, departments, districts and communes (Regulation 80-QĐ/TW; Decree 138/2020/NĐ-CP);
    - administrative reform: the People's Committee and its departments (Resolution 76/NQ-CP, Decree
      61/2018/NĐ-CP).

    Without a unit only the province-wide roles fit (administrator, steering, office, auditor); a unit-scoped
    role without a unit would see nothing."""
    if unit_kind is None:
        return role in UNITLESS_ROLES
    return unit_kind in ROLE_UNIT_KINDS.get(role, frozenset())


def role_fit_message(role: str, unit: Unit | None) -> str:
    """Why `role` does not fit `unit`, for the field the administrator chose."""
    role_label = Role(role).label
    if unit is None:
        return _("Vai trò “%(role)s” phải gắn với một đơn vị.") % {"role": role_label}
    return _("Vai trò “%(role)s” không phù hợp với loại đơn vị “%(kind)s” (%(unit)s).") % {
        "role": role_label, "kind": UnitKind(unit.kind).label, "unit": unit.name}


# --- Checks ------------------------------------------------------------------------------------------------


def _require(actor: User) -> None:
    if not can_manage_users(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý tài khoản người dùng."))


def username_error(username: str, *, exclude: int | None = None, taken: dict[str, str] | None = None) -> str | None:
    """What is wrong with a login name, or None: required, letters, digits and . _ - only, unique whatever its
    case and diacritics ("Dung" and "dũng" are the same name). `taken`: folded name -> name, when the caller
    loaded them once (an import)."""
    if not username:
        return _("Cần nhập tên đăng nhập.")
    if len(username) > USERNAME_MAX:
        return _("Tên đăng nhập tối đa %(n)s ký tự.") % {"n": USERNAME_MAX}
    if not all(ch.isalnum() or ch in _USERNAME_EXTRA for ch in username):
        return _("Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu . _ - (không có dấu cách).")
    folded = fold(username)
    if taken is None:
        taken = usernames_taken(exclude=exclude)
    if folded in taken:
        return _("Tên đăng nhập “%(name)s” trùng với tài khoản “%(other)s” (không phân biệt hoa thường, dấu).") % {
            "name": username, "other": taken[folded]}
    return None


def _others(exclude: int | None) -> QuerySet[User]:
    return User.objects.all() if exclude is None else User.objects.exclude(pk=exclude)


def usernames_taken(*, exclude: int | None = None) -> dict[str, str]:
    return {fold(u): u for u in _others(exclude).values_list("username", flat=True)}


def emails_taken(*, exclude: int | None = None) -> dict[str, str]:
    users = _others(exclude).exclude(email="").values_list("email", "username")
    return {fold(email): username for email, username in users}


def email_error(email: str, *, exclude: int | None = None, taken: dict[str, str] | None = None) -> str | None:
    """What is wrong with an e-mail address (blank is allowed), or None: valid, unique whatever its case and
    diacritics."""
    if not email:
        return None
    if len(email) > EMAIL_MAX:
        return _("Địa chỉ thư điện tử tối đa %(n)s ký tự.") % {"n": EMAIL_MAX}
    try:
        validate_email(email)
    except DjangoValidationError:
        return _("Địa chỉ thư điện tử “%(v)s” không hợp lệ.") % {"v": email}
    if taken is None:
        taken = emails_taken(exclude=exclude)
    if fold(email) in taken:
        return _("Địa chỉ thư điện tử “%(v)s” đã dùng cho tài khoản “%(other)s”.") % {
            "v": email, "other": taken[fold(email)]}
    return None


def phone_error(phone: str) -> str | None:
    if phone and not _PHONE.match(phone):
        return _("Số điện thoại chỉ gồm chữ số (có thể có dấu +, dấu cách, dấu chấm, gạch ngang), 6-32 ký tự.")
    return None


def full_name_error(full_name: str) -> str | None:
    if len(full_name) > FULL_NAME_MAX:
        return _("Họ và tên tối đa %(n)s ký tự.") % {"n": FULL_NAME_MAX}
    return None


def role_unit_errors(role: str, unit: Unit | None, *, role_field: str = "role",
                     unit_field: str = "unit") -> dict[str, str]:
    """A role from the list, a unit in force today, and a role that fits the unit's kind (`role_fits_unit`)."""
    if role not in Role.values:
        return {role_field: _("Vai trò “%(v)s” không hợp lệ; chọn một trong: %(all)s.") % {
            "v": role, "all": ", ".join(str(r.label) for r in Role)}}
    if unit is not None and not Unit.objects.current().filter(pk=unit.pk).exists():
        return {unit_field: _("Đơn vị “%(unit)s” không còn hiệu lực.") % {"unit": unit.name}}
    if not role_fits_unit(role, unit.kind if unit else None):
        return {unit_field if unit is None else role_field: role_fit_message(role, unit)}
    return {}


def _clean(value: str | None) -> str:
    return " ".join(nfc(value or "").split())


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN or user.role_grants.filter(role=Role.ADMIN).exists()


def _other_admin_exists(user: User) -> bool:
    """Whether an active administrator other than `user` exists (their rows locked until the write commits, so
    two administrators cannot demote each other at once)."""
    others = (User.objects.select_for_update(of=("self",)).filter(is_active=True).exclude(pk=user.pk)
              .filter(Q(is_superuser=True) | Q(role=Role.ADMIN) | Q(role_grants__role=Role.ADMIN)))
    return bool(list(others.values_list("pk", flat=True)[:1]))


def _last_admin_error() -> str:
    return _("Đây là tài khoản quản trị hệ thống cuối cùng còn hoạt động; hãy giao quyền quản trị cho người khác "
             "trước.")


def _locked(user: User) -> User:
    current: User = User.objects.select_for_update(of=("self",)).select_related("unit").get(pk=user.pk)
    return current


# --- Onboarding ----------------------------------------------------------------------------------------------


@dataclass
class Onboarding:
    """How a new (or reset) account gets its password: a link e-mailed to `link_sent_to`, or a
    `temporary_password` to show the administrator ONCE (never stored in clear, never logged). `mail_failed`:
    the link could not be sent, so a temporary password was issued instead."""

    user: User
    temporary_password: str | None = None
    link_sent_to: str | None = None
    mail_failed: bool = False


def temporary_password_make() -> str:
    """A random password of 14 letters and digits (no look-alikes: 0 O 1 l I)."""
    alphabet = [c for c in string.ascii_letters + string.digits if c not in "0O1lI"]
    while True:
        password = "".join(secrets.choice(alphabet) for _i in range(TEMPORARY_PASSWORD_LENGTH))
        if any(c.isdigit() for c in password) and any(c.isupper() for c in password) and any(
                c.islower() for c in password):
            return password


def password_link(user: User) -> str:
    """The one-time "set your password" link (Django's password reset token: it stops working once the password
    changes, and after PASSWORD_RESET_TIMEOUT)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.CHIDAO_SITE_URL + reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})


def _send_link(user: User, *, new: bool) -> bool:
    """E-mail the link (in Vietnamese); False when the mail server refused it (or the site has no password page
    to link to: its URL name "password_reset_confirm" is missing)."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    try:
        url = password_link(user)
    except NoReverseMatch:
        logger.error("no password_reset_confirm page: user %s gets a temporary password", user.pk)
        return False
    with translation.override("vi"):
        if new:
            subject = _("Tài khoản Chidao của bạn")
            intro = _("Quản trị hệ thống đã tạo cho bạn tài khoản trên Chidao (Hệ thống chỉ đạo, điều hành).")
        else:
            subject = _("Đặt lại mật khẩu Chidao")
            intro = _("Quản trị hệ thống đã gửi cho bạn liên kết đặt lại mật khẩu Chidao.")
        body = _(
            "Kính gửi %(name)s,\n\n%(intro)s\nTên đăng nhập: %(username)s\n\n"
            "Để đặt mật khẩu, mở liên kết sau (chỉ dùng được một lần, trong %(days)s ngày):\n%(url)s\n\n"
            "Nếu bạn không đề nghị việc này, hãy báo cho quản trị hệ thống.\n"
        ) % {"name": user.full_name or user.username, "intro": intro, "username": user.username, "days": days,
             "url": url}
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:  # SMTP refused, host down: fall back to a temporary password
        logger.exception("set-password mail to user %s failed", user.pk)
        return False
    return True


def _temporary(user: User) -> str:
    password = temporary_password_make()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password


def onboard(user: User, *, send: bool = True, new: bool = True) -> Onboarding:
    """A link by e-mail when the user has an address (and `send`), else (or when the mail fails) a temporary
    password that must be changed at the first sign-in."""
    if user.email and send:
        if _send_link(user, new=new):
            return Onboarding(user=user, link_sent_to=user.email)
        return Onboarding(user=user, temporary_password=_temporary(user), mail_failed=True)
    return Onboarding(user=user, temporary_password=_temporary(user))


# --- Services ------------------------------------------------------------------------------------------------


def user_validate(*, username: str, full_name: str, email: str, phone: str, role: str, unit: Unit | None,
                  exclude: int | None = None, usernames: dict[str, str] | None = None,
                  emails: dict[str, str] | None = None, check_username: bool = True) -> dict[str, str]:
    """Every check of an account's fields, as {field: message} (empty: valid)."""
    errors: dict[str, str] = {}
    checks: list[tuple[str, str | None]] = [
        ("username", username_error(username, exclude=exclude, taken=usernames) if check_username else None),
        ("full_name", full_name_error(full_name)),
        ("email", email_error(email, exclude=exclude, taken=emails)),
        ("phone", phone_error(phone)),
    ]
    errors.update({name: message for name, message in checks if message})
    errors.update(role_unit_errors(role, unit))
    return errors


@transaction.atomic
def user_create(*, actor: User, username: str, full_name: str = "", email: str = "", phone: str = "",
                role: str, unit: Unit | None = None, send: bool = True) -> Onboarding:
    """A new account with `role` in `unit` as its main grant. With an e-mail address, a one-time "set your
    password" link is e-mailed; without one (or when the mail fails), a temporary password is set, to be changed
    at the first sign-in, and returned here ONCE. `send=False` (an import, sending after its commit) skips the
    mail: the caller sends it with `onboard`."""
    _require(actor)
    username, full_name, email, phone = nfc((username or "").strip()), _clean(full_name), (email or "").strip(), \
        _clean(phone)
    errors = user_validate(username=username, full_name=full_name, email=email, phone=phone, role=role, unit=unit)
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=full_name, email=email, phone=phone, role=role, unit=unit)
    user.set_unusable_password()
    user.save()
    change_record_create(actor=actor, action="create", obj=user, after=snapshot(user, AUDITED_FIELDS))
    if not send and email:
        return Onboarding(user=user)
    return onboard(user, send=send)


@transaction.atomic
def user_update(*, actor: User, user: User, reason: str = "", **changes: Any) -> User:
    """Change an account's full name, e-mail, phone, main role and unit (only the names given). An administrator
    cannot be demoted when no other active administrator remains."""
    _require(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("Không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    current = _locked(user)
    values = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    for name in ("full_name", "phone"):
        if name in changes:
            changes[name] = _clean(changes[name])
    if "email" in changes:
        changes["email"] = (changes["email"] or "").strip()
    changed = {name for name, value in changes.items() if value != values[name]}
    values.update(changes)
    errors = user_validate(username=current.username, exclude=current.pk, check_username=False, **values)
    # Only what changes is checked: an account whose unit has since ceased keeps it until someone moves it.
    errors = {name: message for name, message in errors.items()
              if name in changed or (name in {"role", "unit"} and changed & {"role", "unit"})}
    if errors:
        raise ValidationError(errors)
    was_admin = _is_admin(current)
    before = snapshot(current, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(current, name, value)
    if was_admin and current.is_active and not _is_admin(current) and not _other_admin_exists(current):
        raise ValidationError({"role": _last_admin_error()})
    current.save()
    after = snapshot(current, AUDITED_FIELDS)
    if before != after:
        change_record_create(actor=actor, action="update", obj=current, before=before, after=after, reason=reason)
    current.grants_clear()
    return current


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """Stop an account: it cannot sign in, its sessions end at once (the session epoch moves) and its API tokens
    are revoked; everything it wrote stays. Never the last active administrator, even by themselves."""
    _require(actor)
    current = _locked(user)
    if not current.is_active:
        raise ValidationError({"__all__": _("Tài khoản “%(u)s” đã ngừng sử dụng.") % {"u": current.username}})
    if _is_admin(current) and not _other_admin_exists(current):
        raise ValidationError({"__all__": _last_admin_error()})
    current.is_active = False
    current.save(update_fields=["is_active"])
    User.objects.filter(pk=current.pk).update(session_epoch=F("session_epoch") + 1)
    revoked = ApiToken.objects.filter(user=current, revoked_at__isnull=True).update(revoked_at=timezone.now())
    current.refresh_from_db(fields=["session_epoch"])
    change_record_create(
        actor=actor, action="update", obj=current, before={"is_active": True},
        after={"is_active": False, "tokens_revoked": revoked},
        reason=reason or _("Ngừng sử dụng tài khoản"))
    return current


@transaction.atomic
def user_reactivate(*, actor: User, user: User, reason: str = "") -> User:
    """Let a stopped account sign in again (its old API tokens stay revoked)."""
    _require(actor)
    current = _locked(user)
    if current.is_active:
        raise ValidationError({"__all__": _("Tài khoản “%(u)s” đang hoạt động.") % {"u": current.username}})
    current.is_active = True
    current.save(update_fields=["is_active"])
    change_record_create(actor=actor, action="update", obj=current, before={"is_active": False},
                         after={"is_active": True}, reason=reason or _("Cho dùng lại tài khoản"))
    return current


def _grant_snapshot(grant: RoleGrant) -> dict[str, Any]:
    return {"user": grant.user.username, "role": grant.role, "unit": grant.unit.name if grant.unit else None}


@transaction.atomic
def role_grant_add(*, actor: User, user: User, role: str, unit: Unit | None = None) -> RoleGrant:
    """One more role in one more unit for `user` (the same checks as the main grant; not one they hold)."""
    _require(actor)
    current = _locked(user)
    errors = role_unit_errors(role, unit)
    if errors:
        raise ValidationError(errors)
    unit_id = unit.pk if unit else None
    if (current.role, current.unit_id) == (role, unit_id) or current.role_grants.filter(
            role=role, unit=unit).exists():
        raise ValidationError({"role": _("Tài khoản đã có vai trò này tại đơn vị này.")})
    grant = RoleGrant.objects.create(user=current, role=role, unit=unit)
    change_record_create(actor=actor, action="create", obj=grant, after=_grant_snapshot(grant))
    user.grants_clear()
    return grant


@transaction.atomic
def role_grant_remove(*, actor: User, grant: RoleGrant) -> None:
    """Take an extra grant away; not the last active administrator's administrator grant."""
    _require(actor)
    current = _locked(grant.user)
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("user", "unit").get(pk=grant.pk)
    if grant.role == Role.ADMIN and current.is_active and not current.is_superuser and current.role != Role.ADMIN \
            and not current.role_grants.filter(role=Role.ADMIN).exclude(pk=grant.pk).exists() \
            and not _other_admin_exists(current):
        raise ValidationError({"__all__": _last_admin_error()})
    change_record_create(actor=actor, action="delete", obj=grant, before=_grant_snapshot(grant))
    grant.delete()
    grant.user.grants_clear()


@transaction.atomic
def user_password_reset_by_admin(*, actor: User, user: User, temporary: bool = False) -> Onboarding:
    """A new "set your password" link by e-mail (the current password keeps working until it is used), or, with
    no address, `temporary`, or a mail that fails, a new temporary password shown once (the old one and every
    session end)."""
    _require(actor)
    current = _locked(user)
    if not current.is_active:
        raise ValidationError({"__all__": _("Tài khoản “%(u)s” đã ngừng sử dụng; cho dùng lại trước.") % {
            "u": current.username}})
    was = current.must_change_password
    result = onboard(current, send=not temporary, new=False)
    if result.temporary_password:
        change_record_create(actor=actor, action="update", obj=current, before={"must_change_password": was},
                             after={"must_change_password": True}, reason=_("Cấp mật khẩu tạm thời"))
    else:
        change_record_create(actor=actor, action="update", obj=current, after={"email": current.email},
                             reason=_("Gửi liên kết đặt mật khẩu"))
    return result


def active_admin_exists() -> bool:
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(role=Role.ADMIN) | Q(role_grants__role=Role.ADMIN)).exists()


@transaction.atomic
def user_create_first_admin(*, username: str, email: str = "", full_name: str = "") -> Onboarding:
    """The first administrator of a deployment, made at the server (`chidao users create-admin`) when no active
    administrator exists yet (afterwards administrators create accounts, `user_create`). Same checks and
    onboarding as `user_create`; the change record has no actor."""
    if active_admin_exists():
        raise PermissionDenied(_("Đã có tài khoản quản trị hệ thống; hãy dùng trang Tài khoản hoặc chỉ định "
                                 "--actor."))
    username, full_name, email = nfc((username or "").strip()), _clean(full_name), (email or "").strip()
    errors = user_validate(username=username, full_name=full_name, email=email, phone="", role=Role.ADMIN,
                           unit=None)
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=full_name, email=email, role=Role.ADMIN)
    user.set_unusable_password()
    user.save()
    change_record_create(actor=None, action="create", obj=user, after=snapshot(user, AUDITED_FIELDS),
                         reason=_("Tạo tài khoản quản trị đầu tiên từ dòng lệnh"))
    return onboard(user)
