"""The demo: five indicators, their targets and actuals, the 2021 task force; refuses a second load."""

import datetime as dt
from decimal import Decimal

import pytest

from chidao.core.models import ChangeRecord, Role, Unit, User
from chidao.core.ratings import Rating
from chidao.demo.indicators import TASK_FORCE_NAME, indicators_load
from chidao.demo.program import demo_load
from chidao.indicators import selectors
from chidao.indicators.models import Actual, Indicator, Target, TaskForce
from chidao.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_demo_counts_ratings_and_refusal_on_an_empty_database():
    result = indicators_load()
    assert result is not None
    assert (result.indicators, result.targets, result.actuals) == (5, 24, 24)
    assert (Indicator.objects.count(), Target.objects.count(), Actual.objects.count()) == (5, 24, 24)
    assert all("(số liệu mẫu)" in name for name in Indicator.objects.values_list("name", flat=True))
    rate = Indicator.objects.get(code="GNDTC")
    assert rate.actuals.count() == 12
    assert rate.actuals.order_by("as_of").last().value == Decimal("90.20")
    assert rate.targets.get(period_end=dt.date(2022, 1, 31)).value == Decimal("95.00")
    tf = TaskForce.objects.get()
    assert tf.name == TASK_FORCE_NAME
    assert (tf.members.count(), tf.projects.count(), tf.procedures.count(), tf.deliverables.count()) == (5, 3, 0, 0)
    reform = User.objects.get(role=Role.REFORM)
    assert reform.username == "caicach"
    statuses = selectors.indicator_statuses(user=reform, as_of=dt.date(2022, 12, 1))
    ratings = {s.indicator.code: s.rating for s in statuses}
    assert ratings == {"GNDTC": Rating.GREEN, "PAR": Rating.GREEN, "SIPAS": Rating.AMBER, "PAPI": Rating.RED,
                       "PCI": Rating.GREEN}
    before = (Indicator.objects.count(), TaskForce.objects.count(), ChangeRecord.objects.count())
    assert indicators_load() is None
    assert (Indicator.objects.count(), TaskForce.objects.count(), ChangeRecord.objects.count()) == before


def test_demo_after_the_program_demo_links_procedures_and_the_disbursement_deliverable():
    assert demo_load()
    Procedure.objects.create(code="2.001", name="Thẩm định dự án đầu tư", level="province", field="Đầu tư",
                             unit=Unit.objects.get(code="STC"))
    Procedure.objects.create(code="2.002", name="Cấp giấy phép xây dựng", level="province", field="Xây dựng",
                             unit=Unit.objects.get(code="STC"))
    Procedure.objects.create(code="2.003", name="Đăng ký khai sinh", level="commune", field="Hộ tịch",
                             unit=Unit.objects.get(code="STP"))
    result = indicators_load()
    assert result is not None
    tf = result.task_force
    assert sorted(p.code for p in tf.procedures.all()) == ["2.001", "2.002"]
    assert "giải ngân vốn đầu tư công" in tf.deliverables.get().title
    # The units' lead officers reported their figures
    assert Actual.objects.filter(indicator__code="GNDTC").first().reported_by.username == "cb.stc"
    assert Actual.objects.filter(indicator__code="PAR").first().reported_by.username == "cb.snv"
