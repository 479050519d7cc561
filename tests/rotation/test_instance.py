"""The optimization instance built from the records (chidao/rotation/instance.py)."""

import datetime as dt

from chidao.personnel.models import Position, PostLevel
from chidao.rotation.instance import instance_build, official_id, position_id
from chidao.rotation.models import DueEntry, DueStatus, RotationRound, RoundKind
from chidao.rotation.plan import plan_check

from .plan_world import ON, include


def _cands(instance, official):
    return [(c["position"], c["cost"]) for c in instance["candidates"] if c["official"] == official]


def test_candidates_exclude_same_unit_recent_unit_other_level_and_conflict_of_interest(world):  # noqa: F811
    # Given the world's periodic round
    p, posts = world.people, world.posts
    o = {k: official_id(v.pk) for k, v in p.items()}
    c = {k: position_id(v.pk) for k, v in posts.items()}

    # When the instance is built
    instance, index = instance_build(round=world.round)

    # Then every included person is an official holding their post, and the allowed moves are exactly these (costs
    # per the docstring). Nobody's own agency has another post of their level, so each looks at the other agencies of
    # the city (+20).
    assert instance["officials"] == [
        {"id": o["an"], "holds": c["snv_staff"]}, {"id": o["binh"], "holds": c["stc_staff"]},
        {"id": o["cuong"], "holds": c["stp_staff"]}, {"id": o["ha"], "holds": c["stp_senior"]}]
    # An: the BTC personnel post fits his expertise (10 + 20); the STP legal post does not (+30); he held the STC post
    # until 2021 (recent).
    assert sorted(_cands(instance, o["an"])) == sorted([(c["btc_staff"], 30), (c["stp_staff"], 60)])
    # Bình (STC, "Kế toán"): nothing in her sector is free, so every post costs the mismatch.
    assert sorted(_cands(instance, o["binh"])) == sorted([(c["btc_staff"], 60), (c["stp_staff"], 60),
                                                          (c["snv_staff"], 60)])
    # Cường: the STC finance post is refused (his sibling heads STC: rule 6).
    assert sorted(_cands(instance, o["cuong"])) == sorted([(c["btc_staff"], 60), (c["snv_staff"], 60)])
    # Hà: nobody else's post has her level.
    assert _cands(instance, o["ha"]) == []
    # Posts: the vacant BTC seat and the posts the movers hold (their seats free only if they move); a periodic
    # change caps no unit.
    assert {x["id"]: x["seats"] for x in instance["positions"]} == {
        c["btc_staff"]: 1, c["stp_staff"]: 0, c["snv_staff"]: 0, c["stc_staff"]: 0, c["stp_senior"]: 0}
    assert all("cap" not in u for u in instance["units"])
    # The spouses are a conflict pair.
    assert instance["conflicts"] == [{
        "officials": sorted([o["binh"], o["cuong"]], key=lambda s: int(s[1:])),
        "reason": "Trần Thị Bình và Lê Văn Cường là vợ, chồng: không bố trí cùng đơn vị (Luật Phòng, chống "
                  "tham nhũng 2018, Điều 20)",
    }]
    # And the refusals are explained.
    assert index.excluded[o["an"]] == {c["stc_staff"]: ["Đã giữ vị trí này trong 5 năm gần đây"]}
    assert index.excluded[o["cuong"]][c["stc_staff"]] == [
        "Xung đột lợi ích (Luật Phòng, chống tham nhũng 2018, Điều 20 khoản 2 điểm e): anh, chị, em ruột là "
        "Lê Văn Dũng giữ chức vụ Giám đốc Sở Tài chính, Sở Tài chính"]
    # Reasons are kept per candidate.
    assert index.reasons(o["an"], c["btc_staff"]) == [
        "Chức danh tương đương (chuyên viên)",
        "Chưa giữ vị trí này trong 5 năm gần đây",
        "Sang cơ quan khác cùng địa phương: Ban Tổ chức Thành ủy (+20 điểm khác biệt)",
        "Chuyên môn phù hợp lĩnh vực tổ chức cán bộ",
        "Vị trí đang trống",
    ]
    assert index.reasons(o["binh"], c["snv_staff"])[-1] == "Chỗ do Nguyễn Văn An để lại khi chuyển đi (cùng đợt)"
    assert index.no_candidate_reason[o["ha"]] == (
        "Không có chức danh tương đương còn chỗ trống hoặc được để lại trong phạm vi đợt")
    assert index.persons[o["an"]] == p["an"] and index.positions[c["btc_staff"]] == posts["btc_staff"]


def test_the_hand_edit_refuses_a_leading_post_and_another_level_in_a_periodic_change(world):  # noqa: F811
    # Given the world's periodic round
    an, posts = world.people["an"], world.posts
    # When a hand edit weighs the SNV director's post and the STP senior post for An
    director = plan_check(round=world.round, move_person=an, to_position=posts["snv_director"])
    senior = plan_check(round=world.round, move_person=an, to_position=posts["stp_senior"])
    # Then both are refused with the rule named
    assert "Chuyển đổi vị trí công tác định kỳ chỉ giữa các vị trí không giữ chức vụ lãnh đạo, quản lý" in director
    assert "Không tương đương chức danh hiện nay (cấp chuyên viên → phó trưởng phòng và tương đương)" in senior


def test_a_post_held_by_someone_staying_is_not_offered(world):  # noqa: F811
    # Given Bình is taken out of the plan (she keeps her STC post)
    DueEntry.objects.filter(round=world.round, person=world.people["binh"]).update(included=False)

    # When the instance is built
    instance, _index = instance_build(round=world.round)

    # Then her post is offered to nobody, and she is no official
    offered = {x["id"] for x in instance["positions"]}
    assert position_id(world.posts["stc_staff"].pk) not in offered
    assert official_id(world.people["binh"].pk) not in {x["id"] for x in instance["officials"]}
    assert instance["conflicts"] == []


def test_key_leader_is_not_rotated_to_his_home_town(tree, posts, wards, users, make_person, make_round):
    # Given a rotation round and a key leader (deputy director of SNV) from Phường Ba Đình, and two equivalent
    # vacant posts, one in Ba Đình and one in Hoàn Kiếm
    in_ba_dinh = Position.objects.create(unit=wards["ba_dinh"], title="Phó Chủ tịch UBND phường",
                                         level=PostLevel.DEPUTY_DEPARTMENT, is_leader=True, is_key_post=True)
    in_hoan_kiem = Position.objects.create(unit=wards["hoan_kiem"], title="Phó Chủ tịch UBND phường",
                                           level=PostLevel.DEPUTY_DEPARTMENT, is_leader=True, is_key_post=True)
    kien = make_person(name="Hoàng Văn Kiên", post="snv_deputy", since=dt.date(2015, 1, 1), hometown=wards["ba_dinh"])
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=ON)
    include(rnd, kien)

    # When the instance is built
    instance, index = instance_build(round=rnd)

    # Then only Hoàn Kiếm is offered (same parent, same depth, no sector: the base cost)
    oid = official_id(kien.pk)
    assert instance["candidates"] == [{"official": oid, "position": position_id(in_hoan_kiem.pk), "cost": 10}]
    assert index.excluded[oid][position_id(in_ba_dinh.pk)] == [
        "Cán bộ chủ chốt không bố trí tại địa phương quê quán (Phường Ba Đình)"]
    assert index.reasons(oid, position_id(in_hoan_kiem.pk))[-2:] == ["Ngoài địa phương quê quán", "Vị trí đang trống"]


def test_rotation_needs_36_months_left(tree, posts, users, make_person, make_round):
    # Given a rotation round and a leader who retires within 36 months of the as-of date
    old = make_person(name="Ngô Văn Già", born=dt.date(1966, 3, 1), post="snv_head", since=dt.date(2015, 1, 1))
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=ON)
    DueEntry.objects.create(round=rnd, person=old, position=old.position, status=DueStatus.DUE, included=True)

    # When the instance is built
    instance, index = instance_build(round=rnd)

    # Then he has no candidate, and the reason says why
    oid = official_id(old.pk)
    assert instance["candidates"] == []
    assert old.retirement_date == dt.date(2028, 1, 1)
    assert index.no_candidate_reason[oid] == (
        "Còn 31 tháng công tác (nghỉ hưu ngày 01/01/2028), dưới thời gian luân chuyển tối "
        "thiểu 36 tháng (Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ)")
    assert RotationRound.objects.get(pk=rnd.pk).state == "draft"


def _merged_world(tree, wards):
    """Former Quận Ba Đình (district level, until 30/06/2025) succeeded by Phường Ba Đình; a vacant deputy chair
    post in Phường Ba Đình and one in Phường Hoàn Kiếm."""
    from chidao.core.models import Unit, UnitKind, UnitLevel

    old = Unit.objects.create(code="Q-BD", name="Quận Ba Đình", kind=UnitKind.LOCALITY, level=UnitLevel.DISTRICT,
                              parent=tree["city"], valid_to=dt.date(2025, 6, 30))
    old.successors.add(wards["ba_dinh"])
    posts = {key: Position.objects.create(unit=wards[key], title="Phó Chủ tịch UBND phường",
                                          level=PostLevel.DEPUTY_DEPARTMENT, is_leader=True, is_key_post=True)
             for key in ("ba_dinh", "hoan_kiem")}
    return old, posts


def test_a_key_leader_from_a_former_district_is_not_rotated_to_its_successor_ward(tree, wards, users, make_person,
                                                                                 make_round):
    # Given a key leader (deputy director of SNV) whose home town is recorded as the former Quận Ba Đình
    old, vacant = _merged_world(tree, wards)
    kien = make_person(name="Hoàng Văn Kiên", post="snv_deputy", since=dt.date(2015, 1, 1), hometown=old)
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=ON)
    include(rnd, kien)
    # When the instance is built
    instance, index = instance_build(round=rnd)
    # Then the ward that succeeded the district is his home town: only Hoàn Kiếm is offered
    oid = official_id(kien.pk)
    assert instance["candidates"] == [{"official": oid, "position": position_id(vacant["hoan_kiem"].pk), "cost": 10}]
    assert index.excluded[oid][position_id(vacant["ba_dinh"].pk)] == [
        "Cán bộ chủ chốt không bố trí tại địa phương quê quán (Quận Ba Đình)"]


def test_a_district_key_post_binds_the_home_town_rule_only_before_01_07_2025(tree, wards, users, make_person,
                                                                            make_round):
    # Given a deputy chair of the former Quận Ba Đình (a key post of the district level) from Phường Ba Đình
    old, vacant = _merged_world(tree, wards)
    district_post = Position.objects.create(unit=old, title="Phó Chủ tịch UBND quận", level=PostLevel.DEPUTY_DEPARTMENT,
                                            is_leader=True, is_key_post=True)
    person = make_person(name="Lạc Văn Quận", post=None, hometown=wards["ba_dinh"])
    from chidao.personnel import services as personnel_services

    personnel_services.assignment_add(actor=users["admin"], person=person, position=district_post,
                                      kind="appointment", start=dt.date(2020, 1, 1))
    offered = {}
    for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 1)):
        rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=day, name=f"Đợt {day}")
        include(rnd, person)
        instance, _index = instance_build(round=rnd)
        wards_offered = {position_id(v.pk) for v in vacant.values()}
        offered[day] = sorted(c["position"] for c in instance["candidates"] if c["position"] in wards_offered)
    # Then on 30/06/2025 a key leader, kept out of his home ward; from 01/07/2025 no district level, no key post
    assert offered == {
        dt.date(2025, 6, 30): [position_id(vacant["hoan_kiem"].pk)],
        dt.date(2025, 7, 1): sorted([position_id(vacant["ba_dinh"].pk), position_id(vacant["hoan_kiem"].pk)]),
    }
