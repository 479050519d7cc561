"""Background tasks of the programs app (Django's tasks framework; `chidao db_worker` runs them)."""

import datetime as dt
from typing import Any

from django_tasks import task

from .reminders import reminders_send


@task()
def reminders_send_task(on_iso: str | None = None, days_ahead: int | None = None) -> dict[str, Any]:
    """The daily reminders job; arguments are JSON (a date as YYYY-MM-DD, today when omitted)."""
    on = dt.date.fromisoformat(on_iso) if on_iso else None
    return reminders_send(on=on, days_ahead=days_ahead).as_dict()
