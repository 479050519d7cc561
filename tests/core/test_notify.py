"""notify(): one notification per recipient and event, emails once each, after the commit, with retries."""

import smtplib

import pytest
from django.core import mail
from django.db import transaction

from chidao.core import notifications as notes
from chidao.core.models import EmailMode, EmailState, Notification, NotificationPreference

pytestmark = pytest.mark.django_db(transaction=True)


def _event(key="submitted:deliverable:1:status:7"):
    return notes.Event(kind="submitted", key=key, subject="Nội dung 01 đã trình", body="Xin mời xem.",
                       link="/chuong-trinh/noi-dung/1/")


@pytest.fixture
def people(users):
    for name in ("office", "steering", "snv", "stc"):
        users[name].email = f"{name}@example.vn"
        users[name].save()
    return users


def test_one_event_gives_one_notification_per_recipient_even_when_run_again(people, settings):
    # given two recipients, one of them named twice
    settings.CHIDAO_SITE_URL = "https://chidao.example.vn"
    recipients = [people["office"], people["steering"], people["office"]]
    # when the same event is notified three times (a retried service, a second worker)
    for _ in range(3):
        with transaction.atomic():
            notes.notify(event=_event(), recipients=recipients)
    # then each recipient has exactly one row and one email
    rows = Notification.objects.filter(event_key=_event().key).order_by("user__username")
    assert [r.user.username for r in rows] == ["office", "steering"]
    assert [r.email_state for r in rows] == [EmailState.SENT, EmailState.SENT]
    assert sorted(m.to[0] for m in mail.outbox) == ["office@example.vn", "steering@example.vn"]
    assert mail.outbox[0].body == "Xin mời xem.\n\nhttps://chidao.example.vn/chuong-trinh/noi-dung/1/"


def test_the_email_task_run_again_sends_nothing_more(people):
    with transaction.atomic():
        notes.notify(event=_event(), recipients=[people["office"]])
    assert len(mail.outbox) == 1
    # when the worker retries the task for the same event
    assert notes.notification_emails_send(event_key=_event().key) == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        notes.notify(event=_event(), recipients=[people["office"]])
        raise RuntimeError("the service failed after notifying")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_the_actor_inactive_users_and_those_out_of_scope_are_not_notified(people):
    people["stc"].is_active = False
    people["stc"].save()
    with transaction.atomic():
        created = notes.notify(
            event=_event(), recipients=[people["office"], people["steering"], people["stc"], people["snv"]],
            actor=people["office"], in_scope=lambda u: u.username != "steering")
    assert [n.user.username for n in created] == ["officer_snv"]


def test_preferences_decide_the_email(people):
    NotificationPreference.objects.create(user=people["office"], kind="submitted", email=EmailMode.DIGEST)
    NotificationPreference.objects.create(user=people["steering"], kind="submitted", email=EmailMode.OFF)
    people["stp"].email = ""
    with transaction.atomic():
        notes.notify(event=_event(), recipients=[people["office"], people["steering"], people["snv"], people["stp"]])
    states = dict(Notification.objects.values_list("user__username", "email_state"))
    assert states == {"office": EmailState.DIGEST, "steering": EmailState.NONE, "officer_snv": EmailState.SENT,
                      "officer_stp": EmailState.NONE}
    assert [m.to for m in mail.outbox] == [["snv@example.vn"]]


def test_a_failing_mail_server_is_tried_again_then_the_row_is_marked_failed(people, monkeypatch, settings):
    settings.CHIDAO_TASKS = {**settings.CHIDAO_TASKS, "max_attempts": 3}
    monkeypatch.setattr("chidao.core.tasks.sleep", lambda s: None)
    calls = []

    def refuse(*args, **kwargs):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(notes, "send_mail", refuse)
    with transaction.atomic():  # the event commits whatever the mail server does
        notes.notify(event=_event(), recipients=[people["office"]])
    assert len(calls) == 3
    row = Notification.objects.get()
    assert row.email_state == EmailState.FAILED and row.emailed_at is None
