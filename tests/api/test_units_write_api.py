"""API v1 writes on the unit tree: create, edit, move, merge, dissolve, delete (administrators)."""

import pytest

from chidao.core.models import ChangeRecord, Unit
from chidao.core.tokens import api_token_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state() -> list[tuple]:
    return [*Unit.objects.order_by("pk").values_list("pk", "code", "name", "parent_id", "valid_to", "headcount"),
            ("records", ChangeRecord.objects.count())]


def test_create_a_department_inside_an_agency(client, units, bearer):
    response = client.post("/api/v1/units", {"code": "SNV-VP", "name": "Văn phòng Sở", "kind": "department",
                                             "level": "province", "parent_id": units["snv"].pk, "headcount": 9},
                           content_type=JSON, **bearer("admin"))
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["parent"], body["headcount"], body["valid_from"]) == (
        "SNV-VP", "Sở Nội vụ", 9, None)
    assert Unit.objects.get(code="SNV-VP").parent == units["snv"]


def test_create_refusals_are_422_with_field_messages_and_change_nothing(client, units, bearer):
    admin = bearer("admin")
    before = _state()
    response = client.post("/api/v1/units", {"code": "snv", "name": "Trùng mã", "kind": "department",
                                             "level": "province"}, content_type=JSON, **admin)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "code": ["Mã đơn vị “snv” đã được dùng (không phân biệt chữ hoa, chữ thường)."]}
    response = client.post("/api/v1/units", {"code": "X", "name": "X", "kind": "ministry", "level": "province"},
                           content_type=JSON, **admin)
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    assert _state() == before


def test_a_non_administrator_is_refused(client, units, bearer):
    office, officer = bearer("office"), bearer("snv")
    before = _state()
    response = client.post("/api/v1/units", {"code": "X1", "name": "X", "kind": "department", "level": "province"},
                           content_type=JSON, **office)
    assert response.status_code == 403
    assert client.delete(f"/api/v1/units/{units['stp'].pk}", **officer).status_code == 403
    assert _state() == before


def test_a_read_token_may_not_write(client, units, bearer):
    reader = bearer("admin", "read")
    before = _state()
    response = client.patch(f"/api/v1/units/{units['stp'].pk}", {"name": "Tên mới"}, content_type=JSON, **reader)
    assert response.status_code == 403
    assert _state() == before


def test_patch_renames_only_the_fields_sent(client, units, bearer):
    response = client.patch(f"/api/v1/units/{units['stp'].pk}", {"name": "Sở Tư pháp Hà Nội", "headcount": 50},
                            content_type=JSON, **bearer("admin"))
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["kind"], body["headcount"]) == (
        "STP", "Sở Tư pháp Hà Nội", "department", 50)


def test_move_under_its_own_descendant_is_422(client, units, tree, bearer):
    admin = bearer("admin")
    before = _state()
    response = client.post(f"/api/v1/units/{units['snv'].pk}/move",
                           {"parent_id": tree["snv_division"].pk, "on": "2025-09-01"}, content_type=JSON, **admin)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "parent": ["Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó."]}
    assert _state() == before
    response = client.post(f"/api/v1/units/{tree['snv_division'].pk}/move",
                           {"parent_id": units["stc"].pk, "on": "2025-09-01"}, content_type=JSON, **bearer("admin"))
    assert response.status_code == 200 and response.json()["parent_id"] == units["stc"].pk


def test_merge_into_a_new_successor_answers_the_successor(client, units, bearer):
    response = client.post(f"/api/v1/units/{units['stc'].pk}/merge", {
        "unit_ids": [units["stp"].pk], "on": "2025-02-28",
        "new_successor": {"code": "STCTP", "name": "Sở Tài chính - Tư pháp", "kind": "department",
                          "level": "province", "parent_id": units["city"].pk}}, content_type=JSON, **bearer("admin"))
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["valid_from"], body["predecessor_ids"]) == (
        "STCTP", "2025-03-01", sorted([units["stc"].pk, units["stp"].pk]))
    detail = client.get(f"/api/v1/units/{units['stc'].pk}", **bearer("admin")).json()
    assert (detail["valid_to"], detail["successor_ids"]) == ("2025-02-28", [body["id"]])


def test_dissolve_then_dissolve_again_is_422(client, units, bearer):
    admin = bearer("admin")
    url = f"/api/v1/units/{units['stp'].pk}/dissolve"
    response = client.post(url, {"on": "2025-12-31", "successor_ids": [units["snv"].pk]}, content_type=JSON,
                           **bearer("admin"))
    assert response.status_code == 200
    assert (response.json()["valid_to"], response.json()["successor_ids"]) == ("2025-12-31", [units["snv"].pk])
    before = _state()
    response = client.post(url, {"on": "2026-01-31"}, content_type=JSON, **admin)
    assert response.status_code == 422
    assert response.json()["errors"] == {"on": ["Đơn vị “Sở Tư pháp” đã thôi hoạt động từ 31/12/2025."]}
    assert _state() == before


def test_delete_only_what_nothing_refers_to(client, units, posts, bearer):
    admin = bearer("admin")
    before = _state()
    response = client.delete(f"/api/v1/units/{units['stc'].pk}", **admin)
    assert response.status_code == 422
    assert response.json()["detail"] == "Đơn vị đã có người, chức danh hoặc nhiệm vụ; chỉ có thể giải thể"
    assert _state() == before
    unit = Unit.objects.create(code="NHAM", name="Nhập nhầm", kind="department", level="province")
    assert client.delete(f"/api/v1/units/{unit.pk}", **admin).status_code == 204
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert client.delete("/api/v1/units/999999", **admin).status_code == 404
