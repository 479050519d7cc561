"""The change log applies the maskers the apps register (core imports no app)."""

import pytest

from chidao.core import selectors
from chidao.core.audit import change_record_create
from chidao.core.models import Unit

pytestmark = pytest.mark.django_db


def test_a_registered_masker_is_applied_to_each_page_read(users, units, monkeypatch):
    # Given a masker registered for units that hides their code from everyone, and two recorded unit changes
    monkeypatch.setitem(selectors.CHANGE_MASKERS, ("core", "unit"),
                        lambda values, reader: {**values, "code": f"hidden from {reader.username}"})
    for unit in (units["tu"], units["city"]):
        change_record_create(actor=users["admin"], action="update", obj=unit, before={"code": "X"},
                             after={"code": unit.code, "name": unit.name})
    log = selectors.change_record_list(user=users["admin"], filters=selectors.ChangeRecordFilters(
        object_type="core.unit"))
    # When a page of one record is read, and the whole log
    page = log[0:1]
    # Then the count comes from the database and every record read is masked, the other values kept
    assert log.count() == 2
    assert [(r.before, r.after) for r in page] == [
        ({"code": "hidden from admin"}, {"code": "hidden from admin", "name": "Thành phố Hà Nội"})]
    assert [r.after["code"] for r in log] == ["hidden from admin"] * 2
    assert Unit.objects.filter(code="HN").exists()  # the unit itself is untouched
