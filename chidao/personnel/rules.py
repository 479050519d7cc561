"""Legal rules on cadres as named functions (law as code). Numbers live in settings.CHIDAO_RULES.

Each function is pure: it takes dates and values and returns an answer, so it is tested edge by edge
without a database.
"""

import calendar
import datetime as dt

from django.conf import settings

from .models import RATING_ORDER, DisciplineForm, Gender, RatingLevel

# Forms that end the service: they never lapse.
PERMANENT_DISCIPLINE_FORMS = frozenset({DisciplineForm.EXPULSION, DisciplineForm.DISMISSAL})


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retirement_age_months(*, gender: str, year: int) -> int:
    """Retirement age in normal working conditions for someone reaching it in `year`, in months.

    Labour Code 2019 Art. 169(2); Decree 135/2020/NĐ-CP Art. 4: from 2021 the age rises by 3 months
    a year for men until 62 (2028) and by 4 months a year for women until 60 (2035); before 2021 it was
    60 for men and 55 for women.
    """
    r = settings.CHIDAO_RULES
    steps = max(0, year - r["retirement_base_year"])
    if gender == Gender.MALE:
        return min(r["retirement_male_base_months"] + steps * r["retirement_male_step_months"],
                   r["retirement_male_max_months"])
    return min(r["retirement_female_base_months"] + steps * r["retirement_female_step_months"],
               r["retirement_female_max_months"])


def retirement_date(*, birth_date: dt.date, gender: str) -> dt.date:
    """The first day of the month after the person reaches retirement age (when the pension starts).

    Decree 135/2020/NĐ-CP Art. 4-5 and Appendix I: the age to reach depends on the year it is reached,
    so the month is found by stepping until the age for that year is met; the retirement point is the
    end of the last day of that month, and the pension runs from the first day of the next month. A
    birth date recorded as the 1st is treated as the month alone (records often lack the day).
    """
    age = retirement_age_months(gender=gender, year=birth_date.year)
    while True:
        reached = add_months(birth_date, age)
        required = retirement_age_months(gender=gender, year=reached.year)
        if required <= age:
            break
        age = required
    return add_months(dt.date(reached.year, reached.month, 1), 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (negative when `end` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def discipline_blocks_until(*, form: str, decided_on: dt.date) -> dt.date | None:
    """The last day a discipline blocks planning and appointment to a higher post.

    Regulation 22-QĐ/TW and Decree 172/2025/NĐ-CP; under the old rules khiển trách and cảnh cáo
    blocked for 12 months. Months per form are in CHIDAO_DISCIPLINE_BLOCK_MONTHS; a form
    that ends the service (khai trừ, buộc thôi việc) has no period (None: it never lapses).
    """
    months = settings.CHIDAO_DISCIPLINE_BLOCK_MONTHS.get(form, 0)
    if form in PERMANENT_DISCIPLINE_FORMS or not months:
        return None
    return add_months(decided_on, months) - dt.timedelta(days=1)


def discipline_is_blocking(*, form: str, blocks_until: dt.date | None, on: dt.date) -> bool:
    """Whether a discipline still blocks planning and appointment to a higher post on `on`.

    Regulation 377-QĐ/TW (2025) on cadre planning and Decree 172/2025/NĐ-CP: khai trừ and buộc thôi
    việc end the service and never lapse; any other form blocks through `blocks_until` inclusive, and
    once that day has passed an expired khiển trách or cảnh cáo no longer blocks (unlike the old
    Regulation 50-QĐ/TW). A non-permanent form without a period (none configured) does not block.
    The caller only passes disciplines decided on or before `on`.
    """
    if form in PERMANENT_DISCIPLINE_FORMS:
        return True
    return blocks_until is not None and on <= blocks_until


def two_consecutive_not_completed(ratings: dict[int, str]) -> tuple[int, int] | None:
    """The latest run of consecutive years rated "không hoàn thành nhiệm vụ", as (first, last) year.

    Decree 90/2020/NĐ-CP Art. 29 (as amended by Decree 48/2023/NĐ-CP) and the Law on Cadres and Civil
    Servants: two consecutive years "không hoàn thành nhiệm vụ" lead to removal from post (cadre) or
    dismissal (civil servant). The years must follow each other (2021 and 2023 are not consecutive).
    How many years is CHIDAO_RULES["not_completed_consecutive_years"]. None when there is no such run.
    """
    need = settings.CHIDAO_RULES["not_completed_consecutive_years"]
    years = sorted(y for y, level in ratings.items() if level == RatingLevel.NOT_COMPLETED)
    found: tuple[int, int] | None = None
    run_start = None
    for i, year in enumerate(years):
        if i == 0 or year != years[i - 1] + 1:
            run_start = year
        if run_start is not None and year - run_start + 1 >= need:
            found = (year - need + 1, year)
    return found


def rating_dropped(ratings: dict[int, str], year: int) -> bool:
    """Whether the rating of `year` is lower than that of the year before (a sign of not completing duties).

    Conclusion of the 2021 review of Program 01-CTr/TU ("kịp thời luân chuyển khi có biểu hiện không
    hoàn thành nhiệm vụ") read with Decree 90/2020/NĐ-CP (as amended by Decree 48/2023/NĐ-CP), whose four
    levels are ordered by RATING_ORDER. False when either year is not rated.
    """
    current, previous = ratings.get(year), ratings.get(year - 1)
    if current is None or previous is None:
        return False
    return RATING_ORDER.index(RatingLevel(current)) < RATING_ORDER.index(RatingLevel(previous))


def months_of_service_left(*, retirement_date: dt.date, on: dt.date) -> int:
    """Whole months from `on` to the retirement date (the day the pension starts).

    Labour Code 2019 Art. 169 and Decree 135/2020/NĐ-CP (see `retirement_date`). Negative once retired.
    """
    return months_between(on, retirement_date)


def can_serve_full_term(*, retirement_date: dt.date, on: dt.date) -> bool:
    """Whether someone can still serve one full term (nhiệm kỳ) before retirement, counted from `on`.

    Regulation 50-QĐ/TW and Regulation 377-QĐ/TW (2025) on cadre planning: a planned person must be able
    to serve at least one full term; the months are CHIDAO_RULES["planning_min_months_before_retirement"]
    (60). Exactly that many months left is enough.
    """
    needed = settings.CHIDAO_RULES["planning_min_months_before_retirement"]
    return months_of_service_left(retirement_date=retirement_date, on=on) >= needed


def age_on(*, birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on `on`."""
    return months_between(birth_date, on) // 12


def is_young(*, birth_date: dt.date, on: dt.date) -> bool:
    """Whether a cadre counts as young for the planning targets on `on`.

    Regulation 377-QĐ/TW (2025) and Resolution 26-NQ/TW (2018): the planning list should hold young
    cadres (target CHIDAO_RULES["planning_target_young_percent"]); young means an age of at most
    CHIDAO_RULES["planning_young_max_age"] (45).
    """
    return age_on(birth_date=birth_date, on=on) <= settings.CHIDAO_RULES["planning_young_max_age"]
