"""Meetings show only what the reader's scope holds (issue 13, item 8): a lead officer reads the meeting of a program
it works on, but a conclusion tracked on a deliverable of another unit is left out, and an agenda item lists only
the deliverables the reader sees; the same on the page, in the API and in the year-end report."""

import datetime as dt

import pytest
from django.test import Client

from chidao.core.tokens import api_token_create
from chidao.programs import selectors, services
from chidao.reports.figures import year_end_report

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def mixed(users, units, meeting, make_deliverable):
    """A meeting of the program with one conclusion on STC's deliverable and one on SNV's."""
    own = make_deliverable(lead="stc", deadline=D(2022, 6, 30))
    other = make_deliverable(lead="snv", deadline=D(2022, 6, 30))
    services.agenda_item_add(actor=users["office"], meeting=meeting, title="Báo cáo tiến độ",
                             deliverables=[own, other], units=[units["stc"], units["snv"]])
    seen = services.conclusion_add(actor=users["office"], meeting=meeting, text="Tài chính làm ngay",
                                   lead_unit=units["stc"], deadline=D(2022, 3, 31), track_as="directive",
                                   deliverable=own)
    hidden = services.conclusion_add(actor=users["office"], meeting=meeting, text="Nội vụ làm ngay",
                                     lead_unit=units["snv"], deadline=D(2022, 3, 31), track_as="directive",
                                     deliverable=other)
    return meeting, own, other, seen, hidden


def test_the_api_lists_only_the_conclusions_and_deliverables_of_the_callers_scope(users, mixed):
    meeting, own, other, seen, hidden = mixed
    _token, raw = api_token_create(user=users["stc"], name="t", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert Client().get(f"/api/v1/deliverables/{other.pk}", **headers).status_code == 404
    body = Client().get(f"/api/v1/meetings/{meeting.pk}", **headers).json()
    assert [c["id"] for c in body["conclusions"]] == [seen.pk]
    assert [i["deliverable_ids"] for i in body["agenda_items"]] == [[own.pk]]
    # The office, which reads everything, still gets both
    _token, raw = api_token_create(user=users["office"], name="t", scope="read")
    full = Client().get(f"/api/v1/meetings/{meeting.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [c["id"] for c in full["conclusions"]] == [seen.pk, hidden.pk]


def test_the_page_shows_only_the_conclusions_of_the_readers_scope(client, users, mixed):
    meeting, own, other, seen, hidden = mixed
    client.force_login(users["stc"])
    html = client.get(f"/hoi-nghi/{meeting.pk}/").content.decode()
    assert "Tài chính làm ngay" in html
    assert "Nội vụ làm ngay" not in html and other.title not in html


def test_the_year_end_report_carries_only_the_readers_conclusions(users, program, mixed):
    meeting, own, other, seen, hidden = mixed
    report = year_end_report(user=users["stc"], program=program, year=2021)
    assert [t["deliverable_id"] for t in report.tasks] == [own.pk]
    full = year_end_report(user=users["office"], program=program, year=2021)
    assert [t["deliverable_id"] for t in full.tasks] == [own.pk, other.pk]


def test_the_selectors_scope_the_meeting_the_same_way(users, mixed):
    meeting, own, other, seen, hidden = mixed
    read = selectors.meeting_get(user=users["stc"], pk=meeting.pk)
    assert list(read.conclusions.all()) == [seen]
    assert [list(i.deliverables.all()) for i in read.agenda_items.all()] == [[own]]
    year_end = selectors.year_end_meeting(user=users["stc"], program=meeting.program, year=2021)
    assert list(year_end.conclusions.all()) == [seen]
