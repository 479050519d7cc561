"""Reads on the core records: the unit tree and the change log (audit trail)."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .errors import PermissionDenied, ValidationError
from .models import ApiToken, ChangeRecord, Notification, Unit, UnitKind, User
from .notifications import notification_list
from .permissions import can_read_change_log
from .text import fold, search_terms, vn_collation_key
from .tokens import api_token_list

# --- Units --------------------------------------------------------------------------------------------


@dataclass
class UnitFilters:
    """The unit tree's filter, defined once (the API's `UnitFilters` query is built from it); `kind` takes
    the values of its `choices` metadata, listed in the OpenAPI schema. "" means all."""

    q: str = ""
    kind: str = field(default="", metadata={"choices": UnitKind})
    parent: int | None = None
    on: dt.date | None = None


def unit_tree(*, user: User, filters: UnitFilters) -> list[Unit]:
    """Units in tree order: each unit followed by its sub-units, siblings in Vietnamese alphabetical
    order, each with its `depth` (0 for a root). Every signed-in user reads the tree (it is reference
    data). `on` keeps the units in force that day (a unit whose parent is not becomes a root); `q`
    matches name, short name or code word by word, ignoring diacritics; `parent` keeps its direct
    sub-units."""
    if not user.is_authenticated or not user.is_active:
        return []
    units = list(Unit.objects.current(filters.on) if filters.on else Unit.objects.all())
    ids = {u.pk for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: (vn_collation_key(u.name), u.pk))
    ordered: list[Unit] = []
    seen: set[int] = set()
    stack = [(u, 0) for u in reversed(children[None])]
    while stack:
        unit, depth = stack.pop()
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        unit.depth = depth  # type: ignore[attr-defined]
        ordered.append(unit)
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    terms = search_terms(filters.q)
    return [
        u for u in ordered
        if (not filters.kind or u.kind == filters.kind)
        and (filters.parent is None or u.parent_id == filters.parent)
        and all(t in fold(f"{u.name} {u.short_name} {u.code}") for t in terms)
    ]


def unit_get(*, user: User, pk: int) -> Unit:
    """One unit with its parent, sub-units and merge lineage; 404 when there is none (or no user)."""
    unit = None
    if user.is_authenticated and user.is_active:
        unit = (
            Unit.objects.select_related("parent").prefetch_related("children", "successors", "predecessors")
            .filter(pk=pk).first()
        )
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    return unit


# Counters of what an app keeps per unit (personnel: people and posts), registered in the app's `ready` with
# `unit_counter_register`: name -> (label, function of unit ids returning {unit id: count}, URL name of the
# app's page for one unit, taking `unit_id`, or ""). Core shows them on the unit pages without knowing the app.
UnitCounter = Callable[[list[int]], dict[int, int]]
UNIT_COUNTERS: dict[str, tuple[Any, UnitCounter, str]] = {}


def unit_counter_register(name: str, label: Any, counter: UnitCounter, url_name: str = "") -> None:
    UNIT_COUNTERS[name] = (label, counter, url_name)


def unit_counts(unit_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """For each unit, counted from the records: its sub-units, active accounts, and each registered counter."""
    ids = list(unit_ids)
    out: dict[int, dict[str, int]] = {pk: {"children": 0, "users": 0, **dict.fromkeys(UNIT_COUNTERS, 0)}
                                      for pk in ids}
    for row in Unit.objects.filter(parent_id__in=ids).values("parent_id").annotate(n=Count("pk")):
        out[row["parent_id"]]["children"] = row["n"]
    for row in User.objects.filter(unit_id__in=ids, is_active=True).values("unit_id").annotate(n=Count("pk")):
        out[row["unit_id"]]["users"] = row["n"]
    for name, (_label, counter, _url) in UNIT_COUNTERS.items():
        for pk, n in counter(ids).items():
            if pk in out:
                out[pk][name] = n
    return out


def unit_counter_labels() -> list[tuple[str, str, str]]:
    """(name, label in the request's language, URL name or "") of the counts `unit_counts` gives."""
    return [("children", _("Đơn vị trực thuộc"), ""), ("users", _("Tài khoản"), ""),
            *[(name, str(label), url) for name, (label, _counter, url) in UNIT_COUNTERS.items()]]


# --- Change log ---------------------------------------------------------------------------------------


OBJECT_TYPE = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


@dataclass
class ChangeRecordFilters:
    """The change log's filter, defined once (the page's form and the API's query give it); `who` matches the actor's
    user name or full name word by word, ignoring diacritics."""

    object_type: str = ""
    object_id: str = ""
    actor: int | None = None
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    who: str = ""


def user_ids_matching(q: str) -> list[int]:
    """The ids of the accounts whose user name or full name holds every word of `q` (diacritics ignored)."""
    terms = search_terms(q)
    return [pk for pk, username, full_name in User.objects.values_list("pk", "username", "full_name")
            if all(t in fold(f"{username} {full_name}") for t in terms)]


# Maskers of recorded values: an app whose records hold fields some log readers may not see registers, for its
# content type, a function that returns the values as `reader` may see them (personnel masks the sensitive fields
# of a person for everyone but administrators; see PersonnelConfig.ready). Core knows no app: it applies them.
ValuesMasker = Callable[[dict[str, Any], User], dict[str, Any]]
CHANGE_MASKERS: dict[tuple[str, str], ValuesMasker] = {}
# Maskers of whole records: they see each record of their content type on the page being read (object id,
# object_repr, before/after, reason), all at once so they look up what they need in one query, and change them in
# place (personnel blanks the person and the values for readers outside the person's scope, and writes the read
# to its access log). They run before the values maskers.
RecordMasker = Callable[[list[ChangeRecord], User], None]
RECORD_MASKERS: dict[tuple[str, str], RecordMasker] = {}


def change_masker_register(app_label: str, model: str, masker: ValuesMasker) -> None:
    """Mask the `before`/`after` values of the change records of `app_label.model` with `masker(values, reader)`
    whenever the change log is read (`change_record_list`)."""
    CHANGE_MASKERS[(app_label, model)] = masker


def change_record_masker_register(app_label: str, model: str, masker: RecordMasker) -> None:
    """Let `masker(records, reader)` change, in place, the change records of `app_label.model` read from the change
    log (every page `change_record_list` or `change_records_mask` hands out)."""
    RECORD_MASKERS[(app_label, model)] = masker


def change_records_mask(records: Iterable[ChangeRecord], *, reader: User) -> list[ChangeRecord]:
    """The records as `reader` may see them (the registered record maskers, then the values maskers, applied in
    place)."""
    page = list(records)
    by_type: dict[tuple[str, str], list[ChangeRecord]] = defaultdict(list)
    for record in page:
        by_type[record.content_type.natural_key()].append(record)
    for key, group in by_type.items():
        if key in RECORD_MASKERS:
            RECORD_MASKERS[key](group, reader)
    for record in page:
        masker = CHANGE_MASKERS.get(record.content_type.natural_key())
        if masker is None:
            continue
        record.before = masker(record.before, reader) if isinstance(record.before, dict) else record.before
        record.after = masker(record.after, reader) if isinstance(record.after, dict) else record.after
    return page


class ChangeLog:
    """The change log as one reader may see it: counted in the database, read a page (a slice) at a time, each
    page masked by `change_records_mask`. Paginators (the API's) take it as they take a queryset."""

    def __init__(self, records: QuerySet[ChangeRecord], *, reader: User) -> None:
        self.records, self.reader = records, reader

    def all(self) -> "ChangeLog":
        return self

    def filter(self, *args: Any, **kwargs: Any) -> "ChangeLog":
        """The log narrowed (a keyset page's condition, core.keyset)."""
        return ChangeLog(self.records.filter(*args, **kwargs), reader=self.reader)

    def order_by(self, *fields: str) -> "ChangeLog":
        return ChangeLog(self.records.order_by(*fields), reader=self.reader)

    def count(self) -> int:
        return self.records.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ChangeRecord]:
        if not isinstance(index, slice):
            raise TypeError("the change log is read a page (a slice) at a time")
        return change_records_mask(self.records[index], reader=self.reader)

    def __iter__(self) -> Iterator[ChangeRecord]:
        return iter(change_records_mask(self.records, reader=self.reader))


def change_record_list(*, user: User, filters: ChangeRecordFilters) -> ChangeLog:
    """The change log, newest first, filtered by object type ("programs.deliverable") and id, actor,
    action and a range of local dates (both ends included); administrators and auditors only. What the reader may
    not see is masked by the maskers the apps registered (e.g. a person's sensitive fields; the person and the values
    of an entry about someone outside the reader's personnel scope, each read written to the access log)."""
    if not can_read_change_log(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và cán bộ kiểm tra, giám sát được xem nhật ký thay đổi."))
    records = ChangeRecord.objects.select_related("actor", "content_type").order_by("-at", "-id")
    if filters.object_type:
        if not OBJECT_TYPE.match(filters.object_type):
            raise ValidationError({"object_type": _(
                "Loại đối tượng phải có dạng <ứng dụng>.<mô hình>, ví dụ programs.deliverable.")})
        app_label, model = filters.object_type.split(".")
        records = records.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object_id:
        records = records.filter(object_id=filters.object_id)
    if filters.actor is not None:
        records = records.filter(actor_id=filters.actor)
    if search_terms(filters.who):
        records = records.filter(actor_id__in=user_ids_matching(filters.who))
    if filters.action:
        records = records.filter(action=filters.action)
    if filters.since is not None:
        records = records.filter(at__date__gte=filters.since)
    if filters.until is not None:
        records = records.filter(at__date__lte=filters.until)
    return ChangeLog(records, reader=user)


def change_log_object_types() -> list[tuple[str, str]]:
    """("app.model", the model's Vietnamese name) of every kind of record the change log holds, in Vietnamese
    alphabetical order of the names (the choices of the page's filter)."""
    used = ChangeRecord.objects.order_by().values_list("content_type", flat=True).distinct()
    types = []
    for ct in ContentType.objects.filter(pk__in=used):
        model = ct.model_class()
        name = str(model._meta.verbose_name) if model is not None else ct.model
        types.append((f"{ct.app_label}.{ct.model}", name[:1].upper() + name[1:]))
    return sorted(types, key=lambda item: (vn_collation_key(item[1]), item[0]))


# --- Lookups by id for the pages and the API ---------------------------------------------------------------


def unit_find(*, pk: int) -> Unit | None:
    """Any unit with this id (in force or not), or None."""
    return Unit.objects.filter(pk=pk).first()


def unit_in_force_find(*, pk: int) -> Unit | None:
    """A unit in force today with this id, or None."""
    return Unit.objects.current().filter(pk=pk).first()


def units_in_force_by_pk(*, pks: list[int]) -> dict[int, Unit]:
    """Units in force today among these ids, by id."""
    return {u.pk: u for u in Unit.objects.current().filter(pk__in=pks)}


def unit_names(*, pks: Iterable[int]) -> dict[int, str]:
    """The names of these units (in force or not), by id; one query, none for no id."""
    wanted = set(pks)
    return dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}


def user_find(*, pk: int) -> User | None:
    """The account with this id, or None."""
    return User.objects.filter(pk=pk).first()


def notification_list_filtered(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications (`notification_list`); `unread` keeps the unread (True) or read ones."""
    items = notification_list(user=user)
    return items if unread is None else items.filter(read_at__isnull=unread)


def api_token_list_filtered(*, user: User, active: bool | None = None) -> QuerySet[ApiToken]:
    """The user's own API tokens (`api_token_list`); `active` keeps the unrevoked (True) or revoked ones."""
    items = api_token_list(user=user)
    return items if active is None else items.filter(revoked_at__isnull=active)
