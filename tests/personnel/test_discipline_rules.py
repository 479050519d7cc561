"""Discipline as law by date (issue 16): which forms each system has on the decision's date, the probationary Party
member, the forms for leaders only, and the three bars (planning, appointment to a higher post, promotion in grade),
each tested at its edges before and after the changes of 01/07/2025 (Decree 172/2025) and 08/10/2025 (Regulation
377-QĐ/TW)."""

import datetime as dt

import pytest

from chidao.personnel import rules
from chidao.personnel.models import DisciplineForm, DisciplineSystem

F, S = DisciplineForm, DisciplineSystem
LONG_AGO = dt.date(2000, 5, 19)  # joined the Party long before: a full member
BEFORE, AFTER = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
LAW_2008 = "Luật Cán bộ, công chức 2008 (sửa đổi bởi Luật 52/2019/QH14)"
LAW_2025 = "Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP"
STATUTE = "Điều lệ Đảng Cộng sản Việt Nam (2011), khoản 2 Điều 35"


def _refusal(system, form, day, *, leader=True, joined=LONG_AGO):
    return rules.discipline_form_refusal(system=system, form=form, decided_on=day, is_leader=leader,
                                         party_joined_on=joined)


def _allowed(system, day, **kw):
    return {f for f in F.values if _refusal(system, f, day, **kw) is None}


# --- forms by system and date ----------------------------------------------------------------------

@pytest.mark.parametrize(("system", "day", "forms"), [
    (S.PARTY, BEFORE, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.EXPULSION}),
    (S.PARTY, AFTER, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.EXPULSION}),
    (S.CADRE, BEFORE, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.RECALL}),
    (S.CADRE, AFTER, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.RECALL}),
    (S.CIVIL_SERVICE, BEFORE, {F.REPRIMAND, F.WARNING, F.DEMOTION, F.DEMOTION_POST, F.REMOVAL, F.DISMISSAL}),
    (S.CIVIL_SERVICE, AFTER, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.DISMISSAL}),
    (S.PUBLIC_EMPLOYEE, BEFORE, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.DISMISSAL}),
    (S.PUBLIC_EMPLOYEE, AFTER, {F.REPRIMAND, F.WARNING, F.REMOVAL, F.DISMISSAL}),
])
def test_the_forms_of_each_system_on_30_06_and_01_07_2025(system, day, forms):
    # Given a leader who is a full Party member, when every form is tried on that day, then exactly these exist
    assert _allowed(system, day) == forms


def test_from_01_07_2025_a_civil_servant_has_no_salary_demotion_and_the_reason_cites_decree_172():
    assert _refusal(S.CIVIL_SERVICE, F.DEMOTION, AFTER) == (
        f"Từ ngày 01/07/2025 ({LAW_2025}) công chức không còn hình thức kỷ luật hạ bậc lương.")
    assert _refusal(S.CIVIL_SERVICE, F.DEMOTION_POST, AFTER) == (
        f"Từ ngày 01/07/2025 ({LAW_2025}) công chức không còn hình thức kỷ luật giáng chức.")
    assert _refusal(S.CIVIL_SERVICE, F.DEMOTION, BEFORE) is None


def test_a_form_a_system_never_had_is_refused_with_its_forms():
    assert _refusal(S.PARTY, F.DEMOTION, BEFORE) == (
        f"Kỷ luật đảng viên không có hình thức hạ bậc lương; các hình thức là: khiển trách, cảnh cáo, cách chức, "
        f"khai trừ ({STATUTE}).")
    assert _refusal(S.PUBLIC_EMPLOYEE, F.RECALL, AFTER) == (
        "Kỷ luật viên chức không có hình thức bãi nhiệm; các hình thức là: khiển trách, cảnh cáo, cách chức, buộc "
        "thôi việc (Luật Viên chức 2010 (sửa đổi bởi Luật 52/2019/QH14), Điều 52).")


# --- the probationary Party member -----------------------------------------------------------------

def test_a_probationary_member_only_gets_reprimand_or_warning_through_the_last_probation_day():
    joined = dt.date(2024, 3, 15)  # probation of 12 months: to 14/03/2025
    last, after = dt.date(2025, 3, 14), dt.date(2025, 3, 15)
    assert rules.party_probation_ends(party_joined_on=joined) == last
    assert _allowed(S.PARTY, last, joined=joined) == {F.REPRIMAND, F.WARNING}
    assert _refusal(S.PARTY, F.REMOVAL, last, joined=joined) == (
        "Ngày 14/03/2025 người này còn là đảng viên dự bị (vào Đảng ngày 15/03/2024, thời kỳ dự bị đến hết ngày "
        f"14/03/2025): đảng viên dự bị chỉ áp dụng hình thức khiển trách, cảnh cáo, không có hình thức cách chức "
        f"({STATUTE}).")
    # The day after, a full member
    assert _allowed(S.PARTY, after, joined=joined) == {F.REPRIMAND, F.WARNING, F.REMOVAL, F.EXPULSION}


def test_a_party_decision_before_joining_is_refused_and_an_unknown_joining_day_counts_as_a_full_member():
    assert _refusal(S.PARTY, F.REPRIMAND, dt.date(2024, 3, 14), joined=dt.date(2024, 3, 15)) == (
        "Ngày quyết định 14/03/2024 trước ngày vào Đảng (15/03/2024): chưa là đảng viên nên không thể kỷ luật đảng "
        "viên.")
    assert _refusal(S.PARTY, F.EXPULSION, BEFORE, joined=None) is None


# --- forms for leaders only ------------------------------------------------------------------------

def test_forms_for_leaders_are_refused_to_someone_without_a_leading_post():
    assert _allowed(S.CIVIL_SERVICE, BEFORE, leader=False) == {F.REPRIMAND, F.WARNING, F.DEMOTION, F.DISMISSAL}
    assert _allowed(S.CIVIL_SERVICE, AFTER, leader=False) == {F.REPRIMAND, F.WARNING, F.DISMISSAL}
    assert _allowed(S.PUBLIC_EMPLOYEE, AFTER, leader=False) == {F.REPRIMAND, F.WARNING, F.DISMISSAL}
    assert _refusal(S.CIVIL_SERVICE, F.DEMOTION_POST, BEFORE, leader=False) == (
        f"Hình thức giáng chức chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý ({LAW_2008}, khoản 1 Điều "
        "79); ngày 30/06/2025 người này không giữ chức vụ lãnh đạo, quản lý.")
    assert _refusal(S.CIVIL_SERVICE, F.REMOVAL, AFTER, leader=False) == (
        f"Hình thức cách chức chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý ({LAW_2025}); ngày 01/07/2025 "
        "người này không giữ chức vụ lãnh đạo, quản lý.")


def test_held_leading_post_reads_the_history_of_the_day_then_the_current_post():
    history = [(dt.date(2015, 1, 1), dt.date(2025, 6, 30), True), (dt.date(2025, 7, 1), None, False)]
    assert rules.held_leading_post(stretches=history, on=dt.date(2025, 6, 30)) is True
    assert rules.held_leading_post(stretches=history, on=dt.date(2025, 7, 1)) is False
    # Before the history begins: the current post answers
    assert rules.held_leading_post(stretches=history, on=dt.date(2010, 1, 1)) is False
    assert rules.held_leading_post(stretches=[(dt.date(2020, 1, 1), None, True)], on=dt.date(2010, 1, 1)) is True
    assert rules.held_leading_post(stretches=[], on=dt.date(2010, 1, 1)) is False


# --- the three bars ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("system", "form", "last"), [
    (S.CIVIL_SERVICE, F.REPRIMAND, dt.date(2026, 6, 29)),
    (S.CIVIL_SERVICE, F.WARNING, dt.date(2026, 6, 29)),
    (S.CIVIL_SERVICE, F.DEMOTION, dt.date(2026, 6, 29)),       # 12 months, not 18
    (S.CIVIL_SERVICE, F.DEMOTION_POST, dt.date(2027, 6, 29)),
    (S.CIVIL_SERVICE, F.REMOVAL, dt.date(2027, 6, 29)),
    (S.PUBLIC_EMPLOYEE, F.REPRIMAND, dt.date(2026, 6, 29)),
    (S.CADRE, F.RECALL, dt.date(2027, 6, 29)),
])
def test_state_discipline_bars_12_or_24_months_for_all_three_questions(system, form, last):
    # A decision of 30/06/2025 keeps the effect the law gave it that day (hạ bậc lương included)
    assert rules.discipline_bars(system=system, form=form, decided_on=BEFORE) == rules.DisciplineBars(
        planning=last, appointment=last, grade=last)


@pytest.mark.parametrize(("form", "planning", "appointment"), [
    (F.REPRIMAND, dt.date(2026, 10, 6), dt.date(2026, 10, 6)),
    (F.WARNING, dt.date(2026, 10, 6), dt.date(2026, 10, 6)),
    (F.REMOVAL, dt.date(2027, 10, 6), dt.date(2027, 10, 6)),
])
def test_party_bars_before_regulation_377(form, planning, appointment):
    # Decided 07/10/2025 (Regulations 50 and 80): planning and appointment 12, 12, 24 months; no grade bar
    assert rules.discipline_bars(system=S.PARTY, form=form, decided_on=dt.date(2025, 10, 7)) == rules.DisciplineBars(
        planning=planning, appointment=appointment, grade=None)


@pytest.mark.parametrize(("form", "planning", "appointment"), [
    (F.REPRIMAND, dt.date(2026, 10, 7), dt.date(2027, 10, 7)),   # 12 and 24 months
    (F.WARNING, dt.date(2026, 10, 7), dt.date(2028, 10, 7)),     # 12 and 36
    (F.REMOVAL, dt.date(2027, 10, 7), dt.date(2030, 10, 7)),     # 24 and 60
])
def test_party_bars_under_regulation_377(form, planning, appointment):
    # Decided 08/10/2025, the day Regulation 377 took effect
    assert rules.discipline_bars(system=S.PARTY, form=form, decided_on=dt.date(2025, 10, 8)) == rules.DisciplineBars(
        planning=planning, appointment=appointment, grade=None)


def test_an_expired_planning_bar_lapses_from_08_10_2025_only():
    # A reprimand whose planning bar ended on 14/03/2025
    until = dt.date(2025, 3, 14)
    assert rules.discipline_blocks_planning(form=F.REPRIMAND, planning_until=until, on=dt.date(2025, 10, 7)) is True
    assert rules.discipline_blocks_planning(form=F.REPRIMAND, planning_until=until, on=dt.date(2025, 10, 8)) is False
    # The appointment and grade questions have no such rule: they end with their own bars
    assert rules.discipline_blocks_appointment(form=F.REPRIMAND, appointment_until=until, on=dt.date(2025, 3, 14))
    assert not rules.discipline_blocks_appointment(form=F.REPRIMAND, appointment_until=until, on=dt.date(2025, 3, 15))
    assert rules.discipline_blocks_grade(form=F.REPRIMAND, grade_until=until, on=dt.date(2025, 3, 14))
    assert not rules.discipline_blocks_grade(form=F.REPRIMAND, grade_until=until, on=dt.date(2025, 3, 15))


def test_appointment_still_barred_when_planning_is_free():
    bars = rules.discipline_bars(system=S.PARTY, form=F.REPRIMAND, decided_on=dt.date(2025, 11, 15))
    on = dt.date(2026, 11, 15)
    assert not rules.discipline_blocks_planning(form=F.REPRIMAND, planning_until=bars.planning, on=on)
    assert rules.discipline_blocks_appointment(form=F.REPRIMAND, appointment_until=bars.appointment, on=on)
    assert not rules.discipline_blocks_grade(form=F.REPRIMAND, grade_until=bars.grade, on=on)


@pytest.mark.parametrize(("system", "form"), [(S.PARTY, F.EXPULSION), (S.CIVIL_SERVICE, F.DISMISSAL),
                                              (S.PUBLIC_EMPLOYEE, F.DISMISSAL)])
def test_forms_that_end_the_service_bar_everything_for_good(system, form):
    bars = rules.discipline_bars(system=system, form=form, decided_on=dt.date(2000, 1, 1))
    assert bars == rules.DisciplineBars(None, None, None)
    far = dt.date(2099, 12, 31)
    assert rules.discipline_blocks_planning(form=form, planning_until=None, on=far)
    assert rules.discipline_blocks_appointment(form=form, appointment_until=None, on=far)
    assert rules.discipline_blocks_grade(form=form, grade_until=None, on=far)


def test_under_regulation_50_a_discipline_keeps_someone_out_of_planning_for_one_term_not_for_ever():
    # Given a reprimand of 15/03/2019 (12 months), judged under Regulation 50
    end = rules.planning_bar_end(form="khien_trach", planning_until=dt.date(2020, 3, 14),
                                 decided_on=dt.date(2019, 3, 15), on=dt.date(2024, 3, 14))
    # Then the bar lasts one term from the decision: 14/03/2024 still, 15/03/2024 no more
    assert end == dt.date(2024, 3, 14)
    assert rules.discipline_blocks_planning(form="khien_trach", planning_until=dt.date(2020, 3, 14),
                                            decided_on=dt.date(2019, 3, 15), on=dt.date(2024, 3, 14))
    assert not rules.discipline_blocks_planning(form="khien_trach", planning_until=dt.date(2020, 3, 14),
                                                decided_on=dt.date(2019, 3, 15), on=dt.date(2024, 3, 15))
    # and under Regulation 377 only the bar itself counts
    assert rules.planning_bar_end(form="khien_trach", planning_until=dt.date(2026, 3, 14),
                                  decided_on=dt.date(2025, 3, 15), on=dt.date(2025, 10, 8)) == dt.date(2026, 3, 14)
    # khai trừ never lapses
    assert rules.planning_bar_end(form="khai_tru", planning_until=None, decided_on=dt.date(2019, 3, 15),
                                  on=dt.date(2030, 1, 1)) is None


def test_a_party_appointment_bar_is_that_of_the_regulation_in_force_on_the_day_asked():
    # Given a Party reprimand of 01/09/2025 (Regulation 80: 12 months; Regulation 377 from 08/10/2025: 24 months)
    def end(on: dt.date) -> dt.date | None:
        return rules.appointment_bar_end(form="khien_trach", appointment_until=dt.date(2026, 8, 31),
                                         decided_on=dt.date(2025, 9, 1), on=on, system="party")

    # When asked on 07/10/2025 Regulation 80 answers; from 08/10/2025 Regulation 377 does
    assert end(dt.date(2025, 10, 7)) == dt.date(2026, 8, 31)
    assert end(dt.date(2025, 10, 8)) == dt.date(2027, 8, 31)
    assert rules.discipline_blocks_appointment(form="khien_trach", appointment_until=dt.date(2026, 8, 31),
                                               decided_on=dt.date(2025, 9, 1), on=dt.date(2027, 8, 31), system="party")
    assert not rules.discipline_blocks_appointment(form="khien_trach", appointment_until=dt.date(2026, 8, 31),
                                                   decided_on=dt.date(2025, 9, 1), on=dt.date(2027, 9, 1),
                                                   system="party")
    # and a state bar keeps the period the law gave the decision
    assert rules.appointment_bar_end(form="khien_trach", appointment_until=dt.date(2026, 8, 31),
                                     decided_on=dt.date(2025, 9, 1), on=dt.date(2026, 1, 1),
                                     system="civil_service") == dt.date(2026, 8, 31)


def test_a_public_employee_bar_cites_the_law_on_public_employees():
    from chidao.personnel.rulebook import rulebook_on

    book = rulebook_on(dt.date(2026, 1, 1))
    assert rules.state_bar_provision(book, "public_employee").cite() == (
        "Luật Viên chức 2010 (sửa đổi bởi Luật 52/2019/QH14), Điều 56")
    assert rules.discipline_bars(system="public_employee", form="canh_cao", decided_on=dt.date(2026, 1, 1)) == (
        rules.DisciplineBars(dt.date(2026, 12, 31), dt.date(2026, 12, 31), dt.date(2026, 12, 31)))


def test_a_state_system_must_match_the_recorded_kind_of_service():
    # Given a person recorded as công chức, When a cán bộ discipline is decided, Then it is refused with the reason
    assert rules.discipline_form_refusal(system="cadre", form="khien_trach", decided_on=dt.date(2026, 1, 5),
                                         is_leader=False, party_joined_on=None, service_kind="civil_servant") == (
        "Hồ sơ ghi người này là công chức: áp dụng kỷ luật công chức, không áp dụng kỷ luật cán bộ.")
    # the right system, a Party discipline, or a kind not recorded pass
    for system, kind in (("civil_service", "civil_servant"), ("party", "civil_servant"), ("cadre", "")):
        assert rules.discipline_form_refusal(system=system, form="khien_trach", decided_on=dt.date(2026, 1, 5),
                                             is_leader=False, party_joined_on=None, service_kind=kind) is None
