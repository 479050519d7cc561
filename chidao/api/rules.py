"""API: the rulebook in force on a day (the same reader as `chidao rules` and the rulebook page)."""

import datetime as dt
from typing import Any

from ninja import Query, Router, Schema

from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.personnel.permissions import can_read_people
from chidao.personnel.rulebook import rulebook_on
from chidao.personnel.rulebook_text import rulebook_lines

from .common import READ_ERRORS
from .inputs import Date

router = Router(tags=["rules"])


class ProvisionOut(Schema):
    key: str
    label: str
    value: str
    source: str
    since: dt.date
    until: dt.date | None
    overridden: bool


class RulebookOut(Schema):
    on: dt.date
    provisions: list[ProvisionOut]


class RulebookQuery(Schema):
    on: Date | None = None


@router.get("/rules", response={200: RulebookOut, **READ_ERRORS})
def rulebook_read(request: AuthedRequest, query: Query[RulebookQuery]) -> Any:
    """Every legal number and list the cadre rules use, in force on `on` (today by default), with its source,
    the days it is in force, and whether a local override replaced it (readers of personnel records)."""
    if not can_read_people(request.user):
        raise PermissionDenied
    on = query.on or dt.date.today()
    return {"on": on, "provisions": [line.__dict__ for line in rulebook_lines(rulebook_on(on))]}
