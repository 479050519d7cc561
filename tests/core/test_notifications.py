"""In-app notifications: a user's own list, marking read, the unread badge."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from chidao.core.context_processors import notifications
from chidao.core.models import Notification
from chidao.core.notifications import notifications_mark_read, notifications_unread_count
from tests.conftest import at

pytestmark = pytest.mark.django_db


def _digest(user, day, subject, items=(), read=False):
    return Notification.objects.create(
        user=user, kind="reminder_digest", day=day, subject=subject, body=subject, items=list(items),
        created_at=at(day.year, day.month, day.day, 7), read_at=at(day.year, day.month, day.day, 8) if read else None,
    )


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_the_page_needs_a_login(client):
    response = client.get("/thong-bao/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_the_page_lists_only_the_users_own_notifications_newest_first(login, users, make_deliverable):
    # Given two digests for the Sở Nội vụ officer (the older one read) and one for another officer
    d = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đề án quá hạn")
    item = {"deliverable_id": d.pk, "program_number": "01-CTr/TU", "code": d.code, "title": d.title,
            "deadline": "2021-06-30", "days_overdue": 12, "days_left": 0}
    _digest(users["snv"], dt.date(2021, 7, 11), "Nhắc việc ngày 11/07/2021: cũ", read=True)
    _digest(users["snv"], dt.date(2021, 7, 12), "Nhắc việc ngày 12/07/2021: mới", items=[item])
    _digest(users["stc"], dt.date(2021, 7, 12), "Nhắc việc của Sở Tài chính")
    # When the officer opens the page
    response = login(users["snv"]).get("/thong-bao/")
    # Then they see their two, newest first, the unread one highlighted and linking to the deliverable
    assert response.status_code == 200
    assert [n.subject for n in response.context["page"]] == [
        "Nhắc việc ngày 12/07/2021: mới", "Nhắc việc ngày 11/07/2021: cũ"]
    html = response.content.decode()
    assert "Nhắc việc của Sở Tài chính" not in html
    assert html.count('class="card notification unread"') == 1
    assert html.count('class="card notification"') == 1
    assert f'href="/noi-dung/{d.pk}/"' in html
    assert f"{d.code}. Đề án quá hạn" in html
    assert "hạn 30/06/2021" in html and "quá hạn 12 ngày" in html
    assert 'data-testid="unread-count" title="Chưa đọc">1<' in html
    assert "Đánh dấu đã đọc" in html


def test_mark_read_marks_all_of_the_users_own_and_nothing_else(login, users):
    # Given two unread digests for the officer and one for another officer
    _digest(users["snv"], dt.date(2021, 7, 11), "a")
    _digest(users["snv"], dt.date(2021, 7, 12), "b")
    _digest(users["stc"], dt.date(2021, 7, 12), "c")
    client = login(users["snv"])
    # When they press "Đánh dấu đã đọc"
    response = client.post("/thong-bao/da-doc/")
    # Then theirs are read, the other officer's is not, and the badge is gone
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"
    assert sorted(Notification.objects.filter(read_at__isnull=True).values_list("subject", flat=True)) == ["c"]
    page = client.get("/thong-bao/").content.decode()
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in page
    assert 'data-testid="unread-count"' not in page
    assert "Đánh dấu đã đọc" not in page


def test_mark_read_needs_a_post(login, users):
    _digest(users["snv"], dt.date(2021, 7, 12), "a")
    assert login(users["snv"]).get("/thong-bao/da-doc/").status_code == 405
    assert notifications_unread_count(user=users["snv"]) == 1


def test_the_badge_counts_unread_notifications_on_every_page(login, users, program):
    _digest(users["snv"], dt.date(2021, 7, 10), "a", read=True)
    _digest(users["snv"], dt.date(2021, 7, 11), "b")
    _digest(users["snv"], dt.date(2021, 7, 12), "c")
    page = login(users["snv"]).get("/chuong-trinh/").content.decode()
    assert 'data-testid="unread-count" title="Chưa đọc">2<' in page
    assert 'href="/thong-bao/"' in page


def test_no_badge_without_unread_notifications(login, users):
    page = login(users["stc"]).get("/chuong-trinh/").content.decode()
    assert 'href="/thong-bao/"' in page
    assert 'data-testid="unread-count"' not in page


def test_the_services_count_and_mark_only_the_users_own(users):
    _digest(users["snv"], dt.date(2021, 7, 12), "a")
    _digest(users["stc"], dt.date(2021, 7, 12), "b")
    assert notifications_mark_read(user=users["snv"]) == 1
    assert notifications_mark_read(user=users["snv"]) == 0
    assert (notifications_unread_count(user=users["snv"]), notifications_unread_count(user=users["stc"])) == (0, 1)


def test_one_digest_per_user_kind_and_day_is_enforced_by_the_database(users):
    _digest(users["snv"], dt.date(2021, 7, 12), "a")
    with pytest.raises(IntegrityError), transaction.atomic():
        _digest(users["snv"], dt.date(2021, 7, 12), "b")
    assert Notification.objects.count() == 1


def test_the_badge_costs_one_count_query_and_none_for_anonymous(users, django_assert_num_queries):
    _digest(users["snv"], dt.date(2021, 7, 12), "a")
    request = RequestFactory().get("/")
    request.user = users["snv"]
    with django_assert_num_queries(1):
        assert notifications(request) == {"unread_notifications": 1}
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {}
