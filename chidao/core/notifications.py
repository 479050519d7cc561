"""In-app notifications: the reads and writes on a user's own messages.

Notifications are created by the jobs that send them (e.g. `programs.reminders`); a user only
reads their own and marks them read. Marking read is the user's own reading state, not a change to
a record, so it leaves no change record.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification, User


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    if not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-day", "-created_at", "-id")


def notifications_unread_count(*, user: User) -> int:
    """One COUNT query; 0 for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark all of the user's unread notifications read now; returns how many."""
    if not user.is_authenticated or not user.is_active:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
