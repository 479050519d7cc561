"""The daily reminders job: each lead-unit officer gets one digest a day of their units' (every unit of a
lead-officer grant) deliverables that are overdue or due within a few days, in the app and by email.

One digest per person per day is guaranteed by the `notification_one_per_day` constraint: the row
is created first (in its own transaction) and the email is sent only by whoever created it, so a
second run, or a second worker racing the first, sends nothing.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.models import Notification, NotificationKind, Role, RoleGrant, User

from .models import Deliverable, Status
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(), "days_ahead": self.days_ahead, "digests_created": self.digests_created,
            "emails_sent": self.emails_sent, "emails_failed": self.emails_failed,
            "skipped_existing": self.skipped_existing, "recipients": list(self.recipients),
        }


def _item(d: Deliverable, on: dt.date) -> dict[str, Any]:
    return {
        "deliverable_id": d.pk, "program_number": d.program.number, "code": d.code, "title": d.title,
        "deadline": d.deadline.isoformat(),
        "days_overdue": max((on - d.deadline).days, 0), "days_left": max((d.deadline - on).days, 0),
    }


def reminder_items_by_unit(*, on: dt.date, days_ahead: int) -> dict[int, list[dict[str, Any]]]:
    """Deliverables awaiting the lead unit's own action (neither closed nor submitted for approval) whose
    current deadline is on or before `on + days_ahead`, by lead unit: overdue first, then due soon, each by
    deadline."""
    due = (
        Deliverable.objects.exclude(status__in=NOT_THE_UNITS_MOVE)
        .filter(deadline__lte=on + dt.timedelta(days=days_ahead))
        .select_related("program")
        .order_by("deadline", "program__number", "code", "id")
    )
    by_unit: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for d in due:  # ordered by deadline, so overdue items already come before due-soon ones
        by_unit[d.lead_unit_id].append(_item(d, on))
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


def reminder_digest_text(*, on: dt.date, items: list[dict[str, Any]]) -> tuple[str, str]:
    """The digest's subject and body (plain text, one line per deliverable)."""
    overdue = sum(1 for i in items if i["days_overdue"])
    soon = len(items) - overdue
    parts = []
    if overdue:
        parts.append(ngettext("%(n)d nội dung quá hạn", "%(n)d nội dung quá hạn", overdue) % {"n": overdue})
    if soon:
        parts.append(ngettext("%(n)d nội dung sắp đến hạn", "%(n)d nội dung sắp đến hạn", soon) % {"n": soon})
    subject = _("Nhắc việc ngày %(day)s: %(counts)s") % {"day": on.strftime("%d/%m/%Y"), "counts": ", ".join(parts)}
    body = "\n".join([
        _("Các nội dung đơn vị chủ trì đã quá hạn hoặc sắp đến hạn:"), "", *[_line(i) for i in items], "",
        _("Xem chi tiết trong mục “Thông báo” của Chidao."),
    ])
    return subject, body


def _lead_officers(by_unit: dict[int, list[dict[str, Any]]]) -> QuerySet[User]:
    """Active users holding a lead-officer grant (main or extra) in a unit that has items."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.LEAD_OFFICER, unit_id__in=by_unit)
                | Q(pk__in=RoleGrant.objects.filter(role=Role.LEAD_OFFICER, unit_id__in=by_unit).values("user_id")))
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
    worker created it a moment ago: the unique constraint decides)."""
    if Notification.objects.filter(user=user, kind=NotificationKind.REMINDER_DIGEST, day=on).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user, kind=NotificationKind.REMINDER_DIGEST, day=on, subject=subject, body=body, items=items,
            )
    except IntegrityError:
        return None


def reminders_send(*, on: dt.date | None = None, days_ahead: int | None = None) -> ReminderRun:
    """Send the day's reminder digests to active lead-unit officers whose unit leads an open
    deliverable that is overdue or due within `days_ahead` days (settings.CHIDAO_REMINDER_DAYS_AHEAD). An
    officer with lead-officer grants in several units gets one digest with the items of all of them.

    Safe to run any number of times a day: a person who already has the day's digest is skipped
    and gets no second email. Users without an email address get the in-app digest only.
    """
    on = on or timezone.localdate()
    days_ahead = settings.CHIDAO_REMINDER_DAYS_AHEAD if days_ahead is None else days_ahead
    run = ReminderRun(on=on, days_ahead=days_ahead)
    by_unit = reminder_items_by_unit(on=on, days_ahead=days_ahead)
    if not by_unit:
        return run
    # Stored and emailed in the site's language whatever language the caller has active.
    with translation.override(settings.LANGUAGE_CODE):
        for user in _lead_officers(by_unit):
            items = _items_of(user, by_unit)
            subject, body = reminder_digest_text(on=on, items=items)
            notification = _create_once(user=user, on=on, subject=subject, body=body, items=items)
            if notification is None:
                run.skipped_existing += 1
                continue
            run.digests_created += 1
            run.recipients.append(user.username)
            if not user.email:
                continue
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except Exception:  # the in-app digest stands; the failure is logged, not retried
                logger.exception("Reminder email to %s failed", user.username)
                run.emails_failed += 1
                continue
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            run.emails_sent += 1
    return run
