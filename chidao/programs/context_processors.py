"""Template context of the programs app on every page: the top bar's "Việc của tôi" count."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils.formats import number_format

from .inbox import inbox_count


class InboxCount:
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
        return self.value == (other.value if isinstance(other, InboxCount) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return number_format(self.value, force_grouping=True)


def inbox(request: HttpRequest) -> dict[str, Any]:
    """`inbox_count`: the items and directives awaiting the signed-in user's own action (two queries at most,
    run when the top bar shows it); the inbox page gives its own figure, so it does not count twice."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_count": InboxCount(lambda: inbox_count(user=user))}  # type: ignore[arg-type]
