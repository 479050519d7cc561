"""API v1 account administration (/api/v1/users): administrators only (403 for anyone else, nothing changed);
list with the page's filters, create (temporary password returned once), read, change, stop/restart, grants,
password reset and the Excel import, with the services' Vietnamese messages on 422."""

import pytest
from django.core import mail

from chidao.core.models import ApiToken, ChangeRecord, Role, RoleGrant, User
from chidao.core.tokens import api_token_create
from tests.core.accounts_fixtures import users_workbook

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def bearer(users):
    def make(key: str = "admin", scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state() -> tuple[object, ...]:
    return (sorted(User.objects.values_list("username", "email", "role", "unit_id", "is_active", "password")),
            sorted(RoleGrant.objects.values_list("user_id", "role", "unit_id")),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count())


def test_list_with_filters_sorted_by_name(client, bearer, users, units):
    response = client.get("/api/v1/users", {"role": "lead_officer", "unit": units["stc"].pk}, **bearer())
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["items"][0] == {
        "id": users["stc"].pk, "username": "officer_stc", "full_name": "officer_stc", "email": "", "phone": "",
        "role": "lead_officer", "role_label": "Cán bộ đơn vị chủ trì", "unit_id": units["stc"].pk,
        "unit": "Sở Tài chính", "is_active": True, "must_change_password": False, "last_login": None, "grants": []}
    names = [u["username"] for u in client.get("/api/v1/users", {"q": "officer"}, **bearer()).json()["items"]]
    assert names == ["officer_snv", "officer_stc", "officer_stp"]
    refused = client.get("/api/v1/users", {"role": "boss"}, **bearer())
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["role"]


def test_create_returns_the_temporary_password_once(client, bearer, units):
    response = client.post("/api/v1/users", {"username": "tranthib", "full_name": "Trần Thị B",
                                             "role": "personnel", "unit_id": units["stc"].pk},
                           content_type=JSON, **bearer())
    assert response.status_code == 201
    data = response.json()
    user = User.objects.get(username="tranthib")
    assert (data["id"], data["role"], data["unit"], data["link_sent_to"], data["must_change_password"]) == (
        user.pk, "personnel", "Sở Tài chính", None, True)
    assert user.check_password(data["temporary_password"])
    again = client.get(f"/api/v1/users/{user.pk}", **bearer()).json()
    assert "temporary_password" not in again


def test_create_with_email_sends_the_link(client, bearer, units, password_urls):
    response = client.post("/api/v1/users", {"username": "nguyenvana", "email": "a@hanoi.gov.vn",
                                             "role": "lead_officer", "unit_id": units["snv"].pk},
                           content_type=JSON, **bearer())
    assert response.status_code == 201
    assert (response.json()["temporary_password"], response.json()["link_sent_to"]) == (None, "a@hanoi.gov.vn")
    assert mail.outbox[0].to == ["a@hanoi.gov.vn"]


def test_create_refused_with_vietnamese_messages(client, bearer, units):
    before = _state()
    response = client.post("/api/v1/users", {"username": "OFFICER_snv", "role": "reform",
                                             "unit_id": units["tu"].pk}, content_type=JSON, **bearer())
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "username": ["Tên đăng nhập “OFFICER_snv” trùng với tài khoản “officer_snv” (không phân biệt hoa thường, "
                     "dấu)."],
        "role": ["Vai trò “Cơ quan cải cách hành chính” không phù hợp với loại đơn vị “Cấp ủy đảng” (Thành ủy Hà "
                 "Nội)."]}
    missing = client.post("/api/v1/users", {"username": "x", "role": "lead_officer", "unit_id": 999999},
                          content_type=JSON, **bearer())
    assert (missing.status_code, missing.json()["errors"]) == (422, {"unit_id": ["Không có đơn vị id=999999."]})
    assert _state() == before


def test_patch_changes_only_what_is_sent(client, bearer, users, units):
    pk = users["snv"].pk
    response = client.patch(f"/api/v1/users/{pk}", {"phone": "0912 000 111", "reason": "Cập nhật"},
                            content_type=JSON, **bearer())
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["role"], response.json()["unit_id"]) == (
        "0912 000 111", "lead_officer", units["snv"].pk)
    refused = client.patch(f"/api/v1/users/{users['admin'].pk}", {"role": "auditor"}, content_type=JSON,
                           **bearer())
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"role": [
        "Đây là tài khoản quản trị hệ thống cuối cùng còn hoạt động; hãy giao quyền quản trị cho người khác trước."]}


def test_deactivate_revokes_tokens_and_reactivate(client, bearer, users):
    officer_token = bearer("snv")
    pk = users["snv"].pk
    response = client.post(f"/api/v1/users/{pk}/deactivate", {"reason": "Nghỉ hưu"}, content_type=JSON,
                           **bearer())
    assert (response.status_code, response.json()["is_active"]) == (200, False)
    assert client.get("/api/v1/me", **officer_token).status_code == 401
    assert not ApiToken.objects.filter(user=users["snv"], revoked_at__isnull=True).exists()
    response = client.post(f"/api/v1/users/{pk}/reactivate", **bearer())
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    assert client.get("/api/v1/me", **officer_token).status_code == 401


def test_grants_add_and_remove(client, bearer, users, units):
    pk = users["snv"].pk
    response = client.post(f"/api/v1/users/{pk}/grants", {"role": "personnel", "unit_id": units["stc"].pk},
                           content_type=JSON, **bearer())
    assert response.status_code == 201
    grant = response.json()
    assert {k: grant[k] for k in ("role", "role_label", "unit")} == {
        "role": "personnel", "role_label": "Cán bộ tổ chức", "unit": "Sở Tài chính"}
    assert client.get(f"/api/v1/users/{pk}", **bearer()).json()["grants"] == [grant]
    other = client.delete(f"/api/v1/users/{users['stc'].pk}/grants/{grant['id']}", **bearer())
    assert other.status_code == 404  # not that user's grant
    assert client.delete(f"/api/v1/users/{pk}/grants/{grant['id']}", **bearer()).status_code == 204
    assert not RoleGrant.objects.exists()


def test_password_reset_returns_a_temporary_password(client, bearer, users):
    response = client.post(f"/api/v1/users/{users['snv'].pk}/password", {"temporary": True}, content_type=JSON,
                           **bearer())
    assert response.status_code == 200
    users["snv"].refresh_from_db()
    assert users["snv"].check_password(response.json()["temporary_password"])


def test_import_all_or_nothing(client, bearer, users):
    file = users_workbook([["nguyenvana", "Nguyễn Văn A", "", "", "lead_officer", "SNV"]])
    response = client.post("/api/v1/users/import", {"file": file}, **bearer())
    assert response.status_code == 200
    data = response.json()
    assert (data["counts"], data["dry_run"], [a["username"] for a in data["accounts"]]) == (
        {"created": 1}, False, ["nguyenvana"])
    assert User.objects.get(username="nguyenvana").check_password(data["accounts"][0]["temporary_password"])
    before = _state()
    again = client.post("/api/v1/users/import", {"file": users_workbook(
        [["nguyenvana", "", "", "", "lead_officer", "SNV"]])}, **bearer())
    assert again.status_code == 422
    assert again.json()["rows"] == [{"sheet": "Người dùng", "row": 2, "column": "Tên đăng nhập", "message":
                                     "Tên đăng nhập “nguyenvana” trùng với tài khoản “nguyenvana” (không phân biệt "
                                     "hoa thường, dấu)."}]
    assert _state() == before


def test_everyone_else_is_refused_and_nothing_changes(client, bearer, users, units):
    grant = RoleGrant.objects.create(user=users["snv"], role=Role.PERSONNEL, unit=units["stc"])
    pk = users["snv"].pk
    before = _state()
    headers = bearer("office")
    calls = [
        client.get("/api/v1/users", **headers),
        client.get(f"/api/v1/users/{pk}", **headers),
        client.post("/api/v1/users", {"username": "x", "role": "auditor"}, content_type=JSON, **headers),
        client.patch(f"/api/v1/users/{pk}", {"phone": "0912000111"}, content_type=JSON, **headers),
        client.post(f"/api/v1/users/{pk}/deactivate", {}, content_type=JSON, **headers),
        client.post(f"/api/v1/users/{pk}/reactivate", **headers),
        client.post(f"/api/v1/users/{pk}/password", {}, content_type=JSON, **headers),
        client.post(f"/api/v1/users/{pk}/grants", {"role": "auditor"}, content_type=JSON, **headers),
        client.delete(f"/api/v1/users/{pk}/grants/{grant.pk}", **headers),
        client.post("/api/v1/users/import", {"file": users_workbook([])}, **headers),
    ]
    assert [r.status_code for r in calls] == [403] * 10
    assert calls[0].json() == {"detail": "Chỉ quản trị hệ thống được quản lý tài khoản người dùng."}
    assert _state() == before
