"""Roles in more than one place (issue 14): the grants API read by every predicate, the grants-aware subtree of
a role, the core predicates, and `/me` listing the grants."""

import pytest

from chidao.core.models import ChangeRecord, Role, Unit, UnitKind, UnitLevel, User
from chidao.core.permissions import can_read_change_log, can_read_sensitive_history
from chidao.core.reference import user_role_subtree_ids
from chidao.core.tokens import api_token_create
from chidao.procedures.permissions import can_edit_procedures
from chidao.reports.permissions import can_manage_report_templates
from tests.grants import grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def division(units) -> Unit:
    """A division below Sở Nội vụ: in SNV's subtree, not in STC's."""
    return Unit.objects.create(code="SNV-P1", name="Phòng Công chức", kind=UnitKind.DEPARTMENT,
                               level=UnitLevel.PROVINCE, parent=units["snv"])


@pytest.fixture
def hr2(units) -> User:
    """A personnel officer of Sở Nội vụ (main grant) who is also one of Sở Tài chính (extra grant)."""
    user = User.objects.create_user(username="tccb_hai_noi", password="pw", role=Role.PERSONNEL, unit=units["snv"])
    return grant(user, Role.PERSONNEL, units["stc"])


# --- The grants API ---------------------------------------------------------------------------------------


def test_grants_list_the_main_grant_first_then_the_extra_ones(hr2, units):
    assert hr2.grants() == [(Role.PERSONNEL, units["snv"].pk), (Role.PERSONNEL, units["stc"].pk)]
    assert hr2.units_with_role(Role.PERSONNEL) == {units["snv"].pk, units["stc"].pk}
    assert hr2.unit_ids() == {units["snv"].pk, units["stc"].pk}
    assert (hr2.has_role(Role.PERSONNEL), hr2.has_role(Role.LEAD_OFFICER), hr2.reads_all, hr2.manages) == (
        True, False, False, False)


def test_the_main_grant_is_read_live_when_the_object_changes(hr2, units):
    # Given the grants were read once
    hr2.grants()
    # When the main unit of the object changes
    hr2.unit = units["stp"]
    # Then the main grant follows at once; the extra grant stays
    assert hr2.units_with_role(Role.PERSONNEL) == {units["stp"].pk, units["stc"].pk}


def test_a_read_all_role_in_an_extra_grant_reads_all_and_manages(users, units):
    officer = grant(users["snv"], Role.OFFICE, units["btc"])
    assert (officer.reads_all, officer.manages) == (True, True)
    auditor_too = grant(users["stc"], Role.AUDITOR, None)
    assert (auditor_too.reads_all, auditor_too.manages) == (True, False)


# --- The subtree of a role ----------------------------------------------------------------------------------


def test_the_role_subtree_is_the_union_of_the_subtrees_of_the_roles_units(hr2, units, division):
    assert user_role_subtree_ids(hr2, Role.PERSONNEL) == {units["snv"].pk, division.pk, units["stc"].pk}
    # A role the user holds nowhere reaches nothing
    assert user_role_subtree_ids(hr2, Role.LEAD_OFFICER) == set()


def test_a_grant_of_another_role_adds_nothing_to_the_roles_subtree(users, units, division):
    # Given a personnel officer of STC who is also a lead officer of SNV
    user = User.objects.create_user(username="tccb_stc_2", password="pw", role=Role.PERSONNEL, unit=units["stc"])
    grant(user, Role.LEAD_OFFICER, units["snv"])
    # Then the personnel subtree is STC's only
    assert user_role_subtree_ids(user, Role.PERSONNEL) == {units["stc"].pk}
    assert user_role_subtree_ids(user, Role.LEAD_OFFICER) == {units["snv"].pk, division.pk}


def test_the_role_subtree_is_read_once_per_user_object_and_again_when_the_grants_change(
        hr2, units, division, django_assert_num_queries):
    # Given the subtree was read once
    user_role_subtree_ids(hr2, Role.PERSONNEL)
    # When it is asked again, no query is made
    with django_assert_num_queries(0):
        assert user_role_subtree_ids(hr2, Role.PERSONNEL) == {units["snv"].pk, division.pk, units["stc"].pk}
    # When a grant is added (and the object told), the subtree follows
    grant(hr2, Role.PERSONNEL, units["stp"])
    assert user_role_subtree_ids(hr2, Role.PERSONNEL) == {
        units["snv"].pk, division.pk, units["stc"].pk, units["stp"].pk}


def test_a_single_grant_subtree_is_its_units_subtree(units, division):
    user = User.objects.create_user(username="tccb_snv_1", password="pw", role=Role.PERSONNEL, unit=units["snv"])
    assert user_role_subtree_ids(user, Role.PERSONNEL) == {units["snv"].pk, division.pk}
    nobody = User.objects.create_user(username="tccb_none", password="pw", role=Role.PERSONNEL, unit=None)
    assert user_role_subtree_ids(nobody, Role.PERSONNEL) == set()


# --- Core, reports and procedures predicates -------------------------------------------------------------


def test_an_extra_grant_gives_its_roles_rights(users, units):
    # Given lead officers who hold, besides, an administrator, an auditor or a reform grant
    admin_too = grant(users["snv"], Role.ADMIN, None)
    auditor_too = grant(users["stc"], Role.AUDITOR, None)
    reform_too = grant(users["stp"], Role.REFORM, units["stp"])
    # Then each gets that role's rights, and only those
    assert [can_read_change_log(admin_too), can_read_sensitive_history(admin_too),
            can_manage_report_templates(admin_too), can_edit_procedures(admin_too)] == [True, True, True, True]
    assert [can_read_change_log(auditor_too), can_read_sensitive_history(auditor_too),
            can_manage_report_templates(auditor_too), can_edit_procedures(auditor_too)] == [True, False, False, False]
    assert [can_read_change_log(reform_too), can_read_sensitive_history(reform_too),
            can_manage_report_templates(reform_too), can_edit_procedures(reform_too)] == [False, False, False, True]


def test_single_grant_users_keep_their_rights(users):
    assert [can_read_change_log(users[k]) for k in ("admin", "office", "auditor", "snv")] == [
        True, False, True, False]
    assert [can_manage_report_templates(users[k]) for k in ("admin", "office", "snv")] == [True, False, False]
    assert [can_edit_procedures(users[k]) for k in ("admin", "office", "snv")] == [True, False, False]


def test_a_superuser_is_an_administrator_whatever_the_grants(units):
    root = User.objects.create_user(username="root", password="pw", role=Role.LEAD_OFFICER, unit=units["snv"],
                                    is_superuser=True)
    assert (root.has_role(Role.ADMIN), root.reads_all, root.manages, can_manage_report_templates(root)) == (
        True, True, True, True)


def test_the_change_log_opens_for_an_extra_auditor_grant_only(client, users):
    records = ChangeRecord.objects.count()
    client.force_login(users["snv"])
    assert client.get("/api/v1/change-records").status_code == 403
    grant(users["snv"], Role.AUDITOR, None)
    response = client.get("/api/v1/change-records")
    assert (response.status_code, response.json()["count"]) == (200, records)


# --- /me --------------------------------------------------------------------------------------------------


def test_me_lists_every_grant_main_first(client, hr2, units):
    # When the two-grant officer asks with a token
    _token, raw = api_token_create(user=hr2, name="test", scope="read")
    body = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    # Then the main grant's fields stay and every grant is listed, the main one first
    assert (body["role"], body["unit_id"], body["unit"], body["reads_all"]) == (
        "personnel", units["snv"].pk, "Sở Nội vụ", False)
    assert body["grants"] == [
        {"role": "personnel", "role_label": "Cán bộ tổ chức", "unit_id": units["snv"].pk, "unit": "Sở Nội vụ"},
        {"role": "personnel", "role_label": "Cán bộ tổ chức", "unit_id": units["stc"].pk, "unit": "Sở Tài chính"},
    ]


def test_me_in_a_session_lists_a_grant_without_a_unit(client, users):
    grant(users["snv"], Role.AUDITOR, None)
    client.force_login(users["snv"])
    body = client.get("/api/v1/me").json()
    assert (body["reads_all"], [(g["role"], g["unit"]) for g in body["grants"]]) == (
        True, [("lead_officer", "Sở Nội vụ"), ("auditor", None)])


def test_a_token_reads_the_grants_without_a_query_per_grant(client, hr2, units, django_assert_max_num_queries):
    # Given a third grant, a token
    grant(hr2, Role.LEAD_OFFICER, units["stp"])
    _token, raw = api_token_create(user=hr2, name="test", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.get("/api/v1/me", **headers)
    # Then /me costs the token's lookup, the grants, the update of last use and the unit names
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/me", **headers).json()["grants"]) == 3
