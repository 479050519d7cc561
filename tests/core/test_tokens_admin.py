"""API tokens: their expiry (chosen at creation, refused once past), no write token for a role that may not
write (the auditor), and the administrators' list and revocation of anyone's tokens (page and API)."""

import datetime as dt

import pytest
from django.utils import timezone

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ApiToken, ChangeRecord, Role, RoleGrant
from chidao.core.permissions import can_hold_write_token, can_manage_tokens
from chidao.core.tokens import TokenFilters, api_token_create, api_token_list_all, api_token_revoke

pytestmark = pytest.mark.django_db

OWN = "/tai-khoan/ma-truy-cap/"
ADMIN_PAGE = "/quan-tri/ma-truy-cap/"
JSON = "application/json"


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))


# --- Expiry ---------------------------------------------------------------------------------------------------


def test_a_token_lives_the_most_days_unless_asked_for_fewer(users, settings):
    settings.CHIDAO_TOKEN_DAYS = 90
    before = timezone.now()
    longest, _raw = api_token_create(user=users["snv"], name="Mặc định", scope="read")
    short, _raw = api_token_create(user=users["snv"], name="Một tuần", scope="read", days=7)
    after = timezone.now()
    assert before + dt.timedelta(days=90) <= longest.expires_at <= after + dt.timedelta(days=90)
    assert before + dt.timedelta(days=7) <= short.expires_at <= after + dt.timedelta(days=7)
    record = ChangeRecord.objects.get(object_id=str(short.pk), content_type__model="apitoken")
    assert record.after == {"name": "Một tuần", "scope": "read", "expires_at": short.expires_at.isoformat()}


@pytest.mark.parametrize("days", [0, -1, 91, 10_000])
def test_a_life_outside_one_to_the_most_days_is_refused(users, settings, days):
    settings.CHIDAO_TOKEN_DAYS = 90
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=users["snv"], name="Sai hạn", scope="read", days=days)
    assert caught.value.message_dict == {"days": ["Thời hạn của mã truy cập phải từ 1 đến 90 ngày."]}
    assert ApiToken.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_an_expired_token_is_refused_like_an_unknown_one(client, users):
    token, raw = api_token_create(user=users["snv"], name="Cũ", scope="read", days=1)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    _expire(token)
    expired = client.get("/api/v1/me", **_bearer(raw))
    unknown = client.get("/api/v1/me", **_bearer("cd_khong-co-ma-nay"))
    assert (expired.status_code, expired.json()) == (unknown.status_code, unknown.json())
    assert expired.status_code == 401


def test_the_own_page_shows_the_expiry_and_marks_expired_tokens(client, users):
    # Given a token of the officer expiring at 9:30 on 31 March 2027 (Hà Nội), and one already expired
    fresh, _raw = api_token_create(user=users["snv"], name="Mới", scope="read", days=30)
    ApiToken.objects.filter(pk=fresh.pk).update(
        expires_at=dt.datetime(2027, 3, 31, 2, 30, tzinfo=dt.UTC))  # 09:30 in Asia/Ho_Chi_Minh
    old, _raw = api_token_create(user=users["snv"], name="Cũ", scope="read")
    _expire(old)
    client.force_login(users["snv"])
    html = client.get(OWN).content.decode()
    # Then the expiry is in dd/mm/yyyy HH:MM local time, and the expired one is marked (and can still be revoked)
    assert f'<td data-testid="expires-{fresh.pk}">31/03/2027 09:30</td>' in html
    assert f'data-testid="expired-{old.pk}">Đã hết hạn</span>' in html
    assert f'data-testid="expired-{fresh.pk}"' not in html
    assert f'data-testid="revoke-{old.pk}"' in html


def test_the_page_creates_a_token_with_a_shorter_life_or_says_why_not(client, users, settings):
    settings.CHIDAO_TOKEN_DAYS = 90
    client.force_login(users["snv"])
    refused = client.post(OWN, {"name": "Thử", "scope": "read", "days": "120"})
    assert (refused.status_code, refused.context["form"].errors) == (
        422, {"days": ["Thời hạn của mã truy cập phải từ 1 đến 90 ngày."]})
    assert ApiToken.objects.count() == 0
    made = client.post(OWN, {"name": "Thử", "scope": "read", "days": "30"})
    assert made.status_code == 200
    token = ApiToken.objects.get()
    assert abs((token.expires_at - token.created_at) - dt.timedelta(days=30)) < dt.timedelta(seconds=5)


def test_the_api_creates_a_token_with_its_life(client, users):
    _t, raw = api_token_create(user=users["snv"], name="Ghi", scope="write")
    response = client.post("/api/v1/tokens", {"name": "Máy chủ", "scope": "read", "days": 7}, content_type=JSON,
                           **_bearer(raw))
    assert response.status_code == 201
    body = response.json()
    assert (body["active"], body["expired"], body["username"]) == (True, False, "officer_snv")
    token = ApiToken.objects.get(pk=body["id"])
    assert abs((token.expires_at - token.created_at) - dt.timedelta(days=7)) < dt.timedelta(seconds=5)
    assert abs(dt.datetime.fromisoformat(body["expires_at"]) - token.expires_at) < dt.timedelta(milliseconds=1)
    bad = client.post("/api/v1/tokens", {"name": "Máy chủ", "scope": "read", "days": 0}, content_type=JSON,
                      **_bearer(raw))
    assert (bad.status_code, bad.json()["errors"]) == (
        422, {"days": ["Thời hạn của mã truy cập phải từ 1 đến 90 ngày."]})
    assert ApiToken.objects.count() == 2


# --- The auditor gets no write token -----------------------------------------------------------------------------


def test_who_may_hold_a_write_token(users):
    assert {key: can_hold_write_token(u) for key, u in users.items()} == {
        "admin": True, "office": True, "steering": True, "auditor": False, "snv": True, "stc": True, "stp": True}


def test_an_auditor_with_another_grant_may_hold_one(users):
    auditor = users["auditor"]
    RoleGrant.objects.create(user=auditor, role=Role.LEAD_OFFICER, unit=users["snv"].unit)
    auditor.grants_clear()
    assert can_hold_write_token(auditor) is True


def test_the_service_refuses_a_write_token_to_the_auditor(users):
    with pytest.raises(ValidationError) as caught:
        api_token_create(user=users["auditor"], name="Ghi", scope="write")
    assert caught.value.message_dict == {
        "scope": ["Vai trò của bạn chỉ được xem, không được ghi: chỉ tạo được mã “Chỉ đọc”."]}
    assert ApiToken.objects.count() == 0
    assert ChangeRecord.objects.count() == 0


def test_the_auditors_page_offers_no_write_token_and_refuses_one(client, users):
    client.force_login(users["auditor"])
    page = client.get(OWN)
    html = page.content.decode()
    assert '<option value="write"' not in html and '<option value="read" selected>Chỉ đọc</option>' in html
    assert "Vai trò của bạn chỉ được xem nên chỉ tạo được mã “Chỉ đọc”." in html
    refused = client.post(OWN, {"name": "Ghi", "scope": "write"})
    assert (refused.status_code, refused.context["form"].errors) == (
        422, {"scope": ["Vai trò của bạn chỉ được xem, không được ghi: chỉ tạo được mã “Chỉ đọc”."]})
    assert ApiToken.objects.count() == 0
    # A read token is made
    assert client.post(OWN, {"name": "Đọc", "scope": "read"}).status_code == 200
    assert list(ApiToken.objects.values_list("scope", flat=True)) == ["read"]


def test_the_officers_page_offers_a_write_token(client, users):
    client.force_login(users["snv"])
    assert '<option value="write">Đọc và ghi</option>' in client.get(OWN).content.decode()


def test_the_auditor_gets_no_write_token_through_the_api_session(client, users):
    client.force_login(users["auditor"])
    response = client.post("/api/v1/tokens", {"name": "Ghi", "scope": "write"}, content_type=JSON)
    assert (response.status_code, response.json()["errors"]) == (
        422, {"scope": ["Vai trò của bạn chỉ được xem, không được ghi: chỉ tạo được mã “Chỉ đọc”."]})
    assert ApiToken.objects.count() == 0


# --- Administrators list and revoke anyone's ----------------------------------------------------------------


@pytest.fixture
def three(users):
    """A working token of officer A, an expired one of officer B, a revoked one of the office."""
    a, raw_a = api_token_create(user=users["snv"], name="Của Sở Nội vụ", scope="write")
    b, _raw = api_token_create(user=users["stc"], name="Của Sở Tài chính", scope="read")
    _expire(b)
    c, _raw = api_token_create(user=users["office"], name="Của Văn phòng", scope="read")
    api_token_revoke(actor=users["office"], token=c)
    return {"a": a, "b": b, "c": c, "raw_a": raw_a}


def test_only_administrators_manage_tokens(users):
    assert {key: can_manage_tokens(u) for key, u in users.items()} == {
        "admin": True, "office": False, "steering": False, "auditor": False, "snv": False, "stc": False,
        "stp": False}


def test_the_administrators_list_filters_by_user_and_state(users, three):
    admin = users["admin"]
    assert list(api_token_list_all(actor=admin)) == [three["c"], three["b"], three["a"]]
    assert list(api_token_list_all(actor=admin, filters=TokenFilters(user=users["stc"].pk))) == [three["b"]]
    assert list(api_token_list_all(actor=admin, filters=TokenFilters(state="active"))) == [three["a"]]
    assert list(api_token_list_all(actor=admin, filters=TokenFilters(state="expired"))) == [three["b"]]
    assert list(api_token_list_all(actor=admin, filters=TokenFilters(state="revoked"))) == [three["c"]]
    with pytest.raises(PermissionDenied):
        api_token_list_all(actor=users["office"])


def test_the_administrators_page(client, users, three):
    client.force_login(users["admin"])
    page = client.get(ADMIN_PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert all(f'data-testid="token-{three[k].pk}"' in html for k in "abc")
    assert "officer_snv" in html and "officer_stc" in html
    expired = client.get(ADMIN_PAGE, {"state": "expired"}).content.decode()
    assert f'data-testid="token-{three["b"].pk}"' in expired and f'data-testid="token-{three["a"].pk}"' not in expired
    theirs = client.get(ADMIN_PAGE, {"user": users["snv"].pk}).content.decode()
    assert f'data-testid="token-{three["a"].pk}"' in theirs and f'data-testid="token-{three["b"].pk}"' not in theirs
    # The own token page links to it
    assert 'data-testid="admin-tokens-link"' in client.get(OWN).content.decode()


def test_others_may_not_open_the_administrators_page(client, users, three):
    for key in ("office", "auditor", "snv"):
        client.force_login(users[key])
        assert client.get(ADMIN_PAGE).status_code == 403
        assert 'data-testid="admin-tokens-link"' not in client.get(OWN).content.decode()


def test_an_administrator_revokes_anyones_token_and_the_record_names_them(client, users, three):
    a = three["a"]
    client.force_login(users["admin"])
    response = client.post(f"{ADMIN_PAGE}{a.pk}/thu-hoi/", follow=True)
    assert "Đã thu hồi mã truy cập “Của Sở Nội vụ”." in response.content.decode()
    a.refresh_from_db()
    assert a.revoked_at is not None
    record = ChangeRecord.objects.filter(content_type__model="apitoken", object_id=str(a.pk), action="update").get()
    assert record.actor_id == users["admin"].pk
    assert (record.after["revoked_by"], record.after["owner"]) == ("admin", "officer_snv")
    client.logout()
    assert client.get("/api/v1/me", **_bearer(three["raw_a"])).status_code == 401


def test_others_may_not_revoke_another_users_token(client, users, three):
    a = three["a"]
    client.force_login(users["office"])
    before = ChangeRecord.objects.count()
    assert client.post(f"{ADMIN_PAGE}{a.pk}/thu-hoi/").status_code == 403
    assert client.post(f"{OWN}{a.pk}/thu-hoi/").status_code == 404
    a.refresh_from_db()
    assert a.revoked_at is None
    assert ChangeRecord.objects.count() == before
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=users["office"], token=a)


def test_the_api_lists_another_users_tokens_for_administrators_only(client, users, three):
    _t, admin_raw = api_token_create(user=users["admin"], name="Quản trị", scope="write")
    _t, office_raw = api_token_create(user=users["office"], name="Văn phòng", scope="write")
    snv = users["snv"].pk
    listed = client.get(f"/api/v1/tokens?user={snv}", **_bearer(admin_raw)).json()
    assert [t["id"] for t in listed["items"]] == [three["a"].pk]
    everyone = client.get("/api/v1/tokens?everyone=true&expired=true", **_bearer(admin_raw)).json()
    assert [t["id"] for t in everyone["items"]] == [three["b"].pk]
    own = client.get("/api/v1/tokens", **_bearer(admin_raw)).json()
    assert [t["name"] for t in own["items"]] == ["Quản trị"]
    # Others: 403 for another's, their own as before
    refused = client.get(f"/api/v1/tokens?user={snv}", **_bearer(office_raw))
    assert refused.status_code == 403
    assert client.get("/api/v1/tokens?everyone=true", **_bearer(office_raw)).status_code == 403
    office_own = client.get(f"/api/v1/tokens?user={users['office'].pk}&active=false", **_bearer(office_raw)).json()
    assert [t["id"] for t in office_own["items"]] == [three["c"].pk]


@pytest.mark.parametrize("how", ["post", "delete"])
def test_the_api_revokes_anyones_token_for_administrators(client, users, three, how):
    _t, admin_raw = api_token_create(user=users["admin"], name="Quản trị", scope="write")
    a = three["a"]
    url = f"/api/v1/tokens/{a.pk}/revoke" if how == "post" else f"/api/v1/tokens/{a.pk}"
    response = getattr(client, how)(url, **_bearer(admin_raw))
    assert (response.status_code, response.json()["active"]) == (200, False)
    a.refresh_from_db()
    assert a.revoked_at is not None
    record = ChangeRecord.objects.filter(content_type__model="apitoken", object_id=str(a.pk), action="update").get()
    assert record.actor_id == users["admin"].pk


@pytest.mark.parametrize("how", ["post", "delete"])
def test_the_api_hides_another_users_token_from_others(client, users, three, how):
    _t, raw = api_token_create(user=users["stc"], name="Ghi", scope="write")
    a = three["a"]
    url = f"/api/v1/tokens/{a.pk}/revoke" if how == "post" else f"/api/v1/tokens/{a.pk}"
    before = ChangeRecord.objects.count()
    assert getattr(client, how)(url, **_bearer(raw)).status_code == 404
    a.refresh_from_db()
    assert a.revoked_at is None
    assert ChangeRecord.objects.count() == before
