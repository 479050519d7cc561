"""The permission matrix of the unit pages and endpoints (administrators) and of the posts of a unit (administrators
and the personnel officers of the unit's subtree): see matrix.py for the statuses."""

from typing import Any

from chidao.core.models import Unit, UnitKind, UnitLevel

from .conftest import ADMIN, HR_A, World
from .matrix import LOGGED_IN, OK, Operation, Page, api, expect

D = "30/06/2025"
ADMINS = expect({ADMIN})
ADMIN_WRITE = expect({ADMIN}, ok_status=OK)
POSTS = expect({ADMIN, HR_A})  # personnel.permissions.can_manage_posts on unit A
POSTS_WRITE = expect({ADMIN, HR_A}, ok_status=OK)
API_ADMIN_WRITE = api({ADMIN}, ok_status=OK)


def _spare(w: World) -> None:
    """A unit nothing refers to, which an administrator may delete."""
    w.extra["spare_unit"] = Unit.objects.create(code="NHAP-NHAM", name="Đơn vị nhập nhầm",
                                                kind=UnitKind.DEPARTMENT, level=UnitLevel.PROVINCE)


def _spare_or_b(w: World) -> Unit:
    # Refused roles (no prepare) aim at unit B: refused before anything is looked at.
    unit = w.extra.get("spare_unit") or w.unit_b
    assert unit is not None
    return unit


def _unit(attr: str) -> Any:
    return lambda w: {"pk": getattr(w, attr).pk}


def _post(w: World) -> dict[str, Any]:
    return {"pk": w.extra["position"].pk}


PAGES: dict[str, Page] = {
    "unit_admin_list": Page(get=ADMINS, query="q=so+noi+vu"),
    "unit_parent_options": Page(get=ADMINS, query="q=tai+chinh"),
    "unit_admin_create": Page(
        get=ADMINS, post=ADMIN_WRITE,
        data=lambda w: {"code": "SNV-VP", "name": "Văn phòng Sở Nội vụ", "kind": "department", "level": "province",
                        "parent": w.unit_a.pk, "headcount": "9"}),
    "unit_admin_detail": Page(get=ADMINS, kwargs=_unit("unit_a")),
    "unit_admin_edit": Page(
        get=ADMINS, kwargs=_unit("unit_b"), post=ADMIN_WRITE,
        data=lambda w: {"code": w.unit_b.code, "name": "Sở Tài chính Hà Nội", "kind": w.unit_b.kind,
                        "level": w.unit_b.level, "headcount": "70"}),
    "unit_admin_move": Page(get=ADMINS, kwargs=_unit("unit_b"), post=ADMIN_WRITE,
                            data=lambda w: {"parent": w.unit_a.pk, "on": D}),
    "unit_admin_merge": Page(get=ADMINS, kwargs=_unit("unit_b"), post=ADMIN_WRITE,
                             data=lambda w: {"successor": w.unit_a.pk, "on": D}),
    "unit_admin_dissolve": Page(get=ADMINS, kwargs=_unit("unit_b"), post=ADMIN_WRITE, data=lambda w: {"on": D}),
    "unit_admin_delete": Page(get=ADMINS, kwargs=lambda w: {"pk": _spare_or_b(w).pk}, post=ADMIN_WRITE,
                              prepare=_spare, note="only a unit nothing refers to can be deleted"),
    "unit_posts": Page(get=POSTS, kwargs=lambda w: {"unit_id": w.unit_a.pk}, post=POSTS_WRITE,
                       data=lambda w: {"title": "Chánh Văn phòng Sở", "level": "2", "is_leader": "on"},
                       note="a personnel officer of another unit: 403"),
    "position_edit": Page(get=expect({ADMIN, HR_A}, missing=LOGGED_IN), kwargs=_post,
                          post=expect({ADMIN, HR_A}, ok_status=OK, missing=LOGGED_IN),
                          data=lambda w: {"title": "Trưởng phòng Tổ chức cán bộ", "level": "2", "is_leader": "on"},
                          note="a post outside the user's reach: 404"),
}

UNIT_B = lambda w: {"unit_id": w.unit_b.pk}  # noqa: E731

OPERATIONS: dict[str, Operation] = {
    "POST /api/v1/units": Operation(
        API_ADMIN_WRITE, json=lambda w: {"code": "SNV-VP", "name": "Văn phòng Sở", "kind": "department",
                                         "level": "province", "parent_id": w.unit_a.pk}),
    "PATCH /api/v1/units/{unit_id}": Operation(API_ADMIN_WRITE, params=UNIT_B,
                                               json=lambda w: {"name": "Sở Tài chính Hà Nội"}),
    "POST /api/v1/units/{unit_id}/move": Operation(API_ADMIN_WRITE, params=UNIT_B,
                                                   json=lambda w: {"parent_id": w.unit_a.pk, "on": "2025-06-30"}),
    "POST /api/v1/units/{unit_id}/merge": Operation(
        API_ADMIN_WRITE, params=UNIT_B, json=lambda w: {"successor_id": w.unit_a.pk, "on": "2025-06-30"}),
    "POST /api/v1/units/{unit_id}/dissolve": Operation(API_ADMIN_WRITE, params=UNIT_B,
                                                       json=lambda w: {"on": "2025-06-30"}),
    "DELETE /api/v1/units/{unit_id}": Operation(API_ADMIN_WRITE, params=lambda w: {"unit_id": _spare_or_b(w).pk},
                                                prepare=_spare, note="only a unit nothing refers to"),
}
