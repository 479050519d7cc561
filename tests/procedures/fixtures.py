"""Procedures fixtures (a pytest plugin, registered in tests/conftest.py so tests/api sees them too): units with
a People's Committee subtree and a ward, a reform-office user, a procedure factory and a decision factory (both
through the services)."""

import datetime as dt
import itertools

import pytest

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.procedures import services
from chidao.procedures.models import Level, Procedure, PublicationDecision


@pytest.fixture
def proc_units(units) -> dict[str, Unit]:
    """The shared units plus UBND (under the city) with two departments, and a ward (commune level)."""

    def unit(code: str, name: str, kind: str, parent: Unit, level: str = UnitLevel.PROVINCE) -> Unit:
        return Unit.objects.create(code=code, name=name, kind=kind, level=level, parent=parent)

    ubnd = unit("UBND", "Ủy ban nhân dân Thành phố Hà Nội", UnitKind.PEOPLES_COMMITTEE, units["city"])
    return {
        **units,
        "ubnd": ubnd,
        "vpub": unit("VPUB", "Văn phòng UBND Thành phố", UnitKind.DEPARTMENT, ubnd),
        "syt": unit("SYT", "Sở Y tế", UnitKind.DEPARTMENT, ubnd),
        "sgd": unit("SGDDT", "Sở Giáo dục và Đào tạo", UnitKind.DEPARTMENT, ubnd),
        "ward": unit("W00004", "Phường Ba Đình", UnitKind.COMMUNE, units["city"], UnitLevel.COMMUNE),
    }


@pytest.fixture
def reform_user(proc_units) -> User:
    user = User(username="cchc", role=Role.REFORM, unit=proc_units["vpub"], full_name="Cán bộ CCHC")
    user.set_password("pw")
    user.save()
    return user


@pytest.fixture
def proc_users(users, reform_user) -> dict[str, User]:
    """The shared users (admin, office, steering, auditor, lead officers) plus "reform"."""
    return {**users, "reform": reform_user}


@pytest.fixture
def make_procedure(proc_units, reform_user):
    """make_procedure(code=..., name=..., level=..., field=..., unit="syt", **content) -> Procedure."""
    counter = itertools.count(1)

    def make(*, code: str | None = None, name: str | None = None, level: str = Level.PROVINCE,
             field: str = "Y tế", unit: str = "syt", **content: object) -> Procedure:
        n = next(counter)
        return services.procedure_create(
            actor=reform_user, code=code or f"1.{n:06d}.000.00.00.H26",
            name=name or f"Cấp giấy phép thử số {n}", level=level, field=field, unit=proc_units[unit],
            **content)

    return make


@pytest.fixture
def make_decision(proc_units, reform_user):
    """make_decision(number, effective_on, items=[(procedure, action, replaces)]) -> PublicationDecision."""

    def make(number: str, effective_on: dt.date, items: list, *, signed_on: dt.date | None = None,
             title: str = "Công bố danh mục thủ tục hành chính (thử)") -> PublicationDecision:
        return services.decision_create(
            actor=reform_user, number=number, title=title, signed_on=signed_on or effective_on,
            effective_on=effective_on, issuer=proc_units["ubnd"], items=items)

    return make
