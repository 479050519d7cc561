"""Background tasks of the programs app (Django's tasks framework; `chidao db_worker` runs them).

Retries and failure records follow chidao.core.tasks (ADR 0004). The reminders may run again safely: a
person who already has the day's digest gets no second one.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from chidao.core.models import Notification
from chidao.core.tasks import error_text, task_failure_record, task_run

from .reminders import reminders_send


@task()
def reminders_send_task(on_iso: str | None = None, days_ahead: int | None = None) -> dict[str, Any]:
    """The daily reminders job; arguments are JSON (a date as YYYY-MM-DD, today when omitted)."""
    on = dt.date.fromisoformat(on_iso) if on_iso else None

    def failed(exc: BaseException, attempts: int) -> None:
        day = on.strftime("%d/%m/%Y") if on else _("hôm nay")
        task_failure_record(
            actor=None, action="reminders_failed", model=Notification,
            label=_("Nhắc hạn ngày %(d)s") % {"d": day}, after={"attempts": attempts},
            reason=_("Lỗi khi gửi nhắc hạn (đã thử %(n)s lần): %(e)s") % {"n": attempts, "e": error_text(exc)})

    return task_run(label="reminders", body=lambda attempt: reminders_send(on=on, days_ahead=days_ahead).as_dict(),
                    failed=failed)
