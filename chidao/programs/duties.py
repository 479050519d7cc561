"""The deliverables a person is responsible for that are open and overdue: the signal the personnel flags read
("signs of not completing duties"), registered with `personnel.flags` in ProgramsConfig.ready (ADR 0008)."""

import datetime as dt
from collections import defaultdict

from .models import DeadlineClass, Deliverable, Status
from .selectors import deadline_class


def overdue_by_responsible(ids: list[int], on: dt.date) -> dict[int, list[str]]:
    """{person_id: [codes of the open deliverables they are responsible for, overdue on `on`]} (one query)."""
    overdue: dict[int, list[str]] = defaultdict(list)
    for d in (Deliverable.objects.filter(responsible_person_id__in=ids, deadline__lt=on)
              .exclude(status__in=[Status.CANCELLED, Status.COMPLETED])
              .order_by("program__number", "code", "id")):
        pid = d.responsible_person_id
        if pid is not None and deadline_class(status=d.status, deadline=d.deadline, completed_on=d.completed_on,
                                              as_of=on) == DeadlineClass.OPEN_OVERDUE:
            overdue[pid].append(d.code)
    return overdue
