"""Rotation fixtures (a pytest plugin, registered in tests/conftest.py so tests/api and tests/core see them):
`wards` (two communes, for hometowns), `make_round` (a round opened through the service), `defer` (a deferral
through the service), and `ON`, the date rounds are computed at. They build on `units`, `users` (tests/conftest.py)
and `tree`, `hr`, `posts`, `make_person` (tests/personnel/fixtures.py).
"""

import datetime as dt

import pytest

from chidao.core.models import Unit, UnitKind, UnitLevel
from chidao.personnel import services as personnel_services
from chidao.personnel.models import Deferral, Person
from chidao.rotation import due
from chidao.rotation.models import RotationRound, RoundKind

# The date rounds are computed at unless a test says otherwise.
ON = dt.date(2025, 6, 1)


@pytest.fixture
def wards(tree):
    """Two communes under the city, outside SNV and STC: places people come from (quê quán)."""
    def ward(code: str, name: str) -> Unit:
        return Unit.objects.create(code=code, name=name, kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE,
                                   parent=tree["city"])

    return {"ba_dinh": ward("P-BD", "Phường Ba Đình"), "hoan_kiem": ward("P-HK", "Phường Hoàn Kiếm")}


@pytest.fixture
def make_round(users, tree):
    def make(*, kind: str = RoundKind.PERIODIC_CHANGE, scope: str = "snv", as_of: dt.date = ON, actor: str = "office",
             name: str | None = None, year: int | None = None, actor_user=None) -> RotationRound:
        return due.round_create(actor=actor_user or users[actor], name=name or f"Đợt thử {kind} {scope}",
                                year=year or as_of.year, kind=kind, scope=tree[scope], as_of=as_of)

    return make


@pytest.fixture
def defer(users):
    def make(person: Person, kind: str, start: dt.date, end: dt.date | None = None) -> Deferral:
        return personnel_services.deferral_add(actor=users["admin"], person=person, kind=kind, start=start, end=end)

    return make
