"""Reads of the account administration: the user list with its filters, one account, its extra grants. Only
administrators read them (`permissions.can_manage_users`); anyone else is refused (403)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .errors import PermissionDenied
from .models import Role, RoleGrant, User
from .permissions import can_manage_users
from .text import fold, search_terms, vn_name_key


@dataclass
class UserFilters:
    """The user list's filter, defined once (the API's query is built from it). "" / None means all. `role` and
    `unit` match any of the user's grants, the main one or an extra one."""

    q: str = field(default="", metadata={"description": "login name, full name or e-mail, diacritics ignored"})
    role: str = field(default="", metadata={"choices": Role})
    unit: int | None = None
    active: bool | None = None


def _require(user: User) -> None:
    if not can_manage_users(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được xem danh sách tài khoản."))


def _accounts() -> QuerySet[User]:
    return User.objects.select_related("unit").prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.select_related("unit").order_by("role", "unit__name")))


def user_list(*, actor: User, filters: UserFilters) -> list[User]:
    """Accounts sorted the Vietnamese way by name (given name first; the login name when there is no name),
    filtered by `q` (every word in the login name, full name or e-mail, diacritics ignored), role, unit (in any
    grant) and active or not. Administrators only."""
    _require(actor)
    users = _accounts()
    if filters.role:
        users = users.filter(Q(role=filters.role) | Q(role_grants__role=filters.role))
    if filters.unit is not None:
        users = users.filter(Q(unit_id=filters.unit) | Q(role_grants__unit_id=filters.unit))
    if filters.active is not None:
        users = users.filter(is_active=filters.active)
    terms = search_terms(filters.q)
    found = [u for u in users.distinct()
             if all(t in fold(f"{u.username} {u.full_name} {u.email}") for t in terms)]
    found.sort(key=lambda u: (vn_name_key(u.full_name or u.username), u.username.lower(), u.pk))
    return found


def user_get(*, actor: User, pk: int) -> User:
    """One account with its unit and extra grants; administrators only (403), 404 when there is none."""
    _require(actor)
    user = _accounts().filter(pk=pk).first()
    if user is None:
        raise Http404(_("Không tìm thấy tài khoản."))
    return user


def role_grant_get(*, actor: User, user: User, pk: int) -> RoleGrant:
    """One of `user`'s extra grants; 404 when it is not theirs."""
    _require(actor)
    grant = RoleGrant.objects.select_related("user", "unit").filter(pk=pk, user=user).first()
    if grant is None:
        raise Http404(_("Không tìm thấy vai trò bổ sung."))
    return grant
