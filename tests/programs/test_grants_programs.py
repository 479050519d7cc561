"""Roles in more than one place (issue 14) on programs: a lead officer of two units sees and acts on the
deliverables of both, never a third unit's; a role applies only with its grant's unit; reminders cover every
lead unit; indicators follow the same rule."""

import datetime as dt
from decimal import Decimal

import pytest

from chidao.core.errors import PermissionDenied
from chidao.core.models import ChangeRecord, Notification, Role, User
from chidao.indicators import services as indicator_services
from chidao.indicators.models import Actual
from chidao.indicators.permissions import can_report_actual
from chidao.programs import permissions, services
from chidao.programs.models import Deliverable, Program, Status, StatusChange
from chidao.programs.reminders import reminders_send
from tests.grants import grant

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2021, 7, 12)


@pytest.fixture
def lead2(users, units) -> User:
    """A lead officer of Sở Nội vụ (main grant) and of Sở Tài chính (extra grant)."""
    return grant(users["snv"], Role.LEAD_OFFICER, units["stc"])


@pytest.fixture
def three(make_deliverable) -> dict[str, Deliverable]:
    """One deliverable led by each of SNV, STC and STP; the STP one coordinated by nobody of the two."""
    return {"snv": make_deliverable(lead="snv"), "stc": make_deliverable(lead="stc"),
            "stp": make_deliverable(lead="stp")}


def _state(d: Deliverable) -> tuple:
    d = Deliverable.objects.get(pk=d.pk)
    return (d.status, d.version, StatusChange.objects.filter(deliverable=d).count(),
            ChangeRecord.objects.filter(object_id=str(d.pk), action="transition").count())


# --- Scope ----------------------------------------------------------------------------------------------


def test_a_lead_officer_of_two_units_sees_the_deliverables_of_both_and_not_a_third(lead2, three, make_deliverable):
    coordinated = make_deliverable(lead="stp", coordinating=("stc",))
    visible = set(Deliverable.objects.visible_to(lead2).values_list("pk", flat=True))
    assert visible == {three["snv"].pk, three["stc"].pk, coordinated.pk}


def test_programs_follow_the_deliverables_of_every_grant(users, units, program, make_deliverable):
    # Given a second program where only STC leads
    other = Program.objects.create(number="02-CTr/TU", title="Chương trình khác", issuing_body=units["tu"],
                                   issued_on=dt.date(2021, 4, 1), period_start=2021, period_end=2025)
    services.deliverable_create(actor=users["office"], program=other, code="01", kind="de_an", title="Đề án STC",
                                lead_unit=units["stc"], responsible_leader="Lê Văn C",
                                original_deadline=dt.date(2021, 9, 30))
    make_deliverable(lead="snv")
    # Then the SNV officer sees only the first, and with an STC grant both
    assert list(Program.objects.visible_to(users["snv"]).values_list("number", flat=True)) == ["01-CTr/TU"]
    grant(users["snv"], Role.LEAD_OFFICER, units["stc"])
    assert sorted(Program.objects.visible_to(users["snv"]).values_list("number", flat=True)) == [
        "01-CTr/TU", "02-CTr/TU"]


def test_single_grant_lead_officers_see_their_units_only(users, three):
    assert set(Deliverable.objects.visible_to(users["snv"]).values_list("pk", flat=True)) == {three["snv"].pk}
    assert set(Deliverable.objects.visible_to(users["stc"]).values_list("pk", flat=True)) == {three["stc"].pk}


def test_the_deliverable_list_page_shows_both_units(client, lead2, three, program):
    client.force_login(lead2)
    page = client.get(f"/chuong-trinh/{program.pk}/noi-dung/").content.decode()
    assert [d.title in page for d in (three["snv"], three["stc"], three["stp"])] == [True, True, False]
    assert client.get(f"/noi-dung/{three['stc'].pk}/").status_code == 200
    assert client.get(f"/noi-dung/{three['stp'].pk}/").status_code == 404


# --- Acting ---------------------------------------------------------------------------------------------


def test_a_lead_officer_of_two_units_moves_the_deliverables_of_both(lead2, three):
    for key in ("snv", "stc"):
        d = services.deliverable_transition(actor=lead2, deliverable=three[key], to_status=Status.IN_PROGRESS)
        assert (d.status, d.version) == (Status.IN_PROGRESS, 2)
    assert permissions.can_edit_deliverable(lead2, three["stc"])
    assert permissions.allowed_transitions(lead2, Deliverable.objects.get(pk=three["stc"].pk)) == [
        Status.DRAFT_DONE, Status.SUBMITTED]


def test_a_lead_officer_of_two_units_cannot_move_a_third_units_deliverable_and_nothing_changes(lead2, three):
    before = _state(three["stp"])
    with pytest.raises(PermissionDenied):
        services.deliverable_transition(actor=lead2, deliverable=three["stp"], to_status=Status.IN_PROGRESS)
    assert _state(three["stp"]) == before
    assert (permissions.can_edit_deliverable(lead2, three["stp"]),
            permissions.allowed_transitions(lead2, three["stp"])) == (False, [])


def test_a_role_counts_only_with_its_grants_unit(users, units, three):
    # Given a personnel officer of SNV who is a lead officer of STC only
    user = User.objects.create_user(username="tccb_snv_lead_stc", password="pw", role=Role.PERSONNEL,
                                    unit=units["snv"])
    grant(user, Role.LEAD_OFFICER, units["stc"])
    # Then they move STC's deliverable, and SNV's (which they see) they may not move
    before = _state(three["snv"])
    with pytest.raises(PermissionDenied):
        services.deliverable_transition(actor=user, deliverable=three["snv"], to_status=Status.IN_PROGRESS)
    assert _state(three["snv"]) == before
    d = services.deliverable_transition(actor=user, deliverable=three["stc"], to_status=Status.IN_PROGRESS)
    assert d.status == Status.IN_PROGRESS
    assert set(Deliverable.objects.visible_to(user).values_list("pk", flat=True)) == {
        three["snv"].pk, three["stc"].pk}


def test_an_extra_office_grant_manages_every_deliverable(users, units, three):
    office_too = grant(users["snv"], Role.OFFICE, units["btc"])
    assert permissions.can_manage_programs(office_too)
    assert Deliverable.objects.visible_to(office_too).count() == 3
    d = services.deliverable_transition(actor=office_too, deliverable=three["stp"], to_status=Status.CANCELLED,
                                        reason="Không còn phù hợp")
    assert d.status == Status.CANCELLED


def test_an_auditor_with_a_lead_grant_may_comment_and_a_steering_grant_directs(users, units):
    auditor = users["auditor"]
    assert (permissions.can_comment(auditor), permissions.can_direct(auditor)) == (False, False)
    grant(auditor, Role.LEAD_OFFICER, units["snv"])
    grant(auditor, Role.STEERING, units["tu"])
    assert (permissions.can_comment(auditor), permissions.can_direct(auditor)) == (True, True)


# --- Reminders ------------------------------------------------------------------------------------------


@pytest.fixture
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CHIDAO_REMINDER_DAYS_AHEAD = 7


def test_a_lead_officer_of_two_units_gets_one_digest_with_the_items_of_both(_mail, lead2, users, make_deliverable):
    # Given overdue and due-soon deliverables of SNV, STC and STP
    stc_late = make_deliverable(lead="stc", deadline=dt.date(2021, 6, 30))
    snv_soon = make_deliverable(lead="snv", deadline=dt.date(2021, 7, 15))
    snv_late = make_deliverable(lead="snv", deadline=dt.date(2021, 7, 1))
    stp_late = make_deliverable(lead="stp", deadline=dt.date(2021, 6, 1))
    # When the job runs
    run = reminders_send(on=MONDAY)
    # Then the two-unit officer gets one digest with SNV's and STC's items by deadline, STP's officer theirs,
    # and STC's own officer STC's
    assert run.recipients == ["officer_snv", "officer_stc", "officer_stp"]
    items = {n.user.username: [i["deliverable_id"] for i in n.items] for n in Notification.objects.all()}
    assert items == {"officer_snv": [stc_late.pk, snv_late.pk, snv_soon.pk], "officer_stc": [stc_late.pk],
                     "officer_stp": [stp_late.pk]}


def test_an_extra_lead_grant_alone_brings_a_digest(_mail, users, units, make_deliverable):
    # Given an office user (no digest of their own) with a lead grant in STP
    grant(users["office"], Role.LEAD_OFFICER, units["stp"])
    stp_late = make_deliverable(lead="stp", deadline=dt.date(2021, 6, 1))
    run = reminders_send(on=MONDAY)
    assert run.recipients == ["office", "officer_stp"]
    assert [i["deliverable_id"] for i in Notification.objects.get(user=users["office"]).items] == [stp_late.pk]


# --- Indicators -----------------------------------------------------------------------------------------


def test_a_lead_officer_of_two_units_reports_the_indicators_of_both_and_not_a_third(lead2, units, make_indicator):
    indicators = {k: make_indicator(unit=k) for k in ("snv", "stc", "stp")}
    assert [can_report_actual(lead2, indicators[k]) for k in ("snv", "stc", "stp")] == [True, True, False]
    actual = indicator_services.actual_report(actor=lead2, indicator=indicators["stc"], as_of=dt.date(2021, 6, 30),
                                              value=Decimal("55"), source="Báo cáo của Sở Tài chính")
    # The reporting unit is the one whose grant allowed it
    assert (actual.reporting_unit, actual.reported_by) == (units["stc"], lead2)
    before = (Actual.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(PermissionDenied):
        indicator_services.actual_report(actor=lead2, indicator=indicators["stp"], as_of=dt.date(2021, 6, 30),
                                         value=Decimal("55"), source="Báo cáo")
    assert (Actual.objects.count(), ChangeRecord.objects.count()) == before


def test_a_single_grant_lead_officer_reports_for_their_unit(users, units, make_indicator):
    indicator = make_indicator(unit="snv")
    actual = indicator_services.actual_report(actor=users["snv"], indicator=indicator, as_of=dt.date(2021, 6, 30),
                                              value=Decimal("40"), source="Báo cáo")
    assert actual.reporting_unit == units["snv"]
    assert not can_report_actual(users["stc"], indicator)
