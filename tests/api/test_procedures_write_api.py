"""API v1 procedures writes and the rest of the module's reads: the registry's create/update, publication
decisions (all or nothing), reviews, processing figures and the Excel import/export, with the pages' rules."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.procedures.models import (
    DecisionItem,
    ItemAction,
    Procedure,
    ProcedureVersion,
    ProcessingFigure,
    PublicationDecision,
    ReviewCampaign,
    ReviewFinding,
    ReviewGroup,
)

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def bearer(proc_users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=proc_users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _state() -> tuple[int, ...]:
    """Everything these endpoints write (change records other than the tests' own API tokens)."""
    return (Procedure.objects.count(), ProcedureVersion.objects.count(), PublicationDecision.objects.count(),
            DecisionItem.objects.count(), ReviewCampaign.objects.count(), ReviewGroup.objects.count(),
            ReviewFinding.objects.count(), ProcessingFigure.objects.count(),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count())


# --- Procedures -------------------------------------------------------------------------------------------


def test_procedure_create_with_exact_values(client, bearer, proc_units):
    body = {"code": " 1.009999.000.00.00.H26 ", "name": "Cấp giấy phép hoạt động khám bệnh", "level": "province",
            "field": "Y tế", "unit_id": proc_units["syt"].pk, "time_limit_days": 45, "fees": "5.700.000 đồng"}
    response = client.post("/api/v1/procedures", body, content_type=JSON, **bearer("reform"))
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("code", "name", "level", "field", "unit", "status", "time_limit_days", "fees",
                                 "copies", "status_decision", "items")} == {
        "code": "1.009999.000.00.00.H26", "name": "Cấp giấy phép hoạt động khám bệnh", "level": "province",
        "field": "Y tế", "unit": "Sở Y tế", "status": "not_yet", "time_limit_days": 45, "fees": "5.700.000 đồng",
        "copies": None, "status_decision": None, "items": []}
    assert Procedure.objects.get(pk=data["id"]).search_text == (
        "1.009999.000.00.00.h26 cap giay phep hoat dong kham benh")


def test_procedure_create_refusals_change_nothing(client, bearer, proc_units, make_procedure):
    existing = make_procedure(code="1.000001")
    body = {"code": "1.2", "name": "Thủ tục", "level": "province", "field": "Y tế", "unit_id": proc_units["syt"].pk}
    before = _state()
    denied = client.post("/api/v1/procedures", body, content_type=JSON, **bearer("office"))
    assert (denied.status_code, denied.json()["detail"]) == (
        403, "Chỉ cơ quan cải cách hành chính cập nhật thủ tục hành chính.")
    assert client.post("/api/v1/procedures", body, content_type=JSON, **bearer("reform", "read")).status_code == 403
    level = client.post("/api/v1/procedures", {**body, "level": "district"}, content_type=JSON, **bearer("reform"))
    assert (level.status_code, level.json()["errors"]) == (422, {"level": [
        "Giá trị “district” không hợp lệ; chọn một trong: province, commune."]})
    twice = client.post("/api/v1/procedures", {**body, "code": existing.code, "name": " "}, content_type=JSON,
                        **bearer("reform"))
    assert twice.json()["errors"] == {"code": ["Đã có thủ tục mã 1.000001."], "name": ["Thiếu tên thủ tục."]}
    unit = client.post("/api/v1/procedures", {**body, "unit_id": 999999}, content_type=JSON, **bearer("reform"))
    assert unit.json()["errors"] == {"unit_id": ["Không có đơn vị id=999999."]}
    assert _state() == before


def test_procedure_update_keeps_the_previous_content_as_a_version(client, bearer, make_procedure):
    p = make_procedure(name="Cấp phép cũ", time_limit_days=30)
    url = f"/api/v1/procedures/{p.pk}"
    before = _state()
    assert client.patch(url, {"name": "Mới"}, content_type=JSON, **bearer("snv")).status_code == 403
    assert client.patch(url, {"name": "Mới"}, content_type=JSON, **bearer("reform", "read")).status_code == 403
    empty = client.patch(url, {"name": ""}, content_type=JSON, **bearer("reform"))
    assert (empty.status_code, empty.json()["errors"]) == (422, {"name": ["Thiếu tên thủ tục."]})
    assert client.patch("/api/v1/procedures/999999", {"name": "Mới"}, content_type=JSON,
                        **bearer("reform")).status_code == 404
    assert _state() == before

    done = client.patch(url, {"name": "Cấp phép mới", "time_limit_days": 15, "reason": "Cắt giảm thời hạn"},
                        content_type=JSON, **bearer("reform"))
    assert done.status_code == 200
    assert (done.json()["name"], done.json()["time_limit_days"], done.json()["field"]) == ("Cấp phép mới", 15, "Y tế")
    version = ProcedureVersion.objects.get(procedure=p)
    assert (version.number, version.content["name"], version.content["time_limit_days"]) == (1, "Cấp phép cũ", 30)
    record = ChangeRecord.objects.get(content_type__model="procedure", object_id=str(p.pk), action="update")
    assert record.reason == "Cắt giảm thời hạn"


def test_procedure_list_filters(client, bearer, make_procedure, make_decision):
    a = make_procedure(name="Cấp phép A")
    b = make_procedure(name="Đăng ký khai sinh", level="commune", field="Hộ tịch", unit="ward")
    make_decision("1/QĐ", D(2020, 3, 1), [(a, ItemAction.NEW, None), (b, ItemAction.NEW, None)])
    make_decision("2/QĐ", D(2021, 9, 1), [(b, ItemAction.ABOLISHED, None)])
    headers = bearer("auditor", "read")
    commune = client.get("/api/v1/procedures?level=commune", **headers).json()
    assert [(p["code"], p["status"]) for p in commune["items"]] == [(b.code, "abolished")]
    then = client.get("/api/v1/procedures?status=in_force&status_on=2021-06-30", **headers).json()
    assert [(p["code"], p["status"]) for p in then["items"]] == [(a.code, "in_force"), (b.code, "in_force")]
    bad = client.get("/api/v1/procedures?status=old", **headers)
    assert (bad.status_code, bad.json()["errors"]) == (422, {"status": [
        "Giá trị “old” không hợp lệ; chọn một trong: in_force, not_yet, abolished, replaced."]})
    assert client.get("/api/v1/procedures?page_size=1", **headers).json() == {
        "items": [client.get("/api/v1/procedures", **headers).json()["items"][0]], "count": 2}


# --- Publication decisions --------------------------------------------------------------------------------


@pytest.fixture
def registry(make_procedure, make_decision):
    a, b, c = make_procedure(code="A.01"), make_procedure(code="B.02"), make_procedure(code="C.03")
    first = make_decision("1/QĐ-UBND", D(2020, 3, 1), [(a, ItemAction.NEW, None), (b, ItemAction.NEW, None)],
                          title="Công bố thủ tục y tế")
    return {"a": a, "b": b, "c": c, "first": first}


def test_decision_list_and_detail(client, bearer, registry, make_decision):
    make_decision("2/QĐ-UBND", D(2021, 4, 1), [(registry["c"], ItemAction.REPLACED, registry["a"])])
    headers = bearer("steering", "read")
    listed = client.get("/api/v1/procedures/decisions", **headers).json()
    assert listed["count"] == 2
    assert [(d["number"], d["published"], d["replaced"]) for d in listed["items"]] == [
        ("2/QĐ-UBND", 0, 1), ("1/QĐ-UBND", 2, 0)]
    by_year = client.get("/api/v1/procedures/decisions?year=2020&q=ubnd", **headers).json()
    assert [d["number"] for d in by_year["items"]] == ["1/QĐ-UBND"]
    assert client.get("/api/v1/procedures/decisions?year=99999", **headers).status_code == 422
    detail = client.get(f"/api/v1/procedures/decisions/{registry['first'].pk}", **headers).json()
    assert (detail["issuer"], detail["signed_on"], detail["file"]) == (
        "Ủy ban nhân dân Thành phố Hà Nội", "2020-03-01", None)
    assert [(i["procedure_code"], i["action"], i["replaces_code"], i["unit"]) for i in detail["items"]] == [
        ("A.01", "new", None, "Sở Y tế"), ("B.02", "new", None, "Sở Y tế")]


def test_decision_create_all_items(client, bearer, registry, proc_units):
    body = {"number": "5/QĐ-UBND", "title": "Sửa đổi, thay thế", "signed_on": "2021-05-20",
            "effective_on": "2021-06-01", "issuer_id": proc_units["ubnd"].pk,
            "items": [{"code": "A.01", "action": "amended"},
                      {"code": "C.03", "action": "replaced", "replaces": "B.02"}]}
    response = client.post("/api/v1/procedures/decisions", body, content_type=JSON, **bearer("reform"))
    assert response.status_code == 201
    data = response.json()
    assert (data["number"], data["effective_on"], data["amended"], data["replaced"]) == (
        "5/QĐ-UBND", "2021-06-01", 1, 1)
    assert [(i["procedure_code"], i["action"], i["replaces_code"]) for i in data["items"]] == [
        ("A.01", "amended", None), ("C.03", "replaced", "B.02")]
    assert ProcedureVersion.objects.filter(procedure=registry["a"]).count() == 1


def test_decision_create_is_all_or_nothing_naming_the_bad_item(client, bearer, registry, proc_units):
    base = {"number": "6/QĐ-UBND", "signed_on": "2021-05-20", "effective_on": "2021-06-01",
            "issuer_id": proc_units["ubnd"].pk}
    before = _state()
    # The second item abolishes a procedure that is not in force: the whole decision is refused
    wrong = client.post("/api/v1/procedures/decisions", {**base, "items": [
        {"code": "A.01", "action": "amended"}, {"code": "C.03", "action": "abolished"}]},
        content_type=JSON, **bearer("reform"))
    assert (wrong.status_code, wrong.json()["errors"]) == (422, {"items": [
        "Mục 2 (C.03): thủ tục không có hiệu lực vào ngày 01/06/2021."]})
    unknown = client.post("/api/v1/procedures/decisions", {**base, "items": [
        {"code": "A.01", "action": "amended"}, {"code": "X.99", "action": "new"},
        {"code": "B.02", "action": "cancelled"}]}, content_type=JSON, **bearer("reform"))
    assert unknown.json()["errors"] == {"items": [
        "Mục 2 (X.99): không có thủ tục mã X.99.",
        "Mục 3 (B.02): Giá trị “cancelled” không hợp lệ; chọn một trong: new, amended, replaced, abolished."]}
    dates = client.post("/api/v1/procedures/decisions", {**base, "number": "1/QĐ-UBND", "effective_on": "2021-05-01",
                                                         "items": [{"code": "A.01", "action": "amended"}]},
                        content_type=JSON, **bearer("reform"))
    assert dates.json()["errors"] == {"number": ["Đã có quyết định số 1/QĐ-UBND."],
                                      "effective_on": ["Ngày có hiệu lực không được trước ngày ký."]}
    body = {**base, "items": [{"code": "A.01", "action": "amended"}]}
    assert client.post("/api/v1/procedures/decisions", body, content_type=JSON,
                       **bearer("auditor", "read")).status_code == 403
    assert client.post("/api/v1/procedures/decisions", body, content_type=JSON,
                       **bearer("reform", "read")).status_code == 403
    assert _state() == before


# --- Reviews ----------------------------------------------------------------------------------------------


def test_review_campaign_groups_and_findings(client, bearer, registry, proc_units):
    headers = bearer("reform")
    created = client.post("/api/v1/procedures/reviews", {"name": "Rà soát 2021", "year": 2021,
                                                           "lead_unit_id": proc_units["vpub"].pk},
                          content_type=JSON, **headers)
    assert created.status_code == 201
    campaign = created.json()["id"]
    grouped = client.post(f"/api/v1/procedures/reviews/{campaign}/groups", {
        "name": "Nhóm y tế", "procedure_ids": [registry["a"].pk, registry["b"].pk]}, content_type=JSON, **headers)
    assert grouped.status_code == 201
    group = grouped.json()["group_list"][0]
    assert (group["name"], group["procedures"], group["done"]) == ("Nhóm y tế", 2, 0)
    found = client.post(f"/api/v1/procedures/reviews/{campaign}/findings", {
        "group_id": group["id"], "procedure_id": registry["a"].pk, "finding": "Hồ sơ còn trùng lặp",
        "proposal": "simplify"}, content_type=JSON, **headers)
    assert found.status_code == 201
    assert {k: found.json()[k] for k in ("procedure_code", "finding", "proposal", "outcome_id")} == {
        "procedure_code": "A.01", "finding": "Hồ sơ còn trùng lặp", "proposal": "simplify", "outcome_id": None}
    client.post(f"/api/v1/procedures/reviews/{campaign}/findings", {
        "group_id": group["id"], "procedure_id": registry["b"].pk, "finding": "Không cần thiết",
        "proposal": "abolish"}, content_type=JSON, **headers)

    reads = bearer("auditor", "read")
    detail = client.get(f"/api/v1/procedures/reviews/{campaign}", **reads).json()
    assert (detail["groups"], detail["findings"], detail["group_list"][0]["proposals"]) == (
        1, 2, {"keep": 0, "simplify": 1, "replace": 0, "abolish": 1})
    listed = client.get("/api/v1/procedures/reviews", **reads).json()
    assert [(c["name"], c["lead_unit"], c["groups"], c["findings"]) for c in listed["items"]] == [
        ("Rà soát 2021", "Văn phòng UBND Thành phố", 1, 2)]
    abolish = client.get(f"/api/v1/procedures/reviews/{campaign}/findings?proposal=abolish", **reads).json()
    assert (abolish["count"], [f["procedure_code"] for f in abolish["items"]]) == (1, ["B.02"])
    bad = client.get(f"/api/v1/procedures/reviews/{campaign}/findings?proposal=drop", **reads)
    assert bad.json()["errors"] == {"proposal": [
        "Giá trị “drop” không hợp lệ; chọn một trong: keep, simplify, replace, abolish."]}


def test_review_outcome_and_refusals(client, bearer, registry, proc_units, make_decision):
    campaign = ReviewCampaign.objects.create(name="Rà soát", year=2021, lead_unit=proc_units["vpub"])
    group = ReviewGroup.objects.create(campaign=campaign, name="Nhóm")
    finding = ReviewFinding.objects.create(group=group, procedure=registry["b"], finding="Bỏ", proposal="abolish")
    amended = make_decision("3/QĐ", D(2021, 1, 1), [(registry["a"], ItemAction.AMENDED, None)]).items.get()
    abolished = make_decision("4/QĐ", D(2021, 2, 1), [(registry["b"], ItemAction.ABOLISHED, None)]).items.get()
    url = f"/api/v1/procedures/findings/{finding.pk}/outcome"
    before = _state()
    assert client.post(url, {"outcome_id": abolished.pk}, content_type=JSON, **bearer("office")).status_code == 403
    assert client.post(url, {"outcome_id": abolished.pk}, content_type=JSON,
                       **bearer("reform", "read")).status_code == 403
    wrong = client.post(url, {"outcome_id": amended.pk}, content_type=JSON, **bearer("reform"))
    assert wrong.json()["errors"] == {"outcome": ["Mục quyết định không liên quan đến thủ tục B.02."]}
    create = client.post("/api/v1/procedures/reviews", {"name": "X", "year": 2021,
                                                          "lead_unit_id": proc_units["vpub"].pk},
                         content_type=JSON, **bearer("snv"))
    assert create.status_code == 403
    assert _state() == before

    done = client.post(url, {"outcome_id": abolished.pk}, content_type=JSON, **bearer("reform"))
    assert (done.status_code, done.json()["outcome_decision"], done.json()["outcome_action"]) == (
        200, "4/QĐ", "abolished")


# --- Processing figures -----------------------------------------------------------------------------------

Q4 = (D(2021, 9, 15), D(2021, 12, 14))
HEADER = ["STT", "Mã thủ tục", "Tên thủ tục", "Số hồ sơ tiếp nhận", "Đã giải quyết đúng hạn", "Giải quyết quá hạn",
          "Đang giải quyết"]


def _upload(rows: list[list], name: str = "mot-cua.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


@pytest.fixture
def recorded(registry, make_procedure):
    c = registry["c"]
    for p, received, on_time, late, pending in ((registry["a"], 10, 6, 2, 2), (registry["b"], 20, 9, 9, 2),
                                                (c, 4, 1, 0, 3)):
        ProcessingFigure.objects.create(procedure=p, period_start=Q4[0], period_end=Q4[1], received=received,
                                        on_time=on_time, late=late, pending=pending)
    return registry


def test_figures_rows_summary_and_slowest(client, bearer, recorded, settings):
    settings.CHIDAO_SERVICE_INDEX = {**settings.CHIDAO_SERVICE_INDEX, "on_time_max_points": 20, "min_resolved": 5}
    headers = bearer("auditor", "read")
    rows = client.get("/api/v1/procedures/figures?period=2021-Q4", **headers).json()
    assert rows["count"] == 3
    assert [(r["code"], r["received"], r["resolved"], r["rate"], r["points"]) for r in rows["items"]] == [
        ("A.01", 10, 8, 75.0, 15.0), ("B.02", 20, 18, 50.0, 10.0), ("C.03", 4, 1, 100.0, 20.0)]
    summary = client.get("/api/v1/procedures/figures/summary?year=2021", **headers).json()
    assert (summary["start"], summary["end"], summary["procedure_count"], summary["max_points"],
            summary["min_resolved"]) == ("2020-12-15", "2021-12-14", 3, 20.0, 5)
    assert summary["totals"] == {"received": 34, "on_time": 16, "late": 11, "pending": 7, "resolved": 27,
                                 "rate": 59.3, "points": 11.85}
    assert [r["code"] for r in summary["slowest"]] == ["B.02", "A.01"]  # C.03 resolved only one dossier
    none = client.get("/api/v1/procedures/figures?date_from=2022-01-01&date_to=2022-03-31", **headers).json()
    assert none["count"] == 0


@pytest.mark.parametrize(("query", "errors"), [
    ("period=2021-X", {"period": ["Kỳ báo cáo “2021-X” không hợp lệ; ví dụ: 2021-M11, 2021-Q4, 2021-H1, 2021."]}),
    ("date_from=2021-01-01", {"date_to": ["Ghi đủ từ ngày và đến ngày."]}),
    ("date_from=2021-02-01&date_to=2021-01-01", {"date_to": ["Đến ngày không được trước từ ngày."]}),
    ("year=1800", {"year": ["Năm phải từ 2000 đến 2100."]}),
    ("unit=999999", {"unit": ["Không có đơn vị id=999999."]}),
])
def test_figures_filters_errors(client, bearer, recorded, query, errors):
    response = client.get(f"/api/v1/procedures/figures/summary?{query}", **bearer("auditor", "read"))
    assert (response.status_code, response.json()["errors"]) == (422, errors)


def test_figures_import_all_or_nothing(client, bearer, registry):
    url = "/api/v1/procedures/figures/import"
    before = _state()
    wrong = client.post(url, {"file": _upload([[1, "A.01", "A", 5, 3, 2, 1], [2, "X.99", "X", 1, 1, 0, 0]]),
                              "period": "2021-Q4"}, **bearer("reform"))
    assert (wrong.status_code, wrong.json()["errors"]) == (422, {"file": [
        "Sheet, dòng 3, cột Số hồ sơ tiếp nhận: Số hồ sơ tiếp nhận (5) nhỏ hơn tổng đúng hạn, quá hạn và đang giải "
        "quyết (6).",
        "Sheet, dòng 4, cột Mã thủ tục: Không có thủ tục mã “X.99” trong danh mục."]})
    not_xlsx = client.post(url, {"file": SimpleUploadedFile("a.csv", b"x,y"), "period": "2021-Q4"},
                           **bearer("reform"))
    assert not_xlsx.json()["errors"] == {"file": ["Loại tệp .csv không được phép. Cho phép: .xlsx."]}
    good = {"file": _upload([[1, "A.01", "A", 9, 5, 3, 1]]), "period": "2021-Q4"}
    assert client.post(url, good, **bearer("office")).status_code == 403
    assert client.post(url, {**good, "file": _upload([[1, "A.01", "A", 9, 5, 3, 1]])},
                       **bearer("reform", "read")).status_code == 403
    assert _state() == before

    done = client.post(url, {"file": _upload([[1, "A.01", "A", 9, 5, 3, 1]]), "period": "2021-Q4"},
                       **bearer("reform"))
    assert (done.status_code, done.json()) == (200, {"start": "2021-09-15", "end": "2021-12-14", "dry_run": False,
                                                     "counts": {"created": 1, "replaced": 0}})
    figure = ProcessingFigure.objects.get()
    assert (figure.procedure, figure.received, figure.on_time, figure.late, figure.pending, figure.source) == (
        registry["a"], 9, 5, 3, 1, "mot-cua.xlsx")


# --- Registry Excel ---------------------------------------------------------------------------------------


def test_registry_export_template_and_import(client, bearer, registry, proc_units):
    exported = client.get("/api/v1/procedures/export.xlsx", **bearer("auditor", "read"))
    assert (exported.status_code, exported["Content-Type"]) == (200, XLSX)
    codes = [r[1] for r in load_workbook(io.BytesIO(exported.content))["Thủ tục"].iter_rows(min_row=6,
                                                                                            values_only=True)]
    assert codes == ["A.01", "B.02", "C.03"]
    template = client.get("/api/v1/procedures/import-template.xlsx", **bearer("auditor", "read"))
    assert set(load_workbook(io.BytesIO(template.content)).sheetnames) >= {"Thủ tục", "Quyết định"}

    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Thủ tục")
    ws.append(["STT", "Mã thủ tục", "Tên thủ tục", "Cấp", "Lĩnh vực", "Mã cơ quan thực hiện"])
    ws.append([1, "9.001", "Cấp phép mới", "tỉnh", "Y tế", "SYT"])
    ws.append([2, "A.01", "Trùng mã", "tỉnh", "Y tế", "SYT"])
    buffer = io.BytesIO()
    wb.save(buffer)
    before = _state()
    upload = SimpleUploadedFile("thu-tuc.xlsx", buffer.getvalue(), content_type=XLSX)
    assert client.post("/api/v1/procedures/import", {"file": upload}, **bearer("steering")).status_code == 403
    upload.seek(0)
    refused = client.post("/api/v1/procedures/import", {"file": upload}, **bearer("reform"))
    assert refused.status_code == 422
    assert [m for m in refused.json()["errors"]["file"] if "dòng 3" in m] == [
        "Thủ tục, dòng 3, cột Mã thủ tục: Đã có thủ tục mã A.01."]
    assert _state() == before
    ws.delete_rows(3)
    buffer = io.BytesIO()
    wb.save(buffer)
    ok = client.post("/api/v1/procedures/import", {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue()),
                                                   "dry_run": "true"}, **bearer("reform"))
    assert ok.json() == {"dry_run": True, "counts": {"procedures": 1, "decisions": 0, "items": 0}}
    assert Procedure.objects.count() == 3
    ok = client.post("/api/v1/procedures/import", {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())},
                     **bearer("reform"))
    assert ok.json() == {"dry_run": False, "counts": {"procedures": 1, "decisions": 0, "items": 0}}
    assert Procedure.objects.get(code="9.001").name == "Cấp phép mới"
