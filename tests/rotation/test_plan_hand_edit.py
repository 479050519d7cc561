"""Hand edits people can make on a proposed plan: swap two people (service and page), search a post by name
(diacritics ignored, inside the officer's subtree, with where it stands in the plan), the rules check before
saving, and the ranked alternatives with their reasons on the page.

The world's plan (tests/rotation/plan_world.py): An → Chuyên viên Ban Tổ chức (BTC), Bình → Chuyên viên phổ biến
pháp luật (STP), Cường → Chuyên viên tổ chức cán bộ (SNV division), Hà not placed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chidao.core.audit import change_records_for
from chidao.core.models import ChangeRecord
from chidao.personnel.models import Position, PostLevel
from chidao.personnel.selectors import position_search
from chidao.rotation import plan
from chidao.rotation.models import Move, MoveSource, RotationRound, RoundState


def _move(world, key):
    return Move.objects.select_related("person").get(round=world.round, person=world.people[key])


def _state(rnd):
    """Every move of the round as stored, and the number of change records."""
    return (sorted(Move.objects.filter(round=rnd).values_list("person_id", "to_position_id", "source", "violations",
                                                                "override_reason")),
            ChangeRecord.objects.count())


# --- swap: the service ------------------------------------------------------------------------------------


def test_swap_exchanges_the_two_posts_and_records_each_move(proposed, users):
    # Given An → BTC and Bình → STP
    posts = proposed.posts
    an, binh = _move(proposed, "an"), _move(proposed, "binh")

    # When the office swaps them (no rule broken: no reason needed)
    plan.move_swap(actor=users["office"], round=proposed.round, first=an, second=binh)

    # Then An goes to STP and Bình to BTC, each checked with the other's post (neither "taken" by the other)
    an.refresh_from_db()
    binh.refresh_from_db()
    assert (an.to_position_id, an.source, an.violations, an.cost, an.reasons[-1]) == (
        posts["stp_staff"].pk, MoveSource.MANUAL, [], 60, "Đổi chỗ với Trần Thị Bình")
    assert (binh.to_position_id, binh.source, binh.violations, binh.cost, binh.reasons[-1]) == (
        posts["btc_staff"].pk, MoveSource.MANUAL, [], 60, "Đổi chỗ với Nguyễn Văn An")
    # And the others are untouched
    assert (_move(proposed, "cuong").to_position_id, _move(proposed, "ha").to_position_id) == (
        posts["snv_staff"].pk, None)
    # And one change record per move, with what it was and what it is
    for move, was, now in ((an, posts["btc_staff"], posts["stp_staff"]), (binh, posts["stp_staff"],
                                                                         posts["btc_staff"])):
        record = change_records_for(move).get()
        assert (record.action, record.actor, record.before["to_position"], record.after["to_position"]) == (
            "move_swap", users["office"], str(was), str(now))


def test_swap_that_breaks_a_rule_needs_a_reason(proposed, users):
    # Given Cường → SNV division and Hà not placed (a higher level)
    cuong, ha = _move(proposed, "cuong"), _move(proposed, "ha")
    before = _state(proposed.round)

    # When they are swapped without a reason
    with pytest.raises(ValidationError) as err:
        plan.move_swap(actor=users["office"], round=proposed.round, first=cuong, second=ha)

    # Then it is refused with every rule it breaks, and nothing changed
    assert err.value.message_dict == {"reason": [
        "Đổi chỗ vi phạm: Lê Văn Cường: Người đến hạn nhưng không được bố trí vị trí mới; Phạm Thu Hà: Không tương "
        "đương chức danh hiện nay (cấp phó trưởng phòng và tương đương → chuyên viên); cần nêu lý do."]}
    assert _state(proposed.round) == before

    # When the same swap comes with a reason
    plan.move_swap(actor=users["office"], round=proposed.round, first=cuong, second=ha, reason="Theo đề nghị của Sở")

    # Then Cường is not placed and Hà takes his post, each with the broken rule and the reason
    cuong.refresh_from_db()
    ha.refresh_from_db()
    assert (cuong.to_position_id, cuong.violations, cuong.override_reason, cuong.unplaced_reason) == (
        None, ["Người đến hạn nhưng không được bố trí vị trí mới"], "Theo đề nghị của Sở", "Theo đề nghị của Sở")
    assert (ha.to_position_id, ha.violations, ha.override_reason) == (
        proposed.posts["snv_staff"].pk,
        ["Không tương đương chức danh hiện nay (cấp phó trưởng phòng và tương đương → chuyên viên)"],
        "Theo đề nghị của Sở")
    assert [r.action for r in ChangeRecord.objects.order_by("-id")[:2]] == ["move_swap", "move_swap"]


def test_swap_refused_outside_a_proposed_plan(proposed, users):
    # Given an approved plan
    plan.plan_approve(actor=users["office"], round=proposed.round, decision_number="1/QĐ")
    before = _state(proposed.round)

    # When the office tries to swap An and Bình
    with pytest.raises(ValidationError) as err:
        plan.move_swap(actor=users["office"], round=proposed.round, first=_move(proposed, "an"),
                       second=_move(proposed, "binh"), reason="x")

    # Then it is refused and nothing changed
    assert err.value.message_dict == {"state": ["Chỉ điều chỉnh khi đợt đã có phương án và chưa phê duyệt."]}
    assert _state(proposed.round) == before
    assert RotationRound.objects.get(pk=proposed.round.pk).state == RoundState.APPROVED


def test_swap_refused_to_an_officer_outside_the_scope(proposed, hr):
    # Given the STC personnel officer, and the round over the whole city (outside their subtree)
    before = _state(proposed.round)

    # When they call the service
    with pytest.raises(PermissionDenied) as err:
        plan.move_swap(actor=hr["stc"], round=proposed.round, first=_move(proposed, "an"),
                       second=_move(proposed, "binh"), reason="x")

    # Then it is refused and nothing changed
    assert str(err.value) == "Đợt này ngoài phạm vi quản lý của bạn."
    assert _state(proposed.round) == before


def test_swap_refused_when_a_post_lies_outside_the_officers_subtree(proposed, hr):
    # Given the round scoped to SNV (whose officer sees it), An → BTC and Cường → SNV division
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=proposed.posts["snv_director"].unit)
    before = _state(proposed.round)

    # When the SNV officer swaps them (Cường would go to BTC, outside their subtree)
    with pytest.raises(PermissionDenied) as err:
        plan.move_swap(actor=hr["snv"], round=proposed.round, first=_move(proposed, "an"),
                       second=_move(proposed, "cuong"), reason="x")

    # Then it is refused and nothing changed
    assert str(err.value) == "Chức danh này ngoài phạm vi quản lý của bạn."
    assert _state(proposed.round) == before


def test_swap_of_two_people_not_placed_or_of_one_person_is_refused(proposed, users):
    ha = _move(proposed, "ha")
    before = _state(proposed.round)
    with pytest.raises(ValidationError) as err:
        plan.move_swap(actor=users["office"], round=proposed.round, first=ha, second=ha, reason="x")
    assert err.value.message_dict == {"second": ["Chọn một người khác để đổi chỗ."]}
    assert _state(proposed.round) == before


def test_swap_rechecks_the_other_moves(proposed, users):
    # Given An moved by hand into Bình's STP post (Bình's move is now a double booking)
    an, binh, cuong = _move(proposed, "an"), _move(proposed, "binh"), _move(proposed, "cuong")
    plan.move_edit(actor=users["office"], move=an, to_position=proposed.posts["stp_staff"], reason="Đề nghị của Sở")
    binh.refresh_from_db()
    assert binh.violations == ["Chức danh đã bố trí cho Nguyễn Văn An trong phương án"]

    # When An swaps with Cường (An → SNV division, Cường → STP, still Bình's post)
    plan.move_swap(actor=users["office"], round=proposed.round, first=an, second=cuong, reason="Đổi theo đề nghị")

    # Then Bình's move names the new double booking (and her husband now in her unit)
    binh.refresh_from_db()
    assert binh.violations == ["Chức danh đã bố trí cho Lê Văn Cường trong phương án",
                               "Cùng đơn vị với vợ, chồng là Lê Văn Cường (Luật Phòng, chống tham nhũng 2018, Điều 20)"]


# --- swap and check: the pages ---------------------------------------------------------------------------------


def test_swap_page_swaps_and_shows_the_new_destinations(proposed, client, users):
    client.force_login(users["office"])
    an, binh = _move(proposed, "an"), _move(proposed, "binh")
    response = client.post(reverse("rotation_move_swap", args=[proposed.round.pk, an.pk]), {"other": binh.pk},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    an.refresh_from_db()
    binh.refresh_from_db()
    assert (an.to_position_id, binh.to_position_id) == (proposed.posts["stp_staff"].pk, proposed.posts["btc_staff"].pk)


def test_swap_page_refused_without_reason_answers_422_and_changes_nothing(proposed, client, users):
    client.force_login(users["office"])
    cuong, ha = _move(proposed, "cuong"), _move(proposed, "ha")
    before = _state(proposed.round)
    response = client.post(reverse("rotation_move_swap", args=[proposed.round.pk, cuong.pk]), {"other": ha.pk},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Đổi chỗ vi phạm: Lê Văn Cường: Người đến hạn nhưng không được bố trí vị trí mới" in \
        response.content.decode()
    assert _state(proposed.round) == before


def test_check_page_lists_the_broken_rules_before_saving(proposed, client, users):
    client.force_login(users["office"])
    an = _move(proposed, "an")
    url = reverse("rotation_move_check", args=[proposed.round.pk, an.pk])
    broken = client.get(url, {"choice": "other", "position_id": proposed.posts["stc_staff"].pk}).content.decode()
    assert "Đã giữ vị trí này trong 5 năm gần đây" in broken
    clean = client.get(url, {"choice": proposed.posts["btc_staff"].pk}).content.decode()
    assert "Không vi phạm quy định nào" in clean
    # And nothing was saved
    an.refresh_from_db()
    assert (an.to_position_id, an.source) == (proposed.posts["btc_staff"].pk, MoveSource.SOLVER)


def test_the_edit_area_lists_the_alternatives_with_their_reasons(proposed, client, users):
    client.force_login(users["office"])
    body = client.get(reverse("rotation_plan", args=[proposed.round.pk])).content.decode()
    binh = _move(proposed, "binh")
    assert f'<ol class="choices" data-testid="choices-{binh.pk}">' in body
    assert "Chuyên môn chưa phù hợp lĩnh vực tổ chức cán bộ (+30 điểm khác biệt)" in body
    assert "đang bố trí cho Nguyễn Văn An" in body
    assert "Chức danh khác (nhập mã)" not in body


# --- the post search -------------------------------------------------------------------------------------------


def _lookup(client, rnd, q, move=None):
    query = {"q": q, **({"de-xuat": move.pk} if move else {})}
    response = client.get(reverse("lookup_positions", args=[rnd.pk]), query)
    assert response.status_code == 200
    return response.json()


def test_post_search_ignores_diacritics_and_says_where_each_post_stands(proposed, client, users):
    # Given the proposed plan, as the office editing An's move
    client.force_login(users["office"])
    an = _move(proposed, "an")

    # When "chuyen vien" is typed
    found = _lookup(client, proposed.round, "chuyen vien", an)

    # Then every staff post of the scope comes, "title — unit, parent unit", with the plan's word on it
    assert [(r["label"], r["status"], r["hint"]) for r in found["results"]] == [
        ("Chuyên viên Ban Tổ chức — Ban Tổ chức Thành ủy, Thành phố Hà Nội", "free", "còn trống"),
        ("Chuyên viên tổ chức cán bộ — Phòng Tổ chức, biên chế, Sở Nội vụ", "taken", "đã bố trí cho Lê Văn Cường"),
        ("Chuyên viên quản lý ngân sách — Sở Tài chính, Thành phố Hà Nội", "free",
         "còn trống: do Trần Thị Bình để lại"),
        ("Chuyên viên chính tư pháp — Sở Tư pháp, Thành phố Hà Nội", "held", "đang do Phạm Thu Hà đảm nhiệm"),
        ("Chuyên viên phổ biến pháp luật — Sở Tư pháp, Thành phố Hà Nội", "taken", "đã bố trí cho Trần Thị Bình"),
    ]
    assert found["more"] is False
    # And the parent unit's name finds its posts too; an empty query finds nothing
    assert [r["id"] for r in _lookup(client, proposed.round, "so noi vu chuyen vien")["results"]] == [
        proposed.posts["snv_staff"].pk]
    assert _lookup(client, proposed.round, "  ")["results"] == []


def test_post_search_keeps_to_the_officers_subtree(proposed, client, hr, tree):
    # Given a head-of-division post in STC too, and the round scoped to SNV
    Position.objects.create(unit=tree["stc"], title="Trưởng phòng Ngân sách", level=PostLevel.HEAD_DIVISION,
                            is_leader=True)
    RotationRound.objects.filter(pk=proposed.round.pk).update(scope=tree["snv"])

    # When the SNV personnel officer types "truong phong" (no diacritics)
    client.force_login(hr["snv"])
    found = _lookup(client, proposed.round, "truong phong")

    # Then only SNV's "Trưởng phòng" comes
    assert [r["label"] for r in found["results"]] == ["Trưởng phòng Tổ chức, biên chế — Phòng Tổ chức, biên chế, "
                                                      "Sở Nội vụ"]
    # And the search itself keeps to the officer's subtree whatever units it is given
    assert [p.title for p in position_search(user=hr["snv"], q="truong phong")[0]] == [
        "Trưởng phòng Tổ chức, biên chế"]
    assert [p.title for p in position_search(user=hr["snv"], q="truong phong", unit_ids={tree["stc"].pk})[0]] == []
    # While the STC officer does not see the round at all
    client.force_login(hr["stc"])
    assert client.get(reverse("lookup_positions", args=[proposed.round.pk]), {"q": "truong"}).status_code == 404


def test_post_search_costs_the_same_queries_however_many_posts_match(proposed, client, users, tree):
    client.force_login(users["office"])
    _lookup(client, proposed.round, "chuyen vien")  # warm the session and the user's grants
    with CaptureQueriesContext(connection) as one:
        assert len(_lookup(client, proposed.round, "chuyen vien")["results"]) == 5
    for n in range(30):
        Position.objects.create(unit=tree["stp"], title=f"Chuyên viên pháp chế {n}", level=PostLevel.STAFF)
    with CaptureQueriesContext(connection) as many:
        found = _lookup(client, proposed.round, "chuyen vien")
    assert (len(found["results"]), found["more"]) == (20, True)
    assert len(many) == len(one)


def test_mover_search_finds_the_other_people_of_the_plan(proposed, client, users):
    client.force_login(users["office"])
    an = _move(proposed, "an")
    response = client.get(reverse("lookup_round_movers", args=[proposed.round.pk]), {"q": "van", "tru": an.pk})
    assert [(r["id"], r["label"]) for r in response.json()["results"]] == [
        (_move(proposed, "cuong").pk, "Lê Văn Cường")]
