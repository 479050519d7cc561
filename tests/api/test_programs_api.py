"""API v1 for programs, deliverables and meetings: the same services and refusals as the pages."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.programs import services
from chidao.programs.models import (
    AgendaItem,
    Attachment,
    Conclusion,
    DeadlineExtension,
    Deliverable,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    Status,
    StatusChange,
)
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def _session(user) -> Client:
    """A client signed in by session (the auditor holds read tokens only, so writes are tried this way)."""
    signed_in = Client()
    signed_in.force_login(user)
    return signed_in


def written() -> tuple:
    """Everything the endpoints under test may write, to assert that a refusal wrote nothing (the tokens the
    test makes on the way are left out)."""
    return (
        Program.objects.count(), ChangeRecord.objects.exclude(content_type__model="apitoken").count(),
        StatusChange.objects.count(),
        DeadlineExtension.objects.count(), Note.objects.count(), Attachment.objects.count(),
        Meeting.objects.count(), AgendaItem.objects.count(), MeetingPoint.objects.count(),
        Conclusion.objects.count(),
        sorted(Deliverable.objects.values_list("pk", "version", "title", "status", "deadline", "lead_unit_id")),
        sorted(Meeting.objects.values_list("pk", "title", "held_on")),
    )


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["Số thứ tự", "Loại", "Tên nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Lãnh đạo phụ trách",
               "Thời hạn", "Ghi chú"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("noi-dung.xlsx", buffer.getvalue(),
                             content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- Programs ---------------------------------------------------------------------------------------------


PROGRAM = {"number": "05-CTr/TU", "title": "Chương trình chuyển đổi số", "issuing_body_id": None,
           "issued_on": "2021-06-01", "term": "XVII", "period_start": 2021, "period_end": 2025}


def test_the_office_creates_a_program(client, units, bearer):
    # When the standing office posts a new program
    response = client.post("/api/v1/programs", {**PROGRAM, "issuing_body_id": units["tu"].pk,
                                                "steering_unit_id": units["btc"].pk},
                           content_type=JSON, **bearer("office"))
    # Then it is created with a change record, as through the page
    assert response.status_code == 201
    body = response.json()
    program = Program.objects.get(number="05-CTr/TU")
    assert body == {"id": program.pk, "number": "05-CTr/TU", "title": "Chương trình chuyển đổi số",
                    "issued_on": "2021-06-01", "term": "XVII", "period_start": 2021, "period_end": 2025,
                    "issuing_body_id": units["tu"].pk, "issuing_body": "Thành ủy Hà Nội",
                    "steering_unit_id": units["btc"].pk, "steering_unit": "Ban Tổ chức Thành ủy"}
    assert ChangeRecord.objects.filter(action="create", object_id=str(program.pk),
                                       content_type__model="program").count() == 1


def test_program_creation_is_refused_to_others_and_checks_its_input(client, units, program, bearer):
    body = {**PROGRAM, "issuing_body_id": units["tu"].pk}
    before = written()
    refused = client.post("/api/v1/programs", body, content_type=JSON, **bearer("snv"))
    assert (refused.status_code, refused.json()) == (403, {"detail": "Bạn không có quyền tạo chương trình."})
    assert client.post("/api/v1/programs", body, content_type=JSON, **bearer("office", "read")).status_code == 403
    assert written() == before
    # Invalid input: the service's messages, per field
    bad_years = client.post("/api/v1/programs", {**body, "period_start": 2025, "period_end": 2021},
                            content_type=JSON, **bearer("office"))
    assert (bad_years.status_code, bad_years.json()["errors"]) == (
        422, {"period_end": ["Năm kết thúc phải không nhỏ hơn năm bắt đầu."]})
    taken = client.post("/api/v1/programs", {**body, "number": "01-CTr/TU"}, content_type=JSON, **bearer("office"))
    assert taken.json()["errors"] == {"number": ["Đã có chương trình số 01-CTr/TU."]}
    no_unit = client.post("/api/v1/programs", {**body, "issuing_body_id": 99999}, content_type=JSON,
                          **bearer("office"))
    assert no_unit.json()["errors"] == {"issuing_body_id": ["Không có đơn vị id=99999."]}
    assert written() == before


def test_programs_are_listed_and_read_in_the_callers_scope(client, program, units, users, bearer, make_deliverable):
    other = services.program_create(actor=users["admin"], number="02-CTr/TU", title="Khác", issuing_body=units["tu"],
                                    issued_on=D(2022, 1, 5), period_start=2022, period_end=2025)
    make_deliverable(lead="snv")
    # A read-all role sees both, newest first, one per page when asked
    page = client.get("/api/v1/programs?page_size=1", **bearer("auditor", "read")).json()
    assert (page["count"], [p["number"] for p in page["items"]]) == (2, ["02-CTr/TU"])
    # The Sở Nội vụ officer sees only the program their unit takes part in
    mine = client.get("/api/v1/programs", **bearer("snv", "read")).json()
    assert [p["id"] for p in mine["items"]] == [program.pk]
    detail = client.get(f"/api/v1/programs/{program.pk}", **bearer("snv", "read"))
    assert (detail.status_code, detail.json()["issuing_body"], detail.json()["steering_unit"]) == (
        200, "Thành ủy Hà Nội", None)
    assert client.get(f"/api/v1/programs/{other.pk}", **bearer("snv", "read")).status_code == 404


def test_a_summary_date_out_of_range_is_refused(client, program, bearer):
    response = client.get(f"/api/v1/programs/{program.pk}/summary?as_of=9999-12-31", **bearer("office", "read"))
    assert (response.status_code, response.json()["errors"]) == (
        422, {"as_of": ["Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100."]})


# --- Deliverables -----------------------------------------------------------------------------------------


def test_the_office_assigns_a_deliverable(client, program, units, bearer):
    response = client.post(f"/api/v1/programs/{program.pk}/deliverables", {
        "code": "07", "kind": "de_an", "title": "Đề án sắp xếp đơn vị sự nghiệp", "lead_unit_id": units["snv"].pk,
        "coordinating_unit_ids": [units["stc"].pk, units["snv"].pk], "responsible_leader": "Nguyễn Văn An",
        "original_deadline": "2022-06-30", "description": "Theo kết luận số 10"}, content_type=JSON,
        **bearer("office"))
    assert response.status_code == 201
    d = Deliverable.objects.get(code="07")
    body = response.json()
    assert {k: body[k] for k in ("id", "code", "kind", "lead_unit", "coordinating_unit_ids", "deadline", "status",
                                 "version", "description", "allowed_transitions")} == {
        "id": d.pk, "code": "07", "kind": "de_an", "lead_unit": "Sở Nội vụ", "coordinating_unit_ids": [units["stc"].pk],
        "deadline": "2022-06-30", "status": "not_started", "version": 1, "description": "Theo kết luận số 10",
        "allowed_transitions": ["in_progress", "cancelled"]}
    assert list(d.status_changes.values_list("to_status", flat=True)) == ["not_started"]


def test_deliverable_assignment_is_refused_like_the_page(client, program, units, users, bearer):
    url = f"/api/v1/programs/{program.pk}/deliverables"
    body = {"code": "07", "kind": "de_an", "title": "Đề án", "lead_unit_id": units["snv"].pk,
            "original_deadline": "2022-06-30"}
    before = written()
    # The program is not visible to an officer whose unit takes no part: 404; visible but not the office: 403
    assert client.post(url, body, content_type=JSON, **bearer("snv")).status_code == 404
    services.deliverable_create(actor=users["office"], program=program, code="01", kind="de_an", title="Có sẵn",
                                lead_unit=units["snv"], original_deadline=D(2021, 9, 30))
    before = written()
    refused = client.post(url, body, content_type=JSON, **bearer("snv"))
    assert (refused.status_code, refused.json()["detail"]) == (403, "Bạn không có quyền giao nội dung.")
    assert client.post(url, body, content_type=JSON, **bearer("office", "read")).status_code == 403
    bad_kind = client.post(url, {**body, "kind": "bao_cao"}, content_type=JSON, **bearer("office"))
    assert bad_kind.json()["errors"] == {"kind": [
        "Giá trị “bao_cao” không hợp lệ; chọn một trong: chuyen_de, de_an, de_tai, ke_hoach, nhiem_vu."]}
    early = client.post(url, {**body, "original_deadline": "2021-01-01"}, content_type=JSON, **bearer("office"))
    assert (early.status_code, early.json()["errors"]) == (
        422, {"original_deadline": ["Thời hạn không được trước ngày ban hành chương trình (17/03/2021)."]})
    taken = client.post(url, {**body, "code": "01"}, content_type=JSON, **bearer("office"))
    assert taken.json()["errors"] == {"code": ["Số thứ tự 01 đã có trong chương trình."]}
    assert written() == before


def test_the_lead_officer_edits_their_deliverable_with_the_version_they_read(client, units, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    url = f"/api/v1/deliverables/{d.pk}"
    response = client.patch(url, {"version": 1, "title": "Đề án đã sửa tên", "coordinating_unit_ids": [units["stp"].pk],
                                  "reason": "Theo góp ý"}, content_type=JSON, **bearer("snv"))
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("title", "coordinating_unit_ids", "version", "lead_unit")} == {
        "title": "Đề án đã sửa tên", "coordinating_unit_ids": [units["stp"].pk], "version": 2, "lead_unit": "Sở Nội vụ"}
    record = ChangeRecord.objects.get(action="update", object_id=str(d.pk))
    assert (record.reason, record.before["title"], record.after["title"]) == (
        "Theo góp ý", "Đề án thử số 1", "Đề án đã sửa tên")
    # A stale version is refused with 409 and nothing changes
    before = written()
    stale = client.patch(url, {"version": 1, "title": "Khác"}, content_type=JSON, **bearer("snv"))
    assert (stale.status_code, stale.json()["detail"]) == (
        409, "Nội dung này đã được cập nhật bởi người khác sau khi bạn mở. Hãy tải lại trang và thực hiện lại.")
    assert written() == before


def test_deliverable_edits_are_refused_like_the_page(client, units, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    url = f"/api/v1/deliverables/{d.pk}"
    before = written()
    # Another unit's officer does not see it; an auditor sees it but may not edit; a lead officer may not
    # move the deadline or the lead unit; a read token may not write
    assert client.patch(url, {"version": 1, "title": "X"}, content_type=JSON, **bearer("stc")).status_code == 404
    # (the auditor holds no write token: signed in by session)
    auditor = _session(users["auditor"]).patch(url, {"version": 1, "title": "X"}, content_type=JSON)
    assert (auditor.status_code, auditor.json()["detail"]) == (403, "Bạn không có quyền sửa nội dung này.")
    lead = client.patch(url, {"version": 1, "lead_unit_id": units["stc"].pk, "original_deadline": "2022-01-01"},
                        content_type=JSON, **bearer("snv"))
    assert (lead.status_code, lead.json()["detail"]) == (403, "Bạn không có quyền sửa: lead_unit, original_deadline.")
    read_only = client.patch(url, {"version": 1, "title": "X"}, content_type=JSON, **bearer("snv", "read"))
    assert read_only.status_code == 403
    # Invalid input: a required field emptied, an unknown kind
    empty = client.patch(url, {"version": 1, "title": None}, content_type=JSON, **bearer("office"))
    assert (empty.status_code, empty.json()["errors"]) == (422, {"title": ["Trường này không được để trống."]})
    blank = client.patch(url, {"version": 1, "title": "  "}, content_type=JSON, **bearer("office"))
    assert blank.json()["errors"] == {"title": ["Thiếu tên nội dung."]}
    assert written() == before


def test_the_office_moves_the_lead_unit_and_the_deadline(client, units, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    response = client.patch(f"/api/v1/deliverables/{d.pk}", {
        "version": 1, "lead_unit_id": units["stc"].pk, "original_deadline": "2021-12-31", "kind": "ke_hoach"},
        content_type=JSON, **bearer("office"))
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("lead_unit_id", "original_deadline", "deadline", "kind")} == {
        "lead_unit_id": units["stc"].pk, "original_deadline": "2021-12-31", "deadline": "2021-12-31",
        "kind": "ke_hoach"}


def test_status_history_newest_first(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS, at=at(2021, 4, 1))
    d.refresh_from_db()
    services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.CANCELLED,
                                    reason="Không còn phù hợp", at=at(2021, 5, 1))
    body = client.get(f"/api/v1/deliverables/{d.pk}/status-changes", **bearer("snv", "read")).json()
    assert body["count"] == 3
    assert [(i["from_status"], i["to_status"], i["by"], i["reason"]) for i in body["items"]] == [
        ("in_progress", "cancelled", "office", "Không còn phù hợp"),
        ("not_started", "in_progress", "officer_snv", ""),
        ("", "not_started", "office", ""),
    ]
    assert body["items"][0]["at"] == "2021-05-01T02:00:00Z"  # 09:00 in Hà Nội
    assert client.get(f"/api/v1/deliverables/{d.pk}/status-changes", **bearer("stc", "read")).status_code == 404


def test_the_office_records_an_extension(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2021, 9, 30))
    url = f"/api/v1/deliverables/{d.pk}/extensions"
    body = {"new_deadline": "2021-12-31", "reason": "Chờ ý kiến Trung ương", "approved_by": "Phó Bí thư Thường trực",
            "approved_on": "2021-09-20", "version": 1}
    response = client.post(url, body, content_type=JSON, **bearer("office"))
    assert response.status_code == 201
    extension = DeadlineExtension.objects.get()
    assert {k: v for k, v in response.json().items() if k != "recorded_at"} == {
        "id": extension.pk, "deliverable_id": d.pk, "previous_deadline": "2021-09-30", "new_deadline": "2021-12-31",
        "reason": "Chờ ý kiến Trung ương", "approved_by": "Phó Bí thư Thường trực", "approved_on": "2021-09-20",
        "recorded_by": "office"}
    d.refresh_from_db()
    assert (d.deadline, d.version) == (D(2021, 12, 31), 2)
    listed = client.get(url, **bearer("snv", "read")).json()
    assert (listed["count"], listed["items"][0]["new_deadline"]) == (1, "2021-12-31")


def test_extensions_are_refused_like_the_page(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2021, 9, 30))
    url = f"/api/v1/deliverables/{d.pk}/extensions"
    body = {"new_deadline": "2021-12-31", "reason": "Lý do", "approved_by": "A", "approved_on": "2021-09-20",
            "version": 1}
    before = written()
    lead = client.post(url, body, content_type=JSON, **bearer("snv"))
    assert (lead.status_code, lead.json()["detail"]) == (403, "Chỉ cơ quan thường trực ghi nhận gia hạn.")
    assert client.post(url, body, content_type=JSON, **bearer("stc")).status_code == 404
    assert client.post(url, body, content_type=JSON, **bearer("office", "read")).status_code == 403
    earlier = client.post(url, {**body, "new_deadline": "2021-09-01"}, content_type=JSON, **bearer("office"))
    assert (earlier.status_code, earlier.json()["errors"]) == (
        422, {"new_deadline": ["Thời hạn mới phải sau thời hạn hiện hành (30/09/2021)."]})
    assert written() == before


def test_notes_follow_who_may_write_what(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    url = f"/api/v1/deliverables/{d.pk}/notes"
    progress = client.post(url, {"kind": "progress", "text": "Đã xong dự thảo lần 1", "percent": 40},
                           content_type=JSON, **bearer("snv"))
    assert progress.status_code == 201
    note = Note.objects.get()
    assert {k: v for k, v in progress.json().items() if k != "at"} == {
        "id": note.pk, "deliverable_id": d.pk, "kind": "progress", "text": "Đã xong dự thảo lần 1", "percent": 40,
        "due_on": None, "author_id": note.author_id, "author": "officer_snv", "attachment_ids": []}
    directive = client.post(url, {"kind": "directive", "text": "Khẩn trương hoàn thành", "due_on": "2021-10-15"},
                            content_type=JSON, **bearer("steering"))
    assert (directive.status_code, directive.json()["due_on"]) == (201, "2021-10-15")
    before = written()
    auditor = _session(users["auditor"]).post(url, {"kind": "comment", "text": "Ý kiến"}, content_type=JSON)
    assert (auditor.status_code, auditor.json()["detail"]) == (403, "Bạn không có quyền thêm “ý kiến”.")
    lead = client.post(url, {"kind": "directive", "text": "Chỉ đạo"}, content_type=JSON, **bearer("snv"))
    assert (lead.status_code, lead.json()["detail"]) == (403, "Bạn không có quyền thêm “chỉ đạo”.")
    assert client.post(url, {"kind": "comment", "text": "X"}, content_type=JSON, **bearer("stc")).status_code == 404
    assert client.post(url, {"kind": "comment", "text": "X"}, content_type=JSON,
                       **bearer("snv", "read")).status_code == 403
    bad_kind = client.post(url, {"kind": "other", "text": "X"}, content_type=JSON, **bearer("snv"))
    assert bad_kind.json()["errors"] == {"kind": [
        "Giá trị “other” không hợp lệ; chọn một trong: progress, comment, directive."]}
    too_much = client.post(url, {"kind": "progress", "text": "X", "percent": 150}, content_type=JSON, **bearer("snv"))
    assert (too_much.status_code, too_much.json()["errors"]) == (422, {"percent": ["Tiến độ phải từ 0 đến 100%."]})
    assert written() == before
    # The list, newest first, filtered by kind and paged
    listed = client.get(f"{url}?page_size=1", **bearer("auditor", "read")).json()
    assert (listed["count"], listed["items"][0]["kind"]) == (2, "directive")
    only = client.get(f"{url}?kind=progress", **bearer("auditor", "read")).json()
    assert [n["text"] for n in only["items"]] == ["Đã xong dự thảo lần 1"]


def test_attachments_are_listed_and_downloaded_in_scope(client, users, bearer, make_deliverable):
    d = make_deliverable(lead="snv", coordinating=("stp",))
    attachment = services.attachment_upload(actor=users["snv"], deliverable=d, file=pdf_file("bao-cao.pdf"),
                                            purpose="progress")
    listed = client.get(f"/api/v1/deliverables/{d.pk}/attachments", **bearer("stp", "read")).json()
    assert listed["count"] == 1
    assert {k: listed["items"][0][k] for k in ("id", "original_name", "size", "purpose", "uploaded_by")} == {
        "id": attachment.pk, "original_name": "bao-cao.pdf", "size": 15, "purpose": "progress",
        "uploaded_by": "officer_snv"}
    download = client.get(f"/api/v1/attachments/{attachment.pk}/file", **bearer("stp", "read"))
    assert (download.status_code, download["Content-Type"]) == (200, "application/octet-stream")
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%test\n"
    assert client.get(f"/api/v1/attachments/{attachment.pk}/file", **bearer("stc", "read")).status_code == 404
    assert client.get(f"/api/v1/deliverables/{d.pk}/attachments", **bearer("stc", "read")).status_code == 404


def test_an_attachment_purpose_outside_the_choices_is_refused(client, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    before = written()
    response = client.post(f"/api/v1/deliverables/{d.pk}/attachments", {"file": pdf_file(), "purpose": "x"},
                           **bearer("snv"))
    assert response.json()["errors"] == {"purpose": [
        "Giá trị “x” không hợp lệ; chọn một trong: approval, progress, other."]}
    assert written() == before


def test_an_unknown_deadline_class_filter_is_refused(client, program, bearer, make_deliverable):
    make_deliverable()
    response = client.get(f"/api/v1/programs/{program.pk}/deliverables?deadline_class=late", **bearer("office"))
    assert response.status_code == 422
    assert response.json()["errors"]["deadline_class"][0].startswith("Giá trị “late” không hợp lệ; chọn một trong: ")


def test_the_excel_export_is_the_list_as_filtered(client, program, bearer, make_deliverable):
    make_deliverable(lead="snv", title="Đề án của Sở Nội vụ")
    make_deliverable(lead="stc", title="Đề án của Sở Tài chính")
    response = client.get(f"/api/v1/programs/{program.pk}/deliverables/export?q=noi+vu", **bearer("office", "read"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.content)).active
    titles = [row[3] for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert titles == ["Đề án của Sở Nội vụ"]
    # The Sở Tài chính officer exports only their unit's deliverable
    mine = client.get(f"/api/v1/programs/{program.pk}/deliverables/export", **bearer("stc", "read"))
    ws = load_workbook(io.BytesIO(mine.content)).active
    assert [row[3] for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)] == ["Đề án của Sở Tài chính"]
    template = client.get("/api/v1/deliverable-import-template", **bearer("snv", "read"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["Nội dung", "Danh mục đơn vị"]


GOOD_ROWS = [
    ["01", "Đề án", "Đề án nâng cao chất lượng chi bộ", "Sở Nội vụ", "Sở Tài chính", "Nguyễn Văn An", "30/06/2021", ""],
    ["02", "chuyen de", "Chuyên đề kiểm soát quyền lực", "STC", "", "", "31/12/2021", ""],
]


def test_the_excel_import_writes_every_row(client, program, units, bearer):
    response = client.post(f"/api/v1/programs/{program.pk}/deliverables/import", {"file": xlsx(GOOD_ROWS)},
                           **bearer("office"))
    assert response.status_code == 201
    body = response.json()
    assert (body["dry_run"], body["counts"]) == (False, {"deliverables": 2})
    assert [(i["code"], i["kind"], i["lead_unit"], i["original_deadline"]) for i in body["items"]] == [
        ("01", "de_an", "Sở Nội vụ", "2021-06-30"), ("02", "chuyen_de", "Sở Tài chính", "2021-12-31")]
    assert Deliverable.objects.count() == 2


def test_a_bad_row_makes_the_import_write_nothing(client, program, bearer):
    rows = GOOD_ROWS + [["03", "Báo cáo", "Sai loại", "Sở Không Có", "", "", "30/06/2021", ""]]
    url = f"/api/v1/programs/{program.pk}/deliverables/import"
    before = written()
    response = client.post(url, {"file": xlsx(rows)}, **bearer("office"))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Tệp có 2 lỗi; chưa ghi dòng nào."
    assert body["rows"] == [
        {"sheet": "Sheet", "row": 4, "column": "Loại", "message":
         "Loại “Báo cáo” không hợp lệ; chọn một trong: chuyên đề, đề án, đề tài, kế hoạch, nhiệm vụ."},
        {"sheet": "Sheet", "row": 4, "column": "Đơn vị chủ trì", "message": "Không tìm thấy đơn vị “Sở Không Có”."},
    ]
    assert body["errors"]["file"][1] == "Sheet, dòng 4, cột Đơn vị chủ trì: Không tìm thấy đơn vị “Sở Không Có”."
    assert body["truncated"] is False
    refused = client.post(url, {"file": xlsx(GOOD_ROWS)}, **bearer("steering"))
    assert (refused.status_code, refused.json()["detail"]) == (403, "Bạn không có quyền nhập danh mục nội dung.")
    assert client.post(url, {"file": xlsx(GOOD_ROWS)}, **bearer("office", "read")).status_code == 403
    assert written() == before


# --- Meetings ---------------------------------------------------------------------------------------------


def test_meetings_are_listed_in_the_programs_scope(client, program, users, meeting, bearer, make_deliverable):
    services.meeting_create(actor=users["office"], program=program, kind=Meeting.Kind.QUARTERLY,
                            title="Sơ kết quý III", held_on=D(2021, 9, 30), chair="Phó Trưởng ban")
    make_deliverable(lead="snv")
    url = f"/api/v1/programs/{program.pk}/meetings"
    page = client.get(f"{url}?page_size=1", **bearer("snv", "read")).json()
    assert (page["count"], [m["title"] for m in page["items"]]) == (2, ["Hội nghị tổng kết công tác năm 2021"])
    quarterly = client.get(f"{url}?kind=quarterly", **bearer("snv", "read")).json()
    assert [(m["title"], m["held_on"]) for m in quarterly["items"]] == [("Sơ kết quý III", "2021-09-30")]
    assert client.get(f"{url}?kind=other", **bearer("snv", "read")).status_code == 422
    assert client.get(url, **bearer("stc", "read")).status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting.pk}", **bearer("stc", "read")).status_code == 404


def test_a_meeting_reads_with_its_agenda_points_and_conclusions(client, units, users, meeting, bearer,
                                                                make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2022, 6, 30))
    services.agenda_item_add(actor=users["office"], meeting=meeting, title="Kiểm điểm tiến độ", deliverables=[d],
                             units=[units["snv"]])
    services.meeting_point_add(actor=users["office"], meeting=meeting, kind="lesson", text="Bám sát cơ sở",
                               speaker="Đồng chí A")
    c = services.conclusion_add(actor=users["office"], meeting=meeting, text="Hoàn thành đề án",
                                lead_unit=units["snv"], deadline=D(2022, 3, 31), track_as="directive", deliverable=d,
                                at=at(2022, 1, 10))
    body = client.get(f"/api/v1/meetings/{meeting.pk}", **bearer("snv", "read")).json()
    assert (body["title"], body["kind"], body["held_on"], body["attendees"]) == (
        "Hội nghị tổng kết công tác năm 2021", "year_end", "2021-12-28",
        "Thành viên Ban Chỉ đạo\nLãnh đạo các đơn vị chủ trì")
    item = AgendaItem.objects.get()
    assert body["agenda_items"] == [{"id": item.pk, "order": 1, "title": "Kiểm điểm tiến độ",
                                     "deliverable_ids": [d.pk], "unit_ids": [units["snv"].pk], "notes": ""}]
    assert [(p["kind"], p["text"], p["speaker"], p["order"]) for p in body["points"]] == [
        ("lesson", "Bám sát cơ sở", "Đồng chí A", 1)]
    assert body["conclusions"] == [{
        "id": c.pk, "order": 1, "text": "Hoàn thành đề án", "lead_unit_id": units["snv"].pk, "lead_unit": "Sở Nội vụ",
        "deadline": "2022-03-31", "track_as": "directive", "deliverable_id": d.pk, "deliverable_code": d.code,
        "deliverable_status": "not_started", "note_id": c.note_id}]


MEETING = {"kind": "quarterly", "title": "Sơ kết quý IV năm 2021", "held_on": "2021-12-20",
           "chair": "Phó Trưởng ban Chỉ đạo", "location": "Trụ sở Thành ủy", "attendees": "Các sở\nCác ban"}


def test_the_office_records_and_corrects_a_meeting(client, program, bearer):
    created = client.post(f"/api/v1/programs/{program.pk}/meetings", MEETING, content_type=JSON, **bearer("office"))
    assert created.status_code == 201
    m = Meeting.objects.get()
    assert {k: v for k, v in created.json().items() if k != "created_at"} == {
        "id": m.pk, "program_id": program.pk, **MEETING, "minutes": "", "agenda_items": [], "points": [],
        "conclusions": []}
    updated = client.patch(f"/api/v1/meetings/{m.pk}", {"held_on": "2021-12-22", "minutes": None,
                                                         "reason": "Sai ngày"}, content_type=JSON, **bearer("office"))
    assert (updated.status_code, updated.json()["held_on"], updated.json()["title"]) == (
        200, "2021-12-22", "Sơ kết quý IV năm 2021")
    record = ChangeRecord.objects.get(action="update", content_type__model="meeting")
    assert (record.before["held_on"], record.after["held_on"], record.reason) == (
        "2021-12-20", "2021-12-22", "Sai ngày")


def test_meeting_writes_are_refused_like_the_page(client, program, meeting, bearer, make_deliverable):
    make_deliverable(lead="snv")
    before = written()
    url = f"/api/v1/programs/{program.pk}/meetings"
    lead = client.post(url, MEETING, content_type=JSON, **bearer("snv"))
    assert (lead.status_code, lead.json()["detail"]) == (
        403, "Chỉ cơ quan thường trực ghi nhận hội nghị, cuộc họp và kết luận.")
    assert client.post(url, MEETING, content_type=JSON, **bearer("stc")).status_code == 404
    assert client.post(url, MEETING, content_type=JSON, **bearer("office", "read")).status_code == 403
    assert client.patch(f"/api/v1/meetings/{meeting.pk}", {"title": "X"}, content_type=JSON,
                        **bearer("steering")).status_code == 403
    early = client.post(url, {**MEETING, "held_on": "2021-01-01"}, content_type=JSON, **bearer("office"))
    assert (early.status_code, early.json()["errors"]) == (
        422, {"held_on": ["Ngày họp không được trước ngày ban hành chương trình (17/03/2021)."]})
    kind = client.post(url, {**MEETING, "kind": "x"}, content_type=JSON, **bearer("office"))
    assert kind.json()["errors"] == {"kind": [
        "Giá trị “x” không hợp lệ; chọn một trong: stocktake, quarterly, year_end."]}
    no_chair = client.patch(f"/api/v1/meetings/{meeting.pk}", {"chair": " "}, content_type=JSON, **bearer("office"))
    assert no_chair.json()["errors"] == {"chair": ["Thiếu người chủ trì."]}
    assert written() == before


def test_agenda_items_and_points_are_added_by_the_office(client, units, meeting, bearer, make_deliverable):
    d = make_deliverable(lead="snv")
    agenda = client.post(f"/api/v1/meetings/{meeting.pk}/agenda-items", {
        "title": "Tiến độ đề án", "deliverable_ids": [d.pk], "unit_ids": [units["snv"].pk, units["stc"].pk]},
        content_type=JSON, **bearer("office"))
    assert agenda.status_code == 201
    assert {k: v for k, v in agenda.json().items() if k != "id"} == {
        "order": 1, "title": "Tiến độ đề án", "deliverable_ids": [d.pk],
        "unit_ids": [units["snv"].pk, units["stc"].pk], "notes": ""}
    point = client.post(f"/api/v1/meetings/{meeting.pk}/points", {"kind": "difficulty", "text": "Thiếu biên chế"},
                        content_type=JSON, **bearer("office"))
    assert (point.status_code, point.json()["kind"], point.json()["order"]) == (201, "difficulty", 1)
    before = written()
    unknown = client.post(f"/api/v1/meetings/{meeting.pk}/agenda-items", {"title": "X", "deliverable_ids": [99999]},
                          content_type=JSON, **bearer("office"))
    assert unknown.json()["errors"] == {"deliverable_ids": ["Không tìm thấy nội dung: 99999."]}
    kind = client.post(f"/api/v1/meetings/{meeting.pk}/points", {"kind": "x", "text": "X"}, content_type=JSON,
                       **bearer("office"))
    assert kind.json()["errors"] == {"kind": [
        "Giá trị “x” không hợp lệ; chọn một trong: lesson, difficulty, recommendation."]}
    empty = client.post(f"/api/v1/meetings/{meeting.pk}/points", {"kind": "lesson", "text": " "}, content_type=JSON,
                        **bearer("office"))
    assert empty.json()["errors"] == {"text": ["Nội dung không được để trống."]}
    lead = client.post(f"/api/v1/meetings/{meeting.pk}/points", {"kind": "lesson", "text": "X"}, content_type=JSON,
                       **bearer("snv"))
    assert lead.status_code == 403
    assert written() == before


def test_conclusions_are_tracked_as_deliverables_or_directives(client, units, meeting, bearer, make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2022, 6, 30))
    url = f"/api/v1/meetings/{meeting.pk}/conclusions"
    new = client.post(url, {"text": "Xây dựng cơ chế thu hút nhân sự", "lead_unit_id": units["snv"].pk,
                            "deadline": "2022-09-30", "kind": "de_an"}, content_type=JSON, **bearer("office"))
    assert new.status_code == 201
    tracked = Deliverable.objects.get(code="KL21.1")
    assert {k: v for k, v in new.json().items() if k != "id"} == {
        "order": 1, "text": "Xây dựng cơ chế thu hút nhân sự", "lead_unit_id": units["snv"].pk,
        "lead_unit": "Sở Nội vụ", "deadline": "2022-09-30", "track_as": "deliverable", "deliverable_id": tracked.pk,
        "deliverable_code": "KL21.1", "deliverable_status": "not_started", "note_id": None}
    assert (tracked.kind, tracked.original_deadline) == ("de_an", D(2022, 9, 30))
    directive = client.post(url, {"text": "Đẩy nhanh tiến độ", "lead_unit_id": units["snv"].pk,
                                  "deadline": "2022-03-31", "track_as": "directive", "deliverable_id": d.pk},
                            content_type=JSON, **bearer("office"))
    assert directive.status_code == 201
    note = Note.objects.get(deliverable=d)
    assert (directive.json()["track_as"], directive.json()["note_id"], note.kind, note.due_on) == (
        "directive", note.pk, "directive", D(2022, 3, 31))


def test_conclusions_are_refused_like_the_page(client, units, meeting, bearer, make_deliverable):
    d = make_deliverable(lead="stc", deadline=D(2022, 6, 30))
    url = f"/api/v1/meetings/{meeting.pk}/conclusions"
    body = {"text": "Kết luận", "lead_unit_id": units["snv"].pk, "deadline": "2022-03-31"}
    before = written()
    assert client.post(url, body, content_type=JSON, **bearer("stc")).status_code == 403
    assert client.post(url, body, content_type=JSON, **bearer("office", "read")).status_code == 403
    wrong_unit = client.post(url, {**body, "track_as": "directive", "deliverable_id": d.pk}, content_type=JSON,
                             **bearer("office"))
    assert wrong_unit.json()["errors"] == {"lead_unit": ["Nội dung 01 do Sở Tài chính chủ trì, không phải Sở Nội vụ."]}
    early = client.post(url, {**body, "deadline": "2021-12-01"}, content_type=JSON, **bearer("office"))
    assert early.json()["errors"] == {"deadline": ["Thời hạn không được trước ngày họp (28/12/2021)."]}
    track = client.post(url, {**body, "track_as": "note"}, content_type=JSON, **bearer("office"))
    assert track.json()["errors"] == {"track_as": [
        "Giá trị “note” không hợp lệ; chọn một trong: deliverable, directive."]}
    assert written() == before


# --- Every write refuses a read token -----------------------------------------------------------------------


WRITES = [
    ("post", "/api/v1/programs", {}),
    ("post", "/api/v1/programs/{program}/deliverables", {}),
    ("post", "/api/v1/programs/{program}/deliverables/import", {}),
    ("patch", "/api/v1/deliverables/{deliverable}", {"title": "X"}),
    ("post", "/api/v1/deliverables/{deliverable}/extensions", {}),
    ("post", "/api/v1/deliverables/{deliverable}/notes", {"kind": "comment", "text": "X"}),
    ("post", "/api/v1/programs/{program}/meetings", {}),
    ("patch", "/api/v1/meetings/{meeting}", {"title": "X"}),
    ("post", "/api/v1/meetings/{meeting}/agenda-items", {"title": "X"}),
    ("post", "/api/v1/meetings/{meeting}/points", {"kind": "lesson", "text": "X"}),
    ("post", "/api/v1/meetings/{meeting}/conclusions", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_token_writes_nothing(client, program, meeting, bearer, make_deliverable, method, path, body):
    d = make_deliverable(lead="snv")
    url = path.format(program=program.pk, deliverable=d.pk, meeting=meeting.pk)
    before = written()
    response = getattr(client, method)(url, body, content_type=JSON, **bearer("office", "read"))
    assert (response.status_code, response.json()) == (403, {"detail": "Mã truy cập này chỉ có quyền đọc."})
    assert written() == before
