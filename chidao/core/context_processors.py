"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest

from .notifications import notifications_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread-notification count for the top bar: one COUNT query, only for a logged-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notifications_unread_count(user=user)}  # type: ignore[arg-type]
