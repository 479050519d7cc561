"""Writes on procedures, publication decisions and reviews. Each runs in a transaction, checks that the
actor may write (the reform office or an administrator), validates, writes, and records the change."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.limits import length_errors, lengths_check
from chidao.core.models import ChangeRecord, Unit, User
from chidao.core.text import fold
from chidao.core.uploads import upload_problem

from .models import (
    DecisionItem,
    ItemAction,
    Level,
    Procedure,
    ProcedureVersion,
    Proposal,
    PublicationDecision,
    ReviewCampaign,
    ReviewFinding,
    ReviewGroup,
)
from .permissions import can_edit_procedures
from .status import IN_FORCE, INTRODUCING, NOT_YET, derive_status

# The content a version keeps (everything but identity and bookkeeping).
CONTENT_FIELDS = (
    "name", "level", "field", "unit", "steps", "method", "dossier", "copies", "time_limit_days", "filers",
    "deciding_agency", "forms", "result", "conditions", "fees", "legal_basis",
)
PROCEDURE_FIELDS = ("code", *CONTENT_FIELDS)
DECISION_FIELDS = ("number", "title", "signed_on", "effective_on", "issuer")
# What each proposal of a review may be carried out by.
PROPOSAL_ACTIONS = {
    Proposal.SIMPLIFY: {ItemAction.AMENDED, ItemAction.REPLACED},
    Proposal.REPLACE: {ItemAction.REPLACED},
    Proposal.ABOLISH: {ItemAction.ABOLISHED},
}

Line = tuple[Procedure, str, Procedure | None]


def _require_edit(actor: User) -> None:
    if not can_edit_procedures(actor):
        raise PermissionDenied(_("Chỉ cơ quan cải cách hành chính cập nhật thủ tục hành chính."))


def search_text(code: str, name: str) -> str:
    return fold(f"{code} {name}")


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _validate_procedure(*, code: str, name: str, level: str, field: str, exclude_pk: int = 0) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not code.strip():
        errors["code"] = _("Thiếu mã thủ tục.")
    elif Procedure.objects.filter(code__iexact=code.strip()).exclude(pk=exclude_pk).exists():
        errors["code"] = _("Đã có thủ tục mã %(code)s.") % {"code": code.strip()}
    if not name.strip():
        errors["name"] = _("Thiếu tên thủ tục.")
    if level not in Level.values:
        errors["level"] = _("Cấp thực hiện không hợp lệ.")
    if not field.strip():
        errors["field"] = _("Thiếu lĩnh vực.")
    return errors


@transaction.atomic
def procedure_create(
    *, actor: User, code: str, name: str, level: str, field: str, unit: Unit, **content: Any
) -> Procedure:
    """Add a procedure to the registry. It is in force only once a decision brings it in."""
    _require_edit(actor)
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    errors = length_errors(Procedure, code=code.strip(), name=name.strip(), field=field.strip(), **content)
    errors.update(_validate_procedure(code=code, name=name, level=level, field=field))
    if errors:
        raise ValidationError(errors)
    procedure = Procedure(code=code.strip(), name=name.strip(), level=level, field=field.strip(), unit=unit,
                          **content)
    procedure.search_text = search_text(procedure.code, procedure.name)
    procedure.full_clean(exclude=["search_text"])
    procedure.save()
    change_record_create(actor=actor, action="create", obj=procedure, after=snapshot(procedure, PROCEDURE_FIELDS))
    return procedure


def _content(procedure: Procedure) -> dict[str, Any]:
    data = snapshot(procedure, CONTENT_FIELDS)
    data["unit_id"] = procedure.unit_id
    return data


def _content_since(procedure: Procedure, items: Sequence[DecisionItem]) -> dt.date:
    """When the procedure's current content began to apply: the latest of its start in force, its latest
    amendment and its latest edit recorded as a version; its creation date when none applies."""
    candidates: list[dt.date] = []
    introducing = [i for i in items if i.procedure_id == procedure.pk and i.action in INTRODUCING]
    if introducing:
        candidates.append(min(i.effective_on for i in introducing))
    candidates += [i.effective_on for i in items if i.procedure_id == procedure.pk and i.action == ItemAction.AMENDED]
    if procedure.versions.filter(item__isnull=True).exists():
        candidates.append(timezone.localdate(procedure.updated_at))
    return max(candidates) if candidates else timezone.localdate(procedure.created_at)


def _version_write(procedure: Procedure, *, valid_from: dt.date, item: DecisionItem | None) -> ProcedureVersion:
    last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ProcedureVersion.objects.create(procedure=procedure, number=last + 1, valid_from=valid_from,
                                           content=_content(procedure), item=item)


@transaction.atomic
def procedure_update(*, actor: User, procedure: Procedure, reason: str = "", **changes: Any) -> Procedure:
    """Change a procedure's content; the previous content is kept as a ProcedureVersion (valid from the day it
    began to apply, see `_content_since`). The code does not change (decisions refer to it)."""
    _require_edit(actor)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    current = Procedure.objects.select_for_update().get(pk=procedure.pk)
    before = snapshot(current, PROCEDURE_FIELDS)
    merged = {**{f: getattr(current, f) for f in CONTENT_FIELDS}, **changes}
    errors = length_errors(Procedure, **changes)
    errors.update(length_errors(ChangeRecord, reason=reason))
    errors.update(_validate_procedure(code=current.code, name=merged["name"], level=merged["level"],
                                      field=merged["field"], exclude_pk=current.pk))
    if errors:
        raise ValidationError(errors)
    if all(getattr(current, f) == v for f, v in changes.items()):
        return current
    items = list(DecisionItem.objects.filter(procedure=current))
    _version_write(current, valid_from=_content_since(current, items), item=None)
    for name, value in changes.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.search_text = search_text(current.code, current.name)
    current.full_clean(exclude=["search_text"])
    current.save()
    change_record_create(actor=actor, action="update", obj=current, before=before,
                         after=snapshot(current, PROCEDURE_FIELDS), reason=reason)
    return current


def _line_label(n: int, line: Line) -> str:
    return _("Mục %(n)s (%(code)s)") % {"n": n, "code": line[0].code}


def _line_shape_problem(procedure: Procedure, action: str, replaces: Procedure | None, seen: set[int]) -> str:
    """What is wrong with a decision line on its own (its action, what it replaces, a repeat), or ""."""
    if action not in ItemAction.values:
        return _("nội dung công bố “%(a)s” không hợp lệ.") % {"a": action}
    if action == ItemAction.REPLACED and replaces is None:
        return _("thay thế phải ghi rõ thủ tục bị thay thế.")
    if action != ItemAction.REPLACED and replaces is not None:
        return _("chỉ thủ tục thay thế mới ghi thủ tục bị thay thế.")
    if replaces is not None and replaces.pk == procedure.pk:
        return _("thủ tục không thể thay thế chính nó.")
    if procedure.pk in seen or (replaces is not None and replaces.pk in seen):
        return _("thủ tục đã có ở mục khác của quyết định này.")
    return ""


def _line_status_problem(procedure: Procedure, action: str, replaces: Procedure | None, effective_on: dt.date,
                         status: Callable[[int], str], later: Callable[[int], bool]) -> str:
    """What is wrong with a decision line given the procedures' status on its effective date, or ""."""
    if later(procedure.pk) or (replaces is not None and later(replaces.pk)):
        return _("thủ tục đã có quyết định công bố có hiệu lực sau ngày %(d)s.") % {"d": _d(effective_on)}
    if action == ItemAction.NEW and status(procedure.pk) != NOT_YET:
        return _("thủ tục đã được công bố trước đó (không công bố mới lại).")
    if action in (ItemAction.AMENDED, ItemAction.ABOLISHED) and status(procedure.pk) != IN_FORCE:
        return _("thủ tục không có hiệu lực vào ngày %(d)s.") % {"d": _d(effective_on)}
    if action == ItemAction.REPLACED and status(procedure.pk) != NOT_YET:
        return _("thủ tục thay thế phải là thủ tục chưa được công bố.")
    if action == ItemAction.REPLACED and replaces is not None and status(replaces.pk) != IN_FORCE:
        return _("thủ tục bị thay thế %(code)s không có hiệu lực vào ngày %(d)s.") % {
            "code": replaces.code, "d": _d(effective_on)}
    return ""


def _validate_items(lines: Sequence[Line], effective_on: dt.date) -> list[ValidationError]:
    """One error per faulty line ("Mục n (code): ...", with `params["n"]`, the line's 1-based position, so a
    form can point at its own line); statuses come from the items already recorded."""
    ids = {p.pk for p, _a, r in lines} | {r.pk for _p, _a, r in lines if r is not None}
    by_procedure: dict[int, list[DecisionItem]] = defaultdict(list)
    recorded = DecisionItem.objects.filter(procedure_id__in=ids) | DecisionItem.objects.filter(replaces_id__in=ids)
    for item in recorded.only("id", "procedure_id", "replaces_id", "action", "effective_on"):
        by_procedure[item.procedure_id].append(item)
        if item.replaces_id:
            by_procedure[item.replaces_id].append(item)

    def status(pid: int) -> str:
        return derive_status(pid, by_procedure[pid], effective_on).code

    def later(pid: int) -> bool:
        return any(i.effective_on > effective_on for i in by_procedure[pid])

    errors: list[ValidationError] = []
    seen: set[int] = set()
    for n, line in enumerate(lines, start=1):
        procedure, action, replaces = line
        label = _line_label(n, line)
        problem = (_line_shape_problem(procedure, action, replaces, seen)
                   or _line_status_problem(procedure, action, replaces, effective_on, status, later))
        if problem:
            errors.append(ValidationError("%(label)s: %(problem)s", code="item",
                                          params={"label": label, "problem": problem, "n": n}))
        seen.add(procedure.pk)
        if replaces is not None:
            seen.add(replaces.pk)
    return errors


@transaction.atomic
def decision_create(
    *, actor: User, number: str, title: str, signed_on: dt.date, effective_on: dt.date, issuer: Unit,
    file: UploadedFile | None = None, items: Iterable[Line],
) -> PublicationDecision:
    """Record a publication decision and its items, all or nothing.

    Each item is checked against the items already recorded, at the decision's effective date: `new` only for
    a procedure never brought in; `amended` and `abolished` only for one in force; `replaced` names the old
    procedure (in force) and brings in a procedure never brought in. No procedure may appear twice in a
    decision, nor be listed in a decision dated before one already recorded for it (history is recorded in
    order). An `amended` item keeps the content as it was until then as a ProcedureVersion.
    """
    _require_edit(actor)
    lines = [(p, a, r) for p, a, r in items]
    errors: dict[str, list[Any]] = {k: [m] for k, m in length_errors(
        PublicationDecision, number=number.strip(), title=title.strip()).items()}
    number = number.strip()
    if not number:
        errors["number"] = [_("Thiếu số quyết định.")]
    elif PublicationDecision.objects.filter(number__iexact=number).exists():
        errors["number"] = [_("Đã có quyết định số %(n)s.") % {"n": number}]
    if effective_on < signed_on:
        errors["effective_on"] = [_("Ngày có hiệu lực không được trước ngày ký.")]
    if file is not None:
        problem = upload_problem(file, extensions=settings.CHIDAO_UPLOAD_EXTENSIONS)
        if problem:
            errors["file"] = [problem]
    if not lines:
        errors["items"] = [_("Quyết định phải có ít nhất một thủ tục.")]
    else:
        item_errors = _validate_items(lines, effective_on)
        if item_errors:
            errors["items"] = item_errors
    if errors:
        raise ValidationError(errors)
    decision = PublicationDecision.objects.create(
        number=number, title=title.strip(), signed_on=signed_on, effective_on=effective_on, issuer=issuer,
        created_by=actor,
    )
    if file is not None:
        decision.file.save(file.name or "quyet-dinh.pdf", file, save=True)
    created = DecisionItem.objects.bulk_create([
        DecisionItem(decision=decision, procedure=p, action=a, replaces=r, effective_on=effective_on)
        for p, a, r in lines
    ])
    amended = [i for i in created if i.action == ItemAction.AMENDED]
    if amended:
        prior: dict[int, list[DecisionItem]] = defaultdict(list)
        for i in DecisionItem.objects.filter(procedure_id__in=[i.procedure_id for i in amended],
                                             effective_on__lt=effective_on):
            prior[i.procedure_id].append(i)
        numbers = dict(ProcedureVersion.objects.filter(procedure_id__in=[i.procedure_id for i in amended])
                       .values_list("procedure_id").annotate(n=Max("number")))
        ProcedureVersion.objects.bulk_create([
            ProcedureVersion(procedure=i.procedure, number=(numbers.get(i.procedure_id) or 0) + 1,
                             valid_from=_content_since(i.procedure, prior[i.procedure_id]),
                             content=_content(i.procedure), item=i)
            for i in amended
        ])
    change_record_create(actor=actor, action="create", obj=decision, after={
        **snapshot(decision, DECISION_FIELDS),
        "items": [f"{p.code} {a}" + (f" {r.code}" if r is not None else "") for p, a, r in lines],
    })
    return decision


@transaction.atomic
def review_campaign_create(*, actor: User, name: str, year: int, lead_unit: Unit) -> ReviewCampaign:
    _require_edit(actor)
    if not name.strip():
        raise ValidationError({"name": _("Thiếu tên đợt rà soát.")})
    lengths_check(ReviewCampaign, name=name.strip())
    campaign = ReviewCampaign.objects.create(name=name.strip(), year=year, lead_unit=lead_unit)
    change_record_create(actor=actor, action="create", obj=campaign,
                         after=snapshot(campaign, ["name", "year", "lead_unit"]))
    return campaign


@transaction.atomic
def review_group_add(
    *, actor: User, campaign: ReviewCampaign, name: str, procedures: Iterable[Procedure] = ()
) -> ReviewGroup:
    _require_edit(actor)
    if not name.strip():
        raise ValidationError({"name": _("Thiếu tên nhóm thủ tục.")})
    lengths_check(ReviewGroup, name=name.strip())
    group = ReviewGroup.objects.create(campaign=campaign, name=name.strip())
    group.procedures.set(list(procedures))
    change_record_create(actor=actor, action="create", obj=group,
                         after={"campaign": str(campaign), "name": group.name, "procedures": group.procedures.count()})
    return group


def _check_outcome(*, procedure: Procedure, proposal: str, item: DecisionItem) -> None:
    if item.procedure_id != procedure.pk and item.replaces_id != procedure.pk:
        raise ValidationError({"outcome": _("Mục quyết định không liên quan đến thủ tục %(code)s.") % {
            "code": procedure.code}})
    if item.action == ItemAction.REPLACED and item.replaces_id != procedure.pk:
        raise ValidationError({"outcome": _("Thủ tục %(code)s là thủ tục thay thế, không phải thủ tục bị thay thế.")
                               % {"code": procedure.code}})
    allowed = PROPOSAL_ACTIONS.get(Proposal(proposal), set())
    if item.action not in allowed:
        raise ValidationError({"outcome": _("Đề xuất “%(p)s” không được thực hiện bằng “%(a)s”.") % {
            "p": Proposal(proposal).label, "a": ItemAction(item.action).label}})


@transaction.atomic
def review_finding_add(
    *, actor: User, group: ReviewGroup, procedure: Procedure, finding: str, proposal: str,
    outcome: DecisionItem | None = None,
) -> ReviewFinding:
    """What the review found about one procedure and proposed; `outcome` is the decision item that carried
    the proposal out (simplify: amended or replaced; replace: replaced, naming it; abolish: abolished)."""
    _require_edit(actor)
    if proposal not in Proposal.values:
        raise ValidationError({"proposal": _("Đề xuất không hợp lệ.")})
    if not finding.strip():
        raise ValidationError({"finding": _("Thiếu kết quả rà soát.")})
    lengths_check(ReviewFinding, finding=finding.strip())
    if outcome is not None:
        _check_outcome(procedure=procedure, proposal=proposal, item=outcome)
    row = ReviewFinding.objects.create(group=group, procedure=procedure, finding=finding.strip(), proposal=proposal,
                                       outcome=outcome)
    group.procedures.add(procedure)
    change_record_create(actor=actor, action="create", obj=row,
                         after=snapshot(row, ["group", "procedure", "finding", "proposal", "outcome"]))
    return row


@transaction.atomic
def finding_link_outcome(*, actor: User, finding: ReviewFinding, item: DecisionItem) -> ReviewFinding:
    """Record the decision item that carried out a finding's proposal."""
    _require_edit(actor)
    before = snapshot(finding, ["outcome"])
    _check_outcome(procedure=finding.procedure, proposal=finding.proposal, item=item)
    finding.outcome = item
    finding.save(update_fields=["outcome"])
    change_record_create(actor=actor, action="update", obj=finding, before=before, after=snapshot(finding, ["outcome"]))
    return finding
