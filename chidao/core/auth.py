"""Sign-in plumbing: the model backend reading each request's user with their unit, and the client's address.

Every page shows the user's unit in its header (templates/base.html), and scoped reads start from it:
with Django's ModelBackend that was one more query on every page of every officer.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.select_related("unit").prefetch_related("role_grants").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client behind CHIDAO_TRUSTED_PROXY_COUNT reverse proxies, for the login lockout.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For (nginx:
    `proxy_add_x_forwarded_for`) and the last one connects to us (REMOTE_ADDR). So the client is the entry that
    many places from the right; whatever a client writes into the header itself sits further left and is ignored.
    With no trusted proxy the header is not believed at all. Behind the documented nginx, without this, every
    client would be 127.0.0.1 and five wrong passwords from anywhere would lock a user out for everyone.
    """
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.CHIDAO_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    hops = [*forwarded, remote] if remote else forwarded
    if len(hops) <= trusted:
        return hops[0] if hops else None
    return hops[-(trusted + 1)][:45]
