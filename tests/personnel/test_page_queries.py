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


_last: list = []


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    _last[:] = ctx.captured_queries
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


def test_person_record_within_twelve_queries_and_lists_no_post(client, users, hr, posts, make_person):
    # Given a record with two ratings, a deferral and a discipline, opened by the personnel officer of Sở Nội vụ
    from chidao.personnel import services

    p = make_person(name="Nguyễn Văn An")
    for year, level in ((2023, "good"), (2024, "excellent")):
        services.rating_set(actor=users["admin"], person=p, year=year, level=level)
    services.deferral_add(actor=users["admin"], person=p, kind="study", start=dt.date(2025, 1, 1),
                          end=dt.date(2026, 1, 1), note="Học thạc sĩ")
    client.force_login(hr["snv"])
    # When they open it
    count, response = _queries(client, f"/can-bo/{p.pk}/")
    # Then 12 queries at most (15 before: the assignment form listed every post, the top bar counted twice, the
    # ratings and deferrals were read apart)
    assert count <= 12, "\n".join(q["sql"][:150] for q in _last)
    record = response.context["record"]
    assert [(r.year, r.level) for r in record.ratings] == [(2024, "excellent"), (2023, "good")]
    assert [(d.kind, d.start, d.end, d.note) for d in record.deferrals] == [
        ("study", dt.date(2025, 1, 1), dt.date(2026, 1, 1), "Học thạc sĩ")]
    # And the assignment form's post is a type-ahead: the page names no post of the scope as an option
    page = response.content.decode()
    assert 'data-url="/tra-cuu/chuc-danh/"' in page
    assert f'<option value="{posts["snv_head"].pk}"' not in page


def test_post_lookup_answers_the_posts_of_the_scope_only(client, users, hr, posts):
    # Given the personnel officer of Sở Nội vụ (its subtree) and one of Sở Tài chính
    client.force_login(hr["snv"])
    # When they look for "chuyen vien" (accents ignored)
    found = client.get("/tra-cuu/chuc-danh/", {"q": "chuyen vien"}).json()
    # Then only Sở Nội vụ's staff post, labelled with its unit, and the unit above as the hint
    assert found == {"results": [{"id": posts["snv_staff"].pk,
                                  "label": "Chuyên viên tổ chức cán bộ — Phòng Tổ chức, biên chế",
                                  "hint": "Sở Nội vụ"}], "more": False}
    client.force_login(hr["stc"])
    assert [r["id"] for r in client.get("/tra-cuu/chuc-danh/", {"q": "chuyen vien"}).json()["results"]] == [
        posts["stc_staff"].pk]
    # And who manages no record is refused
    client.force_login(users["snv"])
    assert client.get("/tra-cuu/chuc-danh/", {"q": "chuyen vien"}).status_code == 403
