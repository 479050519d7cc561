"""Forms show only the fields that apply: a note's percentage with progress, its due date with a directive; the
approving document only to who may approve, for the step to "completed". The server decides either way."""

import datetime as dt

import pytest

from chidao.programs import services
from chidao.programs.forms import NoteForm, TransitionForm
from chidao.programs.models import Note, Status

pytestmark = pytest.mark.django_db


def _detail(client, user, deliverable) -> str:
    client.force_login(user)
    response = client.get(f"/noi-dung/{deliverable.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_note_field_shows_with_its_kind_only():
    # Given a note form offering every kind
    form = NoteForm(kinds=[Note.Kind.PROGRESS, Note.Kind.COMMENT, Note.Kind.DIRECTIVE])
    # Then the percentage shows with progress only, the due date with a directive only
    assert 'data-show-when="kind=progress"' in str(form["percent"])
    assert 'data-show-when="kind=directive"' in str(form["due_on"])


def test_a_form_without_progress_has_no_percentage_and_one_without_directive_no_due_date():
    # Given who may only direct (a steering member), and who may only report progress (a lead officer)
    directive_only = NoteForm(kinds=[Note.Kind.COMMENT, Note.Kind.DIRECTIVE])
    progress_only = NoteForm(kinds=[Note.Kind.PROGRESS])
    # Then the field of the other kind is not there at all
    assert list(directive_only.fields) == ["kind", "text", "due_on", "attachment"]
    assert list(progress_only.fields) == ["kind", "text", "percent", "attachment"]


def test_the_server_refuses_a_percentage_on_a_directive_and_a_due_date_on_progress():
    # When a directive is posted with a percentage (no script, or a forged post)
    directive = NoteForm({"kind": "directive", "text": "Khẩn trương hoàn thành", "percent": "40",
                          "due_on": "30/06/2025"})
    progress = NoteForm({"kind": "progress", "text": "Đã xong dự thảo", "percent": "60", "due_on": "30/06/2025"})
    # Then each is refused on the field that does not belong
    assert not directive.is_valid()
    assert directive.errors == {"percent": ["Chỉ ghi tiến độ (%) khi cập nhật tiến độ."]}
    assert not progress.is_valid()
    assert progress.errors == {"due_on": ["Chỉ ghi hạn thực hiện khi ra chỉ đạo."]}
    # And a proper one passes, with the other field empty
    ok = NoteForm({"kind": "directive", "text": "Khẩn trương", "due_on": "30/06/2025"})
    assert ok.is_valid()
    assert (ok.cleaned_data["percent"], ok.cleaned_data["due_on"]) == (None, dt.date(2025, 6, 30))


def test_the_server_refuses_a_forged_directive_with_a_percentage_and_writes_nothing(client, users, make_deliverable):
    d = make_deliverable(lead="snv")
    client.force_login(users["office"])
    response = client.post(f"/noi-dung/{d.pk}/trao-doi/", {"kind": "directive", "text": "Chỉ đạo", "percent": "50"})
    assert response.status_code == 422
    assert Note.objects.filter(deliverable=d).count() == 0


def test_the_approving_document_is_asked_only_of_who_may_approve(client, users, make_deliverable):
    # Given a submitted deliverable of Sở Nội vụ
    d = make_deliverable(lead="snv")
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED)
    # When the standing office opens it: the document fields are there, shown for "completed" only
    office = _detail(client, users["office"], d)
    assert 'name="doc_number"' in office and 'data-show-when="to_status=completed"' in office
    assert 'name="doc_date"' in office
    # When the lead officer opens it: no step for them, so no form; a returned item has steps but no document
    services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.RETURNED, reason="Bổ sung")
    lead = _detail(client, users["snv"], d)
    assert 'data-testid="transition-form"' in lead
    assert 'name="doc_number"' not in lead and 'name="doc_date"' not in lead
    assert "“Trả lại” và “dừng” cần lý do." in lead


def test_the_transition_form_without_completion_still_validates():
    form = TransitionForm({"version": "1", "to_status": "submitted"},
                          choices=[Status.IN_PROGRESS, Status.SUBMITTED])
    assert list(form.fields) == ["version", "to_status", "reason", "file"]
    assert form.is_valid()
    assert (form.cleaned_data["doc_number"], form.cleaned_data["doc_date"]) == ("", None)


def test_stopping_a_deliverable_asks_first_with_what_it_means(client, users, make_deliverable):
    d = make_deliverable(lead="snv", title="Đề án tinh giản biên chế")
    page = _detail(client, users["office"], d)
    assert 'data-confirm-when="to_status=cancelled"' in page
    assert (f'data-confirm="Dừng thực hiện nội dung {d.code}. “Đề án tinh giản biên chế”? Nội dung đã dừng '
            'không chuyển sang trạng thái nào khác được nữa."') in page
