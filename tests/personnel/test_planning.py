"""Cadre planning under Regulation 377-QĐ/TW: what may be added, removal with a reason, the yearly
review and the coverage of key posts; the pages."""

import datetime as dt

import pytest
from django.urls import reverse

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, Unit, UnitKind, UnitLevel
from chidao.personnel import planning, services
from chidao.personnel.models import (
    AccessLog,
    DisciplineForm,
    DisciplineSystem,
    Gender,
    PlanningEntry,
    PlanningTerm,
    Position,
    PostLevel,
    RatingLevel,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


@pytest.fixture
def term(users):
    return planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)


def _counts() -> tuple[int, int, int]:
    return (PlanningEntry.objects.count(), PlanningEntry.objects.filter(removed_on__isnull=True).count(),
            ChangeRecord.objects.count())


def _add(users, term, person, position, on=ON, actor="office"):
    return planning.planning_entry_add(actor=users[actor], term=term, person=person, position=position, on=on)


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- terms ----------------------------------------------------------------------------------------

def test_term_is_created_and_audited(users, term):
    assert (term.name, term.start_year, term.end_year) == ("2025-2030", 2025, 2030)
    record = ChangeRecord.objects.get(object_id=str(term.pk), content_type__model="planningterm")
    assert (record.actor, record.action, record.after) == (
        users["office"], "create", {"name": "2025-2030", "start_year": 2025, "end_year": 2030})


def test_term_create_refused_for_a_lead_officer_and_nothing_changes(users):
    before = (PlanningTerm.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(PermissionDenied):
        planning.planning_term_create(actor=users["snv"], name="2025-2030", start_year=2025, end_year=2030)
    assert (PlanningTerm.objects.count(), ChangeRecord.objects.count()) == before


# --- people per post ------------------------------------------------------------------------------

def test_third_person_for_a_post_is_accepted_and_the_fourth_refused(users, term, posts, make_person):
    people = [make_person(name=f"Nguyễn Văn {n}") for n in ("An", "Bình", "Cường", "Dũng")]
    for person in people[:3]:
        _add(users, term, person, posts["snv_director"])
    assert PlanningEntry.objects.filter(term=term, position=posts["snv_director"]).count() == 3

    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, people[3], posts["snv_director"])
    assert _messages(exc) == {"position": [
        "Chức danh “Giám đốc Sở Nội vụ” đã có 3 người trong quy hoạch nhiệm kỳ 2025-2030; mỗi chức danh quy "
        "hoạch không quá 3 người."]}
    assert _counts() == before


def test_a_removed_entry_frees_its_place(users, term, posts, make_person):
    people = [make_person(name=f"Nguyễn Văn {n}") for n in ("An", "Bình", "Cường", "Dũng")]
    entries = [_add(users, term, p, posts["snv_director"]) for p in people[:3]]
    planning.planning_entry_remove(actor=users["office"], entry=entries[0], on=ON, reason="Chuyển công tác")
    assert _add(users, term, people[3], posts["snv_director"]).removed_on is None


# --- posts per person at one level ----------------------------------------------------------------

def test_three_posts_at_one_level_accepted_fourth_refused_another_level_allowed(users, term, posts, tree,
                                                                               make_person):
    extra = [Position.objects.create(unit=tree[u], title=f"Giám đốc {tree[u].name}", level=PostLevel.HEAD_DEPARTMENT,
                                     is_leader=True) for u in ("stp", "btc")]
    person = make_person()
    for position in (posts["snv_director"], posts["stc_director"], extra[0]):
        _add(users, term, person, position)

    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, extra[1])
    assert _messages(exc) == {"position": [
        "Nguyễn Văn An đã được quy hoạch 3 chức danh cấp “giám đốc sở và tương đương” trong nhiệm kỳ 2025-2030; "
        "mỗi người quy hoạch không quá 3 chức danh ở cùng một cấp."]}
    assert _counts() == before

    entry = _add(users, term, person, posts["snv_deputy"])
    assert entry.position.level == PostLevel.DEPUTY_DEPARTMENT


# --- only a higher post ---------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "level_label"), [("snv_head", "trưởng phòng và tương đương"),
                                                     ("snv_staff", "chuyên viên")])
def test_equal_or_lower_post_refused(users, term, posts, make_person, target, level_label):
    person = make_person(post="snv_head")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts[target])
    assert _messages(exc) == {"position": [
        f"Chỉ quy hoạch vào chức danh cao hơn: “{posts[target].title}” ({level_label}) không cao hơn chức danh "
        "hiện nay “Trưởng phòng Tổ chức, biên chế” (trưởng phòng và tương đương)."]}
    assert _counts() == before


def test_person_without_a_current_post_cannot_be_planned(users, term, posts, make_person):
    person = make_person(post=None)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts["snv_deputy"])
    assert _messages(exc) == {"person": [
        "Nguyễn Văn An chưa giữ chức danh nào nên không thể quy hoạch (chỉ quy hoạch vào chức danh cao hơn chức "
        "danh hiện nay)."]}
    assert _counts() == before


# --- one full term before retirement ---------------------------------------------------------------

def test_exactly_sixty_months_before_retirement_is_enough_fifty_nine_is_not(users, term, posts, make_person):
    person = make_person(born=dt.date(1975, 5, 20))  # man: 62 -> pension from 01/06/2037
    assert person.retirement_date == dt.date(2037, 6, 1)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts["snv_director"], on=dt.date(2032, 6, 2))
    assert _messages(exc) == {"person": [
        "Không đủ thời gian công tác ít nhất một nhiệm kỳ: từ ngày 02/06/2032 đến ngày nghỉ hưu 01/06/2037 còn 59 "
        "tháng, cần ít nhất 60 tháng."]}
    assert _counts() == before

    entry = _add(users, term, person, posts["snv_director"], on=dt.date(2032, 6, 1))
    assert entry.added_on == dt.date(2032, 6, 1)


# --- discipline ------------------------------------------------------------------------------------

def test_blocking_discipline_refused_and_one_expired_yesterday_accepted(users, term, posts, make_person):
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.CIVIL_SERVICE,
                            form=DisciplineForm.REPRIMAND, decided_on=dt.date(2025, 11, 15), decided_by="UBND TP")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts["snv_director"], on=dt.date(2026, 11, 14))
    assert _messages(exc) == {"person": [
        "Đang trong thời hạn kỷ luật khiển trách (quyết định ngày 15/11/2025): chưa được quy hoạch đến hết ngày "
        "14/11/2026."]}
    assert _counts() == before

    entry = _add(users, term, person, posts["snv_director"], on=dt.date(2026, 11, 15))
    assert entry.pk is not None


def test_before_377_an_expired_reprimand_still_blocks_planning(users, term, posts, make_person):
    # Given a reprimand of 15/03/2024 whose 12 months ended on 14/03/2025
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.CIVIL_SERVICE,
                            form=DisciplineForm.REPRIMAND, decided_on=dt.date(2024, 3, 15), decided_by="UBND TP")
    before = _counts()
    # On 07/10/2025 (Regulation 50: out of planning for the term, read as 60 months) it is refused
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts["snv_director"], on=dt.date(2025, 10, 7))
    assert _messages(exc) == {"person": ["Đang trong thời hạn kỷ luật khiển trách (quyết định ngày 15/03/2024): chưa "
                                         "được quy hoạch đến hết ngày 14/03/2029."]}
    assert _counts() == before
    # On 08/10/2025 (Regulation 377: an expired khiển trách no longer blocks) it is accepted
    assert _add(users, term, person, posts["snv_director"], on=dt.date(2025, 10, 8)).pk is not None


def test_an_appointment_bar_alone_does_not_keep_anyone_out_of_planning(users, term, posts, make_person):
    # Given a Party reprimand of 15/11/2025: planning barred to 14/11/2026, appointment to 14/11/2027
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.PARTY,
                            form=DisciplineForm.REPRIMAND, decided_on=dt.date(2025, 11, 15), decided_by="UBKT")
    entry = _add(users, term, person, posts["snv_director"], on=dt.date(2026, 11, 15))
    assert entry.pk is not None
    assert planning.planning_review(term=term, on=dt.date(2026, 11, 15)) == []


def test_expulsion_refused_for_good(users, term, posts, make_person):
    person = make_person()
    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.PARTY,
                            form=DisciplineForm.EXPULSION, decided_on=dt.date(2015, 1, 5), decided_by="UBKT")
    with pytest.raises(ValidationError) as exc:
        _add(users, term, person, posts["snv_director"])
    assert _messages(exc) == {"person": ["Đã bị kỷ luật khai trừ (quyết định ngày 05/01/2015): không được quy hoạch."]}


# --- permission -----------------------------------------------------------------------------------

def test_personnel_officer_plans_people_of_their_subtree(users, hr, term, posts, make_person):
    person = make_person()  # in Phòng Tổ chức, biên chế under Sở Nội vụ
    entry = planning.planning_entry_add(actor=hr["snv"], term=term, person=person, position=posts["snv_head"], on=ON)
    record = ChangeRecord.objects.get(object_id=str(entry.pk), content_type__model="planningentry")
    assert (record.actor, record.action, record.after["position"], record.after["added_on"]) == (
        hr["snv"], "create", "Trưởng phòng Tổ chức, biên chế, Phòng Tổ chức, biên chế", "2025-06-01")


@pytest.mark.parametrize("actor", ["stc_hr", "snv", "steering", "auditor"])
def test_others_cannot_plan_and_nothing_changes(users, hr, term, posts, make_person, actor):
    person = make_person()
    user = hr["stc"] if actor == "stc_hr" else users[actor]
    before = _counts()
    with pytest.raises(PermissionDenied):
        planning.planning_entry_add(actor=user, term=term, person=person, position=posts["snv_head"], on=ON)
    assert _counts() == before


# --- removal ---------------------------------------------------------------------------------------

def test_removal_needs_a_reason_and_keeps_the_row(users, term, posts, make_person):
    entry = _add(users, term, make_person(), posts["snv_director"])
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        planning.planning_entry_remove(actor=users["office"], entry=entry, on=dt.date(2026, 1, 10), reason="  ")
    assert _messages(exc) == {"reason": ["Nhập lý do đưa ra khỏi quy hoạch."]}
    assert _counts() == before

    planning.planning_entry_remove(actor=users["office"], entry=entry, on=dt.date(2026, 1, 10),
                                   reason="Không còn đủ tiêu chuẩn")
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removed_reason) == (dt.date(2026, 1, 10), "Không còn đủ tiêu chuẩn")
    record = ChangeRecord.objects.filter(object_id=str(entry.pk), content_type__model="planningentry",
                                         action="update").get()
    assert (record.before["removed_on"], record.after["removed_on"], record.reason) == (
        None, "2026-01-10", "Không còn đủ tiêu chuẩn")


def test_removal_by_another_subtree_officer_refused(users, hr, term, posts, make_person):
    entry = _add(users, term, make_person(), posts["snv_director"])
    before = _counts()
    with pytest.raises(PermissionDenied):
        planning.planning_entry_remove(actor=hr["stc"], entry=entry, on=ON, reason="Thử")
    assert _counts() == before


# --- yearly review ---------------------------------------------------------------------------------

def test_review_proposes_removal_after_a_new_discipline(users, term, posts, make_person):
    person = make_person()
    entry = _add(users, term, person, posts["snv_director"], on=dt.date(2025, 1, 10))
    assert planning.planning_review(term=term, on=dt.date(2025, 7, 1)) == []

    services.discipline_add(actor=users["admin"], person=person, system=DisciplineSystem.PARTY,
                            form=DisciplineForm.WARNING, decided_on=dt.date(2025, 6, 1), decided_by="UBKT Thành ủy")
    [proposal] = planning.planning_review(term=term, on=dt.date(2025, 7, 1))
    assert (proposal.entry, proposal.code, proposal.basis) == (
        entry, "discipline", "Quy định 50-QĐ/TW ngày 27/12/2021 về công tác quy hoạch cán bộ")
    # judged under Regulation 50 (before 08/10/2025): out of planning for the term, read as 60 months
    assert proposal.reason == ("Bị kỷ luật cảnh cáo theo quyết định ngày 01/06/2025 (chưa được quy hoạch đến hết "
                               "ngày 31/05/2030).")
    # under Regulation 377 its own 12 months count: on 31/05/2026 still, on 01/06/2026 expired, no longer blocks
    [later] = planning.planning_review(term=term, on=dt.date(2026, 5, 31))
    assert later.reason == ("Bị kỷ luật cảnh cáo theo quyết định ngày 01/06/2025 (chưa được quy hoạch đến hết "
                            "ngày 31/05/2026).")
    assert planning.planning_review(term=term, on=dt.date(2026, 6, 1)) == []


def test_review_proposes_removal_for_retirement_post_reached_and_two_bad_years(users, term, posts, make_person):
    near = make_person(name="Lê Văn Cao", born=dt.date(1966, 6, 10))          # pension from 01/07/2028
    promoted = make_person(name="Phạm Thị Dung", gender=Gender.FEMALE, born=dt.date(1980, 2, 2))
    weak = make_person(name="Hoàng Văn Em")
    for p in (near, promoted, weak):
        _add(users, term, p, posts["snv_deputy"], on=dt.date(2020, 1, 10))
    services.assignment_add(actor=users["admin"], person=promoted, position=posts["snv_deputy"], kind="appointment",
                            start=dt.date(2025, 9, 1))
    for year in (2024, 2025):
        services.rating_set(actor=users["admin"], person=weak, year=year, level=RatingLevel.NOT_COMPLETED)

    proposals = planning.planning_review(term=term, on=dt.date(2026, 1, 15))
    basis = "Quy định 377-QĐ/TW ngày 08/10/2025 về phân cấp quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu ứng cử"
    assert [(p.entry.person.full_name, p.code, p.reason, p.basis) for p in proposals] == [
        ("Lê Văn Cao", "retirement", "Không còn đủ thời gian công tác một nhiệm kỳ: còn 29 tháng đến ngày nghỉ hưu "
                                     "01/07/2028 (cần ít nhất 60 tháng).", basis),
        ("Phạm Thị Dung", "not_higher", "Chức danh quy hoạch “Phó Giám đốc Sở Nội vụ” (phó giám đốc sở và tương "
                                        "đương) không còn cao hơn chức danh hiện nay “Phó Giám đốc Sở Nội vụ” (phó "
                                        "giám đốc sở và tương đương).", basis),
        ("Hoàng Văn Em", "not_completed", "Năm 2025 xếp loại “không hoàn thành nhiệm vụ”.", REG_377),
    ]
    # a review of 31/08/2025 reads the post held that day (before the appointment of 01/09/2025): still higher
    before = planning.planning_review(term=term, on=dt.date(2025, 8, 31))
    assert [p.code for p in before if p.entry.person == promoted] == []


REG_377 = "Quy định 377-QĐ/TW ngày 08/10/2025 về phân cấp quản lý cán bộ và quy hoạch, bổ nhiệm, giới thiệu ứng cử"
REG_50_ART_8 = "Quy định 50-QĐ/TW ngày 27/12/2021 về công tác quy hoạch cán bộ"


def _not_completed(term, on):
    return [(p.entry.person.full_name, p.reason, p.basis) for p in planning.planning_review(term=term, on=on)
            if p.code == "not_completed"]


def test_review_one_bad_year_is_enough_from_08_10_2025(users, term, posts, make_person):
    # given two planned people: one rated "không hoàn thành nhiệm vụ" in 2024 only, one in 2023 and 2024
    once = make_person(name="Hoàng Văn Em")
    twice = make_person(name="Đinh Văn Phúc")
    for p in (once, twice):
        _add(users, term, p, posts["snv_deputy"], on=dt.date(2025, 1, 10))
    services.rating_set(actor=users["admin"], person=once, year=2023, level=RatingLevel.GOOD)
    for year in (2023, 2024):
        services.rating_set(actor=users["admin"], person=twice, year=year, level=RatingLevel.NOT_COMPLETED)
    services.rating_set(actor=users["admin"], person=once, year=2024, level=RatingLevel.NOT_COMPLETED)
    # when reviewed on 07/10/2025 (Regulation 50): two consecutive years are needed
    assert _not_completed(term, dt.date(2025, 10, 7)) == [
        ("Đinh Văn Phúc", "Các năm liên tiếp 2023 và 2024 xếp loại “không hoàn thành nhiệm vụ”.", REG_50_ART_8)]
    # when reviewed on 08/10/2025 (Regulation 377): the year reviewed alone is enough
    assert _not_completed(term, dt.date(2025, 10, 8)) == [
        ("Hoàng Văn Em", "Năm 2024 xếp loại “không hoàn thành nhiệm vụ”.", REG_377),
        ("Đinh Văn Phúc", "Năm 2024 xếp loại “không hoàn thành nhiệm vụ”.", REG_377)]


# --- coverage of key posts -------------------------------------------------------------------------

def test_coverage_of_key_posts_against_the_targets(users, term, posts, make_person):
    on = dt.date(2025, 6, 1)
    young_woman = make_person(name="Trần Thị Mai", gender=Gender.FEMALE, born=dt.date(1985, 4, 1))   # 40
    woman = make_person(name="Đỗ Thị Lan", gender=Gender.FEMALE, born=dt.date(1978, 1, 1))            # 47
    man = make_person(name="Vũ Văn Hùng", born=dt.date(1975, 5, 20))                                  # 50
    older = make_person(name="Bùi Văn Khoa", born=dt.date(1972, 8, 8))                                # 52
    for p in (young_woman, woman, man):
        _add(users, term, p, posts["snv_director"], on=on)
    _add(users, term, older, posts["snv_deputy"], on=on)
    _add(users, term, man, posts["stc_director"], on=dt.date(2025, 7, 1))   # after the day: not counted

    rows = planning.planning_coverage(term=term, on=on)
    assert [(r.position.title, r.count, r.women, r.women_percent, r.women_met, r.young, r.young_percent, r.young_met)
            for r in rows] == [
        ("Giám đốc Sở Nội vụ", 3, 2, 66.7, True, 1, 33.3, True),
        ("Giám đốc Sở Tài chính", 0, 0, None, False, 0, None, False),
        ("Phó Giám đốc Sở Nội vụ", 1, 0, 0.0, False, 0, 0.0, False),
    ]
    total = planning.planning_coverage_total(rows)
    assert (total.count, total.women_percent, total.women_met, total.young_percent, total.young_met) == (
        4, 50.0, True, 25.0, True)
    assert (total.women_target, total.young_target) == (25, 15)


def test_coverage_young_is_measured_at_the_term_start_by_the_level_of_the_posts_unit(users, term, posts, units,
                                                                                     make_person):
    # given a key post of a central body, and people planned in term 2025-2030 (measured on 01/01/2025)
    central = Unit.objects.create(code="TW-BAN", name="Ban Tổ chức Trung ương", kind=UnitKind.PARTY_BODY,
                                  level=UnitLevel.CENTRAL)
    central_post = Position.objects.create(unit=central, title="Vụ trưởng", level=PostLevel.HEAD_DEPARTMENT,
                                           is_leader=True, is_key_post=True)
    almost_40 = make_person(name="Trần Văn A", born=dt.date(1985, 1, 2), post="snv_head")   # 39y364d
    just_40 = make_person(name="Trần Văn B", born=dt.date(1985, 1, 1), post="snv_head")     # 40y0d
    for p in (almost_40, just_40):
        _add(users, term, p, posts["snv_director"], on=dt.date(2025, 6, 1))
        _add(users, term, p, central_post, on=dt.date(2025, 6, 1))
    # when the coverage is asked later in the term, then age is still that of 01/01/2025
    rows = {r.position.title: r.young for r in planning.planning_coverage(term=term, on=dt.date(2026, 6, 1))}
    assert rows["Giám đốc Sở Nội vụ"] == 1   # province: under 40, so 40 itself is not young
    assert rows["Vụ trưởng"] == 2            # central: under 45


def test_coverage_young_share_below_target(users, term, posts, make_person):
    people = [make_person(name=f"Ngô Văn {n}", born=dt.date(1970, 1, 1)) for n in ("A", "B", "C")]
    for p in people:
        _add(users, term, p, posts["snv_director"])
    [row] = [r for r in planning.planning_coverage(term=term, on=ON) if r.position == posts["snv_director"]]
    assert (row.young, row.young_percent, row.young_met, row.women_percent, row.women_met) == (0, 0.0, False, 0.0,
                                                                                              False)


# --- pages -----------------------------------------------------------------------------------------

def test_pages_answer_the_office(client, users, term, posts, make_person):
    person = make_person(name="Trần Thị Mai", gender=Gender.FEMALE, born=dt.date(1985, 4, 1))
    _add(users, term, person, posts["snv_director"])
    client.force_login(users["office"])
    response = client.get(reverse("planning_term_list"))
    assert response.status_code == 200
    assert "2025-2030" in response.content.decode()
    response = client.get(reverse("planning_term_detail", args=[term.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trần Thị Mai" in html and "1/3 người" in html and "01/06/2025" in html
    assert AccessLog.objects.filter(user=users["office"], action="planning_view").count() == 1


def test_pages_add_and_remove_through_the_forms(client, users, term, posts, make_person):
    person = make_person()
    client.force_login(users["office"])
    response = client.post(reverse("planning_entry_add", args=[term.pk]), {
        "code": person.code, "position": posts["snv_director"].pk, "on": "01/06/2025", "reason": "Nghị quyết số 5"})
    assert response.status_code == 302
    entry = PlanningEntry.objects.get()
    assert (entry.person, entry.added_on, entry.added_reason) == (person, ON, "Nghị quyết số 5")

    response = client.post(reverse("planning_entry_remove", args=[entry.pk]), {"on": "10/01/2026", "reason": ""})
    assert response.status_code == 422
    assert "Nhập lý do đưa ra khỏi quy hoạch." in response.content.decode()
    response = client.post(reverse("planning_entry_remove", args=[entry.pk]),
                           {"on": "10/01/2026", "reason": "Chuyển công tác"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removed_reason) == (dt.date(2026, 1, 10), "Chuyển công tác")


def test_page_add_shows_the_refusal(client, users, term, posts, make_person):
    person = make_person(post="snv_head")
    client.force_login(users["office"])
    response = client.post(reverse("planning_entry_add", args=[term.pk]), {
        "code": person.code, "position": posts["snv_head"].pk, "on": "01/06/2025"})
    assert response.status_code == 422
    assert "Chỉ quy hoạch vào chức danh cao hơn" in response.content.decode()
    assert PlanningEntry.objects.count() == 0


@pytest.mark.parametrize("role", ["snv", "steering", "auditor"])
def test_pages_forbidden_to_those_who_do_not_manage_people(client, users, term, posts, make_person, role):
    person = make_person()
    client.force_login(users[role])
    before = (_counts(), PlanningTerm.objects.count())
    assert client.get(reverse("planning_term_list")).status_code == 403
    assert client.get(reverse("planning_term_detail", args=[term.pk])).status_code == 403
    assert client.post(reverse("planning_term_list"), {"name": "2030-2035", "start_year": 2030,
                                                       "end_year": 2035}).status_code == 403
    assert client.post(reverse("planning_entry_add", args=[term.pk]), {
        "code": person.code, "position": posts["snv_director"].pk, "on": "01/06/2025"}).status_code == 403
    assert (_counts(), PlanningTerm.objects.count()) == before
