"""The permission matrix of the register of outgoing documents, the signers' pages and the issue action on a
report build: see matrix.py for the statuses."""

from typing import Any

from .conftest import ADMIN, LEAD_A, OFFICE
from .matrix import LOGGED_IN, OK, Operation, Page, api, expect

MANAGE = frozenset({ADMIN, OFFICE})  # core.permissions.can_manage_signers
SIGNER_DATA = {"form": "K/T", "title": "GIÁM ĐỐC", "deputy_title": "PHÓ GIÁM ĐỐC", "name": "Trần Văn Phó",
               "order": "1", "active": "on"}


def _extra(key: str) -> Any:
    return lambda w: {"pk": w.extra[key].pk}  # type: ignore[attr-defined]


PAGES: dict[str, Page] = {
    "register_list": Page(get=expect(LOGGED_IN), query="q=cong+van",
                          note="everyone reads it, scoped: office and admin all, others their units' bodies"),
    "register_export": Page(get=expect(LOGGED_IN), query="type_code=CV", note="the same rows as the page"),
    "signer_admin": Page(get=expect(MANAGE), post=expect(MANAGE, ok_status=OK),
                         data=lambda w: {"unit_code": w.unit_b.code, "code": "STC", "name": "Sở Tài chính"}),
    "signer_add": Page(get=expect(MANAGE), kwargs=_extra("issuer"), post=expect(MANAGE, ok_status=OK),
                       data=lambda w: SIGNER_DATA),
    "signer_edit": Page(get=expect(MANAGE), kwargs=_extra("signer"), post=expect(MANAGE, ok_status=OK),
                        data=lambda w: SIGNER_DATA),
    "report_issue": Page(get=expect(LOGGED_IN, ok_status=405), kwargs=lambda w: {"pk": w.report_job.pk},
                         post=expect((), missing=LOGGED_IN - {LEAD_A}, **{LEAD_A: 403}),
                         note="the build is lead_a's (others: 404), and only the office or an administrator "
                              "issues (lead_a: 403); the office issuing its own build: tests/reports/test_issue.py"),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/documents": Operation(api(LOGGED_IN), note="scoped like the page"),
    "GET /api/v1/issuers": Operation(api(MANAGE)),
}


