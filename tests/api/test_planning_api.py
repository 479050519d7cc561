"""API v1 planning (quy hoạch cán bộ): terms, entries of a term, adding under the rules of Regulation
377-QĐ/TW (422 naming the numbers), removal with a reason, the yearly review and key-post coverage."""

import datetime as dt

import pytest

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.personnel import planning, services
from chidao.personnel.models import (
    AccessLog,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    PlanningEntry,
    PlanningTerm,
)

pytestmark = pytest.mark.django_db

JSON = "application/json"
ON = dt.date(2025, 6, 1)


@pytest.fixture
def bearer(users, hr):
    everyone = {**users, "snv_hr": hr["snv"], "stc_hr": hr["stc"]}

    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=everyone[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def term(users):
    return planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)


def _add(users, term, person, position, on=ON):
    return planning.planning_entry_add(actor=users["office"], term=term, person=person, position=position, on=on)


def state() -> tuple[int, int, int, int]:
    """What a refused write must leave as it was (a token's own creation record aside)."""
    return (PlanningTerm.objects.count(), PlanningEntry.objects.count(),
            PlanningEntry.objects.filter(removed_on__isnull=True).count(),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count())


# --- terms ----------------------------------------------------------------------------------------------

def test_terms_listed_with_active_counts_and_paged(client, bearer, users, term, posts, make_person):
    older = planning.planning_term_create(actor=users["office"], name="2020-2025", start_year=2020, end_year=2025)
    _add(users, term, make_person(), posts["snv_head"])
    headers = bearer("office", "read")
    body = client.get("/api/v1/planning/terms", **headers).json()
    assert body == {"count": 2, "items": [
        {"id": term.pk, "name": "2025-2030", "start_year": 2025, "end_year": 2030, "active_count": 1},
        {"id": older.pk, "name": "2020-2025", "start_year": 2020, "end_year": 2025, "active_count": 0}]}
    page = client.get("/api/v1/planning/terms?page=2&page_size=1", **headers).json()
    assert (page["count"], [t["name"] for t in page["items"]]) == (2, ["2020-2025"])
    one = client.get(f"/api/v1/planning/terms/{term.pk}", **headers).json()
    assert (one["name"], one["active_count"]) == ("2025-2030", 1)
    missing = client.get("/api/v1/planning/terms/999999", **headers)
    assert (missing.status_code, missing.json()) == (404, {"detail": "Không tìm thấy nhiệm kỳ quy hoạch."})


@pytest.mark.parametrize("who", ["snv", "steering", "auditor"])
def test_terms_refused_to_those_who_do_not_manage_people(client, bearer, term, who):
    headers = bearer(who, "read")
    response = client.get("/api/v1/planning/terms", **headers)
    assert (response.status_code, response.json()) == (
        403, {"detail": "Bạn không có quyền quản lý quy hoạch cán bộ."})
    assert client.get(f"/api/v1/planning/terms/{term.pk}", **headers).status_code == 403
    assert client.get(f"/api/v1/planning/terms/{term.pk}/entries", **headers).status_code == 403
    assert AccessLog.objects.count() == 0


def test_term_created_by_a_personnel_officer(client, bearer, hr):
    response = client.post("/api/v1/planning/terms", {"name": " 2030-2035 ", "start_year": 2030, "end_year": 2035},
                           content_type=JSON, **bearer("snv_hr"))
    assert response.status_code == 201
    term = PlanningTerm.objects.get()
    assert response.json() == {"id": term.pk, "name": "2030-2035", "start_year": 2030, "end_year": 2035,
                               "active_count": 0}
    assert ChangeRecord.objects.get(content_type__model="planningterm").actor == hr["snv"]


def test_term_create_refusals_change_nothing(client, bearer, term):
    before = state()
    url = "/api/v1/planning/terms"
    good = {"name": "2030-2035", "start_year": 2030, "end_year": 2035}
    assert client.post(url, good, content_type=JSON, **bearer("snv")).status_code == 403
    assert client.post(url, good, content_type=JSON, **bearer("office", "read")).status_code == 403
    same = client.post(url, {**good, "name": "2025-2030"}, content_type=JSON, **bearer("office"))
    assert (same.status_code, same.json()["errors"]) == (422, {"name": ["Nhiệm kỳ 2025-2030 đã có."]})
    backwards = client.post(url, {**good, "end_year": 2030}, content_type=JSON, **bearer("office"))
    assert backwards.json()["errors"] == {"end_year": ["Năm kết thúc (2030) phải sau năm bắt đầu (2030)."]}
    ancient = client.post(url, {**good, "start_year": 1800}, content_type=JSON, **bearer("office"))
    assert (ancient.status_code, list(ancient.json()["errors"])) == (422, ["start_year"])
    assert state() == before


# --- entries -----------------------------------------------------------------------------------------------

def test_entries_of_a_term_in_scope_paged_and_logged(client, bearer, users, term, posts, make_person):
    an = make_person(name="Nguyễn Văn An", post="snv_head")
    binh = make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_head")
    cuong = make_person(name="Lê Văn Cường", post="stc_staff")
    e_an = _add(users, term, an, posts["snv_deputy"])
    e_binh = _add(users, term, binh, posts["snv_director"])
    _add(users, term, cuong, posts["stc_director"])
    body = client.get(f"/api/v1/planning/terms/{term.pk}/entries", **bearer("snv_hr", "read")).json()
    # Highest post first; the Sở Tài chính person is outside the officer's scope
    assert body["count"] == 2
    assert [(e["full_name"], e["position"]) for e in body["items"]] == [
        ("Trần Thị Bình", "Giám đốc Sở Nội vụ"), ("Nguyễn Văn An", "Phó Giám đốc Sở Nội vụ")]
    assert body["items"][1] == {
        "id": e_an.pk, "term_id": term.pk, "person_id": an.pk, "code": an.code, "full_name": "Nguyễn Văn An",
        "current_position": "Trưởng phòng Tổ chức, biên chế", "position_id": posts["snv_deputy"].pk,
        "position": "Phó Giám đốc Sở Nội vụ", "position_unit": "Sở Nội vụ", "level": 3, "added_on": "2025-06-01",
        "added_reason": "", "removed_on": None, "removed_reason": ""}
    assert list(AccessLog.objects.values_list("action", "detail")) == [
        ("planning_view", "api Quy hoạch nhiệm kỳ 2025-2030")]
    page = client.get(f"/api/v1/planning/terms/{term.pk}/entries?page=2&page_size=1", **bearer("office")).json()
    assert (page["count"], [e["full_name"] for e in page["items"]]) == (3, ["Lê Văn Cường"])
    planning.planning_entry_remove(actor=users["office"], entry=e_binh, on=dt.date(2025, 9, 1),
                                   reason="Chuyển công tác")
    removed = client.get(f"/api/v1/planning/terms/{term.pk}/entries?removed=true", **bearer("snv_hr")).json()
    assert [(e["full_name"], e["removed_on"], e["removed_reason"]) for e in removed["items"]] == [
        ("Trần Thị Bình", "2025-09-01", "Chuyển công tác")]
    assert AccessLog.objects.filter(detail="api Đưa ra khỏi quy hoạch nhiệm kỳ 2025-2030").count() == 1


def test_entry_added_by_the_subtree_officer(client, bearer, hr, term, posts, make_person):
    person = make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_head")
    response = client.post(f"/api/v1/planning/terms/{term.pk}/entries", {
        "person_id": person.pk, "position_id": posts["snv_deputy"].pk, "on": "2025-06-01",
        "reason": "Nghị quyết số 5 của Ban Thường vụ"}, content_type=JSON, **bearer("snv_hr"))
    assert response.status_code == 201
    entry = PlanningEntry.objects.get()
    assert response.json() == {
        "id": entry.pk, "term_id": term.pk, "person_id": person.pk, "code": person.code, "full_name": "Trần Thị Bình",
        "current_position": "Trưởng phòng Tổ chức, biên chế", "position_id": posts["snv_deputy"].pk,
        "position": "Phó Giám đốc Sở Nội vụ", "position_unit": "Sở Nội vụ", "level": 3, "added_on": "2025-06-01",
        "added_reason": "Nghị quyết số 5 của Ban Thường vụ", "removed_on": None, "removed_reason": ""}
    record = ChangeRecord.objects.get(content_type__model="planningentry")
    assert (record.actor, record.action, record.reason) == (hr["snv"], "create", "Nghị quyết số 5 của Ban Thường vụ")


def test_a_full_post_is_refused_with_the_numbers(client, bearer, users, term, posts, make_person):
    people = [make_person(name=f"Nguyễn Văn {n}", post="snv_head") for n in ("An", "Bình", "Cường", "Dũng")]
    for person in people[:3]:
        _add(users, term, person, posts["snv_director"])
    before = state()
    response = client.post(f"/api/v1/planning/terms/{term.pk}/entries", {
        "person_id": people[3].pk, "position_id": posts["snv_director"].pk, "on": "2025-06-01"},
        content_type=JSON, **bearer("office"))
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Chức danh “Giám đốc Sở Nội vụ” đã có 3 người trong quy hoạch nhiệm kỳ 2025-2030; mỗi chức danh "
                  "quy hoạch không quá 3 người.",
        "errors": {"position": ["Chức danh “Giám đốc Sở Nội vụ” đã có 3 người trong quy hoạch nhiệm kỳ 2025-2030; "
                                "mỗi chức danh quy hoạch không quá 3 người."]}}
    assert state() == before


def test_too_close_to_retirement_and_a_lower_post_are_refused(client, bearer, term, posts, make_person):
    person = make_person(post="snv_head", born=dt.date(1975, 5, 20))  # pension from 01/06/2037
    before = state()
    url = f"/api/v1/planning/terms/{term.pk}/entries"
    late = client.post(url, {"person_id": person.pk, "position_id": posts["snv_director"].pk, "on": "2032-06-02"},
                       content_type=JSON, **bearer("office"))
    assert late.json()["errors"] == {"person": [
        "Không đủ thời gian công tác ít nhất một nhiệm kỳ: từ ngày 02/06/2032 đến ngày nghỉ hưu 01/06/2037 còn 59 "
        "tháng, cần ít nhất 60 tháng."]}
    lower = client.post(url, {"person_id": person.pk, "position_id": posts["snv_head"].pk, "on": "2025-06-01"},
                        content_type=JSON, **bearer("office"))
    assert lower.json()["errors"] == {"position": [
        "Chỉ quy hoạch vào chức danh cao hơn: “Trưởng phòng Tổ chức, biên chế” (trưởng phòng và tương đương) không "
        "cao hơn chức danh hiện nay “Trưởng phòng Tổ chức, biên chế” (trưởng phòng và tương đương)."]}
    staff = client.post(url, {"person_id": person.pk, "position_id": posts["snv_staff"].pk, "on": "2025-06-01"},
                        content_type=JSON, **bearer("office"))
    assert staff.json()["errors"] == {"position_id": ["Không có chức danh lãnh đạo, quản lý này để quy hoạch."]}
    assert state() == before


def test_entry_add_refusals_change_nothing(client, bearer, term, posts, make_person):
    person = make_person(post="snv_head")
    url = f"/api/v1/planning/terms/{term.pk}/entries"
    good = {"person_id": person.pk, "position_id": posts["snv_deputy"].pk, "on": "2025-06-01"}
    before = state()
    outside = client.post(url, good, content_type=JSON, **bearer("stc_hr"))
    assert (outside.status_code, outside.json()["errors"]) == (
        422, {"person_id": ["Không tìm thấy hồ sơ này trong phạm vi bạn quản lý."]})
    assert client.post(url, good, content_type=JSON, **bearer("snv")).status_code == 403
    assert client.post(url, good, content_type=JSON, **bearer("snv_hr", "read")).status_code == 403
    assert client.post("/api/v1/planning/terms/999999/entries", good, content_type=JSON,
                       **bearer("office")).status_code == 404
    odd = client.post(url, {**good, "on": "9999-12-31"}, content_type=JSON, **bearer("office"))
    assert (odd.status_code, list(odd.json()["errors"])) == (422, ["on"])
    assert state() == before


def test_entry_removed_with_a_reason_and_kept(client, bearer, users, term, posts, make_person):
    entry = _add(users, term, make_person(post="snv_head"), posts["snv_deputy"])
    url = f"/api/v1/planning/entries/{entry.pk}/remove"
    before = state()
    no_reason = client.post(url, {"on": "2025-09-01", "reason": "  "}, content_type=JSON, **bearer("snv_hr"))
    assert (no_reason.status_code, no_reason.json()["errors"]) == (
        422, {"reason": ["Nhập lý do đưa ra khỏi quy hoạch."]})
    early = client.post(url, {"on": "2025-01-01", "reason": "Nghỉ"}, content_type=JSON, **bearer("snv_hr"))
    assert early.json()["errors"] == {"removed_on": [
        "Ngày đưa ra (01/01/2025) không được trước ngày đưa vào quy hoạch (01/06/2025)."]}
    outside = client.post(url, {"on": "2025-09-01", "reason": "Nghỉ"}, content_type=JSON, **bearer("stc_hr"))
    assert (outside.status_code, outside.json()) == (
        404, {"detail": "Không tìm thấy mục quy hoạch hoặc bạn không có quyền xem."})
    assert client.post(url, {"on": "2025-09-01", "reason": "Nghỉ"}, content_type=JSON,
                       **bearer("snv_hr", "read")).status_code == 403
    assert state() == before
    done = client.post(url, {"on": "2025-09-01", "reason": "Chuyển công tác"}, content_type=JSON, **bearer("snv_hr"))
    assert done.status_code == 200
    assert (done.json()["id"], done.json()["removed_on"], done.json()["removed_reason"]) == (
        entry.pk, "2025-09-01", "Chuyển công tác")
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removed_reason) == (dt.date(2025, 9, 1), "Chuyển công tác")
    again = client.post(url, {"on": "2025-10-01", "reason": "Lần nữa"}, content_type=JSON, **bearer("snv_hr"))
    assert again.json()["errors"] == {"removed_on": ["Người này đã được đưa ra khỏi quy hoạch ngày 01/09/2025."]}


# --- review and coverage -------------------------------------------------------------------------------------

def test_review_proposes_removal_after_a_discipline_and_is_logged(client, bearer, users, term, posts, make_person):
    person = make_person(name="Hoàng Văn Em", post="snv_head")
    entry = _add(users, term, person, posts["snv_director"], on=dt.date(2025, 1, 10))
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.PARTY,
                            form=DisciplineForm.WARNING, decided_on=dt.date(2025, 6, 1), decided_by="UBKT Thành ủy")
    url = f"/api/v1/planning/terms/{term.pk}/review"
    body = client.get(f"{url}?on=2025-07-01", **bearer("snv_hr", "read")).json()
    assert body == {"count": 1, "items": [{
        "entry_id": entry.pk, "person_id": person.pk, "full_name": "Hoàng Văn Em",
        "position_id": posts["snv_director"].pk, "position": "Giám đốc Sở Nội vụ", "kind": "discipline",
        "reason": "Bị kỷ luật cảnh cáo theo quyết định ngày 01/06/2025 (chưa được quy hoạch đến hết ngày 31/05/2030).",
        "basis": "Quy định 50-QĐ/TW ngày 27/12/2021 về công tác quy hoạch cán bộ"}]}
    assert list(AccessLog.objects.values_list("action", "detail")) == [
        ("planning_view", "api Rà soát quy hoạch nhiệm kỳ 2025-2030")]
    assert client.get(f"{url}?on=2026-06-01", **bearer("snv_hr", "read")).json()["count"] == 0
    assert client.get(f"{url}?on=2025-07-01", **bearer("stc_hr", "read")).json()["count"] == 0
    assert client.get(f"{url}?on=01/07/2025", **bearer("snv_hr", "read")).status_code == 422


def test_coverage_of_key_posts_women_and_young(client, bearer, users, term, posts, make_person):
    young_woman = make_person(name="Trần Thị Mai", gender=Gender.FEMALE, born=dt.date(1985, 4, 1), post="snv_head")
    man = make_person(name="Vũ Văn Hùng", born=dt.date(1975, 5, 20), post="snv_head")
    _add(users, term, young_woman, posts["snv_director"])
    _add(users, term, man, posts["snv_director"])
    _add(users, term, man, posts["stc_director"])
    body = client.get(f"/api/v1/planning/terms/{term.pk}/coverage?on=2025-06-01", **bearer("office", "read")).json()
    assert body["on"] == "2025-06-01"
    assert [(r["position"], r["count"], r["women"], r["women_percent"], r["women_met"], r["young"],
             r["young_percent"], r["young_met"]) for r in body["rows"]] == [
        ("Giám đốc Sở Nội vụ", 2, 1, 50.0, True, 1, 50.0, True),
        ("Giám đốc Sở Tài chính", 1, 0, 0.0, False, 0, 0.0, False),
        ("Phó Giám đốc Sở Nội vụ", 0, 0, None, False, 0, None, False),
    ]
    assert body["total"] == {
        "position_id": None, "position": None, "unit": None, "count": 3, "max_people": 3, "women": 1, "young": 1,
        "women_percent": 33.3, "young_percent": 33.3, "women_target": 25, "young_target": 15, "women_met": True,
        "young_met": True}
    mine = client.get(f"/api/v1/planning/terms/{term.pk}/coverage?on=2025-06-01", **bearer("snv_hr", "read")).json()
    assert [r["position"] for r in mine["rows"]] == ["Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ"]
    assert client.get(f"/api/v1/planning/terms/{term.pk}/coverage", **bearer("auditor", "read")).status_code == 403
