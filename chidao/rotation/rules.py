"""Who is due in a rotation round, and why: the two legal rules as pure functions (law as code).

Each function takes values and dates and returns a `DueResult` (status, the reasons a person reads,
the legal basis, the date they are or will be due); numbers live in the dated rulebook
(chidao.personnel.rulebook). Nothing here touches the database, so every edge is tested without one.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from chidao.core.dates import format_date as _d
from chidao.personnel.models import DeferralKind, Sector
from chidao.personnel.rulebook import rulebook_on
from chidao.personnel.rules import add_months, months_between, months_of_service_left

from .models import DueStatus

BASIS_PERIODIC_CHANGE = "Luật Phòng, chống tham nhũng 2018, Điều 24-25; Nghị định 59/2019/NĐ-CP, Điều 36-38"
# The rotation regulation in force since 28/04/2022 (`rotation_basis` gives the one of any day).
BASIS_ROTATION = "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ"
BASIS_FLAGGED = ("Kịp thời luân chuyển khi có biểu hiện không hoàn thành nhiệm vụ "
                 "(Kết luận Hội nghị tổng kết năm 2021)")

Deferral = tuple[str, dt.date, dt.date | None]


@dataclass(frozen=True)
class DueResult:
    status: str
    reasons: list[str] = field(default_factory=list)
    basis: str = ""
    due_on: dt.date | None = None


def clamped_change_period(months: int | None, on: dt.date | None = None) -> int:
    """The period of a post, clamped to a full 2 to 5 years (Decree 59/2019/NĐ-CP Art. 37(1)).

    The rulebook's periodic_change_min_period_months (24) and periodic_change_max_period_months (60) in force on
    `on` (today by default); a post without a period set takes the minimum.
    """
    book = rulebook_on(on or dt.date.today())
    low, high = book.periodic_change_min_period_months.value, book.periodic_change_max_period_months.value
    return min(max(months or low, low), high)


def deferral_reason(kind: str, start: dt.date, end: dt.date | None) -> str:
    """"Đang mang thai hoặc nuôi con dưới 36 tháng tuổi: từ 01/02/2025 đến 31/01/2028"."""
    label = str(DeferralKind(kind).label) if kind in DeferralKind.values else kind
    label = label[:1].upper() + label[1:]
    if end is None:
        return _("%(label)s: từ %(start)s (chưa xác định ngày kết thúc)") % {"label": label, "start": _d(start)}
    return _("%(label)s: từ %(start)s đến %(end)s") % {"label": label, "start": _d(start), "end": _d(end)}


def periodic_change_status(*, is_leader: bool, sector: str, change_period_months: int | None,
                           in_post_since: dt.date | None, retirement_date: dt.date | None,
                           deferrals: Iterable[Deferral], on: dt.date) -> DueResult:
    """Whether a person must change position periodically (chuyển đổi vị trí công tác) on `on`.

    Law on Anti-Corruption 2018 Art. 24-25; Decree 59/2019/NĐ-CP Art. 36-38:
    - targets are staff not holding a leading or managing post whose post is in a listed sector
      (Position.sector: personnel, public finance, public assets, public investment, dealing directly
      with citizens and businesses); a leader, or a post outside the sectors, is `not_target`;
    - the period is the post's `change_period_months`, clamped to a full 2 to 5 years
      (`clamped_change_period`: 12 → 24, 84 → 60); the person is `due` once the full months in the
      post reach the period, i.e. from `in_post_since + period` (`due_on`), one day earlier `not_yet`
      with that date;
    - `exempt`: "thời gian công tác còn lại dưới 18 tháng" — fewer than
      the rulebook's periodic_change_exempt_months_to_retirement (18) full months from `on` to the
      retirement date; exactly 18 full months left is not exempt, 17 months and some days is;
    - `deferred` while any deferral (kind, start, end) covers `on` (start ≤ on ≤ end, an open end
      covers every later day): under disciplinary review, inspection, investigation, prosecution or
      trial; treating a certified grave illness; full-time study of 12 months or more; on secondment;
      pregnant or raising a child under 36 months. Each reason is given with its dates.

    Precedence: `not_target` (the rule does not apply at all), then `exempt` (the law says the change is
    not made, whatever else holds), then `deferred` (the change waits while the situation lasts), then
    `due` / `not_yet` by time in post. A deferred or exempt result still carries `due_on`.
    """
    basis = BASIS_PERIODIC_CHANGE
    if is_leader:
        return DueResult(DueStatus.NOT_TARGET, [_(
            "Giữ chức vụ lãnh đạo, quản lý: không thuộc đối tượng chuyển đổi vị trí công tác định kỳ đối với "
            "người không giữ chức vụ lãnh đạo, quản lý.")], basis)
    if not sector or sector not in Sector.values:
        return DueResult(DueStatus.NOT_TARGET, [_(
            "Vị trí công tác không thuộc danh mục lĩnh vực phải định kỳ chuyển đổi.")], basis)
    if in_post_since is None:
        return DueResult(DueStatus.NOT_TARGET, [_("Chưa có quá trình công tác ở vị trí hiện nay.")], basis)

    period = clamped_change_period(change_period_months, on)
    due_on = add_months(in_post_since, period)
    sector_label = str(Sector(sector).label)

    if retirement_date is not None:
        left = months_of_service_left(retirement_date=retirement_date, on=on)
        limit = rulebook_on(on).periodic_change_exempt_months_to_retirement.value
        if left < limit:
            return DueResult(DueStatus.EXEMPT, [_(
                "Thời gian công tác còn lại dưới %(limit)s tháng đến tuổi nghỉ hưu (còn %(left)s tháng; nghỉ hưu "
                "từ ngày %(r)s).") % {"limit": limit, "left": max(left, 0), "r": _d(retirement_date)}], basis, due_on)

    active = sorted(((k, s, e) for k, s, e in deferrals if s <= on and (e is None or on <= e)), key=lambda x: x[1])
    if active:
        return DueResult(DueStatus.DEFERRED, [deferral_reason(k, s, e) for k, s, e in active], basis, due_on)

    months = months_between(in_post_since, on)
    if on >= due_on:
        return DueResult(DueStatus.DUE, [_(
            "Giữ vị trí công tác từ ngày %(since)s, đủ %(m)s tháng; thời hạn định kỳ chuyển đổi %(p)s tháng "
            "(lĩnh vực %(sector)s): đến hạn từ ngày %(due)s.") % {
            "since": _d(in_post_since), "m": months, "p": period, "sector": sector_label, "due": _d(due_on)}],
            basis, due_on)
    return DueResult(DueStatus.NOT_YET, [_(
        "Giữ vị trí công tác từ ngày %(since)s, được %(m)s tháng; thời hạn định kỳ chuyển đổi %(p)s tháng "
        "(lĩnh vực %(sector)s): sẽ đến hạn ngày %(due)s.") % {
        "since": _d(in_post_since), "m": max(months, 0), "p": period, "sector": sector_label, "due": _d(due_on)}],
        basis, due_on)


def rotation_basis(on: dt.date) -> str:
    """The rotation regulation in force on `on` (Regulation 65-QĐ/TW from 28/04/2022, Regulation 98-QĐ/TW
    before), as the due list cites it."""
    return str(rulebook_on(on).rotation_term_months.source)


def rotation_status(*, is_key_post: bool, in_planning: bool, is_local: bool, months_as_head_in_same_place: int,
                    retirement_date: dt.date | None, on: dt.date) -> DueResult:
    """Whether a cadre is a candidate for rotation (luân chuyển) on `on`, under the rulebook in force on `on`.

    Regulation 65-QĐ/TW (2022) on cadre rotation, read with Decree 138/2020/NĐ-CP Art. 56:
    - targets are cadres in planning (`in_planning`), and key leaders (`is_key_post`) who are local
      (`is_local`: their hometown lies in the post's unit or below it, or in a former unit that the post's unit
      succeeded) or have headed one place for 2 consecutive terms (`months_as_head_in_same_place`, counted in
      posts as head — cấp trưởng — only, not as deputy, ≥ rotation_same_place_terms × rotation_term_months,
      120); anyone else is `not_target` (a non-local key leader with 119 months as head is not yet one);
    - time left before retirement, counted from `on`: a key leader rotated because the post must not be held by
      a local person or after two consecutive terms in one place needs enough for one term
      (rotation_min_months_left_key_leader, 60); a cadre in planning rotated on that ground alone needs
      10 years (rotation_min_months_left_planned, 120). Exactly the months needed are enough; one fewer is
      `exempt` with the reason;
    - otherwise `due`, with each ground that makes them a target.
    Precedence: `not_target`, then `exempt`, then `due`.
    """
    book = rulebook_on(on)
    basis = rotation_basis(on)
    same_place = book.rotation_same_place_terms.value * book.rotation_term_months.value
    grounds: list[str] = []
    if in_planning:
        grounds.append(_("Cán bộ trong quy hoạch."))
    key_ground = False
    if is_key_post and is_local:
        key_ground = True
        grounds.append(_("Lãnh đạo chủ chốt là người địa phương."))
    if is_key_post and months_as_head_in_same_place >= same_place:
        key_ground = True
        grounds.append(_("Lãnh đạo chủ chốt đã giữ chức cấp trưởng %(m)s tháng ở một địa phương, đơn vị (từ %(n)s "
                         "tháng, tương đương %(t)s nhiệm kỳ liên tiếp).") % {
            "m": months_as_head_in_same_place, "n": same_place, "t": book.rotation_same_place_terms.value})
    if not grounds:
        if is_key_post:
            reason = _("Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị "
                       "%(m)s tháng (chưa đủ %(n)s tháng).") % {"m": months_as_head_in_same_place, "n": same_place}
        else:
            reason = _("Không trong quy hoạch và không giữ chức danh lãnh đạo chủ chốt.")
        return DueResult(DueStatus.NOT_TARGET, [reason], basis)
    if retirement_date is not None:
        left = months_of_service_left(retirement_date=retirement_date, on=on)
        if key_ground:
            needed = book.rotation_min_months_left_key_leader.value
            why = _("dưới %(n)s tháng (một nhiệm kỳ) đến tuổi nghỉ hưu") % {"n": needed}
            source = book.rotation_min_months_left_key_leader.cite()
        else:
            needed = book.rotation_min_months_left_planned.value
            if needed % 12 == 0:
                why = _("dưới %(n)s tháng (%(y)s năm) đến tuổi nghỉ hưu") % {"n": needed, "y": needed // 12}
            else:
                why = _("dưới %(n)s tháng đến tuổi nghỉ hưu") % {"n": needed}
            source = book.rotation_min_months_left_planned.cite()
        if left < needed:
            return DueResult(DueStatus.EXEMPT, [*grounds, _(
                "Thời gian công tác còn lại %(left)s tháng, %(why)s (nghỉ hưu từ ngày %(r)s; %(src)s).") % {
                "left": max(left, 0), "why": why, "r": _d(retirement_date), "src": source}], basis)
    return DueResult(DueStatus.DUE, grounds, basis)
