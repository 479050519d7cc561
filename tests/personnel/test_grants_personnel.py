"""Roles in more than one place (issue 14) on cadre records and rotation: a personnel officer of two units reaches
both subtrees and never a third; a personnel role reaches only its grant's unit; single-grant scope unchanged."""

import datetime as dt

import pytest

from chidao.core.errors import PermissionDenied
from chidao.core.models import ChangeRecord, Role, User
from chidao.personnel import excel, permissions, planning, selectors, services
from chidao.personnel.models import Gender, Person, Position, PostLevel
from chidao.rotation import due
from chidao.rotation.models import RotationRound
from tests.grants import grant
from tests.personnel.test_import import workbook

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


@pytest.fixture
def hr2(hr, tree) -> User:
    """The personnel officer of Sở Nội vụ, given a second personnel grant in Sở Tài chính."""
    return grant(hr["snv"], Role.PERSONNEL, tree["stc"])


@pytest.fixture
def stp_post(tree) -> Position:
    return Position.objects.create(unit=tree["stp"], title="Giám đốc Sở Tư pháp", level=PostLevel.HEAD_DEPARTMENT,
                                   is_leader=True, is_key_post=True)


@pytest.fixture
def people(make_person, posts, stp_post) -> dict[str, Person]:
    posts["stp_director"] = stp_post
    return {
        "snv": make_person(name="Nguyễn Văn An", post="snv_director", phone="0912000001"),
        "snv_division": make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_staff"),
        "stc": make_person(name="Lê Văn Cường", post="stc_staff", phone="0912000003"),
        "stp": make_person(name="Phạm Văn Dũng", post="stp_director", phone="0912000004"),
    }


def _names(qs) -> list[str]:
    return sorted(p.full_name for p in qs)


def _counts() -> tuple[int, int]:
    return Person.objects.count(), ChangeRecord.objects.count()


# --- Reading ------------------------------------------------------------------------------------------------


def test_a_personnel_officer_of_two_units_sees_both_subtrees_and_not_a_third(hr2, people):
    assert _names(Person.objects.visible_to(hr2)) == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert _names(selectors.person_list(user=hr2)) == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    assert [permissions.can_see_sensitive(hr2, people[k]) for k in ("snv", "snv_division", "stc", "stp")] == [
        True, True, True, False]


def test_the_list_page_and_the_record_pages_follow_both_grants(client, hr2, people):
    client.force_login(hr2)
    listed = [p.full_name for p in client.get("/can-bo/").context["page"]]
    assert sorted(listed) == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    stc_page = client.get(f"/can-bo/{people['stc'].pk}/")
    assert (stc_page.status_code, "0912000003" in stc_page.content.decode()) == (200, True)
    assert client.get(f"/can-bo/{people['stp'].pk}/").status_code == 404


def test_the_filters_and_posts_offered_are_both_subtrees(hr2, tree, posts, stp_post):
    assert set(selectors.person_filter_units(user=hr2).values_list("code", flat=True)) == {"SNV", "SNV-TCBC", "STC"}
    assert set(selectors.person_positions(user=hr2).values_list("pk", flat=True)) == {
        p.pk for p in posts.values()}
    assert stp_post.pk not in set(selectors.person_positions(user=hr2).values_list("pk", flat=True))


def test_single_grant_personnel_officers_keep_their_subtree(hr, people):
    assert _names(Person.objects.visible_to(hr["snv"])) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert _names(Person.objects.visible_to(hr["stc"])) == ["Lê Văn Cường"]
    assert set(selectors.person_filter_units(user=hr["stc"]).values_list("code", flat=True)) == {"STC"}


def test_a_lead_officer_grant_does_not_reach_records(hr, tree, people):
    # Given SNV's personnel officer who is a lead officer (not a personnel officer) of STC
    grant(hr["snv"], Role.LEAD_OFFICER, tree["stc"])
    # Then their records are still SNV's subtree only
    assert _names(Person.objects.visible_to(hr["snv"])) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert permissions.can_reach_unit(hr["snv"], tree["stc"].pk) is False


def test_a_lead_officer_with_a_personnel_grant_reads_that_units_records(users, tree, people):
    lead = users["snv"]
    assert (permissions.can_read_people(lead), _names(Person.objects.visible_to(lead))) == (False, [])
    grant(lead, Role.PERSONNEL, tree["stc"])
    assert (permissions.can_read_people(lead), permissions.can_manage_people(lead),
            permissions.can_write_sensitive(lead)) == (True, True, True)
    assert _names(Person.objects.visible_to(lead)) == ["Lê Văn Cường"]


def test_an_extra_office_grant_reaches_every_unit_with_sensitive_fields_masked(hr, tree, people):
    officer = grant(hr["stc"], Role.OFFICE, tree["btc"])
    assert len(Person.objects.visible_to(officer)) == 4
    assert permissions.is_unit_scoped(officer) is False
    # Sensitive fields stay those of the personnel grant's subtree
    assert [permissions.can_see_sensitive(officer, people[k]) for k in ("snv", "stc", "stp")] == [False, True, False]


# --- Writing ------------------------------------------------------------------------------------------------


def test_a_personnel_officer_of_two_units_creates_in_both(hr2, tree):
    for key in ("snv_division", "stc"):
        person = services.person_create(actor=hr2, code=f"MOI-{key}", full_name="Người Mới",
                                        birth_date=dt.date(1990, 1, 1), gender=Gender.MALE, unit=tree[key])
        assert person.unit == tree[key]


def test_a_personnel_officer_of_two_units_cannot_create_in_a_third_and_nothing_changes(hr2, tree):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.person_create(actor=hr2, code="MOI-STP", full_name="Người Mới", birth_date=dt.date(1990, 1, 1),
                               gender=Gender.MALE, unit=tree["stp"])
    assert _counts() == before


def test_an_import_reaches_both_subtrees_and_refuses_a_third(hr2, posts, stp_post):
    before = _counts()
    result = excel.people_import(actor=hr2, dry_run=True, file=workbook(
        people=[["CB001", "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "", ""],
                ["CB002", "Trần Thị Bình", "05/03/1980", "Nữ", "", "", "", "", ""],
                ["CB003", "Lê Văn Cường", "05/03/1980", "Nam", "", "", "", "", ""]],
        assignments=[["CB001", "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", "", "tuyển dụng", "01/01/2000", "", ""],
                     ["CB002", "STC", "Chuyên viên quản lý ngân sách", "", "", "tuyển dụng", "01/01/2005", "", ""],
                     ["CB003", "STP", "Giám đốc Sở Tư pháp", "", "", "tuyển dụng", "01/01/2010", "", ""]]))
    # Only the row in Sở Tư pháp is refused
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        ("Quá trình công tác", 7, "Mã đơn vị", "Đơn vị STP ngoài phạm vi quản lý của bạn."),
    ]
    assert _counts() == before


def test_planning_coverage_shows_the_key_posts_of_both_subtrees(hr2, posts, stp_post):
    term = planning.planning_term_create(actor=hr2, name="2025-2030", start_year=2025, end_year=2030)
    rows = planning.planning_coverage(term=term, on=ON, user=hr2)
    assert sorted(r.position.title for r in rows) == [
        "Giám đốc Sở Nội vụ", "Giám đốc Sở Tài chính", "Phó Giám đốc Sở Nội vụ"]


# --- Rotation -----------------------------------------------------------------------------------------------


def test_rounds_of_both_subtrees_are_opened_and_seen_not_a_third(hr2, users, tree, make_round):
    stp_round = make_round(scope="stp")
    for key in ("snv", "stc"):
        make_round(scope=key, actor_user=hr2)
    assert sorted(RotationRound.objects.visible_to(hr2).values_list("scope__code", flat=True)) == ["SNV", "STC"]
    assert set(due.round_scope_units(user=hr2).values_list("code", flat=True)) == {"SNV", "SNV-TCBC", "STC"}
    before = RotationRound.objects.count(), ChangeRecord.objects.count()
    with pytest.raises(PermissionDenied):
        make_round(scope="stp", actor_user=hr2)
    assert (RotationRound.objects.count(), ChangeRecord.objects.count()) == before
    assert not RotationRound.objects.visible_to(hr2).filter(pk=stp_round.pk).exists()


def test_single_grant_rounds_unchanged(hr, make_round):
    make_round(scope="stc")
    make_round(scope="snv")
    assert list(RotationRound.objects.visible_to(hr["snv"]).values_list("scope__code", flat=True)) == ["SNV"]
    assert set(due.round_scope_units(user=hr["stc"]).values_list("code", flat=True)) == {"STC"}
    assert RotationRound.objects.visible_to(User(username="x", role=Role.LEAD_OFFICER)).count() == 0
