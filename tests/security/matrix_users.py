"""The permission matrix of the account administration (issue 14): every page under /quan-tri/nguoi-dung/ and every
/api/v1/users operation is the administrators' alone (core.permissions.can_manage_users); anyone else is refused
with 403 (pages and API alike), an anonymous visitor sent to log in (pages) or 401 (API). The account acted on is
unit B's lead officer."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from chidao.core.models import Role, RoleGrant, User
from tests.core.pki import make_ca

from .conftest import ADMIN, LEAD_B, World
from .matrix import NOT_XLSX, OK, POST_ONLY, Operation, Page, api, expect

ADMINS = expect({ADMIN})
ADMIN_WRITE = expect({ADMIN}, ok_status=OK)
API_ADMINS = api({ADMIN})
API_ADMIN_WRITE = api({ADMIN}, ok_status=OK)
MISSING = 999_999  # a grant that does not exist: the refusal comes first


def _account(w: World) -> User:
    user = w.users[LEAD_B]
    assert user is not None
    return user


def _stopped(w: World) -> None:
    User.objects.filter(pk=_account(w).pk).update(is_active=False)


def _granted(w: World) -> None:
    w.extra["user_grant"] = RoleGrant.objects.create(user=_account(w), role=Role.PERSONNEL, unit=w.unit_b)


def _grant_pk(w: World) -> int:
    grant: Any = w.extra.get("user_grant")
    return grant.pk if grant is not None else MISSING


def _page_pk(w: World) -> dict[str, Any]:
    return {"pk": _account(w).pk}


def _api_pk(w: World) -> dict[str, Any]:
    return {"user_id": _account(w).pk}


def _root(w: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("root.pem", make_ca("Matrix Root").pem())}


PAGES: dict[str, Page] = {
    "user_list": Page(get=ADMINS),
    "trust_roots": Page(get=ADMINS, post=ADMIN_WRITE, data=_root,
                        note="trust roots for checking signed uploads (issue 18): installing records a change"),
    "user_create": Page(get=ADMINS, post=ADMIN_WRITE, data=lambda w: {"username": "nguoimoi", "role": "auditor"},
                        note="no e-mail: the answer shows the temporary password"),
    "user_import": Page(get=ADMINS, post=expect({ADMIN}, ok_status=422), data=NOT_XLSX,
                        note="the administrator reaches the importer, which refuses the file (422)"),
    "user_import_template": Page(get=ADMINS),
    "user_detail": Page(get=ADMINS, kwargs=_page_pk, post=ADMIN_WRITE,
                        data=lambda w: {"full_name": "Cán bộ Sở Tài chính", "role": "lead_officer",
                                        "unit": w.unit_b.pk, "email": "", "phone": "0912000111"}),  # type: ignore[union-attr]
    "user_deactivate": Page(get=POST_ONLY, kwargs=_page_pk, post=ADMIN_WRITE),
    "user_reactivate": Page(get=POST_ONLY, kwargs=_page_pk, post=ADMIN_WRITE, prepare=_stopped),
    "user_password_reset": Page(get=POST_ONLY, kwargs=_page_pk, post=ADMIN_WRITE, data=lambda w: {"temporary": "1"}),
    "user_grant_add": Page(get=POST_ONLY, kwargs=_page_pk, post=ADMIN_WRITE,
                           data=lambda w: {"grant-role": "personnel", "grant-unit": w.unit_b.pk}),  # type: ignore[union-attr]
    "user_grant_remove": Page(get=POST_ONLY, kwargs=lambda w: {**_page_pk(w), "grant_pk": _grant_pk(w)},
                              post=ADMIN_WRITE, prepare=_granted),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/users": Operation(API_ADMINS),
    "POST /api/v1/users": Operation(API_ADMIN_WRITE, json=lambda w: {"username": "nguoimoi", "role": "auditor"}),
    "POST /api/v1/users/import": Operation(api({ADMIN}, ok_status=422), multipart=NOT_XLSX),
    "GET /api/v1/users/{user_id}": Operation(API_ADMINS, params=_api_pk),
    "PATCH /api/v1/users/{user_id}": Operation(API_ADMIN_WRITE, params=_api_pk,
                                               json=lambda w: {"phone": "0912000111"}),
    "POST /api/v1/users/{user_id}/deactivate": Operation(API_ADMIN_WRITE, params=_api_pk, json=lambda w: {}),
    "POST /api/v1/users/{user_id}/reactivate": Operation(API_ADMIN_WRITE, params=_api_pk, prepare=_stopped),
    "POST /api/v1/users/{user_id}/password": Operation(API_ADMIN_WRITE, params=_api_pk,
                                                       json=lambda w: {"temporary": True}),
    "POST /api/v1/users/{user_id}/grants": Operation(
        API_ADMIN_WRITE, params=_api_pk, json=lambda w: {"role": "personnel", "unit_id": w.unit_b.pk}),  # type: ignore[union-attr]
    "DELETE /api/v1/users/{user_id}/grants/{grant_id}": Operation(
        API_ADMIN_WRITE, params=lambda w: {**_api_pk(w), "grant_id": _grant_pk(w)}, prepare=_granted),
}
