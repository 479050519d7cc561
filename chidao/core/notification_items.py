"""What became of a digest's items since its day, for the notifications page.

A daily digest stores its items as they stood that morning (`Notification.items`): days overdue, the deadline.
Read a week later, an item approved since must not look overdue still. The app that owns the items (programs:
deliverables) answers what each item is now, through the registry it fills in its `AppConfig.ready` (core
imports no app, ADR 0008); the page shows each digest's date and, beside an item, what changed since.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .models import Notification, User


@dataclass(frozen=True)
class ItemNow:
    """An item of a digest as it is now: `since` says what happened since (e.g. "đã hoàn thành sau đó"), empty
    while it still awaits the unit; `deadline` is the deadline in force now."""

    since: str
    deadline: dt.date


# (user, item ids) -> what each item the user may still see is now.
ItemsNow = Callable[[User, set[int]], dict[int, ItemNow]]
_resolvers: list[ItemsNow] = []


def digest_items_register(resolver: ItemsNow) -> None:
    """Called once by the app that owns the digests' items (in its `AppConfig.ready`)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def digest_items_now(*, user: User, ids: set[int]) -> dict[int, ItemNow]:
    found: dict[int, ItemNow] = {}
    for resolver in _resolvers:
        found.update(resolver(user, ids))
    return found


def digest_entries(*, user: User, notifications: Iterable[Notification]) -> dict[int, list[dict[str, Any]]]:
    """Each digest's items (by notification id) as stored, each with `since` (what happened since, if
    anything) and `extended_to` (a deadline moved since the digest, else None). One lookup for the page."""
    shown = [n for n in notifications if n.items]
    now = digest_items_now(user=user, ids={int(i["deliverable_id"]) for n in shown for i in n.items})
    entries: dict[int, list[dict[str, Any]]] = {}
    for n in shown:
        rows = []
        for item in n.entries():
            current = now.get(int(item["deliverable_id"]))  # type: ignore[call-overload]
            since = current.since if current else ""
            moved = current is not None and not since and current.deadline != item["deadline"]
            rows.append({**item, "since": since, "extended_to": current.deadline if moved and current else None})
        entries[n.pk] = rows
    return entries
