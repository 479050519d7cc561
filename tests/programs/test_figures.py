"""Figures as of a date come from the recorded history, and the demo reproduces the seed's numbers."""

import datetime as dt

import pytest

from chidao.core.models import User
from chidao.demo.program import demo_load
from chidao.programs import selectors, services
from chidao.programs.models import DeadlineClass, Program, Status
from chidao.programs.selectors import deadline_class
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("status", "deadline", "completed_on", "as_of", "expected"),
    [
        (Status.COMPLETED, D(2021, 9, 30), D(2021, 9, 30), D(2021, 12, 31), DeadlineClass.DONE_ON_TIME),
        (Status.COMPLETED, D(2021, 9, 30), D(2021, 10, 1), D(2021, 12, 31), DeadlineClass.DONE_LATE),
        (Status.SUBMITTED, D(2021, 9, 30), None, D(2021, 9, 30), DeadlineClass.OPEN_ON_TIME),  # deadline day
        (Status.SUBMITTED, D(2021, 9, 30), None, D(2021, 10, 1), DeadlineClass.OPEN_OVERDUE),
        (Status.NOT_STARTED, D(2022, 1, 1), None, D(2021, 12, 31), DeadlineClass.OPEN_ON_TIME),
        (Status.CANCELLED, D(2021, 1, 1), None, D(2021, 12, 31), None),
    ],
)
def test_deadline_class(status, deadline, completed_on, as_of, expected):
    assert deadline_class(status=status, deadline=deadline, completed_on=completed_on, as_of=as_of) == expected


def _complete(d, users, day):
    for status, before in ((Status.IN_PROGRESS, 10), (Status.SUBMITTED, 5)):
        earlier = day - dt.timedelta(days=before)
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status,
                                        at=at(earlier.year, earlier.month, earlier.day))
    a = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    return services.deliverable_transition(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="1/QĐ", doc_date=day,
        attachment=a, at=at(day.year, day.month, day.day, 16))


def test_a_status_reached_after_the_date_does_not_count(make_deliverable, users, program):
    d = make_deliverable(deadline=D(2021, 9, 30))
    _complete(d, users, D(2021, 10, 5))
    before = selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 10, 4))
    on_day = selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 10, 5))
    overdue = DeadlineClass.OPEN_OVERDUE
    assert (before.completed, before.awaiting_approval, before.deadline_classes[overdue]) == (0, 1, 1)
    assert (on_day.completed, on_day.awaiting_approval, on_day.deadline_classes[DeadlineClass.DONE_LATE]) == (1, 0, 1)
    # Day boundaries are Asia/Ho_Chi_Minh days: 16:00 local on 05/10 is 09:00 UTC the same day.
    assert on_day.items[0].completed_on == D(2021, 10, 5)


def test_an_extension_counts_only_from_its_approval_date(make_deliverable, users, program):
    d = make_deliverable(deadline=D(2021, 9, 30))
    services.deliverable_extend_deadline(actor=users["office"], deliverable=d, new_deadline=D(2021, 12, 31),
                                         reason="Chờ số liệu", approved_by="Trưởng ban", approved_on=D(2021, 10, 10))
    early = selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 10, 9))
    late = selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 10, 10))
    assert early.deadline_classes[DeadlineClass.OPEN_OVERDUE] == 1
    assert late.deadline_classes[DeadlineClass.OPEN_ON_TIME] == 1


def test_deliverables_assigned_after_the_date_are_left_out(make_deliverable, users, program):
    make_deliverable(created=at(2021, 3, 30))
    make_deliverable(created=at(2021, 6, 1))
    assert selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 5, 31)).deliverables == 1
    assert selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 6, 1)).deliverables == 2


def test_figures_follow_the_records(make_deliverable, users, program):
    d = make_deliverable()
    make_deliverable(lead="stc")
    first = selectors.program_summary(user=users["office"], program=program)
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS)
    second = selectors.program_summary(user=users["office"], program=program)
    assert (first.not_started, first.in_progress) == (2, 0)
    assert (second.not_started, second.in_progress) == (1, 1)
    assert (second.deliverables, second.lead_units) == (2, 2)


def test_completion_rate_is_done_over_due(make_deliverable, users, program):
    _complete(make_deliverable(deadline=D(2021, 9, 30)), users, D(2021, 9, 1))  # done on time
    make_deliverable(deadline=D(2021, 6, 30))  # overdue
    make_deliverable(deadline=D(2022, 6, 30))  # not yet due
    s = selectors.program_summary(user=users["office"], program=program, as_of=D(2021, 12, 31))
    assert (s.due, s.completion_rate) == (2, 50.0)
    assert [(u.name, u.completion_rate, u.overdue) for u in s.units] == [("Sở Nội vụ", 50.0, 1)]


def test_a_lead_officer_sees_figures_for_their_own_scope(make_deliverable, users, program):
    make_deliverable(lead="snv")
    make_deliverable(lead="stc", coordinating=["snv"])
    make_deliverable(lead="stc")
    assert selectors.program_summary(user=users["snv"], program=program).deliverables == 2
    assert selectors.program_summary(user=users["auditor"], program=program).deliverables == 3


def test_demo_gives_the_year_end_review_figures():
    assert demo_load() is True
    program = Program.objects.get(number="01-CTr/TU")
    admin = User.objects.get(username="admin")
    s = selectors.program_summary(user=admin, program=program, as_of=D(2021, 12, 28))
    assert (s.deliverables, s.lead_units, s.completed, s.awaiting_approval, s.in_progress, s.not_started) == (
        34, 11, 16, 8, 10, 0)
    assert s.deadline_classes == {
        DeadlineClass.DONE_ON_TIME: 12, DeadlineClass.DONE_LATE: 4,
        DeadlineClass.OPEN_ON_TIME: 11, DeadlineClass.OPEN_OVERDUE: 7,
    }
    assert set(s.by_kind) == {"chuyen_de", "de_an", "de_tai", "ke_hoach"}
    assert selectors.summary_paragraph(s) == (
        "Ban Chỉ đạo chương trình đã giao cho 11 cơ quan, đơn vị chủ trì triển khai thực hiện 34 chuyên đề, "
        "đề án, đề tài, kế hoạch. Tính đến ngày 28/12/2021, có 16 nội dung đã hoàn thành, 8 nội dung đã hoàn "
        "thành dự thảo, đang trình cấp có thẩm quyền xem xét phê duyệt. Còn lại 10 chuyên đề, đề án, đề tài, "
        "kế hoạch đang được các cơ quan chủ trì triển khai thực hiện."
    )
    # Later history moves today's figures, not the review day's.
    today = selectors.program_summary(user=admin, program=program, as_of=D(2026, 11, 27))
    # 38 = the 34 plus the four conclusions of the year-end conference (KL21.1-4, assigned 10/01/2022).
    assert (today.deliverables, today.lead_units) == (38, 11)
    assert (today.completed, today.awaiting_approval, today.in_progress, today.cancelled) == (34, 1, 2, 1)


def test_demo_refuses_a_database_with_data_and_changes_nothing(users):
    assert demo_load() is False
    assert Program.objects.count() == 0
    assert User.objects.count() == len(users)
