"""Deep pages of the people list and the access log by cursor (core.keyset, ADR 0015): the numbered first pages
are unchanged; "Trang sau" carries the sort key of the last row shown, signed; a page after a cursor holds exactly
the next rows in Vietnamese name order; an altered cursor is refused with a message."""

import datetime as dt
import html
import re

import pytest
from django.db import connection  # noqa: F401 (the skipif condition reads it)

from chidao.core import keyset
from chidao.personnel.models import AccessLog, Gender, Person

pytestmark = pytest.mark.django_db
NAMES = ["Hoàng Văn Em", "Nguyễn Thị Dung", "Trần Văn An", "Phạm Văn Cường", "Lê Thị Bình"]


def _names(response) -> list[str]:
    return [p.full_name for p, _tenure in response.context["rows"]]


def _link(response, testid: str) -> str:
    found = re.search(rf'href="(\?[^"]*)" data-testid="{testid}"', response.content.decode())
    return html.unescape(found.group(1)) if found else ""


@pytest.fixture
def five(make_person, settings, monkeypatch):
    settings.CHIDAO_PAGE_SIZE = 2
    monkeypatch.setattr(keyset, "NUMBERED_PAGES", 1)
    for name in NAMES:
        make_person(name=name, gender=Gender.FEMALE if " Thị " in name else Gender.MALE)


def test_people_list_goes_on_by_cursor_in_name_order(client, users, five):
    client.force_login(users["admin"])
    # Given the first numbered page (unchanged: the first rows in Vietnamese name order, with the count)
    first = client.get("/can-bo/")
    assert _names(first) == ["Trần Văn An", "Lê Thị Bình"]
    assert 'data-testid="count"' in first.content.decode()
    # When the user follows "Trang sau" (the last numbered page gives a cursor, not a page number)
    after = _link(first, "pager-next")
    assert after.startswith("?sau=")
    second = client.get("/can-bo/" + after)
    # Then exactly the next two rows, then the last one, and no further link
    assert _names(second) == ["Phạm Văn Cường", "Nguyễn Thị Dung"]
    third = client.get("/can-bo/" + _link(second, "pager-next"))
    assert _names(third) == ["Hoàng Văn Em"]
    assert _link(third, "pager-next") == ""
    # And "Trang trước" comes back to the rows before
    assert _names(client.get("/can-bo/" + _link(third, "pager-previous"))) == ["Phạm Văn Cường", "Nguyễn Thị Dung"]
    # And a page number past the numbered pages shows the last numbered page
    assert _names(client.get("/can-bo/?page=3")) == ["Trần Văn An", "Lê Thị Bình"]


def test_people_cursor_keeps_the_filters(client, users, five):
    client.force_login(users["admin"])
    first = client.get("/can-bo/", {"gender": Gender.MALE})
    assert _names(first) == ["Trần Văn An", "Phạm Văn Cường"]
    second = client.get("/can-bo/" + _link(first, "pager-next"))
    assert _names(second) == ["Hoàng Văn Em"]


def test_an_altered_cursor_is_refused_with_a_message(client, users, five):
    client.force_login(users["admin"])
    after = _link(client.get("/can-bo/"), "pager-next")
    value = after.split("=", 1)[1]
    tampered = value.replace(value[2], "A" if value[2] != "A" else "B", 1)
    response = client.get("/can-bo/", {"sau": tampered})
    assert response.status_code == 400
    assert "Liên kết trang không hợp lệ hoặc đã bị sửa. Hãy mở lại danh sách từ trang đầu." in response.content.decode()
    # A cursor of another list is refused as well (the signature is salted with the list's name)
    other = keyset.cursor_make(Person.objects.first(), keys=("sort_key", "id"), name="access-log")
    assert client.get("/can-bo/", {"sau": other}).status_code == 400


def test_access_log_goes_on_by_cursor_newest_first(client, users, make_person, settings, monkeypatch):
    monkeypatch.setattr(keyset, "NUMBERED_PAGES", 1)
    p = make_person()
    base = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)
    AccessLog.objects.all().delete()
    for n in range(53):
        AccessLog.objects.create(user=users["office"], person=p, action="view", detail=f"d{n}",
                                 at=base + dt.timedelta(minutes=n // 2))  # two rows share each minute
    client.force_login(users["admin"])
    first = client.get("/can-bo/nhat-ky-truy-cap/")
    expected = list(AccessLog.objects.order_by("-at", "-id").values_list("pk", flat=True))
    assert [e.pk for e in first.context["page"]] == expected[:50]
    second = client.get("/can-bo/nhat-ky-truy-cap/" + _link(first, "pager-next"))
    assert [e.pk for e in second.context["page"]] == expected[50:]
    assert client.get("/can-bo/nhat-ky-truy-cap/", {"sau": "x:y"}).status_code == 400


def test_ids_first_reads_a_slice_in_order_and_counts_up_to_its_cap(five, django_assert_num_queries):
    # Given the five people in Vietnamese name order, read in two steps
    rows = keyset.IdsFirst(Person.objects.select_related("unit").order_by("sort_key", "id"))

    # When a slice is read: the ids, then their rows (two queries), in the list's order
    with django_assert_num_queries(2):
        names = [p.full_name for p in rows[1:4]]
    assert names == ["Lê Thị Bình", "Phạm Văn Cường", "Nguyễn Thị Dung"]

    # Then a capped count stops one past the cap and says so; an uncapped one counts all
    capped = rows.capped(3)
    assert (capped.count(), capped.count_capped(capped.count())) == (4, True)
    assert (rows.count(), rows.count_capped(rows.count())) == (5, False)
    assert rows.filter(gender=Gender.FEMALE).capped(3).count() == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the two-step search read is PostgreSQL's")
def test_a_search_with_more_matches_than_the_cap_says_more_than(client, users, five, monkeypatch):
    # Given a cap of 2 matches counted by the people search (1,000 in use)
    from chidao.personnel import views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    client.force_login(users["admin"])

    # When the administrator searches "van" (three people)
    page = client.get("/can-bo/", {"q": "van"})

    # Then the page says more than 2 match, and shows the first in name order
    assert "Hơn 2 người phù hợp" in page.content.decode()
    assert _names(page) == ["Trần Văn An", "Phạm Văn Cường"]
