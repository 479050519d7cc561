"""The demo of issue 14: departments inside Sở Nội vụ with their headcount and a personnel officer with a second
grant (Sở Xây dựng), made through the services; loaded once."""

import pytest

from chidao.core.models import ChangeRecord, Role, RoleGrant, Unit, UnitKind, User
from chidao.demo.accounts import accounts_load
from chidao.demo.people import people_load
from chidao.demo.procedures import procedures_load
from chidao.demo.program import demo_load
from chidao.personnel.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_departments_and_the_second_grant():
    # Given the program, procedures (Sở Xây dựng) and people demos
    assert demo_load()
    procedures_load()
    people_load(count=60)
    # When the accounts demo loads
    loaded = accounts_load()
    # Then four departments sit inside Sở Nội vụ with their headcount, and tccb.snv also serves Sở Xây dựng
    assert loaded is not None and (loaded.departments, loaded.grants) == (4, 1)
    snv = Unit.objects.get(code="SNV")
    assert snv.headcount == 62
    inside = list(Unit.objects.filter(parent=snv).order_by("code").values_list("code", "kind", "headcount"))
    assert inside == [("SNV-CCHC", UnitKind.DEPARTMENT, 11), ("SNV-CCVC", UnitKind.DEPARTMENT, 10),
                      ("SNV-TCBC", UnitKind.DEPARTMENT, 12), ("SNV-VP", UnitKind.DEPARTMENT, 14)]
    officer = User.objects.get(username="tccb.snv")
    sxd = Unit.objects.get(code="SXD")
    assert list(RoleGrant.objects.filter(user=officer).values_list("role", "unit")) == [(Role.PERSONNEL, sxd.pk)]
    # and the officer's scope now holds the people of both agencies, and only those
    seen = set(Person.objects.visible_to(officer).values_list("unit__code", flat=True))
    # (the cadre demo put the staff of Sở Xây dựng in its departments SXD.VP, SXD.TCCB and SXD.KHTC)
    assert "SXD" in seen and "SNV" in seen and seen <= {"SNV", "SXD", "SNV-VP", "SNV-TCBC", "SNV-CCHC", "SNV-CCVC",
                                                        "SXD.VP", "SXD.TCCB", "SXD.KHTC"}
    # And a second load changes nothing
    before = (Unit.objects.count(), RoleGrant.objects.count(), ChangeRecord.objects.count())
    assert accounts_load() is None
    assert (Unit.objects.count(), RoleGrant.objects.count(), ChangeRecord.objects.count()) == before
