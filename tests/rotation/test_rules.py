"""The two rules of a due list, edge by edge, without a database.

Rule 1, periodic position change (Law on Anti-Corruption 2018 Art. 24-25; Decree 59/2019/NĐ-CP Art. 36-38),
and rule 2, rotation (Regulation 65-QĐ/TW, 2022). "Dưới 18 tháng" means fewer than 18 full months to the
retirement date: exactly 18 full months left is not exempt, 17 months and 29 days is.
"""

import datetime as dt

import pytest

from chidao.personnel.models import DeferralKind, PostLevel, Sector
from chidao.personnel.rulebook import rulebook_on
from chidao.personnel.rules import add_months, hometown_is_local, is_head_post, key_post_applies
from chidao.rotation.models import DueStatus
from chidao.rotation.rules import (
    BASIS_PERIODIC_CHANGE,
    BASIS_ROTATION,
    DueResult,
    clamped_change_period,
    periodic_change_status,
    rotation_status,
)

ON = dt.date(2025, 6, 1)


def periodic(**given) -> DueResult:
    args = {"is_leader": False, "sector": Sector.PERSONNEL, "change_period_months": 36,
            "in_post_since": dt.date(2022, 6, 1), "retirement_date": dt.date(2037, 1, 1), "deferrals": [], "on": ON}
    return periodic_change_status(**{**args, **given})


# --- rule 1: periodic position change ---------------------------------------------------------------

def test_exactly_the_period_in_post_is_due():
    # given 36 months in a personnel post from 01/06/2022, when checked on 01/06/2025
    result = periodic()
    # then due from 01/06/2025, with the time in post and the basis
    assert result == DueResult(DueStatus.DUE, [
        "Giữ vị trí công tác từ ngày 01/06/2022, đủ 36 tháng; thời hạn định kỳ chuyển đổi 36 tháng (lĩnh vực tổ "
        "chức cán bộ): đến hạn từ ngày 01/06/2025."], BASIS_PERIODIC_CHANGE, dt.date(2025, 6, 1))


def test_one_day_short_of_the_period_is_not_yet_due_with_the_date():
    result = periodic(on=dt.date(2025, 5, 31))
    assert result == DueResult(DueStatus.NOT_YET, [
        "Giữ vị trí công tác từ ngày 01/06/2022, được 35 tháng; thời hạn định kỳ chuyển đổi 36 tháng (lĩnh vực tổ "
        "chức cán bộ): sẽ đến hạn ngày 01/06/2025."], BASIS_PERIODIC_CHANGE, dt.date(2025, 6, 1))


@pytest.mark.parametrize(("months", "clamped"), [(12, 24), (24, 24), (36, 36), (60, 60), (84, 60), (None, 24)])
def test_period_is_clamped_to_two_to_five_years(months, clamped):
    assert clamped_change_period(months) == clamped


def test_a_12_month_post_is_due_after_24_months_and_an_84_month_post_after_60():
    since = dt.date(2020, 1, 15)
    short = periodic(change_period_months=12, in_post_since=since, on=dt.date(2022, 1, 14))
    assert (short.status, short.due_on) == (DueStatus.NOT_YET, dt.date(2022, 1, 15))
    assert periodic(change_period_months=12, in_post_since=since, on=dt.date(2022, 1, 15)).status == DueStatus.DUE
    long = periodic(change_period_months=84, in_post_since=since, on=dt.date(2025, 1, 14))
    assert (long.status, long.due_on) == (DueStatus.NOT_YET, dt.date(2025, 1, 15))
    assert periodic(change_period_months=84, in_post_since=since, on=dt.date(2025, 1, 15)).status == DueStatus.DUE


def test_a_leader_is_not_a_target():
    assert periodic(is_leader=True) == DueResult(DueStatus.NOT_TARGET, [
        "Giữ chức vụ lãnh đạo, quản lý: không thuộc đối tượng chuyển đổi vị trí công tác định kỳ đối với người "
        "không giữ chức vụ lãnh đạo, quản lý."], BASIS_PERIODIC_CHANGE)


def test_a_post_outside_the_listed_sectors_is_not_a_target():
    assert periodic(sector="") == DueResult(DueStatus.NOT_TARGET, [
        "Vị trí công tác không thuộc danh mục lĩnh vực phải định kỳ chuyển đổi."], BASIS_PERIODIC_CHANGE)


def test_exactly_18_full_months_to_retirement_is_not_exempt():
    # 01/06/2025 → 01/12/2026 is 18 full months
    assert periodic(retirement_date=dt.date(2026, 12, 1)).status == DueStatus.DUE


def test_fewer_than_18_full_months_to_retirement_is_exempt():
    # 01/06/2025 → 30/11/2026 is 17 full months and 29 days: "dưới 18 tháng"
    result = periodic(retirement_date=dt.date(2026, 11, 30))
    assert result == DueResult(DueStatus.EXEMPT, [
        "Thời gian công tác còn lại dưới 18 tháng đến tuổi nghỉ hưu (còn 17 tháng; nghỉ hưu từ ngày 30/11/2026)."],
        BASIS_PERIODIC_CHANGE, dt.date(2025, 6, 1))


DEFERRAL_LABELS = {
    DeferralKind.PREGNANCY_CHILD: "Đang mang thai hoặc nuôi con dưới 36 tháng tuổi",
    DeferralKind.STUDY: "Đang học tập tập trung từ 12 tháng trở lên",
    DeferralKind.ILLNESS: "Đang điều trị bệnh hiểm nghèo được xác nhận",
    DeferralKind.SECONDMENT: "Đang được biệt phái",
    DeferralKind.UNDER_REVIEW: "Đang bị xem xét kỷ luật, thanh tra, điều tra, truy tố, xét xử",
}


@pytest.mark.parametrize("kind", list(DeferralKind))
def test_each_deferral_defers_while_active_and_not_after_its_end(kind):
    deferral = (kind, dt.date(2025, 2, 1), dt.date(2028, 1, 31))
    reason = f"{DEFERRAL_LABELS[kind]}: từ 01/02/2025 đến 31/01/2028"
    # on its first day, inside it and on its last day: deferred with the reason and its dates
    for on in (dt.date(2025, 2, 1), ON, dt.date(2028, 1, 31)):
        assert periodic(deferrals=[deferral], on=on) == DueResult(
            DueStatus.DEFERRED, [reason], BASIS_PERIODIC_CHANGE, dt.date(2025, 6, 1))
    # the day before it starts and the day after it ends: the time in post decides again
    assert periodic(deferrals=[deferral], on=dt.date(2025, 1, 31)).status == DueStatus.NOT_YET
    assert periodic(deferrals=[deferral], on=dt.date(2028, 2, 1)).status == DueStatus.DUE


def test_an_open_deferral_defers_and_every_active_reason_is_listed():
    deferrals = [(DeferralKind.STUDY, dt.date(2024, 9, 1), dt.date(2026, 6, 30)),
                 (DeferralKind.UNDER_REVIEW, dt.date(2025, 3, 10), None),
                 (DeferralKind.ILLNESS, dt.date(2020, 1, 1), dt.date(2021, 1, 1))]
    assert periodic(deferrals=deferrals).reasons == [
        "Đang học tập tập trung từ 12 tháng trở lên: từ 01/09/2024 đến 30/06/2026",
        "Đang bị xem xét kỷ luật, thanh tra, điều tra, truy tố, xét xử: từ 10/03/2025 (chưa xác định ngày kết thúc)",
    ]


def test_precedence_not_target_then_exempt_then_deferred():
    deferral = [(DeferralKind.ILLNESS, dt.date(2025, 1, 1), None)]
    near_retirement = dt.date(2026, 1, 1)
    assert periodic(is_leader=True, retirement_date=near_retirement, deferrals=deferral).status == DueStatus.NOT_TARGET
    assert periodic(retirement_date=near_retirement, deferrals=deferral).status == DueStatus.EXEMPT
    assert periodic(deferrals=deferral).status == DueStatus.DEFERRED


# --- rule 2: rotation -------------------------------------------------------------------------------
# Regulation 65-QĐ/TW Art. 5 read with Decree 138/2020/NĐ-CP Art. 56: a cadre in planning needs 10 years (120
# months) of working time left; a key leader rotated because they are local or after two consecutive terms as head
# in one place needs one term (60 months). The two terms are counted as head (cấp trưởng) only.

def rotation(**given) -> DueResult:
    args = {"is_key_post": False, "in_planning": False, "is_local": False, "months_as_head_in_same_place": 0,
            "retirement_date": add_months(ON, 200), "on": ON}
    return rotation_status(**{**args, **given})


PLANNED_SOURCE = "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ"
KEY_SOURCE = "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ; Nghị định 138/2020/NĐ-CP, Điều 56"


def test_a_planned_cadre_with_120_months_left_is_due():
    assert rotation(in_planning=True, retirement_date=add_months(ON, 120)) == DueResult(
        DueStatus.DUE, ["Cán bộ trong quy hoạch."], BASIS_ROTATION)


def test_a_planned_cadre_with_119_months_left_is_exempt_citing_regulation_65():
    assert rotation(in_planning=True, retirement_date=add_months(ON, 119)) == DueResult(DueStatus.EXEMPT, [
        "Cán bộ trong quy hoạch.",
        "Thời gian công tác còn lại 119 tháng, dưới 120 tháng (10 năm) đến tuổi nghỉ hưu (nghỉ hưu từ ngày "
        f"01/05/2035; {PLANNED_SOURCE})."], BASIS_ROTATION)


def test_a_local_key_leader_with_60_months_left_is_due():
    assert rotation(is_key_post=True, is_local=True, months_as_head_in_same_place=30,
                    retirement_date=add_months(ON, 60)) == DueResult(
        DueStatus.DUE, ["Lãnh đạo chủ chốt là người địa phương."], BASIS_ROTATION)


def test_a_local_key_leader_with_59_months_left_is_exempt_citing_one_term():
    assert rotation(is_key_post=True, is_local=True, retirement_date=add_months(ON, 59)) == DueResult(
        DueStatus.EXEMPT, [
            "Lãnh đạo chủ chốt là người địa phương.",
            "Thời gian công tác còn lại 59 tháng, dưới 60 tháng (một nhiệm kỳ) đến tuổi nghỉ hưu (nghỉ hưu từ ngày "
            f"01/05/2030; {KEY_SOURCE})."], BASIS_ROTATION)


def test_a_local_key_leader_who_is_also_planned_needs_only_one_term():
    # given a local key leader in planning with 60 months left (not the 120 a planned cadre alone needs)
    result = rotation(is_key_post=True, is_local=True, in_planning=True, retirement_date=add_months(ON, 60))
    # then due on both grounds
    assert result == DueResult(DueStatus.DUE, ["Cán bộ trong quy hoạch.", "Lãnh đạo chủ chốt là người địa phương."],
                               BASIS_ROTATION)
    # and with 59 months left, exempt
    assert rotation(is_key_post=True, is_local=True, in_planning=True,
                    retirement_date=add_months(ON, 59)).status == DueStatus.EXEMPT


def test_a_planned_cadre_who_is_a_non_local_key_leader_short_of_two_terms_needs_120_months():
    # no key-leader ground (not local, 119 months as head): the planning ground alone needs 10 years
    result = rotation(is_key_post=True, in_planning=True, months_as_head_in_same_place=119,
                      retirement_date=add_months(ON, 100))
    assert result.status == DueStatus.EXEMPT
    assert result.reasons[-1].startswith("Thời gian công tác còn lại 100 tháng, dưới 120 tháng (10 năm)")


def test_a_non_local_key_leader_with_120_months_as_head_in_one_place_is_due():
    assert rotation(is_key_post=True, months_as_head_in_same_place=120, retirement_date=add_months(ON, 60)) == \
        DueResult(DueStatus.DUE, [
            "Lãnh đạo chủ chốt đã giữ chức cấp trưởng 120 tháng ở một địa phương, đơn vị (từ 120 tháng, tương đương "
            "2 nhiệm kỳ liên tiếp)."], BASIS_ROTATION)


def test_a_non_local_key_leader_with_119_months_as_head_in_one_place_is_not_a_target():
    assert rotation(is_key_post=True, months_as_head_in_same_place=119) == DueResult(DueStatus.NOT_TARGET, [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị 119 tháng "
        "(chưa đủ 120 tháng)."], BASIS_ROTATION)


def test_someone_neither_planned_nor_a_key_leader_is_not_a_target():
    assert rotation(is_local=True, months_as_head_in_same_place=200) == DueResult(DueStatus.NOT_TARGET, [
        "Không trong quy hoạch và không giữ chức danh lãnh đạo chủ chốt."], BASIS_ROTATION)


def test_not_target_comes_before_exempt():
    assert rotation(retirement_date=add_months(ON, 12)).status == DueStatus.NOT_TARGET
    assert rotation(is_key_post=True, is_local=True, retirement_date=add_months(ON, 12)).status == DueStatus.EXEMPT


def test_a_local_override_changes_the_number_and_is_cited_as_such(settings):
    # given the locality sets 96 months for planned cadres and 6 for periodic change
    settings.CHIDAO_RULE_OVERRIDES = {"rotation_min_months_left_planned": 96,
                                      "periodic_change_exempt_months_to_retirement": 6}
    book = rulebook_on(ON)
    assert (book.rotation_min_months_left_planned.value, book.rotation_min_months_left_planned.overridden) == (96, True)
    assert book.rotation_min_months_left_key_leader.overridden is False
    # then 96 months left is enough and 95 is not, and the reason says the number is a local adjustment
    assert rotation(in_planning=True, retirement_date=add_months(ON, 96)).status == DueStatus.DUE
    assert rotation(in_planning=True, retirement_date=add_months(ON, 95)).reasons[-1] == (
        "Thời gian công tác còn lại 95 tháng, dưới 96 tháng (8 năm) đến tuổi nghỉ hưu (nghỉ hưu từ ngày 01/05/2033; "
        f"{PLANNED_SOURCE} (điều chỉnh tại địa phương: 96; văn bản quy định 120)).")
    assert periodic(retirement_date=add_months(ON, 6)).status == DueStatus.DUE
    assert periodic(retirement_date=add_months(ON, 5)).status == DueStatus.EXEMPT


def test_without_an_override_the_rulebook_number_applies(settings):
    settings.CHIDAO_RULE_OVERRIDES = {}
    assert rulebook_on(ON).rotation_min_months_left_planned.overridden is False
    assert rotation(in_planning=True, retirement_date=add_months(ON, 96)).status == DueStatus.EXEMPT


# --- key posts by level and date; local after the 2025 merger (pure) -------------------------------

def test_a_district_key_post_is_one_through_30_06_2025_and_not_from_01_07_2025():
    assert key_post_applies(unit_level="district", on=dt.date(2025, 6, 30)) is True
    assert key_post_applies(unit_level="district", on=dt.date(2025, 7, 1)) is False


@pytest.mark.parametrize("level", ["province", "commune"])
def test_province_and_commune_key_posts_are_key_before_and_after_01_07_2025(level):
    assert key_post_applies(unit_level=level, on=dt.date(2025, 6, 30)) is True
    assert key_post_applies(unit_level=level, on=dt.date(2025, 7, 1)) is True


def test_a_hometown_recorded_as_a_former_district_is_local_to_its_successors_only():
    # given former district 10 merged into new wards 21 and 22 (then 22 into 31), ward 23 unrelated
    successors = {10: [21, 22], 22: [31]}
    assert hometown_is_local(hometown_id=10, successors=successors, subtree={21}) is True
    assert hometown_is_local(hometown_id=10, successors=successors, subtree={31}) is True
    assert hometown_is_local(hometown_id=10, successors=successors, subtree={23}) is False
    assert hometown_is_local(hometown_id=None, successors=successors, subtree={21}) is False


@pytest.mark.parametrize(("title", "level", "head"), [
    ("Bí thư Đảng ủy phường", PostLevel.HEAD_DEPARTMENT, True),
    ("Phó Bí thư Đảng ủy phường", PostLevel.DEPUTY_DEPARTMENT, False),
    ("Phó Chủ tịch UBND phường", PostLevel.HEAD_DEPARTMENT, False),
    ("Trưởng phòng Nội vụ", PostLevel.HEAD_DIVISION, True),
    ("Chuyên viên", PostLevel.STAFF, False),
])
def test_a_head_post_is_a_leading_level_whose_title_is_not_a_deputy(title, level, head):
    assert is_head_post(level=level, title=title) is head
