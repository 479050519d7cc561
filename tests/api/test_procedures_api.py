"""API v1 for procedures: the counts endpoint with exact values and clear errors; list and detail."""

import datetime as dt

import pytest

from chidao.core.tokens import api_token_create
from chidao.procedures.models import ItemAction

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def headers(proc_users):
    _token, raw = api_token_create(user=proc_users["auditor"], name="test", scope="read")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def registry(make_procedure, make_decision):
    a, b, c = make_procedure(), make_procedure(name="Đăng ký khai sinh", field="Hộ tịch", unit="ward"), make_procedure()
    d = make_procedure(field="Giáo dục và Đào tạo", unit="sgd")
    make_decision("1/QĐ", D(2020, 3, 1), [(a, ItemAction.NEW, None), (b, ItemAction.NEW, None)])
    make_decision("2/QĐ", D(2021, 4, 1), [(c, ItemAction.REPLACED, a), (d, ItemAction.NEW, None)])
    make_decision("3/QĐ", D(2021, 9, 1), [(d, ItemAction.AMENDED, None), (b, ItemAction.ABOLISHED, None)])
    return {"a": a, "b": b, "c": c, "d": d}


def test_counts_for_a_year_and_a_unit(client, headers, registry, proc_units):
    body = client.get("/api/v1/procedures/counts?year=2021", **headers).json()
    assert body == {"year": 2021, "unit": None, "start": "2021-01-01", "end": "2021-12-31", "published": 1,
                    "amended": 1, "replaced": 1, "abolished": 1, "in_force": 2}
    ubnd = proc_units["ubnd"].pk
    scoped = client.get(f"/api/v1/procedures/counts?year=2021&unit={ubnd}", **headers).json()
    assert {k: scoped[k] for k in ("unit", "published", "amended", "replaced", "abolished", "in_force")} == {
        "unit": ubnd, "published": 1, "amended": 1, "replaced": 1, "abolished": 0, "in_force": 2}
    assert client.get("/api/v1/procedures/counts?year=2020", **headers).json()["in_force"] == 2


@pytest.mark.parametrize("query, message", [
    ("", "Tham số year phải là năm có 4 chữ số, ví dụ year=2021 (nhận được “”)."),
    ("year=21", "Tham số year phải là năm có 4 chữ số, ví dụ year=2021 (nhận được “21”)."),
    ("year=2021&unit=999999", "Không có đơn vị id=999999."),
    ("year=2021&unit=abc", "Không có đơn vị id=abc."),
])
def test_counts_errors_are_clear(client, headers, registry, query, message):
    response = client.get(f"/api/v1/procedures/counts?{query}", **headers)
    assert response.status_code == 422
    assert response.json()["detail"] == message


def test_anonymous_is_refused(client, registry):
    assert client.get("/api/v1/procedures/counts?year=2021").status_code == 401


def test_list_and_detail(client, headers, registry):
    listed = client.get("/api/v1/procedures?q=khai+sinh", **headers).json()
    assert [(p["code"], p["status"]) for p in listed["items"]] == [(registry["b"].code, "abolished")]
    assert client.get("/api/v1/procedures?page=1", **headers).json()["count"] == 4
    detail = client.get(f"/api/v1/procedures/{registry['a'].pk}", **headers).json()
    assert (detail["status"], detail["status_decision"]) == ("replaced", "2/QĐ")
    assert [(i["decision"], i["action"], i["replaces_code"]) for i in detail["items"]] == [
        ("1/QĐ", "new", None), ("2/QĐ", "replaced", registry["a"].code)]
    assert client.get("/api/v1/procedures/999999", **headers).status_code == 404
