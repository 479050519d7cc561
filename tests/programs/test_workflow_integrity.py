"""Issue 13, item 13: a file sent with a status step is stored or refused, never dropped; an approving
document is dated between the submission and today."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chidao.core.errors import ValidationError
from chidao.programs import services
from chidao.programs.models import Attachment, Deliverable, Status, StatusChange
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def _submitted(make_deliverable, users, on: dt.datetime) -> Deliverable:
    d = make_deliverable(lead="snv")
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS,
                                        at=on - dt.timedelta(days=10))
    return services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED, at=on)


# --- a file sent with the step -------------------------------------------------------------------


def test_a_file_sent_with_the_submission_is_stored_and_linked_to_the_step(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    response = login(users["snv"]).post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {
        "to_status": "submitted", "version": d.version, "file": pdf_file("du-thao.pdf")})
    assert response.status_code == 302
    stored = Attachment.objects.get(deliverable=d)
    assert (stored.original_name, stored.purpose, stored.uploaded_by) == (
        "du-thao.pdf", Attachment.Purpose.OTHER, users["snv"])
    step = StatusChange.objects.filter(deliverable=d).order_by("-id").first()
    assert (step.to_status, step.attachment_id) == (Status.SUBMITTED, stored.pk)


def test_a_refused_file_is_said_and_the_step_is_not_taken(login, users, make_deliverable):
    d = make_deliverable(lead="snv")
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = login(users["snv"]).post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {
        "to_status": "submitted", "version": d.version, "file": bad})
    assert response.status_code == 422
    assert 'id="transition"' in response.content.decode()
    assert "errorlist" in response.content.decode()
    fresh = Deliverable.objects.get(pk=d.pk)
    assert (fresh.status, fresh.version, fresh.attachments.count()) == (Status.IN_PROGRESS, d.version, 0)


def test_a_refused_step_keeps_no_file(login, users, make_deliverable, settings):
    d = _submitted(make_deliverable, users, timezone.now() - dt.timedelta(days=3))
    # A stale form (someone moved it since): the step is refused, and the file sent with it goes too.
    response = login(users["office"]).post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {
        "to_status": "completed", "version": d.version - 1, "doc_number": "45/QĐ-UBND",
        "doc_date": timezone.localdate().strftime("%d/%m/%Y"), "file": pdf_file()})
    assert response.status_code == 422
    assert "đã được cập nhật bởi người khác" in response.content.decode()
    assert (Deliverable.objects.get(pk=d.pk).status, Attachment.objects.filter(deliverable=d).count()) == (
        Status.SUBMITTED, 0)
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_the_approving_file_is_stored_with_the_completion(users, make_deliverable):
    d = _submitted(make_deliverable, users, at(2021, 9, 10))
    d = services.deliverable_transition_with_file(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, file=pdf_file(),
        doc_number="45/QĐ-UBND", doc_date=dt.date(2021, 9, 20), at=at(2021, 9, 21))
    step = d.status_changes.order_by("-id").first()
    assert (d.status, step.attachment.purpose, step.attachment.original_name) == (
        Status.COMPLETED, Attachment.Purpose.APPROVAL, "phe-duyet.pdf")


# --- the approving document's date ---------------------------------------------------------------


def test_an_approving_document_dated_before_the_submission_is_refused(users, make_deliverable):
    d = _submitted(make_deliverable, users, at(2021, 9, 10))
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(
            actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
            doc_date=dt.date(2021, 9, 9), attachment=attachment, at=at(2021, 9, 21))
    assert exc.value.message_dict == {"doc_date": ["Ngày văn bản phê duyệt không được trước ngày trình (10/09/2021)."]}
    assert Deliverable.objects.get(pk=d.pk).status == Status.SUBMITTED


def test_the_last_submission_counts_after_a_return(users, make_deliverable):
    d = _submitted(make_deliverable, users, at(2021, 9, 10))
    d = services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.RETURNED,
                                        reason="Thiếu số liệu", at=at(2021, 9, 12))
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED,
                                        at=at(2021, 9, 15))
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(
            actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
            doc_date=dt.date(2021, 9, 11), attachment=attachment, at=at(2021, 9, 21))
    assert exc.value.message_dict == {"doc_date": ["Ngày văn bản phê duyệt không được trước ngày trình (15/09/2021)."]}
    # The day of the submission itself and today are both accepted.
    d = services.deliverable_transition(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
        doc_date=dt.date(2021, 9, 15), attachment=attachment, at=at(2021, 9, 21))
    assert (d.status, d.approval_doc_date) == (Status.COMPLETED, dt.date(2021, 9, 15))


def test_an_approving_document_dated_after_today_is_refused(users, make_deliverable):
    d = _submitted(make_deliverable, users, at(2021, 9, 10))
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(
            actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
            doc_date=dt.date(2021, 9, 22), attachment=attachment, at=at(2021, 9, 21))
    assert exc.value.message_dict == {"doc_date": ["Ngày văn bản phê duyệt không được sau ngày hiện tại."]}


def test_the_page_and_the_api_refuse_an_early_approving_document(login, users, make_deliverable, client):
    from chidao.core.tokens import api_token_create

    d = _submitted(make_deliverable, users, timezone.now() - dt.timedelta(days=3))
    early = (timezone.localdate() - dt.timedelta(days=5)).strftime("%d/%m/%Y")
    page = login(users["office"]).post(f"/noi-dung/{d.pk}/chuyen-trang-thai/", {
        "to_status": "completed", "version": d.version, "doc_number": "45/QĐ-UBND", "doc_date": early,
        "file": pdf_file()})
    assert page.status_code == 422
    assert "Ngày văn bản phê duyệt không được trước ngày trình" in page.content.decode()
    fresh = Deliverable.objects.get(pk=d.pk)
    assert (fresh.status, fresh.attachments.count()) == (Status.SUBMITTED, 0)
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    _token, raw = api_token_create(user=users["office"], name="test", scope="write")
    api = client.post(f"/api/v1/deliverables/{d.pk}/transition", {
        "to_status": "completed", "version": d.version, "doc_number": "45/QĐ-UBND",
        "doc_date": (timezone.localdate() - dt.timedelta(days=5)).isoformat(), "attachment_id": attachment.pk,
    }, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 422
    assert api.json()["detail"].startswith("Ngày văn bản phê duyệt không được trước ngày trình")
    assert Deliverable.objects.get(pk=d.pk).status == Status.SUBMITTED
