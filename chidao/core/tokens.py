"""API tokens: created once, shown once, stored as a digest."""

import secrets

from django.db import transaction
from django.utils import timezone

from .audit import change_record_create
from .models import ApiToken, TokenScope, User


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str = TokenScope.READ) -> tuple[ApiToken, str]:
    raw = "cd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], digest=ApiToken.digest_of(raw), scope=TokenScope(scope)
    )
    change_record_create(actor=user, action="create", obj=token, after={"name": name, "scope": scope})
    return token, raw


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
