"""API: the register of outgoing documents (GET /documents) and the issuing bodies with their signers."""

import datetime as dt

import pytest

from chidao.core import register
from chidao.core.tokens import api_token_create

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def bearer(users):
    def make(user_key: str) -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope="read")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def world(users, units):
    steering = register.issuer_ensure(actor=None, unit=units["tu"], code="BCĐ", name="Ban Chỉ đạo")
    snv = register.issuer_ensure(actor=None, unit=units["snv"], code="SNV", name="Sở Nội vụ")
    chief = register.signer_create(actor=users["admin"], issuer=steering, form="T/M", body="BAN CHỈ ĐẠO",
                                   title="TRƯỞNG BAN", name="Nguyễn Văn An")
    register.document_issue(actor=users["office"], issuer=steering, type_code="BC", title="Tổng kết năm 2024",
                            on=D(2024, 12, 20), signer=chief)
    register.document_issue(actor=users["snv"], issuer=snv, type_code="KH", title="Kế hoạch chuyển đổi",
                            on=D(2025, 2, 3))
    return {"steering": steering, "snv": snv, "chief": chief}


def test_the_register_is_listed_filtered_and_scoped(client, bearer, world):
    items = client.get("/api/v1/documents", **bearer("office")).json()["items"]
    assert [(d["number_text"], d["type_label"], d["signer"]) for d in items] == [
        ("Số: 1/KH-SNV", "Kế hoạch", ""), ("Số 1-BC/BCĐ", "Báo cáo", "T/M BAN CHỈ ĐẠO TRƯỞNG BAN Nguyễn Văn An")]
    found = client.get("/api/v1/documents?q=tong%20ket&year=2024&type_code=BC", **bearer("office")).json()
    assert [d["number_text"] for d in found["items"]] == ["Số 1-BC/BCĐ"]
    mine = client.get("/api/v1/documents", **bearer("snv")).json()["items"]
    assert [d["number_text"] for d in mine] == ["Số: 1/KH-SNV"]
    assert client.get("/api/v1/documents", **bearer("stc")).json()["items"] == []
    assert client.get("/api/v1/documents?type_code=XX", **bearer("office")).status_code == 422
    assert client.get("/api/v1/documents").status_code == 401


def test_issuers_and_signers_are_read_by_the_office_only(client, bearer, world):
    items = client.get("/api/v1/issuers", **bearer("office")).json()["items"]
    assert [(i["code"], i["format"], [s["name"] for s in i["signers"]]) for i in items] == [
        ("BCĐ", "party", ["Nguyễn Văn An"]), ("SNV", "state", [])]
    assert client.get("/api/v1/issuers", **bearer("snv")).status_code == 403
