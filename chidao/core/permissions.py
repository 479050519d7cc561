"""Who may do what on the core records, and the register of the predicates the templates ask.

Each app keeps its own rules in its `permissions.py`; core knows none of them. An app offers a predicate of the
user alone to the templates with `@template_predicate("name")`, and `can_for(user)` (the `can` of every template,
`core.context_processors.can`) answers `{% if can.name %}` with it: templates never test roles themselves. The
apps' permissions modules are found the way task sweepers are (`autodiscover_modules`), so core imports no app.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.utils.module_loading import autodiscover_modules

from .models import Role, User

# Every role whose grant may write something (the auditor only reads): who may hold a write API token.
WRITE_ROLES = tuple(role for role in Role.values if role != Role.AUDITOR)

UserPredicate = Callable[[Any], bool]
TEMPLATE_PREDICATES: dict[str, UserPredicate] = {}


def template_predicate(name: str) -> Callable[[UserPredicate], UserPredicate]:
    """Offer `predicate(user)` to the templates as `can.<name>`."""

    def register(predicate: UserPredicate) -> UserPredicate:
        TEMPLATE_PREDICATES[name] = predicate
        return predicate

    return register


_discovered = False


def template_predicates() -> dict[str, UserPredicate]:
    """Every registered predicate, the apps' permissions modules imported on the first call."""
    global _discovered
    if not _discovered:
        autodiscover_modules("permissions")
        _discovered = True
    return TEMPLATE_PREDICATES


class Can(Mapping[str, bool]):
    """The answers for one user, each computed when a template first asks and then kept (a page asks the
    same question in several places); an anonymous user may do nothing."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._answers:
            predicate = template_predicates()[name]  # KeyError: the template's lookup fails, as for a dict
            user = self._user
            self._answers[name] = bool(user is not None and user.is_authenticated and predicate(user))
        return self._answers[name]

    def __iter__(self) -> Iterator[str]:
        return iter(template_predicates())

    def __len__(self) -> int:
        return len(template_predicates())


def can_for(user: Any) -> Can:
    return Can(user)


# --- The core records -----------------------------------------------------------------------------------


@template_predicate("read_change_log")
def can_read_change_log(user: User) -> bool:
    """Administrators and auditors (kiểm tra, giám sát) read every change record."""
    return user.is_active and user.has_role(Role.ADMIN, Role.AUDITOR)


def can_reset_otp(user: User, target: User | None = None) -> bool:
    """Administrators reset anyone's second factor (a user who lost their phone and their recovery codes)."""
    return user.is_authenticated and user.is_active and user.has_role(Role.ADMIN)


def can_read_sensitive_history(user: User) -> bool:
    """Only administrators read the sensitive fields of personnel records in the change log unmasked (auditors
    read the log, but never those fields)."""
    return user.has_role(Role.ADMIN)


# --- API tokens -----------------------------------------------------------------------------------------


@template_predicate("manage_tokens")
def can_manage_tokens(user: User) -> bool:
    """Administrators list everyone's API tokens and revoke any of them; others see and revoke their own."""
    return bool(user.is_active and user.has_role(Role.ADMIN))


@template_predicate("write_token")
def can_hold_write_token(user: User) -> bool:
    """A token that writes is offered to a user with at least one grant that may write: any role but the
    auditor's (kiểm tra, giám sát reads only), or a superuser."""
    return bool(user.is_active and (user.is_superuser or user.has_role(*WRITE_ROLES)))


@template_predicate("manage_users")
def can_manage_users(user: User) -> bool:
    """Only administrators (a superuser counts as one) create, change, stop and list accounts and grant roles."""
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.ADMIN))


@template_predicate("manage_units")
def can_manage_units(user: User) -> bool:
    """Administrators create, rename, move, merge, dissolve and delete units (the organization tree)."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(Role.ADMIN)))


# --- The register of outgoing documents (core.register) ---------------------------------------------------


@template_predicate("read_register")
def can_read_register(user: User) -> bool:
    """Every active account reads the register of outgoing documents: the standing office and administrators all
    of it, others the documents of the issuing bodies in their units' subtrees."""
    return bool(user.is_authenticated and user.is_active)


@template_predicate("manage_signers")
def can_manage_signers(user: User) -> bool:
    """Administrators and the standing office keep the issuing bodies and their signers."""
    return bool(user.is_authenticated and user.is_active and user.manages)
