"""API: administrative procedures registry, publication decisions, reviews and processing figures.

Every signed-in user reads (as on the pages); the reform office and administrators write
(`procedures.services.can_edit`), through the same services: a refused write changes nothing."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.models import Unit
from chidao.procedures import excel, figures, services
from chidao.procedures import selectors as procedure_selectors
from chidao.procedures.figures_views import FiguresImportForm, XlsxUploadForm
from chidao.procedures.models import (
    DecisionItem,
    ItemAction,
    Level,
    Procedure,
    Proposal,
    ReviewFinding,
    ReviewGroup,
)
from chidao.procedures.status import STATUS_LABELS
from chidao.reports.periods import period_parse

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .imports import IMPORT_ERRORS, ImportOut, import_out, import_refused
from .inputs import XLSX, Id, In, binary, choice_check, file_response, units_in_force

router = Router(tags=["procedures"])


def _require_edit(request: AuthedRequest) -> None:
    """The pages' own check, made before the input is looked at (the services check again)."""
    if not services.can_edit(request.user):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính cập nhật thủ tục hành chính."))


def _require_import(request: AuthedRequest) -> None:
    """The import pages' own check, made before a file is even read."""
    if not services.can_edit(request.user):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính nhập dữ liệu thủ tục hành chính."))


# --- Administrative procedures (every authenticated user reads; counts as the registry's pages) ----------


class ProcedureOut(Schema):
    id: int
    code: str
    name: str
    level: str
    field: str
    unit_id: int
    unit: str
    status: str

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return obj["unit"] if isinstance(obj, dict) else obj.unit.name

    @staticmethod
    def resolve_status(obj: Any, context: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["status"])
        request = (context or {}).get("request")
        on = getattr(request, "procedures_status_on", None) or timezone.localdate()
        return procedure_selectors.status_of(obj, on)


class ProcedureItemOut(Schema):
    decision_id: int
    decision: str
    effective_on: dt.date
    action: str
    procedure_code: str
    replaces_code: str | None


class ProcedureDetailOut(ProcedureOut):
    steps: str
    method: str
    dossier: str
    copies: int | None
    time_limit_days: int | None
    filers: str
    deciding_agency: str
    forms: str
    result: str
    conditions: str
    fees: str
    legal_basis: str
    status_on: dt.date
    status_decision: str | None
    items: list[ProcedureItemOut]


class ProcedureCountsOut(Schema):
    year: int
    unit: int | None
    start: dt.date
    end: dt.date
    published: int
    amended: int
    replaced: int
    abolished: int
    in_force: int


class ProcedureListFilters(In):
    q: str = ""
    level: str = ""
    field: str = ""
    unit: Id | None = None
    status: str = Field("", description="in_force, not_yet, abolished or replaced, on `status_on` (default today)")
    status_on: dt.date | None = None


class ProcedureContentIn(In):
    steps: str = ""
    method: str = ""
    dossier: str = ""
    copies: int | None = Field(None, ge=0, le=32767)
    time_limit_days: int | None = Field(None, ge=0, le=32767)
    filers: str = ""
    deciding_agency: str = Field("", max_length=300)
    forms: str = ""
    result: str = ""
    conditions: str = ""
    fees: str = ""
    legal_basis: str = ""


class ProcedureCreateIn(ProcedureContentIn):
    code: str = Field(max_length=32)
    name: str
    level: str
    field: str = Field(max_length=200)
    unit_id: int


class ProcedureUpdateIn(ProcedureContentIn):
    """Only the fields sent change; the code never changes (decisions refer to it)."""

    name: str = ""
    level: str = ""
    field: str = Field("", max_length=200)
    unit_id: int = 0
    reason: str = ""


@router.get("/procedures/counts", response={200: ProcedureCountsOut, **READ_ERRORS})
def procedure_counts(request: AuthedRequest, year: str = "", unit: str = "") -> Any:
    """Items of the decisions effective in the year (01/01-31/12): published (new), amended, replaced and
    abolished; in_force: procedures in force on 31/12. `unit` takes the implementing unit's subtree."""
    if not (year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2100):
        raise ValidationError({"year": _("Tham số year phải là năm có 4 chữ số, ví dụ year=2021 (nhận được “%(v)s”).")
                               % {"v": year}})
    scope = None
    if unit:
        scope = Unit.objects.filter(pk=int(unit)).first() if unit.isdigit() else None
        if scope is None:
            raise ValidationError({"unit": _("Không có đơn vị id=%(v)s.") % {"v": unit}})
    start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    counts = procedure_selectors.procedure_counts(start=start, end=end, unit=scope)
    return {"year": int(year), "unit": scope.pk if scope else None, "start": start, "end": end, **counts}


@router.get("/procedures", response={200: list[ProcedureOut], **READ_ERRORS})
@paginate(Pager)
def procedure_list(request: AuthedRequest, filters: Query[ProcedureListFilters]) -> Any:
    """The registry by code; `q` matches code and name, diacritics ignored; `unit` takes the unit's subtree;
    `status` of each row is the one on `status_on` (today by default), as the page shows."""
    if filters.level:
        choice_check("level", filters.level, Level.values)
    if filters.status:
        choice_check("status", filters.status, list(STATUS_LABELS))
    request.procedures_status_on = filters.status_on  # type: ignore[attr-defined]
    return procedure_selectors.procedure_list(user=request.user, filters=procedure_selectors.ProcedureFilters(
        **filters.dict()))


def _procedure_detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    procedure = procedure_selectors.procedure_get(user=request.user, pk=pk)
    today = timezone.localdate()
    status = procedure_selectors.procedure_status(procedure=procedure, on=today)
    history = procedure_selectors.procedure_history(procedure=procedure)
    return {
        **ProcedureOut.model_validate(procedure).model_dump(),
        **{name: getattr(procedure, name) for name in (
            "steps", "method", "dossier", "copies", "time_limit_days", "filers", "deciding_agency", "forms",
            "result", "conditions", "fees", "legal_basis")},
        "status": status.code, "status_on": today,
        "status_decision": status.item.decision.number if status.item else None,  # type: ignore[attr-defined]
        "items": [{"decision_id": i.decision_id, "decision": i.decision.number, "effective_on": i.effective_on,
                   "action": i.action, "procedure_code": i.procedure.code,
                   "replaces_code": i.replaces.code if i.replaces else None} for i in history.items],
    }


@router.post("/procedures", response={201: ProcedureDetailOut, **WRITE_ERRORS})
def procedure_create(request: AuthedRequest, payload: ProcedureCreateIn) -> Any:
    """Add a procedure to the registry (reform office, administrators); it is in force only once a
    publication decision brings it in."""
    _require_edit(request)
    data = payload.dict()
    choice_check("level", data["level"], Level.values)
    data["unit"] = units_in_force("unit_id", [data.pop("unit_id")])[0]
    procedure = services.procedure_create(actor=request.user, **data)
    return HttpStatus(201, _procedure_detail(request, procedure.pk))


@router.get("/procedures/export.xlsx", response=READ_ERRORS,
            openapi_extra=binary("The registry and its decisions as Excel", XLSX))
def registry_export(request: AuthedRequest) -> Any:
    """The whole registry (procedures and decision items) as the page's Excel export."""
    return file_response(excel.registry_export(user=request.user),
                         f"thu-tuc-hanh-chinh-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@router.get("/procedures/import-template.xlsx", response=READ_ERRORS,
            openapi_extra=binary("The import template", XLSX))
def registry_template(request: AuthedRequest) -> Any:
    """The empty two-sheet workbook the registry import reads (procedures, decisions)."""
    return file_response(excel.registry_template(), "mau-nhap-thu-tuc-hanh-chinh.xlsx", XLSX)


def _form_errors(form: Any) -> ValidationError:
    return ValidationError({name: [str(m) for m in messages] for name, messages in form.errors.items()})


@router.post("/procedures/import", response={200: ImportOut, **WRITE_ERRORS, **IMPORT_ERRORS})
def registry_import(request: AuthedRequest, file: File[UploadedFile], dry_run: Form[bool] = False) -> Any:
    """Import the two-sheet workbook (reform office, administrators), all or nothing: any wrong row answers 422
    with every error (sheet, row, column) and nothing is written; `dry_run` only checks. Counts: procedures,
    decisions, items."""
    _require_import(request)
    form = XlsxUploadForm({"dry_run": dry_run}, MultiValueDict({"file": [file]}))
    if not form.is_valid():
        raise _form_errors(form)
    result = excel.registry_import(actor=request.user, file=form.cleaned_data["file"], dry_run=dry_run)
    return import_out(result) if result.ok else import_refused(result)


# --- Publication decisions ------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    number: str
    title: str
    signed_on: dt.date
    effective_on: dt.date
    issuer_id: int
    issuer: str
    file: str | None
    published: int
    amended: int
    replaced: int
    abolished: int

    @staticmethod
    def resolve_issuer(obj: Any) -> str:
        return obj["issuer"] if isinstance(obj, dict) else obj.issuer.name

    @staticmethod
    def resolve_file(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["file"]  # type: ignore[no-any-return]
        return obj.file.url if obj.file else None


class DecisionItemOut(Schema):
    id: int
    procedure_id: int
    procedure_code: str
    procedure_name: str
    unit: str
    action: str
    replaces_id: int | None
    replaces_code: str | None


class DecisionDetailOut(DecisionOut):
    items: list[DecisionItemOut]


class DecisionFilters(In):
    q: str = ""
    year: int | None = Field(None, ge=1900, le=2100)


class DecisionItemIn(In):
    code: str = Field(max_length=32, description="the procedure's code")
    action: str = Field(description="new, amended, replaced or abolished")
    replaces: str | None = Field(None, max_length=32, description="for `replaced`: the code of the procedure replaced")


class DecisionIn(In):
    number: str = Field(max_length=64)
    title: str = ""
    signed_on: dt.date
    effective_on: dt.date
    issuer_id: Id
    items: list[DecisionItemIn] = Field(max_length=settings.CHIDAO_IMPORT_MAX_ROWS)


def _decision_detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    decision = procedure_selectors.decision_get(user=request.user, pk=pk)
    items = list(procedure_selectors.decision_items(decision=decision))
    counts = {key: sum(1 for i in items if i.action == action) for key, action in (
        ("published", ItemAction.NEW), ("amended", ItemAction.AMENDED), ("replaced", ItemAction.REPLACED),
        ("abolished", ItemAction.ABOLISHED))}
    return {
        **{name: getattr(decision, name) for name in ("id", "number", "title", "signed_on", "effective_on",
                                                      "issuer_id")},
        "issuer": decision.issuer.name, "file": decision.file.url if decision.file else None, **counts,
        "items": [{"id": i.pk, "procedure_id": i.procedure_id, "procedure_code": i.procedure.code,
                   "procedure_name": i.procedure.name, "unit": i.procedure.unit.name, "action": i.action,
                   "replaces_id": i.replaces_id, "replaces_code": i.replaces.code if i.replaces else None}
                  for i in items],
    }


@router.get("/procedures/decisions", response={200: list[DecisionOut], **READ_ERRORS})
@paginate(Pager)
def decision_list(request: AuthedRequest, filters: Query[DecisionFilters]) -> Any:
    """Publication decisions, newest first, with their number of items per action; `q` matches number and
    title, `year` the effective date's year."""
    return procedure_selectors.decision_list(user=request.user, q=filters.q, year=filters.year)


@router.get("/procedures/decisions/{decision_id}", response={200: DecisionDetailOut, **READ_ERRORS})
def decision_detail(request: AuthedRequest, decision_id: int) -> Any:
    """One decision with its items (procedure, action, and the procedure a `replaced` item replaces)."""
    return _decision_detail(request, decision_id)


@router.post("/procedures/decisions", response={201: DecisionDetailOut, **WRITE_ERRORS})
def decision_create(request: AuthedRequest, payload: DecisionIn) -> Any:
    """Record a publication decision and its items, all or nothing (reform office, administrators): a wrong
    item answers 422 under `items`, each message naming the item ("Mục n (code): ...")."""
    _require_edit(request)
    errors: dict[str, list[str]] = {}
    issuer = Unit.objects.current().filter(pk=payload.issuer_id).first()
    if issuer is None:
        errors["issuer_id"] = [_("Không có đơn vị id=%(v)s.") % {"v": payload.issuer_id}]
    codes = {i.code.strip() for i in payload.items} | {i.replaces.strip() for i in payload.items if i.replaces}
    by_code = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    lines: list[tuple[Procedure, str, Procedure | None]] = []
    for n, item in enumerate(payload.items, start=1):
        code, replaces = item.code.strip(), (item.replaces or "").strip()
        label = _("Mục %(n)s (%(code)s)") % {"n": n, "code": code}
        problem = ""
        if code not in by_code:
            problem = _("không có thủ tục mã %(code)s.") % {"code": code}
        elif replaces and replaces not in by_code:
            problem = _("không có thủ tục mã %(code)s.") % {"code": replaces}
        elif item.action not in ItemAction.values:
            problem = _("Giá trị “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {
                "value": item.action, "allowed": ", ".join(ItemAction.values)}
        if problem:
            errors.setdefault("items", []).append(f"{label}: {problem}")
        else:
            lines.append((by_code[code], item.action, by_code[replaces] if replaces else None))
    if errors:
        raise ValidationError(errors)
    assert issuer is not None
    decision = services.decision_create(actor=request.user, number=payload.number, title=payload.title,
                                        signed_on=payload.signed_on, effective_on=payload.effective_on,
                                        issuer=issuer, items=lines)
    return HttpStatus(201, _decision_detail(request, decision.pk))


# --- Reviews --------------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    year: int
    lead_unit_id: int
    lead_unit: str
    groups: int
    findings: int

    @staticmethod
    def resolve_lead_unit(obj: Any) -> str:
        return obj["lead_unit"] if isinstance(obj, dict) else obj.lead_unit.name

    @staticmethod
    def resolve_groups(obj: Any) -> int:
        return obj["groups"] if isinstance(obj, dict) else obj.n_groups  # type: ignore[no-any-return]

    @staticmethod
    def resolve_findings(obj: Any) -> int:
        return obj["findings"] if isinstance(obj, dict) else obj.n_findings  # type: ignore[no-any-return]


class ProposalCountsOut(Schema):
    keep: int
    simplify: int
    replace: int
    abolish: int


class GroupOut(Schema):
    id: int
    name: str
    procedures: int
    done: int
    proposals: ProposalCountsOut


class CampaignDetailOut(CampaignOut):
    group_list: list[GroupOut]


class FindingOut(Schema):
    id: int
    group_id: int
    group: str
    procedure_id: int
    procedure_code: str
    finding: str
    proposal: str
    outcome_id: int | None
    outcome_decision: str | None
    outcome_action: str | None
    outcome_effective_on: dt.date | None

    @staticmethod
    def resolve_group(obj: ReviewFinding) -> str:
        return obj.group.name

    @staticmethod
    def resolve_procedure_code(obj: ReviewFinding) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_outcome_decision(obj: ReviewFinding) -> str | None:
        return obj.outcome.decision.number if obj.outcome else None

    @staticmethod
    def resolve_outcome_action(obj: ReviewFinding) -> str | None:
        return obj.outcome.action if obj.outcome else None

    @staticmethod
    def resolve_outcome_effective_on(obj: ReviewFinding) -> dt.date | None:
        return obj.outcome.effective_on if obj.outcome else None


class FindingFilters(In):
    group: int | None = None
    proposal: str = ""


class CampaignIn(In):
    name: str = Field(max_length=300)
    year: int = Field(ge=1900, le=2100)
    lead_unit_id: Id


class GroupIn(In):
    name: str = Field(max_length=300)
    procedure_ids: list[Id] = Field(default_factory=list, max_length=settings.CHIDAO_IMPORT_MAX_ROWS)


class FindingIn(In):
    group_id: Id
    procedure_id: Id
    finding: str
    proposal: str = Field(description="keep, simplify, replace or abolish")
    outcome_id: Id | None = Field(None, description="the decision item that carried the proposal out")


class OutcomeIn(In):
    outcome_id: int


def _campaign_detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    campaign = procedure_selectors.campaign_get(user=request.user, pk=pk)
    groups = procedure_selectors.campaign_groups(campaign=campaign)
    return {
        "id": campaign.pk, "name": campaign.name, "year": campaign.year, "lead_unit_id": campaign.lead_unit_id,
        "lead_unit": campaign.lead_unit.name, "groups": len(groups),
        "findings": ReviewFinding.objects.filter(group__campaign=campaign).count(),
        "group_list": [{"id": g["group"].pk, "name": g["group"].name, "procedures": g["procedures"],
                        "done": g["done"],
                        "proposals": dict(zip(Proposal.values, (n for _label, n in g["proposals"]), strict=True))}
                       for g in groups],
    }


def _procedure(field: str, pk: int) -> Procedure:
    procedure = Procedure.objects.filter(pk=pk).first()
    if procedure is None:
        raise ValidationError({field: _("Không có thủ tục id=%(v)s.") % {"v": pk}})
    return procedure


def _outcome(pk: int) -> DecisionItem:
    item = DecisionItem.objects.select_related("decision").filter(pk=pk).first()
    if item is None:
        raise ValidationError({"outcome_id": _("Không có mục quyết định id=%(v)s.") % {"v": pk}})
    return item


@router.get("/procedures/reviews", response={200: list[CampaignOut], **READ_ERRORS})
@paginate(Pager)
def campaign_list(request: AuthedRequest) -> Any:
    """Review campaigns, newest year first, with their number of groups and findings."""
    return procedure_selectors.campaign_list(user=request.user)


@router.get("/procedures/reviews/{campaign_id}", response={200: CampaignDetailOut, **READ_ERRORS})
def campaign_detail(request: AuthedRequest, campaign_id: int) -> Any:
    """One campaign with each group's procedures, findings per proposal and proposals carried out."""
    return _campaign_detail(request, campaign_id)


@router.get("/procedures/reviews/{campaign_id}/findings", response={200: list[FindingOut], **READ_ERRORS})
@paginate(Pager)
def campaign_findings(request: AuthedRequest, campaign_id: int, filters: Query[FindingFilters]) -> Any:
    """A campaign's findings by group and code; `group` and `proposal` narrow them."""
    campaign = procedure_selectors.campaign_get(user=request.user, pk=campaign_id)
    if filters.proposal:
        choice_check("proposal", filters.proposal, Proposal.values)
    return procedure_selectors.campaign_findings(campaign=campaign, group=filters.group, proposal=filters.proposal)


@router.post("/procedures/reviews", response={201: CampaignDetailOut, **WRITE_ERRORS})
def campaign_create(request: AuthedRequest, payload: CampaignIn) -> Any:
    """Open a review campaign (reform office, administrators)."""
    _require_edit(request)
    lead_unit = units_in_force("lead_unit_id", [payload.lead_unit_id])[0]
    campaign = services.review_campaign_create(actor=request.user, name=payload.name, year=payload.year,
                                               lead_unit=lead_unit)
    return HttpStatus(201, _campaign_detail(request, campaign.pk))


@router.post("/procedures/reviews/{campaign_id}/groups", response={201: CampaignDetailOut, **WRITE_ERRORS})
def campaign_group_add(request: AuthedRequest, campaign_id: int, payload: GroupIn) -> Any:
    """Add a group of procedures to review to a campaign (reform office, administrators)."""
    _require_edit(request)
    campaign = procedure_selectors.campaign_get(user=request.user, pk=campaign_id)
    wanted = set(payload.procedure_ids)
    procedures = list(Procedure.objects.filter(pk__in=wanted))
    missing = sorted(wanted - {p.pk for p in procedures})
    if missing:
        raise ValidationError({"procedure_ids": _("Không có thủ tục id=%(v)s.") % {
            "v": ", ".join(str(m) for m in missing)}})
    services.review_group_add(actor=request.user, campaign=campaign, name=payload.name, procedures=procedures)
    return HttpStatus(201, _campaign_detail(request, campaign.pk))


@router.post("/procedures/reviews/{campaign_id}/findings", response={201: FindingOut, **WRITE_ERRORS})
def campaign_finding_add(request: AuthedRequest, campaign_id: int, payload: FindingIn) -> Any:
    """Record what the review found about one procedure and proposed, and the decision item that carried it
    out if any (reform office, administrators)."""
    _require_edit(request)
    campaign = procedure_selectors.campaign_get(user=request.user, pk=campaign_id)
    group = ReviewGroup.objects.filter(campaign=campaign, pk=payload.group_id).first()
    if group is None:
        raise ValidationError({"group_id": _("Không có nhóm id=%(v)s trong đợt rà soát này.") % {
            "v": payload.group_id}})
    procedure = _procedure("procedure_id", payload.procedure_id)
    choice_check("proposal", payload.proposal, Proposal.values)
    outcome = _outcome(payload.outcome_id) if payload.outcome_id is not None else None
    row = services.review_finding_add(actor=request.user, group=group, procedure=procedure, finding=payload.finding,
                                      proposal=payload.proposal, outcome=outcome)
    return HttpStatus(201, procedure_selectors.campaign_findings(campaign=campaign).get(pk=row.pk))


@router.post("/procedures/findings/{finding_id}/outcome", response={200: FindingOut, **WRITE_ERRORS})
def finding_outcome(request: AuthedRequest, finding_id: int, payload: OutcomeIn) -> Any:
    """Record the decision item that carried out a finding's proposal (reform office, administrators)."""
    _require_edit(request)
    finding = ReviewFinding.objects.select_related("procedure", "group__campaign").filter(pk=finding_id).first()
    if finding is None:
        raise Http404(_("Không có kết quả rà soát này."))
    services.finding_link_outcome(actor=request.user, finding=finding, item=_outcome(payload.outcome_id))
    return procedure_selectors.campaign_findings(campaign=finding.group.campaign).get(pk=finding.pk)


# --- Processing figures ---------------------------------------------------------------------------------


class FigureFilters(In):
    year: int | None = Field(None, description="the year whose annual period applies when no other is given "
                                              "(default: the latest figures' year)")
    period: str = Field("", max_length=12, description="a Decree 09/2019 period: 2021-Q4, 2021-M11, 2021-H1, 2021")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: Id | None = None
    field: str = ""


class FigureRowOut(Schema):
    procedure_id: int
    code: str
    name: str
    field: str
    unit_name: str
    received: int
    on_time: int
    late: int
    pending: int
    resolved: int
    rate: float | None = Field(description="on time ÷ resolved, in %, one decimal; null when nothing resolved")
    points: float = Field(description="the on-time component of the service index (Decision 766/QĐ-TTg)")


class FigureTotalsOut(Schema):
    received: int
    on_time: int
    late: int
    pending: int
    resolved: int
    rate: float | None
    points: float


class FiguresSummaryOut(Schema):
    start: dt.date
    end: dt.date
    label: str
    procedure_count: int
    totals: FigureTotalsOut
    max_points: float
    source: str
    min_resolved: int
    slowest: list[FigureRowOut]


class FiguresImportIn(In):
    period: str = Field("", max_length=12, description="a Decree 09/2019 period: 2021-Q4, 2021-M11, 2021-H1, 2021")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    replace: bool = Field(False, description="replace the figures already recorded for the same period")
    dry_run: bool = Field(False, description="only check; write nothing")


class FiguresImportOut(ImportOut):
    """The import's shape (counts: created, replaced) with the period of the figures."""

    start: dt.date | None
    end: dt.date | None


def _figures(filters: FigureFilters) -> tuple[figures.FiguresSummary, str]:
    """The summary for the filters, as the figures page computes it: the dates when given, else the Decree 09
    period, else the year's annual period."""
    year = filters.year if filters.year is not None else figures.latest_year()
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Năm phải từ 2000 đến 2100.")})
    start, end = filters.date_from, filters.date_to
    if bool(start) != bool(end):
        raise ValidationError({"date_to": _("Ghi đủ từ ngày và đến ngày.")})
    if start and end:
        if end < start:
            raise ValidationError({"date_to": _("Đến ngày không được trước từ ngày.")})
        label = _("từ %(s)s đến %(e)s") % {"s": start.strftime("%d/%m/%Y"), "e": end.strftime("%d/%m/%Y")}
    else:
        try:
            p = period_parse(filters.period or str(year))
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        start, end, label = p.start, p.end, p.label
    unit = units_in_force("unit", [filters.unit])[0] if filters.unit is not None else None
    return figures.figures_summary(start=start, end=end, unit=unit, field=filters.field or None), label


@router.get("/procedures/figures", response={200: list[FigureRowOut], **READ_ERRORS})
@paginate(Pager)
def figures_list(request: AuthedRequest, filters: Query[FigureFilters]) -> Any:
    """Dossiers per procedure over the figures whose period lies in the range (received, on time, late,
    pending at the end), with the on-time rate and the service-index points, by code."""
    summary, _label = _figures(filters)
    return summary.rows


@router.get("/procedures/figures/summary", response={200: FiguresSummaryOut, **READ_ERRORS})
def figures_summary(request: AuthedRequest, filters: Query[FigureFilters]) -> Any:
    """Totals with the on-time rate and the on-time component of the service index (Decision 766/QĐ-TTg), and
    the slowest procedures (lowest on-time rate among those with enough resolved dossiers)."""
    summary, label = _figures(filters)
    return {"start": summary.start, "end": summary.end, "label": label, "procedure_count": summary.procedure_count,
            "totals": summary.totals, "max_points": summary.max_points, "source": summary.source,
            "min_resolved": int(str(settings.CHIDAO_SERVICE_INDEX["min_resolved"])),
            "slowest": figures.slowest_procedures(start=summary.start, end=summary.end, summary=summary)}


@router.post("/procedures/figures/import", response={200: FiguresImportOut, **WRITE_ERRORS, **IMPORT_ERRORS})
def figures_import(request: AuthedRequest, file: File[UploadedFile], options: Form[FiguresImportIn]) -> Any:
    """Import a one-stop-shop export of processing figures (reform office, administrators), all or nothing:
    any wrong row answers 422 with every error and nothing is written; `replace` replaces the same period's
    figures; `dry_run` only checks."""
    _require_import(request)
    form = FiguresImportForm({
        "period": options.period, "date_from": options.date_from.isoformat() if options.date_from else "",
        "date_to": options.date_to.isoformat() if options.date_to else "", "replace": options.replace,
        "dry_run": options.dry_run,
    }, MultiValueDict({"file": [file]}))
    if not form.is_valid():
        raise _form_errors(form)
    data = form.cleaned_data
    result = excel.figures_import(
        actor=request.user, file=data["file"], period=data["period"], start=data["date_from"], end=data["date_to"],
        replace=data["replace"], dry_run=data["dry_run"], source=data["file"].name or "")
    if not result.ok:
        return import_refused(result)
    return import_out(result, start=result.start, end=result.end)


# --- One procedure (last: its path would otherwise shadow the paths above) ------------------------------


@router.get("/procedures/{procedure_id}", response={200: ProcedureDetailOut, **READ_ERRORS})
def procedure_detail(request: AuthedRequest, procedure_id: int) -> Any:
    """One procedure with its status today (and the decision that decided it) and its decision items."""
    return _procedure_detail(request, procedure_id)


@router.patch("/procedures/{procedure_id}", response={200: ProcedureDetailOut, **WRITE_ERRORS})
def procedure_update(request: AuthedRequest, procedure_id: int, payload: ProcedureUpdateIn) -> Any:
    """Change a procedure's content (reform office, administrators); the previous content is kept as a
    version. Only the fields sent change."""
    _require_edit(request)
    procedure = procedure_selectors.procedure_get(user=request.user, pk=procedure_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "level" in changes:
        choice_check("level", changes["level"], Level.values)
    if "unit_id" in changes:
        changes["unit"] = units_in_force("unit_id", [changes.pop("unit_id")])[0]
    services.procedure_update(actor=request.user, procedure=procedure, reason=reason, **changes)
    return _procedure_detail(request, procedure.pk)
