"""A person code held by a record outside the actor's scope is refused without revealing that the record exists
(issue 13, item 12): the import and the services say only that the code cannot be used."""

import datetime as dt

import pytest

from chidao.personnel import excel, services
from chidao.personnel.models import Person
from tests.personnel.test_import import counts, workbook

pytestmark = pytest.mark.django_db


def test_the_import_does_not_reveal_a_code_held_outside_the_importers_scope(hr, posts, make_person):
    # Given a record of Sở Tài chính, which the personnel officer of Sở Nội vụ cannot see, and one of Sở Nội vụ
    hidden = make_person(post="stc_staff")
    own = make_person(post="snv_staff")
    before = counts()
    # When that officer imports a file reusing both codes
    result = excel.people_import(actor=hr["snv"], file=workbook(
        people=[[hidden.code, "Nguyễn Văn Mới", "05/03/1975", "Nam", "", "", "", "", ""],
                [own.code, "Trần Văn Mới", "05/03/1975", "Nam", "", "", "", "", ""]],
        assignments=[[c, "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", "", "tuyển dụng", "01/01/2000", "", ""]
                     for c in (hidden.code, own.code)]))
    # Then the code it cannot see is only "not usable"; the one it sees "already exists"; nothing is written
    assert [(e.sheet, e.row, e.message) for e in result.errors] == [
        ("Cán bộ", 5, f"Mã hồ sơ {hidden.code} không dùng được."),
        ("Cán bộ", 6, f"Mã hồ sơ {own.code} đã có.")]
    assert counts() == before


def test_the_services_do_not_reveal_a_code_held_outside_the_actors_scope(hr, tree, posts, make_person):
    # Given a record the officer cannot see, and two it can
    hidden = make_person(post="stc_staff")
    own, other_own = make_person(post="snv_staff"), make_person(post="snv_staff")
    hidden_says, own_says = f"Mã hồ sơ {hidden.code} không dùng được.", f"Mã hồ sơ {own.code.lower()} đã có."
    for code, message in ((hidden.code, hidden_says), (own.code.lower(), own_says)):
        # When it creates a record, or renames one of its own, with a code already held
        with pytest.raises(services.ValidationError) as created:
            services.person_create(actor=hr["snv"], code=code, full_name="Nguyễn Văn Mới",
                                   birth_date=dt.date(1975, 3, 5), gender="male", unit=tree["snv"])
        with pytest.raises(services.ValidationError) as updated:
            services.person_update(actor=hr["snv"], person=Person.objects.get(pk=other_own.pk), code=code)
        # Then the code out of its scope is only "not usable", and nothing is written
        assert created.value.message_dict == updated.value.message_dict == {"code": [message]}
    assert Person.objects.filter(full_name="Nguyễn Văn Mới").count() == 0
    assert Person.objects.get(pk=other_own.pk).code == other_own.code
