"""Report pages: builds go through the task queue and show their progress; templates are replaceable."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from docx import Document

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.reports import builders, services
from chidao.reports.models import ReportJob, ReportTemplate

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def office(client, users):
    client.force_login(users["office"])
    return client


@pytest.fixture
def two_items(make_deliverable):
    make_deliverable(lead="snv", deadline=D(2021, 9, 30))
    make_deliverable(lead="stc", deadline=D(2022, 9, 30))


def _docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def test_a_build_is_queued_run_and_downloaded(office, program, users, two_items):
    # Given the reports page
    page = office.get(f"/chuong-trinh/{program.pk}/bao-cao/")
    assert page.status_code == 200
    assert 'data-testid="ratings"' in page.content.decode()
    # When the office asks for the year-end review in Word (the test backend runs the task at once)
    response = office.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/",
                           {"kind": "year_end", "format": "docx", "year": "2021", "as_of": "28/12/2021"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    # Then the job records its parameters, its progress and its file
    assert (job.kind, job.format, job.params, job.state, job.progress) == (
        "year_end", "docx", {"year": 2021, "as_of": "2021-12-28"}, "done", 100)
    assert job.task_id and job.filename == "tong-ket-nam-2021_01-CTr-TU.docx"
    jobs = office.get(f"/chuong-trinh/{program.pk}/bao-cao/danh-sach/").content.decode()
    assert f'data-testid="download-{job.pk}"' in jobs and 'data-polling="0"' in jobs
    download = office.get(f"/bao-cao/{job.pk}/tai-ve/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="tong-ket-nam-2021_01-CTr-TU.docx"'
    paragraphs = _docx_paragraphs(b"".join(download.streaming_content))
    assert ("Ban Chỉ đạo chương trình đã giao cho 2 cơ quan, đơn vị chủ trì triển khai thực hiện 2 đề án. "
            "Tính đến ngày 28/12/2021, có 0 nội dung đã hoàn thành, 0 nội dung đã hoàn thành dự thảo, đang trình "
            "cấp có thẩm quyền xem xét phê duyệt. Còn lại 2 đề án đang được các cơ quan chủ trì triển khai thực hiện "
            "(trong đó 2 nội dung chưa triển khai).") in paragraphs


def test_an_unfinished_build_keeps_the_list_polling(office, program, users):
    job = ReportJob.objects.create(program=program, kind="stocktake", format="pdf", requested_by=users["office"],
                                   requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), progress=40,
                                   state=ReportJob.State.RUNNING, message="Đang vẽ biểu đồ")
    html = office.get(f"/chuong-trinh/{program.pk}/bao-cao/danh-sach/").content.decode()
    assert 'data-polling="1"' in html and "every 1s" in html
    assert 'value="40"' in html and "Đang vẽ biểu đồ" in html
    assert office.get(f"/bao-cao/{job.pk}/tai-ve/").status_code == 404  # not done yet


def test_a_bad_request_is_refused_and_nothing_is_queued(office, program, two_items):
    response = office.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/",
                           {"kind": "periodic", "format": "docx", "period": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Kỳ báo cáo “” không hợp lệ" in response.content.decode()
    response = office.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/",
                           {"kind": "stocktake", "format": "docx"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Báo cáo này không lập được ở định dạng “docx”." in response.content.decode()
    assert ReportJob.objects.count() == 0


def test_a_failed_build_says_why(office, program, monkeypatch, two_items):
    def broken(report, fmt, progress, issue=None):
        raise RuntimeError("hết dung lượng đĩa")

    monkeypatch.setattr(builders, "build", broken)
    office.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/", {"kind": "stocktake", "format": "pdf"})
    job = ReportJob.objects.get()
    assert (job.state, job.message, bool(job.file)) == ("failed", "Lỗi khi lập báo cáo: hết dung lượng đĩa", False)


def test_builds_are_private_to_who_asked_and_to_what_they_may_see(client, office, program, users, two_items):
    office.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/", {"kind": "stocktake", "format": "xlsx"})
    job = ReportJob.objects.get()
    client.force_login(users["steering"])
    assert client.get(f"/bao-cao/{job.pk}/tai-ve/").status_code == 404
    # A lead officer whose unit has nothing in a program cannot open its reports or ask for one
    program.deliverables.filter(lead_unit__code="STP").delete()
    client.force_login(users["stp"])
    assert client.get(f"/chuong-trinh/{program.pk}/bao-cao/").status_code == 404
    assert client.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/", {"kind": "stocktake", "format": "pdf"}
                       ).status_code == 404
    assert ReportJob.objects.count() == 1


def test_a_lead_officers_report_covers_only_their_scope(client, program, users, two_items):
    client.force_login(users["snv"])
    client.post(f"/chuong-trinh/{program.pk}/bao-cao/lap/", {"kind": "year_end", "format": "docx", "year": "2021"})
    job = ReportJob.objects.get()
    paragraphs = _docx_paragraphs(job.file.read())
    assert any(p.startswith("Ban Chỉ đạo chương trình đã giao cho 1 cơ quan, đơn vị chủ trì triển khai thực hiện 1 "
                            "đề án.") for p in paragraphs)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task, as in production
def test_the_database_worker_runs_a_queued_build(settings, program, users, two_items):
    # Given the database backend (what `make run` uses), a build is only queued
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = services.report_job_request(actor=users["office"], program=program, kind="stocktake", fmt="pdf",
                                      params={})
    assert ReportJob.objects.get(pk=job.pk).state == "queued"
    # When a worker processes the queue
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # Then the build is done
    job.refresh_from_db()
    assert (job.state, job.progress) == ("done", 100)
    assert job.file.read().startswith(b"%PDF")


# --- Word templates -------------------------------------------------------------------------------


def _template(text: str) -> SimpleUploadedFile:
    doc = Document()
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return SimpleUploadedFile("mau.docx", buffer.getvalue())


def test_an_administrator_replaces_and_resets_the_word_template(client, program, users, two_items):
    client.force_login(users["admin"])
    assert client.get("/bao-cao/mau-van-ban/").status_code == 200
    response = client.post("/bao-cao/mau-van-ban/", {"kind": "program_report",
                                                    "file": _template("MẪU RIÊNG {{ subtitle }}")})
    assert response.status_code == 302
    assert ReportTemplate.objects.get().original_name == "mau.docx"
    assert ChangeRecord.objects.filter(action="create", content_type__model="reporttemplate").count() == 1
    content, _n = services.report_render(user=users["office"], program=program, kind="year_end", fmt="docx",
                                         params={"year": 2021})
    assert _docx_paragraphs(content) == [
        "MẪU RIÊNG Tổng kết công tác năm 2021, phương hướng, nhiệm vụ năm 2022 thực hiện Chương trình số 01-CTr/TU"]
    downloaded = client.get("/bao-cao/mau-van-ban/program_report.docx")
    assert _docx_paragraphs(b"".join(downloaded.streaming_content)) == ["MẪU RIÊNG {{ subtitle }}"]
    client.post("/bao-cao/mau-van-ban/", {"kind": "program_report", "reset": "1"})
    assert ReportTemplate.objects.count() == 0
    content, _n = services.report_render(user=users["office"], program=program, kind="year_end", fmt="docx",
                                         params={"year": 2021})
    assert "BÁO CÁO" in _docx_paragraphs(content)


def test_a_broken_template_is_refused_and_the_one_in_force_stays(client, users):
    client.force_login(users["admin"])
    response = client.post("/bao-cao/mau-van-ban/", {"kind": "program_report", "file": _template("{{ subtitle ")})
    assert response.status_code == 422
    assert "Mẫu không hợp lệ" in response.content.decode()
    response = client.post("/bao-cao/mau-van-ban/", {"kind": "program_report",
                                                    "file": SimpleUploadedFile("mau.pdf", b"%PDF-1.4")})
    assert "Loại tệp .pdf không được phép. Cho phép: .docx." in response.content.decode()
    assert ReportTemplate.objects.count() == 0
    assert ChangeRecord.objects.filter(content_type__model="reporttemplate").count() == 0


def test_only_an_administrator_replaces_templates(client, users):
    client.force_login(users["office"])
    assert client.get("/bao-cao/mau-van-ban/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.report_template_replace(actor=users["office"], kind="program_report", upload=_template("x"))
    with pytest.raises(ValidationError):
        services.report_template_replace(actor=users["admin"], kind="nope", upload=_template("x"))
    assert ReportTemplate.objects.count() == 0


@pytest.mark.parametrize("kind", ["program_report", "reminder_dispatch"])
def test_the_shipped_template_downloaded_goes_back_up_unchanged(client, users, kind):
    # Given the default template an administrator downloads to edit
    client.force_login(users["admin"])
    shipped = b"".join(client.get(f"/bao-cao/mau-van-ban/{kind}.docx").streaming_content)
    # When it is uploaded back as it is, then it is accepted and in force
    response = client.post("/bao-cao/mau-van-ban/", {"kind": kind, "file": SimpleUploadedFile("mau.docx", shipped)})
    assert response.status_code == 302
    assert ReportTemplate.objects.get().kind == kind


def test_the_reports_page_says_whether_issued_pdfs_are_signed(office, program, settings, signing_key):
    settings.CHIDAO_SIGNING = {}
    unsigned = office.get(f"/chuong-trinh/{program.pk}/bao-cao/").content.decode()
    assert ('<p class="muted" data-testid="pdf-signature">Văn bản PDF chưa được ký số: máy chủ chưa cài chứng thư '
            'số của cơ quan ban hành.</p>') in unsigned
    settings.CHIDAO_SIGNING = {"pkcs12": str(signing_key["p12"]), "password": "mat-khau"}
    signed = office.get(f"/chuong-trinh/{program.pk}/bao-cao/").content.decode()
    assert ("Văn bản PDF đã ban hành (có số) được ký số bằng chứng thư số của cơ quan ban hành; bản dự thảo không ký "
            "số.") in signed
