"""Meetings of the steering committee, their points and their conclusions (kết luận), tracked as
deliverables or as directives on existing ones."""

import datetime as dt

import pytest

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, User
from chidao.demo.program import demo_load
from chidao.programs import selectors, services
from chidao.programs.models import (
    AgendaItem,
    Conclusion,
    Deliverable,
    Kind,
    Meeting,
    MeetingPoint,
    Note,
    Program,
    Status,
)
from tests.conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


def _written() -> tuple[int, ...]:
    return (Meeting.objects.count(), AgendaItem.objects.count(), MeetingPoint.objects.count(),
            Conclusion.objects.count(), Deliverable.objects.count(), Note.objects.count(),
            ChangeRecord.objects.count())


@pytest.fixture
def other_program(users, units) -> Program:
    return services.program_create(
        actor=users["admin"], number="02-CTr/TU", title="Chương trình khác", issuing_body=units["tu"],
        issued_on=D(2021, 3, 17), period_start=2021, period_end=2025,
    )


@pytest.fixture
def client_as(client):
    def login(user: User):
        client.force_login(user)
        return client

    return login


# --- Services -------------------------------------------------------------------------------------


def test_the_office_records_a_meeting(users, program):
    meeting = services.meeting_create(
        actor=users["office"], program=program, kind=Meeting.Kind.QUARTERLY, title="  Sơ kết quý III năm 2021 ",
        held_on=D(2021, 9, 30), chair="Phó Trưởng ban Chỉ đạo", attendees="Thành viên Ban Chỉ đạo\n\nCác sở",
        at=at(2021, 9, 30, 17),
    )
    meeting.refresh_from_db()
    assert (meeting.program, meeting.kind, meeting.title, meeting.held_on, meeting.chair, meeting.created_by) == (
        program, "quarterly", "Sơ kết quý III năm 2021", D(2021, 9, 30), "Phó Trưởng ban Chỉ đạo", users["office"])
    assert meeting.attendee_list == ["Thành viên Ban Chỉ đạo", "Các sở"]
    record = ChangeRecord.objects.get(object_id=str(meeting.pk), action="create", content_type__model="meeting")
    assert (record.actor, record.after["held_on"], record.after["kind"]) == (users["office"], "2021-09-30", "quarterly")


def test_meeting_update_changes_details_and_records_before_and_after(users, meeting):
    services.meeting_update(actor=users["office"], meeting=meeting, location="Hội trường A", reason="Bổ sung")
    meeting.refresh_from_db()
    assert meeting.location == "Hội trường A"
    record = ChangeRecord.objects.get(object_id=str(meeting.pk), action="update", content_type__model="meeting")
    assert (record.before["location"], record.after["location"], record.reason) == (
        "Trụ sở Thành ủy", "Hội trường A", "Bổ sung")


def test_a_meeting_needs_a_title_a_chair_and_a_date_within_the_program(users, program):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=users["office"], program=program, kind="other", title=" ",
                                held_on=D(2021, 1, 5), chair="")
    assert exc.value.message_dict == {
        "kind": ["Loại cuộc họp không hợp lệ."],
        "title": ["Thiếu tên hội nghị, cuộc họp."],
        "chair": ["Thiếu người chủ trì."],
        "held_on": ["Ngày họp không được trước ngày ban hành chương trình (17/03/2021)."],
    }
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("role", ["snv", "steering", "auditor"])
def test_only_the_office_writes_meetings_and_a_refusal_writes_nothing(users, program, meeting, make_deliverable,
                                                                      role):
    d = make_deliverable(lead="snv")
    before = _written()
    actor = users[role]
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=actor, program=program, kind=Meeting.Kind.STOCKTAKE, title="Họp",
                                held_on=D(2022, 1, 5), chair="Trưởng ban")
    with pytest.raises(PermissionDenied):
        services.meeting_point_add(actor=actor, meeting=meeting, kind=MeetingPoint.Kind.LESSON, text="Bài học")
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=actor, meeting=meeting, title="Báo cáo")
    with pytest.raises(PermissionDenied):
        services.conclusion_add(actor=actor, meeting=meeting, text="Làm ngay", lead_unit=d.lead_unit,
                                deadline=D(2022, 3, 31), track_as="directive", deliverable=d)
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=actor, meeting=meeting, title="Đổi tên")
    assert _written() == before
    assert Meeting.objects.get(pk=meeting.pk).title == "Hội nghị tổng kết công tác năm 2021"


def test_points_are_numbered_within_their_kind_and_grouped_in_a_fixed_order(users, meeting):
    add = services.meeting_point_add
    add(actor=users["office"], meeting=meeting, kind=MeetingPoint.Kind.RECOMMENDATION, text="Cơ chế thu hút nhân sự")
    add(actor=users["office"], meeting=meeting, kind=MeetingPoint.Kind.LESSON, text="Đổi mới công tác cán bộ",
        speaker="Thành viên Ban Chỉ đạo")
    add(actor=users["office"], meeting=meeting, kind=MeetingPoint.Kind.LESSON, text="Xử lý ngay sai phạm")
    assert list(meeting.points.values_list("kind", "order", "text")) == [
        ("lesson", 1, "Đổi mới công tác cán bộ"), ("lesson", 2, "Xử lý ngay sai phạm"),
        ("recommendation", 1, "Cơ chế thu hút nhân sự"),
    ]
    grouped = selectors.meeting_points_by_kind(selectors.meeting_get(user=users["office"], pk=meeting.pk))
    assert [(kind, label, [p.text for p in points]) for kind, label, points in grouped] == [
        ("lesson", "bài học kinh nghiệm", ["Đổi mới công tác cán bộ", "Xử lý ngay sai phạm"]),
        ("difficulty", "khó khăn, hạn chế", []),
        ("recommendation", "kiến nghị, đề xuất", ["Cơ chế thu hút nhân sự"]),
    ]
    with pytest.raises(ValidationError) as exc:
        add(actor=users["office"], meeting=meeting, kind="other", text=" ")
    assert exc.value.message_dict == {"kind": ["Loại ý kiến không hợp lệ."], "text": ["Nội dung không được để trống."]}
    assert meeting.points.count() == 3


def test_agenda_items_link_deliverables_of_the_meetings_program_only(users, units, meeting, make_deliverable,
                                                                     other_program):
    own = make_deliverable(lead="snv")
    item = services.agenda_item_add(actor=users["office"], meeting=meeting, title="Báo cáo tiến độ",
                                    deliverables=[own], units=[units["snv"]])
    assert (item.order, list(item.deliverables.all()), list(item.units.all())) == (1, [own], [units["snv"]])
    foreign = services.deliverable_create(
        actor=users["office"], program=other_program, code="99", kind=Kind.TASK, title="Nội dung khác",
        lead_unit=units["snv"], original_deadline=D(2022, 6, 30))
    before = _written()
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(actor=users["office"], meeting=meeting, title="Khác", deliverables=[own, foreign])
    assert exc.value.message_dict == {"deliverables": ["Nội dung 99 không thuộc chương trình của cuộc họp."]}
    assert _written() == before


def test_a_conclusion_tracked_as_a_new_deliverable(users, units, program, meeting):
    first = services.conclusion_add(
        actor=users["office"], meeting=meeting, text="Xây dựng cơ chế thu hút nhân sự có chuyên môn cao về cấp xã.",
        lead_unit=units["snv"], deadline=D(2022, 9, 30), track_as="deliverable", kind=Kind.SCHEME,
        at=at(2022, 1, 10),
    )
    second = services.conclusion_add(
        actor=users["office"], meeting=meeting, text="Đẩy nhanh tiến độ các nội dung còn lại.",
        lead_unit=units["btc"], deadline=D(2022, 12, 31), track_as="deliverable", at=at(2022, 1, 10),
    )
    d = first.deliverable
    assert (first.order, first.note, d.program, d.code, d.kind, d.title, d.lead_unit, d.original_deadline,
            d.status) == (
        1, None, program, "KL21.1", "de_an", "Xây dựng cơ chế thu hút nhân sự có chuyên môn cao về cấp xã.",
        units["snv"], D(2022, 9, 30), Status.NOT_STARTED)
    assert d.description == "Kết luận tại Hội nghị tổng kết công tác năm 2021, ngày 28/12/2021."
    assert (second.order, second.deliverable.code, second.deliverable.kind) == (2, "KL21.2", "nhiem_vu")
    assert list(d.conclusions.all()) == [first]
    # Counted in the program's figures from the notice date, not before.
    before = selectors.program_summary(user=users["office"], program=program, as_of=D(2022, 1, 9))
    after = selectors.program_summary(user=users["office"], program=program, as_of=D(2022, 1, 10))
    assert (before.deliverables, after.deliverables, after.not_started, after.lead_units) == (0, 2, 2, 2)


def test_a_given_code_is_used_and_a_taken_one_is_refused_with_nothing_written(users, units, meeting):
    c = services.conclusion_add(actor=users["office"], meeting=meeting, text="Nhiệm vụ", lead_unit=units["snv"],
                                deadline=D(2022, 3, 31), track_as="deliverable", code="KL-01")
    assert c.deliverable.code == "KL-01"
    before = _written()
    with pytest.raises(ValidationError) as exc:
        services.conclusion_add(actor=users["office"], meeting=meeting, text="Khác", lead_unit=units["snv"],
                                deadline=D(2022, 3, 31), track_as="deliverable", code="KL-01")
    assert exc.value.message_dict == {"code": ["Số thứ tự KL-01 đã có trong chương trình."]}
    assert _written() == before


def test_a_conclusion_tracked_as_a_directive_on_the_lead_units_deliverable(users, units, meeting, make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2022, 6, 30))
    deliverables = Deliverable.objects.count()
    c = services.conclusion_add(
        actor=users["office"], meeting=meeting, text="Đẩy nhanh thủ tục hành chính còn chậm.",
        lead_unit=units["snv"], deadline=D(2022, 3, 31), track_as="directive", deliverable=d, at=at(2022, 1, 10),
    )
    assert Deliverable.objects.count() == deliverables
    assert (c.deliverable, c.tracked_as_directive) == (d, True)
    note = Note.objects.get(deliverable=d)
    assert c.note == note
    assert (note.kind, note.due_on, note.author, note.at) == ("directive", D(2022, 3, 31), users["office"],
                                                              at(2022, 1, 10))
    assert note.text == ("Đẩy nhanh thủ tục hành chính còn chậm.\n"
                         "Kết luận tại Hội nghị tổng kết công tác năm 2021, ngày 28/12/2021.")
    assert ChangeRecord.objects.filter(object_id=str(d.pk), action="note_directive").count() == 1


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("deadline_before_meeting", {"deadline": ["Thời hạn không được trước ngày họp (28/12/2021)."]}),
        ("other_program", {"deliverable": ["Nội dung 99 không thuộc chương trình của cuộc họp."]}),
        ("other_lead_unit", {"lead_unit": ["Nội dung 01 do Sở Tài chính chủ trì, không phải Sở Nội vụ."]}),
        ("directive_without_deliverable", {"deliverable": ["Cần chọn nội dung có sẵn để giao chỉ đạo."]}),
        ("completed_before", {"deliverable": ["Nội dung 01 đã kết thúc, không thể giao thêm chỉ đạo."]}),
        ("unknown_tracking", {"track_as": ["Cách theo dõi kết luận không hợp lệ."]}),
    ],
)
def test_an_invalid_conclusion_writes_nothing(users, units, meeting, make_deliverable, other_program, case,
                                              expected):
    ours = make_deliverable(lead="stc", deadline=D(2022, 6, 30))
    foreign = services.deliverable_create(
        actor=users["office"], program=other_program, code="99", kind=Kind.TASK, title="Nội dung khác",
        lead_unit=units["snv"], original_deadline=D(2022, 6, 30))
    args = {"text": "Kết luận", "lead_unit": units["snv"], "deadline": D(2022, 3, 31), "track_as": "directive",
            "at": at(2022, 1, 10)}
    match case:
        case "deadline_before_meeting":
            args |= {"track_as": "deliverable", "deadline": D(2021, 12, 27)}
        case "other_program":
            args |= {"deliverable": foreign}
        case "other_lead_unit":
            args |= {"deliverable": ours}
        case "completed_before":
            services.deliverable_transition(actor=users["office"], deliverable=ours, to_status=Status.CANCELLED,
                                            reason="Lồng ghép", at=at(2022, 1, 5))
            args |= {"deliverable": ours, "lead_unit": units["stc"]}
        case "unknown_tracking":
            args |= {"track_as": "other"}
    before = _written()
    with pytest.raises(ValidationError) as exc:
        services.conclusion_add(actor=users["office"], meeting=meeting, **args)
    assert exc.value.message_dict == expected
    assert _written() == before


def test_a_failure_after_the_deliverable_is_written_rolls_everything_back(users, units, meeting, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Conclusion.objects, "create", broken)
    before = _written()
    with pytest.raises(RuntimeError):
        services.conclusion_add(actor=users["office"], meeting=meeting, text="Nhiệm vụ", lead_unit=units["snv"],
                                deadline=D(2022, 3, 31), track_as="deliverable")
    assert _written() == before


def test_year_end_meeting_is_the_latest_year_end_meeting_of_that_year(users, program, meeting):
    office = users["office"]
    services.meeting_create(actor=office, program=program, kind=Meeting.Kind.QUARTERLY, title="Sơ kết quý IV",
                            held_on=D(2021, 12, 30), chair="Trưởng ban")
    later = services.meeting_create(actor=office, program=program, kind=Meeting.Kind.YEAR_END,
                                    title="Hội nghị tổng kết (phiên 2)", held_on=D(2021, 12, 29), chair="Trưởng ban")
    assert selectors.year_end_meeting(user=office, program=program, year=2021) == later
    assert selectors.year_end_meeting(user=office, program=program, year=2022) is None
    assert [m.title for m in selectors.meeting_list(user=office, program=program)] == [
        "Sơ kết quý IV", "Hội nghị tổng kết (phiên 2)", "Hội nghị tổng kết công tác năm 2021"]


def test_meetings_are_scoped_like_their_program(users, meeting, make_deliverable):
    make_deliverable(lead="snv")
    assert selectors.meeting_get(user=users["snv"], pk=meeting.pk) == meeting
    assert list(Meeting.objects.visible_to(users["stc"])) == []
    assert selectors.year_end_meeting(user=users["stc"], program=meeting.program, year=2021) is None


# --- Pages ----------------------------------------------------------------------------------------


def test_the_list_page_shows_the_meetings_and_the_form_to_managers_only(client_as, users, meeting,
                                                                        make_deliverable):
    make_deliverable(lead="snv")
    url = f"/chuong-trinh/{meeting.program_id}/hoi-nghi/"
    office_page = client_as(users["office"]).get(url)
    html = office_page.content.decode()
    assert office_page.status_code == 200
    assert "Hội nghị tổng kết công tác năm 2021" in html and "28/12/2021" in html
    assert "Ghi nhận hội nghị, cuộc họp" in html
    officer_page = client_as(users["snv"]).get(url).content.decode()
    assert "Hội nghị tổng kết công tác năm 2021" in officer_page
    assert "Ghi nhận hội nghị, cuộc họp" not in officer_page
    dashboard = client_as(users["office"]).get(f"/chuong-trinh/{meeting.program_id}/").content.decode()
    assert f'href="/chuong-trinh/{meeting.program_id}/hoi-nghi/"' in dashboard


def test_the_office_creates_a_meeting_through_the_page(client_as, users, program):
    response = client_as(users["office"]).post(f"/chuong-trinh/{program.pk}/hoi-nghi/", {
        "kind": "stocktake", "title": "Họp kiểm điểm tiến độ tháng 11", "held_on": "15/11/2021",
        "chair": "Phó Trưởng ban Chỉ đạo", "location": "", "attendees": "", "minutes": "",
    })
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hoi-nghi/{meeting.pk}/"
    assert (meeting.kind, meeting.held_on, meeting.created_by) == ("stocktake", D(2021, 11, 15), users["office"])


def test_an_invalid_meeting_form_comes_back_as_a_partial(client_as, users, program):
    response = client_as(users["office"]).post(f"/chuong-trinh/{program.pk}/hoi-nghi/", {
        "kind": "stocktake", "title": "Họp", "held_on": "01/01/2021", "chair": "Trưởng ban",
    }, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html
    assert "Ngày họp không được trước ngày ban hành chương trình (17/03/2021)." in html
    assert Meeting.objects.count() == 0


def test_a_lead_officer_cannot_create_a_meeting_through_the_page(client_as, users, program, make_deliverable):
    make_deliverable(lead="snv")
    before = _written()
    response = client_as(users["snv"]).post(f"/chuong-trinh/{program.pk}/hoi-nghi/", {
        "kind": "stocktake", "title": "Họp", "held_on": "15/11/2021", "chair": "Trưởng ban"})
    assert response.status_code == 403
    assert _written() == before


def test_the_detail_page_shows_agenda_points_and_conclusions_with_their_status(client_as, users, units, meeting,
                                                                                make_deliverable):
    d = make_deliverable(lead="snv", deadline=D(2022, 6, 30))
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    services.agenda_item_add(actor=users["office"], meeting=meeting, title="Báo cáo tổng kết năm 2021",
                             deliverables=[d])
    services.meeting_point_add(actor=users["office"], meeting=meeting, kind=MeetingPoint.Kind.DIFFICULTY,
                               text="Việc phân cấp còn chưa rõ đầu mối.")
    c = services.conclusion_add(actor=users["office"], meeting=meeting, text="Đẩy nhanh tiến độ.",
                                lead_unit=units["snv"], deadline=D(2022, 3, 31), track_as="directive", deliverable=d)
    response = client_as(users["snv"]).get(f"/hoi-nghi/{meeting.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Báo cáo tổng kết năm 2021", "Khó khăn, hạn chế (1)", "Việc phân cấp còn chưa rõ đầu mối.",
                 "Đẩy nhanh tiến độ.", "31/03/2022", f'href="/noi-dung/{c.deliverable_id}/"',
                 "đang thực hiện"):
        assert text in html, text
    assert "Thêm kết luận" not in html  # the forms are for the office


def test_the_office_adds_a_point_and_a_conclusion_through_htmx(client_as, users, units, meeting):
    client = client_as(users["office"])
    page = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "Thêm kết luận" in page and "Thêm bài học, khó khăn, kiến nghị" in page
    point = client.post(f"/hoi-nghi/{meeting.pk}/y-kien/", {
        "point-kind": "lesson", "point-text": "Đổi mới tổ chức họp.", "point-speaker": ""}, HTTP_HX_REQUEST="true")
    assert (point.status_code, point["HX-Redirect"]) == (204, f"/hoi-nghi/{meeting.pk}/")
    conclusion = client.post(f"/hoi-nghi/{meeting.pk}/ket-luan/", {
        "kl-text": "Củng cố hệ thống chính trị từ cơ sở.", "kl-lead_unit": units["btc"].pk,
        "kl-deadline": "30/09/2022", "kl-track_as": "deliverable", "kl-kind": "de_an", "kl-code": "",
    }, HTTP_HX_REQUEST="true")
    assert conclusion.status_code == 204
    c = Conclusion.objects.get()
    assert (c.deliverable.code, c.deliverable.kind, c.lead_unit, meeting.points.get().text) == (
        "KL21.1", "de_an", units["btc"], "Đổi mới tổ chức họp.")
    late = client.post(f"/hoi-nghi/{meeting.pk}/ket-luan/", {
        "kl-text": "Quá sớm.", "kl-lead_unit": units["btc"].pk, "kl-deadline": "01/12/2021",
        "kl-track_as": "deliverable", "kl-kind": "nhiem_vu"}, HTTP_HX_REQUEST="true")
    assert late.status_code == 422
    assert "Thời hạn không được trước ngày họp (28/12/2021)." in late.content.decode()
    assert Conclusion.objects.count() == 1


def test_a_lead_officer_of_another_unit_gets_404_for_the_meeting(client_as, users, meeting, make_deliverable):
    d = make_deliverable(lead="snv")
    before = _written()
    client = client_as(users["stc"])
    assert client.get(f"/hoi-nghi/{meeting.pk}/").status_code == 404
    assert client.get(f"/chuong-trinh/{meeting.program_id}/hoi-nghi/").status_code == 404
    assert client.post(f"/hoi-nghi/{meeting.pk}/ket-luan/", {
        "kl-text": "X", "kl-lead_unit": d.lead_unit_id, "kl-deadline": "30/09/2022",
        "kl-track_as": "deliverable", "kl-kind": "nhiem_vu"}).status_code == 404
    assert _written() == before


# --- Demo -----------------------------------------------------------------------------------------


def test_the_demo_has_the_year_end_conference_with_its_points_and_conclusions():
    assert demo_load() is True
    program = Program.objects.get(number="01-CTr/TU")
    admin = User.objects.get(username="admin")
    meeting = selectors.year_end_meeting(user=admin, program=program, year=2021)
    assert meeting is not None
    assert (meeting.held_on, meeting.kind, meeting.chair) == (
        D(2021, 12, 28), "year_end", "Bí thư Thành ủy, Trưởng ban Chỉ đạo")
    assert meeting.title == ("Hội nghị tổng kết công tác năm 2021, triển khai phương hướng, nhiệm vụ trọng tâm "
                             "năm 2022 của Ban Chỉ đạo Chương trình số 01-CTr/TU")
    points = {k: [p.text for p in meeting.points.all() if p.kind == k] for k in MeetingPoint.Kind.values}
    assert [len(points[k]) for k in ("lesson", "difficulty", "recommendation")] == [3, 2, 1]
    assert points["lesson"] == [
        "Đổi mới công tác cán bộ, kịp thời luân chuyển khi có biểu hiện không hoàn thành nhiệm vụ.",
        "Kiểm tra, xử lý ngay cán bộ, công chức có biểu hiện sai phạm.",
        "Đổi mới tổ chức họp giải quyết công việc, sinh hoạt chi bộ trong bối cảnh dịch COVID-19.",
    ]
    assert points["difficulty"] == ["Việc phân cấp còn chưa rõ đầu mối, cơ quan kiểm soát.",
                                    "Việc thực hiện một số thủ tục hành chính còn chậm."]
    assert points["recommendation"] == [
        "Thành phố có cơ chế thu hút nhân sự có chuyên môn cao về làm việc ở cấp xã."]
    conclusions = list(meeting.conclusions.all())
    assert [(c.deliverable.code, c.lead_unit.code, c.deadline, c.tracked_as_directive) for c in conclusions] == [
        ("KL21.1", "BTCTU", D(2022, 12, 31), False), ("KL21.2", "BTCTU", D(2022, 6, 30), False),
        ("KL21.3", "BTCTU", D(2022, 9, 30), False), ("KL21.4", "SNV", D(2022, 9, 30), False),
        ("07", "SNV", D(2022, 6, 30), True),
    ]
    assert [c.deliverable.status for c in conclusions] == [Status.COMPLETED] * 5
    assert conclusions[4].note is not None and conclusions[4].note.due_on == D(2022, 6, 30)
    assert meeting.agenda_items.count() == 3
    # The conclusions were assigned on 10/01/2022: the review day's figures stay the seed's.
    review = selectors.program_summary(user=admin, program=program, as_of=D(2021, 12, 28))
    assert (review.deliverables, review.lead_units, review.completed, review.awaiting_approval,
            review.in_progress) == (34, 11, 16, 8, 10)
    notice = selectors.program_summary(user=admin, program=program, as_of=D(2022, 1, 10))
    assert (notice.deliverables, notice.lead_units) == (38, 11)
    quarterly = Meeting.objects.get(program=program, kind=Meeting.Kind.QUARTERLY)
    assert (quarterly.held_on, quarterly.points.count()) == (D(2021, 9, 30), 2)
