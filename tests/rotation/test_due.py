"""Rounds and due lists: who may open and change them, what the list holds, people added for not
completing duties, and the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.personnel import planning
from chidao.personnel import services as personnel_services
from chidao.personnel.models import DeferralKind, Gender, Position, PostLevel, RatingLevel
from chidao.personnel.rules import retirement_date
from chidao.rotation import due
from chidao.rotation.models import DueEntry, DueStatus, RotationRound, RoundKind, RoundState
from chidao.rotation.rules import BASIS_FLAGGED, BASIS_PERIODIC_CHANGE, BASIS_ROTATION

from .fixtures import ON

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int]:
    return RotationRound.objects.count(), DueEntry.objects.count(), ChangeRecord.objects.count()


def _entries(rnd: RotationRound) -> dict[str, tuple[str, bool]]:
    return {e.person.code: (e.status, e.included) for e in DueEntry.objects.filter(round=rnd).select_related("person")}


@pytest.fixture
def snv_people(make_person, defer):
    """Sở Nội vụ (with its division) on 01/06/2025, one person per outcome, and one person of Sở Tài chính."""
    people = {
        "due": make_person(name="Trần Văn Bình", since=dt.date(2020, 1, 1)),
        "not_yet": make_person(name="Lê Thị Cúc", gender=Gender.FEMALE, since=dt.date(2023, 1, 1)),
        "exempt": make_person(name="Phạm Văn Dũng", born=dt.date(1964, 6, 10), since=dt.date(2018, 1, 1)),
        "deferred": make_person(name="Hoàng Thị Én", gender=Gender.FEMALE, born=dt.date(1990, 3, 3),
                                since=dt.date(2019, 1, 1)),
        "head": make_person(name="Vũ Văn Giang", post="snv_head"),
        "director": make_person(name="Đỗ Văn Hải", post="snv_director"),
        "outside": make_person(name="Ngô Văn Khoa", post="stc_staff", since=dt.date(2019, 1, 1)),
    }
    defer(people["deferred"], DeferralKind.PREGNANCY_CHILD, dt.date(2025, 2, 1), dt.date(2028, 1, 31))
    return people


# --- rounds ---------------------------------------------------------------------------------------

def test_round_is_created_with_the_default_cap_and_audited(users, tree, make_round):
    rnd = make_round()
    assert (rnd.kind, rnd.scope, rnd.state, rnd.as_of, rnd.year, rnd.unit_cap_percent, rnd.created_by) == (
        RoundKind.PERIODIC_CHANGE, tree["snv"], RoundState.DRAFT, ON, 2025, 20, users["office"])
    record = ChangeRecord.objects.get(content_type__model="rotationround", object_id=str(rnd.pk))
    assert (record.actor, record.action, record.after["scope"], record.after["as_of"]) == (
        users["office"], "create", "Sở Nội vụ", "2025-06-01")


def test_a_personnel_officer_opens_a_round_in_their_subtree(hr, make_round, tree):
    rnd = make_round(scope="snv_division", actor_user=hr["snv"])
    assert rnd.scope == tree["snv_division"]


def test_a_personnel_officer_of_another_subtree_cannot_open_a_round_and_nothing_changes(hr, make_round):
    before = _state()
    with pytest.raises(PermissionDenied):
        make_round(scope="snv", actor_user=hr["stc"])
    assert _state() == before


def test_a_lead_officer_cannot_open_a_round_and_nothing_changes(make_round):
    before = _state()
    with pytest.raises(PermissionDenied):
        make_round(actor="snv")
    assert _state() == before


def test_round_create_validates_name_and_date(make_round):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        make_round(name="  ", year=2026, as_of=dt.date(2023, 5, 1))
    assert exc.value.message_dict == {"name": ["Nhập tên đợt."],
                                      "as_of": ["Ngày tính (01/05/2023) phải thuộc năm 2026 hoặc năm trước đó."]}
    assert _state() == before


def test_rounds_are_listed_and_got_within_scope(hr, users, make_round):
    snv_round = make_round(scope="snv")
    stc_round = make_round(scope="stc")
    assert list(due.round_list(user=users["office"])) == [stc_round, snv_round]
    assert list(due.round_list(user=hr["snv"])) == [snv_round]
    assert due.round_get(user=hr["snv"], pk=snv_round.pk) == snv_round
    from django.http import Http404
    with pytest.raises(Http404):
        due.round_get(user=hr["snv"], pk=stc_round.pk)
    with pytest.raises(PermissionDenied):
        due.round_list(user=users["snv"])


# --- the periodic-change due list -----------------------------------------------------------------

def test_due_list_of_a_periodic_change_round(users, snv_people, make_round):
    # given Sở Nội vụ's people on 01/06/2025 (and one person of Sở Tài chính)
    rnd = make_round()
    # when the list is built
    counts = due.due_list_build(actor=users["office"], round=rnd)
    # then one person per outcome, two leaders not targets, the other unit absent
    assert counts == {"due": 1, "deferred": 1, "not_yet": 1, "exempt": 1, "not_target": 2, "total": 6,
                      "included": 1}
    p = snv_people
    assert _entries(rnd) == {
        p["due"].code: (DueStatus.DUE, True), p["not_yet"].code: (DueStatus.NOT_YET, False),
        p["exempt"].code: (DueStatus.EXEMPT, False), p["deferred"].code: (DueStatus.DEFERRED, False),
        p["head"].code: (DueStatus.NOT_TARGET, False), p["director"].code: (DueStatus.NOT_TARGET, False),
    }
    entry = DueEntry.objects.get(round=rnd, person=p["due"])
    assert (entry.position.title, entry.due_on, entry.basis, entry.reasons) == (
        "Chuyên viên tổ chức cán bộ", dt.date(2023, 1, 1), BASIS_PERIODIC_CHANGE,
        ["Giữ vị trí công tác từ ngày 01/01/2020, đủ 65 tháng; thời hạn định kỳ chuyển đổi 36 tháng (lĩnh vực tổ "
         "chức cán bộ): đến hạn từ ngày 01/01/2023."])
    assert DueEntry.objects.get(round=rnd, person=p["deferred"]).reasons == [
        "Đang mang thai hoặc nuôi con dưới 36 tháng tuổi: từ 01/02/2025 đến 31/01/2028"]
    assert DueEntry.objects.get(round=rnd, person=p["not_yet"]).due_on == dt.date(2026, 1, 1)
    exempt_retires = retirement_date(birth_date=dt.date(1964, 6, 10), gender=Gender.MALE)
    assert exempt_retires == dt.date(2025, 10, 1)
    assert DueEntry.objects.get(round=rnd, person=p["exempt"]).reasons == [
        "Thời gian công tác còn lại dưới 18 tháng đến tuổi nghỉ hưu (còn 4 tháng; nghỉ hưu từ ngày 01/10/2025)."]
    record = ChangeRecord.objects.filter(content_type__model="rotationround", object_id=str(rnd.pk)).first()
    assert (record.action, record.after["due_list"]) == ("due_list_build", counts)


def test_time_in_post_counts_an_unbroken_run_in_the_same_post(users, posts, make_person, make_round):
    # given someone reappointed to the same post on 01/01/2023 after holding it since 01/01/2021
    person = make_person(since=dt.date(2021, 1, 1))
    personnel_services.assignment_add(actor=users["admin"], person=person, position=posts["snv_staff"],
                                      kind="appointment", start=dt.date(2023, 1, 1))
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    entry = DueEntry.objects.get(round=rnd, person=person)
    # then the time in post runs from 01/01/2021
    assert (entry.status, entry.due_on) == (DueStatus.DUE, dt.date(2024, 1, 1))


def test_build_takes_the_same_number_of_queries_whatever_the_size(users, make_person, make_round):
    rnd = make_round()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            due.due_list_build(actor=users["office"], round=rnd)
        return len(ctx.captured_queries)

    make_person(since=dt.date(2020, 1, 1))
    small = queries()
    for i in range(10):
        make_person(since=dt.date(2019, 1, 1 + i))
    assert queries() == small


def test_rebuild_keeps_choices_and_flagged_additions(users, snv_people, make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    p = snv_people
    due.due_entry_set_included(actor=users["office"], entry=DueEntry.objects.get(round=rnd, person=p["due"]),
                               included=False, reason="Đang thực hiện nhiệm vụ trọng tâm đến hết năm")
    due.due_entry_add_flagged(actor=users["office"], round=rnd, person=p["head"], reason="Chậm tiến độ nhiều việc")
    counts = due.due_list_build(actor=users["office"], round=rnd)
    assert counts == {"due": 2, "deferred": 1, "not_yet": 1, "exempt": 1, "not_target": 1, "total": 6,
                      "included": 1}
    assert _entries(rnd)[p["due"].code] == (DueStatus.DUE, False)
    assert _entries(rnd)[p["head"].code] == (DueStatus.DUE, True)


def test_a_personnel_officer_of_another_subtree_cannot_build_and_nothing_changes(hr, snv_people, make_round):
    rnd = make_round()
    before = _state()
    with pytest.raises(PermissionDenied):
        due.due_list_build(actor=hr["stc"], round=rnd)
    assert _state() == before


def test_an_approved_round_cannot_be_rebuilt_and_nothing_changes(users, snv_people, make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    RotationRound.objects.filter(pk=rnd.pk).update(state=RoundState.APPROVED)
    before = _state()
    with pytest.raises(ValidationError) as exc:
        due.due_list_build(actor=users["office"], round=rnd)
    assert exc.value.message_dict == {"state": [
        "Đợt “Đợt thử periodic_change snv” đang ở tình trạng “đã phê duyệt”: chỉ thay đổi danh sách khi đợt là dự "
        "thảo hoặc đã có phương án (chưa phê duyệt)."]}
    assert _state() == before


# --- the rotation due list ------------------------------------------------------------------------

@pytest.fixture
def ward_posts(posts, wards):
    """Chair and deputy chair of two wards (key leading posts), added to `posts` for `make_person`."""
    for key, unit, title, level in [
        ("bd_chair", wards["ba_dinh"], "Chủ tịch UBND phường Ba Đình", PostLevel.HEAD_DEPARTMENT),
        ("hk_chair", wards["hoan_kiem"], "Chủ tịch UBND phường Hoàn Kiếm", PostLevel.HEAD_DEPARTMENT),
        ("hk_deputy", wards["hoan_kiem"], "Phó Chủ tịch UBND phường Hoàn Kiếm", PostLevel.DEPUTY_DEPARTMENT),
    ]:
        posts[key] = Position.objects.create(unit=unit, title=title, level=level, is_leader=True, is_key_post=True)
    return posts


def test_due_list_of_a_rotation_round(users, ward_posts, wards, make_person, make_round):
    # given, on 01/06/2025:
    term = planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)
    planned = make_person(name="An Văn Phúc", born=dt.date(1980, 1, 1), post="snv_head")
    planning.planning_entry_add(actor=users["office"], term=term, person=planned, position=ward_posts["snv_deputy"],
                                on=dt.date(2025, 1, 10))
    planned_old = make_person(name="Bùi Văn Quang", born=dt.date(1971, 1, 15), post="snv_head")
    planning.planning_entry_add(actor=users["office"], term=term, person=planned_old,
                                position=ward_posts["snv_deputy"], on=dt.date(2025, 1, 10))
    local = make_person(name="Cao Thị Rạng", gender=Gender.FEMALE, born=dt.date(1978, 4, 4), post="bd_chair",
                        since=dt.date(2023, 3, 1), hometown=wards["ba_dinh"])
    ten_years = make_person(name="Đinh Văn Sơn", born=dt.date(1976, 2, 2), post="hk_deputy",
                            since=dt.date(2015, 6, 1), hometown=wards["ba_dinh"])
    personnel_services.assignment_add(actor=users["admin"], person=ten_years, position=ward_posts["hk_chair"],
                                      kind="appointment", start=dt.date(2020, 6, 1))
    not_yet_ten = make_person(name="Giáp Văn Tài", born=dt.date(1976, 2, 2), post="stc_director",
                              since=dt.date(2015, 7, 1), hometown=wards["ba_dinh"])
    staff = make_person(name="Hà Văn Út", post="snv_staff")
    rnd = make_round(kind=RoundKind.ROTATION, scope="city")
    # when the list is built
    counts = due.due_list_build(actor=users["office"], round=rnd)
    # then
    assert counts == {"due": 2, "deferred": 0, "not_yet": 0, "exempt": 1, "not_target": 3, "total": 6,
                      "included": 2}
    assert _entries(rnd) == {
        planned.code: (DueStatus.DUE, True), planned_old.code: (DueStatus.EXEMPT, False),
        local.code: (DueStatus.DUE, True), ten_years.code: (DueStatus.NOT_TARGET, False),
        not_yet_ten.code: (DueStatus.NOT_TARGET, False), staff.code: (DueStatus.NOT_TARGET, False),
    }
    reasons = {e.person_id: e.reasons for e in DueEntry.objects.filter(round=rnd)}
    assert reasons[planned.pk] == ["Cán bộ trong quy hoạch."]
    assert reasons[planned_old.pk] == [
        "Cán bộ trong quy hoạch.",
        "Thời gian công tác còn lại 92 tháng, dưới 120 tháng (10 năm) đến tuổi nghỉ hưu (nghỉ hưu từ ngày 01/02/2033; "
        "Quy định 65-QĐ/TW ngày 28/4/2022 về luân chuyển cán bộ)."]
    assert reasons[local.pk] == ["Lãnh đạo chủ chốt là người địa phương."]
    # ten years in the ward's leadership, but five of them as deputy: only the 60 months as chair count
    assert reasons[ten_years.pk] == [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị 60 tháng "
        "(chưa đủ 120 tháng)."]
    assert reasons[not_yet_ten.pk] == [
        "Lãnh đạo chủ chốt không phải người địa phương, giữ chức cấp trưởng ở một địa phương, đơn vị 119 tháng "
        "(chưa đủ 120 tháng)."]
    assert {e.basis for e in DueEntry.objects.filter(round=rnd)} == {BASIS_ROTATION}


# --- people flagged for not completing duties -----------------------------------------------------

@pytest.fixture
def dropped(users, make_person):
    """Rated "hoàn thành tốt" in 2023, then "hoàn thành nhiệm vụ" in 2024: a falling rating."""
    person = make_person(name="Lý Văn Vinh", post="snv_head")
    personnel_services.rating_set(actor=users["admin"], person=person, year=2023, level=RatingLevel.GOOD)
    personnel_services.rating_set(actor=users["admin"], person=person, year=2024, level=RatingLevel.COMPLETED)
    return person


def test_a_flagged_person_is_added_as_due_with_the_reason(users, dropped, make_round):
    rnd = make_round()
    entry = due.due_entry_add_flagged(actor=users["office"], round=rnd, person=dropped,
                                      reason=" Chậm triển khai đề án số 05 ")
    assert (entry.status, entry.included, entry.basis, entry.added_reason, entry.due_on, entry.position.title) == (
        DueStatus.DUE, True, BASIS_FLAGGED, "Chậm triển khai đề án số 05", ON, "Trưởng phòng Tổ chức, biên chế")
    assert BASIS_FLAGGED == ("Kịp thời luân chuyển khi có biểu hiện không hoàn thành nhiệm vụ (Kết luận Hội nghị "
                             "tổng kết năm 2021)")
    assert entry.reasons == [
        "Xếp loại giảm: Năm 2024 xếp loại “hoàn thành nhiệm vụ”, thấp hơn năm 2023 (“hoàn thành tốt nhiệm vụ”).",
        "Lý do bổ sung: Chậm triển khai đề án số 05"]
    record = ChangeRecord.objects.get(content_type__model="dueentry", object_id=str(entry.pk))
    assert (record.actor, record.action, record.reason, record.after["status"]) == (
        users["office"], "due_entry_add", "Chậm triển khai đề án số 05", "due")


def test_a_flagged_person_without_a_reason_is_refused_and_nothing_changes(users, dropped, make_round):
    rnd = make_round()
    before = _state()
    with pytest.raises(ValidationError) as exc:
        due.due_entry_add_flagged(actor=users["office"], round=rnd, person=dropped, reason="  ")
    assert exc.value.message_dict == {"reason": ["Ghi rõ lý do đưa Lý Văn Vinh vào danh sách."]}
    assert _state() == before


def test_someone_without_a_flag_needs_a_written_reason(users, make_person, make_round):
    person = make_person(name="Mai Văn Xuân", post="snv_head")
    rnd = make_round()
    before = _state()
    with pytest.raises(ValidationError) as exc:
        due.due_entry_add_flagged(actor=users["office"], round=rnd, person=person, reason="")
    assert exc.value.message_dict == {"reason": [
        "Mai Văn Xuân không có cảnh báo không hoàn thành nhiệm vụ tại ngày 01/06/2025: chỉ bổ sung khi ghi rõ lý do "
        "bằng văn bản."]}
    assert _state() == before
    entry = due.due_entry_add_flagged(actor=users["office"], round=rnd, person=person,
                                      reason="Kết luận kiểm tra số 12-KL/UBKT ngày 10/05/2025")
    assert entry.reasons == ["Không có cảnh báo tự động về việc không hoàn thành nhiệm vụ tại ngày 01/06/2025.",
                             "Lý do bổ sung: Kết luận kiểm tra số 12-KL/UBKT ngày 10/05/2025"]


def test_a_flagged_person_outside_the_round_scope_is_refused(users, make_person, make_round):
    person = make_person(name="Ngô Văn Khoa", post="stc_staff")
    rnd = make_round(scope="snv")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        due.due_entry_add_flagged(actor=users["office"], round=rnd, person=person, reason="Lý do")
    assert exc.value.message_dict == {"code": [
        "Ngô Văn Khoa không thuộc phạm vi của đợt (Sở Nội vụ và các đơn vị trực thuộc)."]}
    assert _state() == before


# --- include / exclude ----------------------------------------------------------------------------

def test_exclude_and_include_with_a_reason(users, snv_people, make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    entry = DueEntry.objects.get(round=rnd, person=snv_people["due"])
    due.due_entry_set_included(actor=users["office"], entry=entry, included=False, reason="Biệt phái từ tháng 7")
    entry.refresh_from_db()
    assert entry.included is False
    record = ChangeRecord.objects.filter(content_type__model="dueentry", object_id=str(entry.pk)).first()
    assert (record.action, record.reason, record.before["included"], record.after["included"]) == (
        "exclude", "Biệt phái từ tháng 7", True, False)
    assert due.due_entries(user=users["office"], round=rnd, status=DueStatus.DUE)[0].choice_reason == \
        "Biệt phái từ tháng 7"


def test_include_without_a_reason_or_of_an_exempt_person_is_refused(users, snv_people, make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    before = _state()
    entry = DueEntry.objects.get(round=rnd, person=snv_people["due"])
    with pytest.raises(ValidationError) as exc:
        due.due_entry_set_included(actor=users["office"], entry=entry, included=False, reason=" ")
    assert exc.value.message_dict == {"reason": ["Ghi rõ lý do."]}
    exempt = DueEntry.objects.get(round=rnd, person=snv_people["exempt"])
    with pytest.raises(ValidationError) as exc:
        due.due_entry_set_included(actor=users["office"], entry=exempt, included=True, reason="Theo đề nghị")
    assert exc.value.message_dict == {"included": [
        "Phạm Văn Dũng thuộc trường hợp “không thuộc diện (miễn)” nên không đưa vào phương án."]}
    assert _state() == before
    assert DueEntry.objects.filter(round=rnd, included=True).count() == 1


# --- pages ----------------------------------------------------------------------------------------

def test_pages_answer_the_office(client, users, snv_people, make_round):
    rnd = make_round(name="Chuyển đổi vị trí 2025")
    client.force_login(users["office"])
    response = client.get(reverse("round_list"))
    assert response.status_code == 200
    assert "Chuyển đổi vị trí 2025" in response.content.decode()
    assert 'data-testid="rotation-link"' in response.content.decode()
    response = client.post(reverse("round_due_build", args=[rnd.pk]))
    assert response.status_code == 302
    assert DueEntry.objects.filter(round=rnd).count() == 6
    page = client.get(reverse("round_detail", args=[rnd.pk])).content.decode()
    assert "Lập danh sách đến hạn" in page
    assert "Đang mang thai hoặc nuôi con dưới 36 tháng tuổi: từ 01/02/2025 đến 31/01/2028" in page
    assert '<span data-testid="count-due">1</span>' in page
    assert "01/01/2023" in page
    filtered = client.get(reverse("round_detail", args=[rnd.pk]), {"status": "deferred"}).content.decode()
    assert snv_people["deferred"].full_name in filtered and snv_people["due"].full_name not in filtered


def test_pages_create_a_round_and_add_a_flagged_person(client, users, tree, dropped):
    client.force_login(users["office"])
    response = client.post(reverse("round_list"), {
        "name": "Luân chuyển 2025", "year": "2025", "kind": "periodic_change", "scope": tree["snv"].pk,
        "as_of": "01/06/2025", "unit_cap_percent": ""})
    rnd = RotationRound.objects.get(name="Luân chuyển 2025")
    assert response.status_code == 302 and (rnd.as_of, rnd.unit_cap_percent) == (ON, 20)
    response = client.post(reverse("round_due_add", args=[rnd.pk]), {"code": dropped.code, "reason": ""})
    assert response.status_code == 422
    assert "Ghi rõ lý do đưa Lý Văn Vinh vào danh sách." in response.content.decode()
    response = client.post(reverse("round_due_add", args=[rnd.pk]), {"code": dropped.code, "reason": "Chậm tiến độ"})
    assert response.status_code == 302
    assert _entries(rnd) == {dropped.code: (DueStatus.DUE, True)}


def test_htmx_toggle_swaps_the_row(client, users, snv_people, make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    entry = DueEntry.objects.get(round=rnd, person=snv_people["due"])
    client.force_login(users["office"])
    response = client.post(reverse("due_entry_include", args=[entry.pk]), {"reason": "Biệt phái"},
                           HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith(f'<tr data-testid="entry-{entry.pk}"') and "Biệt phái" in body
    entry.refresh_from_db()
    assert entry.included is False


@pytest.mark.parametrize("role", ["snv", "steering", "auditor"])
def test_pages_forbidden_to_those_who_do_not_manage_people(client, users, snv_people, make_round, role):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    entry = DueEntry.objects.filter(round=rnd).first()
    before = (_state(), list(DueEntry.objects.values_list("included", flat=True)))
    client.force_login(users[role])
    assert client.get(reverse("round_list")).status_code == 403
    assert client.get(reverse("round_detail", args=[rnd.pk])).status_code == 403
    assert client.post(reverse("round_due_build", args=[rnd.pk])).status_code == 403
    assert client.post(reverse("round_due_add", args=[rnd.pk]), {"code": "CB00001", "reason": "x"}).status_code == 403
    assert client.post(reverse("due_entry_include", args=[entry.pk]), {"reason": "x"}).status_code == 403
    assert (_state(), list(DueEntry.objects.values_list("included", flat=True))) == before


def test_a_round_outside_the_officers_scope_answers_404_and_nothing_changes(client, users, hr, snv_people,
                                                                            make_round):
    rnd = make_round()
    due.due_list_build(actor=users["office"], round=rnd)
    entry = DueEntry.objects.filter(round=rnd).first()
    before = _state()
    client.force_login(hr["stc"])
    assert client.get(reverse("round_list")).status_code == 200
    assert client.get(reverse("round_detail", args=[rnd.pk])).status_code == 404
    assert client.post(reverse("round_due_build", args=[rnd.pk])).status_code == 404
    assert client.post(reverse("due_entry_include", args=[entry.pk]), {"reason": "x"}).status_code == 404
    assert _state() == before
    client.force_login(hr["snv"])
    assert client.get(reverse("round_detail", args=[rnd.pk])).status_code == 200


def test_building_refused_without_a_field_answers_422_with_the_message(client, users, make_round, monkeypatch):
    # Given the service refuses the build with a ValidationError that names no field
    rnd = make_round()

    def refuse(**kwargs):
        raise ValidationError("Đợt này không lập lại danh sách được.")

    monkeypatch.setattr(due, "due_list_build", refuse)
    client.force_login(users["office"])
    # When the office asks for the due list
    response = client.post(reverse("round_due_build", args=[rnd.pk]))
    # Then the page answers 422 with the message (it crashed with a 500 before)
    assert response.status_code == 422
    assert "Đợt này không lập lại danh sách được." in response.content.decode()


def test_due_list_goes_on_by_cursor_across_statuses(client, users, snv_people, make_round, monkeypatch):
    # Given a built round of six entries in three or more statuses, two a page, one numbered page
    import html
    import re

    from chidao.core import keyset
    from chidao.rotation import due_views

    monkeypatch.setattr(due_views, "DUE_PAGE_SIZE", 2)
    monkeypatch.setattr(keyset, "NUMBERED_PAGES", 1)
    rnd = make_round(name="Chuyển đổi vị trí 2025")
    client.force_login(users["office"])
    client.post(reverse("round_due_build", args=[rnd.pk]))
    expected = [e.pk for e in due.due_entries(user=users["office"], round=rnd)]  # status order, then name
    url = reverse("round_detail", args=[rnd.pk])

    def shown(response) -> list[int]:
        return [e.pk for g in response.context["groups"] for e in g["entries"]]

    def following(response) -> str:
        found = re.search(r'href="(\?[^"]*)" data-testid="pager-next"', response.content.decode())
        return html.unescape(found.group(1)) if found else ""

    # When the office follows "Trang sau" from the first page to the end
    seen, response = [], client.get(url)
    while True:
        seen += shown(response)
        link = following(response)
        if not link:
            break
        assert link.startswith("?sau=")
        response = client.get(url + link)
    # Then every entry comes once, in the list's order
    assert len(expected) == 6
    assert seen == expected
    # And an altered cursor is refused with a message
    refused = client.get(url, {"sau": "WyJkdWUiXQ:1x:abc"})
    assert refused.status_code == 400
    assert "Liên kết trang không hợp lệ hoặc đã bị sửa." in refused.content.decode()
