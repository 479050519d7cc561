"""Pages: scoping, filters, search without diacritics, htmx forms, export and import."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chidao.programs import services
from chidao.programs.models import Deliverable, Status
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_pages_need_a_login(client, program):
    response = client.get(f"/chuong-trinh/{program.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_dashboard_shows_the_figures_and_the_summary_paragraph(login, users, program, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30))
    d = make_deliverable(lead="stc", deadline=dt.date(2030, 1, 1))
    services.deliverable_transition(actor=users["stc"], deliverable=d, to_status=Status.IN_PROGRESS)
    page = login(users["steering"]).get(f"/chuong-trinh/{program.pk}/").content.decode()
    assert 'data-testid="count-total">2<' in page
    assert 'data-testid="count-in-progress">1<' in page
    assert 'data-testid="count-not-started">1<' in page
    assert 'data-testid="class-open_overdue">1<' in page
    assert "đã giao cho 2 cơ quan, đơn vị chủ trì triển khai thực hiện 2 đề án." in page
    # A past date: nothing had been assigned yet.
    past = login(users["steering"]).get(f"/chuong-trinh/{program.pk}/?as_of=01/03/2021").content.decode()
    assert 'data-testid="count-total">0<' in past
    assert "01/03/2021" in past


def test_list_filters_and_diacritic_free_search(login, users, program, make_deliverable):
    make_deliverable(lead="snv", leader="Đinh Tiến Dũng", title="Đề án về cán bộ")
    make_deliverable(lead="stc", leader="Nguyễn Văn An", title="Kế hoạch cải cách")
    client = login(users["office"])
    url = f"/chuong-trinh/{program.pk}/noi-dung/"
    found = client.get(url, {"q": "dinh tien dung"}).context["page"]
    assert [d.responsible_leader for d in found] == ["Đinh Tiến Dũng"]
    assert [d.title for d in client.get(url, {"q": "CAI CACH"}).context["page"]] == ["Kế hoạch cải cách"]
    by_unit = client.get(url, {"unit": Deliverable.objects.get(responsible_leader="Nguyễn Văn An").lead_unit_id})
    assert [d.responsible_leader for d in by_unit.context["page"]] == ["Nguyễn Văn An"]
    overdue = client.get(url, {"deadline_class": "open_overdue"}).context["page"]
    assert len(overdue) == 2  # both deadlines (30/09/2021) are past
    assert len(client.get(url, {"status": "completed"}).context["page"]) == 0
    partial = client.get(url, {"q": "dinh"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Đinh Tiến Dũng" in partial.content.decode()


def test_export_follows_the_filters(login, users, program, make_deliverable):
    make_deliverable(lead="snv", leader="Đinh Tiến Dũng")
    make_deliverable(lead="stc")
    response = login(users["office"]).get(f"/chuong-trinh/{program.pk}/noi-dung/", {"q": "dung", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [ws.cell(row=r, column=7).value for r in range(6, ws.max_row + 1)] == ["Đinh Tiến Dũng"]


def test_a_lead_officer_cannot_open_another_units_deliverable(login, users, make_deliverable):
    own = make_deliverable(lead="snv")
    other = make_deliverable(lead="stc")
    coordinated = make_deliverable(lead="stp", coordinating=["snv"])
    client = login(users["snv"])
    assert client.get(f"/noi-dung/{own.pk}/").status_code == 200
    assert client.get(f"/noi-dung/{other.pk}/").status_code == 404
    page = client.get(f"/noi-dung/{coordinated.pk}/")
    assert page.status_code == 200 and page.context["transition_form"] is None and not page.context["can_edit"]
    response = client.post(f"/noi-dung/{other.pk}/chuyen-trang-thai/", {"to_status": "in_progress"})
    assert response.status_code == 404
    assert Deliverable.objects.get(pk=other.pk).status == Status.NOT_STARTED


def test_transition_form_via_htmx(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    client = login(users["snv"])
    response = client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {"to_status": "in_progress", "version": 1},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/noi-dung/{d.pk}/"
    assert Deliverable.objects.get(pk=d.pk).status == Status.IN_PROGRESS
    # A form without the version it read is refused; nothing changes.
    blind = client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {"to_status": "submitted"}, HTTP_HX_REQUEST="true")
    assert blind.status_code == 422
    assert Deliverable.objects.get(pk=d.pk).status == Status.IN_PROGRESS
    # A stale form (version 1) is refused with a message; nothing changes.
    stale = client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {"to_status": "submitted", "version": 1},
                        HTTP_HX_REQUEST="true")
    assert stale.status_code == 422
    assert "đã được cập nhật bởi người khác" in stale.content.decode()
    assert Deliverable.objects.get(pk=d.pk).status == Status.IN_PROGRESS


def test_completion_through_the_page_needs_the_document(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status, at=at(2021, 9, 1))
    client = login(users["office"])
    missing = client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {"to_status": "completed", "version": d.version})
    assert missing.status_code == 422
    assert "Cần đính kèm tệp văn bản phê duyệt." in missing.content.decode()
    assert Deliverable.objects.get(pk=d.pk).status == Status.SUBMITTED
    done = client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {
        "to_status": "completed", "version": d.version, "doc_number": "45/QĐ-UBND", "doc_date": "20/09/2021",
        "file": pdf_file(),
    })
    assert done.status_code == 302
    d = Deliverable.objects.get(pk=d.pk)
    assert (d.status, d.approval_doc_number, d.approval_doc_date) == (Status.COMPLETED, "45/QĐ-UBND",
                                                                      dt.date(2021, 9, 20))
    download = client.get(f"/tep/{d.status_changes.last().attachment_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(users["stc"]).get(f"/tep/{d.status_changes.last().attachment_id}/").status_code == 404


def test_auditor_is_refused_and_nothing_changes(login, users, make_deliverable):
    d = make_deliverable()
    client = login(users["auditor"])
    assert client.get(f"/noi-dung/{d.pk}/").status_code == 200
    assert client.post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {"to_status": "in_progress"}).status_code == 403
    assert client.post(f"/noi-dung/{d.pk}/trao-doi/", {"kind": "comment", "text": "x"}).status_code == 403
    assert client.get(f"/noi-dung/{d.pk}/sua/").status_code == 403
    assert Deliverable.objects.get(pk=d.pk).status == Status.NOT_STARTED
    assert d.notes.count() == 0


def test_edit_page_saves_and_shows_conflicts(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    client = login(users["snv"])
    form = client.get(f"/noi-dung/{d.pk}/sua/").context["form"]
    assert set(form.fields) == {"version", "title", "description", "coordinating_units", "responsible_leader", "reason"}
    ok = client.post(f"/noi-dung/{d.pk}/sua/", {"version": 1, "title": "Tên mới", "responsible_leader": "Lê Văn B"})
    assert ok.status_code == 302
    stale = client.post(f"/noi-dung/{d.pk}/sua/", {"version": 1, "title": "Tên khác"})
    assert "đã được cập nhật bởi người khác" in stale.content.decode()
    assert Deliverable.objects.get(pk=d.pk).title == "Tên mới"
    history = client.get(f"/noi-dung/{d.pk}/").content.decode()
    assert "Tên mới" in history and "Lê Văn B" in history


def test_import_page_reports_errors_and_writes_nothing(login, users, program, make_deliverable):
    from tests.programs.test_import import _office_workbook

    bad = _office_workbook([["01", "Đề án", "X", "Không có", "", "", "31/12/2021", ""]])
    bad.name = "nhap.xlsx"
    response = login(users["office"]).post(f"/chuong-trinh/{program.pk}/nhap-excel/", {"file": bad})
    assert response.status_code == 422
    assert "Không tìm thấy đơn vị “Không có”." in response.content.decode()
    assert Deliverable.objects.count() == 0
    make_deliverable(lead="snv")  # the officer sees the program but may not import into it
    assert login(users["snv"]).get(f"/chuong-trinh/{program.pk}/nhap-excel/").status_code == 403


def test_the_office_assigns_a_deliverable_from_the_page(login, users, units, program, make_deliverable):
    url = f"/chuong-trinh/{program.pk}/giao-noi-dung/"
    data = {"code": "07", "kind": "de_an", "title": "Đề án mới", "lead_unit": units["stp"].pk,
            "coordinating_units": [units["snv"].pk], "responsible_leader": "Lê Văn C",
            "original_deadline": "31/12/2022", "description": ""}
    ok = login(users["office"]).post(url, data)
    d = Deliverable.objects.get(code="07")
    assert ok.status_code == 302 and ok["Location"] == f"/noi-dung/{d.pk}/"
    assert (d.lead_unit, d.original_deadline, d.status) == (units["stp"], dt.date(2022, 12, 31), Status.NOT_STARTED)
    duplicate = login(users["office"]).post(url, data)
    assert duplicate.status_code == 422 and "Số thứ tự 07 đã có trong chương trình." in duplicate.content.decode()
    make_deliverable(lead="snv")
    assert login(users["snv"]).post(url, dict(data, code="08")).status_code == 403
    assert Deliverable.objects.filter(code="08").count() == 0


def test_the_office_records_an_extension_from_the_page(login, users, make_deliverable):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    client = login(users["office"])
    page = client.get(f"/noi-dung/{d.pk}/").content.decode()
    assert page.count('id="id_version"') == 1 and 'id="id_ext-version"' in page  # no duplicate ids
    bad = client.post(f"/noi-dung/{d.pk}/gia-han/", {"ext-version": 1, "ext-new_deadline": "01/09/2021",
                                                     "ext-approved_by": "Trưởng ban", "ext-approved_on": "01/09/2021",
                                                     "ext-reason": "Chờ số liệu"})
    assert bad.status_code == 422 and "Thời hạn mới phải sau thời hạn hiện hành (30/09/2021)." in bad.content.decode()
    ok = client.post(f"/noi-dung/{d.pk}/gia-han/", {"ext-version": 1, "ext-new_deadline": "31/12/2021",
                                                    "ext-approved_by": "Trưởng ban", "ext-approved_on": "01/09/2021",
                                                    "ext-reason": "Chờ số liệu"})
    assert ok.status_code == 302
    assert Deliverable.objects.get(pk=d.pk).deadline == dt.date(2021, 12, 31)


def test_the_office_creates_a_program_from_the_page(login, users, units):
    from chidao.programs.models import Program

    data = {"number": "02-CTr/TU", "title": "Chương trình thử hai", "issuing_body": units["tu"].pk,
            "issued_on": "01/04/2021", "term": "XVII", "period_start": 2021, "period_end": 2025}
    assert login(users["snv"]).post("/chuong-trinh/tao-moi/", data).status_code == 403
    assert Program.objects.count() == 0
    backwards = login(users["office"]).post("/chuong-trinh/tao-moi/", dict(data, period_end=2020))
    assert backwards.status_code == 422 and "Năm kết thúc phải không nhỏ hơn năm bắt đầu." in backwards.content.decode()
    assert Program.objects.count() == 0
    ok = login(users["office"]).post("/chuong-trinh/tao-moi/", data)
    program = Program.objects.get()
    assert ok["Location"] == f"/chuong-trinh/{program.pk}/"
    assert (program.number, program.issued_on, program.issuing_body) == ("02-CTr/TU", dt.date(2021, 4, 1), units["tu"])


def test_attachment_download_page_answers_404_when_the_file_is_gone_from_storage(login, users, make_deliverable):
    # Given an attachment whose file was removed from storage (a restore without the media folder)
    d = make_deliverable(lead="snv")
    attachment = services.attachment_upload(actor=users["snv"], deliverable=d, file=pdf_file("bao-cao.pdf"),
                                            purpose="progress")
    attachment.file.storage.delete(attachment.file.name)
    # When its page download is asked for
    response = login(users["snv"]).get(reverse("attachment_download", args=[attachment.pk]))
    # Then the page answers 404 as the API does (it was a 500)
    assert response.status_code == 404


def test_attachment_download_page_streams_the_file(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    attachment = services.attachment_upload(actor=users["snv"], deliverable=d, file=pdf_file("bao-cao.pdf"),
                                            purpose="progress")
    response = login(users["snv"]).get(reverse("attachment_download", args=[attachment.pk]))
    assert (response.status_code, response["Content-Disposition"]) == (200, 'attachment; filename="bao-cao.pdf"')
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%test\n"
