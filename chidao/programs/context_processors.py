"""Template context of the programs app on every page: the top bar's "Việc của tôi" count, read in one query with
the unread-notification count (it replaces core's `unread_notifications`, listed before it in the settings)."""

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from chidao.core.context_processors import LazyCount
from chidao.core.models import User

from .inbox import top_bar_counts

InboxCount = LazyCount  # the name the inbox page uses for the figure it has already counted


class _TopBar:
    def __init__(self, user: User) -> None:
        self._user = user

    @cached_property
    def counts(self) -> tuple[int, int]:
        return top_bar_counts(user=self._user)


def inbox(request: HttpRequest) -> dict[str, Any]:
    """`inbox_count`: the items and directives awaiting the signed-in user's own action, and
    `unread_notifications`: both from one query, run when the top bar first shows either; the inbox page gives its
    own `inbox_count`, so it does not count twice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    bar = _TopBar(user)  # type: ignore[arg-type]
    return {"inbox_count": LazyCount(lambda: bar.counts[1]),
            "unread_notifications": LazyCount(lambda: bar.counts[0])}
