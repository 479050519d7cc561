"""Legal rules on cadres as named functions (law as code). Numbers live in settings.CHIDAO_RULES.

Each function is pure: it takes dates and values and returns an answer, so it is tested edge by edge
without a database.
"""

import calendar
import datetime as dt

from django.conf import settings

from .models import DisciplineForm, Gender


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
    if form in (DisciplineForm.EXPULSION, DisciplineForm.DISMISSAL) or not months:
        return None
    return add_months(decided_on, months) - dt.timedelta(days=1)
