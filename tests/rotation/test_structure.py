"""Agencies with departments, post headcounts and the rules of each kind of round (instance builder and hand edit).

Law on Anti-Corruption 2018 Art. 24 and Decree 59/2019/NĐ-CP Art. 36: a periodic position change is made inside the
agency (between its departments, or to a post of another sector) or between agencies of the same locality; the
house rule CHIDAO_ROTATION["recent_post_years"] keeps people from going back to a post held within 5 years.
"""

import datetime as dt

import pytest

from chidao.core.models import Unit, UnitKind, UnitLevel
from chidao.personnel import services as personnel_services
from chidao.personnel.models import Position, PostLevel
from chidao.rotation.instance import RoundContext, evaluate, instance_build
from chidao.rotation.models import RoundKind
from chidao.rotation.plan import plan_check

from .plan_world import include

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


@pytest.fixture
def agency(tree, posts):
    """SNV with two departments (its Phòng Tổ chức, biên chế from the tree, and a Văn phòng), STC beside it, and a
    ward of the city (its own locality)."""
    office = Unit.objects.create(code="SNV-VP", name="Văn phòng Sở Nội vụ", kind=UnitKind.DEPARTMENT,
                                 level=UnitLevel.PROVINCE, parent=tree["snv"])
    ward = Unit.objects.create(code="P-X", name="Phường Xuân Đỉnh", kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE,
                               parent=tree["city"])

    def post(unit: Unit, title: str, sector: str = "", headcount: int = 1) -> Position:
        return Position.objects.create(unit=unit, title=title, level=PostLevel.STAFF, is_leader=False, sector=sector,
                                       headcount=headcount)

    return {
        "office": office, "ward": ward,
        "division_other": post(tree["snv_division"], "Chuyên viên một cửa", "citizen_facing"),
        "division_same": post(tree["snv_division"], "Chuyên viên tổ chức bộ máy", "personnel"),
        "office_staff": post(office, "Chuyên viên nhân sự Văn phòng", "personnel", headcount=3),
        "ward_staff": post(ward, "Công chức Nội vụ", "personnel"),
    }


def _codes(ctx, person, position) -> list[str]:
    return [code for code, _m in evaluate(ctx, person, position).violations]


def test_a_department_belongs_to_its_agency_and_each_agency_to_its_locality(tree, agency, make_round):
    # Given a periodic change round over the city
    rnd = make_round(scope="city")
    # When the context reads the tree
    ctx = RoundContext(rnd)
    # Then departments belong to SNV, SNV and STC to the city, and a ward is its own locality
    assert ctx.agency(tree["snv_division"].pk) == tree["snv"].pk
    assert ctx.agency(agency["office"].pk) == tree["snv"].pk
    assert ctx.agency(tree["snv"].pk) == tree["snv"].pk
    assert ctx.locality(tree["snv"].pk) == tree["city"].pk
    assert ctx.locality(tree["stc"].pk) == tree["city"].pk
    assert ctx.locality(agency["ward"].pk) == agency["ward"].pk


def test_periodic_change_inside_the_agency_to_another_department_or_sector(tree, posts, agency, make_person,
                                                                          make_round):
    # Given An, personnel staff of SNV's Phòng Tổ chức, biên chế since 2018, due in a periodic change round
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2018, 1, 1), expertise="Tổ chức cán bộ")
    rnd = make_round(scope="city")
    include(rnd, an)
    ctx = RoundContext(rnd)
    # Then the same department is allowed for a post of another sector, not of the same sector nor the same post
    assert _codes(ctx, an, agency["division_other"]) == []
    assert _codes(ctx, an, agency["division_same"]) == ["same_post"]
    assert _codes(ctx, an, posts["snv_staff"]) == ["same_post"]
    # And another department of the agency (same sector) is allowed, at no extra points
    assert _codes(ctx, an, agency["office_staff"]) == []
    inside = evaluate(ctx, an, agency["office_staff"])
    assert inside.cost == 10
    assert "Trong cùng cơ quan Sở Nội vụ (sang Văn phòng Sở Nội vụ)" in inside.reasons
    # And another agency of the same locality is allowed, dearer
    other = evaluate(ctx, an, posts["stc_staff"])
    assert other.violations == []
    assert other.cost == 10 + 20 + 30  # another agency; finance post without finance expertise
    # And a ward (another locality) is refused
    assert _codes(ctx, an, agency["ward_staff"]) == ["place"]


def test_periodic_change_never_back_to_a_post_held_within_five_years(users, tree, posts, agency, make_person,
                                                                   make_round):
    # Given An held the Văn phòng post until 31/12/2021 and the one-stop post until 31/12/2019 (5 years 5 months
    # before the round's date)
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2022, 1, 1))
    personnel_services.assignment_add(actor=users["admin"], person=an, position=agency["office_staff"],
                                      kind="appointment", start=dt.date(2020, 1, 1), end=dt.date(2021, 12, 31))
    personnel_services.assignment_add(actor=users["admin"], person=an, position=agency["division_other"],
                                      kind="appointment", start=dt.date(2015, 1, 1), end=dt.date(2019, 12, 31))
    rnd = make_round(scope="city")
    include(rnd, an)
    ctx = RoundContext(rnd)
    # Then the post held 3 years ago is refused, the one held over 5 years ago is not
    assert _codes(ctx, an, agency["office_staff"]) == ["recent"]
    assert _codes(ctx, an, agency["division_other"]) == []


def test_rotation_still_leaves_the_unit(tree, posts, agency, make_person, make_round):
    # Given a rotation round and a staff member of SNV's division
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2018, 1, 1))
    rnd = make_round(scope="city", kind=RoundKind.ROTATION)
    include(rnd, an)
    ctx = RoundContext(rnd)
    # Then a post of the same unit is refused as before, another unit's is not
    assert "same_unit" in _codes(ctx, an, agency["division_other"])
    assert "same_unit" not in _codes(ctx, an, agency["office_staff"])


def test_instance_offers_vacant_seats_and_the_seats_movers_hold(users, tree, posts, agency, make_person,
                                                                make_round):
    # Given the Văn phòng post employs 3 and 2 hold it (one a mover), An and Bình are movers
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2018, 1, 1))
    binh = make_person(name="Trần Thị Bình", gender="female", post=None)
    personnel_services.assignment_add(actor=users["admin"], person=binh, position=agency["office_staff"],
                                      kind="appointment", start=dt.date(2018, 1, 1))
    make_person(name="Đỗ Văn Chung", post=None)
    rnd = make_round(scope="city")
    include(rnd, an, binh)
    # When the instance is built
    instance, index = instance_build(round=rnd)
    # Then each official holds their post, and posts carry their vacant seats
    holds = {o["id"]: o.get("holds") for o in instance["officials"]}
    assert holds == {f"P{an.pk}": f"C{posts['snv_staff'].pk}", f"P{binh.pk}": f"C{agency['office_staff'].pk}"}
    seats = {p["id"]: p["seats"] for p in instance["positions"]}
    assert seats[f"C{agency['office_staff'].pk}"] == 2  # 3 employed, 1 held
    assert seats[f"C{posts['snv_staff'].pk}"] == 0  # held by An only
    # And no unit has a cap in a periodic change
    assert all("cap" not in u for u in instance["units"])
    # And An may take a Văn phòng seat, with the seat said in words
    reasons = index.reasons(f"P{an.pk}", f"C{agency['office_staff'].pk}")
    assert reasons[-1] == "Còn 2 chỗ trống (1/3 người)"


def test_hand_edit_counts_the_seats_of_a_post(users, tree, posts, agency, make_person, make_round):
    # Given a post of headcount 1 held by someone who does not move
    an = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2018, 1, 1))
    make_person(name="Hồ Văn Tâm", post=None)
    holder = make_person(name="Lý Thị Hoa", gender="female", post=None)
    personnel_services.assignment_add(actor=users["admin"], person=holder, position=agency["division_other"],
                                      kind="appointment", start=dt.date(2024, 1, 1))
    rnd = make_round(scope="city")
    include(rnd, an)
    # When the hand edit checks a move of An there, and into the Văn phòng post (3 seats, nobody)
    full = plan_check(round=rnd, move_person=an, to_position=agency["division_other"])
    free = plan_check(round=rnd, move_person=an, to_position=agency["office_staff"])
    # Then the first is refused with the holder named, the second breaks nothing
    assert full == ["Chức danh đang do Lý Thị Hoa đảm nhiệm (không chuyển đi trong đợt)"]
    assert free == []
