"""The deliverable workflow: who may move what where, what each step needs, and that a refused
step changes nothing."""

import datetime as dt

import pytest

from chidao.core.errors import ConflictError, PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.programs import permissions, services
from chidao.programs.models import Deliverable, Status, StatusChange
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db


def _state(d: Deliverable) -> tuple:
    d = Deliverable.objects.get(pk=d.pk)
    return (d.status, d.version, d.completed_on, StatusChange.objects.filter(deliverable=d).count(),
            ChangeRecord.objects.filter(object_id=str(d.pk), action="transition").count())


def test_lead_officer_takes_own_deliverable_from_start_to_submitted(make_deliverable, users):
    d = make_deliverable(lead="snv")
    for status in (Status.IN_PROGRESS, Status.DRAFT_DONE, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status,
                                            expected_version=d.version)
    assert d.status == Status.SUBMITTED
    assert d.version == 4
    assert list(d.status_changes.values_list("from_status", "to_status")) == [
        ("", Status.NOT_STARTED), (Status.NOT_STARTED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.DRAFT_DONE), (Status.DRAFT_DONE, Status.SUBMITTED),
    ]
    record = ChangeRecord.objects.filter(object_id=str(d.pk), action="transition").first()
    assert record.actor == users["snv"]
    assert record.before["status"] == Status.DRAFT_DONE
    assert record.after["status"] == Status.SUBMITTED


def test_lead_officer_cannot_move_another_units_deliverable_and_nothing_changes(make_deliverable, users):
    d = make_deliverable(lead="stc")
    before = _state(d)
    with pytest.raises(PermissionDenied):
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    assert _state(d) == before


@pytest.mark.parametrize("role", ["auditor", "steering"])
def test_readers_cannot_change_status(make_deliverable, users, role):
    d = make_deliverable()
    before = _state(d)
    with pytest.raises(PermissionDenied):
        services.deliverable_transition(actor=users[role], deliverable=d, to_status=Status.IN_PROGRESS)
    assert _state(d) == before


def test_only_the_office_approves_and_approval_needs_number_date_and_file(make_deliverable, users):
    d = make_deliverable()
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status, at=at(2021, 8, 1))
    before = _state(d)
    with pytest.raises(PermissionDenied):
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.COMPLETED,
                                        doc_number="12/QĐ", doc_date=dt.date(2021, 9, 1))
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.COMPLETED)
    assert set(exc.value.message_dict) == {"doc_number", "doc_date", "attachment"}
    assert _state(d) == before

    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    d = services.deliverable_transition(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="12/QĐ-UBND",
        doc_date=dt.date(2021, 9, 1), attachment=attachment,
    )
    assert (d.status, d.approval_doc_number, d.approval_doc_date) == (
        Status.COMPLETED, "12/QĐ-UBND", dt.date(2021, 9, 1))
    last = d.status_changes.last()
    assert (last.doc_number, last.attachment_id) == ("12/QĐ-UBND", attachment.pk)
    assert permissions.allowed_transitions(users["office"], d) == []


@pytest.mark.parametrize("to_status", [Status.RETURNED, Status.CANCELLED])
def test_return_and_cancel_need_a_reason(make_deliverable, users, to_status):
    d = make_deliverable()
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status)
    before = _state(d)
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(actor=users["office"], deliverable=d, to_status=to_status, reason="  ")
    assert list(exc.value.message_dict) == ["reason"]
    assert _state(d) == before
    d = services.deliverable_transition(actor=users["office"], deliverable=d, to_status=to_status,
                                        reason="Thiếu số liệu")
    assert d.status == to_status
    assert d.status_changes.last().reason == "Thiếu số liệu"


def test_a_step_outside_the_workflow_is_refused(make_deliverable, users):
    d = make_deliverable()
    before = _state(d)
    with pytest.raises(ValidationError) as exc:
        services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.COMPLETED)
    assert "to_status" in exc.value.message_dict
    assert _state(d) == before


def test_allowed_transitions_per_role(make_deliverable, users):
    d = make_deliverable(lead="snv", coordinating=["stc"])
    assert permissions.allowed_transitions(users["snv"], d) == [Status.IN_PROGRESS]
    assert permissions.allowed_transitions(users["office"], d) == [Status.IN_PROGRESS, Status.CANCELLED]
    assert permissions.allowed_transitions(users["stc"], d) == []  # coordinating unit reads only
    assert permissions.allowed_transitions(users["auditor"], d) == []


def test_two_people_editing_never_silently_overwrite(make_deliverable, users):
    d = make_deliverable()
    loaded_by_a = Deliverable.objects.get(pk=d.pk)
    loaded_by_b = Deliverable.objects.get(pk=d.pk)
    services.deliverable_update(actor=users["snv"], deliverable=loaded_by_a, expected_version=loaded_by_a.version,
                                responsible_leader="Trần Thị Bình")
    with pytest.raises(ConflictError):
        services.deliverable_update(actor=users["office"], deliverable=loaded_by_b,
                                    expected_version=loaded_by_b.version, responsible_leader="Lê Văn Cường")
    with pytest.raises(ConflictError):
        services.deliverable_transition(actor=users["office"], deliverable=loaded_by_b,
                                        to_status=Status.IN_PROGRESS, expected_version=loaded_by_b.version)
    fresh = Deliverable.objects.get(pk=d.pk)
    assert (fresh.responsible_leader, fresh.status, fresh.version) == ("Trần Thị Bình", Status.NOT_STARTED, 2)


def test_update_records_before_after_and_reason(make_deliverable, users):
    d = make_deliverable(leader="Nguyễn Văn An")
    services.deliverable_update(actor=users["snv"], deliverable=d, expected_version=1,
                                responsible_leader="Đinh Tiến Dũng", reason="Phân công lại")
    record = ChangeRecord.objects.get(object_id=str(d.pk), action="update")
    assert record.changed_fields() == [("responsible_leader", "Nguyễn Văn An", "Đinh Tiến Dũng")]
    assert record.reason == "Phân công lại"
    assert Deliverable.objects.get(pk=d.pk).search_text.startswith("01 de an thu so 1 dinh tien dung")


def test_lead_officer_may_not_change_the_lead_unit_or_deadline(make_deliverable, users, units):
    d = make_deliverable()
    with pytest.raises(PermissionDenied):
        services.deliverable_update(actor=users["snv"], deliverable=d, expected_version=1,
                                    lead_unit=units["stc"])
    assert Deliverable.objects.get(pk=d.pk).lead_unit == units["snv"]


def test_extension_records_who_approved_and_when(make_deliverable, users):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    with pytest.raises(ValidationError) as exc:
        services.deliverable_extend_deadline(actor=users["office"], deliverable=d, new_deadline=dt.date(2021, 9, 1),
                                             reason="", approved_by="", approved_on=dt.date(2021, 9, 20))
    assert set(exc.value.message_dict) == {"new_deadline", "reason", "approved_by"}
    with pytest.raises(PermissionDenied):
        services.deliverable_extend_deadline(actor=users["snv"], deliverable=d, new_deadline=dt.date(2021, 12, 31),
                                             reason="x", approved_by="y", approved_on=dt.date(2021, 9, 20))
    assert Deliverable.objects.get(pk=d.pk).deadline == dt.date(2021, 9, 30)
    ext = services.deliverable_extend_deadline(
        actor=users["office"], deliverable=d, new_deadline=dt.date(2021, 12, 31), reason="Chờ số liệu",
        approved_by="Trưởng Ban Chỉ đạo", approved_on=dt.date(2021, 9, 20))
    d = Deliverable.objects.get(pk=d.pk)
    assert (d.original_deadline, d.deadline) == (dt.date(2021, 9, 30), dt.date(2021, 12, 31))
    assert (ext.previous_deadline, ext.approved_by, ext.recorded_by) == (
        dt.date(2021, 9, 30), "Trưởng Ban Chỉ đạo", users["office"])


def test_notes_follow_roles(make_deliverable, users):
    d = make_deliverable(lead="snv")
    services.note_add(actor=users["snv"], deliverable=d, kind="progress", text="Đã xong đề cương", percent=40,
                      files=[pdf_file("bao-cao.pdf")])
    services.note_add(actor=users["steering"], deliverable=d, kind="directive", text="Khẩn trương",
                      due_on=dt.date(2021, 10, 1))
    with pytest.raises(PermissionDenied):
        services.note_add(actor=users["auditor"], deliverable=d, kind="comment", text="x")
    with pytest.raises(PermissionDenied):
        services.note_add(actor=users["snv"], deliverable=d, kind="directive", text="x")
    with pytest.raises(PermissionDenied):  # another unit cannot even see it
        services.note_add(actor=users["stc"], deliverable=d, kind="comment", text="x")
    with pytest.raises(ValidationError):
        services.note_add(actor=users["snv"], deliverable=d, kind="progress", text="x", percent=120)
    assert list(d.notes.order_by("at", "id").values_list("kind", "percent")) == [("progress", 40), ("directive", None)]
    assert d.attachments.get().original_name == "bao-cao.pdf"


def test_uploads_are_limited_by_type_and_size(make_deliverable, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = make_deliverable()
    with pytest.raises(ValidationError):
        services.attachment_upload(actor=users["snv"], deliverable=d,
                                   file=SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream"))
    settings.CHIDAO_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.attachment_upload(actor=users["snv"], deliverable=d, file=pdf_file())
    assert d.attachments.count() == 0


def test_history_cannot_be_written_out_of_order(make_deliverable, users):
    from tests.conftest import at

    d = make_deliverable(created=at(2021, 4, 1))
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS,
                                        at=at(2021, 5, 1))
    before = _state(d)
    with pytest.raises(ValidationError):
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED,
                                        at=at(2021, 4, 15))
    assert _state(d) == before
