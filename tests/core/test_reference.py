import datetime as dt

import pytest

from chidao.core.models import Unit, UnitKind, UnitLevel
from chidao.core.reference import unit_subtree_ids, units_load_reference


@pytest.mark.django_db
def test_reference_units_hold_hanoi_wards_and_bodies_and_are_idempotent():
    first = units_load_reference()
    second = units_load_reference()
    assert first == second
    wards = Unit.objects.filter(kind=UnitKind.COMMUNE)
    assert wards.count() == 126
    hoan_kiem = Unit.objects.get(name="Phường Hoàn Kiếm")
    assert hoan_kiem.official_code == "00070"
    assert hoan_kiem.level == UnitLevel.COMMUNE
    assert Unit.objects.get(code="BTCTU").parent.code == "TU"
    assert not Unit.objects.filter(level=UnitLevel.DISTRICT).current(dt.date(2025, 7, 1)).exists()


@pytest.mark.django_db
def test_old_districts_are_dated_and_keep_their_merge_lineage():
    units_load_reference()
    district = Unit.objects.get(code="Q-HOANKIEM")
    assert district.valid_to == dt.date(2025, 6, 30)
    assert sorted(district.successors.values_list("name", flat=True)) == ["Phường Cửa Nam", "Phường Hoàn Kiếm"]
    assert list(Unit.objects.get(name="Phường Cửa Nam").predecessors.values_list("code", flat=True)) == ["Q-HOANKIEM"]
    assert Unit.objects.current(dt.date(2025, 6, 30)).filter(code="Q-HOANKIEM").exists()
    assert not Unit.objects.current(dt.date(2025, 7, 1)).filter(code="Q-HOANKIEM").exists()


@pytest.mark.django_db
def test_subtree_ids(units):
    assert unit_subtree_ids(units["city"]) == {u.pk for u in units.values()}
    assert unit_subtree_ids(units["snv"]) == {units["snv"].pk}
