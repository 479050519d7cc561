"""Overdue duties as of a date: the provider the personnel flags read counts a deliverable open or overdue on a
past date from the recorded history (ADR 0002), so one completed, extended or cancelled later still counts on
that date."""

import datetime as dt

import pytest

from chidao.personnel.flags import FlagCode, people_flagged, person_flags
from chidao.personnel.models import Person
from chidao.programs import services
from chidao.programs.duties import overdue_by_responsible
from chidao.programs.models import Status
from chidao.rotation import due
from chidao.rotation.models import RoundKind
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db
D = dt.date


def _responsible(users, deliverable, person) -> None:
    services.deliverable_update(actor=users["office"], deliverable=deliverable, expected_version=deliverable.version,
                                responsible_person=person)


def _submit(users, deliverable, day: D) -> None:
    for status, before in ((Status.IN_PROGRESS, 10), (Status.SUBMITTED, 5)):
        earlier = day - dt.timedelta(days=before)
        services.deliverable_transition(actor=users["snv"], deliverable=deliverable, to_status=status,
                                        at=at(earlier.year, earlier.month, earlier.day))


def _complete(users, deliverable, day: D) -> None:
    _submit(users, deliverable, day)
    approval = services.attachment_upload(actor=users["office"], deliverable=deliverable, file=pdf_file())
    services.deliverable_transition(actor=users["office"], deliverable=deliverable, to_status=Status.COMPLETED,
                                    doc_number="12/QĐ", doc_date=day, attachment=approval,
                                    at=at(day.year, day.month, day.day, 16))


def _codes(person, on: D) -> list[str]:
    return overdue_by_responsible([person.pk], on).get(person.pk, [])


def test_a_deliverable_completed_later_is_overdue_on_a_date_before_its_completion(users, make_person,
                                                                                   make_deliverable):
    # given a deliverable due 01/03/2025 under a leader, completed (approved) on 10/04/2025
    person = make_person(name="Lê Văn Hạn")
    d = make_deliverable(deadline=D(2025, 3, 1))
    _responsible(users, d, person)
    _complete(users, d, D(2025, 4, 10))
    # then: the deadline day is in time; from the next day until the day before completion it is overdue
    assert _codes(person, D(2025, 3, 1)) == []
    assert _codes(person, D(2025, 3, 2)) == ["01"]
    assert _codes(person, D(2025, 4, 9)) == ["01"]
    # completed on 10/04 (16:00 local): no longer open at the end of that day, nor after
    assert _codes(person, D(2025, 4, 10)) == []
    assert _codes(person, D(2025, 4, 15)) == []
    # and the flag of 01/04/2025 names it, the flag of 15/04/2025 is gone
    [flag] = person_flags(person=person, on=D(2025, 4, 1))
    assert (flag.code, flag.data) == (FlagCode.OVERDUE_DELIVERABLES, {"codes": ["01"]})
    assert flag.detail == "Phụ trách 1 nội dung chưa hoàn thành quá hạn tại ngày 01/04/2025: 01."
    assert person_flags(person=person, on=D(2025, 4, 15)) == []


def test_an_extension_counts_only_from_its_approval_date(users, make_person, make_deliverable):
    # given a deliverable due 01/03/2025, extended to 30/06/2025 by a decision of 20/03/2025
    person = make_person(name="Vũ Thị Gia")
    d = make_deliverable(deadline=D(2025, 3, 1))
    _responsible(users, d, person)
    d.refresh_from_db()
    services.deliverable_extend_deadline(actor=users["office"], deliverable=d, new_deadline=D(2025, 6, 30),
                                         reason="Chờ ý kiến Bộ", approved_by="Trưởng ban",
                                         approved_on=D(2025, 3, 20), at=at(2025, 3, 20))
    # then overdue until the day before the approval, in time from it through the new deadline, overdue after
    assert [_codes(person, day) for day in (D(2025, 3, 19), D(2025, 3, 20), D(2025, 6, 30), D(2025, 7, 1))] == [
        ["01"], [], [], ["01"]]


def test_a_deliverable_cancelled_later_counts_until_its_cancellation(users, make_person, make_deliverable):
    person = make_person(name="Đỗ Văn Dừng")
    d = make_deliverable(deadline=D(2025, 3, 1))
    _responsible(users, d, person)
    d.refresh_from_db()
    services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.CANCELLED,
                                    reason="Không còn phù hợp", at=at(2025, 4, 5))
    assert (_codes(person, D(2025, 4, 4)), _codes(person, D(2025, 4, 5))) == (["01"], [])


def test_a_deliverable_assigned_after_the_date_does_not_count(users, make_person, make_deliverable):
    # given a deliverable recorded on 01/05/2025 with a deadline of 01/03/2025 (taken over from paper files)
    person = make_person(name="Hồ Văn Muộn")
    d = make_deliverable(deadline=D(2025, 3, 1), created=at(2025, 5, 1))
    _responsible(users, d, person)
    assert (_codes(person, D(2025, 4, 30)), _codes(person, D(2025, 5, 1))) == ([], ["01"])


def test_the_provider_reads_in_one_query_whatever_the_number(users, make_person, make_deliverable,
                                                              django_assert_num_queries):
    people = [make_person(name=f"Người phụ trách {i}") for i in range(3)]
    for i, person in enumerate(people):
        for _n in range(2):
            d = make_deliverable(deadline=D(2025, 3, 1))
            _responsible(users, d, person)
            if i == 0:
                d.refresh_from_db()
                _complete(users, d, D(2025, 4, 10))
    with django_assert_num_queries(1):
        on_april_1 = overdue_by_responsible([p.pk for p in people], D(2025, 4, 1))
    assert on_april_1 == {people[0].pk: ["01", "02"], people[1].pk: ["03", "04"], people[2].pk: ["05", "06"]}
    with django_assert_num_queries(4):
        flagged = people_flagged(people_qs=Person.objects.all(), on=D(2025, 4, 15))
    assert {pid: f[0].data["codes"] for pid, f in flagged.items()} == {
        people[1].pk: ["03", "04"], people[2].pk: ["05", "06"]}


def test_a_round_of_a_past_date_sees_the_duties_overdue_then(users, make_person, make_deliverable, make_round):
    # given a head of division responsible for a deliverable due 01/03/2025, completed on 10/04/2025
    person = make_person(name="Trịnh Văn Cũ", post="snv_head")
    d = make_deliverable(deadline=D(2025, 3, 1))
    _responsible(users, d, person)
    _complete(users, d, D(2025, 4, 10))
    # when a rotation round as of 01/04/2025 adds them for signs of not completing duties
    rnd = make_round(kind=RoundKind.ROTATION, as_of=D(2025, 4, 1))
    entry = due.due_entry_add_flagged(actor=users["office"], round=rnd, person=person, reason="Chậm đề án 01")
    # then the overdue deliverable of that day is among the reasons
    assert entry.reasons == ["Phụ trách nội dung chưa hoàn thành quá hạn: Phụ trách 1 nội dung chưa hoàn thành "
                             "quá hạn tại ngày 01/04/2025: 01.", "Lý do bổ sung: Chậm đề án 01"]
    assert [f.code for f in due.duty_flags(person=person, on=D(2025, 4, 15))] == []


def test_the_filter_reads_the_history_as_the_figures_do(users, program, make_deliverable):
    # given four deliverables: completed later, extended later, cancelled later, untouched
    from chidao.programs.selectors import states_as_of, with_state_as_of

    done, extended, cancelled, _untouched = (make_deliverable(deadline=D(2025, 3, 1)) for _n in range(4))
    _complete(users, done, D(2025, 4, 10))
    services.deliverable_extend_deadline(actor=users["office"], deliverable=extended, new_deadline=D(2025, 6, 30),
                                         reason="Chờ ý kiến Bộ", approved_by="Trưởng ban",
                                         approved_on=D(2025, 3, 20), at=at(2025, 3, 20))
    services.deliverable_transition(actor=users["office"], deliverable=cancelled, to_status=Status.CANCELLED,
                                    reason="Không còn phù hợp", at=at(2025, 4, 5))
    qs = program.deliverables.all()
    for day in (D(2025, 3, 1), D(2025, 3, 20), D(2025, 4, 4), D(2025, 4, 10), D(2025, 7, 1)):
        figures = {s.code: (s.status, s.deadline) for s in states_as_of(deliverables=qs, as_of=day)}
        filtered = dict((c, (s, dl)) for c, s, dl in with_state_as_of(qs, as_of=day).values_list(
            "code", "status_then", "deadline_then"))
        assert filtered == figures, day
