"""API v1 people endpoints: same scope as the pages, no sensitive field in lists, every record view logged."""

import pytest

from chidao.core.tokens import api_token_create
from chidao.personnel.models import AccessLog, Gender, Rating
from tests.personnel import conftest as personnel

# The personnel fixtures (unit tree, personnel officers, posts, person factory).
tree, hr, posts, make_person = personnel.tree, personnel.hr, personnel.posts, personnel.make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer(users, hr):
    everyone = {**users, "snv_hr": hr["snv"], "stc_hr": hr["stc"]}

    def make(user_key: str, scope: str = "read") -> dict[str, str]:
        _token, raw = api_token_create(user=everyone[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def people(make_person):
    return {
        "snv": make_person(name="Đinh Tiến Dũng", post="snv_director", phone="0912000001", email="d@snv.invalid",
                           address="12 Hàng Bài", id_number="001075000001"),
        "snv_division": make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_staff"),
        "stc": make_person(name="Lê Văn An", post="stc_staff", phone="0912000003"),
    }


def test_list_in_scope_sorted_and_without_sensitive_fields(client, bearer, people):
    response = client.get("/api/v1/people", **bearer("snv_hr"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(p["full_name"], p["unit"]) for p in body["items"]] == [
        ("Trần Thị Bình", "Phòng Tổ chức, biên chế"), ("Đinh Tiến Dũng", "Sở Nội vụ")]
    assert not {"phone", "email", "address", "id_number"} & set(body["items"][0])
    assert list(AccessLog.objects.values_list("action", "detail")) == [("list", "api")]


def test_list_search_and_unit_filter(client, bearer, tree, people):
    headers = bearer("admin")
    found = client.get("/api/v1/people?q=dinh%20tien%20dung", **headers).json()
    assert [p["full_name"] for p in found["items"]] == ["Đinh Tiến Dũng"]
    by_unit = client.get(f"/api/v1/people?unit={tree['stc'].pk}", **headers).json()
    assert [p["full_name"] for p in by_unit["items"]] == ["Lê Văn An"]


def test_detail_with_sensitive_fields_for_the_subtree_officer(client, bearer, people):
    person = people["snv"]
    Rating.objects.create(person=person, year=2024, level="excellent")
    body = client.get(f"/api/v1/people/{person.pk}", **bearer("snv_hr")).json()
    assert (body["full_name"], body["sensitive_shown"], body["phone"], body["id_number"]) == (
        "Đinh Tiến Dũng", True, "0912000001", "001075000001")
    assert body["ratings"] == [{"year": 2024, "level": "excellent"}]
    assert [a["position"] for a in body["assignments"]] == ["Giám đốc Sở Nội vụ"]
    assert list(AccessLog.objects.values_list("person", "action", "detail")) == [(person.pk, "view", "api")]


def test_office_gets_the_record_without_sensitive_fields(client, bearer, people):
    body = client.get(f"/api/v1/people/{people['snv'].pk}", **bearer("office")).json()
    assert (body["sensitive_shown"], body["phone"], body["email"], body["address"], body["id_number"]) == (
        False, None, None, None, None)
    assert AccessLog.objects.filter(action="view").count() == 1


def test_outside_scope_is_404_and_not_logged(client, bearer, people):
    response = client.get(f"/api/v1/people/{people['stc'].pk}", **bearer("snv_hr"))
    assert response.status_code == 404
    assert "Lê Văn An" not in response.content.decode()
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("role", ["snv", "steering", "auditor"])
def test_other_roles_get_nothing_and_nothing_is_logged(client, bearer, people, role):
    headers = bearer(role)
    assert client.get("/api/v1/people", **headers).status_code == 403
    assert client.get(f"/api/v1/people/{people['snv'].pk}", **headers).status_code == 404
    assert AccessLog.objects.count() == 0


def test_anonymous_is_refused(client, people):
    assert client.get("/api/v1/people").status_code == 401
    assert client.get(f"/api/v1/people/{people['snv'].pk}").status_code == 401
