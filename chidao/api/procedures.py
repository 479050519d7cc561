"""API: administrative procedures registry (every signed-in user reads it, as on the pages)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from chidao.core.errors import ValidationError
from chidao.core.http import AuthedRequest
from chidao.core.models import Unit
from chidao.procedures import selectors as procedure_selectors

from .common import READ_ERRORS, Pager

router = Router(tags=["procedures"])

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
    def resolve_status(obj: Any) -> str:
        return obj["status"] if isinstance(obj, dict) else procedure_selectors.status_of(obj, timezone.localdate())


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
def procedure_list(request: AuthedRequest, q: str = "") -> Any:
    """The registry by code; `q` matches code and name, diacritics ignored; `status` is today's."""
    return procedure_selectors.procedure_list(user=request.user, filters=procedure_selectors.ProcedureFilters(q=q))


@router.get("/procedures/{procedure_id}", response={200: ProcedureDetailOut, **READ_ERRORS})
def procedure_detail(request: AuthedRequest, procedure_id: int) -> Any:
    """One procedure with its status today (and the decision that decided it) and its decision items."""
    procedure = procedure_selectors.procedure_get(user=request.user, pk=procedure_id)
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
