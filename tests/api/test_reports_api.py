"""API v1 for reports: builds are queued through the page's service, followed and downloaded only by whoever asked;
Word templates are replaced and reset by administrators only."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from chidao.core import signing
from chidao.core.documents import DEFAULT_TEMPLATES
from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.reports.models import ReportJob, ReportTemplate

pytestmark = pytest.mark.django_db
D = dt.date
JSON = "application/json"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def bearer(users):
    def make(user_key: str, scope: str = "write") -> dict[str, str]:
        _token, raw = api_token_create(user=users[user_key], name="test", scope=scope)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


@pytest.fixture
def two_items(make_deliverable):
    make_deliverable(lead="snv", deadline=D(2021, 9, 30))
    make_deliverable(lead="stc", deadline=D(2022, 9, 30))


def written() -> tuple:
    return (ReportJob.objects.count(), ReportTemplate.objects.count(),
            ChangeRecord.objects.exclude(content_type__model="apitoken").count(),
            sorted(ReportTemplate.objects.values_list("kind", "original_name")))


def _template_bytes(text: str = "MẪU RIÊNG {{ subtitle }}") -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _template_upload(content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("mau-moi.docx", content or _template_bytes(), content_type=DOCX)


def test_a_build_is_queued_followed_and_downloaded_by_whoever_asked(client, program, units, bearer, two_items):
    # When the office asks for the stocktake workbook (the test backend runs the task at once)
    response = client.post(f"/api/v1/programs/{program.pk}/report-jobs",
                           {"kind": "stocktake", "format": "xlsx", "as_of": "2021-12-28"},
                           content_type=JSON, **bearer("office"))
    # Then the job is done, with its parameters and a file to download
    assert response.status_code == 201
    job = ReportJob.objects.get()
    body = response.json()
    assert {k: v for k, v in body.items() if k not in {"requested_at", "finished_at"}} == {
        "id": job.pk, "program_id": program.pk, "kind": "stocktake", "format": "xlsx",
        "params": {"year": None, "period": None, "as_of": "2021-12-28", "unit_id": None}, "state": "done",
        "progress": 100, "message": "Đã lập xong", "error": None, "filename": job.filename, "downloadable": True,
        "signature_notice": ""}
    assert client.get(f"/api/v1/report-jobs/{job.pk}", **bearer("office", "read")).json()["state"] == "done"
    download = client.get(f"/api/v1/report-jobs/{job.pk}/file", **bearer("office", "read"))
    assert (download.status_code, download["Content-Type"]) == (
        200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert download["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames
    # Nobody else sees or downloads it, not even a read-all role
    assert client.get(f"/api/v1/report-jobs/{job.pk}", **bearer("steering", "read")).status_code == 404
    assert client.get(f"/api/v1/report-jobs/{job.pk}/file", **bearer("steering", "read")).status_code == 404
    assert client.get("/api/v1/report-jobs", **bearer("steering", "read")).json() == {"items": [], "count": 0}


def test_a_pdf_job_says_whether_the_issued_pdf_is_signed(client, program, bearer, two_items, settings, signing_key):
    # given no signing key: the job says the PDF is unsigned
    settings.CHIDAO_SIGNING = {}
    url = f"/api/v1/programs/{program.pk}/report-jobs"
    body = client.post(url, {"kind": "stocktake", "format": "pdf", "as_of": "2021-12-28"}, content_type=JSON,
                       **bearer("office")).json()
    assert body["signature_notice"] == (
        "Văn bản PDF chưa được ký số: máy chủ chưa cài chứng thư số của cơ quan ban hành.")
    # given a key: the job says issued PDFs are signed, drafts not (a job builds a draft: no number yet)
    settings.CHIDAO_SIGNING = {"pkcs12": str(signing_key["p12"]), "password": "mat-khau"}
    body = client.post(url, {"kind": "stocktake", "format": "pdf", "as_of": "2021-12-28"}, content_type=JSON,
                       **bearer("office")).json()
    assert body["signature_notice"] == ("Văn bản PDF đã ban hành (có số) được ký số bằng chứng thư số của cơ quan "
                                        "ban hành; bản dự thảo không ký số.")
    download = client.get(f"/api/v1/report-jobs/{body['id']}/file", **bearer("office", "read"))
    assert not signing.pdf_signed(b"".join(download.streaming_content))


def test_a_dispatch_goes_to_a_lead_unit_of_the_program(client, program, units, bearer, two_items):
    url = f"/api/v1/programs/{program.pk}/report-jobs"
    body = {"kind": "dispatch", "format": "pdf", "unit_id": units["snv"].pk}
    before = written()
    not_lead = client.post(url, {**body, "unit_id": units["stp"].pk}, content_type=JSON, **bearer("office"))
    assert (not_lead.status_code, not_lead.json()["errors"]) == (
        422, {"unit": ["Chọn đơn vị chủ trì nhận công văn."]})
    assert written() == before
    ok = client.post(url, body, content_type=JSON, **bearer("office"))
    assert (ok.status_code, ok.json()["params"]["unit_id"], ok.json()["state"]) == (201, units["snv"].pk, "done")


def test_a_bad_request_queues_nothing(client, program, bearer, two_items):
    url = f"/api/v1/programs/{program.pk}/report-jobs"
    before = written()
    period = client.post(url, {"kind": "periodic", "format": "docx", "period": ""}, content_type=JSON,
                         **bearer("office"))
    assert (period.status_code, period.json()["errors"]) == (422, {"period": [
        "Kỳ báo cáo “” không hợp lệ; ví dụ: 2021-M11, 2021-Q4, 2021-H1, 2021."]})
    fmt = client.post(url, {"kind": "stocktake", "format": "docx"}, content_type=JSON, **bearer("office"))
    assert fmt.json()["errors"] == {"format": ["Báo cáo này không lập được ở định dạng “docx”."]}
    kind = client.post(url, {"kind": "monthly", "format": "pdf"}, content_type=JSON, **bearer("office"))
    assert kind.json()["errors"] == {"kind": [
        "Giá trị “monthly” không hợp lệ; chọn một trong: year_end, periodic, stocktake, dispatch."]}
    year = client.post(url, {"kind": "year_end", "format": "xlsx", "year": 2030}, content_type=JSON,
                       **bearer("office"))
    assert year.json()["errors"] == {"year": ["Năm phải trong giai đoạn của chương trình (2021-2025)."]}
    assert written() == before


def test_a_build_is_refused_outside_the_callers_programs_and_to_a_read_token(client, program, bearer, two_items):
    url = f"/api/v1/programs/{program.pk}/report-jobs"
    body = {"kind": "stocktake", "format": "xlsx"}
    before = written()
    assert client.post(url, body, content_type=JSON, **bearer("stp")).status_code == 404
    refused = client.post(url, body, content_type=JSON, **bearer("office", "read"))
    assert (refused.status_code, refused.json()) == (403, {"detail": "Mã truy cập này chỉ có quyền đọc."})
    assert written() == before


def test_the_list_is_the_callers_own_filtered_and_paged(client, program, users, bearer):
    def job(user, state, message="", kind="stocktake"):
        return ReportJob.objects.create(program=program, kind=kind, format="pdf", requested_by=users[user],
                                        requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), state=state,
                                        message=message, params={"unit": "", "as_of": "2021-12-28"})

    failed = job("office", ReportJob.State.FAILED, "Lỗi khi lập báo cáo: hết bộ nhớ")
    job("office", ReportJob.State.RUNNING)
    job("office", ReportJob.State.DONE, kind="dispatch")
    job("snv", ReportJob.State.FAILED)
    headers = bearer("office", "read")
    page = client.get("/api/v1/report-jobs?page_size=2", **headers).json()
    assert (page["count"], len(page["items"])) == (3, 2)
    only = client.get("/api/v1/report-jobs?state=failed", **headers).json()
    assert [(j["id"], j["error"], j["downloadable"]) for j in only["items"]] == [
        (failed.pk, "Lỗi khi lập báo cáo: hết bộ nhớ", False)]
    assert only["items"][0]["params"] == {"year": None, "period": None, "as_of": "2021-12-28", "unit_id": None}
    bad = client.get("/api/v1/report-jobs?state=late", **headers)
    assert bad.json()["errors"] == {"state": [
        "Giá trị “late” không hợp lệ; chọn một trong: queued, running, done, failed."]}
    assert client.get(f"/api/v1/report-jobs/{failed.pk}/file", **headers).status_code == 404


# --- Word templates -----------------------------------------------------------------------------------------


def test_an_administrator_replaces_and_resets_a_template(client, bearer):
    headers = bearer("admin")
    listed = client.get("/api/v1/report-templates", **headers).json()
    assert [(t["kind"], t["custom"]) for t in listed["items"]] == [
        ("program_report", False), ("reminder_dispatch", False)]
    content = _template_bytes()
    replaced = client.post("/api/v1/report-templates/program_report", {"file": _template_upload(content)}, **headers)
    assert replaced.status_code == 200
    assert {k: v for k, v in replaced.json().items() if k != "uploaded_at"} == {
        "kind": "program_report", "label": "Báo cáo chương trình (tổng kết năm, định kỳ)", "custom": True,
        "original_name": "mau-moi.docx", "uploaded_by": "admin"}
    assert ReportTemplate.objects.get().original_name == "mau-moi.docx"
    current = client.get("/api/v1/report-templates/program_report/file", **headers)
    assert (current.status_code, current["Content-Type"]) == (200, DOCX)
    assert b"".join(current.streaming_content) == content
    default = client.get("/api/v1/report-templates/program_report/file?default=true", **headers)
    assert b"".join(default.streaming_content) == (DEFAULT_TEMPLATES / "program_report.docx").read_bytes()
    reset = client.delete("/api/v1/report-templates/program_report", **headers)
    assert (reset.status_code, reset.json()["custom"]) == (200, False)
    assert ReportTemplate.objects.count() == 0
    assert list(ChangeRecord.objects.filter(content_type__model="reporttemplate").values_list("action", flat=True)
                .order_by("id")) == ["create", "delete"]


def test_templates_are_refused_to_others_and_a_bad_file_changes_nothing(client, bearer):
    before = written()
    office = client.post("/api/v1/report-templates/program_report", {"file": _template_upload()}, **bearer("office"))
    assert (office.status_code, office.json()["detail"]) == (403, "Chỉ quản trị hệ thống được thay mẫu văn bản.")
    assert client.get("/api/v1/report-templates", **bearer("office")).status_code == 403
    assert client.get("/api/v1/report-templates/program_report/file", **bearer("office")).status_code == 403
    assert client.delete("/api/v1/report-templates/program_report", **bearer("admin", "read")).status_code == 403
    assert client.post("/api/v1/report-templates/program_report", {"file": _template_upload()},
                       **bearer("admin", "read")).status_code == 403
    not_word = client.post("/api/v1/report-templates/program_report",
                           {"file": SimpleUploadedFile("mau.pdf", b"%PDF-1.4\n", content_type="application/pdf")},
                           **bearer("admin"))
    assert (not_word.status_code, list(not_word.json()["errors"])) == (422, ["file"])
    kind = client.post("/api/v1/report-templates/other", {"file": _template_upload()}, **bearer("admin"))
    assert kind.json()["errors"] == {"kind": [
        "Giá trị “other” không hợp lệ; chọn một trong: program_report, reminder_dispatch."]}
    assert written() == before
