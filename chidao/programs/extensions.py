"""Deadline extension requests: the lead unit asks for a later deadline, saying why; the standing office grants
it (the extension is recorded as the committee approved it: `services.deliverable_extend_deadline`) or refuses
it, saying why. Each step tells the other side (`events`)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.limits import REASON_MAX, length_errors, too_long_message
from chidao.core.models import User

from . import events, permissions, services
from .models import DeadlineExtensionRequest, Deliverable, Status

REQUEST_FIELDS = ("deliverable", "requested_deadline", "reason", "state", "decided_by", "decision_note", "extension")
CLOSED = (Status.COMPLETED, Status.CANCELLED)


@transaction.atomic
def extension_request_create(
    *, actor: User, deliverable: Deliverable, new_deadline: dt.date | None, reason: str,
) -> DeadlineExtensionRequest:
    """Ask for the deliverable's deadline to move to `new_deadline` (its lead unit's officers, the office).
    One request waits at a time for each deliverable."""
    if not Deliverable.objects.visible_to(actor).filter(pk=deliverable.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem nội dung này."))
    if not permissions.can_request_extension(actor, deliverable):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì hoặc cơ quan thường trực đề nghị gia hạn nội dung này."))
    # The row lock serializes two requests sent at once: the second sees the first and is refused.
    current = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    reason = reason.strip()
    errors = length_errors(DeadlineExtensionRequest, reason=reason)
    if not reason:
        errors["reason"] = _("Cần nêu lý do đề nghị gia hạn.")
    if current.status in CLOSED:
        errors["new_deadline"] = _("Nội dung đã kết thúc, không thể đề nghị gia hạn.")
    elif new_deadline is None:
        errors["new_deadline"] = _("Cần thời hạn đề nghị.")
    elif new_deadline <= current.deadline:
        errors["new_deadline"] = _("Thời hạn đề nghị phải sau thời hạn hiện hành (%(d)s).") % {
            "d": current.deadline.strftime("%d/%m/%Y")}
    if current.extension_requests.filter(state=DeadlineExtensionRequest.State.PENDING).exists():
        errors["__all__"] = _("Nội dung này đang có đề nghị gia hạn chờ quyết định.")
    if errors:
        raise ValidationError(errors)
    assert new_deadline is not None
    request = DeadlineExtensionRequest.objects.create(
        deliverable=current, requested_by=actor, requested_at=timezone.now(), requested_deadline=new_deadline,
        reason=reason,
    )
    change_record_create(actor=actor, action="create", obj=request, after=snapshot(request, REQUEST_FIELDS),
                         reason=reason)
    events.extension_requested(actor=actor, request=request)
    return request


def _decision_errors(*, grant: bool, note: str, approved_by: str, approved_on: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(note) > REASON_MAX:
        errors["note"] = too_long_message(REASON_MAX, len(note))
    if grant:
        if not approved_by:
            errors["approved_by"] = _("Cần ghi người phê duyệt gia hạn.")
        if approved_on is None:
            errors["approved_on"] = _("Cần ngày phê duyệt gia hạn.")
    elif not note:
        errors["note"] = _("Cần nêu lý do không đồng ý gia hạn.")
    return errors


@transaction.atomic
def extension_request_decide(
    *, actor: User, request: DeadlineExtensionRequest, grant: bool, note: str = "", approved_by: str = "",
    approved_on: dt.date | None = None,
) -> DeadlineExtensionRequest:
    """Grant the request (the extension is recorded to the requested deadline, approved by `approved_by` on
    `approved_on`) or refuse it (`note` says why). The standing office and administrators; once only."""
    if not Deliverable.objects.visible_to(actor).filter(pk=request.deliverable_id).exists():
        raise PermissionDenied(_("Bạn không có quyền xem nội dung này."))
    if not permissions.can_decide_extension(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực quyết định đề nghị gia hạn."))
    current = DeadlineExtensionRequest.objects.select_for_update().select_related("deliverable").get(pk=request.pk)
    if current.state != DeadlineExtensionRequest.State.PENDING:
        raise ValidationError({"__all__": _("Đề nghị này đã được quyết định (%(s)s).") % {
            "s": current.get_state_display()}})
    note, approved_by = note.strip(), approved_by.strip()
    errors = _decision_errors(grant=grant, note=note, approved_by=approved_by, approved_on=approved_on)
    if errors:
        raise ValidationError(errors)
    before = snapshot(current, REQUEST_FIELDS)
    if grant:
        assert approved_on is not None
        current.extension = services.deliverable_extend_deadline(
            actor=actor, deliverable=current.deliverable, new_deadline=current.requested_deadline,
            reason=current.reason, approved_by=approved_by, approved_on=approved_on, announce=False,
        )
    current.state = DeadlineExtensionRequest.State.GRANTED if grant else DeadlineExtensionRequest.State.REFUSED
    current.decided_by, current.decided_at, current.decision_note = actor, timezone.now(), note
    current.save()
    change_record_create(actor=actor, action="update", obj=current, before=before,
                         after=snapshot(current, REQUEST_FIELDS), reason=note)
    events.extension_request_decided(actor=actor, request=current)
    return current
