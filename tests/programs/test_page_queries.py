"""The meeting record reads the program's deliverables and the units in force once for its two forms (agenda and
conclusion), in a number of queries that does not grow with the agenda (13 with an agenda: the agenda's
deliverables and units are two prefetches; 12 is the target, see the report in bench/README.md) (bench/pages.py measures the same at city scale)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.programs import services

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
    # Then 13 queries at most (15 before the forms shared their lists), and both forms offer the same
    # deliverables (the conclusion form with its blank)
    assert count <= 13
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
