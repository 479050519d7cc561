"""Digests that are true (issue 15): the items that await the unit's own action, as recorded by the digest's day;
the notifications waiting for the daily email go in it once; the dispatch chases only what awaits the unit."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction

from chidao.core.models import EmailMode, EmailState, Notification, NotificationPreference, Role, User
from chidao.core.notifications import Event, notify
from chidao.programs import services
from chidao.programs.models import Status
from chidao.programs.reminders import reminder_items_by_unit, reminders_send
from chidao.reports.figures import dispatch_report
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2021, 7, 12)
READER = User(username="reader", role=Role.ADMIN, is_active=True)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "chidao@example.vn"
    settings.CHIDAO_REMINDER_DAYS_AHEAD = 7
    settings.CHIDAO_SITE_URL = "https://chidao.example.vn"


@pytest.fixture
def emails(users):
    for key in ("snv", "stc", "office"):
        users[key].email = f"{key}@example.vn"
        users[key].save()
    return users


def _step(users, d, status, when, **kw):
    actor = users["office"] if status in (Status.RETURNED, Status.COMPLETED, Status.CANCELLED) else users["snv"]
    return services.deliverable_transition(actor=actor, deliverable=d, to_status=status, at=when, **kw)


def _complete(users, d, when, submitted):
    d = _step(users, d, Status.IN_PROGRESS, at(2021, 5, 1))
    d = _step(users, d, Status.SUBMITTED, submitted)
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    return _step(users, d, Status.COMPLETED, when, doc_number="45/QĐ-UBND", doc_date=when.date(),
                 attachment=attachment)


@pytest.fixture
def history(emails, make_deliverable):
    """Sở Nội vụ's deliverables, all due 30/06/2021, each with a history around Monday 12/07/2021."""
    u = emails
    made = {
        "done_before": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Xong trước"),
        "done_after": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Xong sau"),
        "submitted": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đã trình"),
        "returned": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Bị trả lại"),
        "cancelled": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đã dừng"),
        "extended_after": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Gia hạn sau"),
        "extended_before": make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Gia hạn trước"),
    }
    _complete(u, made["done_before"], at(2021, 7, 9), submitted=at(2021, 7, 2))
    _complete(u, made["done_after"], at(2021, 7, 20), submitted=at(2021, 7, 15))
    d = _step(u, made["submitted"], Status.IN_PROGRESS, at(2021, 6, 1))
    _step(u, d, Status.SUBMITTED, at(2021, 7, 5))
    d = _step(u, made["returned"], Status.IN_PROGRESS, at(2021, 6, 1))
    d = _step(u, d, Status.SUBMITTED, at(2021, 7, 1))
    _step(u, d, Status.RETURNED, at(2021, 7, 8), reason="Thiếu số liệu")
    _step(u, made["cancelled"], Status.CANCELLED, at(2021, 7, 2), reason="Không còn phù hợp")
    for key, approved_on in (("extended_after", dt.date(2021, 7, 15)), ("extended_before", dt.date(2021, 7, 10))):
        services.deliverable_extend_deadline(
            actor=u["office"], deliverable=made[key], new_deadline=dt.date(2021, 12, 31), reason="Chờ ý kiến",
            approved_by="Thường trực", approved_on=approved_on)
    return made


def test_the_digest_lists_what_awaited_the_unit_that_day(history, units):
    # When the digest of Monday 12/07/2021 is built (later, from the recorded history)
    items = reminder_items_by_unit(on=MONDAY, days_ahead=7)[units["snv"].pk]
    # Then it lists what was open and the unit's to move that day, with that day's deadline and delay ("Xong
    # sau" was submitted on 15/07 only, "Gia hạn sau" extended on 15/07): not what was completed, cancelled or
    # submitted by then, nor what had a later deadline by then
    assert [(i["title"], i["deadline"], i["days_overdue"]) for i in items] == [
        ("Xong sau", "2021-06-30", 12), ("Bị trả lại", "2021-06-30", 12), ("Gia hạn sau", "2021-06-30", 12)]
    # And a week later only what is still the unit's (nothing: each item has moved on)
    assert reminder_items_by_unit(on=dt.date(2021, 7, 21), days_ahead=7).get(units["snv"].pk, []) == [
        {"deliverable_id": history["returned"].pk, "program_number": "01-CTr/TU", "code": history["returned"].code,
         "title": "Bị trả lại", "deadline": "2021-06-30", "days_overdue": 21, "days_left": 0}]


def test_the_dispatch_lists_what_awaited_the_unit_on_its_date(history, program, units):
    report = dispatch_report(user=READER, program=program, unit=units["snv"], as_of=MONDAY)
    # On 12/07: "Xong sau" was still in progress (submitted 15/07, approved 20/07), "Bị trả lại" back with the
    # unit, "Gia hạn sau" not yet extended; the rest were completed, cancelled, submitted or extended by then
    assert [(i.title, i.status, i.deadline) for i in report.carried_over] == [
        ("Xong sau", Status.IN_PROGRESS, dt.date(2021, 6, 30)), ("Bị trả lại", Status.RETURNED, dt.date(2021, 6, 30)),
        ("Gia hạn sau", Status.NOT_STARTED, dt.date(2021, 6, 30))]
    # On 16/07 "Xong sau" waits on the approver and "Gia hạn sau" has its new deadline: only "Bị trả lại" is chased
    report = dispatch_report(user=READER, program=program, unit=units["snv"], as_of=dt.date(2021, 7, 16))
    assert [i.title for i in report.carried_over] == ["Bị trả lại"]


def _event(n, kind="submitted"):
    return Event(kind=kind, key=f"{kind}:deliverable:{n}:status:{n}", subject=f"Nội dung {n:02d} đã trình",
                 body="Xin mời xem.", link=f"/noi-dung/{n}/")


def _notify_digest_mode(user, *events):
    for e in events:
        NotificationPreference.objects.update_or_create(user=user, kind=e.kind, defaults={"email": EmailMode.DIGEST})
        with transaction.atomic():
            notify(event=e, recipients=[user])
    Notification.objects.filter(event_key__in=[e.key for e in events]).update(created_at=at(2021, 7, 11, 15))


def test_the_digest_carries_the_waiting_notifications_once(emails, make_deliverable):
    # Given the officer's unit has one overdue item, and two notifications wait for the daily email
    late = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đề án quá hạn")
    _notify_digest_mode(emails["snv"], _event(1), _event(2, "directive"))
    assert mail.outbox == []  # nothing was mailed at once
    # When the day's job runs
    run = reminders_send(on=MONDAY)
    # Then one email carries the item and the two notifications
    assert (run.digests_created, run.emails_sent, run.notifications_sent) == (1, 1, 2)
    [message] = mail.outbox
    assert message.subject == "Nhắc việc ngày 12/07/2021: 1 nội dung quá hạn, 2 thông báo mới"
    assert message.body.splitlines() == [
        "Các nội dung đơn vị chủ trì đã quá hạn hoặc sắp đến hạn:", "",
        f"- {late.code}. Đề án quá hạn (Chương trình số 01-CTr/TU): hạn 30/06/2021, quá hạn 12 ngày", "",
        "Thông báo mới từ thư nhắc việc trước:", "",
        "- 11/07/2021 15:00, nội dung trình phê duyệt: Nội dung 01 đã trình",
        "  https://chidao.example.vn/noi-dung/1/",
        "- 11/07/2021 15:00, ý kiến chỉ đạo: Nội dung 02 đã trình",
        "  https://chidao.example.vn/noi-dung/2/", "",
        "Xem chi tiết trong mục “Thông báo” của Chidao.",
    ]
    # And the notifications are marked sent; the digest too
    waiting = Notification.objects.exclude(kind="reminder_digest")
    assert {(n.email_state, n.emailed_at is not None) for n in waiting} == {(EmailState.SENT, True)}
    digest = Notification.objects.get(kind="reminder_digest")
    assert (digest.email_state, digest.read_at, digest.subject) == (EmailState.SENT, None, message.subject)
    # When the job runs again that day and the next, then the notifications are never mailed again
    assert reminders_send(on=MONDAY).emails_sent == 0
    tuesday = reminders_send(on=MONDAY + dt.timedelta(days=1))
    assert (tuesday.emails_sent, tuesday.notifications_sent) == (1, 0)
    assert mail.outbox[1].subject == "Nhắc việc ngày 13/07/2021: 1 nội dung quá hạn"


def test_a_user_with_only_waiting_notifications_gets_the_days_digest(emails):
    # Given nothing is due, and the standing office has one notification waiting for the daily email
    _notify_digest_mode(emails["office"], _event(7))
    # When the job runs
    run = reminders_send(on=MONDAY)
    # Then the office gets the day's digest with it, and the digest is in the app already read (it repeats it)
    assert (run.digests_created, run.emails_sent, run.recipients) == (1, 1, ["office"])
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["office@example.vn"], "Nhắc việc ngày 12/07/2021: 1 thông báo mới")]
    digest = Notification.objects.get(kind="reminder_digest")
    assert (digest.user, digest.items, digest.read_at is not None) == (emails["office"], [], True)
    # And a second run that day sends nothing (nothing waits any more)
    again = reminders_send(on=MONDAY)
    assert (again.digests_created, again.emails_sent, len(mail.outbox)) == (0, 0, 1)
    assert Notification.objects.filter(kind="reminder_digest").count() == 1


def test_without_an_address_waiting_notifications_make_no_digest(users):
    users["office"].email = "office@example.vn"
    users["office"].save()
    _notify_digest_mode(users["office"], _event(7))
    User.objects.filter(pk=users["office"].pk).update(email="")
    run = reminders_send(on=MONDAY)
    assert (run.digests_created, Notification.objects.filter(kind="reminder_digest").count(), mail.outbox) == (
        0, 0, [])
    assert Notification.objects.get().email_state == EmailState.DIGEST


def test_reminders_off_keeps_the_items_in_the_app_and_mails_only_the_waiting_notifications(emails, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30))
    NotificationPreference.objects.create(user=emails["snv"], kind="reminder_digest", email=EmailMode.OFF)
    # With nothing waiting: the digest is in the app, no email
    run = reminders_send(on=MONDAY)
    assert (run.digests_created, run.emails_sent, mail.outbox) == (1, 0, [])
    # With a notification waiting the next day: the email carries only it
    _notify_digest_mode(emails["snv"], _event(3))
    run = reminders_send(on=MONDAY + dt.timedelta(days=1))
    assert (run.digests_created, run.emails_sent, run.notifications_sent) == (1, 1, 1)
    assert mail.outbox[0].subject == "Nhắc việc ngày 13/07/2021: 1 thông báo mới"
    assert "quá hạn" not in mail.outbox[0].body
    # while the in-app digest keeps the item
    digest = Notification.objects.get(kind="reminder_digest", day=MONDAY + dt.timedelta(days=1))
    assert digest.subject == "Nhắc việc ngày 13/07/2021: 1 nội dung quá hạn, 1 thông báo mới"


def test_a_failed_digest_email_leaves_the_notifications_for_the_next_one(emails, monkeypatch):
    from chidao.programs import reminders

    _notify_digest_mode(emails["office"], _event(7))

    def broken(*args, **kwargs):
        raise OSError("máy chủ thư không trả lời")

    monkeypatch.setattr(reminders, "send_mail", broken)
    run = reminders_send(on=MONDAY)
    assert (run.digests_created, run.emails_sent, run.emails_failed) == (1, 0, 1)
    assert Notification.objects.get(kind="submitted").email_state == EmailState.DIGEST
    assert Notification.objects.get(kind="reminder_digest").email_state == EmailState.FAILED
    # The next day's digest carries it
    monkeypatch.undo()
    run = reminders_send(on=MONDAY + dt.timedelta(days=1))
    assert (run.emails_sent, run.notifications_sent) == (1, 1)
    assert Notification.objects.get(kind="submitted").email_state == EmailState.SENT
