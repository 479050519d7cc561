"""Notifications: the events that find their people, and the reads and writes on a user's own messages.

An app's service calls `notify(...)` inside its own transaction, with the event's key: the in-app rows are
written with the event (one per recipient and key, the `notification_one_per_event` constraint decides, so a
retried service or task never doubles them) and vanish with it if the transaction rolls back. The email goes
later: after the commit, `notification_emails_task` in the background worker claims each pending row
(pending -> sending -> sent) before it sends, so a retried task or a second worker never mails a row twice.
Each user chooses per kind (`NotificationPreference`): email at once, in the daily digest, or none; the
message is always in the app.

Marking read is the user's own reading state, not a change to a record, so it leaves no change record.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import EmailMode, EmailState, Notification, NotificationKind, NotificationPreference, User
from .tasks import error_text, task_failure_record, task_run

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One thing that happened, as its recipients read it. `key` names the event uniquely (kind, record and the
    history row that recorded it), so the same event never notifies anyone twice. Compose `subject` and `body`
    in the site's language (`translation.override(settings.LANGUAGE_CODE)`): they are stored and mailed."""

    kind: str
    key: str
    subject: str
    body: str
    link: str = ""


def email_modes(*, users: Iterable[User], kind: str) -> dict[int, str]:
    """Each user's email choice for `kind` (no row: at once)."""
    ids = [u.pk for u in users]
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "email")
    )
    return {pk: chosen.get(pk, EmailMode.IMMEDIATE) for pk in ids}


def _email_state(user: User, mode: str) -> str:
    if not user.email or mode == EmailMode.OFF:
        return EmailState.NONE
    return EmailState.DIGEST if mode == EmailMode.DIGEST else EmailState.PENDING


def notify(
    *, event: Event, recipients: Iterable[User], in_scope: Callable[[User], bool] | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Write the event's notification for each active recipient who may see the item (`in_scope`), except the
    actor who caused it; queue the emails for after the commit. Returns the rows this call created."""
    unique: dict[int, User] = {}
    for user in recipients:
        if user.pk is None or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        if in_scope is not None and not in_scope(user):
            continue  # never tell someone about an item outside their scope
        unique.setdefault(user.pk, user)
    if not unique:
        return []
    already = set(
        Notification.objects.filter(event_key=event.key, user_id__in=unique).values_list("user_id", flat=True)
    )
    modes = email_modes(users=unique.values(), kind=event.kind)
    now = timezone.now()
    rows = [
        Notification(
            user=user, kind=event.kind, day=timezone.localdate(now), subject=event.subject[:255], body=event.body,
            link=event.link[:300], event_key=event.key, email_state=_email_state(user, modes[pk]), created_at=now,
        )
        for pk, user in unique.items() if pk not in already
    ]
    # ignore_conflicts: a concurrent writer of the same event already made that user's row; the constraint wins.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(Notification.objects.filter(event_key=event.key, user_id__in=[r.user_id for r in rows],
                                               created_at=now))
    if any(r.email_state == EmailState.PENDING for r in created):
        key = event.key
        # robust: the event stands even if the queue (or, with the in-process backend, the mail) fails; the row
        # stays pending or failed, and the failure is logged and recorded.
        transaction.on_commit(lambda: notification_emails_task.enqueue(event_key=key), robust=True)
    return created


def email_text(notification: Notification) -> str:
    """The email body: the message and the absolute link to the item (from CHIDAO_SITE_URL, never a request)."""
    if not notification.link:
        return notification.body
    return f"{notification.body}\n\n{settings.CHIDAO_SITE_URL.rstrip('/')}{notification.link}"


def _claim(pk: int) -> bool:
    pending = Notification.objects.filter(pk=pk, email_state=EmailState.PENDING)
    return bool(pending.update(email_state=EmailState.SENDING))


def notification_emails_send(*, event_key: str) -> int:
    """Mail the event's pending notifications; returns how many were sent by this call. A row is claimed before
    its mail goes, so a second run sends nothing; a failed send puts the row back to pending and raises (the
    task tries again)."""
    sent = 0
    pending = Notification.objects.filter(event_key=event_key, email_state=EmailState.PENDING)
    for pk in list(pending.values_list("pk", flat=True)):
        if not _claim(pk):
            continue  # another worker has it
        notification = Notification.objects.select_related("user").get(pk=pk)
        try:
            send_mail(notification.subject, email_text(notification), settings.DEFAULT_FROM_EMAIL,
                      [notification.user.email])
        except Exception:
            Notification.objects.filter(pk=pk).update(email_state=EmailState.PENDING)
            raise
        Notification.objects.filter(pk=pk).update(email_state=EmailState.SENT, emailed_at=timezone.now())
        sent += 1
    return sent


@task()
def notification_emails_task(event_key: str) -> int:
    """The emails of one event (chidao.core.tasks retries: transient failures, including SMTP errors, which are
    OSErrors, are tried again; the last failure marks the rows failed and is recorded)."""

    def failed(exc: BaseException, attempts: int) -> None:
        Notification.objects.filter(event_key=event_key, email_state=EmailState.PENDING).update(
            email_state=EmailState.FAILED)
        task_failure_record(
            actor=None, action="notification_email_failed", model=Notification, label=event_key,
            after={"attempts": attempts},
            reason=_("Lỗi khi gửi thư thông báo (đã thử %(n)s lần): %(e)s") % {"n": attempts, "e": error_text(exc)})

    return task_run(label=f"notification emails {event_key}",
                    body=lambda attempt: notification_emails_send(event_key=event_key), failed=failed)


def notification_preferences(*, user: User) -> dict[str, str]:
    """The user's email choice for every kind, in the kinds' order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind: chosen.get(kind, EmailMode.IMMEDIATE) for kind in NotificationKind.values}


@transaction.atomic
def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Save the user's own choices (kinds and modes already validated by the form or schema)."""
    for kind, mode in choices.items():
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": mode})


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notifications_unread_count(*, user: User) -> int:
    """One COUNT query; 0 for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read now (all, or only `ids` of their own); returns how many."""
    if not user.is_authenticated or not user.is_active:
        return 0
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
