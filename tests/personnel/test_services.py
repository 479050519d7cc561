"""Writing cadre records: derived fields, service history, both-way relatives, scope of personnel officers."""

import datetime as dt

import pytest

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.personnel import services
from chidao.personnel.models import Assignment, Gender, Person, Rating, Relation, Relative

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_new_person_gets_search_text_sort_key_and_retirement_date(users, tree):
    person = services.person_create(actor=users["admin"], code="CB1", full_name="  Đinh   Tiến Dũng ",
                                    birth_date=D(1961, 10, 15), gender=Gender.MALE, unit=tree["snv"])
    assert person.full_name == "Đinh Tiến Dũng"
    assert person.search_text == "dinh tien dung cb1"
    # Men born 10/1961 retire at 60 years 6 months (Decree 135/2020 App. I): pension from 01/05/2022.
    assert person.retirement_date == D(2022, 5, 1)
    assert ChangeRecord.objects.filter(action="create", object_id=str(person.pk)).count() == 1


def test_person_create_leaves_nothing_when_a_later_step_fails(users, tree, monkeypatch):
    # Given the change record, written after the person, fails
    def broken(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "change_record_create", broken)

    # When a person is created, Then the error comes through and no Person row is left behind
    with pytest.raises(RuntimeError):
        services.person_create(actor=users["admin"], code="CB-HALF", full_name="Nguyễn Văn Dở",
                               birth_date=D(1980, 1, 1), gender=Gender.MALE, unit=tree["snv"])
    assert Person.objects.filter(code="CB-HALF").count() == 0


def test_service_history_gives_the_current_post_and_closes_the_previous_one(make_person, users, posts):
    person = make_person(post="snv_staff", since=D(2015, 3, 1))
    services.assignment_add(actor=users["admin"], person=person, position=posts["snv_head"], kind="appointment",
                            start=D(2020, 7, 1), decision="12/QĐ-SNV")
    person.refresh_from_db()
    assert (person.position, person.position_since, person.unit) == (posts["snv_head"], D(2020, 7, 1),
                                                                     posts["snv_head"].unit)
    first = Assignment.objects.get(person=person, position=posts["snv_staff"])
    assert first.end == D(2020, 6, 30)
    with pytest.raises(ValidationError):  # a new post cannot start before the open one
        services.assignment_add(actor=users["admin"], person=person, position=posts["snv_deputy"],
                                kind="appointment", start=D(2019, 1, 1))
    assert Assignment.objects.filter(person=person).count() == 2


def test_relatives_are_linked_both_ways(make_person, users):
    parent = make_person(name="Nguyễn Văn Cha", born=D(1960, 1, 1))
    child = make_person(name="Nguyễn Văn Con", born=D(1990, 1, 1))
    services.relative_link(actor=users["admin"], person=child, relative=parent, relation=Relation.PARENT)
    assert Relative.objects.get(person=child).relation == Relation.PARENT
    assert Relative.objects.get(person=parent).relation == Relation.CHILD
    with pytest.raises(ValidationError):
        services.relative_link(actor=users["admin"], person=child, relative=child, relation=Relation.SIBLING)


def test_a_rating_is_one_per_year_and_a_correction_is_recorded(make_person, users):
    person = make_person()
    services.rating_set(actor=users["admin"], person=person, year=2023, level="good")
    services.rating_set(actor=users["admin"], person=person, year=2023, level="excellent")
    assert list(Rating.objects.filter(person=person).values_list("year", "level")) == [(2023, "excellent")]
    assert ChangeRecord.objects.filter(action="update", content_type__model="rating").count() == 1


def test_a_personnel_officer_writes_only_inside_their_subtree(make_person, hr, users, tree):
    outsider = make_person(post="stc_staff")
    before = (Person.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(PermissionDenied):
        services.rating_set(actor=hr["snv"], person=outsider, year=2023, level="good")
    with pytest.raises(PermissionDenied):
        services.person_create(actor=hr["snv"], code="X1", full_name="Lê Văn Bình", birth_date=D(1980, 1, 1),
                               gender=Gender.MALE, unit=tree["stc"])
    with pytest.raises(PermissionDenied):
        services.person_create(actor=users["snv"], code="X2", full_name="Lê Văn Bình", birth_date=D(1980, 1, 1),
                               gender=Gender.MALE, unit=tree["snv"])
    assert (Person.objects.count(), ChangeRecord.objects.count()) == before
    inside = services.person_create(actor=hr["snv"], code="X3", full_name="Lê Văn Bình", birth_date=D(1980, 1, 1),
                                    gender=Gender.MALE, unit=tree["snv_division"])
    assert inside.unit == tree["snv_division"]


def test_bad_values_are_refused_in_words(users, tree):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=users["admin"], code="CB9", full_name=" ", birth_date=D(1980, 1, 1),
                               gender="x", party_joined_on=D(1979, 1, 1), unit=tree["snv"])
    assert exc.value.message_dict == {
        "full_name": ["Nhập họ và tên."], "gender": ["Giới tính không hợp lệ."],
        "party_joined_on": ["Ngày vào Đảng phải sau ngày sinh."]}
    assert Person.objects.count() == 0
