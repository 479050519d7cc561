"""The permission matrix of the rulebook (issue 16): the page and the API read by whoever reads personnel records
(`personnel.permissions.can_read_people`); the recompute by administrators only (`core.permissions.
can_manage_units`). See matrix.py for the statuses."""

import datetime as dt

from chidao.personnel.models import Person

from .conftest import ADMIN, World
from .matrix import OK, PEOPLE, POST_ONLY, Operation, Page, api, expect


def _stale(w: World) -> None:
    """One stored retirement date out of date, so the recompute has a row to write."""
    Person.objects.filter(pk=Person.objects.order_by("pk").values_list("pk", flat=True)[:1]).update(
        retirement_date=dt.date(2099, 1, 1))


PAGES: dict[str, Page] = {
    "rulebook": Page(get=expect(PEOPLE), query="ngay=30/06/2025", note="the law in force on a day, with its sources"),
    "rulebook_rederive": Page(get=POST_ONLY, post=expect({ADMIN}, ok_status=OK), prepare=_stale,
                              note="recomputes stored retirement dates and discipline bars"),
}

OPERATIONS: dict[str, Operation] = {
    "GET /api/v1/rules": Operation(api(PEOPLE), query={"on": "2025-07-01"}),
}
