"""Fixtures for rotation tests (due lists and plans alike).

From tests/conftest.py: `units`, `users`. Re-exported from tests/personnel/conftest.py (pytest shares
conftest fixtures only down the directory tree): `tree` (SNV with a division below it), `hr` (personnel
officers of SNV and STC), `posts` (leading, key and sector posts of SNV and STC), `make_person`
(a person with an assignment to a post from a date). Added here: `wards` (two communes, for hometowns),
`make_round` (a round opened through the service), `defer` (a deferral through the service), `ON`.
"""

import datetime as dt

import pytest

from chidao.core.models import Unit, UnitKind, UnitLevel
from chidao.personnel import services as personnel_services
from chidao.personnel.models import Deferral, Person
from chidao.rotation import due
from chidao.rotation.models import RotationRound, RoundKind
from tests.personnel import conftest as personnel_fixtures

# Fixtures of tests/personnel, made visible to this directory (pytest finds fixtures by module attribute).
tree = personnel_fixtures.tree
hr = personnel_fixtures.hr
posts = personnel_fixtures.posts
make_person = personnel_fixtures.make_person

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
