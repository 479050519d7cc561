"""Scope leaks through side doors (issue 13, items 3, 8 and 12): the change log of personnel objects, meetings and
the people import must tell a role nothing about records outside its scope.

The change log is read as every role for every personnel and rotation object type: a role that may not read A's
person (everyone but administrators among those who read the log at all) never finds its name or a sentinel, and
every read of an entry is in the access log. A meeting of A's program gets a conclusion on B's deliverable: A's
lead officer reads the meeting (API, page, year-end report) without it, and still without it with a second grant in
a third unit (with one in B, with it). An import by B's personnel officer (with or without a grant in a third unit)
reusing the code of A's person is told only that the code cannot be used.
"""

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook

from chidao.core.models import Role, Unit
from chidao.personnel import excel
from chidao.personnel.models import AccessLog
from chidao.programs import services as program_services
from chidao.reports.figures import year_end_report
from tests.grants import grant

from .conftest import ADMIN, AUDITOR, HR_B, LEAD_A, OFFICE, ROLES, SENTINELS, World
from .helpers import api_headers, body_text, login, page_url

pytestmark = pytest.mark.django_db

PERSONNEL_TYPES = ("personnel.person", "personnel.assignment", "personnel.rating", "personnel.discipline",
                   "personnel.deferral", "personnel.relative", "personnel.planningentry", "personnel.position",
                   "personnel.planningterm", "rotation.dueentry", "rotation.move", "rotation.rotationround")
LOG_READERS = (ADMIN, AUDITOR)


def _change_log(world: World, role: str, object_type: str) -> tuple[int, str]:
    response = Client().get(f"/api/v1/change-records?object_type={object_type}&page_size=100",
                            **api_headers(world, role))
    return response.status_code, body_text(response)


def _found(world: World, text: str) -> list[str]:
    secrets = {"full_name": world.person.full_name, **SENTINELS}
    return [name for name, value in secrets.items() if value.lower() in text.lower()]


@pytest.mark.parametrize("role", [r for r in ROLES if r != ADMIN])
def test_the_change_log_never_names_the_person_to_a_role_that_may_not_read_it(world, role):
    # When the role reads the change log of every personnel and rotation object type
    answers = {t: _change_log(world, role, t) for t in PERSONNEL_TYPES}
    # Then it is refused (not a log reader) or gets entries without the person's name or any sentinel
    assert {t: status for t, (status, _b) in answers.items()} == {
        t: 200 if role in LOG_READERS else 401 if role == "anon" else 403 for t in PERSONNEL_TYPES}
    assert {t: found for t, (_s, text) in answers.items() if (found := _found(world, text))} == {}


def test_an_administrator_reads_the_entries_whole(world):
    status, text = _change_log(world, ADMIN, "personnel.rating")
    assert (status, _found(world, text)) == (200, ["full_name"])


def test_every_read_of_a_personnel_entry_is_in_the_access_log(world):
    AccessLog.objects.all().delete()
    for role in LOG_READERS:
        _change_log(world, role, "personnel.rating")
    # One rating was recorded for A's person: each reader's read is logged, the auditor's without the person
    assert sorted(AccessLog.objects.values_list("user__username", "person", "action")) == [
        ("admin", world.person.pk, "change_log"), ("auditor", None, "change_log")]


@pytest.fixture
def b_conclusion(world):
    """A conclusion of A's program's meeting tracked on a deliverable led by B."""
    office = world.users[OFFICE]
    b_deliverable = program_services.deliverable_create(
        actor=office, program=world.program, code="B-99", kind="nhiem_vu", title="Nội dung mật của Sở Tài chính",
        lead_unit=world.unit_b, original_deadline=dt.date(2026, 6, 30))
    program_services.conclusion_add(actor=office, meeting=world.meeting, text="Kết luận riêng cho Sở Tài chính",
                                    lead_unit=world.unit_b, deadline=dt.date(2026, 3, 31), track_as="directive",
                                    deliverable=b_deliverable)
    return b_deliverable


@pytest.mark.parametrize(("role", "sees"), [(LEAD_A, False), (OFFICE, True)])
def test_a_meeting_shows_only_the_conclusions_of_the_readers_scope(client, world, b_conclusion, role, sees):
    login(client, world, role)
    page = body_text(client.get(page_url("meeting_detail", {"pk": world.meeting.pk})))
    api = body_text(Client().get(f"/api/v1/meetings/{world.meeting.pk}", **api_headers(world, role)))
    report = year_end_report(user=world.users[role], program=world.program, year=world.meeting.held_on.year)
    shown = ["Kết luận riêng cho Sở Tài chính" in page, "Kết luận riêng cho Sở Tài chính" in api,
             "B-99" in api, [t["code"] for t in report.tasks] == ["B-99"]]
    assert shown == [sees] * 4


@pytest.mark.parametrize(("extra", "sees"), [("STP", False), ("STC", True)])
def test_a_lead_officer_with_two_grants_reads_the_conclusions_of_both_units_only(client, world, b_conclusion, extra,
                                                                                 sees):
    # Given A's lead officer holds a second lead-officer grant: in a third unit (STP), or in B (STC)
    grant(world.users[LEAD_A], Role.LEAD_OFFICER, Unit.objects.get(code=extra))
    # Then B's conclusion shows (page, API, year-end report) only with the grant in B
    login(client, world, LEAD_A)
    page = body_text(client.get(page_url("meeting_detail", {"pk": world.meeting.pk})))
    api = body_text(Client().get(f"/api/v1/meetings/{world.meeting.pk}", **api_headers(world, LEAD_A)))
    report = year_end_report(user=world.users[LEAD_A], program=world.program, year=world.meeting.held_on.year)
    shown = ["Kết luận riêng cho Sở Tài chính" in page, "Kết luận riêng cho Sở Tài chính" in api,
             "B-99" in api, [t["code"] for t in report.tasks] == ["B-99"]]
    assert shown == [sees] * 4


@pytest.mark.parametrize("extra_grant", [False, True])
def test_an_import_does_not_reveal_a_code_outside_the_importers_scope(world, extra_grant):
    if extra_grant:  # B's personnel officer is one of a third unit (STP) too: A's records stay out of reach
        grant(world.users[HR_B], Role.PERSONNEL, Unit.objects.get(code="STP"))
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Cán bộ"
    sheet.append(["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính (Nam/Nữ)"])
    sheet.append([1, world.person.code, "Người Mới", "05/03/1975", "Nam"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = excel.people_import(actor=world.users[HR_B], file=buffer, dry_run=True)
    messages = [e.message for e in result.errors]
    assert f"Mã hồ sơ {world.person.code} không dùng được." in messages
    assert not any("đã có" in m for m in messages)
