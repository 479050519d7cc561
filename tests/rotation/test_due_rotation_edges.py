"""The rotation due list at the edges of Regulation 65-QĐ/TW, built from real records through `due_list_build`:
terms counted as head only, the time left a key leader needs, "local" after the 2025 merger, key posts of the
district level before 01/07/2025 and of the commune level after, and a past date judged by the records of then."""

import datetime as dt

import pytest

from chidao.core.models import Unit, UnitKind, UnitLevel
from chidao.personnel import planning
from chidao.personnel import services as personnel_services
from chidao.personnel.models import Position, PostLevel, RatingLevel
from chidao.personnel.rules import add_months
from chidao.rotation import due
from chidao.rotation.models import DueEntry, DueStatus, RoundKind

pytestmark = pytest.mark.django_db

REG_65 = "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ"
KEY_SOURCE = f"{REG_65}; Nghị định 138/2020/NĐ-CP, Điều 56"


def _entry(rnd, person) -> DueEntry:
    return DueEntry.objects.select_related("position").get(round=rnd, person=person)


def _post(posts, key: str, unit: Unit, title: str, level: int, *, leader: bool = True, key_post: bool = True):
    posts[key] = Position.objects.create(unit=unit, title=title, level=level, is_leader=leader, is_key_post=key_post)
    return posts[key]


def _move(users, person, post: Position, start: dt.date) -> None:
    personnel_services.assignment_add(actor=users["admin"], person=person, position=post, kind="appointment",
                                      start=start)


def _born_for(months_left: int, on: dt.date) -> dt.date:
    """A man's birth date whose retirement date (62 years, from the month after) leaves `months_left` on `on`."""
    retire = add_months(on, months_left)
    return add_months(dt.date(retire.year, retire.month, 1), -62 * 12 - 1)


@pytest.fixture
def commune(posts, wards):
    """Party secretary and deputy of Phường Hoàn Kiếm (key posts of the commune level) and its chair."""
    hk = wards["hoan_kiem"]
    _post(posts, "hk_secretary", hk, "Bí thư Đảng ủy phường Hoàn Kiếm", PostLevel.HEAD_DEPARTMENT)
    _post(posts, "hk_deputy_secretary", hk, "Phó Bí thư Đảng ủy phường Hoàn Kiếm", PostLevel.DEPUTY_DEPARTMENT)
    _post(posts, "bd_chair", wards["ba_dinh"], "Chủ tịch UBND phường Ba Đình", PostLevel.HEAD_DEPARTMENT)
    return posts


# --- terms as head, not as deputy -----------------------------------------------------------------

def test_deputy_years_do_not_count_towards_the_two_terms(users, commune, wards, make_person, make_round):
    # given three non-local secretaries of Phường Hoàn Kiếm (hometown Ba Đình), on 01/06/2025:
    # - deputy secretary from 01/06/2010, secretary from 01/06/2015: 120 months as secretary
    ten = make_person(name="Đặng Văn Mười", post="hk_deputy_secretary", since=dt.date(2010, 6, 1),
                      hometown=wards["ba_dinh"])
    _move(users, ten, commune["hk_secretary"], dt.date(2015, 6, 1))
    # - deputy secretary from 01/06/2010, secretary from 02/06/2015: 119 months as secretary, 180 in the ward
    short = make_person(name="Lương Văn Chín", post="hk_deputy_secretary", since=dt.date(2010, 6, 1),
                        hometown=wards["ba_dinh"])
    _move(users, short, commune["hk_secretary"], dt.date(2015, 6, 2))
    # - deputy secretary only, since 2005: 240 months in the ward, none as head
    deputy = make_person(name="Mạc Văn Tám", post="hk_deputy_secretary", since=dt.date(2005, 6, 1),
                         hometown=wards["ba_dinh"])
    rnd = make_round(kind=RoundKind.ROTATION, scope="city")
    # when the due list is built
    due.due_list_build(actor=users["office"], round=rnd)
    # then only the secretary with 120 months as head is due; the deputy years count for nothing
    assert (_entry(rnd, ten).status, _entry(rnd, ten).reasons) == (DueStatus.DUE, [
        "Lãnh đạo chủ chốt đã giữ chức cấp trưởng 120 tháng ở một địa phương, đơn vị (từ 120 tháng, tương đương 2 "
        "nhiệm kỳ liên tiếp)."])
    assert (_entry(rnd, short).status, _entry(rnd, short).reasons) == (DueStatus.NOT_TARGET, [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị 119 tháng "
        "(chưa đủ 120 tháng)."])
    assert (_entry(rnd, deputy).status, _entry(rnd, deputy).reasons) == (DueStatus.NOT_TARGET, [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị 0 tháng "
        "(chưa đủ 120 tháng)."])


def test_a_key_leader_after_two_terms_needs_one_term_left(users, commune, wards, make_person, make_round):
    # given two secretaries with 120 months as head, one with 60 months to retirement, one with 59
    on = dt.date(2025, 6, 1)
    sixty = make_person(name="Ninh Văn Sáu", born=_born_for(60, on), post="hk_secretary",
                        since=dt.date(2015, 6, 1), hometown=wards["ba_dinh"])
    fifty_nine = make_person(name="Ông Văn Năm", born=_born_for(59, on), post="hk_secretary",
                             since=dt.date(2015, 6, 1), hometown=wards["ba_dinh"])
    assert (sixty.retirement_date, fifty_nine.retirement_date) == (dt.date(2030, 6, 1), dt.date(2030, 5, 1))
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=on)
    due.due_list_build(actor=users["office"], round=rnd)
    assert _entry(rnd, sixty).status == DueStatus.DUE
    assert (_entry(rnd, fifty_nine).status, _entry(rnd, fifty_nine).reasons[-1]) == (
        DueStatus.EXEMPT, "Thời gian công tác còn lại 59 tháng, dưới 60 tháng (một nhiệm kỳ) đến tuổi nghỉ hưu (nghỉ "
                          f"hưu từ ngày 01/05/2030; {KEY_SOURCE}).")


def test_a_local_key_leader_in_planning_needs_60_months_a_planned_cadre_alone_120(users, commune, wards, posts,
                                                                               make_person, make_round):
    # given on 01/06/2025, 60 months to retirement: a local chair of Ba Đình in planning, and a planned head of
    # division (no key post)
    on = dt.date(2025, 6, 1)
    term = planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)
    chair = make_person(name="Phan Văn Bốn", born=_born_for(60, on), post="bd_chair", since=dt.date(2022, 1, 1),
                        hometown=wards["ba_dinh"])
    head = make_person(name="Quách Văn Ba", born=_born_for(60, on), post="snv_head", since=dt.date(2022, 1, 1))
    city_post = _post(posts, "city_vice", Unit.objects.get(code="HN"), "Phó Chủ tịch UBND Thành phố",
                      PostLevel.CITY_LEADER)
    for person in (chair, head):
        planning.planning_entry_add(actor=users["office"], term=term, person=person, position=city_post,
                                    on=dt.date(2025, 1, 10))
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=on)
    due.due_list_build(actor=users["office"], round=rnd)
    assert (_entry(rnd, chair).status, _entry(rnd, chair).reasons) == (DueStatus.DUE, [
        "Cán bộ trong quy hoạch.", "Lãnh đạo chủ chốt là người địa phương."])
    assert (_entry(rnd, head).status, _entry(rnd, head).reasons[-1]) == (
        DueStatus.EXEMPT, "Thời gian công tác còn lại 60 tháng, dưới 120 tháng (10 năm) đến tuổi nghỉ hưu (nghỉ hưu "
                          f"từ ngày 01/06/2030; {REG_65}).")


# --- local after the 2025 merger ------------------------------------------------------------------

@pytest.fixture
def merged(tree, wards, posts):
    """Former Quận Ba Đình (district level, until 30/06/2025), succeeded by Phường Ba Đình and Phường Ngọc Hà;
    Phường Tây Hồ is unrelated. Chairs of each new ward, and the city's chair."""
    old = Unit.objects.create(code="Q-BD", name="Quận Ba Đình", kind=UnitKind.LOCALITY, level=UnitLevel.DISTRICT,
                              parent=tree["city"], valid_to=dt.date(2025, 6, 30))
    ngoc_ha = Unit.objects.create(code="P-NH", name="Phường Ngọc Hà", kind=UnitKind.COMMUNE,
                                  level=UnitLevel.COMMUNE, parent=tree["city"], valid_from=dt.date(2025, 7, 1))
    tay_ho = Unit.objects.create(code="P-TH", name="Phường Tây Hồ", kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE,
                                 parent=tree["city"], valid_from=dt.date(2025, 7, 1))
    old.successors.add(wards["ba_dinh"], ngoc_ha)
    _post(posts, "nh_chair", ngoc_ha, "Chủ tịch UBND phường Ngọc Hà", PostLevel.HEAD_DEPARTMENT)
    _post(posts, "th_chair", tay_ho, "Chủ tịch UBND phường Tây Hồ", PostLevel.HEAD_DEPARTMENT)
    _post(posts, "city_chair", tree["city"], "Chủ tịch UBND Thành phố", PostLevel.CITY_LEADER)
    return {"old": old, "ngoc_ha": ngoc_ha, "tay_ho": tay_ho}


def test_a_hometown_in_a_former_district_is_local_to_its_successor_wards_and_province(users, merged, make_person,
                                                                                   make_round):
    # given four chairs on 01/08/2025, each with a hometown recorded as the former Quận Ba Đình
    since = dt.date(2025, 7, 1)
    ngoc_ha = make_person(name="Lâm Văn Một", post="nh_chair", since=since, hometown=merged["old"])
    tay_ho = make_person(name="Khúc Văn Hai", post="th_chair", since=since, hometown=merged["old"])
    city = make_person(name="Kiều Văn Ba", post="city_chair", since=since, hometown=merged["old"])
    # and a chair of Ngọc Hà born in Tây Hồ
    other = make_person(name="Kha Văn Bốn", post="nh_chair", since=since, hometown=merged["tay_ho"])
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=dt.date(2025, 8, 1))
    due.due_list_build(actor=users["office"], round=rnd)
    local = (DueStatus.DUE, ["Lãnh đạo chủ chốt là người địa phương."])
    # then local to the new ward that succeeded the district and to the city, not to an unrelated ward
    assert (_entry(rnd, ngoc_ha).status, _entry(rnd, ngoc_ha).reasons) == local
    assert (_entry(rnd, city).status, _entry(rnd, city).reasons) == local
    assert _entry(rnd, tay_ho).status == DueStatus.NOT_TARGET
    assert _entry(rnd, other).status == DueStatus.NOT_TARGET


def test_two_terms_as_head_run_on_through_a_commune_merged_into_a_new_ward(users, merged, commune, posts, wards,
                                                                          make_person, make_round):
    # given Phường Điện Biên (commune level, until 30/06/2025) merged into Phường Ba Đình, and a chair who headed
    # Điện Biên from 01/08/2016 and then Phường Ba Đình from 01/07/2025 (hometown Tây Hồ: not local)
    old = Unit.objects.create(code="P-DB", name="Phường Điện Biên", kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE,
                              parent=merged["old"], valid_to=dt.date(2025, 6, 30))
    old.successors.add(wards["ba_dinh"])
    _post(posts, "db_chair", old, "Chủ tịch UBND phường Điện Biên", PostLevel.HEAD_DEPARTMENT)
    chair = make_person(name="Ninh Văn Nhất", post="db_chair", since=dt.date(2016, 8, 1), hometown=merged["tay_ho"])
    _move(users, chair, posts["bd_chair"], dt.date(2025, 7, 1))
    # when the due list of 01/08/2026 is built
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=dt.date(2026, 8, 1))
    due.due_list_build(actor=users["office"], round=rnd)
    # then the months as head count across the merger: 120, two consecutive terms in one place
    assert (_entry(rnd, chair).status, _entry(rnd, chair).reasons) == (DueStatus.DUE, [
        "Lãnh đạo chủ chốt đã giữ chức cấp trưởng 120 tháng ở một địa phương, đơn vị (từ 120 tháng, tương đương 2 "
        "nhiệm kỳ liên tiếp)."])


# --- the two-level local government ---------------------------------------------------------------

@pytest.fixture
def district_chair(users, merged, posts, make_person):
    """A local chair of Quận Ba Đình (district level) since 2023, and a local chair of Phường Ba Đình."""
    post = _post(posts, "qbd_chair", merged["old"], "Chủ tịch UBND quận Ba Đình", PostLevel.HEAD_DEPARTMENT)
    district = make_person(name="Doãn Văn Quận", since=dt.date(2023, 1, 1), post="qbd_chair", hometown=merged["old"])
    ward = make_person(name="Đoàn Văn Phường", since=dt.date(2023, 1, 1), post="bd_chair", hometown=merged["old"])
    return {"post": post, "district": district, "ward": ward}


@pytest.mark.parametrize(("on", "district_status"), [
    (dt.date(2025, 6, 30), DueStatus.DUE),          # the district level still exists: a key post
    (dt.date(2025, 7, 1), DueStatus.NOT_TARGET),    # no district level: not a key post
])
def test_a_district_post_is_a_key_post_only_before_01_07_2025(users, commune, district_chair, make_round, on,
                                                              district_status):
    rnd = make_round(kind=RoundKind.ROTATION, scope="city", as_of=on)
    due.due_list_build(actor=users["office"], round=rnd)
    entry = _entry(rnd, district_chair["district"])
    assert (entry.position, entry.status) == (district_chair["post"], district_status)
    if district_status == DueStatus.NOT_TARGET:
        assert entry.reasons == ["Không trong quy hoạch và không giữ chức danh lãnh đạo chủ chốt."]
    # the commune level keeps its key posts on both days
    ward = _entry(rnd, district_chair["ward"])
    assert (ward.status, ward.reasons) == (DueStatus.DUE, ["Lãnh đạo chủ chốt là người địa phương."])


# --- a past date: the records as they stood then --------------------------------------------------

def test_a_past_date_uses_the_post_held_and_the_planning_active_then(users, commune, wards, posts, make_person,
                                                                   make_round):
    # given a local chair of Ba Đình from 01/01/2023, moved to a staff post of Sở Nội vụ on 01/04/2025
    moved = make_person(name="Tạ Văn Đi", post="bd_chair", since=dt.date(2023, 1, 1), hometown=wards["ba_dinh"])
    _move(users, moved, posts["snv_staff"], dt.date(2025, 4, 1))
    # and a head of division planned from 10/01/2025 and taken out of planning on 01/03/2025
    term = planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)
    planned = make_person(name="Mai Văn Về", born=dt.date(1985, 1, 1), post="snv_head")
    entry = planning.planning_entry_add(actor=users["office"], term=term, person=planned,
                                        position=posts["snv_director"], on=dt.date(2025, 1, 10))
    planning.planning_entry_remove(actor=users["office"], entry=entry, on=dt.date(2025, 3, 1), reason="Rà soát")
    # when lists are built as of 28/02/2025, 31/03/2025 and 01/06/2025
    days = [dt.date(2025, 2, 28), dt.date(2025, 3, 31), dt.date(2025, 6, 1)]
    rounds = [make_round(kind=RoundKind.ROTATION, scope="city", as_of=d, name=f"Đợt {d}") for d in days]
    for rnd in rounds:
        due.due_list_build(actor=users["office"], round=rnd)
    # then each list judges the post held and the planning active on its own day
    got = [(_entry(r, moved).position.title, _entry(r, moved).status, _entry(r, planned).status) for r in rounds]
    assert got == [
        ("Chủ tịch UBND phường Ba Đình", DueStatus.DUE, DueStatus.DUE),
        ("Chủ tịch UBND phường Ba Đình", DueStatus.DUE, DueStatus.NOT_TARGET),
        ("Chuyên viên tổ chức cán bộ", DueStatus.NOT_TARGET, DueStatus.NOT_TARGET),
    ]


def test_flags_of_a_past_round_read_only_the_ratings_up_to_its_year(users, make_person, make_round):
    # given ratings "hoàn thành tốt" for 2023 and "hoàn thành nhiệm vụ" for 2024 (a fall)
    person = make_person(name="Lã Văn Xếp", post="snv_head")
    personnel_services.rating_set(actor=users["admin"], person=person, year=2023, level=RatingLevel.GOOD)
    personnel_services.rating_set(actor=users["admin"], person=person, year=2024, level=RatingLevel.COMPLETED)
    # then on 31/12/2023 the 2024 rating is not read: no flag, and the written reason alone carries the decision
    assert due.duty_flags(person=person, on=dt.date(2023, 12, 31)) == []
    rnd = make_round(kind=RoundKind.ROTATION, as_of=dt.date(2023, 12, 31))
    entry = due.due_entry_add_flagged(actor=users["office"], round=rnd, person=person, reason="Chậm đề án 05")
    assert entry.reasons == ["Không có cảnh báo tự động về việc không hoàn thành nhiệm vụ tại ngày 31/12/2023.",
                             "Lý do bổ sung: Chậm đề án 05"]
    # and in 2025 the fall of 2024 is a sign of not completing duties
    [flag] = due.duty_flags(person=person, on=dt.date(2025, 3, 1))
    assert flag.detail == "Năm 2024 xếp loại “hoàn thành nhiệm vụ”, thấp hơn năm 2023 (“hoàn thành tốt nhiệm vụ”)."


def test_a_past_list_holds_the_people_of_the_scope_then(users, posts, make_person, make_round):
    # given a staff member of Sở Tài chính moved to Sở Nội vụ on 01/04/2025, and one of Sở Nội vụ moved out to Sở
    # Tài chính on the same day (both in personnel / finance posts due for periodic change)
    came = make_person(name="Vào Văn Sau", post="stc_staff", since=dt.date(2019, 1, 1))
    _move(users, came, posts["snv_staff"], dt.date(2025, 4, 1))
    left = make_person(name="Ra Văn Trước", post="snv_staff", since=dt.date(2019, 1, 1))
    _move(users, left, posts["stc_staff"], dt.date(2025, 4, 1))
    # when Sở Nội vụ's periodic-change lists are built as of 31/03/2025 and 01/04/2025
    before = make_round(scope="snv", as_of=dt.date(2025, 3, 31), name="Trước")
    after = make_round(scope="snv", as_of=dt.date(2025, 4, 1), name="Sau")
    for rnd in (before, after):
        due.due_list_build(actor=users["office"], round=rnd)
    # then each holds the person who held Sở Nội vụ's post that day, with that post
    def listed(rnd):
        return [(e.person.full_name, e.position.title, e.status)
                for e in DueEntry.objects.filter(round=rnd).select_related("person", "position")]

    assert listed(before) == [("Ra Văn Trước", "Chuyên viên tổ chức cán bộ", DueStatus.DUE)]
    assert listed(after) == [("Vào Văn Sau", "Chuyên viên tổ chức cán bộ", DueStatus.NOT_YET)]
