"""API: deadline extension requests, asked by a deliverable's lead unit and decided by the standing office (the
same services and checks as the deliverable page: scope first, then permission, then the input)."""

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate
from pydantic import Field

from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.programs import extension_selectors, extensions, permissions, selectors
from chidao.programs.models import DeadlineExtensionRequest

from .common import READ_ERRORS, WRITE_ERRORS, Pager
from .inputs import Date, Text

router = Router(tags=["deliverables"])


class ExtensionRequestIn(Schema):
    new_deadline: Date
    reason: Text


class ExtensionDecisionIn(Schema):
    """`grant`: true records the extension to the requested deadline (`approved_by`, `approved_on` required);
    false refuses it (`note` says why, required)."""

    grant: bool
    note: Text = ""
    approved_by: Annotated[Text, Field(max_length=150)] = ""
    approved_on: Date | None = None


class ExtensionRequestOut(Schema):
    id: int
    deliverable_id: int
    requested_by_id: int
    requested_by: str
    requested_at: dt.datetime
    requested_deadline: dt.date
    reason: str
    state: str
    decided_by_id: int | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    extension_id: int | None

    @staticmethod
    def resolve_requested_by(obj: DeadlineExtensionRequest) -> str:
        return str(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj: DeadlineExtensionRequest) -> str | None:
        return str(obj.decided_by) if obj.decided_by else None


@router.get("/deliverables/{deliverable_id}/extension-requests",
            response={200: list[ExtensionRequestOut], **READ_ERRORS})
@paginate(Pager)
def deliverable_extension_requests(request: AuthedRequest, deliverable_id: int) -> Any:
    """The deliverable's extension requests, newest first (anyone who sees the deliverable)."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    return extension_selectors.deliverable_extension_requests(deliverable=d)


@router.post("/deliverables/{deliverable_id}/extension-requests",
             response={201: ExtensionRequestOut, **WRITE_ERRORS})
def extension_request_create(request: AuthedRequest, deliverable_id: int, payload: ExtensionRequestIn) -> Any:
    """Ask for a later deadline, saying why (the lead unit's officers, the office); one pending at a time."""
    d = selectors.deliverable_get(user=request.user, pk=deliverable_id)
    if not permissions.can_request_extension(request.user, d):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì hoặc cơ quan thường trực đề nghị gia hạn nội dung này."))
    created = extensions.extension_request_create(actor=request.user, deliverable=d,
                                                  new_deadline=payload.new_deadline, reason=payload.reason)
    return HttpStatus(201, extension_selectors.extension_request_get(user=request.user, pk=created.pk))


@router.post("/extension-requests/{request_id}/decide", response={200: ExtensionRequestOut, **WRITE_ERRORS})
def extension_request_decide(request: AuthedRequest, request_id: int, payload: ExtensionDecisionIn) -> Any:
    """Grant or refuse a pending request (the standing office, administrators); a decided one is refused (422)."""
    asked = extension_selectors.extension_request_get(user=request.user, pk=request_id)
    if not permissions.can_decide_extension(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực quyết định đề nghị gia hạn."))
    decided = extensions.extension_request_decide(
        actor=request.user, request=asked, grant=payload.grant, note=payload.note, approved_by=payload.approved_by,
        approved_on=payload.approved_on)
    return extension_selectors.extension_request_get(user=request.user, pk=decided.pk)
