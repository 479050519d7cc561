"""Indicator fixtures (a pytest plugin, registered in tests/conftest.py so tests/api sees them too): the reform
office's user and an indicator factory (through the services)."""

import datetime as dt
from decimal import Decimal

import pytest

from chidao.core.models import Role, User
from chidao.indicators import services


@pytest.fixture
def reform(units) -> User:
    user = User(username="reform", role=Role.REFORM, unit=units["snv"], full_name="Cán bộ cải cách")
    user.set_password("pw")
    user.save()
    return user


@pytest.fixture
def make_indicator(reform, units):
    counter = iter(range(1, 10_000))

    def make(*, unit="stc", uom="%", baseline="0", baseline_date=dt.date(2020, 12, 31), higher_is_better=True,
             targets=(), actuals=()):
        n = next(counter)
        indicator = services.indicator_create(
            actor=reform, code=f"CS{n:02d}", name=f"Chỉ số thử {n}", unit_of_measure=uom,
            baseline_value=Decimal(baseline), baseline_date=baseline_date, responsible_unit=units[unit],
            higher_is_better=higher_is_better,
        )
        for day, value in targets:
            services.target_set(actor=reform, indicator=indicator, period_end=day, value=Decimal(value))
        for day, value in actuals:
            services.actual_report(actor=reform, indicator=indicator, as_of=day, value=Decimal(value),
                                   source="Báo cáo thử")
        return indicator

    return make
