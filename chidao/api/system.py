"""API: the caller, the unit tree, the caller's notifications and API tokens, and the change log."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate
from pydantic import Field

from chidao.core import selectors
from chidao.core.audit import action_label
from chidao.core.http import AuthedRequest
from chidao.core.models import ApiToken, ChangeRecord, EmailMode, Notification, NotificationKind, Role, TokenScope, Unit
from chidao.core.notification_forms import preferences_clean
from chidao.core.notifications import (
    notification_preferences,
    notification_preferences_set,
    notifications_mark_read,
)
from chidao.core.tokens import (
    TokenState,
    api_token_create,
    api_token_get,
    api_token_list_for,
    api_token_revoke,
    token_state,
)

from .common import READ_ERRORS, WRITE_ERRORS, ErrorOut, KeysetPager, Pager
from .inputs import Date, Id, Int, Text, filter_schema

router = Router(tags=["system"])

# --- The caller ---------------------------------------------------------------------------------------


class MyGrantOut(Schema):
    """One role in one unit; the first of `MeOut.grants` is the main one (`role`, `unit_id`)."""

    role: str
    role_label: str
    unit_id: int | None
    unit: str | None


class MeOut(Schema):
    """The caller; `token_scope` is "read" or "write" when authenticated by a token, null for a session;
    `grants`: every role the caller holds in a unit, the main one first."""

    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    unit_id: int | None
    unit: str | None
    reads_all: bool
    token_scope: str | None
    grants: list[MyGrantOut]


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request: AuthedRequest) -> Any:
    """Who the caller is: account, role, unit, every grant and, with a token, its scope."""
    user = request.user
    grants = user.grants()
    names: dict[int, str] = {user.unit.pk: user.unit.name} if user.unit is not None else {}
    names |= selectors.unit_names(pks={unit for _role, unit in grants if unit is not None} - names.keys())
    return {
        "id": user.pk, "username": user.username, "full_name": user.full_name, "role": user.role,
        "role_label": str(user.get_role_display()), "unit_id": user.unit_id,
        "unit": user.unit.name if user.unit else None, "reads_all": user.reads_all,
        "token_scope": getattr(request, "token_scope", None),
        "grants": [{"role": role, "role_label": str(Role(role).label), "unit_id": unit,
                    "unit": names.get(unit) if unit is not None else None} for role, unit in grants],
    }


# --- Units --------------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    official_code: str
    headcount: int | None


class UnitTreeOut(UnitOut):
    """A unit in tree order; `depth` 0 for a root."""

    depth: int


class UnitDetailOut(UnitOut):
    """One unit with its parent's name, its sub-units and its merge lineage."""

    parent: str | None
    child_ids: list[int]
    successor_ids: list[int]
    predecessor_ids: list[int]

    @staticmethod
    def resolve_parent(obj: Unit) -> str | None:
        return obj.parent.name if obj.parent else None

    @staticmethod
    def resolve_child_ids(obj: Unit) -> list[int]:
        return sorted(u.pk for u in obj.children.all())

    @staticmethod
    def resolve_successor_ids(obj: Unit) -> list[int]:
        return sorted(u.pk for u in obj.successors.all())

    @staticmethod
    def resolve_predecessor_ids(obj: Unit) -> list[int]:
        return sorted(u.pk for u in obj.predecessors.all())


# The unit tree's filter (selectors.UnitFilters); its choices are listed in the schema.
if TYPE_CHECKING:
    class UnitFilters(Schema): ...
else:
    UnitFilters = filter_schema("UnitFilters", selectors.UnitFilters, "Filters of the unit tree; \"\" means all.",
                                q=Annotated[Text, Field(max_length=200)], parent=Id | None, on=Date | None)


@router.get("/units", response={200: list[UnitTreeOut], **READ_ERRORS})
@paginate(Pager)
def units(request: AuthedRequest, filters: Query[UnitFilters]) -> Any:
    """The unit tree in order, with depth; `q` ignores diacritics; `kind`, `parent`, `on` (in force) filter. Anyone."""
    return selectors.unit_tree(user=request.user, filters=selectors.UnitFilters(**filters.dict()))


@router.get("/units/{unit_id}", response={200: UnitDetailOut, **READ_ERRORS})
def unit(request: AuthedRequest, unit_id: int) -> Any:
    """One unit with its parent, sub-units, successors and predecessors. Any signed-in user."""
    return selectors.unit_get(user=request.user, pk=unit_id)


# --- Notifications ------------------------------------------------------------------------------------


class NotificationItemOut(Schema):
    deliverable_id: int
    program_number: str
    code: str
    title: str
    deadline: dt.date
    days_overdue: int
    days_left: int


class NotificationOut(Schema):
    """One of the caller's notifications: `kind` and its label, `link` (a site path, "" for none), `items` (a daily
    digest's deliverables as they stood on its `day`)."""

    id: int
    kind: str
    kind_label: str
    day: dt.date
    subject: str
    body: str
    link: str
    items: list[NotificationItemOut]
    created_at: dt.datetime
    emailed_at: dt.datetime | None
    read_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        return str(obj.get_kind_display())


class NotificationFilters(Schema):
    unread: bool | None = None


class MarkedOut(Schema):
    marked: int


class MarkReadIn(Schema):
    """`ids`: the caller's notifications to mark read (another user's ids change nothing); omitted: all."""

    ids: list[Id] | None = None


class PreferenceOut(Schema):
    kind: str
    kind_label: str
    email: str
    email_label: str


class PreferencesOut(Schema):
    """The caller's email choice for every kind (`immediate`, `digest`: in the daily email, `off`); without an
    email address (`has_email` false) no email is sent whatever the choice."""

    has_email: bool
    preferences: list[PreferenceOut]


class PreferencesIn(Schema):
    """Kind -> `immediate` | `digest` | `off`; kinds left out keep their choice."""

    choices: dict[str, str]


def _preferences(user: Any) -> dict[str, Any]:
    chosen = notification_preferences(user=user)
    return {"has_email": bool(user.email), "preferences": [
        {"kind": kind, "kind_label": str(NotificationKind(kind).label), "email": mode,
         "email_label": str(EmailMode(mode).label)} for kind, mode in chosen.items()]}


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS})
@paginate(Pager)
def notifications(request: AuthedRequest, filters: Query[NotificationFilters]) -> Any:
    """The caller's own notifications, newest first; `unread=true` keeps the unread ones."""
    return selectors.notification_list_filtered(user=request.user, unread=filters.unread)


@router.post("/notifications/read", response={200: MarkedOut, **WRITE_ERRORS})
def notifications_read(request: AuthedRequest, payload: MarkReadIn | None = None) -> Any:
    """Mark the caller's unread notifications read: those of `ids`, or all without a body (as the page's
    buttons); says how many."""
    ids = payload.ids if payload is not None else None
    return {"marked": notifications_mark_read(user=request.user, ids=ids)}


@router.get("/notifications/preferences", response={200: PreferencesOut, **READ_ERRORS})
def notifications_preferences(request: AuthedRequest) -> Any:
    """How each kind of notification reaches the caller by email (always in the app)."""
    return _preferences(request.user)


@router.put("/notifications/preferences", response={200: PreferencesOut, **WRITE_ERRORS})
def notifications_preferences_put(request: AuthedRequest, payload: PreferencesIn) -> Any:
    """Change the caller's own choices (as the page /thong-bao/tuy-chon/); answers all of them."""
    notification_preferences_set(user=request.user, choices=preferences_clean(payload.choices))
    return _preferences(request.user)


# --- API tokens ---------------------------------------------------------------------------------------


class TokenOut(Schema):
    """A token as listed: never its secret, only the first characters (`prefix`) to recognize it. `active`: it
    still works (not revoked, not expired); `expired`: past `expires_at`."""

    id: int
    user_id: int
    username: str
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool
    expired: bool

    @staticmethod
    def resolve_username(obj: ApiToken) -> str:
        return obj.user.username

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        return token_state(obj) == TokenState.ACTIVE

    @staticmethod
    def resolve_expired(obj: ApiToken) -> bool:
        return obj.expires_at <= timezone.now()


class TokenCreatedOut(TokenOut):
    """The new token with its secret `token`: shown this once, store it now."""

    token: str


class TokenIn(Schema):
    """`scope` "write" only for a role that may write (not the auditor); `days`: its life, 1 to
    CHIDAO_TOKEN_DAYS (90 unless set), the most when left out."""

    name: Annotated[Text, Field(max_length=100)]
    scope: str = TokenScope.READ
    days: Int | None = None


class TokenFilters(Schema):
    """`user`: another user's tokens (administrators only); `everyone=true`: all users' tokens (administrators
    only); `active`: still working or not; `expired`: past their expiry or not."""

    user: Id | None = None
    everyone: bool = False
    active: bool | None = None
    expired: bool | None = None


@router.get("/tokens", response={200: list[TokenOut], **READ_ERRORS})
@paginate(Pager)
def tokens(request: AuthedRequest, filters: Query[TokenFilters]) -> Any:
    """The caller's own API tokens, newest first (never the secret); an administrator may ask for another
    user's (`user`) or everyone's (`everyone=true`), others get 403 for that."""
    return api_token_list_for(actor=request.user, owner=filters.user, everyone=filters.everyone,
                              active=filters.active, expired=filters.expired).select_related("user")


@router.post("/tokens", response={201: TokenCreatedOut, **WRITE_ERRORS})
def token_create(request: AuthedRequest, payload: TokenIn) -> Any:
    """Create a token for the caller with scope "read" or "write" (the auditor: read only) and a life of
    `days` days; the secret is in this answer only."""
    token, raw = api_token_create(user=request.user, name=payload.name, scope=payload.scope, days=payload.days)
    token.token = raw  # type: ignore[attr-defined]
    return HttpStatus(201, token)


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **WRITE_ERRORS})
def token_revoke(request: AuthedRequest, token_id: int) -> Any:
    """Revoke one of the caller's own tokens, or anyone's for an administrator (another's is 404 for others);
    it stops working at once."""
    token = api_token_get(user=request.user, pk=token_id)
    return api_token_revoke(actor=request.user, token=token)


@router.delete("/tokens/{token_id}", response={200: TokenOut, **WRITE_ERRORS})
def token_delete(request: AuthedRequest, token_id: int) -> Any:
    """The same as `POST /tokens/{token_id}/revoke`: the token is revoked (its row stays for the record)."""
    token = api_token_get(user=request.user, pk=token_id)
    return api_token_revoke(actor=request.user, token=token)


# --- Change log ---------------------------------------------------------------------------------------

class ChangeRecordOut(Schema):
    """One audited write; `before`/`after` hold the recorded fields as they were (their keys vary by object)."""

    id: int
    at: dt.datetime
    actor_id: int | None
    actor: str | None
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str

    @staticmethod
    def resolve_actor(obj: ChangeRecord) -> str | None:
        return str(obj.actor) if obj.actor else None

    @staticmethod
    def resolve_action_label(obj: ChangeRecord) -> str:
        return action_label(obj.action)

    @staticmethod
    def resolve_object_type(obj: ChangeRecord) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_before(obj: ChangeRecord) -> dict[str, Any] | None:
        return obj.before if isinstance(obj.before, dict) else None

    @staticmethod
    def resolve_after(obj: ChangeRecord) -> dict[str, Any] | None:
        return obj.after if isinstance(obj.after, dict) else None


class ChangeRecordFilters(Schema):
    object_type: Annotated[Text, Field(max_length=100, description="<app>.<model>, e.g. programs.deliverable")] = ""
    object_id: Annotated[Text, Field(max_length=64)] = ""
    actor: Id | None = None
    action: Annotated[Text, Field(max_length=32)] = ""
    since: Date | None = None
    until: Date | None = None
    who: Annotated[Text, Field(max_length=100, description="the actor's user name or full name, any diacritics")] = ""


@router.get("/change-records", response={200: list[ChangeRecordOut], **READ_ERRORS, 403: ErrorOut})
@paginate(KeysetPager, keys=("-at", "-id"), name="change-log")
def change_records(request: AuthedRequest, filters: Query[ChangeRecordFilters]) -> Any:
    """The change log, newest first (administrators, auditors): filter by object, actor, action, `since`–`until`."""
    return selectors.change_record_list(user=request.user, filters=selectors.ChangeRecordFilters(**filters.dict()))
