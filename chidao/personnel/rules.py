"""Legal rules on cadres as named functions (law as code). Numbers live in the dated rulebook (`rulebook.py`).

Each function is pure: it takes dates and values and returns an answer with the law in force on the date it
judges (`rulebook_on`), so it is tested edge by edge, before and after each change of law, without a database.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chidao.core.text import fold

from .models import RATING_ORDER, DisciplineForm, DisciplineSystem, Gender, PostLevel, RatingLevel, ServiceKind
from .rulebook import PROVISIONS, Provision, Rulebook, rulebook_on

# Forms that end the service: they never lapse.
PERMANENT_DISCIPLINE_FORMS = frozenset({DisciplineForm.EXPULSION, DisciplineForm.DISMISSAL})


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retirement_age_months(*, gender: str, year: int, book: Rulebook | None = None) -> int:
    """Retirement age in normal working conditions for someone reaching it in `year`, in months.

    Labour Code 2019 Art. 169(2); Decree 135/2020/NĐ-CP Art. 4: from 2021 the age rises by 3 months
    a year for men until 62 (2028) and by 4 months a year for women until 60 (2035); before 2021 (Labour
    Code 2012 Art. 187) it was 60 for men and 55 for women. `book` is the rulebook in force (by default the
    one of 1 January of `year`).
    """
    r = (book or rulebook_on(dt.date(year, 1, 1))).retirement.value
    steps = max(0, year - r.base_year)
    if gender == Gender.MALE:
        return min(r.male_base + steps * r.male_step, r.male_max)
    return min(r.female_base + steps * r.female_step, r.female_max)


def retirement_date(*, birth_date: dt.date, gender: str) -> dt.date:
    """The first day of the month after the person reaches retirement age (when the pension starts).

    Decree 135/2020/NĐ-CP Art. 4-5 and Appendix I: the age to reach depends on the year it is reached,
    so the month is found by stepping until the age for that year, under the law in force then, is met;
    the retirement point is the end of the last day of that month, and the pension runs from the first
    day of the next month. A birth date recorded as the 1st is treated as the month alone (records often
    lack the day).
    """
    age = 0
    while True:
        reached = add_months(birth_date, age)
        required = retirement_age_months(gender=gender, year=reached.year, book=rulebook_on(reached))
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


@dataclass(frozen=True)
class DisciplineBars:
    """The last day of each bar a discipline sets (None: no bar of that kind, or, for a form in
    PERMANENT_DISCIPLINE_FORMS, none that lapses)."""

    planning: dt.date | None
    appointment: dt.date | None
    grade: dt.date | None


def _bar_end(decided_on: dt.date, months: int | None) -> dt.date | None:
    return add_months(decided_on, months) - dt.timedelta(days=1) if months else None


def state_bar_provision(book: Rulebook, system: str) -> Provision[Mapping[str, int]]:
    """The periods of a state discipline: the Law on Public Employees Art. 56 (as amended by Law 52/2019/QH14) for
    viên chức, the Law on Cadres and Civil Servants Art. 82(2) (then Law 80/2025/QH15) for cán bộ and công chức."""
    if system == DisciplineSystem.PUBLIC_EMPLOYEE:
        return book.public_employee_discipline_bar_months
    return book.state_discipline_bar_months


def discipline_bars(*, system: str, form: str, decided_on: dt.date) -> DisciplineBars:
    """How long a discipline blocks planning, appointment to a higher post and promotion in grade: three
    questions with three periods, under the law in force on the decision's date (a decision keeps the effect
    the law gave it when it was made).

    - State discipline (cán bộ, công chức, viên chức): Law on Cadres and Civil Servants Art. 82(2) as amended
      by Law 52/2019/QH14 (from 01/7/2020; then Law 80/2025/QH15 and Decree 172/2025/NĐ-CP): khiển trách,
      cảnh cáo, hạ bậc lương block promotion in grade and salary, planning, training and appointment for
      12 months; giáng chức, cách chức (and bãi nhiệm) for 24 months.
    - Party discipline: planning for 12 months after khiển trách or cảnh cáo, 24 after cách chức; appointment
      or nomination to a higher post for 24 months after khiển trách, 36 after cảnh cáo, 60 after cách chức
      (Regulation 377-QĐ/TW from 08/10/2025; 12, 12 and 24 under Regulation 80-QĐ/TW before). Party
      discipline alone does not bar promotion in grade.
    - khai trừ and buộc thôi việc end the service: no period (they never lapse).
    """
    if form in PERMANENT_DISCIPLINE_FORMS:
        return DisciplineBars(None, None, None)
    book = rulebook_on(decided_on)
    if system == DisciplineSystem.PARTY:
        return DisciplineBars(planning=_bar_end(decided_on, book.party_planning_bar_months.value.get(form)),
                              appointment=_bar_end(decided_on, book.party_appointment_bar_months.value.get(form)),
                              grade=None)
    months = state_bar_provision(book, system).value.get("cach_chuc" if form == DisciplineForm.RECALL else form)
    end = _bar_end(decided_on, months)
    return DisciplineBars(planning=end, appointment=end, grade=end)


_SYSTEM_OF_KIND: dict[str, str] = {"cadre": "cadre", "civil_servant": "civil_service",
                                   "public_employee": "public_employee"}


def state_system_of(service_kind: str) -> str | None:
    """The state disciplinary system of a kind of service (cán bộ, công chức, viên chức); None when not recorded."""
    return _SYSTEM_OF_KIND.get(service_kind)


_SYSTEM_FORMS_KEY: dict[str, str] = {DisciplineSystem.CADRE: "discipline_forms_cadre",
                                     DisciplineSystem.CIVIL_SERVICE: "discipline_forms_civil_servant",
                                     DisciplineSystem.PUBLIC_EMPLOYEE: "discipline_forms_public_employee"}
# Who the forms are for, as the refusal names them.
_SUBJECTS = {"discipline_forms_party_member": gettext_lazy("đảng viên"),
             "discipline_forms_party_probationary": gettext_lazy("đảng viên dự bị"),
             "discipline_forms_cadre": gettext_lazy("cán bộ"),
             "discipline_forms_civil_servant": gettext_lazy("công chức"),
             "discipline_forms_public_employee": gettext_lazy("viên chức")}


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _form_label(form: str) -> str:
    return str(DisciplineForm(form).label) if form in DisciplineForm.values else form


def _forms_list(forms: Iterable[str]) -> str:
    return ", ".join(_form_label(f) for f in forms)


def party_probation_ends(*, party_joined_on: dt.date, book: Rulebook | None = None) -> dt.date:
    """The last day of a Party member's probation (thời kỳ dự bị): `party_probation_months` (12) after the day
    they joined, less a day (Statute of the Communist Party of Viet Nam, Art. 5(1))."""
    months = (book or rulebook_on(party_joined_on)).party_probation_months.value
    return add_months(party_joined_on, months) - dt.timedelta(days=1)


def held_leading_post(*, stretches: Iterable[tuple[dt.date, dt.date | None, bool]], on: dt.date) -> bool:
    """Whether someone held a leading post (chức vụ lãnh đạo, quản lý) on `on`, from their service history:
    `stretches` are (start, end or None while open, whether the post is a leading one). A stretch covering `on`
    answers; when none does (the history does not reach that day), the open stretch that started last (the
    current post) does; with neither, no."""
    stretches = list(stretches)
    covering = [lead for start, end, lead in stretches if start <= on and (end is None or on <= end)]
    if covering:
        return any(covering)
    current = max(((start, lead) for start, end, lead in stretches if end is None), default=None)
    return current is not None and current[1]


def discipline_form_refusal(*, system: str, form: str, decided_on: dt.date, is_leader: bool,
                            party_joined_on: dt.date | None, service_kind: str = "") -> str | None:
    """Why a form of discipline cannot be decided in `system` on `decided_on`, or None when it can.

    The forms are those of the law in force on the decision's date (a decision made before a change keeps its
    effect):
    - Party members (Statute of the Party, Art. 35(2)): khiển trách, cảnh cáo, cách chức, khai trừ; a probationary
      member (within `party_probation_months` of joining, Art. 5(1)) only khiển trách, cảnh cáo. A decision before
      the day the person joined is refused. Without a joining date recorded, the forms of a full member apply.
    - Cán bộ (Law on Cadres and Civil Servants Art. 78(1); from 01/07/2025 Law 80/2025/QH15 and Decree
      172/2025/NĐ-CP): khiển trách, cảnh cáo, cách chức, bãi nhiệm.
    - Công chức: until 30/06/2025 (Art. 79(1)) khiển trách, cảnh cáo, hạ bậc lương, giáng chức, cách chức, buộc
      thôi việc, giáng chức and cách chức only for those holding a leading post; from 01/07/2025 (Decree
      172/2025/NĐ-CP) khiển trách, cảnh cáo, cách chức (leaders only), buộc thôi việc.
    - Viên chức (Law on Public Employees Art. 52): khiển trách, cảnh cáo, cách chức (leaders only), buộc thôi
      việc.
    `is_leader`: whether the person held a leading post on `decided_on` (`held_leading_post`). A state system
    must be that of the person's recorded kind of service (`service_kind`; any when not recorded): a công chức is
    not disciplined as a cán bộ.
    """
    book = rulebook_on(decided_on)
    expected = _SYSTEM_OF_KIND.get(service_kind)
    if expected is not None and system in _SYSTEM_FORMS_KEY and system != expected:
        return _("Hồ sơ ghi người này là %(kind)s: áp dụng %(right)s, không áp dụng %(wrong)s.") % {
            "kind": ServiceKind(service_kind).label, "right": DisciplineSystem(expected).label,
            "wrong": DisciplineSystem(system).label}
    if system == DisciplineSystem.PARTY:
        key = "discipline_forms_party_member"
        if party_joined_on is not None:
            if decided_on < party_joined_on:
                return _("Ngày quyết định %(d)s trước ngày vào Đảng (%(j)s): chưa là đảng viên nên không thể kỷ luật "
                         "đảng viên.") % {"d": _dmy(decided_on), "j": _dmy(party_joined_on)}
            last = party_probation_ends(party_joined_on=party_joined_on, book=book)
            if decided_on <= last:
                provision = book.discipline_forms_party_probationary
                if form in provision.value.forms:
                    return None
                return _("Ngày %(d)s người này còn là đảng viên dự bị (vào Đảng ngày %(j)s, thời kỳ dự bị đến hết "
                         "ngày %(l)s): đảng viên dự bị chỉ áp dụng hình thức %(forms)s, không có hình thức %(f)s "
                         "(%(src)s).") % {
                    "d": _dmy(decided_on), "j": _dmy(party_joined_on), "l": _dmy(last),
                    "forms": _forms_list(provision.value.forms), "f": _form_label(form), "src": provision.cite()}
    elif system in _SYSTEM_FORMS_KEY:
        key = _SYSTEM_FORMS_KEY[system]
    else:
        return _("Loại kỷ luật không hợp lệ.")
    provision = getattr(book, key)
    if form in provision.value.forms:
        if form not in provision.value.leaders_only or is_leader:
            return None
        return _("Hình thức %(f)s chỉ áp dụng với %(who)s giữ chức vụ lãnh đạo, quản lý (%(src)s); ngày %(d)s người "
                 "này không giữ chức vụ lãnh đạo, quản lý.") % {
            "f": _form_label(form), "who": _SUBJECTS[key], "src": provision.cite(), "d": _dmy(decided_on)}
    earlier = [p for p in PROVISIONS if p.key == key and p.until is not None and p.until < decided_on]
    if any(form in p.value.forms for p in earlier):
        return _("Từ ngày %(since)s (%(src)s) %(who)s không còn hình thức kỷ luật %(f)s.") % {
            "since": _dmy(provision.since), "src": provision.cite(), "who": _SUBJECTS[key], "f": _form_label(form)}
    return _("Kỷ luật %(who)s không có hình thức %(f)s; các hình thức là: %(forms)s (%(src)s).") % {
        "who": _SUBJECTS[key], "f": _form_label(form), "forms": _forms_list(provision.value.forms),
        "src": provision.cite()}


def discipline_blocks_until(*, form: str, decided_on: dt.date, system: str = "civil_service") -> dt.date | None:
    """The last day a discipline blocks planning (`discipline_bars(...).planning`)."""
    return discipline_bars(system=system, form=form, decided_on=decided_on).planning


def planning_bar_end(*, form: str, planning_until: dt.date | None, decided_on: dt.date | None,
                     on: dt.date, system: str = "") -> dt.date | None:
    """The last day a discipline keeps someone out of planning, as judged on `on` (None: it never lapses).

    Regulation 377-QĐ/TW (from 08/10/2025): the planning bar of the decision (`discipline_bars`) and no more, so
    an expired khiển trách or cảnh cáo no longer blocks. Regulation 50-QĐ/TW (until 07/10/2025): a discipline of
    khiển trách or above took the person out of planning for the term (`planning_bar_lapses` false in the
    rulebook in force on `on`), read as one full term (`rotation_term_months`, 60) from the decision when that is
    longer than the bar; without the decision's date it does not lapse. khai trừ and buộc thôi việc never lapse.
    A Party discipline's own planning bar is that of the regulation in force on `on` (party_planning_bar_months).
    """
    if form in PERMANENT_DISCIPLINE_FORMS:
        return None
    book = rulebook_on(on)
    if system == DisciplineSystem.PARTY and decided_on is not None:
        # A Party bar is a condition of planning on the day judged: the regulation in force that day sets it.
        planning_until = _bar_end(decided_on, book.party_planning_bar_months.value.get(form))
    if book.planning_bar_lapses.value:
        return planning_until
    if decided_on is None:
        return None
    term_end = add_months(decided_on, book.rotation_term_months.value) - dt.timedelta(days=1)
    return max(term_end, planning_until) if planning_until else term_end


def discipline_blocks_planning(*, form: str, planning_until: dt.date | None, on: dt.date,
                               decided_on: dt.date | None = None, system: str = "") -> bool:
    """Whether a discipline still blocks planning on `on`: through `planning_bar_end` inclusive (Regulation
    377-QĐ/TW from 08/10/2025; Regulation 50-QĐ/TW before). The caller only passes disciplines decided on or
    before `on`.
    """
    if form in PERMANENT_DISCIPLINE_FORMS:
        return True
    if not rulebook_on(on).planning_bar_lapses.value and decided_on is None:
        return True
    end = planning_bar_end(form=form, planning_until=planning_until, decided_on=decided_on, on=on, system=system)
    return end is not None and on <= end


def appointment_bar_end(*, form: str, appointment_until: dt.date | None, decided_on: dt.date | None,
                        on: dt.date, system: str = "") -> dt.date | None:
    """The last day a discipline bars appointment or nomination to a higher post, as judged on `on`.

    State discipline: the bar the law gave the decision (`discipline_bars`, Art. 82(2)). Party discipline: the bar
    of the regulation in force on `on` — Regulation 377-QĐ/TW from 08/10/2025 (24 months after khiển trách, 36
    after cảnh cáo, 60 after cách chức) even for a decision made before, Regulation 80-QĐ/TW before that day.
    None for khai trừ and buộc thôi việc (never lapse) or when there is no bar.
    """
    if form in PERMANENT_DISCIPLINE_FORMS:
        return None
    if system == DisciplineSystem.PARTY and decided_on is not None:
        return _bar_end(decided_on, rulebook_on(on).party_appointment_bar_months.value.get(form))
    return appointment_until


def discipline_blocks_appointment(*, form: str, appointment_until: dt.date | None, on: dt.date,
                                  decided_on: dt.date | None = None, system: str = "") -> bool:
    """Whether a discipline still blocks appointment or nomination to a higher post on `on`: through
    `appointment_bar_end` inclusive; khai trừ and buộc thôi việc never lapse."""
    if form in PERMANENT_DISCIPLINE_FORMS:
        return True
    end = appointment_bar_end(form=form, appointment_until=appointment_until, decided_on=decided_on, on=on,
                              system=system)
    return end is not None and on <= end


def discipline_blocks_grade(*, form: str, grade_until: dt.date | None, on: dt.date) -> bool:
    """Whether a discipline still blocks promotion in grade or salary on `on` (Law on Cadres and Civil
    Servants Art. 82(2) as amended by Law 52/2019/QH14; through its grade bar inclusive)."""
    if form in PERMANENT_DISCIPLINE_FORMS:
        return True
    return grade_until is not None and on <= grade_until


def discipline_is_blocking(*, form: str, blocks_until: dt.date | None, on: dt.date) -> bool:
    """Whether a discipline still blocks planning on `on` (`discipline_blocks_planning`)."""
    return discipline_blocks_planning(form=form, planning_until=blocks_until, on=on)


def two_consecutive_not_completed(ratings: dict[int, str], *, need: int | None = None) -> tuple[int, int] | None:
    """The latest run of consecutive years rated "không hoàn thành nhiệm vụ", as (first, last) year.

    Decree 90/2020/NĐ-CP Art. 29 (as amended by Decree 48/2023/NĐ-CP) and the Law on Cadres and Civil
    Servants: two consecutive years "không hoàn thành nhiệm vụ" lead to removal from post (cadre) or
    dismissal (civil servant). The years must follow each other (2021 and 2023 are not consecutive).
    How many years is the rulebook's `not_completed_consecutive_years` (of 31 December of the latest year
    rated, or `need` when given). None when there is no such run.
    """
    if need is None:
        need = rulebook_on(dt.date(max(ratings, default=2000), 12, 31)).not_completed_consecutive_years.value
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


def _last_two_not_completed(ratings: Mapping[int, str]) -> tuple[int, int] | None:
    """The two latest years rated "không hoàn thành nhiệm vụ", as (earlier, later); None with fewer than two."""
    years = sorted(y for y, level in ratings.items() if level == RatingLevel.NOT_COMPLETED)
    return (years[-2], years[-1]) if len(years) >= 2 else None


def not_completed_twice_within(ratings: Mapping[int, str], *, within: int | None = None) -> tuple[int, int] | None:
    """Two non-consecutive years rated "không hoàn thành nhiệm vụ" within a few years, for a person without a
    leading post: the latest two such years as (earlier, later), or None.

    Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: a cadre, civil servant or public employee who holds no
    leading post and is rated "không hoàn thành nhiệm vụ" in two non-consecutive years within 3 years is moved to a
    post with lower requirements. The years are the latest "không hoàn thành" year and the one before it; they must
    not follow each other (two consecutive years are `two_consecutive_not_completed`, a heavier rule) and must lie
    within the rulebook's `not_completed_twice_within_years` (of 31 December of the later year, or `within` when
    given), both years counted: 2021 and 2023 are within 3 years, 2021 and 2024 are not.
    """
    pair = _last_two_not_completed(ratings)
    if pair is None:
        return None
    earlier, later = pair
    if within is None:
        within = rulebook_on(dt.date(later, 12, 31)).not_completed_twice_within_years.value
    return pair if 2 <= later - earlier <= within - 1 else None


def not_completed_twice_in_term(ratings: Mapping[int, str], *, term_start: dt.date,
                                term_months: int | None = None) -> tuple[int, int] | None:
    """Two non-consecutive years rated "không hoàn thành nhiệm vụ" within one appointment term, for a person holding
    a leading post: the latest two such years as (earlier, later), or None.

    Decree 90/2020/NĐ-CP as amended by Decree 48/2023/NĐ-CP: a leader rated "không hoàn thành nhiệm vụ" in two
    non-consecutive years within the term of their appointment is moved to other work or not reappointed. The term
    runs from `term_start` (the start of the current leading post's appointment: the unbroken run of service in
    that post) for the rulebook's `appointment_term_months` (60, of the rulebook in force on `term_start`, or
    `term_months`), and the next term for as long again; a rating year belongs to a term when it overlaps it.
    Both years must belong to one term, and none counts before `term_start`'s year. Consecutive years are
    `two_consecutive_not_completed`.
    """
    pair = _last_two_not_completed(ratings)
    if pair is None:
        return None
    earlier, later = pair
    if later - earlier < 2 or earlier < term_start.year:
        return None
    months = term_months or rulebook_on(term_start).appointment_term_months.value
    k = 0
    while add_months(term_start, k * months).year <= earlier:
        end = add_months(term_start, (k + 1) * months) - dt.timedelta(days=1)
        if later <= end.year:
            return pair
        k += 1
    return None


def planning_removal_not_completed(ratings: Mapping[int, str], *, on: dt.date) -> tuple[int, ...] | None:
    """The years rated "không hoàn thành nhiệm vụ" that make the yearly planning review propose removal on `on`.

    Regulation 377-QĐ/TW (from 08/10/2025): one year rated "không hoàn thành nhiệm vụ" in the year reviewed is a
    ground for removal from planning; under Regulation 50-QĐ/TW (before) it took two consecutive years. How many is
    the rulebook's `planning_removal_not_completed_years` in force on `on`, the day of the review. The year reviewed
    is the latest rated year up to `on`'s year, and the years returned end with it; None when the rule does not
    apply (the year reviewed rated better, or too few years rated "không hoàn thành nhiệm vụ" before it), or when the
    latest rating is older than the year before `on` (an earlier year was reviewed at its own review already).
    """
    rated = [y for y in ratings if y <= on.year]
    if not rated:
        return None
    need = rulebook_on(on).planning_removal_not_completed_years.value
    reviewed = max(rated)
    if reviewed < on.year - 1:
        return None
    years = tuple(range(reviewed - need + 1, reviewed + 1))
    return years if all(ratings.get(y) == RatingLevel.NOT_COMPLETED for y in years) else None


def months_of_service_left(*, retirement_date: dt.date, on: dt.date) -> int:
    """Whole months from `on` to the retirement date (the day the pension starts).

    Labour Code 2019 Art. 169 and Decree 135/2020/NĐ-CP (see `retirement_date`). Negative once retired.
    """
    return months_between(on, retirement_date)


def can_serve_full_term(*, retirement_date: dt.date, on: dt.date) -> bool:
    """Whether someone can still serve one full term (nhiệm kỳ) before retirement, counted from `on`.

    Regulation 50-QĐ/TW and Regulation 377-QĐ/TW (2025) on cadre planning: a planned person must be able
    to serve at least one full term; the months are the rulebook's `planning_min_months_before_retirement`
    (60) in force on `on`. Exactly that many months left is enough.
    """
    needed = rulebook_on(on).planning_min_months_before_retirement.value
    return months_of_service_left(retirement_date=retirement_date, on=on) >= needed


def age_on(*, birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on `on`."""
    return months_between(birth_date, on) // 12


def is_young(*, birth_date: dt.date, on: dt.date, level: str = "province") -> bool:
    """Whether a cadre counts as young for the planning targets, measured on `on` (the planning term's start).

    Regulation 50-QĐ/TW, kept by Regulation 377-QĐ/TW (2025), and Resolution 26-NQ/TW (2018): young means
    "dưới 40 tuổi" for planning at provincial level (and below) and "dưới 45 tuổi" at central level — under,
    so 40 (or 45) itself is not young. `level` is the planning body's unit level (UnitLevel).
    """
    limits = rulebook_on(on).planning_young_under_age.value
    return age_on(birth_date=birth_date, on=on) < limits.get(level, limits["province"])


def is_head_post(*, level: int, title: str) -> bool:
    """Whether a leading post is the head (cấp trưởng) rather than a deputy: the two consecutive terms of
    Regulation 65-QĐ/TW (2022) are counted as head only. A head post is a leading level with a title that is not
    a deputy's ("Phó ..."); a non-leading level is never a head."""
    return level >= PostLevel.HEAD_DIVISION and not fold(title).startswith("pho ")


def key_post_applies(*, unit_level: str, on: dt.date) -> bool:
    """Whether a post marked key (chủ chốt) is a key-leader post on `on` at its unit's level.

    Key leaders are those of the provincial, district and commune levels (Law on the Organization of Local
    Government 2015); from 01/7/2025 (Law 72/2025/QH15) there is no district level, so a district post counts only
    for dates before that day, and the commune level (xã, phường, đặc khu) keeps its key posts.
    """
    return unit_level in rulebook_on(on).key_leader_levels.value


def hometown_is_local(*, hometown_id: int | None, successors: Mapping[int, Iterable[int]],
                      subtree: Iterable[int]) -> bool:
    """Whether a hometown is local to a unit whose subtree is `subtree` (Regulation 65-QĐ/TW: a key leader must
    not be a local person). A hometown recorded as a unit that has since merged (a former district or commune)
    is local to the units that succeeded it, following the merge lineage (`successors`: unit → the units that
    took it over) through every step."""
    if hometown_id is None:
        return False
    inside = set(subtree)
    seen, frontier = {hometown_id}, [hometown_id]
    while frontier:
        if any(u in inside for u in frontier):
            return True
        frontier = [s for u in frontier for s in successors.get(u, ()) if s not in seen]
        seen.update(frontier)
    return False
