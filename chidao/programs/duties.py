"""The deliverables a person is responsible for that are open and overdue: the signal the personnel flags read
("signs of not completing duties"), registered with `personnel.flags` in ProgramsConfig.ready (ADR 0008)."""

import datetime as dt
from collections import defaultdict

from .models import Deliverable
from .selectors import open_overdue_as_of


def overdue_by_responsible(ids: list[int], on: dt.date) -> dict[int, list[str]]:
    """{person_id: [codes of the deliverables they are responsible for that were open and overdue on `on`]}, as the
    records stood on `on` (one query).

    Status and deadline come from the history the program figures use (`selectors.open_overdue_as_of`, ADR 0002),
    never from the current values: a deliverable completed or extended after `on` still counts on `on`, and one
    assigned after `on` does not. The responsible person is the one recorded now (no history is kept of it).
    """
    overdue: dict[int, list[str]] = defaultdict(list)
    rows = (open_overdue_as_of(Deliverable.objects.filter(responsible_person_id__in=ids), as_of=on)
            .order_by("program__number", "code", "id").values_list("responsible_person_id", "code"))
    for pid, code in rows:
        overdue[pid].append(code)
    return overdue
