"""API: reviews of administrative procedures (rà soát: campaigns, groups, findings and their outcomes), split
out of `api.procedures` along that seam; paths and operation ids unchanged."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from chidao.core.errors import ValidationError
from chidao.core.http import AuthedRequest
from chidao.procedures import selectors as procedure_selectors
from chidao.procedures import services
from chidao.procedures.models import (
    DecisionItem,
    Procedure,
    Proposal,
    ReviewFinding,
)

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import Id, In, choice_check, units_in_force
from .procedures import require_edit

OPERATION_MODULE = "chidao.api.procedures"  # operation ids as before the split
router = Router(tags=["procedures"])


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
        "findings": procedure_selectors.campaign_finding_count(campaign=campaign),
        "group_list": [{"id": g["group"].pk, "name": g["group"].name, "procedures": g["procedures"],
                        "done": g["done"],
                        "proposals": dict(zip(Proposal.values, (n for _label, n in g["proposals"]), strict=True))}
                       for g in groups],
    }


def _procedure(field: str, pk: int) -> Procedure:
    procedure = procedure_selectors.procedure_find(pk=pk)
    if procedure is None:
        raise ValidationError({field: _("Không có thủ tục id=%(v)s.") % {"v": pk}})
    return procedure


def _outcome(pk: int) -> DecisionItem:
    item = procedure_selectors.decision_item_find(pk=pk)
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
    require_edit(request)
    lead_unit = units_in_force("lead_unit_id", [payload.lead_unit_id])[0]
    campaign = services.review_campaign_create(actor=request.user, name=payload.name, year=payload.year,
                                               lead_unit=lead_unit)
    return HttpStatus(201, _campaign_detail(request, campaign.pk))


@router.post("/procedures/reviews/{campaign_id}/groups", response={201: CampaignDetailOut, **WRITE_ERRORS})
def campaign_group_add(request: AuthedRequest, campaign_id: int, payload: GroupIn) -> Any:
    """Add a group of procedures to review to a campaign (reform office, administrators)."""
    require_edit(request)
    campaign = procedure_selectors.campaign_get(user=request.user, pk=campaign_id)
    wanted = set(payload.procedure_ids)
    procedures = procedure_selectors.procedures_by_pk(pks=wanted)
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
    require_edit(request)
    campaign = procedure_selectors.campaign_get(user=request.user, pk=campaign_id)
    group = procedure_selectors.campaign_group_find(campaign=campaign, pk=payload.group_id)
    if group is None:
        raise ValidationError({"group_id": _("Không có nhóm id=%(v)s trong đợt rà soát này.") % {
            "v": payload.group_id}})
    procedure = _procedure("procedure_id", payload.procedure_id)
    choice_check("proposal", payload.proposal, Proposal.values)
    outcome = _outcome(payload.outcome_id) if payload.outcome_id is not None else None
    row = services.review_finding_add(actor=request.user, group=group, procedure=procedure, finding=payload.finding,
                                      proposal=payload.proposal, outcome=outcome)
    return HttpStatus(201, procedure_selectors.campaign_finding_get(campaign=campaign, pk=row.pk))


@router.post("/procedures/findings/{finding_id}/outcome", response={200: FindingOut, **WRITE_ERRORS})
def finding_outcome(request: AuthedRequest, finding_id: int, payload: OutcomeIn) -> Any:
    """Record the decision item that carried out a finding's proposal (reform office, administrators)."""
    require_edit(request)
    finding = procedure_selectors.review_finding_get(pk=finding_id)
    services.finding_link_outcome(actor=request.user, finding=finding, item=_outcome(payload.outcome_id))
    return procedure_selectors.campaign_finding_get(campaign=finding.group.campaign, pk=finding.pk)
