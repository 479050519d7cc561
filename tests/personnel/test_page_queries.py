"""The planning term page reads what it shows in a fixed number of queries, whatever the number of entries: the
key-post coverage is worked out from the entries and posts the page already read (bench/pages.py measures the
same at city scale)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.personnel import planning
from chidao.personnel.models import Gender

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 6, 1)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_planning_term_page_within_twelve_queries_whatever_the_entries(client, users, posts, make_person):
    # Given a term with one entry, seen by the office
    term = planning.planning_term_create(actor=users["office"], name="2025-2030", start_year=2025, end_year=2030)
    first = make_person(name="Trần Thị Mai", gender=Gender.FEMALE, born=dt.date(1985, 4, 1))
    planning.planning_entry_add(actor=users["office"], term=term, person=first, position=posts["snv_director"], on=ON)
    client.force_login(users["office"])
    url = f"/quy-hoach/{term.pk}/"
    one, _page = _queries(client, url)
    # When two more are planned for the same key post
    for name in ("Lê Văn Cường", "Phạm Thị Hoa"):
        person = make_person(name=name, born=dt.date(1986, 1, 1))
        planning.planning_entry_add(actor=users["office"], term=term, person=person, position=posts["snv_director"],
                                    on=ON)
    three, response = _queries(client, url)
    # Then the page runs the same number of queries, at most 12
    assert three == one
    assert three <= 12
    # And the coverage, worked out from the entries the page read, is the one the coverage query gives
    shown = [(r.position.pk, r.count, r.women, r.young) for r in response.context["coverage"]]
    queried = [(r.position.pk, r.count, r.women, r.young)
               for r in planning.planning_coverage(term=term, on=dt.date.today(), user=users["office"])]
    assert shown == queried
    director = next(r for r in response.context["coverage"] if r.position == posts["snv_director"])
    assert (director.count, director.women) == (3, 1)  # the two added are recorded as men (the default)
