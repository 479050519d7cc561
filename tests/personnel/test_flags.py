"""Warning flags: two consecutive "không hoàn thành nhiệm vụ", blocking discipline, falling rating,
overdue deliverables under a responsible leader."""

import datetime as dt

import pytest

from chidao.personnel import services
from chidao.personnel.flags import (
    BASIS_DISCIPLINE,
    BASIS_NOT_COMPLETED,
    BASIS_SIGNS,
    FlagCode,
    people_flagged,
    person_flags,
)
from chidao.personnel.models import DisciplineForm, DisciplineSystem, Person, RatingLevel
from chidao.programs import services as program_services
from chidao.programs.models import Status
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db

NC, DONE, GOOD = RatingLevel.NOT_COMPLETED, RatingLevel.COMPLETED, RatingLevel.GOOD


def _rate(users, person, ratings):
    for year, level in ratings.items():
        services.rating_set(actor=users["admin"], person=person, year=year, level=level)


def test_two_consecutive_not_completed_years_raise_the_flag(users, make_person):
    person = make_person()
    _rate(users, person, {2021: GOOD, 2022: NC, 2023: NC})
    flags = person_flags(person=person, on=dt.date(2024, 3, 1))
    assert [f.code for f in flags] == [FlagCode.NOT_COMPLETED_TWICE]  # 2023 is no lower than 2022
    flag = flags[0]
    assert flag.basis == BASIS_NOT_COMPLETED
    assert flag.severity == "high"
    assert flag.data == {"years": (2022, 2023)}
    assert flag.detail == ("Xếp loại “không hoàn thành nhiệm vụ” các năm 2022 và 2023: xem xét miễn nhiệm (đối với "
                           "cán bộ) hoặc cho thôi việc (đối với công chức).")


def test_not_consecutive_not_completed_years_do_not_raise_it(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: GOOD, 2023: NC})
    assert [f.code for f in person_flags(person=person, on=dt.date(2024, 3, 1))] == [FlagCode.RATING_DROPPED]


def test_ratings_after_the_day_are_ignored(users, make_person):
    person = make_person()
    _rate(users, person, {2022: NC, 2023: NC})
    assert person_flags(person=person, on=dt.date(2022, 12, 31)) == []


def test_a_rating_drop_in_the_latest_year_is_a_sign_of_not_completing_duties(users, make_person):
    person = make_person()
    _rate(users, person, {2023: GOOD, 2024: DONE})
    [flag] = person_flags(person=person, on=dt.date(2025, 2, 1))
    assert (flag.code, flag.basis, flag.severity) == (FlagCode.RATING_DROPPED, BASIS_SIGNS, "warning")
    assert flag.detail == ("Năm 2024 xếp loại “hoàn thành nhiệm vụ”, thấp hơn năm 2023 (“hoàn thành tốt "
                           "nhiệm vụ”).")


def test_blocking_discipline_flag_through_its_last_day(users, make_person):
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.CIVIL_SERVICE,
                            form=DisciplineForm.REPRIMAND, decided_on=dt.date(2024, 3, 15), decided_by="UBND TP")
    [flag] = person_flags(person=person, on=dt.date(2025, 3, 14))
    assert (flag.code, flag.basis, flag.data["until"]) == (FlagCode.DISCIPLINE_BLOCKING, BASIS_DISCIPLINE,
                                                           dt.date(2025, 3, 14))
    assert flag.detail == ("khiển trách theo quyết định ngày 15/03/2024, còn hạn chế đến hết ngày 14/03/2025; chưa "
                           "được quy hoạch, bổ nhiệm chức vụ cao hơn.")
    assert person_flags(person=person, on=dt.date(2025, 3, 15)) == []
    assert person_flags(person=person, on=dt.date(2024, 3, 14)) == []  # not yet decided


def test_expulsion_flag_never_lapses(users, make_person):
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.PARTY,
                            form=DisciplineForm.EXPULSION, decided_on=dt.date(2020, 1, 10), decided_by="UBKT Thành ủy")
    [flag] = person_flags(person=person, on=dt.date(2040, 1, 1))
    assert (flag.code, flag.data["until"]) == (FlagCode.DISCIPLINE_BLOCKING, None)


def _complete(users, deliverable, day: dt.date) -> None:
    """Take a deliverable to "đã hoàn thành" on `day` through the workflow (the history the flags read)."""
    for status, before in ((Status.IN_PROGRESS, 10), (Status.SUBMITTED, 5)):
        earlier = day - dt.timedelta(days=before)
        program_services.deliverable_transition(actor=users["snv"], deliverable=deliverable, to_status=status,
                                                at=at(earlier.year, earlier.month, earlier.day))
    approval = program_services.attachment_upload(actor=users["office"], deliverable=deliverable, file=pdf_file())
    program_services.deliverable_transition(actor=users["office"], deliverable=deliverable,
                                            to_status=Status.COMPLETED, doc_number="1/QĐ", doc_date=day,
                                            attachment=approval, at=at(day.year, day.month, day.day, 16))


def test_overdue_deliverables_under_a_responsible_leader(users, make_person, make_deliverable):
    person = make_person()
    overdue = make_deliverable(deadline=dt.date(2021, 9, 30))
    later = make_deliverable(deadline=dt.date(2021, 12, 31))
    done = make_deliverable(deadline=dt.date(2021, 6, 30))
    for d in (overdue, later, done):
        program_services.deliverable_update(actor=users["office"], deliverable=d, expected_version=d.version,
                                            responsible_person=person)
    _complete(users, done, dt.date(2021, 7, 10))

    assert person_flags(person=person, on=dt.date(2021, 9, 30)) == []   # the deadline day is still in time
    [flag] = person_flags(person=person, on=dt.date(2021, 10, 1))
    assert (flag.code, flag.basis, flag.data) == (FlagCode.OVERDUE_DELIVERABLES, BASIS_SIGNS, {"codes": ["01"]})
    assert flag.detail == "Phụ trách 1 nội dung chưa hoàn thành quá hạn tại ngày 01/10/2021: 01."
    [flag] = person_flags(person=person, on=dt.date(2022, 1, 1))
    assert flag.data == {"codes": ["01", "02"]}


def test_responsible_person_is_recorded_in_the_change_record(users, make_person, make_deliverable):
    from chidao.core.models import ChangeRecord

    person = make_person(name="Trần Thị Bình")
    d = make_deliverable()
    program_services.deliverable_update(actor=users["office"], deliverable=d, expected_version=d.version,
                                        responsible_person=person)
    record = ChangeRecord.objects.filter(object_id=str(d.pk), action="update").get()
    assert (record.before["responsible_person"], record.after["responsible_person"]) == (None, "Trần Thị Bình")


def test_people_flagged_answers_for_a_list_in_four_queries(users, make_person, django_assert_num_queries):
    people = [make_person(name=f"Người số {i}") for i in range(5)]
    _rate(users, people[0], {2022: NC, 2023: NC})
    _rate(users, people[1], {2022: GOOD, 2023: DONE})
    services.discipline_add(actor=users["admin"], person=people[2], system=DisciplineSystem.PARTY,
                            form=DisciplineForm.WARNING, decided_on=dt.date(2023, 6, 1), decided_by="UBKT")
    with django_assert_num_queries(4):
        result = people_flagged(people_qs=Person.objects.all(), on=dt.date(2024, 1, 15))
    assert {pid: [f.code for f in fl] for pid, fl in result.items()} == {
        people[0].pk: [FlagCode.NOT_COMPLETED_TWICE],
        people[1].pk: [FlagCode.RATING_DROPPED],
        people[2].pk: [FlagCode.DISCIPLINE_BLOCKING],
    }


def test_an_old_run_followed_by_a_better_rating_no_longer_raises_the_flag(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: NC, 2023: GOOD})
    assert person_flags(person=person, on=dt.date(2024, 3, 1)) == []
