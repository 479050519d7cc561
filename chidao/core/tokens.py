"""API tokens: created once, shown once, stored as a digest, with an expiry (CHIDAO_TOKEN_DAYS at most).

A user lists and revokes their own; administrators (`can_manage_tokens`) list and revoke anyone's. A user whose
grants may not write (the auditor) is never given a write token (`can_hold_write_token`)."""

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import change_record_create
from .errors import PermissionDenied, ValidationError
from .models import ApiToken, TokenScope, User
from .permissions import can_hold_write_token, can_manage_tokens
from .text import vn_name_key

TOKEN_NAME_MAX = 100


class TokenState(models.TextChoices):
    """Where a token stands: usable, past its expiry, or revoked (a revoked token counts as revoked even past
    its expiry)."""

    ACTIVE = "active", gettext_lazy("Còn hiệu lực")
    EXPIRED = "expired", gettext_lazy("Đã hết hạn")
    REVOKED = "revoked", gettext_lazy("Đã thu hồi")


def token_days_max() -> int:
    return int(settings.CHIDAO_TOKEN_DAYS)


def _days_error(days: object) -> str | None:
    """The message for a life in days outside 1..CHIDAO_TOKEN_DAYS, or None when it fits."""
    most = token_days_max()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        return _("Thời hạn của mã truy cập phải từ 1 đến %(most)s ngày.") % {"most": most}
    return None


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str = TokenScope.READ,
                     days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, living `days` days (1..CHIDAO_TOKEN_DAYS, the most when None): the raw value is
    returned here once and never stored. A user who may not write gets no write token."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Cần đặt tên cho mã truy cập.")
    elif len(name) > TOKEN_NAME_MAX:
        errors["name"] = _("Tên mã truy cập tối đa %(n)s ký tự.") % {"n": TOKEN_NAME_MAX}
    elif "\x00" in name:
        errors["name"] = _("Tên mã truy cập có ký tự không hợp lệ.")
    if scope not in TokenScope.values:
        errors["scope"] = _("Quyền “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {
            "value": scope, "allowed": ", ".join(TokenScope.values)}
    elif scope == TokenScope.WRITE and not can_hold_write_token(user):
        errors["scope"] = _("Vai trò của bạn chỉ được xem, không được ghi: chỉ tạo được mã “Chỉ đọc”.")
    if days is None:
        days = token_days_max()
    elif (message := _days_error(days)) is not None:
        errors["days"] = message
    if errors:
        raise ValidationError(errors)
    raw = "cd_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], digest=ApiToken.digest_of(raw), scope=TokenScope(scope),
        expires_at=expires_at,
    )
    change_record_create(actor=user, action="create", obj=token,
                         after={"name": name, "scope": scope, "expires_at": expires_at.isoformat()})
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The token with this secret if it still works: not revoked, not expired, its owner active. Anything
    else is None, the same answer as for an unknown token."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__unit").prefetch_related("user__role_grants")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too)."""
    if not user.is_authenticated or not user.is_active:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@dataclass
class TokenFilters:
    """The token list's filter: whose tokens (`user`, an id; administrators only for another's), and their
    state. "" means all."""

    user: int | None = None
    state: str = field(default="", metadata={"choices": TokenState})


def token_state_q(state: str, *, now: dt.datetime | None = None) -> Q:
    now = now or timezone.now()
    if state == TokenState.ACTIVE:
        return Q(revoked_at__isnull=True, expires_at__gt=now)
    if state == TokenState.EXPIRED:
        return Q(revoked_at__isnull=True, expires_at__lte=now)
    if state == TokenState.REVOKED:
        return Q(revoked_at__isnull=False)
    return Q()


def api_token_list_all(*, actor: User, filters: TokenFilters | None = None) -> QuerySet[ApiToken]:
    """Everyone's tokens, for an administrator (others are refused), newest first, with their owners."""
    if not can_manage_tokens(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống xem được mã truy cập của mọi người."))
    filters = filters or TokenFilters()
    items = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    if filters.user is not None:
        items = items.filter(user_id=filters.user)
    return items.filter(token_state_q(filters.state))


def api_token_list_for(*, actor: User, owner: int | None = None, everyone: bool = False,
                       active: bool | None = None, expired: bool | None = None) -> QuerySet[ApiToken]:
    """The API's list: the caller's own tokens by default; another user's (`owner`) or everyone's only for an
    administrator. `active`: usable (True) or not (False: revoked or expired); `expired`: past the expiry or
    not (revoked or not)."""
    if everyone or (owner is not None and owner != actor.pk):
        items = api_token_list_all(actor=actor, filters=TokenFilters(user=owner))
    else:
        items = api_token_list(user=actor)
    now = timezone.now()
    if active is not None:
        usable = token_state_q(TokenState.ACTIVE, now=now)
        items = items.filter(usable) if active else items.exclude(usable)
    if expired is not None:
        items = items.filter(expires_at__lte=now) if expired else items.filter(expires_at__gt=now)
    return items


def api_token_get(*, user: User, pk: int, own_only: bool = False) -> ApiToken:
    """One of the user's own tokens, or anyone's for an administrator (unless `own_only`: the own token page);
    another's is not found (404)."""
    items = ApiToken.objects.all() if can_manage_tokens(user) and not own_only else api_token_list(user=user)
    token = items.select_related("user").filter(pk=pk).first()
    if token is None:
        raise Http404(_("Không tìm thấy mã truy cập."))
    return token


def token_state(token: ApiToken, *, now: dt.datetime | None = None) -> TokenState:
    if token.revoked_at is not None:
        return TokenState.REVOKED
    if token.expires_at <= (now or timezone.now()):
        return TokenState.EXPIRED
    return TokenState.ACTIVE


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token (the actor's own, or anyone's for an administrator): it stops working at once; the row
    stays for the record, and the change record says who revoked it."""
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.user_id != actor.pk and not can_manage_tokens(actor):
        raise PermissionDenied(_("Bạn chỉ thu hồi được mã truy cập của mình."))
    if current.revoked_at is not None:
        raise ValidationError({"__all__": _("Mã truy cập này đã bị thu hồi.")})
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    change_record_create(
        actor=actor, action="update", obj=current, before={"revoked_at": None},
        after={"revoked_at": current.revoked_at.isoformat(), "revoked_by": actor.username,
               "owner": current.user.username},
        reason=_("Thu hồi mã truy cập"),
    )
    return current


def token_owners() -> list[tuple[int, str]]:
    """(id, "Full Name (login)") of every user who has a token, in Vietnamese name order: the admin filter."""
    owners = User.objects.filter(api_tokens__isnull=False).distinct().only("id", "username", "full_name")
    rows = [(u.pk, f"{u.full_name} ({u.username})" if u.full_name else u.username, u) for u in owners]
    rows.sort(key=lambda r: (vn_name_key(r[2].full_name or r[2].username), r[2].username))
    return [(pk, label) for pk, label, _u in rows]
