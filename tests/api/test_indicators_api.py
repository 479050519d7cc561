"""API v1 indicators and task forces: everyone signed in reads; the reform office and administrators write; a
lead officer reports the actuals of their unit's indicators; the same services and messages as the pages."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.indicators import services
from chidao.indicators.models import Actual, Indicator, Target, TaskForce, TaskForceMember, TaskForceProject

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def bearer(users, reform):
    everyone = {**users, "reform": reform}

    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=everyone[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state() -> tuple[int, ...]:
    """Everything these endpoints write (change records other than the tests' own API tokens)."""
    return (Indicator.objects.count(), Target.objects.count(), Actual.objects.count(), TaskForce.objects.count(),
            TaskForceMember.objects.count(), TaskForceProject.objects.count(),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count())


@pytest.fixture
def path_indicator(make_indicator):
    """A path from 0 (31/12/2020) to 73 (31/12/2021): 36.60 on 02/07/2021, 42.60 on 01/08/2021."""
    return make_indicator(targets=[(D(2021, 12, 31), "73")], actuals=[(D(2021, 3, 31), "20"), (D(2021, 7, 2), "35")])


# --- Indicators -------------------------------------------------------------------------------------------


def test_list_with_the_standing_on_a_date_and_pages(client, bearer, path_indicator, make_indicator):
    make_indicator(unit="snv")
    headers = bearer("snv", "read")
    body = client.get("/api/v1/indicators?as_of=2021-08-01&page_size=1", **headers).json()
    assert body["count"] == 2
    row = body["items"][0]
    assert {k: row[k] for k in ("code", "unit_of_measure", "baseline_value", "responsible_unit")} == {
        "code": "CS01", "unit_of_measure": "%", "baseline_value": "0.00", "responsible_unit": "Sở Tài chính"}
    standing = row["standing"]
    assert {k: standing[k] for k in ("as_of", "latest_value", "latest_as_of", "path_at_latest", "target_now", "gap",
                                     "rating", "rating_label", "rating_reason", "next_target_end")} == {
        "as_of": "2021-08-01", "latest_value": "35.00", "latest_as_of": "2021-07-02", "path_at_latest": "36.60",
        "target_now": "42.60", "gap": "-1.60", "rating": "amber", "rating_label": "Vàng: có nguy cơ chậm",
        "rating_reason": "Ngày 02/07/2021 đạt 35 %, lộ trình chỉ tiêu 36,6 % (thiếu 1,6).",
        "next_target_end": "2021-12-31"}
    second = client.get("/api/v1/indicators?page_size=1&page=2", **headers).json()["items"][0]
    assert (second["code"], second["standing"]["rating"], second["standing"]["forecast"]) == ("CS02", "grey", None)


def test_detail_with_targets_actuals_path_and_forecast(client, bearer, make_indicator):
    indicator = make_indicator(targets=[(D(2021, 12, 31), "90")],
                               actuals=[(D(2021, 1, 31), "10"), (D(2021, 3, 2), "20")])
    body = client.get(f"/api/v1/indicators/{indicator.pk}", **bearer("stc", "read")).json()
    assert [(t["period_end"], t["value"]) for t in body["targets"]] == [("2021-12-31", "90.00")]
    assert [(a["as_of"], a["value"], a["source"], a["reporting_unit"]) for a in body["actuals"]] == [
        ("2021-01-31", "10.00", "Báo cáo thử", "Sở Nội vụ"), ("2021-03-02", "20.00", "Báo cáo thử", "Sở Nội vụ")]
    assert body["path"] == [{"day": "2020-12-31", "value": "0.00"}, {"day": "2021-12-31", "value": "90.00"}]
    assert body["standing"]["forecast"] == {"day": "2021-12-31", "value": "100", "target": "90.00",
                                            "meets": True, "points": 2}
    assert body["standing"]["forecast_text"] == "Dự báo 100 % ngày 31/12/2021: đạt chỉ tiêu 90 %."
    assert (body["can_manage"], body["can_report"]) == (False, True)
    assert client.get("/api/v1/indicators/999999", **bearer("stc", "read")).status_code == 404
    assert client.get(f"/api/v1/indicators/{indicator.pk}").status_code == 401


def test_create_an_indicator(client, bearer, units):
    body = {"code": " PAR ", "name": "Chỉ số cải cách hành chính", "unit_of_measure": "%", "baseline_value": "84.3",
            "baseline_date": "2020-12-31", "responsible_unit_id": units["snv"].pk, "higher_is_better": True,
            "source_description": "Bộ Nội vụ"}
    response = client.post("/api/v1/indicators", body, content_type=JSON, **bearer("reform"))
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("code", "name", "baseline_value", "baseline_date", "responsible_unit",
                                 "source_description", "targets", "actuals", "can_manage")} == {
        "code": "PAR", "name": "Chỉ số cải cách hành chính", "baseline_value": "84.30", "baseline_date": "2020-12-31",
        "responsible_unit": "Sở Nội vụ", "source_description": "Bộ Nội vụ", "targets": [], "actuals": [],
        "can_manage": True}
    assert data["standing"]["rating"] == "grey"


def test_create_refusals_change_nothing(client, bearer, units, path_indicator):
    body = {"code": "X1", "name": "Chỉ số", "unit_of_measure": "%", "baseline_value": "10",
            "baseline_date": "2021-01-01", "responsible_unit_id": units["snv"].pk}
    before = _state()
    denied = client.post("/api/v1/indicators", body, content_type=JSON, **bearer("office"))
    assert (denied.status_code, denied.json()["detail"]) == (403, "Bạn không có quyền tạo chỉ số.")
    assert client.post("/api/v1/indicators", body, content_type=JSON, **bearer("reform", "read")).status_code == 403
    wrong = client.post("/api/v1/indicators", {**body, "code": "CS01", "baseline_value": "120"}, content_type=JSON,
                        **bearer("reform"))
    assert (wrong.status_code, wrong.json()["errors"]) == (422, {
        "code": ["Đã có chỉ số mã CS01."], "baseline_value": ["Tỷ lệ phần trăm phải từ 0 đến 100."]})
    precise = client.post("/api/v1/indicators", {**body, "baseline_value": "1.234"}, content_type=JSON,
                          **bearer("reform"))
    assert precise.status_code == 422
    assert list(precise.json()["errors"]) == ["baseline_value"]
    unit = client.post("/api/v1/indicators", {**body, "responsible_unit_id": 999999}, content_type=JSON,
                       **bearer("reform"))
    assert unit.json()["errors"] == {"responsible_unit_id": ["Không có đơn vị id=999999."]}
    assert _state() == before


def test_update_an_indicator(client, bearer, path_indicator):
    url = f"/api/v1/indicators/{path_indicator.pk}"
    before = _state()
    assert client.patch(url, {"name": "Đổi"}, content_type=JSON, **bearer("stc")).status_code == 403
    assert client.patch(url, {"name": "Đổi"}, content_type=JSON, **bearer("reform", "read")).status_code == 403
    blank = client.patch(url, {"name": "  "}, content_type=JSON, **bearer("reform"))
    assert blank.json()["errors"] == {"name": ["Thiếu tên chỉ số."]}
    assert _state() == before
    done = client.patch(url, {"name": "Tỷ lệ giải ngân", "higher_is_better": False, "reason": "Đổi tên"},
                        content_type=JSON, **bearer("reform"))
    assert (done.status_code, done.json()["name"], done.json()["higher_is_better"], done.json()["code"]) == (
        200, "Tỷ lệ giải ngân", False, "CS01")
    record = ChangeRecord.objects.get(content_type__model="indicator", object_id=str(path_indicator.pk),
                                      action="update")
    assert (record.reason, record.before["name"], record.after["name"]) == ("Đổi tên", "Chỉ số thử 1",
                                                                            "Tỷ lệ giải ngân")


def test_set_a_target(client, bearer, path_indicator):
    url = f"/api/v1/indicators/{path_indicator.pk}/targets"
    before = _state()
    assert client.post(url, {"period_code": "2022-Q2", "value": "80"}, content_type=JSON,
                       **bearer("stc")).status_code == 403
    assert client.post(url, {"period_code": "2022-Q2", "value": "80"}, content_type=JSON,
                       **bearer("admin", "read")).status_code == 403
    early = client.post(url, {"period_end": "2020-06-30", "value": "120"}, content_type=JSON, **bearer("reform"))
    assert early.json()["errors"] == {
        "value": ["Tỷ lệ phần trăm phải từ 0 đến 100."],
        "period_end": ["Thời điểm phải đạt chỉ tiêu phải sau thời điểm gốc (31/12/2020)."]}
    assert _state() == before
    done = client.post(url, {"period_code": "2022-Q2", "value": "80", "note": "Quý II"}, content_type=JSON,
                       **bearer("reform"))
    assert (done.status_code, done.json()) == (200, {
        "id": done.json()["id"], "period_code": "2022-Q2", "period_start": "2022-03-15", "period_end": "2022-06-14",
        "value": "80.00", "note": "Quý II"})


def test_report_an_actual(client, bearer, path_indicator, units):
    url = f"/api/v1/indicators/{path_indicator.pk}/actuals"
    body = {"as_of": "2021-09-30", "value": "55.5", "source": "Kho bạc Nhà nước báo cáo ngày 05/10/2021"}
    before = _state()
    denied = client.post(url, body, content_type=JSON, **bearer("snv"))
    assert (denied.status_code, denied.json()["detail"]) == (403, "Bạn không có quyền báo cáo số liệu của chỉ số này.")
    assert client.post(url, body, content_type=JSON, **bearer("stc", "read")).status_code == 403
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.post(url, {**body, "as_of": tomorrow, "source": " "}, content_type=JSON, **bearer("stc"))
    assert future.json()["errors"] == {
        "as_of": ["Ngày của số liệu không được sau hôm nay."],
        "source": ["Cần ghi nguồn số liệu (ví dụ: cơ quan công bố, số và ngày văn bản)."]}
    assert _state() == before
    # The responsible unit's lead officer reports; the reporting unit is theirs whatever they name
    done = client.post(url, {**body, "reporting_unit_id": units["snv"].pk}, content_type=JSON, **bearer("stc"))
    assert done.status_code == 200
    assert {k: done.json()[k] for k in ("as_of", "value", "source", "reporting_unit", "reported_by")} == {
        "as_of": "2021-09-30", "value": "55.50", "source": "Kho bạc Nhà nước báo cáo ngày 05/10/2021",
        "reporting_unit": "Sở Tài chính", "reported_by": "officer_stc"}
    assert Actual.objects.get(indicator=path_indicator, as_of=D(2021, 9, 30)).value == Decimal("55.50")


def test_export(client, bearer, path_indicator):
    response = client.get("/api/v1/indicators/export.xlsx", **bearer("auditor", "read"))
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Chỉ số", "Chỉ tiêu", "Thực hiện"]
    codes = [r[0] for r in wb["Thực hiện"].iter_rows(values_only=True) if r[0] == "CS01"]
    assert len(codes) == 2


# --- Task forces ------------------------------------------------------------------------------------------


TASK_FORCE = {
    "name": "Tổ công tác đặc biệt tháo gỡ vướng mắc đầu tư công", "remit": "Tháo gỡ vướng mắc",
    "decision_number": "3001/QĐ-UBND", "decision_date": "2021-07-15", "leader": "Phó Chủ tịch UBND Thành phố",
    "active_from": "2021-07-15", "active_to": "2022-01-31",
    "projects": [{"name": "Dự án đường vành đai", "investor": "Ban QLDA", "capital": "1250.5", "status": "clearing"}],
}


def test_task_force_create_with_members_and_projects(client, bearer, units, users):
    body = {**TASK_FORCE, "members": [
        {"full_name": "Nguyễn Văn A", "position": "Giám đốc Sở Tài chính", "role": "Tổ phó", "unit_id": units["stc"].pk,
         "user_id": users["stc"].pk},
        {"full_name": "Trần Thị B", "role": "Thành viên"}]}
    response = client.post("/api/v1/task-forces", body, content_type=JSON, **bearer("reform"))
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("name", "decision_number", "leader", "active_to", "member_count", "project_count",
                                 "procedures", "deliverables")} == {
        "name": "Tổ công tác đặc biệt tháo gỡ vướng mắc đầu tư công", "decision_number": "3001/QĐ-UBND",
        "leader": "Phó Chủ tịch UBND Thành phố", "active_to": "2022-01-31", "member_count": 2, "project_count": 1,
        "procedures": [], "deliverables": []}
    assert [(m["full_name"], m["role"], m["unit"], m["user_id"]) for m in data["members"]] == [
        ("Nguyễn Văn A", "Tổ phó", "Sở Tài chính", users["stc"].pk), ("Trần Thị B", "Thành viên", None, None)]
    assert [(p["name"], p["capital"], p["status"]) for p in data["projects"]] == [
        ("Dự án đường vành đai", "1250.50", "clearing")]


def test_task_force_create_refusals_change_nothing(client, bearer):
    before = _state()
    assert client.post("/api/v1/task-forces", TASK_FORCE, content_type=JSON, **bearer("office")).status_code == 403
    assert client.post("/api/v1/task-forces", TASK_FORCE, content_type=JSON,
                       **bearer("reform", "read")).status_code == 403
    wrong = client.post("/api/v1/task-forces", {**TASK_FORCE, "remit": " ", "active_to": "2021-01-01"},
                        content_type=JSON, **bearer("reform"))
    assert wrong.json()["errors"] == {"remit": ["Thiếu nhiệm vụ của tổ công tác."],
                                      "active_to": ["Ngày kết thúc hoạt động phải không trước ngày bắt đầu."]}
    status = client.post("/api/v1/task-forces", {**TASK_FORCE, "projects": [{"name": "X", "status": "done"}]},
                         content_type=JSON, **bearer("reform"))
    assert status.json()["errors"] == {"projects": [
        "Dự án thứ 1: Giá trị “done” không hợp lệ; chọn một trong: blocked, clearing, cleared."]}
    member = client.post("/api/v1/task-forces", {**TASK_FORCE, "members": [{"full_name": "A", "unit_id": 999999}]},
                         content_type=JSON, **bearer("reform"))
    assert member.json()["errors"] == {"members": ["Thành viên thứ 1: không có đơn vị id=999999."]}
    nameless = client.post("/api/v1/task-forces", {**TASK_FORCE, "members": [{"full_name": " "}]},
                           content_type=JSON, **bearer("reform"))
    assert nameless.json()["errors"] == {"members": ["Thành viên thứ 1 thiếu họ tên."]}
    assert _state() == before


@pytest.fixture
def task_force(reform, units, make_deliverable):
    tf = services.task_force_create(actor=reform, name="Tổ công tác", remit="Tháo gỡ", active_from=D(2021, 7, 15),
                                    members=[{"full_name": "A", "role": "Tổ trưởng"}])
    services.task_force_link_deliverables(actor=reform, task_force=tf, deliverables=[make_deliverable(lead="stc")])
    return tf


def test_task_force_list_and_detail_in_the_callers_scope(client, bearer, task_force, reform):
    services.task_force_create(actor=reform, name="Tổ thứ hai", remit="Khác", active_from=D(2022, 1, 1))
    listed = client.get("/api/v1/task-forces?page_size=1", **bearer("snv", "read")).json()
    assert (listed["count"], [t["name"] for t in listed["items"]]) == (2, ["Tổ thứ hai"])
    url = f"/api/v1/task-forces/{task_force.pk}"
    mine = client.get(url, **bearer("stc", "read")).json()
    assert [(d["program"], d["lead_unit"]) for d in mine["deliverables"]] == [("01-CTr/TU", "Sở Tài chính")]
    assert client.get(url, **bearer("snv", "read")).json()["deliverables"] == []
    assert client.get("/api/v1/task-forces/999999", **bearer("snv", "read")).status_code == 404


def test_task_force_members_and_details(client, bearer, task_force):
    url = f"/api/v1/task-forces/{task_force.pk}"
    members = {"members": [{"full_name": "B", "role": "Tổ trưởng"}, {"full_name": "C", "role": "Thành viên"}],
               "reason": "Kiện toàn"}
    before = _state()
    assert client.put(f"{url}/members", members, content_type=JSON, **bearer("stc")).status_code == 403
    assert client.put(f"{url}/members", members, content_type=JSON, **bearer("reform", "read")).status_code == 403
    assert client.patch(url, {"leader": "X"}, content_type=JSON, **bearer("office")).status_code == 403
    assert _state() == before
    done = client.put(f"{url}/members", members, content_type=JSON, **bearer("reform"))
    assert [(m["full_name"], m["role"]) for m in done.json()["members"]] == [("B", "Tổ trưởng"), ("C", "Thành viên")]
    record = ChangeRecord.objects.filter(content_type__model="taskforce", object_id=str(task_force.pk),
                                         action="update").latest("id")
    assert (record.reason, record.before["members"], record.after["members"]) == (
        "Kiện toàn", ["A (Tổ trưởng)"], ["B (Tổ trưởng)", "C (Thành viên)"])
    patched = client.patch(url, {"leader": "Chủ tịch UBND Thành phố"}, content_type=JSON, **bearer("reform"))
    assert (patched.json()["leader"], patched.json()["member_count"]) == ("Chủ tịch UBND Thành phố", 2)


def test_dates_and_values_are_strings_as_the_schema_says(client, bearer, path_indicator):
    # A number is not read as a timestamp, nor a value as a float: both are refused with the field named
    timestamp = client.get("/api/v1/indicators?as_of=0", **bearer("auditor", "read"))
    assert (timestamp.status_code, timestamp.json()["errors"]) == (
        422, {"as_of": ["Trường “as_of” phải là ngày dạng YYYY-MM-DD."]})
    before = _state()
    number = client.post(f"/api/v1/indicators/{path_indicator.pk}/targets",
                         {"period_end": "2022-06-30", "value": 80.5}, content_type=JSON, **bearer("reform"))
    assert (number.status_code, number.json()["errors"]) == (422, {"value": ["Trường “value” phải là số."]})
    assert _state() == before
