"""API v1 system endpoints: the caller, the unit tree, notifications, API tokens and the change log."""

import datetime as dt

import pytest

from chidao.core.models import ApiToken, ChangeRecord, Notification, Unit, UnitKind, UnitLevel
from chidao.core.tokens import api_token_create
from tests.conftest import at

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def test_me_says_who_the_caller_is_and_the_tokens_scope(client, users, units, bearer):
    body = client.get("/api/v1/me", **bearer("snv", "read")).json()
    assert body == {"id": users["snv"].pk, "username": "officer_snv", "full_name": "officer_snv",
                    "role": "lead_officer", "role_label": "Cán bộ đơn vị chủ trì", "unit_id": units["snv"].pk,
                    "unit": "Sở Nội vụ", "reads_all": False, "token_scope": "read",
                    "grants": [{"role": "lead_officer", "role_label": "Cán bộ đơn vị chủ trì",
                                "unit_id": units["snv"].pk, "unit": "Sở Nội vụ"}]}
    client.force_login(users["auditor"])
    session = client.get("/api/v1/me").json()
    assert (session["username"], session["unit"], session["reads_all"], session["token_scope"]) == (
        "auditor", None, True, None)


def test_me_needs_authentication(client, users):
    assert client.get("/api/v1/me").status_code == 401


# --- Units --------------------------------------------------------------------------------------------------


def test_units_come_in_tree_order_with_their_depth(client, units, bearer):
    body = client.get("/api/v1/units", **bearer("snv", "read")).json()
    assert body["count"] == 6
    assert [(u["code"], u["depth"]) for u in body["items"]] == [
        ("HN", 0), ("BTCTU", 1), ("SNV", 1), ("STC", 1), ("STP", 1), ("TU", 1)]
    first = body["items"][1]
    assert first == {"id": units["btc"].pk, "code": "BTCTU", "name": "Ban Tổ chức Thành ủy", "short_name": "",
                     "kind": "party_body", "level": "province", "parent_id": units["city"].pk, "valid_from": None,
                     "valid_to": None, "official_code": "", "headcount": None, "depth": 1}


def test_units_filter_without_diacritics_by_kind_parent_and_date(client, units, bearer):
    headers = bearer("snv", "read")
    Unit.objects.create(code="SKHDT", name="Sở Kế hoạch và Đầu tư", kind=UnitKind.DEPARTMENT,
                                 level=UnitLevel.PROVINCE, parent=units["city"], valid_to=D(2025, 2, 28))

    def codes(query: str) -> list[str]:
        return [u["code"] for u in client.get(f"/api/v1/units?{query}", **headers).json()["items"]]

    assert codes("q=thanh+uy") == ["BTCTU", "TU"]
    assert codes("q=SỞ+tư") == ["SKHDT", "STP"]  # "Sở Kế hoạch và Đầu tư", "Sở Tư pháp"
    assert codes("kind=department") == ["SKHDT", "SNV", "STC", "STP"]
    assert codes(f"parent={units['city'].pk}&q=ke+hoach") == ["SKHDT"]
    assert codes("on=2025-03-01&kind=department") == ["SNV", "STC", "STP"]
    paged = client.get("/api/v1/units?page=2&page_size=5", **headers).json()
    assert (paged["count"], [u["code"] for u in paged["items"]]) == (7, ["STP", "TU"])
    # Odd values are refused, not crashed on: a NUL character, an id beyond any database integer, a timestamp
    assert client.get("/api/v1/units?q=%00", **headers).json()["errors"] == {"q": ["Trường “q” không hợp lệ."]}
    assert client.get("/api/v1/units?parent=99999999999999999999", **headers).status_code == 422
    assert client.get("/api/v1/units?on=0", **headers).json()["errors"] == {
        "on": ["Trường “on” phải là ngày dạng YYYY-MM-DD."]}
    bad = client.get("/api/v1/units?kind=ward", **headers)
    assert (bad.status_code, bad.json()["errors"]["kind"][0][:40]) == (422, "Giá trị “ward” không hợp lệ; chọn một tr")


def test_one_unit_with_its_tree_neighbours(client, units, bearer):
    merged = Unit.objects.create(code="SNV2", name="Sở Nội vụ (mới)", kind=UnitKind.DEPARTMENT,
                                 level=UnitLevel.PROVINCE, parent=units["city"])
    units["snv"].successors.add(merged)
    body = client.get(f"/api/v1/units/{units['snv'].pk}", **bearer("stc", "read")).json()
    assert {k: body[k] for k in ("code", "parent", "child_ids", "successor_ids", "predecessor_ids")} == {
        "code": "SNV", "parent": "Thành phố Hà Nội", "child_ids": [], "successor_ids": [merged.pk],
        "predecessor_ids": []}
    city = client.get(f"/api/v1/units/{units['city'].pk}", **bearer("stc", "read")).json()
    assert city["child_ids"] == sorted(u.pk for u in Unit.objects.filter(parent=units["city"]))
    assert client.get("/api/v1/units/999999", **bearer("stc", "read")).status_code == 404


# --- Notifications ------------------------------------------------------------------------------------------


def _notify(user, day, subject, read=False, items=()):
    return Notification.objects.create(user=user, kind="reminder_digest", day=day, subject=subject, body=subject,
                                       items=list(items), created_at=at(day.year, day.month, day.day, 7),
                                       read_at=at(day.year, day.month, day.day, 8) if read else None)


def test_notifications_are_the_callers_own_and_marked_read_like_the_page(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2021, 6, 30))
    item = {"deliverable_id": d.pk, "program_number": "01-CTr/TU", "code": d.code, "title": d.title,
            "deadline": "2021-06-30", "days_overdue": 12, "days_left": 0}
    old = _notify(users["snv"], D(2021, 7, 11), "Cũ", read=True)
    new = _notify(users["snv"], D(2021, 7, 12), "Mới", items=[item])
    other = _notify(users["stc"], D(2021, 7, 12), "Của Sở Tài chính")
    listed = client.get("/api/v1/notifications", **bearer("snv", "read")).json()
    assert [n["id"] for n in listed["items"]] == [new.pk, old.pk]
    assert listed["items"][0]["items"] == [{**item, "deadline": "2021-06-30"}]
    unread = client.get("/api/v1/notifications?unread=true", **bearer("snv", "read")).json()
    assert [n["subject"] for n in unread["items"]] == ["Mới"]
    # A read token may not mark anything read
    assert client.post("/api/v1/notifications/read", content_type=JSON, **bearer("snv", "read")).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    marked = client.post("/api/v1/notifications/read", content_type=JSON, **bearer("snv"))
    assert (marked.status_code, marked.json()) == (200, {"marked": 1})
    new.refresh_from_db()
    other.refresh_from_db()
    assert new.read_at is not None and other.read_at is None


# --- API tokens ---------------------------------------------------------------------------------------------


def test_a_token_is_created_shown_once_and_works(client, users):
    client.force_login(users["snv"])
    response = client.post("/api/v1/tokens", {"name": "  Báo cáo tự động ", "scope": "read"}, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(name="Báo cáo tự động")
    assert {k: body[k] for k in ("id", "name", "prefix", "scope", "active", "last_used_at", "revoked_at")} == {
        "id": token.pk, "name": "Báo cáo tự động", "prefix": body["token"][:10], "scope": "read", "active": True,
        "last_used_at": None, "revoked_at": None}
    assert token.digest == ApiToken.digest_of(body["token"])
    client.logout()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}").json()
    assert (me["username"], me["token_scope"]) == ("officer_snv", "read")
    # Listed without the secret
    listed = client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {body['token']}").json()
    assert listed["count"] == 1 and "token" not in listed["items"][0] and "digest" not in listed["items"][0]


def test_token_creation_checks_its_input_and_refuses_a_read_token(client, users, bearer):
    headers = bearer("snv", "read")
    before = ApiToken.objects.count()
    assert client.post("/api/v1/tokens", {"name": "x", "scope": "write"}, content_type=JSON,
                       **headers).status_code == 403
    client.force_login(users["snv"])
    scope = client.post("/api/v1/tokens", {"name": "x", "scope": "admin"}, content_type=JSON)
    assert (scope.status_code, scope.json()["errors"]) == (
        422, {"scope": ["Quyền “admin” không hợp lệ; chọn một trong: read, write."]})
    blank = client.post("/api/v1/tokens", {"name": "   "}, content_type=JSON)
    assert blank.json()["errors"] == {"name": ["Cần đặt tên cho mã truy cập."]}
    assert ApiToken.objects.count() == before


def test_a_user_lists_and_revokes_only_their_own_tokens(client, users, bearer):
    mine, raw = api_token_create(user=users["snv"], name="của tôi", scope="read")
    theirs, _raw = api_token_create(user=users["stc"], name="của người khác", scope="read")
    headers = bearer("snv")
    listed = client.get("/api/v1/tokens", **headers).json()
    assert sorted(t["name"] for t in listed["items"]) == ["của tôi", "test"]
    # Another user's token is not found, and stays active
    assert client.post(f"/api/v1/tokens/{theirs.pk}/revoke", **headers).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    # A read token may not revoke
    assert client.post(f"/api/v1/tokens/{mine.pk}/revoke", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    mine.refresh_from_db()
    assert mine.revoked_at is None
    revoked = client.post(f"/api/v1/tokens/{mine.pk}/revoke", **headers)
    assert (revoked.status_code, revoked.json()["active"]) == (200, False)
    record = ChangeRecord.objects.get(content_type__model="apitoken", object_id=str(mine.pk), action="update")
    assert (record.actor, record.before, record.reason) == (users["snv"], {"revoked_at": None}, "Thu hồi mã truy cập")
    # The revoked token no longer authenticates; revoking again is refused
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    again = client.post(f"/api/v1/tokens/{mine.pk}/revoke", **headers)
    assert (again.status_code, again.json()["errors"]) == (422, {"__all__": ["Mã truy cập này đã bị thu hồi."]})
    active = client.get("/api/v1/tokens?active=true", **headers).json()
    assert [t["name"] for t in active["items"]] == ["test"]


# --- Change log ---------------------------------------------------------------------------------------------


def test_the_change_log_is_read_by_administrators_and_auditors_only(client, users, program, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    ChangeRecord.objects.filter(content_type__model="program").update(at=at(2021, 3, 17))
    ChangeRecord.objects.filter(content_type__model="deliverable").update(at=at(2021, 3, 30))
    headers = bearer("auditor", "read")
    deliverables = client.get("/api/v1/change-records?object_type=programs.deliverable", **headers).json()
    assert deliverables["count"] == 1
    entry = deliverables["items"][0]
    assert {k: entry[k] for k in ("actor", "action", "action_label", "object_type", "object_id", "object_repr")} == {
        "actor": "office", "action": "create", "action_label": "tạo mới", "object_type": "programs.deliverable",
        "object_id": str(d.pk), "object_repr": str(d)}
    assert entry["after"]["title"] == "Đề án thử số 1" and entry["before"] is None
    by_admin = client.get(f"/api/v1/change-records?actor={users['admin'].pk}&until=2021-03-20", **headers).json()
    assert [r["object_type"] for r in by_admin["items"]] == ["programs.program"]
    since = client.get("/api/v1/change-records?since=2021-03-30&until=2021-03-30", **headers).json()
    assert [r["object_type"] for r in since["items"]] == ["programs.deliverable"]
    paged = client.get("/api/v1/change-records?page_size=1&object_type=programs.program", **bearer("admin", "read"))
    assert (paged.status_code, paged.json()["count"], len(paged.json()["items"])) == (200, 1, 1)
    refused = client.get("/api/v1/change-records", **bearer("office", "read"))
    assert (refused.status_code, refused.json()["detail"]) == (
        403, "Chỉ quản trị hệ thống và cán bộ kiểm tra, giám sát được xem nhật ký thay đổi.")
    bad = client.get("/api/v1/change-records?object_type=deliverable", **headers)
    assert (bad.status_code, bad.json()["errors"]) == (422, {"object_type": [
        "Loại đối tượng phải có dạng <ứng dụng>.<mô hình>, ví dụ programs.deliverable."]})
