"""The procedures demo's extra departments."""

import pytest

from chidao.core.models import Unit
from chidao.core.text import fold
from chidao.demo.procedures import procedures_load

pytestmark = pytest.mark.django_db


def test_the_extra_departments_are_found_by_an_accent_free_search():
    # Given the procedures demo, which adds two departments to the reference units
    procedures_load()
    # When units are searched without diacritics, the way search terms are folded
    found = Unit.objects.filter(search_text__contains=fold("so nong nghiep va moi truong"))
    # Then the department is found, its search text folded as the reference units' are
    assert [u.code for u in found] == ["SNNMT"]
    assert Unit.objects.get(code="SXD").search_text == "so xay dung sxd sxd"
