"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from .notifications import notifications_unread_count
from .permissions import can_for


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread-notification count for the top bar: one COUNT query, only for a logged-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notifications_unread_count(user=user)}  # type: ignore[arg-type]


def can(request: HttpRequest) -> dict[str, Any]:
    """`can`: what the user may do, for the templates (`{% if can.read_people %}`), answered by the predicates
    the apps register in their permissions modules (core.permissions); templates never test roles."""
    return {"can": can_for(getattr(request, "user", None))}
