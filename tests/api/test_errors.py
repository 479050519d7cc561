"""API errors: one body shape, in the request's language; read tokens refused on any write; paging bounds."""

import pytest

from chidao.core.tokens import api_token_create
from chidao.programs.models import Deliverable, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(users):
    def make(user_key: str, scope: str) -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.mark.parametrize(("language", "detail"), [
    ("vi", "Chưa đăng nhập hoặc mã truy cập không hợp lệ."),
    ("en", "Not signed in, or the access token is not valid."),
])
def test_unauthenticated_is_explained_in_the_request_language(client, program, language, detail):
    response = client.get("/api/v1/programs", HTTP_AUTHORIZATION="Bearer wrong", HTTP_ACCEPT_LANGUAGE=language)
    assert (response.status_code, response.json()) == (401, {"detail": detail})


@pytest.mark.parametrize(("language", "message"), [
    ("vi", "Trường “to_status” bắt buộc phải có."),
    ("en", "Field “to_status” is required."),
])
def test_a_malformed_body_names_the_field(client, token, make_deliverable, language, message):
    d = make_deliverable()
    response = client.post(f"/api/v1/deliverables/{d.pk}/transition", {"version": "x"}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE=language, **token("snv", "write"))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["to_status"] == [message]
    assert body["errors"]["version"] == [
        "Trường “version” phải là số nguyên." if language == "vi" else "Field “version” must be a whole number."]
    assert Deliverable.objects.get(pk=d.pk).status == Status.NOT_STARTED


def test_a_read_token_is_refused_on_a_write_and_nothing_changes(client, token, make_deliverable):
    d = make_deliverable()
    response = client.post(f"/api/v1/deliverables/{d.pk}/transition", {"to_status": "in_progress", "version": 1},
                           content_type="application/json", **token("snv", "read"))
    assert (response.status_code, response.json()) == (403, {"detail": "Mã truy cập này chỉ có quyền đọc."})
    d.refresh_from_db()
    assert (d.status, d.version) == (Status.NOT_STARTED, 1)


def test_paging_is_bounded(client, program, token, make_deliverable):
    for _ in range(3):
        make_deliverable()
    headers = token("office", "read")
    url = f"/api/v1/programs/{program.pk}/deliverables"
    page = client.get(f"{url}?page=2&page_size=2", **headers).json()
    assert (page["count"], [i["code"] for i in page["items"]]) == (3, ["03"])
    assert len(client.get(f"{url}?page_size=1000", **headers).json()["items"]) == 3
    refused = client.get(f"{url}?page=0", **headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"page": ["Trường “page” phải lớn hơn hoặc bằng 1."]}


def test_a_missing_upload_is_named(client, token, make_deliverable):
    d = make_deliverable()
    response = client.post(f"/api/v1/deliverables/{d.pk}/attachments", {}, **token("snv", "write"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["Trường “file” bắt buộc phải có."]}
    assert d.attachments.count() == 0
