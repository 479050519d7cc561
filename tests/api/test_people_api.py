"""API v1 people endpoints: same scope as the pages, no sensitive field in lists, every record view logged."""

import datetime as dt
import io
import zipfile

import pytest

from chidao.core.tokens import api_token_create
from chidao.personnel.models import AccessLog, Gender, Rating

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
    rating = Rating.objects.create(person=person, year=2024, level="excellent")
    body = client.get(f"/api/v1/people/{person.pk}", **bearer("snv_hr")).json()
    assert (body["full_name"], body["sensitive_shown"], body["phone"], body["id_number"]) == (
        "Đinh Tiến Dũng", True, "0912000001", "001075000001")
    assert body["ratings"] == [{"id": rating.pk, "year": 2024, "level": "excellent"}]
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


# --- No sensitive value in any GET response for those who may not see it ------------------------------------

SENTINELS = {"phone": "SENTINEL-PH-7731", "email": "sentinel-7731@secret.invalid", "address": "SENTINEL-ADDR-7731",
             "id_number": "SENTINEL-ID-7731"}
RELATIVE_SENTINELS = {k: v.replace("7731", "7732") for k, v in SENTINELS.items()}


def _text(response) -> str:
    """The raw body; an .xlsx is a zip of XML parts, so every part is read."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return response.content.decode()


@pytest.fixture
def sentinel_world(users, tree, posts, make_person):
    """A deputy head of Sở Nội vụ with sentinel values in every sensitive field, a relative (with sentinels
    too), a rating, a planning entry, then a discipline (so the review proposes removal), and an access-log row."""
    from chidao.personnel import planning, services

    person = make_person(name="Đinh Tiến Dũng", post="snv_deputy", **SENTINELS)
    relative = make_person(name="Đinh Tiến Minh", born=dt.date(2000, 2, 2), post="snv_staff", **RELATIVE_SENTINELS)
    services.relative_link(actor=users["admin"], person=person, relative=relative, relation="child")
    services.rating_set(actor=users["admin"], person=person, year=2024, level="good")
    term = planning.planning_term_create(actor=users["admin"], name="2025-2030", start_year=2025, end_year=2030)
    planning.planning_entry_add(actor=users["admin"], term=term, person=person, position=posts["snv_director"],
                                on=dt.date(2025, 1, 10))
    services.discipline_add(actor=users["admin"], person=person, system="party", form="canh_cao",
                            decided_on=dt.date(2025, 6, 1), decided_by="UBKT")
    AccessLog.objects.create(user=users["admin"], person=person, action="view", detail="page")
    p, t, post = person.pk, term.pk, posts["snv_director"].pk
    return {"person": person, "urls": [
        "/api/v1/people", "/api/v1/people?q=dinh", f"/api/v1/people/{p}", f"/api/v1/people/{p}/flags",
        "/api/v1/people/export", "/api/v1/people/template", "/api/v1/positions", f"/api/v1/positions/{post}",
        "/api/v1/planning/terms", f"/api/v1/planning/terms/{t}", f"/api/v1/planning/terms/{t}/entries",
        f"/api/v1/planning/terms/{t}/entries?removed=true", f"/api/v1/planning/terms/{t}/review?on=2025-07-01",
        f"/api/v1/planning/terms/{t}/coverage?on=2025-07-01", "/api/v1/access-log", f"/api/v1/access-log?person={p}",
    ]}


# The status of each GET above (same order) per role without access to the sensitive fields: what each
# role is refused stays refused, and what it reads is read (so the check below is not vacuous).
EXPECTED_STATUSES = {
    "office": [200] * 14 + [403, 403],
    "stc_hr": [200, 200, 404, 404, 200, 200, 200, 404] + [200] * 6 + [403, 403],
    "steering": [403, 403, 404, 404, 403, 200, 200, 404] + [403] * 6 + [403, 403],
    "snv": [403, 403, 404, 404, 403, 200, 200, 404] + [403] * 6 + [403, 403],
    "auditor": [403, 403, 404, 404, 403, 200, 200, 404] + [403] * 6 + [200, 200],
}


@pytest.mark.parametrize("role", list(EXPECTED_STATUSES))
def test_no_get_endpoint_shows_a_sensitive_value_to_a_role_without_access(client, bearer, sentinel_world, role):
    # Given records whose sensitive fields hold sentinel values
    headers = bearer(role)
    # When a role that may not see them reads every GET endpoint of the people API
    statuses = []
    for url in sentinel_world["urls"]:
        response = client.get(url, **headers)
        statuses.append(response.status_code)
        body = _text(response)
        # Then no sentinel appears anywhere in the raw body (JSON, or every XML part of a workbook)
        for name, value in [*SENTINELS.items(), *RELATIVE_SENTINELS.items()]:
            assert value not in body, (url, name)
    assert statuses == EXPECTED_STATUSES[role]


@pytest.mark.parametrize("role", ["admin", "snv_hr"])
def test_those_who_may_see_the_sensitive_values_do(client, bearer, sentinel_world, role):
    person = sentinel_world["person"]
    detail = client.get(f"/api/v1/people/{person.pk}", **bearer(role)).json()
    assert {name: detail[name] for name in SENTINELS} == SENTINELS
    export = _text(client.get("/api/v1/people/export", **bearer(role)))
    assert SENTINELS["phone"] in export and SENTINELS["email"] in export


def test_list_goes_on_after_a_cursor(client, bearer, people, make_person):
    # Given four people the administrator sees, two a page (names in Vietnamese order: An, Bình, Dũng, Em)
    make_person(name="Hoàng Văn Em", post="stc_staff")
    headers = bearer("admin")
    first = client.get("/api/v1/people?page_size=2", **headers).json()
    assert [p["full_name"] for p in first["items"]] == ["Lê Văn An", "Trần Thị Bình"]
    assert first["count"] == 4
    # When the caller passes the page's `next` as `after`
    second = client.get("/api/v1/people", {"page_size": 2, "after": first["next"]}, **headers).json()
    # Then exactly the next two, and no `next` after the last
    assert ([p["full_name"] for p in second["items"]], second["next"]) == (["Đinh Tiến Dũng", "Hoàng Văn Em"], None)
    # And page 2 by number gives the same rows
    assert client.get("/api/v1/people?page_size=2&page=2", **headers).json()["items"] == second["items"]


def test_an_altered_cursor_is_refused_with_a_message(client, bearer, people):
    headers = bearer("admin")
    cursor = client.get("/api/v1/people?page_size=1", **headers).json()["next"]
    response = client.get("/api/v1/people", {"after": cursor[:-3] + "xyz"}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "after": ["Liên kết trang không hợp lệ hoặc đã bị sửa. Hãy mở lại danh sách từ trang đầu."]}


def test_access_log_names_the_units_of_a_page_in_one_query(client, bearer, users, tree, people):
    # Given one list view filtered by a unit in the access log
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["admin"])
    client.get(f"/can-bo/?unit={tree['snv'].pk}")
    headers = bearer("admin")

    def read() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/access-log", **headers).json()
        return len(ctx.captured_queries), [i["detail_text"] for i in body["items"] if "Sở Nội vụ" in i["detail_text"]]

    one, named = read()
    assert len(named) == 1
    # When four more such views are logged
    for _ in range(4):
        client.get(f"/can-bo/?unit={tree['snv'].pk}")
    five, named = read()
    # Then the API names the unit on each row with the same number of queries (it read the unit once per row before)
    assert (len(named), five) == (5, one)
