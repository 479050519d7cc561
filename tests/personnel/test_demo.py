"""`chidao demo --people N`: exactly N plausible people that exercise every rule; refuses a second time."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from chidao.core.models import Role, UnitKind, User
from chidao.demo.people import people_load
from chidao.personnel import rules
from chidao.personnel.models import (
    AccessLog,
    Assignment,
    Deferral,
    Discipline,
    Person,
    PlanningEntry,
    Position,
    Rating,
    Relative,
)
from chidao.personnel.services import held_leading_post_on, person_derive

pytestmark = pytest.mark.django_db

MODELS = [Person, Position, Assignment, Rating, Discipline, Deferral, Relative, PlanningEntry, User, AccessLog]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.fixture
def demo_50():
    out = io.StringIO()
    call_command("demo", "--people", "50", stdout=out)
    return out.getvalue()


def test_demo_people_creates_exactly_n_then_refuses(demo_50):
    # Given the demo with 50 people
    assert Person.objects.count() == 50
    assert "Đã tạo 50 hồ sơ cán bộ mẫu" in demo_50
    before = _counts()
    # When it runs again
    again = io.StringIO()
    call_command("demo", "--people", "50", stdout=again)
    # Then it says so and changes nothing
    assert "Đã có hồ sơ cán bộ; không tạo hồ sơ cán bộ mẫu, không thay đổi gì." in again.getvalue()
    assert _counts() == before


def test_demo_data_exercises_every_rule(demo_50):
    today = timezone.localdate()
    ratings: dict[int, dict[int, str]] = {}
    for pid, year, level in Rating.objects.values_list("person_id", "year", "level"):
        ratings.setdefault(pid, {})[year] = level
    # Two consecutive years "không hoàn thành nhiệm vụ"
    assert any(rules.two_consecutive_not_completed(r) for r in ratings.values())
    # Two non-consecutive years "không hoàn thành nhiệm vụ" within three
    assert any(rules.not_completed_twice_within(r) for r in ratings.values())
    # A falling rating
    assert any(rules.rating_dropped(r, max(r)) for r in ratings.values())
    # Disciplines in force, expired, and one khai trừ
    assert Discipline.objects.filter(blocks_until__gte=today).exists()
    assert Discipline.objects.filter(blocks_until__lt=today).exists()
    assert Discipline.objects.filter(form="khai_tru", blocks_until__isnull=True).count() == 1
    # Each a form that exists in its system on its date for that person, with its three bars
    for d in Discipline.objects.select_related("person"):
        assert rules.discipline_form_refusal(
            system=d.system, form=d.form, decided_on=d.decided_on, party_joined_on=d.person.party_joined_on,
            is_leader=held_leading_post_on(d.person, d.decided_on)) is None
        bars = rules.discipline_bars(system=d.system, form=d.form, decided_on=d.decided_on)
        assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
            bars.planning, bars.appointment, bars.grade)
    # Relatives both ways, one pair in the same agency
    assert Relative.objects.filter(person__unit=F("relative__unit")).exists()
    assert Relative.objects.count() % 2 == 0
    # Planning entries, none breaking the limits
    entries = PlanningEntry.objects.filter(term__name="2025-2030", removed_on__isnull=True)
    assert entries.exists()
    per_post = {}
    for position_id in entries.values_list("position_id", flat=True):
        per_post[position_id] = per_post.get(position_id, 0) + 1
    assert max(per_post.values()) <= 3
    # Personnel officers
    assert set(User.objects.filter(role=Role.PERSONNEL).values_list("username", flat=True)) >= {"tccb.snv", "tccb.stc"}


def test_demo_people_have_a_plausible_kind_of_service(demo_50):
    expected = {(UnitKind.DEPARTMENT, True): "civil_servant", (UnitKind.DEPARTMENT, False): "civil_servant",
                (UnitKind.COMMUNE, True): "cadre", (UnitKind.COMMUNE, False): "civil_servant"}
    seen = set(Person.objects.values_list("unit__kind", "position__is_leader", "service_kind"))
    # departments' leaders and staff are công chức (50 people fill departments only; the communes' elected
    # leaders are cán bộ, see test_service_kind_for_a_school_is_public_employee)
    assert {(k, leader) for k, leader, _kind in seen} >= {(UnitKind.DEPARTMENT, True), (UnitKind.DEPARTMENT, False)}
    assert all(kind == expected[(k, leader)] for k, leader, kind in seen)


def test_service_kind_for_a_school_is_public_employee():
    from chidao.demo.people import service_kind_for
    from chidao.personnel.models import Position

    assert service_kind_for(UnitKind.SCHOOL, Position(is_leader=True)) == "public_employee"
    assert service_kind_for(UnitKind.PEOPLES_COMMITTEE, Position(is_leader=True)) == "cadre"
    assert service_kind_for(UnitKind.COMMUNE, Position(is_leader=True)) == "cadre"
    assert service_kind_for(UnitKind.COMMUNE, Position(is_leader=False)) == "civil_servant"
    assert service_kind_for(UnitKind.PEOPLES_COMMITTEE, Position(is_leader=False)) == "civil_servant"
    assert service_kind_for(UnitKind.PARTY_BODY, Position(is_leader=True)) == "civil_servant"


def test_demo_people_are_consistent(demo_50):
    for person in Person.objects.select_related("position"):
        open_ones = list(Assignment.objects.filter(person=person, end__isnull=True))
        assert len(open_ones) == 1
        assert (person.position_id, person.position_since) == (open_ones[0].position_id, open_ones[0].start)
        assert person.unit_id == person.position.unit_id
        derived = Person(full_name=person.full_name, code=person.code, birth_date=person.birth_date,
                         gender=person.gender)
        person_derive(derived)
        assert (person.search_text, person.sort_key, person.retirement_date) == (
            derived.search_text, derived.sort_key, derived.retirement_date)
        assert len(person.full_name.split()) >= 3
    # Service history has no overlap
    for person_id in Person.objects.values_list("pk", flat=True):
        spans = list(Assignment.objects.filter(person_id=person_id).order_by("start").values_list("start", "end"))
        for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            assert e1 == s2 - dt.timedelta(days=1)


def test_people_alone_when_program_data_exists():
    from chidao.demo.program import demo_load

    assert demo_load() is True
    result = people_load(count=20)
    assert result is not None
    assert Person.objects.count() == 20
    assert people_load(count=20) is None
    assert Person.objects.count() == 20


def test_demo_record_page_renders_with_flags(client, demo_50):
    officer = User.objects.get(username="tccb.snv")
    person = Person.objects.visible_to(officer).first()
    assert person is not None
    client.force_login(officer)
    response = client.get(f"/can-bo/{person.pk}/")
    assert response.status_code == 200
    assert person.full_name in response.content.decode()


def test_demo_flags_show_on_the_record(client, demo_50):
    admin = User.objects.get(username="admin")
    ratings: dict[int, dict[int, str]] = {}
    for pid, year, level in Rating.objects.values_list("person_id", "year", "level"):
        ratings.setdefault(pid, {})[year] = level
    flagged = next(pid for pid, r in ratings.items() if rules.two_consecutive_not_completed(r))
    client.force_login(admin)
    page = client.get(f"/can-bo/{flagged}/").content.decode()
    assert 'data-testid="flags"' in page


def test_demo_is_deterministic(units):
    on = dt.date(2026, 1, 15)
    people_load(count=30, on=on)
    first = list(Person.objects.order_by("code").values_list("code", "full_name", "birth_date", "position__title"))
    Person.objects.all().delete()
    people_load(count=30, on=on)
    second = list(Person.objects.order_by("code").values_list("code", "full_name", "birth_date", "position__title"))
    assert first == second
