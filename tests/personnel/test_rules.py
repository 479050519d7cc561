"""Legal rules as pure functions: retirement dates against Decree 135/2020 Appendix I, discipline
periods, ratings, service left, young cadres."""

import datetime as dt

import pytest

from chidao.personnel import rules
from chidao.personnel.models import DisciplineForm, Gender, RatingLevel

NC, DONE, GOOD, EXC = (RatingLevel.NOT_COMPLETED, RatingLevel.COMPLETED, RatingLevel.GOOD, RatingLevel.EXCELLENT)

# Decree 135/2020/NĐ-CP Appendix I: born in (year, month) -> pension from (the 1st of the month after
# reaching the age).
APPENDIX_I = [
    (Gender.MALE, 1961, 1, dt.date(2021, 5, 1)),     # 60y3m
    (Gender.MALE, 1961, 9, dt.date(2022, 1, 1)),
    (Gender.MALE, 1961, 10, dt.date(2022, 5, 1)),    # 60y6m
    (Gender.MALE, 1962, 6, dt.date(2023, 1, 1)),
    (Gender.MALE, 1962, 7, dt.date(2023, 5, 1)),     # 60y9m
    (Gender.MALE, 1966, 1, dt.date(2027, 11, 1)),
    (Gender.MALE, 1966, 4, dt.date(2028, 5, 1)),     # 62y
    (Gender.MALE, 1960, 9, dt.date(2020, 10, 1)),    # old rule: 60
    (Gender.FEMALE, 1966, 1, dt.date(2021, 6, 1)),   # 55y4m
    (Gender.FEMALE, 1966, 8, dt.date(2022, 1, 1)),
    (Gender.FEMALE, 1966, 9, dt.date(2022, 6, 1)),   # 55y8m
    (Gender.FEMALE, 1975, 5, dt.date(2035, 6, 1)),   # 60y
    (Gender.FEMALE, 1980, 1, dt.date(2040, 2, 1)),
]


@pytest.mark.parametrize("day", [1, 15, 28])
@pytest.mark.parametrize(("gender", "year", "month", "expected"), APPENDIX_I)
def test_retirement_date_matches_decree_135_appendix_i(gender, year, month, expected, day):
    # Given someone born in that month (any day), when the retirement date is computed,
    # then the pension starts on the date the Appendix gives.
    assert rules.retirement_date(birth_date=dt.date(year, month, day), gender=gender) == expected


# --- discipline -----------------------------------------------------------------------------------

def test_reprimand_blocks_on_its_last_day_but_not_the_day_after():
    until = rules.discipline_blocks_until(form=DisciplineForm.REPRIMAND, decided_on=dt.date(2025, 11, 15))
    assert until == dt.date(2026, 11, 14)
    assert rules.discipline_is_blocking(form=DisciplineForm.REPRIMAND, blocks_until=until, on=dt.date(2026, 11, 14))
    assert not rules.discipline_is_blocking(form=DisciplineForm.REPRIMAND, blocks_until=until,
                                            on=dt.date(2026, 11, 15))


def test_warning_that_expired_yesterday_no_longer_blocks():
    on = dt.date(2026, 6, 1)
    assert not rules.discipline_is_blocking(form=DisciplineForm.WARNING, blocks_until=on - dt.timedelta(days=1), on=on)
    assert rules.discipline_is_blocking(form=DisciplineForm.WARNING, blocks_until=on, on=on)


@pytest.mark.parametrize("form", [DisciplineForm.EXPULSION, DisciplineForm.DISMISSAL])
def test_expulsion_and_dismissal_block_forever(form):
    until = rules.discipline_blocks_until(form=form, decided_on=dt.date(2000, 1, 1))
    assert until is None
    assert rules.discipline_is_blocking(form=form, blocks_until=until, on=dt.date(2099, 12, 31))


# --- ratings --------------------------------------------------------------------------------------

def test_two_consecutive_not_completed_years():
    assert rules.two_consecutive_not_completed({2021: GOOD, 2022: NC, 2023: NC}) == (2022, 2023)


def test_not_completed_years_that_are_not_consecutive_do_not_count():
    assert rules.two_consecutive_not_completed({2021: NC, 2022: GOOD, 2023: NC}) is None
    assert rules.two_consecutive_not_completed({2021: NC, 2023: NC}) is None


def test_the_latest_consecutive_run_is_returned():
    assert rules.two_consecutive_not_completed({2018: NC, 2019: NC, 2020: GOOD, 2022: NC, 2023: NC, 2024: NC}) == (
        2023, 2024)


def test_rating_dropped_versus_the_previous_year():
    ratings = {2022: EXC, 2023: GOOD, 2024: GOOD, 2025: EXC}
    assert rules.rating_dropped(ratings, 2023) is True
    assert rules.rating_dropped(ratings, 2024) is False   # same level
    assert rules.rating_dropped(ratings, 2025) is False   # rose
    assert rules.rating_dropped(ratings, 2022) is False   # no previous year
    assert rules.rating_dropped({2021: GOOD, 2023: NC}, 2023) is False  # 2022 not rated


# --- service left, young --------------------------------------------------------------------------

def test_months_of_service_left_and_full_term():
    retirement = dt.date(2037, 6, 1)
    assert rules.months_of_service_left(retirement_date=retirement, on=dt.date(2032, 6, 1)) == 60
    assert rules.months_of_service_left(retirement_date=retirement, on=dt.date(2032, 6, 2)) == 59
    assert rules.can_serve_full_term(retirement_date=retirement, on=dt.date(2032, 6, 1)) is True
    assert rules.can_serve_full_term(retirement_date=retirement, on=dt.date(2032, 6, 2)) is False


@pytest.mark.parametrize("on", [dt.date(2025, 1, 1), dt.date(2026, 1, 1)])   # Regulation 50, then 377
def test_young_means_under_40_in_a_province_and_under_45_at_central_level(on):
    day_before_40 = dt.date(on.year - 40, 1, 2)    # 39 years and 364 days on `on`
    fortieth = dt.date(on.year - 40, 1, 1)         # 40 today: not "under 40"
    assert rules.is_young(birth_date=day_before_40, on=on, level="province") is True
    assert rules.is_young(birth_date=fortieth, on=on, level="province") is False
    assert rules.is_young(birth_date=fortieth, on=on, level="commune") is False
    assert rules.is_young(birth_date=fortieth, on=on, level="central") is True
    assert rules.is_young(birth_date=dt.date(on.year - 45, 1, 2), on=on, level="central") is True
    assert rules.is_young(birth_date=dt.date(on.year - 45, 1, 1), on=on, level="central") is False


# --- several years of ratings ------------------------------------------------------------------------------

def test_two_non_consecutive_years_within_three_for_a_person_without_a_leading_post():
    assert rules.not_completed_twice_within({2021: NC, 2022: GOOD, 2023: NC}) == (2021, 2023)
    assert rules.not_completed_twice_within({2021: NC, 2023: NC}) == (2021, 2023)          # 2022 not rated
    assert rules.not_completed_twice_within({2021: NC, 2022: DONE, 2023: DONE, 2024: NC}) is None   # 4 years
    assert rules.not_completed_twice_within({2022: NC, 2023: NC}) is None        # consecutive: the other rule
    assert rules.not_completed_twice_within({2023: NC}) is None
    assert rules.not_completed_twice_within({2021: NC, 2024: NC}, within=4) == (2021, 2024)   # a local override


def test_two_non_consecutive_years_within_one_appointment_term_for_a_leader():
    start = dt.date(2019, 1, 1)   # the term runs to 31/12/2023, the next from 01/01/2024
    assert rules.not_completed_twice_in_term({2019: NC, 2023: NC}, term_start=start) == (2019, 2023)
    assert rules.not_completed_twice_in_term({2022: NC, 2024: NC}, term_start=start) is None   # two terms
    assert rules.not_completed_twice_in_term({2024: NC, 2026: NC}, term_start=start) == (2024, 2026)  # 2nd term
    assert rules.not_completed_twice_in_term({2018: NC, 2020: NC}, term_start=start) is None   # before appointment
    assert rules.not_completed_twice_in_term({2020: NC, 2021: NC}, term_start=start) is None   # consecutive
    # a term starting mid-year holds the years it overlaps: 01/07/2019 - 30/06/2024
    assert rules.not_completed_twice_in_term({2019: NC, 2024: NC}, term_start=dt.date(2019, 7, 1)) == (2019, 2024)
    assert rules.not_completed_twice_in_term({2019: NC, 2025: NC}, term_start=dt.date(2019, 7, 1)) is None


def test_planning_review_removes_after_one_year_from_08_10_2025_and_two_before():
    one_bad = {2023: GOOD, 2024: NC}
    two_bad = {2023: NC, 2024: NC}
    assert rules.planning_removal_not_completed(one_bad, on=dt.date(2025, 10, 7)) is None   # Regulation 50
    assert rules.planning_removal_not_completed(two_bad, on=dt.date(2025, 10, 7)) == (2023, 2024)
    assert rules.planning_removal_not_completed(one_bad, on=dt.date(2025, 10, 8)) == (2024,)   # Regulation 377
    assert rules.planning_removal_not_completed(two_bad, on=dt.date(2025, 10, 8)) == (2024,)
    # the year reviewed is the latest rated up to the day's year: a better year after it ends the ground
    assert rules.planning_removal_not_completed({2024: NC, 2025: GOOD}, on=dt.date(2025, 12, 1)) is None
    assert rules.planning_removal_not_completed({2024: NC, 2025: GOOD}, on=dt.date(2024, 12, 1)) is None  # Reg 50
    assert rules.planning_removal_not_completed({}, on=dt.date(2025, 12, 1)) is None
    # a bad year older than the year before the review was reviewed at its own review: not proposed again
    assert rules.planning_removal_not_completed({2024: NC}, on=dt.date(2025, 12, 31)) == (2024,)
    assert rules.planning_removal_not_completed({2024: NC}, on=dt.date(2026, 1, 1)) is None
