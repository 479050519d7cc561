"""The two rules of a due list, edge by edge, without a database.

Rule 1, periodic position change (Law on Anti-Corruption 2018 Art. 24-25; Decree 59/2019/NĐ-CP Art. 36-38),
and rule 2, rotation (Regulation 65-QĐ/TW, 2022). "Dưới 18 tháng" means fewer than 18 full months to the
retirement date: exactly 18 full months left is not exempt, 17 months and 29 days is.
"""

import datetime as dt

import pytest

from chidao.personnel.models import DeferralKind, Sector
from chidao.personnel.rules import add_months
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

def rotation(**given) -> DueResult:
    args = {"is_key_post": False, "in_planning": False, "is_local": False, "months_in_same_place": 0,
            "retirement_date": add_months(ON, 200), "on": ON}
    return rotation_status(**{**args, **given})


def test_a_planned_cadre_with_10_years_left_is_due():
    assert rotation(in_planning=True, retirement_date=add_months(ON, 120)) == DueResult(
        DueStatus.DUE, ["Cán bộ trong quy hoạch."], BASIS_ROTATION)


def test_a_planned_cadre_with_9_years_11_months_left_is_exempt():
    assert rotation(in_planning=True, retirement_date=add_months(ON, 119)) == DueResult(DueStatus.EXEMPT, [
        "Cán bộ trong quy hoạch.",
        "Thời gian công tác còn lại 119 tháng, dưới 120 tháng đến tuổi nghỉ hưu (nghỉ hưu từ ngày 01/05/2035)."],
        BASIS_ROTATION)


def test_a_local_key_leader_is_due():
    assert rotation(is_key_post=True, is_local=True, months_in_same_place=30) == DueResult(
        DueStatus.DUE, ["Lãnh đạo chủ chốt là người địa phương."], BASIS_ROTATION)


def test_a_non_local_key_leader_with_120_months_in_one_place_is_due():
    assert rotation(is_key_post=True, months_in_same_place=120) == DueResult(DueStatus.DUE, [
        "Lãnh đạo chủ chốt đã giữ chức vụ 120 tháng ở một địa phương, đơn vị (từ 120 tháng, tương đương 2 nhiệm kỳ "
        "liên tiếp)."], BASIS_ROTATION)


def test_a_non_local_key_leader_with_119_months_in_one_place_is_not_a_target():
    assert rotation(is_key_post=True, months_in_same_place=119) == DueResult(DueStatus.NOT_TARGET, [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức vụ ở một địa phương, đơn vị 119 tháng (chưa đủ 120 "
        "tháng)."], BASIS_ROTATION)


def test_someone_neither_planned_nor_a_key_leader_is_not_a_target():
    assert rotation(is_local=True, months_in_same_place=200) == DueResult(DueStatus.NOT_TARGET, [
        "Không trong quy hoạch và không giữ chức danh lãnh đạo chủ chốt."], BASIS_ROTATION)


def test_not_target_comes_before_exempt():
    assert rotation(retirement_date=add_months(ON, 12)).status == DueStatus.NOT_TARGET
    assert rotation(is_key_post=True, is_local=True, retirement_date=add_months(ON, 12)).status == DueStatus.EXEMPT


def test_numbers_come_from_settings(settings):
    settings.CHIDAO_RULES = {**settings.CHIDAO_RULES, "rotation_min_months_left": 60,
                             "periodic_change_exempt_months_to_retirement": 6}
    assert rotation(in_planning=True, retirement_date=add_months(ON, 60)).status == DueStatus.DUE
    assert periodic(retirement_date=add_months(ON, 6)).status == DueStatus.DUE
    assert periodic(retirement_date=add_months(ON, 5)).status == DueStatus.EXEMPT
