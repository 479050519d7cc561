"""API tokens: created once, shown once, stored as a digest; a user lists and revokes their own."""

import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import change_record_create
from .errors import PermissionDenied, ValidationError
from .models import ApiToken, TokenScope, User

TOKEN_NAME_MAX = 100


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str = TokenScope.READ) -> tuple[ApiToken, str]:
    """A new token for `user`: the raw value is returned here once and never stored."""
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
    if errors:
        raise ValidationError(errors)
    raw = "cd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], digest=ApiToken.digest_of(raw), scope=TokenScope(scope)
    )
    change_record_create(actor=user, action="create", obj=token, after={"name": name, "scope": scope})
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit").prefetch_related("user__role_grants")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too); nobody lists another's."""
    if not user.is_authenticated or not user.is_active:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; another user's is not found (404)."""
    token = api_token_list(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("Không tìm thấy mã truy cập."))
    return token


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens: it stops working at once; the row stays for the record."""
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.user_id != actor.pk:
        raise PermissionDenied(_("Bạn chỉ thu hồi được mã truy cập của mình."))
    if current.revoked_at is not None:
        raise ValidationError({"__all__": _("Mã truy cập này đã bị thu hồi.")})
    current.revoked_at = timezone.now()
    current.save(update_fields=["revoked_at"])
    change_record_create(
        actor=actor, action="update", obj=current, before={"revoked_at": None},
        after={"revoked_at": current.revoked_at.isoformat()}, reason=_("Thu hồi mã truy cập"),
    )
    return current
