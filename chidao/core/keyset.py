"""Deep pages of long lists without OFFSET (ADR 0015): numbered pages first, then "Trang sau / Trang trước" links
carrying a signed cursor, the sort key of the last (or first) row shown.

    page = list_page(request, qs, keys=("sort_key", "id"), per_page=25, name="people")

- Without a cursor the list pages by number (`?page=`) as before, up to NUMBERED_PAGES (a larger number shows that
  page): an OFFSET of at most NUMBERED_PAGES * per_page rows.
- `?sau=<cursor>` reads the rows after the cursor, `?truoc=<cursor>` those before it, with
  `WHERE k1 >= a AND (k1 > a OR (k1 = a AND k2 > b)) ORDER BY k1, k2 LIMIT n+1` (reversed for descending keys): the
  first condition is a range on the index of the sort key, so a page far down costs what the first page costs.
- A cursor is signed (`django.core.signing`, salted with the list's name): one altered or made for another list is
  refused with `BadCursor` (the views answer 400 with its message).

`keys` are two fields, both ascending or both descending ("-at", "-id"), the last one unique (the primary key).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUMBERED_PAGES = 20  # numbered pages offered before the cursor links take over
AFTER, BEFORE = "sau", "truoc"


class BadCursor(ValueError):
    """A cursor that is not one this list made (altered, truncated, or of another list)."""


def bad_cursor() -> BadCursor:
    """The error of a cursor this list did not make, with its message in the user's language."""
    return BadCursor(_("Liên kết trang không hợp lệ hoặc đã bị sửa. Hãy mở lại danh sách từ trang đầu."))


def _salt(name: str) -> str:
    return f"chidao.keyset.{name}"


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def cursor_make(row: Any, *, keys: Sequence[str], name: str) -> str:
    """The signed cursor of a row: its values of `keys`."""
    return cursor_sign([getattr(row, k.lstrip("-")) for k in keys], name=name)


def cursor_sign(values: Sequence[Any], *, name: str) -> str:
    """The signed cursor of these key values (a list whose order is not one queryset's: `rotation.due.DueList`)."""
    return signing.dumps([_plain(v) for v in values], salt=_salt(name), compress=False)


def cursor_read(raw: str, *, keys: Sequence[str], name: str) -> list[Any]:
    """The key values of a cursor made by `cursor_make` for this list; BadCursor otherwise."""
    try:
        values = signing.loads(raw[:500], salt=_salt(name))
    except signing.BadSignature as exc:
        raise bad_cursor() from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise bad_cursor()
    return values


def _beyond(keys: Sequence[str], values: Sequence[Any], *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the key values, in the order of `keys`."""
    (k1, k2), (a, b) = [k.lstrip("-") for k in keys], values
    descending = keys[0].startswith("-")
    up = forward != descending  # the values grow in the direction read
    gte, gt = ("gte", "gt") if up else ("lte", "lt")
    return Q(**{f"{k1}__{gte}": a}) & (Q(**{f"{k1}__{gt}": a}) | Q(**{k1: a, f"{k2}__{gt}": b}))


def _reverse(keys: Sequence[str]) -> list[str]:
    return [k[1:] if k.startswith("-") else f"-{k}" for k in keys]


@dataclass
class KeysetPage:
    """A page read after or before a cursor: the rows, and the cursors of the next and previous pages (None at an
    end). `number` is None: a cursor page has no number."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    number: None = None
    paginator: None = None
    keyset: bool = field(default=True)

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def keyset_read(qs: Any, *, keys: Sequence[str], name: str, per_page: int, after: list[Any] | None = None,
                before: list[Any] | None = None) -> KeysetPage:
    """The `per_page` rows after `after` (or before `before`) in the order of `keys`, with the cursors around
    them: one query of per_page + 1 rows."""
    if before is not None:
        rows = list(qs.filter(_beyond(keys, before, forward=False)).order_by(*_reverse(keys))[:per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        page = KeysetPage(rows)
        page.previous_cursor = cursor_make(rows[0], keys=keys, name=name) if more and rows else None
        page.next_cursor = cursor_make(rows[-1], keys=keys, name=name) if rows else None
        return page
    base = qs.filter(_beyond(keys, after, forward=True)) if after is not None else qs
    rows = list(base.order_by(*keys)[:per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    page = KeysetPage(rows)
    page.next_cursor = cursor_make(rows[-1], keys=keys, name=name) if more else None
    page.previous_cursor = cursor_make(rows[0], keys=keys, name=name) if after is not None and rows else None
    return page


def bad_cursor_response(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    """The 400 page saying the cursor is not valid (in the user's language)."""
    return render(request, "400.html", {"exception": str(exc)}, status=400)


def list_query(request: HttpRequest) -> str:
    """The request's query without its page and cursors (what the pager's links add them to)."""
    query = request.GET.copy()
    for name in ("page", AFTER, BEFORE):
        query.pop(name, None)
    return query.urlencode()


def list_page(request: HttpRequest, qs: Any, *, keys: Sequence[str], name: str, per_page: int) -> Page | KeysetPage:
    """The page a request asks for: by cursor (`sau`/`truoc`), else numbered (at most NUMBERED_PAGES; the last
    numbered page gets a cursor to the next rows). Raises BadCursor for a cursor this list did not make."""
    after, before = request.GET.get(AFTER), request.GET.get(BEFORE)
    if (after or before) and hasattr(qs, "filter"):  # a queryset, or a wrapper that filters (core.selectors)
        values = cursor_read(after or before or "", keys=keys, name=name)
        return keyset_read(qs, keys=keys, name=name, per_page=per_page,
                           after=values if after else None, before=values if before else None)
    paginator = Paginator(qs, per_page)
    number = request.GET.get("page")
    if number and number.isdigit() and int(number) > NUMBERED_PAGES:
        number = str(NUMBERED_PAGES)
    page = paginator.get_page(number)
    page.next_cursor = (  # type: ignore[attr-defined]
        cursor_make(page.object_list[len(page.object_list) - 1], keys=keys, name=name)
        if page.number >= NUMBERED_PAGES and page.has_next() else None)
    return page


class IdsFirst:
    """A queryset whose slices are read in two steps: the slice's ids in the list's order (which PostgreSQL answers
    from a covering index without touching the rows it passes over), then those rows, in that order. Used where a
    search walks a long ordered index and most rows fail the filter (`personnel.selectors.person_list`). It
    offers what the pagers use: filter, order_by, count, slicing, iteration."""

    def __init__(self, qs: Any, *, count_cap: int | None = None) -> None:
        self.qs = qs
        self.model = qs.model
        self.count_cap = count_cap

    def filter(self, *args: Any, **kwargs: Any) -> "IdsFirst":
        return IdsFirst(self.qs.filter(*args, **kwargs), count_cap=self.count_cap)

    def order_by(self, *keys: str) -> "IdsFirst":
        return IdsFirst(self.qs.order_by(*keys), count_cap=self.count_cap)

    def capped(self, cap: int) -> "IdsFirst":
        """The same rows, counted only up to cap + 1 (a page says "more than cap" rather than count 20,000
        matches of a common name on every request); `count_capped` tells whether the cap was reached."""
        return IdsFirst(self.qs, count_cap=cap)

    def all(self) -> "IdsFirst":
        return self

    def count(self) -> int:
        if self.count_cap is not None:
            return int(self.qs[:self.count_cap + 1].count())
        return int(self.qs.count())

    def count_capped(self, counted: int) -> bool:
        return self.count_cap is not None and counted > self.count_cap

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Any:
        return iter(self.qs)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            found = self[index:index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        ids = list(self.qs.values_list("pk", flat=True)[index])
        rows = {row.pk: row for row in self.qs.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
