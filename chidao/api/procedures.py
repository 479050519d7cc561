"""API: administrative procedures registry, publication decisions and processing figures; the reviews
(rà soát) are in `api.reviews`.

Every signed-in user reads (as on the pages); the reform office and administrators write
(`procedures.permissions.can_edit_procedures`), through the same services: a refused write changes nothing."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chidao.core import selectors as core_selectors
from chidao.core.dates import format_date
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.periods import period_parse
from chidao.procedures import excel, figures, permissions, services
from chidao.procedures import selectors as procedure_selectors
from chidao.procedures.figures_views import FiguresImportForm, XlsxUploadForm
from chidao.procedures.models import (
    ItemAction,
    Level,
    Procedure,
)

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .imports import IMPORT_ERRORS, ImportOut, import_out, import_refused
from .inputs import XLSX, Id, In, binary, choice_check, file_response, filter_schema, units_in_force

router = Router(tags=["procedures"])


def require_edit(request: AuthedRequest) -> None:
    """The pages' own check, made before the input is looked at (the services check again)."""
    if not permissions.can_edit_procedures(request.user):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính cập nhật thủ tục hành chính."))


def _require_import(request: AuthedRequest) -> None:
    """The import pages' own check, made before a file is even read."""
    if not permissions.can_edit_procedures(request.user):
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


# The registry list's filter as the page has it (selectors.ProcedureFilters); its choices are in the schema.
if TYPE_CHECKING:
    class ProcedureListFilters(In):
        status_on: dt.date | None
else:
    ProcedureListFilters = filter_schema("ProcedureListFilters", procedure_selectors.ProcedureFilters,
                                         "The list page's filters; \"\" means all.", base=In, unit=Id | None)


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
        scope = core_selectors.unit_find(pk=int(unit)) if unit.isdigit() else None
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
    require_edit(request)
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
        return _decision_file_url(obj)


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


def _decision_file_url(decision: Any) -> str | None:
    """The decision's file, downloaded through the page's permission-checked view (never a storage URL)."""
    return reverse("decision_file", args=[decision.pk]) if decision.file else None


def _decision_detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    decision = procedure_selectors.decision_get(user=request.user, pk=pk)
    items = list(procedure_selectors.decision_items(decision=decision))
    counts = {key: sum(1 for i in items if i.action == action) for key, action in (
        ("published", ItemAction.NEW), ("amended", ItemAction.AMENDED), ("replaced", ItemAction.REPLACED),
        ("abolished", ItemAction.ABOLISHED))}
    return {
        **{name: getattr(decision, name) for name in ("id", "number", "title", "signed_on", "effective_on",
                                                      "issuer_id")},
        "issuer": decision.issuer.name, "file": _decision_file_url(decision), **counts,
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
    require_edit(request)
    errors: dict[str, list[str]] = {}
    issuer = core_selectors.unit_in_force_find(pk=payload.issuer_id)
    if issuer is None:
        errors["issuer_id"] = [_("Không có đơn vị id=%(v)s.") % {"v": payload.issuer_id}]
    codes = {i.code.strip() for i in payload.items} | {i.replaces.strip() for i in payload.items if i.replaces}
    by_code = procedure_selectors.procedures_by_code(codes=codes)
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
        label = _("từ %(s)s đến %(e)s") % {"s": format_date(start), "e": format_date(end)}
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
    require_edit(request)
    procedure = procedure_selectors.procedure_get(user=request.user, pk=procedure_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    if "level" in changes:
        choice_check("level", changes["level"], Level.values)
    if "unit_id" in changes:
        changes["unit"] = units_in_force("unit_id", [changes.pop("unit_id")])[0]
    services.procedure_update(actor=request.user, procedure=procedure, reason=reason, **changes)
    return _procedure_detail(request, procedure.pk)
