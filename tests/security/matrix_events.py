"""The permission matrix of deadline extension requests (programs.permissions.can_request_extension: the lead unit's
officers and the office; can_decide_extension: the office and administrators). The world holds one pending
request by lead_a on A's deliverable (`extra.extension_request`); a new request needs it decided first."""

from chidao.programs.models import DeadlineExtensionRequest

from .conftest import World
from .matrix import (
    A_PROGRAM,
    DELIVERABLE,
    EDIT_A,
    MANAGE,
    NOT_A,
    OK,
    POST_ONLY,
    D,
    Operation,
    Page,
    _ids,
    _pk,
    api,
    expect,
)

REQUEST = _ids(request_id="extra.extension_request")


def _none_pending(w: World) -> None:
    """A deliverable has one pending request at a time: the world's is refused before a new one is asked."""
    DeadlineExtensionRequest.objects.filter(state=DeadlineExtensionRequest.State.PENDING).update(
        state=DeadlineExtensionRequest.State.REFUSED)


PAGES: dict[str, Page] = {
    "extension_request_create": Page(
        get=POST_ONLY, kwargs=_pk("deliverable"), post=expect(EDIT_A, ok_status=OK, missing=NOT_A),
        data=lambda w: {"req-new_deadline": "31/01/2027", "req-reason": "Chờ ý kiến Bộ Nội vụ"}, prepare=_none_pending,
        note="the lead unit's officers and the office ask; the other readers of A may not (403)"),
    "extension_request_decide": Page(
        get=POST_ONLY, kwargs=lambda w: {"pk": w.extra["extension_request"].pk},
        post=expect(MANAGE, ok_status=OK, missing=NOT_A),
        data=lambda w: {"dec-decision": "grant", "dec-approved_by": "Bí thư Thành ủy", "dec-approved_on": D},
        note="the office and administrators decide; the request of A is 404 outside A's scope"),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/deliverables/{deliverable_id}/extension-requests": Operation(A_PROGRAM, params=DELIVERABLE),
    "POST /api/v1/deliverables/{deliverable_id}/extension-requests": Operation(
        api(EDIT_A, ok_status=OK, missing=NOT_A), params=DELIVERABLE, prepare=_none_pending,
        json=lambda w: {"new_deadline": "2027-01-31", "reason": "Chờ ý kiến Bộ Nội vụ"}),
    "POST /api/v1/extension-requests/{request_id}/decide": Operation(
        api(MANAGE, ok_status=OK, missing=NOT_A), params=REQUEST,
        json=lambda w: {"grant": True, "approved_by": "Bí thư Thành ủy", "approved_on": "2025-06-01"}),
}
