"""Issue 13, item 13: the reminder dispatch (công văn đôn đốc) and the daily digest chase only what awaits the
lead unit's own action, not what it submitted and now waits on the approver."""

import datetime as dt

import pytest

from chidao.core.models import Role, User
from chidao.programs import services
from chidao.programs.models import Status
from chidao.programs.reminders import reminder_items_by_unit
from chidao.reports.figures import dispatch_report
from tests.conftest import at

pytestmark = pytest.mark.django_db
READER = User(username="reader", role=Role.ADMIN, is_active=True)


@pytest.fixture
def snv_items(make_deliverable, users):
    """Sở Nội vụ's deliverables, all due 30/06/2021, one in each open status; Sở Tài chính's one overdue."""
    def moved(title: str, *steps: str):
        d = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title=title)
        for n, status in enumerate(steps):
            actor = users["office"] if status == Status.RETURNED else users["snv"]
            d = services.deliverable_transition(actor=actor, deliverable=d, to_status=status, at=at(2021, 5, 1 + n),
                                                reason="Thiếu số liệu" if status == Status.RETURNED else "")
        return d

    return {
        "not_started": moved("Chưa triển khai"),
        "in_progress": moved("Đang làm", Status.IN_PROGRESS),
        "draft_done": moved("Đã có dự thảo", Status.IN_PROGRESS, Status.DRAFT_DONE),
        "submitted": moved("Đã trình", Status.IN_PROGRESS, Status.SUBMITTED),
        "returned": moved("Bị trả lại", Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED),
        "other_unit": make_deliverable(lead="stc", deadline=dt.date(2021, 6, 30), title="Của Sở Tài chính"),
    }


def test_the_dispatch_leaves_out_what_waits_on_the_approver(snv_items, program, units):
    report = dispatch_report(user=READER, program=program, unit=units["snv"], as_of=dt.date(2021, 7, 12))
    assert [(i.title, i.status) for i in report.carried_over] == [
        ("Chưa triển khai", Status.NOT_STARTED), ("Đang làm", Status.IN_PROGRESS),
        ("Bị trả lại", Status.RETURNED),
    ]


def test_the_daily_digest_leaves_out_what_waits_on_the_approver(snv_items, units):
    by_unit = reminder_items_by_unit(on=dt.date(2021, 7, 12), days_ahead=7)
    assert [i["deliverable_id"] for i in by_unit[units["snv"].pk]] == [
        snv_items["not_started"].pk, snv_items["in_progress"].pk, snv_items["returned"].pk]
    assert [i["deliverable_id"] for i in by_unit[units["stc"].pk]] == [snv_items["other_unit"].pk]
