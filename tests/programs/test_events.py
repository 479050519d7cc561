"""Event notifications of programs: who hears of each step, in what words, with which link; nobody outside the
item's scope, not the one who acted, and never twice for one event."""

import datetime as dt

import pytest
from django.utils import timezone

from chidao.core.models import Notification, Role, RoleGrant, User
from chidao.programs import events, services
from chidao.programs.models import Note, Status
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db


def _user(username: str, role: str, unit) -> User:
    user = User(username=username, role=role, unit=unit, full_name=username)
    user.set_password("pw")
    user.save()
    return user


def told(kind: str | None = None) -> list[tuple[str, str, str, str]]:
    """(username, kind, subject, link) of every notification (of `kind`), by user then time."""
    rows = Notification.objects.order_by("user__username", "id")
    if kind:
        rows = rows.filter(kind=kind)
    return [(n.user.username, n.kind, n.subject, n.link) for n in rows]


def _new(users, units, program, *, lead="snv", coordinating=(), title="Đề án vị trí việc làm") -> object:
    """A deliverable assigned now (not backdated: a live event)."""
    return services.deliverable_create(
        actor=users["office"], program=program, code="05", kind="de_an", title=title, lead_unit=units[lead],
        coordinating_units=[units[c] for c in coordinating], original_deadline=dt.date(2026, 9, 30))


def _submitted(users, units, program):
    d = _new(users, units, program)
    Notification.objects.all().delete()
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    return services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED)


# --- Assignment ------------------------------------------------------------------------------------------------


def test_assignment_tells_the_officers_of_the_lead_and_coordinating_units(users, units, program):
    # Given a second lead officer of the Sở Nội vụ by an extra grant, and an inactive one
    extra = _user("officer_snv_2", Role.PERSONNEL, units["stp"])
    RoleGrant.objects.create(user=extra, role=Role.LEAD_OFFICER, unit=units["snv"])
    retired = _user("officer_snv_old", Role.LEAD_OFFICER, units["snv"])
    retired.is_active = False
    retired.save()
    # When the office assigns a deliverable to the Sở Nội vụ with the Sở Tài chính coordinating
    d = _new(users, units, program, coordinating=["stc"])
    # Then the officers of both units are told, each in their unit's part; nobody else (not the office who acted)
    link = f"/noi-dung/{d.pk}/"
    assert told() == [
        ("officer_snv", "assigned", "Giao chủ trì: 05. Đề án vị trí việc làm", link),
        ("officer_snv_2", "assigned", "Giao chủ trì: 05. Đề án vị trí việc làm", link),
        ("officer_stc", "assigned", "Giao phối hợp: 05. Đề án vị trí việc làm", link),
    ]
    lead = Notification.objects.get(user=users["snv"])
    assert lead.body == ("Sở Nội vụ được giao chủ trì nội dung 05. Đề án vị trí việc làm (Chương trình số "
                         "01-CTr/TU), thời hạn 30/09/2026.")
    assert lead.event_key == f"assigned:deliverable:{d.pk}:unit:{units['snv'].pk}:v1"
    assert Notification.objects.get(user=users["stc"]).body == (
        "Sở Tài chính được giao phối hợp thực hiện nội dung 05. Đề án vị trí việc làm (Chương trình số 01-CTr/TU) "
        "do Sở Nội vụ chủ trì, thời hạn 30/09/2026.")


def test_assignment_told_again_creates_nothing_more(users, units, program):
    d = _new(users, units, program, coordinating=["stc"])
    before = told()
    # When the event is told a second time (a retried service)
    events.deliverable_created(actor=users["office"], deliverable=d)
    # Then nobody has a second message
    assert told() == before
    assert len(before) == 2


def test_a_new_lead_unit_and_added_coordinating_units_are_told_the_others_not(users, units, program):
    d = _new(users, units, program, coordinating=["stc"])
    Notification.objects.all().delete()
    # When the office moves the lead to the Sở Tư pháp, keeping the Sở Tài chính coordinating
    d = services.deliverable_update(actor=users["office"], deliverable=d, expected_version=d.version,
                                    lead_unit=units["stp"])
    # Then only the new lead unit hears of it
    assert told() == [("officer_stp", "assigned", "Giao chủ trì: 05. Đề án vị trí việc làm", f"/noi-dung/{d.pk}/")]
    assert Notification.objects.get().event_key == f"assigned:deliverable:{d.pk}:unit:{units['stp'].pk}:v2"
    # When the lead officer adds the Sở Nội vụ as coordinating unit (and changes the title)
    Notification.objects.all().delete()
    services.deliverable_update(actor=users["stp"], deliverable=d, expected_version=d.version, title="Đề án mới",
                                coordinating_units=[units["stc"], units["snv"]])
    # Then the Sở Nội vụ is told; the Sở Tài chính was already coordinating
    assert told() == [("officer_snv", "assigned", "Giao phối hợp: 05. Đề án mới", f"/noi-dung/{d.pk}/")]


def test_records_taken_over_from_paper_tell_nobody(users, units, program, make_deliverable):
    # When deliverables of 2021 are entered with their past dates, and their past steps
    d = make_deliverable(lead="snv", coordinating=["stc"])
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS,
                                    at=at(2021, 5, 1))
    # Then nobody is told: history is not news
    assert Notification.objects.count() == 0


# --- Submission, return, approval --------------------------------------------------------------------------


def test_a_submission_tells_who_may_approve_it(users, units, program):
    # When the Sở Nội vụ submits its deliverable
    d = _submitted(users, units, program)
    # Then the standing office and the administrator (who may approve) are told; the steering member and the
    # auditor are not (they do not approve), nor the officer who submitted
    change = d.status_changes.latest("id")
    link = f"/noi-dung/{d.pk}/"
    assert told() == [
        ("admin", "submitted", "Chờ phê duyệt: 05. Đề án vị trí việc làm", link),
        ("office", "submitted", "Chờ phê duyệt: 05. Đề án vị trí việc làm", link),
    ]
    n = Notification.objects.get(user=users["office"])
    assert n.event_key == f"submitted:deliverable:{d.pk}:status:{change.pk}"
    assert n.body == (f"Sở Nội vụ đã trình nội dung 05. Đề án vị trí việc làm (Chương trình số 01-CTr/TU) ngày "
                      f"{timezone.localdate(change.at):%d/%m/%Y}; đề nghị xem xét, phê duyệt.")


def test_a_draft_done_is_not_yet_submitted(users, units, program):
    d = _new(users, units, program)
    Notification.objects.all().delete()
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.DRAFT_DONE)
    assert told() == []


def test_the_transition_told_again_creates_nothing_more(users, units, program):
    d = _submitted(users, units, program)
    before = told()
    events.deliverable_transitioned(actor=users["snv"], deliverable=d)
    assert told() == before


def test_a_return_tells_the_lead_unit_with_its_reason_and_the_resubmission_is_news_again(users, units, program):
    d = _submitted(users, units, program)
    # When the office returns it with a reason
    d = services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.RETURNED,
                                        reason="Thiếu số liệu biên chế năm 2024")
    # Then the lead unit's officer is told why (the coordinating units and others are not)
    link = f"/noi-dung/{d.pk}/"
    assert told("returned") == [("officer_snv", "returned", "Trả lại: 05. Đề án vị trí việc làm", link)]
    body = Notification.objects.get(kind="returned").body
    assert "Lý do: Thiếu số liệu biên chế năm 2024\nĐề nghị hoàn thiện và trình lại." in body
    assert body.startswith("Nội dung 05. Đề án vị trí việc làm (Chương trình số 01-CTr/TU) bị trả lại ngày ")
    # When the unit submits it again
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED)
    # Then the approvers hear of it again, as a resubmission
    assert told("submitted") == [
        ("admin", "submitted", "Chờ phê duyệt: 05. Đề án vị trí việc làm", link),
        ("admin", "submitted", "Trình lại, chờ phê duyệt: 05. Đề án vị trí việc làm", link),
        ("office", "submitted", "Chờ phê duyệt: 05. Đề án vị trí việc làm", link),
        ("office", "submitted", "Trình lại, chờ phê duyệt: 05. Đề án vị trí việc làm", link),
    ]


def _approve(users, d):
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    return services.deliverable_transition(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
        doc_date=dt.date.today(), attachment=attachment)


def test_an_approval_tells_the_lead_unit_and_the_steering_members_following_the_program(users, units, program):
    # Given a second steering member, of the Sở Tư pháp (not the program's issuing body nor around it)
    _user("steering_stp", Role.STEERING, units["stp"])
    d = _submitted(users, units, program)
    # When the office approves it
    d = _approve(users, d)
    # Then the lead unit's officer and the steering member of the Thành ủy (the issuing body) are told
    link = f"/noi-dung/{d.pk}/"
    assert told("approved") == [
        ("officer_snv", "approved", "Đã phê duyệt: 05. Đề án vị trí việc làm", link),
        ("steering", "approved", "Đã phê duyệt: 05. Đề án vị trí việc làm", link),
    ]
    body = Notification.objects.get(kind="approved", user=users["snv"]).body
    assert "do Sở Nội vụ chủ trì đã được phê duyệt" in body
    assert f"(văn bản số 45/QĐ-UBND ngày {dt.date.today():%d/%m/%Y})." in body


def test_when_no_steering_member_follows_the_program_every_one_is_told(users, units, program):
    # Given the program's issuing body is the Sở Tư pháp, where no steering member sits
    program.issuing_body = units["stp"]
    program.save()
    second = _user("steering_stc", Role.STEERING, units["stc"])
    _approve(users, _submitted(users, units, program))
    assert [u for u, *_rest in told("approved")] == ["officer_snv", "steering", second.username]


# --- Directives and conclusions ---------------------------------------------------------------------------


def test_a_directive_tells_the_lead_unit_with_its_text_and_due_date(users, units, program):
    d = _new(users, units, program, coordinating=["stc"])
    Notification.objects.all().delete()
    # When the steering member gives a directive with a due date, and someone comments
    note = services.note_add(actor=users["steering"], deliverable=d, kind=Note.Kind.DIRECTIVE,
                             text="Khẩn trương hoàn thiện dự thảo", due_on=dt.date(2026, 6, 30))
    services.note_add(actor=users["stc"], deliverable=d, kind=Note.Kind.COMMENT, text="Đã góp ý")
    # Then only the lead unit's officer hears of the directive (comments tell nobody)
    assert told() == [("officer_snv", "directive", "Chỉ đạo: 05. Đề án vị trí việc làm", f"/noi-dung/{d.pk}/")]
    n = Notification.objects.get()
    assert n.body == ("Ý kiến chỉ đạo của steering về nội dung 05. Đề án vị trí việc làm (Chương trình số "
                      "01-CTr/TU):\nKhẩn trương hoàn thiện dự thảo\nHạn thực hiện: 30/06/2026.")
    assert n.event_key == f"directive:deliverable:{d.pk}:note:{note.pk}"
    # When told again, nothing more
    events.note_added(actor=users["steering"], note=note)
    assert Notification.objects.count() == 1


def test_a_conclusion_that_becomes_a_task_tells_its_lead_unit_once(users, units, program, meeting):
    # When the office records a conclusion giving the Sở Tài chính a new task
    conclusion = services.conclusion_add(
        actor=users["office"], meeting=meeting, text="Xây dựng đề án tinh giản biên chế", lead_unit=units["stc"],
        deadline=dt.date(2026, 12, 31), track_as=services.TRACK_AS_DELIVERABLE)
    # Then its officer gets one message, the conclusion's (no separate assignment message)
    d = conclusion.deliverable
    assert told() == [("officer_stc", "conclusion_task", "Kết luận giao nhiệm vụ: KL21.1. Xây dựng đề án tinh "
                       "giản biên chế", f"/noi-dung/{d.pk}/")]
    assert Notification.objects.get().body == (
        "Kết luận tại Hội nghị tổng kết công tác năm 2021 ngày 28/12/2021 giao Sở Tài chính chủ trì:\n"
        "Xây dựng đề án tinh giản biên chế\nThời hạn: 31/12/2026. Theo dõi tại nội dung KL21.1 (Chương trình số "
        "01-CTr/TU).")
    events.conclusion_recorded(actor=users["office"], conclusion=conclusion)
    assert Notification.objects.count() == 1


def test_a_conclusion_given_as_a_directive_tells_the_lead_unit_as_a_directive(users, units, program, meeting):
    d = _new(users, units, program)
    Notification.objects.all().delete()
    services.conclusion_add(actor=users["office"], meeting=meeting, text="Bổ sung số liệu", lead_unit=units["snv"],
                            deadline=dt.date(2026, 3, 31), track_as=services.TRACK_AS_DIRECTIVE, deliverable=d)
    assert told() == [("officer_snv", "directive", "Chỉ đạo: 05. Đề án vị trí việc làm", f"/noi-dung/{d.pk}/")]


def test_a_deadline_extension_recorded_directly_tells_the_lead_unit(users, units, program):
    d = _new(users, units, program, coordinating=["stc"])
    Notification.objects.all().delete()
    extension = services.deliverable_extend_deadline(
        actor=users["office"], deliverable=d, new_deadline=dt.date(2026, 12, 31), reason="Chờ ý kiến Trung ương",
        approved_by="Thường trực Thành ủy", approved_on=dt.date(2025, 6, 1), expected_version=d.version)
    assert told() == [("officer_snv", "extension_decided", "Gia hạn: 05. Đề án vị trí việc làm",
                       f"/noi-dung/{d.pk}/")]
    n = Notification.objects.get()
    assert n.body == ("Nội dung 05. Đề án vị trí việc làm (Chương trình số 01-CTr/TU) được gia hạn từ 30/09/2026 "
                      "đến 31/12/2026, Thường trực Thành ủy phê duyệt ngày 01/06/2025.\nLý do: Chờ ý kiến Trung ương")
    assert n.event_key == f"extension_decided:extension:{extension.pk}"


def test_nobody_outside_the_deliverables_scope_is_told(users, units, program, monkeypatch):
    # Given an office user whose reading is (for this test) limited to nothing
    d = _new(users, units, program)
    Notification.objects.all().delete()
    real = events._in_scope

    def narrowed(deliverable):
        inside = real(deliverable)
        return lambda user: user.username != "office" and inside(user)

    monkeypatch.setattr(events, "_in_scope", narrowed)
    d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.SUBMITTED)
    # Then only the administrator (in scope) is told
    assert [u for u, *_rest in told()] == ["admin"]


def test_the_scope_check_is_the_deliverables_visibility(users, units, program):
    d = _new(users, units, program)
    in_scope = events._in_scope(d)
    assert [u.username for u in users.values() if in_scope(u)] == [
        "admin", "office", "steering", "auditor", "officer_snv"]
