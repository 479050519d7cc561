"""Reads on cadre records, all through `Person.objects.visible_to(user)`.

Every successful view of one record writes an `AccessLog` row (`person_get`); a list writes one row
for the whole list (it shows names only), never one per person. A denial writes nothing.
Lists cost a fixed number of queries whatever the number of people: the rows join what they show
(unit, post) and search filters the folded `search_text` word by word.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import CharField, Count, DateField, Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils.translation import gettext as _

from chidao.core.errors import PermissionDenied
from chidao.core.keyset import IdsFirst
from chidao.core.models import Unit, User
from chidao.core.reference import unit_subtree_ids
from chidao.core.selectors import user_ids_matching
from chidao.core.text import fold, search_terms

from . import rules
from .models import (
    AccessLog,
    Assignment,
    Deferral,
    Discipline,
    Gender,
    Person,
    PlanningEntry,
    Position,
    Rating,
    Relative,
)
from .permissions import (
    SENSITIVE_FIELDS,
    can_manage_people,
    can_manage_posts,
    can_reach_every_unit,
    can_read_access_log,
    can_read_people,
    can_see_sensitive,
    is_unit_scoped,
    personnel_scope_ids,
)

# What those who may not see a filled sensitive field (permissions.SENSITIVE_FIELDS) see instead.
MASK = "••••"


def _log(*, user: User, person: Person | None, action: str, detail: str) -> None:
    AccessLog.objects.create(user=user, person=person, action=action, detail=detail[:300])


@dataclass
class PersonFilters:
    """The people list's filter, defined once: the page's form (`PersonFilterForm.filters`) and the API's query
    (`api.people.PeopleFilters`, built from these fields) both produce it; `choices` metadata lists a field's
    values (in the OpenAPI schema too). "" means all."""

    q: str = ""
    unit: int | None = None
    gender: str = field(default="", metadata={"choices": Gender})
    key_post: bool = False

    def describe(self) -> str:
        """The filters as a short text for the access log."""
        parts = [f"q={self.q}"] if self.q else []
        if self.unit:
            parts.append(f"unit={self.unit}")
        if self.gender:
            parts.append(f"gender={self.gender}")
        if self.key_post:
            parts.append("key_post=1")
        return " ".join(parts)


PERSON_LIST_KEYS = ("sort_key", "id")  # the people list's order (Vietnamese name order), the keyset of its deep pages


def person_list(*, user: User, filters: PersonFilters | None = None,
                via: str = "page") -> QuerySet[Person] | IdsFirst:
    """The people the user may see, filtered, in Vietnamese name order (given name first).

    Raises PermissionDenied (logging nothing) for users who may see no record; otherwise logs one
    AccessLog row action="list" with the filters.
    """
    if not can_read_people(user):
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ cán bộ."))
    filters = filters or PersonFilters()
    qs = Person.objects.visible_to(user).select_related("unit", "position")
    terms = search_terms(filters.q)
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit)) if unit else qs.none()
    if filters.gender:
        qs = qs.filter(gender=filters.gender)
    if filters.key_post:
        qs = qs.filter(position__is_key_post=True)
    _log(user=user, person=None, action="list", detail=f"{via} {filters.describe()}".strip())
    if terms and connection.vendor == "sqlite":
        # SQLite would walk the sort_key index and test every row for a rare name (175 ms at 150,000
        # people, bench/people_import.py); ordering by an expression makes it filter first, then sort.
        return qs.order_by(Concat("sort_key", Value("")), "id")
    if terms:
        # PostgreSQL: the page's ids from the (sort_key, id) index carrying the folded text, then their rows
        # (core.trigram.covering_index; 8 ms instead of 400 ms for "nguyen van" among 1,500,000 people).
        return IdsFirst(qs.order_by("sort_key", "id"))
    return qs.order_by("sort_key", "id")


def person_filter_units(*, user: User) -> QuerySet[Unit]:
    """Units offered by the list's unit filter and the create form: the user's scope."""
    qs = Unit.objects.current().order_by("name")
    if can_reach_every_unit(user):
        return qs
    if is_unit_scoped(user):
        return qs.filter(pk__in=personnel_scope_ids(user))
    return qs.none()


def person_positions(*, user: User) -> QuerySet[Position]:
    """Posts a user may assign people to (the units of their scope)."""
    qs = Position.objects.select_related("unit").order_by("unit__name", "-level", "title")
    if can_reach_every_unit(user):
        return qs
    if is_unit_scoped(user):
        return qs.filter(unit_id__in=personnel_scope_ids(user))
    return qs.none()


def position_search(*, user: User, q: str, unit_ids: set[int] | None = None,
                    limit: int = 20) -> tuple[list[Position], bool]:
    """Posts of the user's scope (`person_positions`; inside `unit_ids` when given) whose title, unit name or
    parent unit's name hold every word of `q`, diacritics ignored ("truong phong" finds "Trưởng phòng"): at most
    `limit` (with their unit and its parent), and whether there are more. Two queries whatever the number of
    posts: the candidates' titles and unit names, then the posts shown. An empty query finds nothing."""
    terms = search_terms(q)
    if not terms:
        return [], False
    qs = person_positions(user=user)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    folded: dict[str, str] = {}  # many posts share a title, many a unit: each text folded once

    def f(text: str) -> str:
        if text not in folded:
            folded[text] = fold(text)
        return folded[text]

    found: list[int] = []
    for pk, title, unit_name, parent_name in qs.values_list("pk", "title", "unit__name", "unit__parent__name"):
        text = f"{f(title)} {f(unit_name)} {f(parent_name or '')}"
        if all(t in text for t in terms):
            found.append(pk)
            if len(found) > limit:
                break
    shown = {p.pk: p for p in Position.objects.select_related("unit__parent").filter(pk__in=found[:limit])}
    return [shown[pk] for pk in found[:limit] if pk in shown], len(found) > limit


def person_get(*, user: User, pk: int, via: str = "page") -> Person:
    """One record the user may see; logs the view (AccessLog action="view", detail=via).

    Outside the user's scope: 404 (the record's existence is not revealed) and nothing is logged.
    """
    person = (
        Person.objects.visible_to(user).select_related("unit", "position", "position__unit", "hometown")
        .filter(pk=pk).first()
    )
    if person is None:
        raise Http404(_("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    _log(user=user, person=person, action="view", detail=via)
    return person


def person_for_update(*, user: User, pk: int) -> Person:
    """A record the user may see and change (the write endpoints); not logged as a view."""
    person = Person.objects.visible_to(user).select_related("unit", "position").filter(pk=pk).first()
    if person is None:
        raise Http404(_("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    if not can_manage_people(user):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ cán bộ."))
    return person


def sensitive_values(*, user: User, person: Person) -> dict[str, str]:
    """The sensitive fields as the user may see them: the values, or MASK for each filled one."""
    shown = can_see_sensitive(user, person)
    values = {name: getattr(person, name) or "" for name in SENSITIVE_FIELDS}
    if shown:
        return values
    return {name: (MASK if value else "") for name, value in values.items()}


def time_in_post(since: dt.date | None, on: dt.date) -> str:
    """"3 năm 2 tháng" from the start of the current post to `on`."""
    if since is None:
        return ""
    months = max(0, rules.months_between(since, on))
    years, months = divmod(months, 12)
    if years and months:
        return _("%(y)d năm %(m)d tháng") % {"y": years, "m": months}
    if years:
        return _("%(y)d năm") % {"y": years}
    return _("%(m)d tháng") % {"m": months}


def _flags(person: Person, on: dt.date, ratings: list[Rating], disciplines: list[Discipline],
           assignments: list[Assignment]) -> list[Any]:
    """The rule flags raised on a person (flags.py), from the ratings, disciplines and assignments the record
    already read."""
    from .flags import person_flags

    return list(person_flags(person=person, on=on, ratings=ratings, disciplines=disciplines,
                             assignments=assignments))


@dataclass
class PersonRecord:
    """Everything shown on a record page (the person is already scoped and logged)."""

    person: Person
    sensitive: dict[str, str]
    sensitive_shown: bool
    assignments: list[Assignment] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    disciplines: list[Discipline] = field(default_factory=list)
    deferrals: list[Deferral] = field(default_factory=list)
    relatives: Sequence[Relative] = field(default_factory=list)
    planning: list[PlanningEntry] = field(default_factory=list)
    flags: list[Any] | None = None


# The columns three short lists of a record share in one UNION read, and which field of each fills them.
_SLOTS: dict[str, Any] = {
    "i1": IntegerField(), "s1": CharField(), "s2": CharField(), "s3": CharField(), "t1": CharField(),
    "d1": DateField(), "d2": DateField(), "d3": DateField(), "d4": DateField(),
}
_FILLS: dict[type, dict[str, str]] = {
    Rating: {"i1": "year", "s1": "level"},
    Deferral: {"s1": "kind", "d1": "start", "d2": "end", "t1": "note"},
    Discipline: {"s1": "system", "s2": "form", "s3": "decided_by", "t1": "reason", "d1": "decided_on",
                 "d2": "blocks_until", "d3": "appointment_blocked_until", "d4": "grade_blocked_until"},
}


def _record_lists(person: Person) -> tuple[list[Rating], list[Discipline], list[Deferral]]:
    """The record's ratings (latest year first), disciplines and deferrals (latest first): three short lists read in
    ONE query, a UNION of the three tables' rows on shared columns (a tag, then each table's fields in `_SLOTS`,
    NULL or blank where a table has no such field); the rows are built back into model objects."""
    parts = []
    for n, (model, fills) in enumerate(_FILLS.items()):
        slots = {slot: F(fills[slot]) if slot in fills else Cast(  # typed, for PostgreSQL's UNION
            Value(None if isinstance(field, (IntegerField, DateField)) else ""), output_field=field)
                 for slot, field in _SLOTS.items()}
        parts.append(model.objects.filter(person=person).order_by()  # type: ignore[attr-defined]
                     .annotate(tag=Value(n, output_field=IntegerField()), **slots).values_list("pk", "tag", *_SLOTS))
    found: dict[int, list[Any]] = {0: [], 1: [], 2: []}
    models = list(_FILLS.items())
    for pk, tag, *values in parts[0].union(*parts[1:], all=True):
        model, fills = models[tag]
        row = dict(zip(_SLOTS, values, strict=True))
        found[tag].append(model(pk=pk, person=person, **{name: row[slot] for slot, name in fills.items()}))
    ratings: list[Rating] = sorted(found[0], key=lambda r: -r.year)
    deferrals: list[Deferral] = sorted(found[1], key=lambda d: (d.start, d.pk), reverse=True)
    disciplines: list[Discipline] = sorted(found[2], key=lambda d: (d.decided_on, d.pk), reverse=True)
    return ratings, disciplines, deferrals


def person_record(*, user: User, person: Person, on: dt.date) -> PersonRecord:
    """The record's sections; relatives outside the user's scope are listed by name without a link."""
    visible = Person.objects.visible_to(user).filter(pk=OuterRef("relative_id"))
    relatives = list(person.relatives.select_related("relative", "relative__unit", "relative__position")
                     .annotate(linkable=Exists(visible)).order_by("relation", "relative__sort_key"))
    ratings, disciplines, deferrals = _record_lists(person)
    assignments = list(person.assignments.select_related("position", "position__unit").order_by("-start", "-id"))
    return PersonRecord(
        person=person,
        sensitive=sensitive_values(user=user, person=person),
        sensitive_shown=can_see_sensitive(user, person),
        assignments=assignments,
        ratings=ratings,
        disciplines=disciplines,
        deferrals=deferrals,
        relatives=relatives,
        planning=list(person.planning_entries.select_related("term", "position", "position__unit")
                      .order_by("-term__start_year", "position__title")),
        flags=_flags(person, on, ratings, disciplines, assignments),
    )


# --- Lookups for the pages and the API ---------------------------------------------------------------------


def people_visible(*, user: User) -> QuerySet[Person]:
    """Every record the user may see (the relative picker)."""
    return Person.objects.visible_to(user)


def person_visible_find(*, user: User, pk: int) -> Person | None:
    """A record the user may see, or None (an input naming another record: a relative, a planned person)."""
    return Person.objects.visible_to(user).filter(pk=pk).first()


def person_filter_unit_find(*, user: User, pk: int) -> Unit | None:
    """A unit of the user's scope (`person_filter_units`), or None."""
    return person_filter_units(user=user).filter(pk=pk).first()


def person_position_find(*, user: User, pk: int) -> Position | None:
    """A post of the user's scope (`person_positions`), or None."""
    return person_positions(user=user).filter(pk=pk).first()


def person_position_get(*, user: User, pk: int) -> Position:
    """A post of the user's scope; 404 otherwise."""
    position = person_position_find(user=user, pk=pk)
    if position is None:
        raise Http404(_("Không tìm thấy chức danh hoặc chức danh ngoài phạm vi của bạn."))
    return position


def person_positions_of_unit(*, user: User, unit_id: int | None = None) -> QuerySet[Position]:
    """The posts of the user's scope, of one unit when given."""
    qs = person_positions(user=user)
    return qs if unit_id is None else qs.filter(unit_id=unit_id)


def access_log_list(*, user: User, q: str = "", person: int | None = None, start: dt.date | None = None,
                    end: dt.date | None = None, who: str = "", action: str = "") -> QuerySet[AccessLog]:
    """Every recorded view of a personnel record; only administrators and auditors may read it.

    Filters: `q` (the person's name or code, folded), `person` (a record id), `start`/`end` (local days,
    both included), `who` (the reader's user name or full name, folded), `action` (a code of
    `access_labels.ACCESS_ACTION_LABELS`)."""
    if not can_read_access_log(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và kiểm tra, giám sát được xem nhật ký truy cập hồ sơ."))
    qs = AccessLog.objects.select_related("user", "person").order_by("-at", "-id")
    for term in search_terms(q):
        qs = qs.filter(person__search_text__contains=term)
    if person is not None:
        qs = qs.filter(person_id=person)
    if search_terms(who):
        qs = qs.filter(user_id__in=user_ids_matching(who))
    if action:
        qs = qs.filter(action=action)
    if start is not None:
        qs = qs.filter(at__date__gte=start)
    if end is not None:
        qs = qs.filter(at__date__lte=end)
    return qs


# --- Posts of a unit (the unit pages count them; the posts page lists them) ---------------------------------


def unit_people_counts(unit_ids: list[int]) -> dict[int, int]:
    """The number of personnel records working in each unit (registered with core's unit counters)."""
    return dict(Person.objects.filter(unit_id__in=unit_ids).values("unit_id").annotate(n=Count("pk"))
                .values_list("unit_id", "n"))


def unit_post_counts(unit_ids: list[int]) -> dict[int, int]:
    """The number of posts (chức danh) of each unit (registered with core's unit counters)."""
    return dict(Position.objects.filter(unit_id__in=unit_ids).values("unit_id").annotate(n=Count("pk"))
                .values_list("unit_id", "n"))


def unit_posts(*, user: User, unit: Unit) -> list[Position]:
    """The posts of one unit, most senior first, each with `holder_count` (people holding it now) and `vacancies`
    (its headcount less its holders), for those who
    manage them (`can_manage_posts`)."""
    if not can_manage_posts(user, unit.pk):
        raise PermissionDenied(_("Bạn không có quyền quản lý chức danh của đơn vị này."))
    posts: list[Position] = list(Position.objects.filter(unit=unit).annotate(holder_count=Count("holders"))
                                 .order_by("-level", "title"))
    for post in posts:
        post.vacancies = max(0, post.headcount - post.holder_count)  # type: ignore[attr-defined]
    return posts


def unit_post_get(*, user: User, pk: int) -> Position:
    """One post a manager of its unit's posts may edit; 404 otherwise (its existence not revealed)."""
    position = Position.objects.select_related("unit").filter(pk=pk).first()
    if position is None or not can_manage_posts(user, position.unit_id):
        raise Http404(_("Không tìm thấy chức danh hoặc chức danh ngoài phạm vi của bạn."))
    return position
