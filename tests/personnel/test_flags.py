"""Warning flags: two consecutive "không hoàn thành nhiệm vụ", blocking discipline, falling rating,
overdue deliverables under a responsible leader."""

import datetime as dt

import pytest

from chidao.personnel import services
from chidao.personnel.flags import (
    BASIS_SIGNS,
    FlagCode,
    people_flagged,
    person_flags,
)
from chidao.personnel.models import DisciplineForm, DisciplineSystem, Person, RatingLevel, ServiceKind
from chidao.personnel.rulebook import rulebook_on
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
    assert flag.basis == rulebook_on(dt.date(2024, 3, 1)).not_completed_consecutive_years.cite()
    assert flag.basis.startswith("Luật Cán bộ, công chức 2008 (sửa đổi bởi Luật 52/2019/QH14), Điều 29 và Điều 58")
    assert flag.severity == "high"
    assert flag.data == {"years": (2022, 2023)}
    # the record does not say whether they are a cán bộ, công chức or viên chức: every consequence is named
    assert flag.detail == ("Xếp loại “không hoàn thành nhiệm vụ” các năm 2022 và 2023: xem xét miễn nhiệm hoặc cho "
                           "thôi làm nhiệm vụ (đối với cán bộ), cho thôi việc (đối với công chức) hoặc chấm dứt hợp "
                           "đồng làm việc (đối với viên chức); hồ sơ chưa ghi là cán bộ, công chức hay viên chức.")


@pytest.mark.parametrize(("kind", "then"), [
    (ServiceKind.CADRE, "xem xét miễn nhiệm hoặc cho thôi làm nhiệm vụ (người này là cán bộ)."),
    (ServiceKind.CIVIL_SERVANT, "xem xét cho thôi việc (người này là công chức)."),
    (ServiceKind.PUBLIC_EMPLOYEE, "xem xét chấm dứt hợp đồng làm việc (người này là viên chức)."),
])
def test_two_consecutive_years_name_the_consequence_for_the_kind_of_service(users, make_person, kind, then):
    person = make_person(service_kind=kind)
    _rate(users, person, {2022: NC, 2023: NC})
    [flag] = person_flags(person=person, on=dt.date(2024, 3, 1))
    assert (flag.code, flag.detail) == (FlagCode.NOT_COMPLETED_TWICE,
                                        f"Xếp loại “không hoàn thành nhiệm vụ” các năm 2022 và 2023: {then}")


def test_not_consecutive_years_do_not_raise_the_consecutive_flag(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: GOOD, 2023: NC})
    assert [f.code for f in person_flags(person=person, on=dt.date(2024, 3, 1))] == [
        FlagCode.NOT_COMPLETED_TWICE_WITHIN, FlagCode.RATING_DROPPED]


# --- two non-consecutive years (Decree 90/2020 as amended by Decree 48/2023) ------------------------------------

DECREE_90 = "Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định 48/2023/NĐ-CP)"


def _twice(person, on):
    return [f for f in person_flags(person=person, on=on) if f.code == FlagCode.NOT_COMPLETED_TWICE_WITHIN]


def test_without_a_leading_post_two_years_within_three_raise_the_flag(users, make_person):
    # given a civil servant in a staff post rated "không hoàn thành nhiệm vụ" in 2021 and 2023
    person = make_person(service_kind=ServiceKind.CIVIL_SERVANT)
    _rate(users, person, {2021: NC, 2022: DONE, 2023: NC})
    # then on 01/03/2024 they are to be moved to a post with lower requirements
    [flag] = _twice(person, dt.date(2024, 3, 1))
    assert (flag.label, flag.basis, flag.severity) == (
        "Hai năm không liên tiếp không hoàn thành nhiệm vụ", DECREE_90, "high")
    assert flag.data == {"years": (2021, 2023), "leading_since": None, "service_kind": ServiceKind.CIVIL_SERVANT}
    assert flag.detail == ("Xếp loại “không hoàn thành nhiệm vụ” các năm 2021 và 2023 (hai năm không liên tiếp trong 3 "
                           "năm), không giữ chức vụ lãnh đạo: xem xét bố trí công tác khác có yêu cầu thấp hơn (người "
                           "này là công chức).")


def test_without_a_leading_post_two_years_four_years_apart_do_not(users, make_person):
    person = make_person(service_kind=ServiceKind.PUBLIC_EMPLOYEE)
    _rate(users, person, {2021: NC, 2022: DONE, 2023: DONE, 2024: NC})
    assert _twice(person, dt.date(2025, 3, 1)) == []


def test_the_kind_not_recorded_is_said(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: DONE, 2023: NC})
    [flag] = _twice(person, dt.date(2024, 3, 1))
    assert flag.detail.endswith("không giữ chức vụ lãnh đạo: xem xét bố trí công tác khác có yêu cầu thấp hơn; hồ sơ "
                                "chưa ghi là cán bộ, công chức hay viên chức.")


def test_a_later_better_year_means_the_pair_was_dealt_with(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: DONE, 2023: NC, 2024: GOOD})
    assert _twice(person, dt.date(2025, 3, 1)) == []
    assert _twice(person, dt.date(2023, 12, 31)) != []   # on that day 2024 was not rated yet


def test_a_leader_twice_within_the_appointment_term_is_moved_or_not_reappointed(users, make_person):
    # given a head of division appointed on 01/01/2019 (term to 31/12/2023), rated badly in 2021 and 2023
    person = make_person(post="snv_head", since=dt.date(2019, 1, 1), service_kind=ServiceKind.CIVIL_SERVANT)
    _rate(users, person, {2021: NC, 2022: GOOD, 2023: NC})
    [flag] = _twice(person, dt.date(2024, 2, 1))
    assert flag.basis == f"{DECREE_90}; Quy định 80-QĐ/TW ngày 18/8/2022 về phân cấp quản lý cán bộ và bổ nhiệm, " \
                         "giới thiệu cán bộ ứng cử; Nghị định 138/2020/NĐ-CP"
    assert flag.data == {"years": (2021, 2023), "leading_since": dt.date(2019, 1, 1),
                         "service_kind": ServiceKind.CIVIL_SERVANT}
    assert flag.detail == ("Xếp loại “không hoàn thành nhiệm vụ” các năm 2021 và 2023 (hai năm không liên tiếp trong "
                           "một thời hạn giữ chức vụ lãnh đạo, tính từ ngày bổ nhiệm 01/01/2019): xem xét bố trí công "
                           "tác khác hoặc không bổ nhiệm lại (người này là công chức).")
    # from 08/10/2025 the term's source is Regulation 377-QĐ/TW
    assert _twice(person, dt.date(2025, 10, 8))[0].basis.endswith("Quy định 377-QĐ/TW ngày 08/10/2025 về phân cấp "
                                                                 "quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu "
                                                                 "ứng cử")


def test_a_leader_is_not_held_to_three_years_but_to_the_term(users, make_person):
    # 2019 and 2022 are four years apart: not within 3 years, but within the term 01/01/2019 - 31/12/2023
    person = make_person(post="snv_head", since=dt.date(2019, 1, 1))
    _rate(users, person, {2019: NC, 2020: GOOD, 2021: GOOD, 2022: NC})
    [flag] = _twice(person, dt.date(2023, 2, 1))
    assert flag.data["years"] == (2019, 2022)


def test_a_leader_two_years_in_two_terms_do_not_raise_it(users, make_person):
    # 2023 ends the first term (01/01/2019 - 31/12/2023); 2025 is in the second
    person = make_person(post="snv_head", since=dt.date(2019, 1, 1))
    _rate(users, person, {2023: NC, 2024: GOOD, 2025: NC})
    assert _twice(person, dt.date(2026, 2, 1)) == []
    # a year rated before the appointment does not count either
    other = make_person(name="Trần Văn Bình", post="snv_head", since=dt.date(2022, 1, 1))
    _rate(users, other, {2020: NC, 2021: GOOD, 2022: NC})
    assert _twice(other, dt.date(2023, 2, 1)) == []


def test_a_reappointment_to_the_same_post_continues_the_term(users, posts, make_person):
    # appointed 01/07/2018 and reappointed 01/07/2023: the term 01/07/2018 - 30/06/2023 holds 2021 and 2023
    person = make_person(post="snv_head", since=dt.date(2018, 7, 1))
    services.assignment_add(actor=users["admin"], person=person, position=posts["snv_head"], kind="appointment",
                            start=dt.date(2023, 7, 1))
    _rate(users, person, {2021: NC, 2022: GOOD, 2023: NC})
    [flag] = _twice(person, dt.date(2024, 2, 1))
    assert flag.data["leading_since"] == dt.date(2018, 7, 1)


def test_the_record_page_reads_the_leading_post_from_the_assignments_it_shows(users, make_person):
    from chidao.personnel import selectors

    person = make_person(post="snv_head", since=dt.date(2019, 1, 1))
    _rate(users, person, {2021: NC, 2022: GOOD, 2023: NC})
    record = selectors.person_record(user=users["admin"], person=person, on=dt.date(2024, 2, 1))
    assert [(f.code, f.data.get("leading_since")) for f in record.flags] == [
        (FlagCode.NOT_COMPLETED_TWICE_WITHIN, dt.date(2019, 1, 1)), (FlagCode.RATING_DROPPED, None)]


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
    # Given a civil servant reprimanded on 15/03/2024 (12 months), judged under Regulation 50 (out of planning for
    # the term, read as 60 months from the decision) on 15/03/2025
    person = make_person()
    _discipline(users, person, DisciplineSystem.CIVIL_SERVICE, DisciplineForm.REPRIMAND, dt.date(2024, 3, 15))
    [flag] = person_flags(person=person, on=dt.date(2025, 3, 15))
    # Then only planning is named, to the end of the term, and the basis is the law of that day
    assert flag.data == {"blocks": ["planning"], "planning_until": dt.date(2029, 3, 14), "appointment_until": None,
                         "grade_until": None, "forms": ["khien_trach"]}
    assert flag.detail == ("Khiển trách (kỷ luật công chức) theo quyết định ngày 15/03/2024: chưa được quy hoạch đến "
                           "hết ngày 14/03/2029.")
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


def test_people_flagged_reads_the_leading_posts_only_when_two_years_are_not_consecutive(
        users, make_person, django_assert_num_queries):
    staff, head = make_person(name="Người số 1"), make_person(name="Người số 2", post="snv_head",
                                                              since=dt.date(2019, 1, 1))
    for p in (staff, head):
        _rate(users, p, {2021: NC, 2022: DONE, 2023: NC})
    with django_assert_num_queries(5):
        result = people_flagged(people_qs=Person.objects.all(), on=dt.date(2024, 1, 15))
    assert {pid: [(f.code, f.data.get("leading_since")) for f in fl if f.code == FlagCode.NOT_COMPLETED_TWICE_WITHIN]
            for pid, fl in result.items()} == {
        staff.pk: [(FlagCode.NOT_COMPLETED_TWICE_WITHIN, None)],
        head.pk: [(FlagCode.NOT_COMPLETED_TWICE_WITHIN, dt.date(2019, 1, 1))]}


def test_an_old_run_followed_by_a_better_rating_no_longer_raises_the_flag(users, make_person):
    person = make_person()
    _rate(users, person, {2021: NC, 2022: NC, 2023: GOOD})
    assert person_flags(person=person, on=dt.date(2024, 3, 1)) == []
