"""The signed-in user's API token page: list their own, create one (its secret shown once), revoke their own."""

import pytest

from chidao.core.models import ApiToken, ChangeRecord
from chidao.core.tokens import api_token_create

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/ma-truy-cap/"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_the_page_lists_only_the_users_own_tokens_without_their_secret(login, users):
    mine, raw = api_token_create(user=users["snv"], name="Đồng bộ báo cáo", scope="write")
    api_token_create(user=users["stc"], name="Của Sở Tài chính", scope="read")
    response = login(users["snv"]).get(URL)
    assert response.status_code == 200
    assert list(response.context["tokens"]) == [mine]
    html = response.content.decode()
    assert "Đồng bộ báo cáo" in html and f"<code>{mine.prefix}…</code>" in html and "Đọc và ghi" in html
    assert "Của Sở Tài chính" not in html
    assert raw not in html and mine.digest not in html
    assert 'data-testid="new-token"' not in html
    # The user menu links to the page
    assert 'href="/tai-khoan/ma-truy-cap/" data-testid="api-tokens-link"' in html


def test_a_new_token_is_shown_once_and_works(login, users, client):
    # When the officer creates a read token
    response = login(users["snv"]).post(URL, {"name": "Bảng theo dõi", "scope": "read"})
    # Then the answer shows its secret once, and it is never cached
    assert response.status_code == 200
    token = ApiToken.objects.get(user=users["snv"])
    raw = response.context["raw_token"]
    assert (token.name, token.scope, token.digest) == ("Bảng theo dõi", "read", ApiToken.digest_of(raw))
    assert f'<code data-testid="raw-token">{raw}</code>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert ChangeRecord.objects.filter(content_type__model="apitoken", action="create").count() == 1
    # It authenticates on the API with its scope, and the page does not show it again
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["token_scope"] == "read"
    assert raw not in client.get(URL).content.decode()


def test_an_invalid_token_form_writes_nothing(login, users):
    client = login(users["snv"])
    response = client.post(URL, {"name": "  ", "scope": "read"})
    assert (response.status_code, response.context["form"].errors) == (422, {"name": ["Trường này là bắt buộc."]})
    bad_scope = client.post(URL, {"name": "x", "scope": "admin"})
    assert (bad_scope.status_code, list(bad_scope.context["form"].errors)) == (422, ["scope"])
    assert ApiToken.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_the_user_revokes_their_own_token_only(login, users):
    mine, raw = api_token_create(user=users["snv"], name="Của tôi", scope="read")
    theirs, _raw = api_token_create(user=users["stc"], name="Của người khác", scope="read")
    client = login(users["snv"])
    # Another user's token: not found, unchanged
    assert client.post(f"{URL}{theirs.pk}/thu-hoi/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    # Revoking is a POST
    assert client.get(f"{URL}{mine.pk}/thu-hoi/").status_code == 405
    response = client.post(f"{URL}{mine.pk}/thu-hoi/", follow=True)
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert "Đã thu hồi mã truy cập “Của tôi”." in response.content.decode()
    assert f'data-testid="revoke-{mine.pk}"' not in response.content.decode()
    assert ChangeRecord.objects.filter(content_type__model="apitoken", action="update",
                                       object_id=str(mine.pk)).count() == 1
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    # Revoking again says so and changes nothing
    client.force_login(users["snv"])
    again = client.post(f"{URL}{mine.pk}/thu-hoi/", follow=True)
    assert "Mã truy cập này đã bị thu hồi." in again.content.decode()
    assert ChangeRecord.objects.filter(content_type__model="apitoken", action="update").count() == 1
