"""The notifications page and the email choices (issue 15): what each notification says, marking read (one, the
ticked ones, all; one's own only), pages, the old digests dated and their items' fate since, and the choices."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from chidao.core.models import EmailState, Notification, NotificationPreference
from chidao.core.notifications import Event, notify
from chidao.programs import services
from chidao.programs.models import Status
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def _note(user, n, *, kind="submitted", read=False, when=None, link="/noi-dung/1/"):
    when = when or at(2021, 7, 12, 9)
    return Notification.objects.create(
        user=user, kind=kind, day=when.date(), subject=f"Thông báo {n}", body=f"Nội dung {n}\ndòng hai",
        link=link, event_key=f"{kind}:test:{n}", created_at=when, read_at=when if read else None)


def _unread(user):
    return sorted(Notification.objects.filter(user=user, read_at__isnull=True).values_list("subject", flat=True))


def test_each_notification_says_what_when_and_where(login, users):
    # Given an unread event notification created at 02:30 UTC (09:30 in Hà Nội) and a read one
    _note(users["snv"], 1, when=dt.datetime(2021, 7, 12, 2, 30, tzinfo=dt.UTC))
    _note(users["snv"], 2, kind="approved", read=True, link="")
    # When the officer opens the page
    html = login(users["snv"]).get("/thong-bao/").content.decode()
    # Then each shows its kind, local time, subject, body and a link to the item; the unread one stands out
    assert '<span class="badge kind" data-testid="kind">Nội dung trình phê duyệt</span>' in html
    assert 'data-testid="time">12/07/2021 09:30</time>' in html
    assert "<h2>Thông báo 1</h2>" in html and '<p class="notification-body">Nội dung 1\ndòng hai</p>' in html
    assert html.count('data-testid="open"') == 1 and 'href="/noi-dung/1/"' in html
    assert html.count('class="card notification unread"') == 1 and html.count('class="card notification"') == 1
    assert html.count('data-testid="mark-one"') == 1
    assert "2 thông báo, 1 chưa đọc" in html


def test_an_old_digest_is_dated_and_says_what_became_of_its_items(login, users, make_deliverable):
    # Given Monday's digest listed two overdue deliverables; one was approved since, the other extended
    done = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đề án đã duyệt")
    moved = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đề án gia hạn")
    items = [{"deliverable_id": d.pk, "program_number": "01-CTr/TU", "code": d.code, "title": d.title,
              "deadline": "2021-06-30", "days_overdue": 12, "days_left": 0} for d in (done, moved)]
    Notification.objects.create(user=users["snv"], kind="reminder_digest", day=dt.date(2021, 7, 12),
                                subject="Nhắc việc ngày 12/07/2021: 2 nội dung quá hạn", body="-", items=items,
                                created_at=at(2021, 7, 12, 7))
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        done = services.deliverable_transition(actor=users["snv"], deliverable=done, to_status=status)
    attachment = services.attachment_upload(actor=users["office"], deliverable=done, file=pdf_file())
    services.deliverable_transition(actor=users["office"], deliverable=done, to_status=Status.COMPLETED,
                                    doc_number="45/QĐ-UBND", doc_date=timezone.localdate(), attachment=attachment)
    services.deliverable_extend_deadline(
        actor=users["office"], deliverable=moved, new_deadline=dt.date(2021, 12, 31), reason="Chờ ý kiến",
        approved_by="Thường trực", approved_on=dt.date(2021, 7, 14))
    # When the officer reads it later
    html = login(users["snv"]).get("/thong-bao/").content.decode()
    # Then the digest's date is plain, the approved item says so (and no longer shows as overdue), the other
    # shows its new deadline
    assert 'data-testid="as-of">Tình hình tính đến ngày 12/07/2021</p>' in html
    assert '<span class="badge completed" data-testid="since">đã hoàn thành sau đó</span>' in html
    assert "khi đó quá hạn 12 ngày" in html
    assert html.count('<span class="badge open_overdue">quá hạn 12 ngày</span>') == 1
    assert '<span class="badge" data-testid="extended">đã gia hạn đến 31/12/2021</span>' in html


def test_mark_one_then_the_ticked_ones_then_all(login, users):
    for n in range(1, 5):
        _note(users["snv"], n)
    client = login(users["snv"])
    ids = {n.subject: n.pk for n in Notification.objects.all()}
    # Mark one (htmx: the page reloads to show the badge right)
    response = client.post("/thong-bao/da-doc/", {"one": ids["Thông báo 1"], "page": "1"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, "/thong-bao/")
    assert _unread(users["snv"]) == ["Thông báo 2", "Thông báo 3", "Thông báo 4"]
    # The ticked ones
    response = client.post("/thong-bao/da-doc/", {"selected": "1", "ids": [ids["Thông báo 2"], ids["Thông báo 3"]]})
    assert (response.status_code, response["Location"]) == (302, "/thong-bao/")
    assert _unread(users["snv"]) == ["Thông báo 4"]
    assert "Đã đánh dấu 2 thông báo là đã đọc." in client.get("/thong-bao/").content.decode()
    # "Selected" with nothing ticked marks nothing
    client.post("/thong-bao/da-doc/", {"selected": "1"})
    assert _unread(users["snv"]) == ["Thông báo 4"]
    # All
    client.post("/thong-bao/da-doc/", {"all": "1"})
    assert _unread(users["snv"]) == []


def test_nobody_marks_anothers_notification_read(login, users):
    # Given the Sở Tài chính officer's unread notification
    theirs = _note(users["stc"], 1)
    # When the Sở Nội vụ officer names it, on the page and through the API
    client = login(users["snv"])
    client.post("/thong-bao/da-doc/", {"one": theirs.pk})
    client.post("/thong-bao/da-doc/", {"selected": "1", "ids": [theirs.pk]})
    response = client.post("/api/v1/notifications/read", {"ids": [theirs.pk]}, content_type=JSON)
    # Then nothing changed
    assert response.json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_marks_the_named_ones(login, users):
    a, b = _note(users["snv"], 1), _note(users["snv"], 2)
    client = login(users["snv"])
    response = client.post("/api/v1/notifications/read", {"ids": [b.pk]}, content_type=JSON)
    assert (response.status_code, response.json()) == (200, {"marked": 1})
    assert _unread(users["snv"]) == ["Thông báo 1"]
    listed = client.get("/api/v1/notifications").json()["items"]
    assert [(n["id"], n["kind_label"], n["link"]) for n in listed] == [
        (b.pk, "nội dung trình phê duyệt", "/noi-dung/1/"), (a.pk, "nội dung trình phê duyệt", "/noi-dung/1/")]


def test_the_list_goes_by_pages(login, users, settings):
    settings.CHIDAO_PAGE_SIZE = 25
    for n in range(30):
        _note(users["snv"], n, when=at(2021, 7, 1, 8) + dt.timedelta(minutes=n))
    client = login(users["snv"])
    first = client.get("/thong-bao/").content.decode()
    second = client.get("/thong-bao/?page=2")
    assert first.count('data-testid="notification"') == 25 and "Trang 1/2" in first
    assert [n.subject for n in second.context["page"]] == [f"Thông báo {n}" for n in range(4, -1, -1)]
    # Marking one on page 2 comes back to page 2
    response = client.post("/thong-bao/da-doc/", {"one": second.context["page"][0].pk, "page": "2"})
    assert response["Location"] == "/thong-bao/?page=2"
    # Unread only
    only = client.get("/thong-bao/?chua-doc=1")
    assert only.context["page"].paginator.count == 29


def _event(n):
    return Event(kind="submitted", key=f"submitted:deliverable:{n}:status:{n}", subject=f"Nội dung {n} đã trình",
                 body="Xin mời xem.", link=f"/noi-dung/{n}/")


def test_the_choices_page_saves_and_changes_the_emails(login, users, django_capture_on_commit_callbacks):
    user = users["office"]
    user.email = "office@example.vn"
    user.save()
    client = login(user)
    # The page offers every kind, at once by default
    page = client.get("/thong-bao/tuy-chon/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="no-email"' not in html
    assert "Thư được gửi tới địa chỉ office@example.vn." in html
    assert html.count("<fieldset") == 11
    assert ('<input type="radio" name="submitted" value="immediate" id="id_submitted_0" required checked> Gửi thư '
            'ngay') in html

    def choose(mode):
        data = {k: "immediate" for k in page.context["form"].fields}
        data["submitted"] = mode
        response = client.post("/thong-bao/tuy-chon/", data)
        assert (response.status_code, response["Location"]) == (302, "/thong-bao/tuy-chon/")

    def send(n):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            notify(event=_event(n), recipients=[user])
        return Notification.objects.get(event_key=_event(n).key).email_state

    # Immediate: mailed at once
    assert (send(1), len(mail.outbox)) == (EmailState.SENT, 1)
    # In the daily email: kept for it
    choose("digest")
    assert NotificationPreference.objects.get(user=user, kind="submitted").email == "digest"
    assert (send(2), len(mail.outbox)) == (EmailState.DIGEST, 1)
    assert "Đã lưu cách nhận thông báo qua thư." in client.get("/thong-bao/tuy-chon/").content.decode()
    # No email
    choose("off")
    assert (send(3), len(mail.outbox)) == (EmailState.NONE, 1)
    # Always in the app
    assert Notification.objects.filter(user=user, kind="submitted").count() == 3


def test_the_choices_page_says_when_there_is_no_address(login, users):
    html = login(users["snv"]).get("/thong-bao/tuy-chon/").content.decode()
    assert 'data-testid="no-email"' in html
    assert "Tài khoản của bạn chưa có địa chỉ thư điện tử nên chưa nhận được thư nào" in html


def test_the_api_reads_and_changes_the_choices(login, users):
    client = login(users["snv"])
    got = client.get("/api/v1/notifications/preferences").json()
    assert got["has_email"] is False
    assert got["preferences"][1] == {"kind": "assigned", "kind_label": "được giao nội dung", "email": "immediate",
                                     "email_label": "gửi thư ngay"}
    put = client.put("/api/v1/notifications/preferences", json.dumps({"choices": {"assigned": "digest"}}),
                     content_type=JSON)
    assert put.status_code == 200
    assert [p["email"] for p in put.json()["preferences"] if p["kind"] == "assigned"] == ["digest"]
    # A wrong kind or mode is refused and nothing changes
    bad = client.put("/api/v1/notifications/preferences",
                     json.dumps({"choices": {"assigned": "off", "approved": "sometimes", "x": "off"}}),
                     content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "approved": ["Cách nhận thư “sometimes” không hợp lệ; chọn một trong: immediate, digest, off."],
        "x": ["Không có loại thông báo “x”."]}
    assert list(NotificationPreference.objects.values_list("kind", "email")) == [("assigned", "digest")]
