"""API v1 writes on cadre records, their flags, Excel import/export, posts and the access log: the same
services and scope as the record pages; sensitive fields written only by those who may see them."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.personnel.models import (
    AccessLog,
    Assignment,
    Deferral,
    Discipline,
    Gender,
    Person,
    Position,
    Rating,
    Relative,
)
from chidao.personnel.rulebook import rulebook_on
from tests.personnel.test_import import GOOD_ASSIGNMENTS, GOOD_PEOPLE, good_file, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"


@pytest.fixture
def bearer(users, hr):
    everyone = {**users, "snv_hr": hr["snv"], "stc_hr": hr["stc"]}

    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=everyone[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _auditor_session(users) -> Client:
    """The auditor holds read tokens only (no write token for a role that may not write): their refused writes
    are tried signed in by session, where the permission, not the token, refuses them."""
    signed_in = Client()
    signed_in.force_login(users["auditor"])
    return signed_in


@pytest.fixture
def dung(make_person):
    """A head of Sở Nội vụ with every sensitive field filled."""
    return make_person(name="Đinh Tiến Dũng", post="snv_director", phone="0912000001", email="d@snv.invalid",
                       address="12 Hàng Bài", id_number="001075000001")


def state() -> dict[str, int]:
    """What a refused write must leave as it was (a token's own creation record aside)."""
    return {"people": Person.objects.count(), "assignments": Assignment.objects.count(),
            "ratings": Rating.objects.count(), "disciplines": Discipline.objects.count(),
            "deferrals": Deferral.objects.count(), "relatives": Relative.objects.count(),
            "changes": ChangeRecord.objects.exclude(content_type__model="apitoken").count(),
            "positions": Position.objects.count()}


def person_row(person: Person) -> tuple:
    p = Person.objects.get(pk=person.pk)
    return (p.code, p.full_name, p.birth_date, p.gender, p.education, p.phone, p.email, p.address, p.id_number,
            p.position_id, p.unit_id)


NEW = {"code": "CB90001", "full_name": "  Phạm   Thu Hà ", "birth_date": "1985-04-12", "gender": "female",
       "education": "Thạc sĩ Luật", "phone": "0987000111", "email": "ha.pt@snv.invalid", "address": "5 Lý Thái Tổ",
       "id_number": "001185000111"}


# --- create -----------------------------------------------------------------------------------------------

def test_subtree_officer_creates_a_record_with_its_sensitive_fields(client, bearer, tree, hr):
    # Given the personnel officer of Sở Nội vụ
    # When they create a record in the division below their unit
    response = client.post("/api/v1/people", {**NEW, "unit_id": tree["snv_division"].pk}, content_type=JSON,
                           **bearer("snv_hr"))
    # Then it is written through the service (name tidied, retirement date derived) and shown in full
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get(code="CB90001")
    assert (body["id"], body["full_name"], body["unit"], body["gender"], body["retirement_date"]) == (
        person.pk, "Phạm Thu Hà", "Phòng Tổ chức, biên chế", "female", "2045-05-01")
    assert (body["sensitive_shown"], body["phone"], body["email"], body["address"], body["id_number"]) == (
        True, "0987000111", "ha.pt@snv.invalid", "5 Lý Thái Tổ", "001185000111")
    assert (person.full_name, person.phone, person.id_number) == ("Phạm Thu Hà", "0987000111", "001185000111")
    record = ChangeRecord.objects.get(content_type__model="person", object_id=str(person.pk))
    assert (record.actor, record.action) == (hr["snv"], "create")
    assert list(AccessLog.objects.values_list("person", "action", "detail")) == [(person.pk, "view", "api")]


def test_office_may_create_but_not_write_sensitive_fields(client, bearer, tree):
    # Given the standing office, which reads records with the sensitive fields masked
    before = state()
    # When it sends a phone number with a new record
    refused = client.post("/api/v1/people", {**NEW, "unit_id": tree["snv"].pk}, content_type=JSON,
                          **bearer("office"))
    # Then it is refused and nothing is written
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Bạn không được xem nên không được ghi các trường nhạy cảm: address, email, id_number, phone.")
    assert state() == before
    # And without the sensitive fields the record is created, shown without them
    plain = {k: v for k, v in NEW.items() if k not in {"phone", "email", "address", "id_number"}}
    created = client.post("/api/v1/people", {**plain, "unit_id": tree["snv"].pk}, content_type=JSON,
                          **bearer("office"))
    assert created.status_code == 201
    assert (created.json()["sensitive_shown"], created.json()["phone"]) == (False, None)


def test_service_kind_is_written_shown_changed_and_checked(client, bearer, tree):
    # Given a new record sent as a civil servant
    created = client.post("/api/v1/people", {**NEW, "unit_id": tree["snv"].pk, "service_kind": "civil_servant"},
                          content_type=JSON, **bearer("admin"))
    assert (created.status_code, created.json()["service_kind"]) == (201, "civil_servant")
    person = Person.objects.get(code="CB90001")
    url = f"/api/v1/people/{person.pk}"
    # When it is changed to a public employee, then the change is recorded
    changed = client.patch(url, {"service_kind": "public_employee"}, content_type=JSON, **bearer("admin"))
    assert (changed.status_code, changed.json()["service_kind"]) == (200, "public_employee")
    record = ChangeRecord.objects.filter(content_type__model="person", object_id=str(person.pk),
                                         action="update").get()
    assert (record.before["service_kind"], record.after["service_kind"]) == ("civil_servant", "public_employee")
    # And a value outside the three (and "") is refused, changing nothing
    before = (state(), Person.objects.get(pk=person.pk).service_kind)
    refused = client.patch(url, {"service_kind": "contractor"}, content_type=JSON, **bearer("admin"))
    assert refused.status_code == 422
    assert (state(), Person.objects.get(pk=person.pk).service_kind) == before
    # And null means not recorded
    cleared = client.patch(url, {"service_kind": None}, content_type=JSON, **bearer("admin"))
    assert (cleared.status_code, cleared.json()["service_kind"]) == (200, "")
    listed = client.get("/api/v1/people", **bearer("admin", "read")).json()
    assert [p["service_kind"] for p in listed["items"]] == [""]


@pytest.mark.parametrize(("who", "status"), [("stc_hr", 422), ("steering", 403), ("auditor", 403), ("snv", 403)])
def test_create_refused_outside_scope_or_role_and_nothing_changes(client, users, bearer, tree, who, status):
    before = state()
    caller, headers = (_auditor_session(users), {}) if who == "auditor" else (client, bearer(who))
    response = caller.post("/api/v1/people", {**NEW, "unit_id": tree["snv"].pk}, content_type=JSON, **headers)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"] == {"unit_id": ["Không có đơn vị này trong phạm vi bạn quản lý."]}
    else:
        assert response.json()["detail"] == "Bạn không có quyền cập nhật hồ sơ cán bộ."
    assert state() == before


def test_create_with_a_read_token_is_refused(client, bearer, tree):
    before = state()
    response = client.post("/api/v1/people", {**NEW, "unit_id": tree["snv"].pk}, content_type=JSON,
                           **bearer("admin", "read"))
    assert (response.status_code, response.json()) == (403, {"detail": "Mã truy cập này chỉ có quyền đọc."})
    assert state() == before


def test_create_invalid_input_names_the_field(client, bearer, tree, dung):
    before = state()
    headers = bearer("admin")
    url = "/api/v1/people"
    wrong_gender = client.post(url, {**NEW, "gender": "x", "unit_id": tree["snv"].pk}, content_type=JSON, **headers)
    assert wrong_gender.status_code == 422
    assert wrong_gender.json()["errors"] == {"gender": ["Giá trị “x” không hợp lệ; chọn một trong: male, female."]}
    same_code = client.post(url, {**NEW, "code": dung.code, "unit_id": tree["snv"].pk}, content_type=JSON,
                            **headers)
    assert same_code.status_code == 422
    assert same_code.json()["errors"] == {"code": [f"Mã hồ sơ {dung.code} đã có."]}
    future = client.post(url, {**NEW, "birth_date": "2099-01-01", "unit_id": tree["snv"].pk}, content_type=JSON,
                         **headers)
    assert future.json()["errors"] == {"birth_date": ["Ngày sinh không được sau hôm nay."]}
    ancient = client.post(url, {**NEW, "birth_date": "0001-01-01", "unit_id": tree["snv"].pk}, content_type=JSON,
                          **headers)
    assert ancient.status_code == 422
    assert list(ancient.json()["errors"]) == ["birth_date"]
    bad_email = client.post(url, {**NEW, "email": "not-an-address", "unit_id": tree["snv"].pk}, content_type=JSON,
                            **headers)
    assert list(bad_email.json()["errors"]) == ["email"]
    nul = client.post(url, {**NEW, "full_name": "Hà\x00", "unit_id": tree["snv"].pk}, content_type=JSON, **headers)
    assert (nul.status_code, list(nul.json()["errors"])) == (422, ["full_name"])
    assert state() == before


# --- update ------------------------------------------------------------------------------------------------

def test_subtree_officer_updates_fields_and_sensitive_ones(client, bearer, hr, dung):
    response = client.patch(f"/api/v1/people/{dung.pk}", {"education": "Tiến sĩ Quản lý công", "phone": "0900000002",
                                                          "reason": "Bổ sung hồ sơ"},
                            content_type=JSON, **bearer("snv_hr"))
    assert response.status_code == 200
    body = response.json()
    assert (body["education"], body["phone"], body["full_name"], body["email"]) == (
        "Tiến sĩ Quản lý công", "0900000002", "Đinh Tiến Dũng", "d@snv.invalid")
    dung.refresh_from_db()
    assert (dung.education, dung.phone) == ("Tiến sĩ Quản lý công", "0900000002")
    record = ChangeRecord.objects.filter(content_type__model="person", object_id=str(dung.pk), action="update").get()
    assert (record.actor, record.reason, record.before["phone"], record.after["phone"]) == (
        hr["snv"], "Bổ sung hồ sơ", "0912000001", "0900000002")


def test_office_updates_but_may_not_touch_sensitive_fields(client, bearer, dung):
    before, row = state(), person_row(dung)
    refused = client.patch(f"/api/v1/people/{dung.pk}", {"education": "X", "id_number": "0"}, content_type=JSON,
                           **bearer("office"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Bạn không được xem nên không được ghi các trường nhạy cảm: id_number."
    assert (state(), person_row(dung)) == (before, row)
    allowed = client.patch(f"/api/v1/people/{dung.pk}", {"education": "Cử nhân Luật"}, content_type=JSON,
                           **bearer("office"))
    assert allowed.status_code == 200
    assert (allowed.json()["education"], allowed.json()["id_number"]) == ("Cử nhân Luật", None)
    assert Person.objects.get(pk=dung.pk).id_number == "001075000001"


@pytest.mark.parametrize(("who", "scope", "status"), [
    ("stc_hr", "write", 404), ("steering", "write", 404), ("auditor", "write", 404), ("snv_hr", "read", 403)])
def test_update_refused_and_nothing_changes(client, users, bearer, dung, who, scope, status):
    before, row = state(), person_row(dung)
    caller, headers = (_auditor_session(users), {}) if who == "auditor" else (client, bearer(who, scope))
    response = caller.patch(f"/api/v1/people/{dung.pk}", {"full_name": "Người Khác"}, content_type=JSON,
                            **headers)
    assert response.status_code == status
    assert "Đinh Tiến Dũng" not in response.content.decode()
    assert (state(), person_row(dung)) == (before, row)


def test_update_invalid_input(client, bearer, dung):
    before, row = state(), person_row(dung)
    headers = bearer("snv_hr")
    url = f"/api/v1/people/{dung.pk}"
    no_name = client.patch(url, {"full_name": None}, content_type=JSON, **headers)
    assert (no_name.status_code, no_name.json()["errors"]) == (
        422, {"full_name": ["Trường “full_name” bắt buộc phải có."]})
    blank = client.patch(url, {"full_name": "   "}, content_type=JSON, **headers)
    assert blank.json()["errors"] == {"full_name": ["Nhập họ và tên."]}
    code = client.patch(url, {"code": "   "}, content_type=JSON, **headers)
    assert code.json()["errors"] == {"code": ["Nhập mã hồ sơ."]}
    party = client.patch(url, {"party_joined_on": "1970-01-01"}, content_type=JSON, **headers)
    assert party.json()["errors"] == {"party_joined_on": ["Ngày vào Đảng phải sau ngày sinh."]}
    assert (state(), person_row(dung)) == (before, row)


# --- flags --------------------------------------------------------------------------------------------------

def test_flags_with_their_legal_basis_are_logged(client, bearer, dung):
    Rating.objects.create(person=dung, year=2023, level="not_completed")
    Rating.objects.create(person=dung, year=2024, level="not_completed")
    response = client.get(f"/api/v1/people/{dung.pk}/flags?on=2025-03-01", **bearer("office", "read"))
    assert response.status_code == 200
    assert response.json() == [{
        "code": "not_completed_twice", "label": "Hai năm liên tiếp không hoàn thành nhiệm vụ",
        "basis": rulebook_on(dt.date(2025, 3, 1)).not_completed_consecutive_years.cite(), "severity": "high",
        "detail": "Xếp loại “không hoàn thành nhiệm vụ” các năm 2023 và 2024: xem xét miễn nhiệm hoặc cho thôi làm "
                  "nhiệm vụ (đối với cán bộ), cho thôi việc (đối với công chức) hoặc chấm dứt hợp đồng làm việc (đối "
                  "với viên chức); hồ sơ chưa ghi là cán bộ, công chức hay viên chức."}]
    assert list(AccessLog.objects.values_list("person", "action", "detail")) == [(dung.pk, "view", "api")]
    detail = client.get(f"/api/v1/people/{dung.pk}", **bearer("office", "read")).json()
    assert [f["code"] for f in detail["flags"]] == ["not_completed_twice"]


def test_flags_outside_scope_are_404_and_not_logged(client, bearer, dung):
    assert client.get(f"/api/v1/people/{dung.pk}/flags", **bearer("stc_hr", "read")).status_code == 404
    assert client.get(f"/api/v1/people/{dung.pk}/flags?on=0001-01-01", **bearer("admin", "read")).status_code == 422
    assert AccessLog.objects.count() == 0


# --- service history, rating, discipline, deferral, relative --------------------------------------------

def test_assignment_closes_the_open_one_and_moves_the_current_post(client, bearer, posts, make_person):
    person = make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_staff", since=dt.date(2018, 1, 1))
    response = client.post(f"/api/v1/people/{person.pk}/assignments", {
        "position_id": posts["snv_head"].pk, "kind": "appointment", "start": "2024-01-01", "decision": "12/QĐ-SNV"},
        content_type=JSON, **bearer("snv_hr"))
    assert response.status_code == 201
    created = Assignment.objects.get(person=person, position=posts["snv_head"])
    assert response.json() == {
        "id": created.pk, "position_id": posts["snv_head"].pk, "position": "Trưởng phòng Tổ chức, biên chế",
        "unit": "Phòng Tổ chức, biên chế", "kind": "appointment", "start": "2024-01-01", "end": None,
        "decision": "12/QĐ-SNV"}
    person.refresh_from_db()
    assert (person.position, person.position_since) == (posts["snv_head"], dt.date(2024, 1, 1))
    assert Assignment.objects.get(person=person, position=posts["snv_staff"]).end == dt.date(2023, 12, 31)


def test_assignment_refusals_change_nothing(client, bearer, posts, make_person):
    person = make_person(post="snv_staff", since=dt.date(2018, 1, 1))
    url = f"/api/v1/people/{person.pk}/assignments"
    good = {"position_id": posts["snv_head"].pk, "kind": "appointment", "start": "2024-01-01"}
    before, row = state(), person_row(person)
    assert client.post(url, good, content_type=JSON, **bearer("stc_hr")).status_code == 404
    assert client.post(url, good, content_type=JSON, **bearer("steering")).status_code == 404
    assert client.post(url, good, content_type=JSON, **bearer("snv_hr", "read")).status_code == 403
    outside = client.post(url, {**good, "position_id": posts["stc_staff"].pk}, content_type=JSON, **bearer("snv_hr"))
    assert (outside.status_code, outside.json()["errors"]) == (
        422, {"position_id": ["Không có chức danh này trong phạm vi bạn quản lý."]})
    kind = client.post(url, {**good, "kind": "promotion"}, content_type=JSON, **bearer("snv_hr"))
    assert kind.json()["errors"] == {"kind": [
        "Giá trị “promotion” không hợp lệ; chọn một trong: recruitment, appointment, rotation, transfer, "
        "periodic_change, secondment."]}
    earlier = client.post(url, {**good, "start": "2017-01-01"}, content_type=JSON, **bearer("snv_hr"))
    assert earlier.json()["errors"] == {"start": ["Đã có quá trình công tác bắt đầu từ 01/01/2018, sau ngày này."]}
    backwards = client.post(url, {**good, "end": "2023-01-01"}, content_type=JSON, **bearer("snv_hr"))
    assert backwards.json()["errors"] == {"end": ["Ngày kết thúc không được trước ngày bắt đầu."]}
    assert (state(), person_row(person)) == (before, row)


def test_rating_is_set_then_corrected(client, bearer, dung):
    url = f"/api/v1/people/{dung.pk}/ratings/2024"
    first = client.put(url, {"level": "good"}, content_type=JSON, **bearer("snv_hr"))
    assert first.status_code == 200
    rating = Rating.objects.get(person=dung, year=2024)
    assert first.json() == {"id": rating.pk, "year": 2024, "level": "good"}
    again = client.put(url, {"level": "excellent"}, content_type=JSON, **bearer("snv_hr"))
    assert again.json() == {"id": rating.pk, "year": 2024, "level": "excellent"}
    assert list(Rating.objects.filter(person=dung).values_list("year", "level")) == [(2024, "excellent")]
    assert ChangeRecord.objects.filter(content_type__model="rating").count() == 2


def test_rating_refusals_change_nothing(client, bearer, dung):
    before = state()
    url = f"/api/v1/people/{dung.pk}/ratings/2024"
    assert client.put(url, {"level": "good"}, content_type=JSON, **bearer("stc_hr")).status_code == 404
    assert client.put(url, {"level": "good"}, content_type=JSON, **bearer("admin", "read")).status_code == 403
    level = client.put(url, {"level": "best"}, content_type=JSON, **bearer("snv_hr"))
    assert level.json()["errors"] == {"level": [
        "Giá trị “best” không hợp lệ; chọn một trong: excellent, good, completed, not_completed."]}
    year = client.put(f"/api/v1/people/{dung.pk}/ratings/1980", {"level": "good"}, content_type=JSON,
                      **bearer("snv_hr"))
    assert (year.status_code, year.json()["errors"]) == (422, {"year": ["Năm xếp loại không hợp lệ."]})
    assert state() == before


def test_discipline_blocks_for_its_period(client, bearer, dung):
    response = client.post(f"/api/v1/people/{dung.pk}/disciplines", {
        "system": "party", "form": "canh_cao", "decided_on": "2024-03-15", "decided_by": "Ủy ban Kiểm tra Thành ủy",
        "reason": "Vi phạm quy chế làm việc"}, content_type=JSON, **bearer("admin"))
    assert response.status_code == 201
    d = Discipline.objects.get(person=dung)
    assert response.json() == {"id": d.pk, "system": "party", "form": "canh_cao", "decided_on": "2024-03-15",
                               "decided_by": "Ủy ban Kiểm tra Thành ủy", "blocks_until": "2025-03-14",
                               "appointment_blocked_until": "2025-03-14", "grade_blocked_until": None}
    assert d.reason == "Vi phạm quy chế làm việc"


def test_discipline_refusals_change_nothing(client, users, bearer, dung):
    before = state()
    url = f"/api/v1/people/{dung.pk}/disciplines"
    good = {"system": "party", "form": "canh_cao", "decided_on": "2024-03-15", "decided_by": "UBKT"}
    assert _auditor_session(users).post(url, good, content_type=JSON).status_code == 404
    assert client.post(url, good, content_type=JSON, **bearer("snv_hr", "read")).status_code == 403
    form = client.post(url, {**good, "form": "phe_binh"}, content_type=JSON, **bearer("snv_hr"))
    assert form.json()["errors"] == {"form": [
        "Giá trị “phe_binh” không hợp lệ; chọn một trong: khien_trach, canh_cao, ha_bac_luong, giang_chuc, cach_chuc, "
        "bai_nhiem, khai_tru, buoc_thoi_viec."]}
    gone = client.post(url, {**good, "system": "civil_service", "form": "ha_bac_luong", "decided_on": "2025-07-01"},
                       content_type=JSON, **bearer("snv_hr"))
    assert (gone.status_code, gone.json()["errors"]) == (422, {"form": [
        "Từ ngày 01/07/2025 (Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP) công chức "
        "không còn hình thức kỷ luật hạ bậc lương."]})
    by = client.post(url, {**good, "decided_by": "  "}, content_type=JSON, **bearer("snv_hr"))
    assert by.json()["errors"] == {"decided_by": ["Nhập cơ quan quyết định kỷ luật."]}
    assert state() == before


def test_deferral_recorded_and_refused(client, bearer, dung):
    url = f"/api/v1/people/{dung.pk}/deferrals"
    before = state()
    kind = client.post(url, {"kind": "holiday", "start": "2024-01-01"}, content_type=JSON, **bearer("snv_hr"))
    assert kind.status_code == 422
    assert list(kind.json()["errors"]) == ["kind"]
    backwards = client.post(url, {"kind": "study", "start": "2024-01-01", "end": "2023-01-01"}, content_type=JSON,
                            **bearer("snv_hr"))
    assert backwards.json()["errors"] == {"end": ["Ngày kết thúc không được trước ngày bắt đầu."]}
    assert client.post(url, {"kind": "study", "start": "2024-01-01"}, content_type=JSON,
                       **bearer("stc_hr")).status_code == 404
    assert state() == before
    ok = client.post(url, {"kind": "study", "start": "2024-01-01", "end": "2025-06-30", "note": "Học cao cấp LLCT"},
                     content_type=JSON, **bearer("snv_hr"))
    assert ok.status_code == 201
    d = Deferral.objects.get(person=dung)
    assert ok.json() == {"id": d.pk, "kind": "study", "start": "2024-01-01", "end": "2025-06-30",
                         "note": "Học cao cấp LLCT"}


def test_relative_is_linked_both_ways_within_scope(client, bearer, make_person, dung):
    son = make_person(name="Đinh Tiến Minh", born=dt.date(2000, 2, 2), post="snv_staff")
    outsider = make_person(name="Lê Văn An", post="stc_staff")
    url = f"/api/v1/people/{dung.pk}/relatives"
    before = state()
    outside = client.post(url, {"relative_id": outsider.pk, "relation": "child"}, content_type=JSON,
                          **bearer("snv_hr"))
    assert outside.json()["errors"] == {"relative_id": ["Không tìm thấy hồ sơ này trong phạm vi bạn được xem."]}
    itself = client.post(url, {"relative_id": dung.pk, "relation": "child"}, content_type=JSON, **bearer("snv_hr"))
    assert itself.json()["errors"] == {"relative": ["Không thể tự liên kết với chính mình."]}
    relation = client.post(url, {"relative_id": son.pk, "relation": "cousin"}, content_type=JSON, **bearer("snv_hr"))
    assert list(relation.json()["errors"]) == ["relation"]
    assert client.post(url, {"relative_id": son.pk, "relation": "child"}, content_type=JSON,
                       **bearer("snv_hr", "read")).status_code == 403
    assert state() == before
    ok = client.post(url, {"relative_id": son.pk, "relation": "child"}, content_type=JSON, **bearer("snv_hr"))
    assert ok.status_code == 201
    link = Relative.objects.get(person=dung)
    assert ok.json() == {"id": link.pk, "relative_id": son.pk, "full_name": "Đinh Tiến Minh", "relation": "child",
                         "linkable": True}
    assert list(Relative.objects.filter(person=son).values_list("relative", "relation")) == [(dung.pk, "parent")]


# --- Excel ------------------------------------------------------------------------------------------------

def test_template_is_the_import_workbook(client, bearer, tree):
    response = client.get("/api/v1/people/template", **bearer("office", "read"))
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-ho-so-can-bo.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames[:4] == [
        "Cán bộ", "Quá trình công tác", "Xếp loại", "Kỷ luật"]


def test_export_is_the_callers_scope_and_logged(client, bearer, make_person):
    make_person(name="Nguyễn Văn An", post="snv_staff")
    make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_head")
    make_person(name="Lê Văn An", post="stc_staff")
    response = client.get("/api/v1/people/export?q=van%20an", **bearer("snv_hr", "read"))
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    wb = load_workbook(io.BytesIO(response.content))
    assert [r[2] for r in wb["Cán bộ"].iter_rows(min_row=5, values_only=True)] == ["Nguyễn Văn An"]
    assert list(AccessLog.objects.values_list("action", "detail")) == [("export", "api 1 hồ sơ")]


@pytest.mark.parametrize("who", ["steering", "auditor", "snv"])
def test_export_refused_to_other_roles_and_not_logged(client, bearer, make_person, who):
    make_person()
    response = client.get("/api/v1/people/export", **bearer(who, "read"))
    assert (response.status_code, response.json()) == (403, {"detail": "Bạn không có quyền xem hồ sơ cán bộ."})
    assert AccessLog.objects.count() == 0


def _upload(content: bytes, name: str = "ds.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_import_dry_run_then_import(client, bearer, posts):
    headers = bearer("admin")
    before = state()
    dry = client.post("/api/v1/people/import", {"file": _upload(good_file().getvalue()), "dry_run": "true"}, **headers)
    assert (dry.status_code, dry.json()) == (200, {"dry_run": True, "counts": {
        "people": 3, "assignments": 5, "positions": 2, "ratings": 3, "disciplines": 1}})
    assert state() == before
    done = client.post("/api/v1/people/import", {"file": _upload(good_file().getvalue())}, **headers)
    assert (done.status_code, done.json()["dry_run"], done.json()["counts"]["people"]) == (200, False, 3)
    assert sorted(Person.objects.values_list("code", flat=True)) == ["CB001", "CB002", "CB003"]


def test_import_with_errors_lists_them_and_writes_nothing(client, bearer, posts):
    bad = workbook(GOOD_PEOPLE, [*GOOD_ASSIGNMENTS, ["CB009", "SNV", "Chuyên viên", "", "", "tuyển dụng",
                                                     "01/01/2000", "", ""]]).getvalue()
    before = state()
    response = client.post("/api/v1/people/import", {"file": _upload(bad)}, **bearer("admin"))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Tệp có 1 lỗi; chưa ghi dòng nào."
    assert body["rows"] == [{"sheet": "Quá trình công tác", "row": 10, "column": "Mã hồ sơ",
                             "message": body["rows"][0]["message"]}]
    assert body["rows"][0]["message"].startswith("Không tìm thấy mã hồ sơ CB009")
    assert body["errors"]["file"][0].startswith("Quá trình công tác, dòng 10, cột Mã hồ sơ: Không tìm thấy")
    assert body["truncated"] is False
    assert state() == before


def test_import_refusals_write_nothing(client, bearer, posts):
    before = state()
    content = good_file().getvalue()
    pdf = client.post("/api/v1/people/import", {"file": _upload(content, "ds.pdf")}, **bearer("admin"))
    assert (pdf.status_code, pdf.json()["errors"]) == (
        422, {"file": ["Loại tệp .pdf không được phép. Cho phép: .xlsx."]})
    missing = client.post("/api/v1/people/import", {}, **bearer("admin"))
    assert missing.status_code == 422
    assert missing.json()["detail"].endswith("bắt buộc phải có.")
    role = client.post("/api/v1/people/import", {"file": _upload(content)}, **bearer("steering"))
    assert (role.status_code, role.json()) == (403, {"detail": "Bạn không có quyền nhập hồ sơ cán bộ."})
    read = client.post("/api/v1/people/import", {"file": _upload(content)}, **bearer("admin", "read"))
    assert read.status_code == 403
    assert state() == before


# --- posts --------------------------------------------------------------------------------------------------

def test_positions_in_scope_filtered_and_paged(client, bearer, tree, posts):
    mine = client.get("/api/v1/positions", **bearer("snv_hr", "read")).json()
    assert [p["title"] for p in mine["items"]] == [
        "Trưởng phòng Tổ chức, biên chế", "Chuyên viên tổ chức cán bộ", "Giám đốc Sở Nội vụ",
        "Phó Giám đốc Sở Nội vụ"]
    head = mine["items"][0]
    assert head == {"id": posts["snv_head"].pk, "unit_id": tree["snv_division"].pk, "unit": "Phòng Tổ chức, biên chế",
                    "title": "Trưởng phòng Tổ chức, biên chế", "is_leader": True, "level": 2, "is_key_post": False,
                    "sector": "", "change_period_months": None, "headcount": 1}
    everyone = client.get("/api/v1/positions?page_size=2&page=3", **bearer("office", "read")).json()
    assert (everyone["count"], [p["title"] for p in everyone["items"]]) == (
        6, ["Giám đốc Sở Tài chính", "Chuyên viên quản lý ngân sách"])
    by_unit = client.get(f"/api/v1/positions?unit={tree['stc'].pk}", **bearer("admin", "read")).json()
    assert by_unit["count"] == 2
    assert client.get("/api/v1/positions", **bearer("steering", "read")).json()["count"] == 0
    assert client.get(f"/api/v1/positions/{posts['stc_staff'].pk}", **bearer("snv_hr", "read")).status_code == 404
    one = client.get(f"/api/v1/positions/{posts['snv_staff'].pk}", **bearer("snv_hr", "read")).json()
    assert (one["sector"], one["change_period_months"]) == ("personnel", 36)


# --- the access log ------------------------------------------------------------------------------------------

def test_access_log_for_auditors_filtered_by_person_and_days(client, bearer, users, make_person):
    an = make_person(name="Nguyễn Văn An")
    binh = make_person(name="Trần Thị Bình", gender=Gender.FEMALE)
    old = AccessLog.objects.create(user=users["office"], person=an, action="view", detail="page")
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.make_aware(dt.datetime(2025, 1, 10, 9)))
    recent = AccessLog.objects.create(user=users["office"], person=an, action="view", detail="api")
    AccessLog.objects.filter(pk=recent.pk).update(at=timezone.make_aware(dt.datetime(2025, 3, 5, 23, 30)))
    other = AccessLog.objects.create(user=users["admin"], person=binh, action="view", detail="page")
    AccessLog.objects.filter(pk=other.pk).update(at=timezone.make_aware(dt.datetime(2025, 3, 6, 8)))
    headers = bearer("auditor", "read")
    everything = client.get("/api/v1/access-log", **headers).json()
    assert [i["id"] for i in everything["items"]] == [other.pk, recent.pk, old.pk]
    assert everything["items"][1] == {
        "id": recent.pk, "at": "2025-03-05T23:30:00+07:00", "user_id": users["office"].pk, "username": "office",
        "user_name": "office", "person_id": an.pk, "person": "Nguyễn Văn An", "action": "view", "detail": "api",
        "action_label": "xem hồ sơ", "detail_text": "Qua API"}
    by_person = client.get(f"/api/v1/access-log?person={an.pk}&start=2025-03-01&end=2025-03-05", **headers).json()
    assert [i["id"] for i in by_person["items"]] == [recent.pk]
    paged = client.get("/api/v1/access-log?page_size=2&page=2", **headers).json()
    assert (paged["count"], [i["id"] for i in paged["items"]]) == (3, [old.pk])
    assert client.get("/api/v1/access-log?start=2025-13-01", **headers).status_code == 422


@pytest.mark.parametrize("who", ["office", "snv_hr", "steering"])
def test_access_log_refused_to_others(client, bearer, users, make_person, who):
    AccessLog.objects.create(user=users["office"], person=make_person(), action="view", detail="page")
    response = client.get("/api/v1/access-log", **bearer(who, "read"))
    assert (response.status_code, response.json()) == (403, {
        "detail": "Chỉ quản trị hệ thống và kiểm tra, giám sát được xem nhật ký truy cập hồ sơ."})
    assert AccessLog.objects.count() == 1
