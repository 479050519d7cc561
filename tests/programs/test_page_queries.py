"""The meeting record reads the program's deliverables and the units in force once for its two forms (agenda and
conclusion), in a number of queries that does not grow with the agenda (12 with an agenda: the agenda's
deliverables and units are two prefetches). The deliverable record stays within 12 queries too. The top bar reads
its two figures (unread notifications, "Việc của tôi") in one query. bench/pages.py measures the same at city
scale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.core.models import Notification
from chidao.programs import services
from chidao.programs.inbox import inbox_count, top_bar_counts

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_meeting_record_reads_each_choice_list_once(client, users, units, meeting, make_deliverable):
    # Given a meeting with an agenda item on two deliverables and two units
    a, b = make_deliverable(), make_deliverable()
    services.agenda_item_add(actor=users["office"], meeting=meeting, title="Tiến độ chuyển đổi số",
                             deliverables=[a, b], units=[units["snv"], units["stc"]], notes="")
    client.force_login(users["office"])
    # When the office opens the record
    count, response = _get(client, f"/hoi-nghi/{meeting.pk}/")
    # Then 12 queries at most (15 before the forms shared their lists, 13 before the top bar read its two figures
    # in one query), and both forms offer the same deliverables (the conclusion form with its blank)
    assert count <= 12
    agenda = response.context["agenda_form"].fields
    conclusion = response.context["conclusion_form"].fields
    assert [v for v, _l in agenda["deliverables"].choices] == [a.pk, b.pk]
    assert [v for v, _l in conclusion["deliverable"].choices] == ["", a.pk, b.pk]
    assert [v for v, _l in conclusion["lead_unit"].choices][1:] == [v for v, _l in agenda["units"].choices]
    assert "Tiến độ chuyển đổi số" in response.content.decode()
    # And a second agenda item adds no query
    services.agenda_item_add(actor=users["office"], meeting=meeting, title="Cải cách hành chính", deliverables=[a],
                             units=[units["snv"]], notes="")
    assert _get(client, f"/hoi-nghi/{meeting.pk}/")[0] == count


@pytest.mark.parametrize("who", ["office", "snv"])
def test_deliverable_record_within_twelve_queries(client, users, make_deliverable, who):
    # Given a deliverable led by Sở Nội vụ, opened by the office or by Sở Nội vụ's lead officer
    d = make_deliverable(lead="snv")
    client.force_login(users[who])
    # When they open it
    count, response = _get(client, f"/noi-dung/{d.pk}/")
    # Then 12 queries at most (13 for the office and 14 for the lead officer before the top bar's figures were read
    # in one query)
    assert count <= 12
    assert d.code in response.content.decode()


def test_top_bar_figures_in_one_query(users, make_deliverable, django_assert_num_queries):
    # Given two unread notifications and one read for Sở Nội vụ's lead officer, and two of its items due
    user = users["snv"]
    for n, read in enumerate((None, None, "2021-07-01T00:00:00Z")):
        Notification.objects.create(user=user, kind="reminder_digest", day=f"2021-07-1{n}", subject=f"t{n}",
                                    body="", read_at=read)
    make_deliverable(lead="snv")
    make_deliverable(lead="snv")
    expected = inbox_count(user=user)
    # When the top bar reads its figures
    with django_assert_num_queries(1):
        counts = top_bar_counts(user=user)
    # Then one query gives both: the unread notifications and the inbox's own count
    assert counts == (2, expected)
    assert expected == 2
