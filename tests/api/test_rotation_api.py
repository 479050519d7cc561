"""API v1 rotation: rounds, due lists and plans through the same services and scope as the pages."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.personnel.models import AccessLog, Assignment, Gender, Person
from chidao.rotation import plan
from chidao.rotation.models import DueEntry, Move, MoveSource, RotationRound, RoundState
from chidao.rotation.rules import BASIS_FLAGGED, BASIS_PERIODIC_CHANGE

# The rotation fixtures (unit tree, personnel officers, posts, people, rounds), visible from tests/api.

pytestmark = pytest.mark.django_db
JSON = "application/json"
# Why Ban Tổ chức's vacant post fits Bình (the reasons an alternative carries).
BTC_REASONS = ["Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
               "Sang cơ quan khác cùng địa phương: Ban Tổ chức Thành ủy (+20 điểm khác biệt)",
               "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)", "Vị trí đang trống"]


@pytest.fixture
def bearer(users, hr):
    everyone = {**users, "snv_hr": hr["snv"], "stc_hr": hr["stc"]}

    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=everyone[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state() -> tuple[int, int, int, int]:
    """Rounds, due entries, moves and change records (other than the tests' own API tokens)."""
    return (RotationRound.objects.count(), DueEntry.objects.count(), Move.objects.count(),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count())


@pytest.fixture
def snv_people(make_person):
    """Sở Nội vụ on 01/06/2025: one person due, one not yet due, a leader (not a target); one of Sở Tài chính."""
    return {
        "due": make_person(name="Trần Văn Bình", since=dt.date(2020, 1, 1)),
        "not_yet": make_person(name="Lê Thị Cúc", gender=Gender.FEMALE, since=dt.date(2023, 1, 1)),
        "head": make_person(name="Vũ Văn Giang", post="snv_head"),
        "outside": make_person(name="Ngô Văn Khoa", post="stc_staff", since=dt.date(2019, 1, 1)),
    }


@pytest.fixture
def built(snv_people, make_round, users):
    """A periodic-change round of Sở Nội vụ with its due list built."""
    from chidao.rotation import due

    rnd = make_round(scope="snv")
    due.due_list_build(actor=users["office"], round=rnd)
    return rnd


# --- rounds -------------------------------------------------------------------------------------------


def test_round_list_in_scope_and_paginated(client, bearer, make_round):
    # Given a round of SNV and two of STC
    snv = make_round(scope="snv", name="Đợt SNV")
    make_round(scope="stc", name="Đợt STC 1")
    make_round(scope="stc", name="Đợt STC 2")

    # Then the office sees all three, one per page when asked
    body = client.get("/api/v1/rotation/rounds?page_size=1&page=3", **bearer("office", "read")).json()
    assert (body["count"], [r["name"] for r in body["items"]]) == (3, ["Đợt SNV"])
    # And SNV's personnel officer only SNV's, with its figures
    mine = client.get("/api/v1/rotation/rounds", **bearer("snv_hr", "read")).json()
    assert mine["items"] == [{
        "id": snv.pk, "name": "Đợt SNV", "year": 2025, "kind": "periodic_change", "scope_id": snv.scope_id,
        "scope": "Sở Nội vụ", "state": "draft", "as_of": "2025-06-01", "effective_on": None,
        "unit_cap_percent": 20, "decision_number": "", "entry_count": 0, "due_count": 0, "included_count": 0}]
    # And a lead officer gets nothing
    refused = client.get("/api/v1/rotation/rounds", **bearer("snv", "read"))
    assert refused.status_code == 403


def test_round_create_with_exact_values(client, bearer, tree, hr):
    body = {"name": "Chuyển đổi vị trí  2025", "year": 2025, "kind": "periodic_change",
            "scope_id": tree["snv"].pk, "as_of": "2025-06-01", "unit_cap_percent": 30}
    response = client.post("/api/v1/rotation/rounds", body, content_type=JSON, **bearer("snv_hr"))
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("name", "year", "kind", "scope", "state", "as_of", "unit_cap_percent", "editable",
                                 "counts")} == {
        "name": "Chuyển đổi vị trí 2025", "year": 2025, "kind": "periodic_change", "scope": "Sở Nội vụ",
        "state": "draft", "as_of": "2025-06-01", "unit_cap_percent": 30, "editable": True,
        "counts": {"due": 0, "deferred": 0, "not_yet": 0, "exempt": 0, "not_target": 0, "total": 0, "included": 0}}
    rnd = RotationRound.objects.get(pk=data["id"])
    assert (rnd.scope, rnd.created_by) == (tree["snv"], hr["snv"])
    assert ChangeRecord.objects.filter(content_type__model="rotationround", object_id=str(rnd.pk)).count() == 1


def test_round_create_refusals_change_nothing(client, bearer, tree):
    before = _state()
    body = {"name": "Đợt", "year": 2025, "kind": "rotation", "scope_id": tree["snv"].pk, "as_of": "2025-06-01"}
    # Another subtree's personnel officer, a lead officer, and a read token are refused
    assert client.post("/api/v1/rotation/rounds", body, content_type=JSON, **bearer("stc_hr")).status_code == 403
    assert client.post("/api/v1/rotation/rounds", body, content_type=JSON, **bearer("snv")).status_code == 403
    assert client.post("/api/v1/rotation/rounds", body, content_type=JSON,
                       **bearer("office", "read")).status_code == 403
    # Invalid input answers 422 in Vietnamese
    wrong_kind = client.post("/api/v1/rotation/rounds", {**body, "kind": "promotion"}, content_type=JSON,
                             **bearer("office"))
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["errors"] == {"kind": [
        "Giá trị “promotion” không hợp lệ; chọn một trong: periodic_change, rotation."]}
    invalid = client.post("/api/v1/rotation/rounds", {**body, "name": " ", "as_of": "2023-05-01"}, content_type=JSON,
                          **bearer("office"))
    assert invalid.status_code == 422
    assert invalid.json()["errors"] == {"name": ["Nhập tên đợt."],
                                        "as_of": ["Ngày tính (01/05/2023) phải thuộc năm 2025 hoặc năm trước đó."]}
    unknown = client.post("/api/v1/rotation/rounds", {**body, "scope_id": 999999}, content_type=JSON,
                          **bearer("office"))
    assert unknown.json()["errors"] == {"scope_id": ["Không có đơn vị id=999999."]}
    assert _state() == before


def test_round_detail_outside_scope_is_404(client, bearer, make_round):
    rnd = make_round(scope="snv")
    assert client.get(f"/api/v1/rotation/rounds/{rnd.pk}", **bearer("stc_hr", "read")).status_code == 404
    assert client.get(f"/api/v1/rotation/rounds/{rnd.pk}", **bearer("snv", "read")).status_code == 403
    assert client.get(f"/api/v1/rotation/rounds/{rnd.pk}", **bearer("snv_hr", "read")).json()["scope"] == "Sở Nội vụ"


# --- due lists ----------------------------------------------------------------------------------------


def test_due_list_build_and_read_with_reasons_and_basis(client, bearer, snv_people, make_round):
    rnd = make_round(scope="snv")
    built = client.post(f"/api/v1/rotation/rounds/{rnd.pk}/due-list", **bearer("snv_hr"))
    assert built.status_code == 200
    assert built.json()["counts"] == {"due": 1, "deferred": 0, "not_yet": 1, "exempt": 0, "not_target": 1,
                                      "total": 3, "included": 1}

    listed = client.get(f"/api/v1/rotation/rounds/{rnd.pk}/due-entries", **bearer("snv_hr", "read")).json()
    assert listed["count"] == 3
    assert [(e["full_name"], e["status"], e["included"]) for e in listed["items"]] == [
        ("Trần Văn Bình", "due", True), ("Lê Thị Cúc", "not_yet", False), ("Vũ Văn Giang", "not_target", False)]
    first = listed["items"][0]
    person = snv_people["due"]
    assert first == {
        "id": first["id"], "round_id": rnd.pk, "person_id": person.pk, "code": person.code,
        "full_name": "Trần Văn Bình", "position_id": person.position_id, "position": "Chuyên viên tổ chức cán bộ",
        "unit": "Phòng Tổ chức, biên chế", "status": "due",
        "reasons": ["Giữ vị trí công tác từ ngày 01/01/2020, đủ 65 tháng; thời hạn định kỳ chuyển đổi 36 tháng "
                    "(lĩnh vực tổ chức cán bộ): đến hạn từ ngày 01/01/2023."],
        "basis": BASIS_PERIODIC_CHANGE, "due_on": "2023-01-01", "included": True, "added_reason": "",
        "choice_reason": ""}


def test_due_list_filter_pagination_and_bad_status(client, bearer, built):
    url = f"/api/v1/rotation/rounds/{built.pk}/due-entries"
    headers = bearer("office", "read")
    not_yet = client.get(f"{url}?status=not_yet", **headers).json()
    assert [e["full_name"] for e in not_yet["items"]] == ["Lê Thị Cúc"]
    paged = client.get(f"{url}?page_size=2&page=2", **headers).json()
    assert (paged["count"], [e["full_name"] for e in paged["items"]]) == (3, ["Vũ Văn Giang"])
    bad = client.get(f"{url}?status=late", **headers)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"status": [
        "Giá trị “late” không hợp lệ; chọn một trong: due, exempt, deferred, not_yet, not_target."]}
    assert client.get(url, **bearer("stc_hr", "read")).status_code == 404


def test_take_out_of_and_put_into_the_plan_with_a_reason(client, bearer, built, snv_people):
    entry = DueEntry.objects.get(round=built, person=snv_people["due"])
    url = f"/api/v1/rotation/due-entries/{entry.pk}/inclusion"
    out = client.post(url, {"included": False, "reason": "Đang thực hiện đề án"}, content_type=JSON,
                      **bearer("snv_hr"))
    assert out.status_code == 200
    assert (out.json()["included"], out.json()["choice_reason"]) == (False, "Đang thực hiện đề án")
    assert DueEntry.objects.get(pk=entry.pk).included is False
    back = client.post(url, {"included": True, "reason": "Đề án đã xong"}, content_type=JSON, **bearer("office"))
    assert (back.json()["included"], back.json()["choice_reason"]) == (True, "Đề án đã xong")


def test_inclusion_refusals_change_nothing(client, bearer, built, snv_people):
    entry = DueEntry.objects.get(round=built, person=snv_people["due"])
    head = DueEntry.objects.get(round=built, person=snv_people["head"])
    before = _state()
    url = f"/api/v1/rotation/due-entries/{entry.pk}/inclusion"
    body = {"included": False, "reason": "Lý do"}
    assert client.post(url, body, content_type=JSON, **bearer("stc_hr")).status_code == 404
    assert client.post(url, body, content_type=JSON, **bearer("snv_hr", "read")).status_code == 403
    assert client.post(url, body, content_type=JSON, **bearer("steering")).status_code == 403
    no_reason = client.post(url, {"included": False, "reason": "  "}, content_type=JSON, **bearer("snv_hr"))
    assert (no_reason.status_code, no_reason.json()["errors"]) == (422, {"reason": ["Ghi rõ lý do."]})
    leader = client.post(f"/api/v1/rotation/due-entries/{head.pk}/inclusion", {"included": True, "reason": "x"},
                         content_type=JSON, **bearer("snv_hr"))
    assert leader.json()["errors"] == {"included": [
        "Vũ Văn Giang thuộc trường hợp “không thuộc đối tượng” nên không đưa vào phương án."]}
    assert _state() == before
    assert DueEntry.objects.get(pk=entry.pk).included is True


def test_add_a_flagged_person_with_a_written_reason(client, bearer, built, snv_people):
    url = f"/api/v1/rotation/rounds/{built.pk}/due-entries"
    head = snv_people["head"]
    before = _state()
    missing = client.post(url, {"code": head.code, "reason": ""}, content_type=JSON, **bearer("snv_hr"))
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"reason": [
        "Vũ Văn Giang không có cảnh báo không hoàn thành nhiệm vụ tại ngày 01/06/2025: chỉ bổ sung khi ghi rõ lý "
        "do bằng văn bản."]}
    outside = client.post(url, {"code": snv_people["outside"].code, "reason": "x"}, content_type=JSON,
                          **bearer("snv_hr"))
    assert outside.json()["errors"] == {"code": [
        f"Không tìm thấy hồ sơ mã {snv_people['outside'].code} trong phạm vi bạn quản lý."]}
    assert client.post(url, {"code": head.code, "reason": "x"}, content_type=JSON,
                       **bearer("snv_hr", "read")).status_code == 403
    assert _state() == before

    added = client.post(url, {"code": head.code, "reason": "Không hoàn thành chỉ tiêu năm 2024"},
                        content_type=JSON, **bearer("snv_hr"))
    assert added.status_code == 201
    data = added.json()
    assert (data["status"], data["included"], data["basis"], data["added_reason"], data["reasons"][-1]) == (
        "due", True, BASIS_FLAGGED, "Không hoàn thành chỉ tiêu năm 2024",
        "Lý do bổ sung: Không hoàn thành chỉ tiêu năm 2024")


# --- plans --------------------------------------------------------------------------------------------


def _moves(body):
    return {m["full_name"]: m for m in body["moves"]}


def test_solve_queues_the_task_and_the_plan_shows_reasons_and_alternatives(client, bearer, world):  # noqa: F811
    posts = world.posts
    response = client.post(f"/api/v1/rotation/rounds/{world.round.pk}/plan/solve", **bearer("office"))
    assert response.status_code == 202
    body = response.json()
    assert {k: body[k] for k in ("state", "progress", "solver_status", "solver_objective", "solver_lower_bound",
                                 "placed", "unplaced", "with_violations", "due_included", "can_edit",
                                 "can_approve")} == {
        "state": "proposed", "progress": 100, "solver_status": "optimal", "solver_objective": 150,
        "solver_lower_bound": 150, "placed": 3, "unplaced": 1, "with_violations": 0, "due_included": 4,
        "can_edit": True, "can_approve": True}
    plan_url = f"/api/v1/rotation/rounds/{world.round.pk}/plan"
    whole = client.get(plan_url, **bearer("office", "read")).json()
    moves = _moves(whole)
    # The moves come a page at a time in name order (a city round proposes tens of thousands)
    names = [m["full_name"] for m in whole["moves"]]
    second = client.get(f"{plan_url}?page=2&page_size=3", **bearer("office", "read")).json()
    assert (whole["moves_count"], whole["page"], whole["page_size"]) == (4, 1, 50)
    assert (second["moves_count"], second["page"], [m["full_name"] for m in second["moves"]]) == (4, 2, names[3:])
    assert client.get(f"{plan_url}?page_size=201", **bearer("office", "read")).status_code == 422
    binh = moves["Trần Thị Bình"]
    assert (binh["to_position_id"], binh["to_position"], binh["cost"], binh["source"], binh["from_position"]) == (
        posts["stp_staff"].pk, "Chuyên viên phổ biến pháp luật, Sở Tư pháp", 60, "solver",
        "Chuyên viên quản lý ngân sách, Sở Tài chính")
    assert binh["reasons"][-1] == "Vị trí phù hợp nhất trong 3 vị trí hợp lệ (60 điểm khác biệt)"
    assert binh["alternatives"] == [
        {"position_id": posts["snv_staff"].pk, "title": "Chuyên viên tổ chức cán bộ",
         "unit": "Phòng Tổ chức, biên chế", "cost": 60, "taken_by": "Lê Văn Cường", "reasons": [
             "Chức danh tương đương (chuyên viên)", "Chưa giữ vị trí này trong 5 năm gần đây",
             "Sang cơ quan khác cùng địa phương: Sở Nội vụ (+20 điểm khác biệt)",
             "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)",
             "Chỗ do Nguyễn Văn An để lại khi chuyển đi (cùng đợt)"]},
        {"position_id": posts["btc_staff"].pk, "title": "Chuyên viên Ban Tổ chức", "unit": "Ban Tổ chức Thành ủy",
         "cost": 60, "taken_by": "Nguyễn Văn An", "reasons": BTC_REASONS}]
    ha = moves["Phạm Thu Hà"]
    assert (ha["to_position_id"], ha["cost"]) == (None, None)
    assert ha["unplaced_reason"] == "Không có chức danh tương đương còn chỗ trống hoặc được để lại trong phạm vi đợt"


def test_solve_refusals_change_nothing(client, bearer, world, hr):  # noqa: F811
    url = f"/api/v1/rotation/rounds/{world.round.pk}/plan/solve"
    before = _state()
    assert client.post(url, **bearer("office", "read")).status_code == 403
    assert client.post(url, **bearer("snv")).status_code == 403
    assert client.post(url, **bearer("snv_hr")).status_code == 404  # the city-wide round is outside SNV
    world.round.due_entries.update(included=False)
    empty = client.post(url, **bearer("office"))
    assert (empty.status_code, empty.json()["errors"]) == (422, {"due_entries": [
        "Chưa có người nào trong danh sách được đưa vào phương án."]})
    assert _state() == before
    assert RotationRound.objects.get(pk=world.round.pk).state == RoundState.DRAFT


@pytest.fixture
def proposed(world, users):  # noqa: F811
    plan.plan_request(actor=users["office"], round=world.round)
    world.round.refresh_from_db()
    return world


def test_move_edit_needs_a_reason_when_it_breaks_a_rule(client, bearer, proposed):
    move = Move.objects.get(round=proposed.round, person=proposed.people["an"])
    url = f"/api/v1/rotation/rounds/{proposed.round.pk}/plan/moves/{move.pk}"
    stp_staff = proposed.posts["stp_staff"]
    before = _state()
    refused = client.patch(url, {"position_id": stp_staff.pk}, content_type=JSON, **bearer("office"))
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"reason": [
        "Thay đổi vi phạm: Chức danh đã bố trí cho Trần Thị Bình trong phương án; cần nêu lý do."]}
    assert client.patch(url, {"position_id": stp_staff.pk, "reason": "x"}, content_type=JSON,
                        **bearer("office", "read")).status_code == 403
    unknown = client.patch(url, {"position_id": 999999, "reason": "x"}, content_type=JSON, **bearer("office"))
    assert unknown.json()["errors"] == {"position_id": ["Không có chức danh mã 999999."]}
    assert _state() == before
    assert Move.objects.get(pk=move.pk).to_position_id == proposed.posts["btc_staff"].pk

    done = client.patch(url, {"position_id": stp_staff.pk, "reason": "Đề nghị của Sở"}, content_type=JSON,
                        **bearer("office"))
    assert done.status_code == 200
    moves = _moves(done.json())
    an, binh = moves["Nguyễn Văn An"], moves["Trần Thị Bình"]
    assert (an["to_position_id"], an["source"], an["violations"], an["override_reason"]) == (
        stp_staff.pk, "manual", ["Chức danh đã bố trí cho Trần Thị Bình trong phương án"], "Đề nghị của Sở")
    assert binh["violations"] == ["Chức danh đã bố trí cho Nguyễn Văn An trong phương án"]
    assert done.json()["with_violations"] == 2
    # And the plan cannot be approved while Bình's move breaks a rule without a reason
    approve = client.post(f"/api/v1/rotation/rounds/{proposed.round.pk}/plan/approve",
                          {"decision_number": "1/QĐ"}, content_type=JSON, **bearer("office"))
    assert (approve.status_code, approve.json()["errors"]) == (422, {"moves": [
        "Còn đề xuất vi phạm quy định chưa nêu lý do: Trần Thị Bình."]})


def test_move_edit_to_none_and_outside_the_officers_reach(client, bearer, proposed, hr):
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    move = Move.objects.get(round=proposed.round, person=proposed.people["ha"])
    url = f"/api/v1/rotation/rounds/{proposed.round.pk}/plan/moves/{move.pk}"
    before = _state()
    far = client.patch(url, {"position_id": proposed.posts["stc_staff"].pk, "reason": "x"}, content_type=JSON,
                       **bearer("snv_hr"))
    assert (far.status_code, far.json()["detail"]) == (403, "Chức danh này ngoài phạm vi quản lý của bạn.")
    assert _state() == before
    none = client.patch(url, {"position_id": None, "reason": "Giữ nguyên"}, content_type=JSON, **bearer("snv_hr"))
    assert none.status_code == 200
    ha = _moves(none.json())["Phạm Thu Hà"]
    assert (ha["to_position_id"], ha["source"], ha["unplaced_reason"]) == (None, MoveSource.MANUAL, "Giữ nguyên")


def test_post_search_check_and_swap(client, bearer, proposed):
    # Given the proposed plan (An → BTC, Bình → STP) and the office's tokens
    posts, rnd = proposed.posts, proposed.round
    an = Move.objects.get(round=rnd, person=proposed.people["an"])
    binh = Move.objects.get(round=rnd, person=proposed.people["binh"])
    base = f"/api/v1/rotation/rounds/{rnd.pk}/plan"

    # When a post is searched without diacritics for An's move
    found = client.get(f"{base}/positions?q=chuyen+vien+phap+luat&move_id={an.pk}", **bearer("office", "read"))

    # Then it comes with its unit, parent unit and where it stands in the plan
    assert found.json() == {"more": False, "results": [{
        "id": posts["stp_staff"].pk, "title": "Chuyên viên phổ biến pháp luật", "unit": "Sở Tư pháp",
        "parent_unit": "Thành phố Hà Nội", "label": "Chuyên viên phổ biến pháp luật — Sở Tư pháp, Thành phố Hà Nội",
        "status": "taken", "note": "đã bố trí cho Trần Thị Bình", "taken_by": "Trần Thị Bình"}]}
    # And the check names the rules the edit would break, before it is made
    check = client.get(f"{base}/moves/{an.pk}/check?position_id={posts['stp_staff'].pk}", **bearer("office", "read"))
    assert check.json() == {"violations": ["Chức danh đã bố trí cho Trần Thị Bình trong phương án"]}

    # When An and Bình are swapped (a read token may not; then the office's write token)
    body = {"first_move_id": an.pk, "second_move_id": binh.pk}
    before = _state()
    assert client.post(f"{base}/swap", body, content_type=JSON, **bearer("office", "read")).status_code == 403
    assert _state() == before
    done = client.post(f"{base}/swap", body, content_type=JSON, **bearer("office"))

    # Then each has the other's post, with no rule broken
    assert done.status_code == 200
    moves = _moves(done.json())
    assert {n: (moves[n]["to_position_id"], moves[n]["violations"], moves[n]["source"])
            for n in ("Nguyễn Văn An", "Trần Thị Bình")} == {
        "Nguyễn Văn An": (posts["stp_staff"].pk, [], "manual"),
        "Trần Thị Bình": (posts["btc_staff"].pk, [], "manual")}


def test_approve_publish_download_apply(client, bearer, proposed, hr):
    base = f"/api/v1/rotation/rounds/{proposed.round.pk}/plan"
    # Only the office approves; a personnel officer of the round's subtree is refused
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    before = _state()
    denied = client.post(f"{base}/approve", {"decision_number": "1/QĐ"}, content_type=JSON, **bearer("snv_hr"))
    assert (denied.status_code, denied.json()["detail"]) == (
        403, "Chỉ cơ quan thường trực hoặc quản trị hệ thống được phê duyệt phương án.")
    assert client.post(f"{base}/approve", {"decision_number": "1/QĐ"}, content_type=JSON,
                       **bearer("office", "read")).status_code == 403
    blank = client.post(f"{base}/approve", {"decision_number": "  "}, content_type=JSON, **bearer("office"))
    assert blank.json()["errors"] == {"decision_number": ["Nhập số quyết định phê duyệt."]}
    assert client.get(f"{base}/document.docx", **bearer("office", "read")).status_code == 422
    assert _state() == before
    assert RotationRound.objects.get(pk=proposed.round.pk).state == RoundState.PROPOSED

    approved = client.post(f"{base}/approve", {"decision_number": "125/QĐ-SNV"}, content_type=JSON,
                           **bearer("office"))
    assert (approved.status_code, approved.json()["state"], approved.json()["decision_number"]) == (
        200, "approved", "125/QĐ-SNV")
    early = client.post(f"{base}/publish", {"effective_on": "2025-05-31"}, content_type=JSON, **bearer("office"))
    assert early.json()["errors"] == {"effective_on": ["Ngày có hiệu lực không được trước ngày 01/06/2025."]}
    later = timezone.localdate() + dt.timedelta(days=30)
    published = client.post(f"{base}/publish", {"effective_on": later.isoformat()}, content_type=JSON,
                            **bearer("snv_hr"))
    assert (published.json()["state"], published.json()["effective_on"]) == ("published", later.isoformat())

    docx = client.get(f"{base}/document.docx", **bearer("snv_hr", "read"))
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = "\n".join(c.text for t in Document(io.BytesIO(docx.content)).tables for row in t.rows for c in row.cells)
    assert "Nguyễn Văn An" in text
    pdf = client.get(f"{base}/document.pdf", **bearer("snv_hr", "read"))
    assert (pdf["Content-Type"], pdf.content[:5], pdf["X-Chidao-Signed"]) == ("application/pdf", b"%PDF-", "0")
    assert AccessLog.objects.filter(user=hr["snv"], action="export").count() == 2
    assert client.get(f"{base}/document.pdf", **bearer("stc_hr", "read")).status_code == 404

    # Not before the effective date
    not_yet = client.post(f"{base}/apply", **bearer("office"))
    assert not_yet.json()["errors"] == {"on": [f"Chưa đến ngày có hiệu lực ({later:%d/%m/%Y})."]}
    assert Assignment.objects.filter(start=later).count() == 0
    RotationRound.objects.filter(pk=proposed.round.pk).update(effective_on=dt.date(2025, 7, 1))
    applied = client.post(f"{base}/apply", **bearer("office"))
    assert (applied.status_code, applied.json()["state"]) == (200, "applied")
    an = Person.objects.get(pk=proposed.people["an"].pk)
    assert (an.position_id, an.position_since) == (proposed.posts["btc_staff"].pk, dt.date(2025, 7, 1))



def test_text_with_a_nul_character_is_refused(client, bearer, tree):
    before = _state()
    body = {"name": "Đợt\x00", "year": 2025, "kind": "rotation", "scope_id": tree["snv"].pk, "as_of": "2025-06-01"}
    response = client.post("/api/v1/rotation/rounds", body, content_type=JSON, **bearer("office"))
    assert (response.status_code, response.json()["errors"]) == (422, {"name": ["Trường “name” không hợp lệ."]})
    assert _state() == before
