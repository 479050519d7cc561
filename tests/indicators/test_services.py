"""Writes: validation, access (the reform office edits; lead officers report their unit's actuals), audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.core.ratings import Rating
from chidao.indicators import selectors, services
from chidao.indicators.models import Actual, Indicator, ProjectStatus, Target, TaskForce
from chidao.procedures.models import Procedure

pytestmark = pytest.mark.django_db
D = dt.date


def counts() -> tuple[int, int, int, int, int]:
    return (Indicator.objects.count(), Target.objects.count(), Actual.objects.count(), TaskForce.objects.count(),
            ChangeRecord.objects.count())


# --- Reform office edits ------------------------------------------------------------------------------


def test_reform_office_creates_an_indicator_sets_targets_and_each_write_is_audited(reform, units):
    before = ChangeRecord.objects.count()
    indicator = services.indicator_create(
        actor=reform, code="PAR", name="Chỉ số PAR", unit_of_measure="%", baseline_value=Decimal("87.21"),
        baseline_date=D(2020, 12, 31), responsible_unit=units["snv"])
    target = services.target_set(actor=reform, indicator=indicator, period_end=D(2021, 12, 31),
                                 value=Decimal("88.5"))
    replaced = services.target_set(actor=reform, indicator=indicator, period_end=D(2021, 12, 31),
                                   value=Decimal("89"))
    assert replaced.pk == target.pk
    assert list(indicator.targets.values_list("value", flat=True)) == [Decimal("89.00")]
    records = list(ChangeRecord.objects.order_by("id")[before:].values_list("action", "before", "after"))
    assert [r[0] for r in records] == ["create", "create", "update"]
    assert records[2][1]["value"] == "88.50" and records[2][2]["value"] == "89.00"


def test_target_set_from_a_decree_09_period_code(make_indicator, reform):
    indicator = make_indicator()
    target = services.target_set(actor=reform, indicator=indicator, period_code="2021-Q4", value=Decimal("70"))
    assert (target.period_start, target.period_end, target.period_code) == (D(2021, 9, 15), D(2021, 12, 14),
                                                                            "2021-Q4")
    with pytest.raises(ValidationError) as exc:
        services.target_set(actor=reform, indicator=indicator, period_code="2021-X", value=Decimal("70"))
    assert "period_code" in exc.value.message_dict


def test_target_must_fall_after_the_baseline_and_percentages_stay_within_0_100(make_indicator, reform):
    indicator = make_indicator()
    with pytest.raises(ValidationError) as exc:
        services.target_set(actor=reform, indicator=indicator, period_end=D(2020, 12, 31), value=Decimal("101"))
    assert set(exc.value.message_dict) == {"period_end", "value"}
    assert indicator.targets.count() == 0


def test_indicator_update_changes_and_records(make_indicator, reform):
    indicator = make_indicator()
    updated = services.indicator_update(actor=reform, indicator=indicator, name="Tên mới", reason="Sửa tên")
    assert Indicator.objects.get(pk=indicator.pk).name == "Tên mới" == updated.name
    record = ChangeRecord.objects.filter(action="update").latest("id")
    assert (record.before["name"], record.after["name"], record.reason) == ("Chỉ số thử 1", "Tên mới", "Sửa tên")


# --- actual_report validation -------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "kwargs"), [
    ("value", {"value": Decimal("100.01")}),
    ("value", {"value": Decimal("-0.01")}),
    ("as_of", {"as_of": "tomorrow"}),
    ("source", {"source": "  "}),
])
def test_actual_report_refuses_bad_input_and_writes_nothing(make_indicator, reform, field, kwargs):
    indicator = make_indicator(uom="%")
    before = counts()
    data = {"as_of": D(2021, 6, 30), "value": Decimal("50"), "source": "Sở Tài chính báo cáo"} | kwargs
    if data["as_of"] == "tomorrow":
        data["as_of"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.actual_report(actor=reform, indicator=indicator, **data)
    assert list(exc.value.message_dict) == [field]
    assert counts() == before


def test_actual_report_accepts_the_edges_and_a_second_report_corrects_the_first(make_indicator, reform, units):
    indicator = make_indicator(uom="%")
    services.actual_report(actor=reform, indicator=indicator, as_of=D(2021, 1, 31), value=Decimal("0"), source="A")
    services.actual_report(actor=reform, indicator=indicator, as_of=timezone.localdate(), value=Decimal("100"),
                           source="B")
    services.actual_report(actor=reform, indicator=indicator, as_of=D(2021, 1, 31), value=Decimal("2.5"),
                           source="A, đính chính")
    assert list(indicator.actuals.order_by("as_of").values_list("value", "source")) == [
        (Decimal("2.50"), "A, đính chính"), (Decimal("100.00"), "B")]
    last = ChangeRecord.objects.latest("id")
    assert (last.action, last.before["value"], last.after["value"]) == ("update", "0.00", "2.50")
    # The reporting unit is the reporter's own (the reform office's) ...
    assert indicator.actuals.first().reporting_unit == units["snv"]


def test_a_manager_with_no_unit_reports_for_the_responsible_unit_or_the_one_named(make_indicator, users, units):
    indicator = make_indicator(unit="stc")
    first = services.actual_report(actor=users["admin"], indicator=indicator, as_of=D(2021, 1, 31),
                                   value=Decimal("1"), source="A")
    second = services.actual_report(actor=users["admin"], indicator=indicator, as_of=D(2021, 2, 28),
                                    value=Decimal("2"), source="A", reporting_unit=units["stp"])
    assert (first.reporting_unit, second.reporting_unit) == (units["stc"], units["stp"])


def test_points_are_not_bounded(make_indicator, reform):
    indicator = make_indicator(uom="điểm", baseline="40")
    actual = services.actual_report(actor=reform, indicator=indicator, as_of=D(2021, 12, 31), value=Decimal("120"),
                                    source="UNDP công bố")
    assert actual.value == Decimal("120")


# --- Access -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "steering", "auditor", "stc"])
def test_only_the_reform_office_and_admin_edit(users, units, make_indicator, who):
    indicator = make_indicator(unit="stc")
    actor = users[who]
    before = counts()
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=actor, code="X", name="X", unit_of_measure="%", baseline_value=Decimal(1),
                                  baseline_date=D(2020, 1, 1), responsible_unit=units["stc"])
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=actor, indicator=indicator, name="Đổi")
    with pytest.raises(PermissionDenied):
        services.target_set(actor=actor, indicator=indicator, period_end=D(2021, 12, 31), value=Decimal("9"))
    with pytest.raises(PermissionDenied):
        services.task_force_create(actor=actor, name="Tổ", remit="Việc")
    assert counts() == before
    assert Indicator.objects.get(pk=indicator.pk).name == "Chỉ số thử 1"


def test_admin_edits(users, make_indicator):
    indicator = make_indicator()
    services.target_set(actor=users["admin"], indicator=indicator, period_end=D(2021, 12, 31), value=Decimal("9"))
    assert indicator.targets.count() == 1


def test_a_lead_officer_reports_only_for_their_units_indicators(users, units, make_indicator):
    own = make_indicator(unit="stc")
    other = make_indicator(unit="snv")
    actual = services.actual_report(actor=users["stc"], indicator=own, as_of=D(2021, 12, 31), value=Decimal("90.2"),
                                    source="Sở Tài chính", reporting_unit=units["snv"])
    # The reporting unit is the officer's own, whatever they name
    assert (actual.reported_by, actual.reporting_unit) == (users["stc"], units["stc"])
    before = counts()
    for who in ("stc", "office", "steering"):
        with pytest.raises(PermissionDenied):
            services.actual_report(actor=users[who], indicator=other, as_of=D(2021, 12, 31), value=Decimal("1"),
                                   source="x")
    assert counts() == before


# --- Task forces ---------------------------------------------------------------------------------------


def test_task_force_with_members_projects_and_links(reform, users, units, make_deliverable):
    proc = Procedure.objects.create(code="1.001", name="Thẩm định dự án", level="province", field="Đầu tư",
                                    unit=units["stc"])
    deliverable = make_deliverable(lead="stc")
    tf = services.task_force_create(
        actor=reform, name="Tổ công tác", remit="Tháo gỡ vướng mắc", leader="Phó Chủ tịch",
        active_from=D(2021, 7, 15), active_to=D(2022, 1, 31),
        members=[{"full_name": "Giám đốc Sở Tài chính", "role": "Tổ phó", "unit": units["stc"]}],
        projects=[{"name": "Dự án A", "investor": "Ban QLDA", "capital": Decimal("1250"),
                   "status": ProjectStatus.CLEARING}],
    )
    services.task_force_link_procedures(actor=reform, task_force=tf, procedures=[proc])
    services.task_force_link_deliverables(actor=reform, task_force=tf, deliverables=[deliverable])
    services.task_force_update(actor=reform, task_force=tf, leader="Chủ tịch", members=[
        {"full_name": "A", "role": "Tổ trưởng"}, {"full_name": "B", "role": "Thành viên"}])
    tf.refresh_from_db()
    assert tf.leader == "Chủ tịch"
    assert [str(m) for m in tf.members.all()] == ["A (Tổ trưởng)", "B (Thành viên)"]
    assert [p.name for p in tf.projects.all()] == ["Dự án A"]
    assert list(tf.procedures.all()) == [proc] and list(tf.deliverables.all()) == [deliverable]
    assert list(ChangeRecord.objects.filter(object_id=str(tf.pk), content_type__model="taskforce")
                .order_by("id").values_list("action", flat=True)) == ["create", "update", "update", "update"]
    # The office may not relink; nothing changes
    with pytest.raises(PermissionDenied):
        services.task_force_link_procedures(actor=users["office"], task_force=tf, procedures=[])
    assert list(tf.procedures.all()) == [proc]
    # A lead officer of another unit does not see the deliverable on the page's list
    assert list(selectors.task_force_deliverables(user=users["snv"], task_force=tf)) == []
    assert list(selectors.task_force_deliverables(user=users["stc"], task_force=tf)) == [deliverable]


def test_task_force_validation(reform):
    with pytest.raises(ValidationError) as exc:
        services.task_force_create(actor=reform, name=" ", remit="", active_from=D(2021, 7, 1),
                                   active_to=D(2021, 6, 1))
    assert set(exc.value.message_dict) == {"name", "remit", "active_to"}
    assert TaskForce.objects.count() == 0


# --- The standing as of a date --------------------------------------------------------------------------


def test_status_rates_the_latest_actual_against_the_path_at_its_date(make_indicator, settings):
    # Given a path from 0 (31/12/2020) to 73 (31/12/2021, 365 days): 0.2 a day, 36.60 on 02/07/2021 (day 183)
    indicator = make_indicator(targets=[(D(2021, 12, 31), "73")],
                               actuals=[(D(2021, 3, 31), "20"), (D(2021, 7, 2), "35")])
    state = selectors.indicator_status(indicator=indicator, as_of=D(2021, 8, 1))
    assert state.path_at_latest == Decimal("36.60")
    assert state.gap == Decimal("-1.60")
    assert state.rating == Rating.AMBER  # short by 1.60: within 5 % of 36.60 (1.83)
    assert state.target_now == Decimal("42.60")  # day 213
    # Before the second actual, only the first counts
    early = selectors.indicator_status(indicator=indicator, as_of=D(2021, 5, 1))
    assert early.latest is not None and early.latest.value == Decimal("20")
    # A tighter tolerance (4 %: 1.464) makes it red
    settings.CHIDAO_INDICATORS = {**settings.CHIDAO_INDICATORS, "amber_tolerance_percent": 4}
    assert selectors.indicator_status(indicator=indicator, as_of=D(2021, 8, 1)).rating == Rating.RED


def test_status_forecast_and_grey(make_indicator):
    indicator = make_indicator(targets=[(D(2021, 12, 31), "90")],
                               actuals=[(D(2021, 1, 31), "10"), (D(2021, 3, 2), "20")])
    state = selectors.indicator_status(indicator=indicator, as_of=D(2021, 3, 2))
    # 10 points in 30 days: 304 days later, on 31/12/2021, 20 + 304 / 3 = 121.33, capped at 100 %
    assert state.forecast is not None
    assert (state.forecast.day, state.forecast.value, state.forecast.meets) == (D(2021, 12, 31), Decimal("100"),
                                                                                 True)
    assert "31/12/2021" in state.forecast_text
    blank = make_indicator()
    grey = selectors.indicator_status(indicator=blank, as_of=D(2021, 3, 2))
    assert (grey.rating, grey.latest, grey.forecast) == (Rating.GREY, None, None)
