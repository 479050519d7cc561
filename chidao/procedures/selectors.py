"""Reads on procedures, decisions, counts and reviews. Every authenticated user reads the registry (it is
public information under Decree 63/2010); the queries run in a fixed number whatever the data size."""

import datetime as dt
from dataclasses import dataclass, field
from dataclasses import field as dataclass_field  # ProcedureFilters has a field called `field`
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.models import Unit, User
from chidao.core.reference import unit_subtree_ids
from chidao.core.text import fold, search_terms, vn_collation_key

from .models import (
    DecisionItem,
    ItemAction,
    Level,
    Procedure,
    Proposal,
    PublicationDecision,
    ReviewCampaign,
    ReviewFinding,
    ReviewGroup,
)
from .status import IN_FORCE, INTRODUCING, STATUS_LABELS, Status, derive_status, in_force_q, status_q

COUNT_KEYS = ("published", "amended", "replaced", "abolished")
_ACTION_OF = {"published": ItemAction.NEW, "amended": ItemAction.AMENDED, "replaced": ItemAction.REPLACED,
              "abolished": ItemAction.ABOLISHED}


@dataclass(frozen=True)
class ProcedureFilters:
    """The registry list's filter, defined once: the page's form (`ProcedureFilterForm.filters`) and the API's
    query (`api.procedures.ProcedureListFilters`, built from these fields) both produce it; `choices` metadata
    lists a field's values (in the OpenAPI schema too). "" means all."""

    q: str = ""
    level: str = dataclass_field(default="", metadata={"choices": Level})
    field: str = ""
    unit: int | None = None
    status: str = dataclass_field(default="", metadata={
        "choices": STATUS_LABELS,
        "description": "in_force, not_yet, abolished or replaced, on `status_on` (default today)"})
    status_on: dt.date | None = None


def _first(qs: QuerySet[DecisionItem]) -> Subquery:
    return Subquery(qs.order_by().values("procedure_id").annotate(first=Min("effective_on")).values("first")[:1])


def _with_dates(qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
    """Annotate the dates `status_of` needs (correlated subqueries: evaluated only for the rows fetched)."""
    pid = OuterRef("pk")
    return qs.annotate(
        introduced_on=_first(DecisionItem.objects.filter(procedure_id=pid, action__in=INTRODUCING)),
        first_amended_on=_first(DecisionItem.objects.filter(procedure_id=pid, action=ItemAction.AMENDED)),
        abolished_on=_first(DecisionItem.objects.filter(procedure_id=pid, action=ItemAction.ABOLISHED)),
        replaced_on=Subquery(
            DecisionItem.objects.filter(replaces_id=pid, action=ItemAction.REPLACED).order_by()
            .values("replaces_id").annotate(first=Min("effective_on")).values("first")[:1]),
    )


def status_of(procedure: Procedure, on: dt.date) -> str:
    """The status code of a procedure annotated by `_with_dates` (the same rules as `derive_status`)."""
    start = getattr(procedure, "introduced_on", None) or getattr(procedure, "first_amended_on", None)
    if start is None or on < start:
        return "not_yet"
    ends = [(d, code) for d, code in ((getattr(procedure, "abolished_on", None), "abolished"),
                                      (getattr(procedure, "replaced_on", None), "replaced")) if d and d <= on]
    return min(ends)[1] if ends else IN_FORCE


def procedure_list(*, user: User, filters: ProcedureFilters | None = None) -> QuerySet[Procedure]:
    """The registry, filtered, by code; each row annotated with the dates its status derives from.

    `q` matches every folded word in code and name (diacritics ignored); `unit` takes the unit's subtree;
    `status` (in_force, not_yet, abolished, replaced) applies on `status_on` (today by default).
    """
    filters = filters or ProcedureFilters()
    qs = Procedure.objects.select_related("unit")
    terms = search_terms(filters.q)
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.field:
        qs = qs.filter(field=filters.field)
    if filters.unit:
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit_id__in=unit_subtree_ids(unit)) if unit else qs.none()
    if filters.status:
        qs = qs.filter(status_q(filters.status, filters.status_on or timezone.localdate()))
    qs = _with_dates(qs)
    if terms and connection.vendor == "sqlite":
        # Filter first, then sort (SQLite would otherwise walk the code index testing every row).
        return qs.order_by(Concat("code", Value("")), "id")
    return qs.order_by("code", "id")


def procedure_fields() -> list[str]:
    """The fields (lĩnh vực) in use, for filters."""
    return list(Procedure.objects.order_by("field").values_list("field", flat=True).distinct())


def procedure_get(*, user: User, pk: int) -> Procedure:
    procedure = _with_dates(Procedure.objects.select_related("unit")).filter(pk=pk).first()
    if procedure is None:
        raise Http404(_("Không có thủ tục này."))
    return procedure


def _items_of(procedure: Procedure) -> QuerySet[DecisionItem]:
    return (DecisionItem.objects.filter(Q(procedure=procedure) | Q(replaces=procedure))
            .select_related("decision", "procedure", "replaces").order_by("effective_on", "id"))


def procedure_status(*, procedure: Procedure, on: dt.date) -> Status:
    """The status on a date and the item that decided it (see chidao.procedures.status)."""
    return derive_status(procedure.pk, list(_items_of(procedure)), on)


@dataclass
class History:
    items: list[DecisionItem]
    versions: list[Any]


def procedure_history(*, procedure: Procedure) -> History:
    """The decision items that name the procedure (in date order) and its earlier contents."""
    return History(items=list(_items_of(procedure)),
                   versions=list(procedure.versions.select_related("item__decision").order_by("number")))


def _item_count(action: str) -> Coalesce:
    return Coalesce(Subquery(
        DecisionItem.objects.filter(decision_id=OuterRef("pk"), action=action).order_by()
        .values("decision_id").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def decision_list(*, user: User, q: str = "", year: int | None = None) -> QuerySet[PublicationDecision]:
    """Decisions, newest first, each with its number of items per action (counted for the rows fetched)."""
    qs = PublicationDecision.objects.select_related("issuer")
    terms = search_terms(q)
    if terms:
        # Diacritics ignored on both sides; a city publishes a few hundred decisions, so they are folded here.
        texts = PublicationDecision.objects.values_list("pk", "number", "title")
        qs = qs.filter(pk__in=[pk for pk, number, title in texts if all(t in fold(f"{number} {title}") for t in terms)])
    if year:
        qs = qs.filter(effective_on__year=year)
    return qs.annotate(**{key: _item_count(action) for key, action in _ACTION_OF.items()}).order_by(
        "-effective_on", "-id")


def decision_get(*, user: User, pk: int) -> PublicationDecision:
    decision = PublicationDecision.objects.select_related("issuer", "created_by").filter(pk=pk).first()
    if decision is None:
        raise Http404(_("Không có quyết định này."))
    return decision


def decision_items(*, decision: PublicationDecision) -> QuerySet[DecisionItem]:
    return decision.items.select_related("procedure__unit", "replaces").order_by("id")


# --- Counts -------------------------------------------------------------------------------------------


def procedures_in_force(*, on: dt.date, unit: Unit | None = None, field: str | None = None) -> QuerySet[Procedure]:
    """Procedures in force on a date (one query with IN subqueries)."""
    return _scope(Procedure.objects.filter(in_force_q(on)), "", unit_subtree_ids(unit) if unit else None, field)


def _scope(qs: QuerySet[Any], prefix: str, subtree: set[int] | None, field: str | None) -> QuerySet[Any]:
    if subtree is not None:
        qs = qs.filter(**{f"{prefix}unit_id__in": subtree})
    if field:
        qs = qs.filter(**{f"{prefix}field": field})
    return qs


def _action_counts() -> dict[str, Count]:
    return {key: Count("pk", filter=Q(action=action)) for key, action in _ACTION_OF.items()}


def procedure_counts(
    *, start: dt.date, end: dt.date, unit: Unit | None = None, field: str | None = None
) -> dict[str, int]:
    """Counts for the period [start, end], by the items' effective dates, over the procedures whose
    implementing unit is in `unit`'s subtree and in `field`:

    published = items `new`; amended = items `amended`; replaced = items `replaced` (each brings in one
    procedure and ends another); abolished = items `abolished`; in_force = procedures in force on `end`.
    Two aggregate queries (plus the unit subtree), whatever the data size.
    """
    subtree = unit_subtree_ids(unit) if unit is not None else None
    items = _scope(DecisionItem.objects.filter(effective_on__gte=start, effective_on__lte=end), "procedure__",
                   subtree, field)
    counts = items.aggregate(**_action_counts())
    counts["in_force"] = _scope(Procedure.objects.filter(in_force_q(end)), "", subtree, field).count()
    return {key: counts[key] for key in (*COUNT_KEYS, "in_force")}


@dataclass
class CountRow:
    key: Any
    label: str
    counts: dict[str, int] = field(default_factory=dict)


def counts_table(*, start: dt.date, end: dt.date, unit: Unit | None = None, field: str | None = None
                 ) -> "CountsTable":
    """The counts page in two grouped queries (items by field and unit; procedures in force by field and
    unit) plus the unit subtree: the totals and the rows by implementing unit honour `field`; the rows by
    field show every field (within `unit`). Same definitions as `procedure_counts`."""
    subtree = unit_subtree_ids(unit) if unit is not None else None
    items = DecisionItem.objects.filter(effective_on__gte=start, effective_on__lte=end)
    in_force = Procedure.objects.filter(in_force_q(end))
    if subtree is not None:
        items = items.filter(procedure__unit_id__in=subtree)
        in_force = in_force.filter(unit_id__in=subtree)
    cells: dict[tuple[str, int], dict[str, int]] = {}
    names: dict[int, str] = {}

    def cell(f: str, u: int, name: str) -> dict[str, int]:
        names[u] = name
        return cells.setdefault((f, u), dict.fromkeys((*COUNT_KEYS, "in_force"), 0))

    for row in (items.values("procedure__field", "procedure__unit_id", "procedure__unit__name")
                .annotate(**_action_counts()).order_by()):
        cell(row["procedure__field"], row["procedure__unit_id"], row["procedure__unit__name"]).update(
            {k: row[k] for k in COUNT_KEYS})
    for row in in_force.values("field", "unit_id", "unit__name").annotate(n=Count("pk")).order_by():
        cell(row["field"], row["unit_id"], row["unit__name"])["in_force"] = row["n"]
    by_field: dict[str, CountRow] = {}
    by_unit: dict[int, CountRow] = {}
    total = dict.fromkeys((*COUNT_KEYS, "in_force"), 0)
    for (f, u), counts in cells.items():
        target = by_field.setdefault(f, CountRow(f, f, dict.fromkeys(total, 0)))
        for k, v in counts.items():
            target.counts[k] += v
        if field and f != field:
            continue
        target = by_unit.setdefault(u, CountRow(u, names[u], dict.fromkeys(total, 0)))
        for k, v in counts.items():
            target.counts[k] += v
            total[k] += v
    return CountsTable(total=total, by_field=sorted(by_field.values(), key=lambda r: vn_collation_key(str(r.label))),
                       by_unit=sorted(by_unit.values(), key=lambda r: vn_collation_key(str(r.label))))


@dataclass
class CountsTable:
    total: dict[str, int]
    by_field: list[CountRow]
    by_unit: list[CountRow]


def counts_by_field(*, start: dt.date, end: dt.date, unit: Unit | None = None) -> list[CountRow]:
    """The counts of `procedure_counts` per field."""
    return counts_table(start=start, end=end, unit=unit).by_field


def counts_by_unit(*, start: dt.date, end: dt.date, unit: Unit | None = None, field: str | None = None
                   ) -> list[CountRow]:
    """The counts of `procedure_counts` per implementing unit."""
    return counts_table(start=start, end=end, unit=unit, field=field).by_unit


def count_units() -> QuerySet[Unit]:
    """Units offered by the counts filter: those implementing a procedure and the units above them."""
    return Unit.objects.filter(Q(procedures__isnull=False) | Q(kind__in=["locality", "peoples_committee"])
                               ).distinct().order_by("name")


# --- Reviews ------------------------------------------------------------------------------------------


def campaign_list(*, user: User) -> QuerySet[ReviewCampaign]:
    return ReviewCampaign.objects.select_related("lead_unit").annotate(
        n_groups=Count("groups", distinct=True), n_findings=Count("groups__findings", distinct=True),
    ).order_by("-year", "name")


def campaign_get(*, user: User, pk: int) -> ReviewCampaign:
    campaign = ReviewCampaign.objects.select_related("lead_unit").filter(pk=pk).first()
    if campaign is None:
        raise Http404(_("Không có đợt rà soát này."))
    return campaign


def campaign_groups(*, campaign: ReviewCampaign) -> list[dict[str, Any]]:
    """Each group with its number of procedures, of findings per proposal and of proposals carried out."""
    groups = ReviewGroup.objects.filter(campaign=campaign).annotate(
        n_procedures=Count("procedures", distinct=True),
    ).order_by("id")
    findings = (ReviewFinding.objects.filter(group__campaign=campaign).values("group_id")
                .annotate(done=Count("pk", filter=Q(outcome__isnull=False)),
                          **{p.value: Count("pk", filter=Q(proposal=p.value)) for p in Proposal})
                .order_by())
    by_group = {r["group_id"]: r for r in findings}
    out = []
    for g in groups:
        row = by_group.get(g.pk, {})
        out.append({"group": g, "procedures": g.n_procedures, "done": row.get("done", 0),
                    "proposals": [(p.label, row.get(p.value, 0)) for p in Proposal]})
    return out


def campaign_findings(*, campaign: ReviewCampaign, group: int | None = None, proposal: str = "",
                      ) -> QuerySet[ReviewFinding]:
    qs = ReviewFinding.objects.filter(group__campaign=campaign).select_related(
        "group", "procedure", "outcome__decision")
    if group:
        qs = qs.filter(group_id=group)
    if proposal:
        qs = qs.filter(proposal=proposal)
    return qs.order_by("group_id", "procedure__code")


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


# --- Lookups for the pages and the API ---------------------------------------------------------------------


def procedures_by_code(*, codes: set[str]) -> dict[str, Procedure]:
    """Procedures with these codes, by code (a decision's items name them)."""
    return {p.code: p for p in Procedure.objects.filter(code__in=codes)}


def procedures_by_pk(*, pks: set[int]) -> list[Procedure]:
    """Procedures with these ids (a review group's list)."""
    return list(Procedure.objects.filter(pk__in=pks))


def procedure_find(*, pk: int) -> Procedure | None:
    """The procedure with this id, or None."""
    return Procedure.objects.filter(pk=pk).first()


def decision_item_find(*, pk: int) -> DecisionItem | None:
    """A decision item with its decision, or None (the outcome of a review finding)."""
    return DecisionItem.objects.select_related("decision").filter(pk=pk).first()


def campaign_finding_count(*, campaign: ReviewCampaign) -> int:
    return ReviewFinding.objects.filter(group__campaign=campaign).count()


def campaign_group_find(*, campaign: ReviewCampaign, pk: int) -> ReviewGroup | None:
    """A group of this campaign, or None."""
    return ReviewGroup.objects.filter(campaign=campaign, pk=pk).first()


def campaign_finding_get(*, campaign: ReviewCampaign, pk: int) -> ReviewFinding:
    """One finding of the campaign as `campaign_findings` shows it."""
    return campaign_findings(campaign=campaign).get(pk=pk)


def review_finding_get(*, pk: int) -> ReviewFinding:
    """A review finding with its procedure and campaign; 404 when there is none."""
    finding = ReviewFinding.objects.select_related("procedure", "group__campaign").filter(pk=pk).first()
    if finding is None:
        raise Http404(_("Không có kết quả rà soát này."))
    return finding
