"""Warning flags: two consecutive "không hoàn thành nhiệm vụ", blocking discipline, falling rating,
overdue deliverables under a responsible leader."""

import datetime as dt

import pytest

from chidao.personnel import services
from chidao.personnel.flags import (
    BASIS_NOT_COMPLETED,
    BASIS_SIGNS,
    FlagCode,
    people_flagged,
    person_flags,
)
from chidao.personnel.models import DisciplineForm, DisciplineSystem, Person, RatingLevel
from chidao.personnel.rulebook import rulebook_on
from chidao.programs import services as program_services
from chidao.programs.models import Status

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


REG_377 = "Quy định 377-QĐ/TW ngày 08/10/2025 về phân cấp quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu ứng cử"
LAW_2025 = "Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP"


def _discipline(users, person, system, form, day):
    return services.discipline_add(actor=users["admin"], person=person, system=system, form=form, decided_on=day,
                                   decided_by="UBKT Thành ủy" if system == DisciplineSystem.PARTY else "UBND TP")


def test_blocking_discipline_flag_through_its_last_day(users, make_person):
    # Given a civil servant reprimanded on 15/11/2025 (12 months for every bar)
    person = make_person()
    _discipline(users, person, DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REPRIMAND, dt.date(2025, 11, 15))
    # When the flags are asked on the bars' last day, then all three bars are named with their end
    [flag] = person_flags(person=person, on=dt.date(2026, 11, 14))
    assert (flag.code, flag.basis) == (FlagCode.DISCIPLINE_BLOCKING, f"{LAW_2025}; {REG_377}")
    assert flag.data == {"blocks": ["planning", "appointment", "grade"], "planning_until": dt.date(2026, 11, 14),
                         "appointment_until": dt.date(2026, 11, 14), "grade_until": dt.date(2026, 11, 14),
                         "forms": ["khien_trach"]}
    assert flag.detail == (
        "Khiển trách (kỷ luật công chức) theo quyết định ngày 15/11/2025: chưa được quy hoạch đến hết ngày "
        "14/11/2026; chưa được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày 14/11/2026; chưa được nâng "
        "ngạch, nâng lương đến hết ngày 14/11/2026.")
    # The day after, none holds; the day before the decision, none yet
    assert person_flags(person=person, on=dt.date(2026, 11, 15)) == []
    assert person_flags(person=person, on=dt.date(2025, 11, 14)) == []


def test_party_reprimand_under_377_blocks_appointment_after_planning_is_free(users, make_person):
    # Given a Party member reprimanded on 15/11/2025: planning 12 months, appointment 24 (Regulation 377)
    person = make_person()
    _discipline(users, person, DisciplineSystem.PARTY, DisciplineForm.REPRIMAND, dt.date(2025, 11, 15))
    # On the planning bar's last day both hold, and promotion in grade is not barred by Party discipline
    [flag] = person_flags(person=person, on=dt.date(2026, 11, 14))
    assert flag.data["blocks"] == ["planning", "appointment"]
    assert flag.detail == (
        "Khiển trách (kỷ luật đảng viên) theo quyết định ngày 15/11/2025: chưa được quy hoạch đến hết ngày "
        "14/11/2026; chưa được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày 14/11/2027.")
    # The day after: planning is free, appointment to a higher post is still barred; the flag says only that
    [flag] = person_flags(person=person, on=dt.date(2026, 11, 15))
    assert flag.data == {"blocks": ["appointment"], "planning_until": None, "appointment_until": dt.date(2027, 11, 14),
                         "grade_until": None, "forms": ["khien_trach"]}
    assert flag.detail == ("Khiển trách (kỷ luật đảng viên) theo quyết định ngày 15/11/2025: chưa được bổ nhiệm, "
                           "giới thiệu ứng cử chức vụ cao hơn đến hết ngày 14/11/2027.")
    assert flag.basis == rulebook_on(dt.date(2026, 11, 15)).party_appointment_bar_months.cite() == REG_377
    assert person_flags(person=person, on=dt.date(2027, 11, 14)) != []
    assert person_flags(person=person, on=dt.date(2027, 11, 15)) == []


def test_before_377_a_reprimand_keeps_blocking_planning_after_its_period_and_not_appointment(users, make_person):
    # Given a civil servant reprimanded on 15/03/2024 (12 months), judged under Regulation 50 (planning does not
    # lapse) on 15/03/2025
    person = make_person()
    _discipline(users, person, DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REPRIMAND, dt.date(2024, 3, 15))
    [flag] = person_flags(person=person, on=dt.date(2025, 3, 15))
    # Then only planning is named, without end, and the basis is the law of that day
    assert flag.data == {"blocks": ["planning"], "planning_until": None, "appointment_until": None,
                         "grade_until": None, "forms": ["khien_trach"]}
    assert flag.detail == "Khiển trách (kỷ luật công chức) theo quyết định ngày 15/03/2024: không được quy hoạch."
    book = rulebook_on(dt.date(2025, 3, 15))
    assert flag.basis == f"{book.state_discipline_bar_months.cite()}; {book.planning_bar_lapses.cite()}"
    assert "Quy định 50-QĐ/TW" in flag.basis
    # On 07/10/2025 still, on 08/10/2025 (Regulation 377: the expired reprimand no longer blocks) no more
    assert person_flags(person=person, on=dt.date(2025, 10, 7)) != []
    assert person_flags(person=person, on=dt.date(2025, 10, 8)) == []


def test_expulsion_flag_never_lapses(users, make_person):
    person = make_person()
    _discipline(users, person, DisciplineSystem.PARTY, DisciplineForm.EXPULSION, dt.date(2020, 1, 10))
    [flag] = person_flags(person=person, on=dt.date(2040, 1, 1))
    assert (flag.code, flag.data) == (FlagCode.DISCIPLINE_BLOCKING, {
        "blocks": ["planning", "appointment", "grade"], "planning_until": None, "appointment_until": None,
        "grade_until": None, "forms": ["khai_tru"]})
    assert flag.detail == ("Khai trừ (kỷ luật đảng viên) theo quyết định ngày 10/01/2020: không được quy hoạch; "
                           "không được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn; không được nâng ngạch, nâng lương.")


def test_two_disciplines_each_name_their_own_bars(users, make_person):
    person = make_person(post="snv_head")  # a leader: cách chức is a form for them
    _discipline(users, person, DisciplineSystem.PARTY, DisciplineForm.WARNING, dt.date(2025, 12, 1))
    _discipline(users, person, DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REMOVAL, dt.date(2025, 12, 20))
    [flag] = person_flags(person=person, on=dt.date(2026, 12, 5))
    assert flag.data == {"blocks": ["planning", "appointment", "grade"], "planning_until": dt.date(2027, 12, 19),
                         "appointment_until": dt.date(2028, 11, 30), "grade_until": dt.date(2027, 12, 19),
                         "forms": ["cach_chuc", "canh_cao"]}
    assert flag.detail == (
        "Cách chức (kỷ luật công chức) theo quyết định ngày 20/12/2025: chưa được quy hoạch đến hết ngày 19/12/2027; "
        "chưa được bổ nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày 19/12/2027; chưa được nâng ngạch, nâng "
        "lương đến hết ngày 19/12/2027. Cảnh cáo (kỷ luật đảng viên) theo quyết định ngày 01/12/2025: chưa được bổ "
        "nhiệm, giới thiệu ứng cử chức vụ cao hơn đến hết ngày 30/11/2028.")
    assert flag.basis == f"{LAW_2025}; {REG_377}"


def test_overdue_deliverables_under_a_responsible_leader(users, make_person, make_deliverable):
    person = make_person()
    overdue = make_deliverable(deadline=dt.date(2021, 9, 30))
    later = make_deliverable(deadline=dt.date(2021, 12, 31))
    done = make_deliverable(deadline=dt.date(2021, 6, 30))
    for d in (overdue, later, done):
        program_services.deliverable_update(actor=users["office"], deliverable=d, expected_version=d.version,
                                            responsible_person=person)
    done.refresh_from_db()
    done.status, done.completed_on = Status.COMPLETED, dt.date(2021, 7, 10)
    done.save()

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
