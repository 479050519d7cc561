"""Template context shared by every page."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils.formats import number_format

from .notifications import notifications_unread_count
from .permissions import can_for


class LazyCount:
    """A count worked out on first use (a page whose template does not show it runs no query), shown with
    Vietnamese thousands separators (2.614)."""

    def __init__(self, compute: Callable[[], int]) -> None:
        self._compute = compute

    @cached_property
    def value(self) -> int:
        return self._compute()

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, LazyCount) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return number_format(self.value, force_grouping=True)


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread-notification count for the top bar: one COUNT query when shown, only for a logged-in user. An app
    listed after this one may give the same key a count it reads together with its own (programs: the inbox's)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": LazyCount(lambda: notifications_unread_count(user=user))}  # type: ignore[arg-type]


def can(request: HttpRequest) -> dict[str, Any]:
    """`can`: what the user may do, for the templates (`{% if can.read_people %}`), answered by the predicates
    the apps register in their permissions modules (core.permissions); templates never test roles."""
    return {"can": can_for(getattr(request, "user", None))}
