"""API: account administration (administrators only; 403 for anyone else), over the same services and selectors
as the pages (chidao.core.accounts, accounts_selectors, accounts_import). A temporary password is returned once,
in the answer that made it."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chidao.core import accounts
from chidao.core.accounts_import import users_import
from chidao.core.accounts_selectors import UserFilters, role_grant_get, user_get, user_list
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.imports.forms import ImportForm
from chidao.core.models import Role, RoleGrant, Unit, User
from chidao.core.permissions import can_manage_users

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .imports import IMPORT_ERRORS, ImportOut, import_out, import_refused
from .inputs import Id, In, choice_check, filter_schema, not_null, units_in_force

router = Router(tags=["users"])


def _require(request: AuthedRequest) -> None:
    """The pages' own check, made before the input is looked at (the services check again)."""
    if not can_manage_users(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý tài khoản người dùng."))


class GrantOut(Schema):
    id: int
    role: str
    role_label: str
    unit_id: int | None
    unit: str | None

    @staticmethod
    def resolve_role_label(obj: RoleGrant) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit(obj: RoleGrant) -> str | None:
        return obj.unit.name if obj.unit else None


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    role: str
    role_label: str
    unit_id: int | None
    unit: str | None
    is_active: bool
    must_change_password: bool
    last_login: dt.datetime | None
    grants: list[GrantOut]

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_unit(obj: User) -> str | None:
        return obj.unit.name if obj.unit else None

    @staticmethod
    def resolve_grants(obj: User) -> list[RoleGrant]:
        return list(obj.role_grants.all())


class UserCreatedOut(UserOut):
    """The new account; `temporary_password` is shown this once (null when a link was e-mailed instead, to
    `link_sent_to`)."""

    temporary_password: str | None
    link_sent_to: str | None


class PasswordResetOut(Schema):
    temporary_password: str | None
    link_sent_to: str | None


class ImportedAccountOut(Schema):
    id: int
    username: str
    temporary_password: str | None
    link_sent_to: str | None


class UserImportOut(ImportOut):
    """What was written; `accounts`: each new account with its temporary password (this once) or the address its
    link was sent to (empty for a dry run)."""

    accounts: list[ImportedAccountOut] = []


class UserCreateIn(In):
    username: str = Field(max_length=150)
    full_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    role: str
    unit_id: Id | None = None


class UserUpdateIn(In):
    """Only the fields sent change; `unit_id` null takes the unit away."""

    full_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    role: str = ""
    unit_id: Id | None = None
    reason: str = ""


class GrantIn(In):
    role: str
    unit_id: Id | None = None


class ReasonIn(In):
    reason: str = ""


class PasswordResetIn(In):
    temporary: bool = False


if TYPE_CHECKING:
    UserListFilters = In
else:
    UserListFilters = filter_schema("UserListFilters", UserFilters, "The list page's filters; \"\" means all.",
                                    base=In, unit=Id | None)


def _unit(unit_id: int | None) -> Unit | None:
    return units_in_force("unit_id", [unit_id])[0] if unit_id is not None else None


def _out(request: AuthedRequest, pk: int) -> User:
    return user_get(actor=request.user, pk=pk)


@router.get("/users", response={200: list[UserOut], **READ_ERRORS})
@paginate(Pager)
def user_list_endpoint(request: AuthedRequest, filters: Query[UserListFilters]) -> Any:
    """Accounts sorted by name the Vietnamese way; `q` matches login name, full name or e-mail (diacritics
    ignored); `role` and `unit` match any grant; `active` true/false."""
    _require(request)
    return user_list(actor=request.user, filters=UserFilters(**filters.dict()))


@router.post("/users", response={201: UserCreatedOut, **WRITE_ERRORS})
def user_create(request: AuthedRequest, payload: UserCreateIn) -> Any:
    """A new account. With `email`, a one-time "set your password" link is e-mailed; without, a temporary password
    is returned in this answer ONCE (`temporary_password`), to be changed at the first sign-in."""
    _require(request)
    data = payload.dict()
    choice_check("role", data["role"], Role.values)
    data["unit"] = _unit(data.pop("unit_id"))
    onboarding = accounts.user_create(actor=request.user, **data)
    user = _out(request, onboarding.user.pk)
    user.temporary_password = onboarding.temporary_password  # type: ignore[attr-defined]
    user.link_sent_to = onboarding.link_sent_to  # type: ignore[attr-defined]
    return HttpStatus(201, user)


@router.post("/users/import", response={200: UserImportOut, **WRITE_ERRORS, **IMPORT_ERRORS})
def user_import(request: AuthedRequest, file: File[UploadedFile], dry_run: Form[bool] = False) -> Any:
    """Accounts from the Excel template, all or nothing: any wrong row answers 422 with every error (sheet, row,
    column) and nothing is written; `dry_run` only checks. Counts: created. `accounts` lists each new account
    with its temporary password (shown once) or the address its link was sent to."""
    _require(request)
    form = ImportForm({"dry_run": dry_run}, MultiValueDict({"file": [file]}))
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    result = users_import(actor=request.user, file=form.cleaned_data["file"], dry_run=dry_run)
    if not result.ok:
        return import_refused(result)
    return import_out(result, accounts=[
        {"id": o.user.pk, "username": o.user.username, "temporary_password": o.temporary_password,
         "link_sent_to": o.link_sent_to} for o in result.onboarding])


@router.get("/users/{user_id}", response={200: UserOut, **READ_ERRORS})
def user_detail(request: AuthedRequest, user_id: int) -> Any:
    """One account with its extra grants."""
    _require(request)
    return _out(request, user_id)


@router.patch("/users/{user_id}", response={200: UserOut, **WRITE_ERRORS})
def user_update(request: AuthedRequest, user_id: int, payload: UserUpdateIn) -> Any:
    """Change full name, e-mail, phone, main role and unit (only the fields sent). The last active administrator
    cannot be demoted."""
    _require(request)
    user = _out(request, user_id)
    changes = payload.dict(exclude_unset=True)
    not_null(payload, ["full_name", "email", "phone", "role", "reason"])
    reason = changes.pop("reason", "") or ""
    if "role" in changes:
        choice_check("role", changes["role"], Role.values)
    if "unit_id" in changes:
        changes["unit"] = _unit(changes.pop("unit_id"))
    accounts.user_update(actor=request.user, user=user, reason=reason, **changes)
    return _out(request, user_id)


@router.post("/users/{user_id}/deactivate", response={200: UserOut, **WRITE_ERRORS})
def user_deactivate(request: AuthedRequest, user_id: int, payload: ReasonIn) -> Any:
    """Stop the account: no sign-in, every session and API token ended at once; what it wrote stays."""
    _require(request)
    user = _out(request, user_id)
    accounts.user_deactivate(actor=request.user, user=user, reason=payload.reason)
    return _out(request, user_id)


@router.post("/users/{user_id}/reactivate", response={200: UserOut, **WRITE_ERRORS})
def user_reactivate(request: AuthedRequest, user_id: int) -> Any:
    """Let the account sign in again (its old API tokens stay revoked)."""
    _require(request)
    user = _out(request, user_id)
    accounts.user_reactivate(actor=request.user, user=user)
    return _out(request, user_id)


@router.post("/users/{user_id}/password", response={200: PasswordResetOut, **WRITE_ERRORS})
def user_password_reset(request: AuthedRequest, user_id: int, payload: PasswordResetIn) -> Any:
    """A new "set your password" link by e-mail, or (`temporary`, or no address) a temporary password returned
    this once."""
    _require(request)
    user = _out(request, user_id)
    onboarding = accounts.user_password_reset_by_admin(actor=request.user, user=user,
                                                       temporary=payload.temporary)
    return {"temporary_password": onboarding.temporary_password, "link_sent_to": onboarding.link_sent_to}


@router.post("/users/{user_id}/grants", response={201: GrantOut, **WRITE_ERRORS})
def user_grant_add(request: AuthedRequest, user_id: int, payload: GrantIn) -> Any:
    """One more role in one more unit (the same checks as the main role)."""
    _require(request)
    user = _out(request, user_id)
    choice_check("role", payload.role, Role.values)
    grant = accounts.role_grant_add(actor=request.user, user=user, role=payload.role, unit=_unit(payload.unit_id))
    return HttpStatus(201, grant)


@router.delete("/users/{user_id}/grants/{grant_id}", response={204: None, **WRITE_ERRORS})
def user_grant_remove(request: AuthedRequest, user_id: int, grant_id: int) -> Any:
    """Take an extra grant away (not the last active administrator's administrator grant)."""
    _require(request)
    user = _out(request, user_id)
    accounts.role_grant_remove(actor=request.user, grant=role_grant_get(actor=request.user, user=user, pk=grant_id))
    return HttpStatus(204, None)
