"""A procedure's status at a date, derived from the items of publication decisions (no stored status).

Decree 63/2010/NĐ-CP as amended by Decree 92/2017/NĐ-CP (Art. 15-15a): a procedure applies once a
publication decision (quyết định công bố) lists it, and stops applying when a later decision lists it
as abolished (bãi bỏ) or replaced (thay thế). The definitions, used everywhere (pages, API, counts):

- An item *brings a procedure in* when its action is `new` with the procedure as `procedure`, or
  `replaced` with the procedure as `procedure` (the new one). `amended` does not bring one in, except
  that a procedure with only `amended` items and no introducing item counts as in force from its first
  item (registries taken over from before the decisions were recorded).
- An item *ends a procedure* when its action is `abolished` with the procedure as `procedure`, or
  `replaced` with the procedure as `replaces` (the old one).
- A procedure is in force on date d when the earliest effective_on of the items that bring it in is on
  or before d, and no item that ends it has effective_on on or before d (the end date is exclusive:
  from the ending item's effective date the procedure is "abolished" or "replaced").

`derive_status` applies this to one procedure's items in Python; `in_force_q` / `status_q` express
the same rules as SQL conditions (IN subqueries), so counts and list filters run as one query
whatever the number of procedures and decisions.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import DecisionItem, ItemAction

IN_FORCE = "in_force"
NOT_YET = "not_yet"
ABOLISHED = "abolished"
REPLACED = "replaced"

STATUS_LABELS = {
    IN_FORCE: _("đang có hiệu lực"),
    NOT_YET: _("chưa có hiệu lực"),
    ABOLISHED: _("đã bãi bỏ"),
    REPLACED: _("đã bị thay thế"),
}
STATUS_CHOICES = [(k, v) for k, v in STATUS_LABELS.items()]

INTRODUCING = (ItemAction.NEW, ItemAction.REPLACED)


class ItemLike(Protocol):
    """What the derivation reads from a DecisionItem (read-only, so model instances match)."""

    @property
    def pk(self) -> Any: ...
    @property
    def procedure_id(self) -> Any: ...
    @property
    def replaces_id(self) -> Any: ...
    @property
    def action(self) -> str: ...
    @property
    def effective_on(self) -> dt.date: ...


@dataclass(frozen=True)
class Status:
    """A status and the item that decided it (the introducing item, or the one that ended it)."""

    code: str
    item: ItemLike | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.code])

    @property
    def in_force(self) -> bool:
        return self.code == IN_FORCE


def _key(item: ItemLike) -> tuple[dt.date, int]:
    return item.effective_on, item.pk or 0


def derive_status(procedure_id: int, items: Iterable[ItemLike], on: dt.date) -> Status:
    """The status on `on` of one procedure from the items that name it (as `procedure` or `replaces`).

    Decree 63/2010/NĐ-CP as amended by Decree 92/2017/NĐ-CP: in force from the earliest item that brings
    it in (new, or replaced where it is the new procedure; amended only when nothing brings it in) until,
    exclusive, the earliest item that abolishes it or replaces it (where it is `replaces`).
    """
    items = list(items)
    own = [i for i in items if i.procedure_id == procedure_id]
    introducing = [i for i in own if i.action in INTRODUCING] or [i for i in own if i.action == ItemAction.AMENDED]
    if not introducing:
        return Status(NOT_YET, None)
    first = min(introducing, key=_key)
    if on < first.effective_on:
        return Status(NOT_YET, first)
    ending = [
        i for i in items if i.effective_on <= on and (
            (i.action == ItemAction.ABOLISHED and i.procedure_id == procedure_id)
            or (i.action == ItemAction.REPLACED and i.replaces_id == procedure_id))
    ]
    if ending:
        end = min(ending, key=_key)
        return Status(ABOLISHED if end.action == ItemAction.ABOLISHED else REPLACED, end)
    return Status(IN_FORCE, first)


def _ids(column: str = "procedure_id", **filters: object) -> QuerySet[DecisionItem]:
    """Ids of procedures named in `column` by the items matching `filters` (an uncorrelated subquery: both
    engines evaluate it once and probe it per row, a hash on PostgreSQL, an index on SQLite)."""
    return DecisionItem.objects.filter(**{f"{column}__isnull": False}, **filters).values(column)


def started_q(on: dt.date) -> Q:
    """The procedure was brought in on or before `on` (amended items count only where nothing brings it in)."""
    return (
        Q(pk__in=_ids(action__in=INTRODUCING, effective_on__lte=on))
        | (~Q(pk__in=_ids(action__in=INTRODUCING))
           & Q(pk__in=_ids(action=ItemAction.AMENDED, effective_on__lte=on)))
    )


def abolished_q(on: dt.date) -> Q:
    return Q(pk__in=_ids(action=ItemAction.ABOLISHED, effective_on__lte=on))


def replaced_q(on: dt.date) -> Q:
    return Q(pk__in=_ids("replaces_id", action=ItemAction.REPLACED, effective_on__lte=on))


def in_force_q(on: dt.date) -> Q:
    """SQL form of `derive_status(...).code == IN_FORCE` for a Procedure queryset."""
    return started_q(on) & ~abolished_q(on) & ~replaced_q(on)


def status_q(code: str, on: dt.date) -> Q:
    """SQL form of `derive_status(...).code == code` for a Procedure queryset.

    A procedure ends once (decision_create refuses to end what is not in force), so "abolished" and
    "replaced" do not overlap.
    """
    if code == IN_FORCE:
        return in_force_q(on)
    if code == NOT_YET:
        return ~started_q(on)
    if code == ABOLISHED:
        return started_q(on) & abolished_q(on)
    if code == REPLACED:
        return started_q(on) & replaced_q(on) & ~abolished_q(on)
    raise ValueError(code)
