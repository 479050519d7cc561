"""The daily reminders job: each lead-unit officer gets one digest a day of their units' (every unit of a
lead-officer grant) deliverables that await the unit's own action and are overdue or due within a few days, in
the app and by email. The same email carries the user's other notifications waiting for the daily email (kinds
they chose "gộp vào thư hằng ngày" for), so a user with only those still gets the day's digest.

The facts are those recorded by the digest's day (`states_as_of`): a digest built for a past day says what was
true that day, and a deliverable closed or submitted for approval by then is never in it.

One digest per person per day is guaranteed by the `notification_one_per_day` constraint: the row
is created first (in its own transaction) and the email is sent only by whoever created it, so a
second run, or a second worker racing the first, sends nothing. The waiting notifications are claimed
(digest -> sending) before the email goes and marked sent after it, so none is mailed twice.
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.models import EmailMode, EmailState, Notification, NotificationKind, Role, RoleGrant, User
from chidao.core.notification_items import ItemNow
from chidao.core.notifications import email_modes

from .models import DeadlineExtension, Deliverable, Status, StatusChange
from .selectors import ItemState, end_of_day, states_as_of
from .workflow import AWAITING_APPROVAL

logger = logging.getLogger(__name__)

CLOSED = (Status.COMPLETED, Status.CANCELLED)
# What a lead unit is not chased for: closed, or submitted and waiting on the approver (a returned one is the unit's).
NOT_THE_UNITS_MOVE = (*CLOSED, *sorted(AWAITING_APPROVAL))


@dataclass
class ReminderRun:
    """What one run did."""

    on: dt.date
    days_ahead: int
    digests_created: int = 0
    emails_sent: int = 0
    emails_failed: int = 0
    skipped_existing: int = 0
    recipients: list[str] = field(default_factory=list)  # usernames that got a new digest
    notifications_sent: int = 0  # waiting notifications mailed in the digests

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(), "days_ahead": self.days_ahead, "digests_created": self.digests_created,
            "emails_sent": self.emails_sent, "emails_failed": self.emails_failed,
            "skipped_existing": self.skipped_existing, "recipients": list(self.recipients),
            "notifications_sent": self.notifications_sent,
        }


def _item(state: ItemState, program_number: str, on: dt.date) -> dict[str, Any]:
    return {
        "deliverable_id": state.pk, "program_number": program_number, "code": state.code, "title": state.title,
        "deadline": state.deadline.isoformat(),
        "days_overdue": max((on - state.deadline).days, 0), "days_left": max((state.deadline - on).days, 0),
    }


def reminder_items_by_unit(*, on: dt.date, days_ahead: int) -> dict[int, list[dict[str, Any]]]:
    """Deliverables awaiting the lead unit's own action on `on` (neither closed nor submitted for approval, as
    recorded by that day) whose deadline in force that day is on or before `on + days_ahead`, by lead unit:
    overdue first, then due soon, each by deadline.

    Only the candidates are read back in history: those with a deadline (first set or extended by that day)
    inside the window, and not closed by that day (a closed status is final)."""
    limit = on + dt.timedelta(days=days_ahead)
    end = end_of_day(on)
    extended = DeadlineExtension.objects.filter(approved_on__lte=on, new_deadline__lte=limit).values("deliverable_id")
    closed = StatusChange.objects.filter(to_status__in=CLOSED, at__lt=end).values("deliverable_id")
    candidates = (Deliverable.objects.filter(Q(original_deadline__lte=limit) | Q(pk__in=extended))
                  .exclude(pk__in=closed))
    due = [s for s in states_as_of(deliverables=candidates, as_of=on)
           if s.status not in NOT_THE_UNITS_MOVE and s.deadline <= limit]
    numbers = dict(Deliverable.objects.filter(pk__in=[s.pk for s in due]).values_list("pk", "program__number"))
    due.sort(key=lambda s: (s.deadline, numbers[s.pk], s.code, s.pk))
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for state in due:  # ordered by deadline, so overdue items already come before due-soon ones
        by_unit[state.lead_unit_id].append(_item(state, numbers[state.pk], on))
    return dict(by_unit)


def _line(item: dict[str, Any]) -> str:
    deadline = dt.date.fromisoformat(item["deadline"]).strftime("%d/%m/%Y")
    if item["days_overdue"]:
        when = ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", item["days_overdue"]) % {"n": item["days_overdue"]}
    elif item["days_left"]:
        when = ngettext("còn %(n)d ngày", "còn %(n)d ngày", item["days_left"]) % {"n": item["days_left"]}
    else:
        when = _("đến hạn hôm nay")
    return _("- %(code)s. %(title)s (Chương trình số %(number)s): hạn %(deadline)s, %(when)s") % {
        "code": item["code"], "title": item["title"], "number": item["program_number"], "deadline": deadline,
        "when": when,
    }


def _note_line(note: Notification) -> str:
    """One waiting notification in the digest: when, what, and the absolute link to the item."""
    when = formats.date_format(timezone.localtime(note.created_at), "d/m/Y H:i")
    line = _("- %(when)s, %(kind)s: %(subject)s") % {
        "when": when, "kind": note.get_kind_display(), "subject": note.subject}
    if note.link:
        line += f"\n  {settings.CHIDAO_SITE_URL.rstrip('/')}{note.link}"
    return line


def reminder_digest_text(
    *, on: dt.date, items: list[dict[str, Any]], notes: Iterable[Notification] = ()
) -> tuple[str, str]:
    """The digest's subject and body (plain text): one line per deliverable, then one per waiting notification."""
    notes = list(notes)
    overdue = sum(1 for i in items if i["days_overdue"])
    soon = len(items) - overdue
    parts = []
    if overdue:
        parts.append(ngettext("%(n)d nội dung quá hạn", "%(n)d nội dung quá hạn", overdue) % {"n": overdue})
    if soon:
        parts.append(ngettext("%(n)d nội dung sắp đến hạn", "%(n)d nội dung sắp đến hạn", soon) % {"n": soon})
    if notes:
        parts.append(ngettext("%(n)d thông báo mới", "%(n)d thông báo mới", len(notes)) % {"n": len(notes)})
    subject = _("Nhắc việc ngày %(day)s: %(counts)s") % {"day": on.strftime("%d/%m/%Y"), "counts": ", ".join(parts)}
    lines: list[str] = []
    if items:
        lines += [_("Các nội dung đơn vị chủ trì đã quá hạn hoặc sắp đến hạn:"), "", *[_line(i) for i in items], ""]
    if notes:
        lines += [_("Thông báo mới từ thư nhắc việc trước:"), "", *[_note_line(n) for n in notes], ""]
    lines.append(_("Xem chi tiết trong mục “Thông báo” của Chidao."))
    return subject, "\n".join(lines)


def _waiting_notes(*, before: dt.datetime) -> dict[int, list[Notification]]:
    """The notifications waiting for the daily email (created before the run), by user, oldest first; those of
    users without an email address wait for one (they are in the user's list already)."""
    waiting: dict[int, list[Notification]] = defaultdict(list)
    for note in (Notification.objects.filter(email_state=EmailState.DIGEST, created_at__lte=before)
                 .exclude(user__email="").order_by("created_at", "id")):
        waiting[note.user_id].append(note)
    return dict(waiting)


def _recipients(by_unit: dict[int, list[dict[str, Any]]], waiting: Iterable[int]) -> QuerySet[User]:
    """Active users holding a lead-officer grant (main or extra) in a unit that has items, and active users with
    notifications waiting for the daily email."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.LEAD_OFFICER, unit_id__in=by_unit)
                | Q(pk__in=RoleGrant.objects.filter(role=Role.LEAD_OFFICER, unit_id__in=by_unit).values("user_id"))
                | Q(pk__in=list(waiting)))
        .prefetch_related("role_grants")
        .order_by("username")
    )


def _items_of(user: User, by_unit: dict[int, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The items of every unit the user is a lead officer in, in the digest's order (a deliverable has one
    lead unit, so none comes twice)."""
    units = sorted(user.units_with_role(Role.LEAD_OFFICER) & by_unit.keys())
    if len(units) == 1:
        return by_unit[units[0]]
    return sorted((item for unit in units for item in by_unit[unit]),
                  key=lambda i: (i["deadline"], i["program_number"], i["code"], i["deliverable_id"]))


def _create_once(
    *, user: User, on: dt.date, subject: str, body: str, items: list[dict[str, Any]]
) -> Notification | None:
    """Create the user's digest for the day, or return None if it already exists (even if another
    worker created it a moment ago: the unique constraint decides). A digest of waiting notifications alone
    is created read: those notifications are already in the user's list, unread."""
    if Notification.objects.filter(user=user, kind=NotificationKind.REMINDER_DIGEST, day=on).exists():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user, kind=NotificationKind.REMINDER_DIGEST, day=on, subject=subject, body=body, items=items,
                created_at=now, read_at=None if items else now,
            )
    except IntegrityError:
        return None


def _mail_digest(*, user: User, digest: Notification, subject: str, body: str, notes: list[Notification],
                 run: ReminderRun) -> None:
    """Mail the day's digest (by whoever created its row). The waiting notifications it carries are claimed
    first (digest -> sending), then marked sent; if the mail fails they wait for the next digest."""
    ids = [n.pk for n in notes]
    Notification.objects.filter(pk__in=ids, email_state=EmailState.DIGEST).update(email_state=EmailState.SENDING)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:  # the in-app digest stands; the failure is logged, not retried
        logger.exception("Reminder email to %s failed", user.username)
        Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING).update(email_state=EmailState.DIGEST)
        Notification.objects.filter(pk=digest.pk).update(email_state=EmailState.FAILED)
        run.emails_failed += 1
        return
    now = timezone.now()
    run.notifications_sent += Notification.objects.filter(pk__in=ids, email_state=EmailState.SENDING).update(
        email_state=EmailState.SENT, emailed_at=now)
    Notification.objects.filter(pk=digest.pk).update(email_state=EmailState.SENT, emailed_at=now)
    run.emails_sent += 1


def reminders_send(*, on: dt.date | None = None, days_ahead: int | None = None) -> ReminderRun:
    """Send the day's digests: to active lead-unit officers whose unit leads a deliverable awaiting its action
    that is overdue or due within `days_ahead` days (settings.CHIDAO_REMINDER_DAYS_AHEAD), and to active users
    with notifications waiting for the daily email. An officer with lead-officer grants in several units gets
    one digest with the items of all of them.

    Safe to run any number of times a day: a person who already has the day's digest is skipped
    and gets no second email. Users without an email address get the in-app digest only (and no digest of
    waiting notifications, which are already in their list). A user who chose "không gửi thư" for the daily
    reminders gets the reminder items in the app only; the email then carries their waiting notifications, if any.
    """
    on = on or timezone.localdate()
    days_ahead = settings.CHIDAO_REMINDER_DAYS_AHEAD if days_ahead is None else days_ahead
    run = ReminderRun(on=on, days_ahead=days_ahead)
    by_unit = reminder_items_by_unit(on=on, days_ahead=days_ahead)
    waiting = _waiting_notes(before=timezone.now())
    if not by_unit and not waiting:
        return run
    users = list(_recipients(by_unit, waiting))
    modes = email_modes(users=users, kind=NotificationKind.REMINDER_DIGEST)
    # Stored and emailed in the site's language whatever language the caller has active.
    with translation.override(settings.LANGUAGE_CODE):
        for user in users:
            items = _items_of(user, by_unit)
            notes = waiting.get(user.pk, [])
            if not items and not notes:
                continue
            subject, body = reminder_digest_text(on=on, items=items, notes=notes)
            digest = _create_once(user=user, on=on, subject=subject, body=body, items=items)
            if digest is None:
                run.skipped_existing += 1
                continue
            run.digests_created += 1
            run.recipients.append(user.username)
            if not user.email:
                continue
            if modes[user.pk] == EmailMode.OFF:
                if not notes:
                    continue
                subject, body = reminder_digest_text(on=on, items=[], notes=notes)
            _mail_digest(user=user, digest=digest, subject=subject, body=body, notes=notes, run=run)
    return run


def digest_items_now(user: User, ids: set[int]) -> dict[int, ItemNow]:
    """What each digest item the user may still see is now (the notifications page asks, through
    `core.notification_items`): "đã hoàn thành sau đó", "đã trình sau đó"... for one no longer the unit's to
    move, and its deadline in force."""
    rows = Deliverable.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "status", "deadline")
    return {
        pk: ItemNow(since=_("%(status)s sau đó") % {"status": Status(status).label}
                    if status in NOT_THE_UNITS_MOVE else "", deadline=deadline)
        for pk, status, deadline in rows
    }
